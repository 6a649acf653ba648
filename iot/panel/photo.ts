import jpeg from 'jpeg-js';

/**
 * The entry photo. A real panel grabs a camera frame; the reference agent draws a synthetic
 * scene with the panel id, the time (ISO 8601, UTC) and the access method burnt in as text,
 * so every grant has a real, decodable, time-stamped JPEG in S3.
 */
export interface PhotoCaption {
  panelId: string;
  at: Date;
  method: string;
  eventId?: string;
}

export interface PhotoOptions {
  width?: number;
  height?: number;
  /** JPEG quality 1-100 (default 75) */
  quality?: number;
}

export const PHOTO_WIDTH = 320;
export const PHOTO_HEIGHT = 240;

/** A minimal 5x7 bitmap font: each glyph is 7 rows of 5 pixels, '1' = ink. Lower case is drawn as upper case. */
const GLYPHS: Record<string, string> = {
  A: '01110 10001 10001 11111 10001 10001 10001',
  B: '11110 10001 10001 11110 10001 10001 11110',
  C: '01110 10001 10000 10000 10000 10001 01110',
  D: '11110 10001 10001 10001 10001 10001 11110',
  E: '11111 10000 10000 11110 10000 10000 11111',
  F: '11111 10000 10000 11110 10000 10000 10000',
  G: '01110 10001 10000 10111 10001 10001 01111',
  H: '10001 10001 10001 11111 10001 10001 10001',
  I: '01110 00100 00100 00100 00100 00100 01110',
  J: '00111 00010 00010 00010 00010 10010 01100',
  K: '10001 10010 10100 11000 10100 10010 10001',
  L: '10000 10000 10000 10000 10000 10000 11111',
  M: '10001 11011 10101 10101 10001 10001 10001',
  N: '10001 10001 11001 10101 10011 10001 10001',
  O: '01110 10001 10001 10001 10001 10001 01110',
  P: '11110 10001 10001 11110 10000 10000 10000',
  Q: '01110 10001 10001 10001 10101 10010 01101',
  R: '11110 10001 10001 11110 10100 10010 10001',
  S: '01111 10000 10000 01110 00001 00001 11110',
  T: '11111 00100 00100 00100 00100 00100 00100',
  U: '10001 10001 10001 10001 10001 10001 01110',
  V: '10001 10001 10001 10001 10001 01010 00100',
  W: '10001 10001 10001 10101 10101 10101 01010',
  X: '10001 10001 01010 00100 01010 10001 10001',
  Y: '10001 10001 10001 01010 00100 00100 00100',
  Z: '11111 00001 00010 00100 01000 10000 11111',
  '0': '01110 10001 10011 10101 11001 10001 01110',
  '1': '00100 01100 00100 00100 00100 00100 01110',
  '2': '01110 10001 00001 00010 00100 01000 11111',
  '3': '11111 00010 00100 00010 00001 10001 01110',
  '4': '00010 00110 01010 10010 11111 00010 00010',
  '5': '11111 10000 11110 00001 00001 10001 01110',
  '6': '00110 01000 10000 11110 10001 10001 01110',
  '7': '11111 00001 00010 00100 01000 01000 01000',
  '8': '01110 10001 10001 01110 10001 10001 01110',
  '9': '01110 10001 10001 01111 00001 00010 01100',
  '-': '00000 00000 00000 11111 00000 00000 00000',
  ':': '00000 01100 01100 00000 01100 01100 00000',
  '.': '00000 00000 00000 00000 00000 01100 01100',
  _: '00000 00000 00000 00000 00000 00000 11111',
  '/': '00000 00001 00010 00100 01000 10000 00000',
  '+': '00000 00100 00100 11111 00100 00100 00000',
  '?': '01110 10001 00001 00010 00100 00000 00100',
  ' ': '00000 00000 00000 00000 00000 00000 00000',
};

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;
const FONT = new Map(Object.entries(GLYPHS).map(([ch, rows]) => [ch, rows.split(' ').map((row) => [...row].map((bit) => bit === '1'))]));

