import { mkdir } from 'node:fs/promises';
import S3rver from 's3rver';
import { PortInUseError } from './listen.ts';

/** An S3-compatible emulator (s3rver) on 127.0.0.1, with the photos bucket. */
export async function startS3(opts: { port: number; directory: string; buckets: string[] }) {
  await mkdir(opts.directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: opts.port,
    directory: opts.directory,
    silent: true,
    configureBuckets: opts.buckets.map((name) => ({ name, configs: [] })),
  });
  try {
    await server.run();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError('S3', opts.port);
    throw error;
  }
  return { endpoint: `http://127.0.0.1:${opts.port}`, stop: () => server.close() };
}
