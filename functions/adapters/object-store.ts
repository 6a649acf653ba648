import type { ObjectStore } from '../domain/stores.ts';
import { onFirstUse } from './on-first-use.ts';

export type { ObjectStore };

/**
 * The bucket through S3. The S3 client is imported on the first call (a chunk of its
 * own in the bundle), not when the function loads: most requests never touch photos.
 */
export function s3ObjectStore(bucket: string): ObjectStore {
  return onFirstUse(async () => (await import('./s3.ts')).s3Operations(bucket), { put: true, exists: true, delete: true, presignGet: true, presignPut: true });
}