const UNKNOWN_GLYPH = FONT.get('?') ?? [];

/** The glyph drawn for a character: upper-cased, '?' for anything the font lacks. */
export function glyph(char: string): boolean[][] {
  return FONT.get(char.toUpperCase()) ?? UNKNOWN_GLYPH;
}

export const hasGlyph = (char: string) => FONT.has(char.toUpperCase());

type Rgb = [number, number, number];

class Canvas {
  readonly data: Buffer;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = Buffer.alloc(width * height * 4);
  }

  set(x: number, y: number, [r, g, b]: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    this.data[i] = r;
    this.data[i + 1] = g;
    this.data[i + 2] = b;
    this.data[i + 3] = 255;
  }

  rect(x: number, y: number, w: number, h: number, color: Rgb): void {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) this.set(xx, yy, color);
  }

  /** Draws text at a pixel scale; returns the width drawn. */
  text(x: number, y: number, text: string, scale: number, color: Rgb): number {
    const advance = (GLYPH_WIDTH + 1) * scale;
    [...text].forEach((char, n) => {
      glyph(char).forEach((row, gy) => {
        row.forEach((ink, gx) => {
          if (ink) this.rect(x + n * advance + gx * scale, y + gy * scale, scale, scale, color);
        });
      });
    });
    return text.length * advance;
  }
}

/** Splits text into lines of at most `perLine` characters. */
function wrap(text: string, perLine: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += perLine) lines.push(text.slice(i, i + perLine));
  return lines.length > 0 ? lines : [''];
}

/** A time-stamped JPEG for an access event. */
export function takePhoto(caption: PhotoCaption, options: PhotoOptions = {}): Buffer {
  const width = options.width ?? PHOTO_WIDTH;
  const height = options.height ?? PHOTO_HEIGHT;
  const canvas = new Canvas(width, height);

  // The "scene": a lobby-ish gradient with a doorway, deterministic per event.
  let seed = hashSeed(`${caption.panelId}|${caption.at.toISOString()}`);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const noise = (seed >>> 24) % 12;
      const shade = 40 + Math.round((120 * y) / height);
      canvas.set(x, y, [shade / 2 + noise, shade / 1.5 + noise, shade + noise]);
    }
  }
  const doorWidth = Math.round(width / 4);
  canvas.rect(Math.round(width / 2 - doorWidth / 2), Math.round(height / 3), doorWidth, height - Math.round(height / 3), [90, 60, 40]);

  // The caption: white on a dark band, scaled to fit the width.
  const margin = 4;
  const scale = Math.max(1, Math.floor(Math.min(width / 160, height / 120)));
  const small = Math.max(1, scale - 1);
  const perLine = (s: number) => Math.max(1, Math.floor((width - 2 * margin) / ((GLYPH_WIDTH + 1) * s)));
  const lines: Array<{ text: string; scale: number }> = [
    ...wrap(caption.method.toUpperCase(), perLine(scale)).map((text) => ({ text, scale })),
    ...wrap(caption.at.toISOString(), perLine(scale)).map((text) => ({ text, scale })),
    ...wrap(caption.panelId.toUpperCase(), perLine(scale)).map((text) => ({ text, scale })),
    ...(caption.eventId ? wrap(caption.eventId, perLine(small)).map((text) => ({ text, scale: small })) : []),
  ];
  const lineHeight = (s: number) => (GLYPH_HEIGHT + 3) * s;
  const bandHeight = lines.reduce((h, line) => h + lineHeight(line.scale), 0) + margin;
  canvas.rect(0, 0, width, Math.min(height, bandHeight), [10, 10, 10]);
  let y = margin;
  for (const line of lines) {
    canvas.text(margin, y, line.text, line.scale, [255, 255, 255]);
    y += lineHeight(line.scale);
  }
  return jpeg.encode({ data: canvas.data, width, height }, options.quality ?? 75).data;
}

function hashSeed(text: string): number {
  let h = 2166136261;
  for (const char of text) h = Math.imul(h ^ char.charCodeAt(0), 16777619) >>> 0;
  return h;
}
