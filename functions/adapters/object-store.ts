import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3 } from './aws-clients.ts';

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

export function s3ObjectStore(bucket: string): ObjectStore {
  return {
    async put(key, body, contentType) {
      await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
    async exists(key) {
      try {
        await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
        throw error;
      }
    },
    async delete(key) {
      await s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    presignGet: (key, seconds) => getSignedUrl(s3(), new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: seconds }),
    presignPut: (key, contentType, seconds) => getSignedUrl(s3(), new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType }), { expiresIn: seconds }),
  };
}
