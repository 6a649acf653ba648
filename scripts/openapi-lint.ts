/**
 * `npm run lint:openapi`: writes the OpenAPI document (no server) to a temporary file and lints
 * it with Redocly CLI (redocly.yaml: the recommended rules), then checks that the typed client's
 * generated types (clients/typescript/src/schema.ts) are current. Exits 1 if either fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiDocument } from '../functions/http/openapi.ts';

const root = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'lobby-openapi-'));
const file = join(dir, 'openapi.json');
try {
  writeFileSync(file, JSON.stringify(openApiDocument(), null, 2));
  const redocly = join(root, 'node_modules', '.bin', 'redocly');
  const result = spawnSync(redocly, ['lint', file, '--config', join(root, 'redocly.yaml')], {
    stdio: 'inherit',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  process.exitCode = result.status ?? 1;
  // The typed client's generated types must be what this document generates.
  const check = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'scripts', 'openapi-client.ts'), '--check'], { stdio: 'inherit' });
  if (check.status !== 0) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
