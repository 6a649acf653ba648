import { createServer, type Server } from 'node:net';

/** Binds to 127.0.0.1 only; a busy port becomes one clear sentence instead of a stack trace. */
export class PortInUseError extends Error {
  constructor(what: string, port: number) {
    super(`${what}: port ${port} on 127.0.0.1 is already in use (another 'npm start'? choose another with --port-base)`);
  }
}

export function listen(server: Server, port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(what, port) : error);
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Whether a port on 127.0.0.1 (or host) can be bound right now. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer().once('error', () => done(false));
    probe.listen(port, host, () => probe.close(() => done(true)));
  });
}
