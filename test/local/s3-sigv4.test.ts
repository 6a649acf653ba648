import { randomUUID } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/sigv4.ts';
import { stack } from '../support/api.ts';

/**
 * The local S3 checks SigV4 like S3: only requests signed with the local key pair,
 * header-signed or presigned (unexpired, for exactly this method, path and signed
 * headers), reach the bucket; everything else gets S3's 403 XML error and writes nothing.
 */
const clientWith = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
  new S3Client({
    endpoint: stack().s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
const s3 = clientWith(LOCAL_CREDENTIALS);
afterAll(() => s3.destroy());

const bucket = () => stack().photosBucket;
const photoKey = (panel: string) => `photos/prop-${randomUUID().slice(0, 8)}/${panel}/${randomUUID()}.jpg`;
const objectUrl = (key: string) => `${stack().s3Endpoint}/${bucket()}/${key}`;
const jpeg = () => new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);

async function exists(key: string) {
  return s3.send(new HeadObjectCommand({ Bucket: bucket(), Key: key })).then(
    () => true,
    (e: { name?: string }) => {
      if (e.name === 'NotFound') return false;
      throw e;
    },
  );
}

const presignPut = (key: string, opts: { expiresIn?: number; signingDate?: Date } = {}) =>
  getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket(), Key: key, ContentType: 'image/jpeg' }), { expiresIn: opts.expiresIn ?? 60, signingDate: opts.signingDate });

async function expectS3Error(response: Response, code: string | RegExp) {
  expect(response.status).toBe(403);
  expect(response.headers.get('content-type')).toMatch(/xml/);
  const text = await response.text();
  expect(text).toMatch(/^<\?xml/);
  expect(/<Code>([^<]+)<\/Code>/.exec(text)?.[1]).toMatch(code);
  return text;
}

describe('local S3 signature checks', () => {
  it('a valid presigned PUT stores the object and a presigned GET reads it back (200)', async () => {
    const key = photoKey('panel-a');
    const put = await fetch(await presignPut(key), { method: 'PUT', body: jpeg(), headers: { 'content-type': 'image/jpeg' } });
    expect(put.status).toBe(200);
    const get = await fetch(await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket(), Key: key }), { expiresIn: 60 }));
    expect(get.status).toBe(200);
    expect(new Uint8Array(await get.arrayBuffer())).toEqual(jpeg());
  });

  it('the SDK client (header-signed, what the handlers use) works; a wrong secret gets 403 SignatureDoesNotMatch', async () => {
    const key = photoKey('panel-a');
    await s3.send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: Buffer.from('ok') }));
    expect(await exists(key)).toBe(true);
    const wrong = clientWith({ accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' });
    const other = photoKey('panel-b');
    const error = await wrong.send(new PutObjectCommand({ Bucket: bucket(), Key: other, Body: Buffer.from('x') })).then(
      () => undefined,
      (e: { name?: string; $metadata?: { httpStatusCode?: number } }) => e,
    );
    wrong.destroy();
    expect(error?.$metadata?.httpStatusCode).toBe(403);
    expect(error?.name).toBe('SignatureDoesNotMatch');
    expect(await exists(other)).toBe(false);
  });

  it('a large signed upload (the SDK sends Expect: 100-continue) passes the proxy intact', async () => {
    const key = photoKey('panel-a');
    const body = Buffer.alloc(3 * 1024 * 1024, 7);
    await s3.send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: body }));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  it("an unsigned PUT into another panel's photo prefix gets 403 AccessDenied", async () => {
    const key = photoKey('panel-b');
    await expectS3Error(await fetch(objectUrl(key), { method: 'PUT', body: jpeg(), headers: { 'content-type': 'image/jpeg' } }), 'AccessDenied');
    expect(await exists(key)).toBe(false);
  });

  it("a presigned PUT URL for panel A's key used for another key gets 403", async () => {
    const mine = photoKey('panel-a');
    const theirs = mine.replace('/panel-a/', '/panel-b/');
    const url = (await presignPut(mine)).replace(mine, theirs);
    expect(url).toContain(theirs);
    await expectS3Error(await fetch(url, { method: 'PUT', body: jpeg(), headers: { 'content-type': 'image/jpeg' } }), 'SignatureDoesNotMatch');
    expect(await exists(theirs)).toBe(false);
    expect(await exists(mine)).toBe(false);
  });

  it('a presigned PUT URL used with another method gets 403', async () => {
    const key = photoKey('panel-a');
    await s3.send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: Buffer.from('secret photo') }));
    await expectS3Error(await fetch(await presignPut(key)), 'SignatureDoesNotMatch'); // GET with a PUT signature
  });

  it('an expired presigned URL gets 403 "Request has expired"', async () => {
    const key = photoKey('panel-a');
    const url = await presignPut(key, { expiresIn: 60, signingDate: new Date(Date.now() - 120_000) });
    const text = await expectS3Error(await fetch(url, { method: 'PUT', body: jpeg(), headers: { 'content-type': 'image/jpeg' } }), 'AccessDenied');
    expect(text).toContain('Request has expired');
    expect(await exists(key)).toBe(false);
  });

  it('a tampered signature gets 403 SignatureDoesNotMatch', async () => {
    const key = photoKey('panel-a');
    const url = new URL(await presignPut(key));
    const signature = url.searchParams.get('X-Amz-Signature')!;
    // Flip one hex digit for sure (not "write something that may already be there").
    const last = signature.at(-1)!;
    url.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${last === '0' ? '1' : '0'}`);
    await expectS3Error(await fetch(url, { method: 'PUT', body: jpeg(), headers: { 'content-type': 'image/jpeg' } }), 'SignatureDoesNotMatch');
    expect(await exists(key)).toBe(false);
  });
});
