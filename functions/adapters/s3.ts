import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { config } from './config.ts';
import type { ObjectStore } from './object-store.ts';
import { traceWhenSampled } from './tracing.ts';

/**
 * The S3 client and presigner (~150 KB of bundle): object-store.ts loads this module on
 * first use, so functions that never touch the photos bucket never read it.
 */
let s3Client: S3Client | undefined;

export function s3(): S3Client {
  // WHEN_REQUIRED: with the SDK's default checksums, presigned PUT URLs carry the
  // checksum of an empty body (see TOOLCHAIN.md); the same setting is right in AWS.
  s3Client ??= traceWhenSampled(
    new S3Client({
      forcePathStyle: config.s3ForcePathStyle,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  );
  return s3Client;
}

export function s3Operations(bucket: string): ObjectStore {
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
