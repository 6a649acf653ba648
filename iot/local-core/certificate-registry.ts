import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The stand-in's record of deactivated certificates (UpdateCertificate INACTIVE in
 * AWS): a file in the IoT data directory that the provisioner writes and the
 * broker reads. Like IoT Core, an inactive certificate cannot connect, and live
 * connections made with it are closed.
 */
const FILE = 'inactive-certificates.json';

/** AWS's certificate id is the SHA-256 of the certificate (DER), in hex. */
export const certificateIdOf = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');

export async function deactivateCertificate(dataDir: string, certificateId: string): Promise<void> {
  const file = join(dataDir, FILE);
  const ids = new Set(existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as string[]) : []);
  if (ids.has(certificateId)) return;
  ids.add(certificateId);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify([...ids]));
  await rename(temp, file);
}

/** The broker's view: which certificate ids are inactive, reloaded whenever the file changes. */
export class InactiveCertificates {
  private ids = new Set<string>();
  private watcher?: FSWatcher;
  private listeners: Array<() => void> = [];

  private constructor(private readonly dataDir: string) {}

  static async open(dataDir: string): Promise<InactiveCertificates> {
    const registry = new InactiveCertificates(dataDir);
    await registry.reload();
    registry.watcher = watch(dataDir, (_event, name) => {
      if (name === FILE)
        void registry.reload().then(
          () => {
            for (const l of registry.listeners) l();
          },
          () => {},
        );
    });
    registry.watcher.unref();
    return registry;
  }

  private async reload() {
    const file = join(this.dataDir, FILE);
    this.ids = new Set(existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as string[]) : []);
  }

  has(certificateId: string | undefined): boolean {
    return certificateId !== undefined && this.ids.has(certificateId);
  }

  /** Called after the list changed (to close live connections of newly inactive certificates). */
  onChange(listener: () => void) {
    this.listeners.push(listener);
  }

  close() {
    this.watcher?.close();
  }
}
