import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { glyph, hasGlyph, PHOTO_HEIGHT, PHOTO_WIDTH, takePhoto } from '../../iot/panel/photo.ts';

const caption = { panelId: 'panel-01jabcdefghjkmnpqrstvwxyz0', at: new Date('2026-03-08T12:34:56.789Z'), method: 'delivery-pin', eventId: '01JABCDEFGHJKMNPQRSTVWXYZ0' };

describe('entry photo', () => {
  it('is a JPEG (SOI/EOI markers) that decodes to 320x240', () => {
    const photo = takePhoto(caption);
    expect([photo[0], photo[1]]).toEqual([0xff, 0xd8]);
    expect([photo[photo.length - 2], photo[photo.length - 1]]).toEqual([0xff, 0xd9]);
    const image = jpeg.decode(photo, { useTArray: true });
    expect([image.width, image.height]).toEqual([PHOTO_WIDTH, PHOTO_HEIGHT]);
    expect(photo.length).toBeGreaterThan(2_000);
    expect(photo.length).toBeLessThan(60_000);
  });

  it('takes other sizes', () => {
    const image = jpeg.decode(takePhoto(caption, { width: 640, height: 480 }), { useTArray: true });
    expect([image.width, image.height]).toEqual([640, 480]);
    const tiny = jpeg.decode(takePhoto(caption, { width: 96, height: 64 }), { useTArray: true });
    expect([tiny.width, tiny.height]).toEqual([96, 64]);
  });

  it('burns the caption in: white text on a dark band at the top', () => {
    const image = jpeg.decode(takePhoto(caption), { useTArray: true });
    let white = 0;
    let band = 0;
    for (let y = 0; y < 80; y++) {
      for (let x = 0; x < PHOTO_WIDTH; x++) {
        const i = (y * PHOTO_WIDTH + x) * 4;
        const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
        if (r > 200 && g > 200 && b > 200) white++;
        if (r < 40 && g < 40 && b < 40) band++;
      }
    }
    expect(white).toBeGreaterThan(500);
    expect(band).toBeGreaterThan(5_000);
  });

  it('differs with the time and the method (it is not a stock image)', () => {
    const a = takePhoto(caption);
    expect(takePhoto({ ...caption, at: new Date('2026-03-08T12:34:57.789Z') }).equals(a)).toBe(false);
    expect(takePhoto({ ...caption, method: 'remote-unlock' }).equals(a)).toBe(false);
  });

  it('has a glyph for every character it needs to write', () => {
    const needed = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-:._T Z/';
    for (const char of needed) expect(hasGlyph(char), char).toBe(true);
    for (const char of needed.replace(' ', '')) expect(glyph(char).flat().some(Boolean), char).toBe(true);
    expect(glyph('a')).toEqual(glyph('A'));
    expect(glyph('#')).toEqual(glyph('?'));
    for (const char of needed) {
      expect(glyph(char)).toHaveLength(7);
      for (const row of glyph(char)) expect(row).toHaveLength(5);
    }
  });
});
