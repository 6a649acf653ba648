import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ShadowMetadata, ShadowState } from './shadow-merge.ts';
import type { ShadowRef } from './shadow-topics.ts';

export interface ShadowRecord {
  state: ShadowState;
  metadata: ShadowMetadata;
  version: number;
  /** A deleted shadow keeps its version: AWS continues numbering after a delete. */
  deleted?: true;
}

interface StoreFile {
  format: 1;
  shadows: Record<string, ShadowRecord>;
}

/**
 * Shadow documents in memory, optionally mirrored to one JSON file so that they survive restarts.
 * Writes are coalesced and done atomically (temp file + rename); `flush()` waits for the last one.
 */
export class ShadowStore {
  private saving: Promise<void> = Promise.resolve();
  private saveQueued = false;

  private constructor(
    private readonly records: Map<string, ShadowRecord>,
    private readonly file: string | undefined,
    private readonly onError: (error: unknown) => void,
  ) {}

  static async open(file: string | undefined, onError: (error: unknown) => void): Promise<ShadowStore> {
    const records = new Map<string, ShadowRecord>();
    if (file) {
      const content = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (content !== undefined) {
        const parsed = JSON.parse(content) as StoreFile;
        for (const [key, record] of Object.entries(parsed.shadows)) records.set(key, record);
      }
    }
    return new ShadowStore(records, file, onError);
  }

  /** The live record (deleted ones included); callers must not mutate it. */
  get(ref: ShadowRef): ShadowRecord | undefined {
    return this.records.get(keyOf(ref));
  }

  set(ref: ShadowRef, record: ShadowRecord): void {
    this.records.set(keyOf(ref), record);
    this.scheduleSave();
  }

  /** Names of the thing's existing named shadows, sorted. */
  namedShadows(thingName: string): string[] {
    const prefix = `${thingName}/`;
    return [...this.records.entries()]
      .filter(([key, record]) => key.startsWith(prefix) && key.length > prefix.length && !record.deleted)
      .map(([key]) => key.slice(prefix.length))
      .sort();
  }

  flush(): Promise<void> {
    return this.saving;
  }

  private scheduleSave(): void {
    const file = this.file;
    if (!file || this.saveQueued) return;
    this.saveQueued = true;
    this.saving = this.saving.then(async () => {
      this.saveQueued = false; // changes from now on need another save
      const content: StoreFile = { format: 1, shadows: Object.fromEntries(this.records) };
      try {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(`${file}.tmp`, JSON.stringify(content));
        await rename(`${file}.tmp`, file);
      } catch (error) {
        this.onError(error);
      }
    });
  }
}

// Thing and shadow names cannot contain "/", and a named shadow's name is never empty.
function keyOf(ref: ShadowRef): string {
  return `${ref.thingName}/${ref.shadowName ?? ''}`;
}
