import type { Server } from 'node:net';

/** Binds to 127.0.0.1 only; a busy port becomes one clear sentence instead of a stack trace. */
export class PortInUseError extends Error {}

export function listen(server: Server, port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE'
        ? new PortInUseError(`${what}: port ${port} on 127.0.0.1 is already in use (another 'npm start'? choose another with --port-base)`)
        : error);
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}
