import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CodeVault } from '../domain/stores.ts';
import { config } from './config.ts';

/* Keyed protection for keypad codes: the domain's CodeVault port (domain/stores.ts), from one secret. */

export type { CodeVault };

export function codeVaultFromSecret(secret: string): CodeVault {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), info, 32));
  const hmacKey = derive('lobby/code-hmac/v1');
  const encKey = derive('lobby/code-encryption/v1');
  return {
    codeKey(propertyId, code) {
      return createHmac('sha256', hmacKey).update(`${propertyId}\u0000${code}`).digest('base64url');
    },
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    derivedKey: (purpose) => derive(`lobby/${purpose}`),
    keyedDigest: (purpose, data) =>
      createHmac('sha256', derive(`lobby/digest/${purpose}`))
        .update(data)
        .digest('base64url'),
    decrypt(sealed) {
      const [version, iv, body, tag] = sealed.split('.');
      if (version !== 'v1' || !iv || !body || !tag) throw new Error('unknown sealed code format');
      const decipher = createDecipheriv('aes-256-gcm', encKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

let cached: Promise<CodeVault> | undefined;

/** The vault for this process: from CODE_SECRET_ARN (cloud) or CODE_SECRET_FILE (local). */
export function loadCodeVault(): Promise<CodeVault> {
  cached ??= (async () => {
    if (config.codeSecretArn) {
      // Powertools parameters and the Secrets Manager client are imported here, not at
      // load: a chunk of their own, read once per container, and not in local runs.
      const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
      const secret = await getSecret(config.codeSecretArn, { maxAge: 300 });
      if (typeof secret !== 'string' || secret.length < 32) throw new Error('code secret is missing or too short');
      return codeVaultFromSecret(secret);
    }
    if (config.codeSecretFile) return codeVaultFromSecret((await readFile(config.codeSecretFile, 'utf8')).trim());
    throw new Error('neither CODE_SECRET_ARN nor CODE_SECRET_FILE is set');
  })();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
