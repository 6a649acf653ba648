import { onFirstUse } from './on-first-use.ts';

/** The photos bucket (entry photos and credential-set snapshots), as the domain needs it. */
export interface ObjectStore {
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** A short-lived URL to read an object: the caller never gets bucket credentials. */
  presignGet(key: string, seconds: number): Promise<string>;
  /** A short-lived URL a panel uploads one photo to, for exactly this key. */
  presignPut(key: string, contentType: string, seconds: number): Promise<string>;
}

/**
 * The bucket through S3. The S3 client is imported on the first call (a chunk of its
 * own in the bundle), not when the function loads: most requests never touch photos.
 */
export function s3ObjectStore(bucket: string): ObjectStore {
  return onFirstUse(async () => (await import('./s3.ts')).s3Operations(bucket), { put: true, exists: true, delete: true, presignGet: true, presignPut: true });
}
