/**
 * Generates the typed client's types (clients/typescript/src/schema.ts) from the OpenAPI document
 * with openapi-typescript: `npm run -s client:generate`. Not committed: generated before the tests and the
 * typecheck (`pretest`, `pretypecheck`), so it is always what the document says.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from '../functions/http/openapi.ts';
import { routes } from '../functions/http/routes.ts';

const root = join(import.meta.dirname, '..');
const file = join(root, 'clients', 'typescript', 'src', 'schema.ts');
const header = '// Generated from the OpenAPI document by `npm run -s client:generate` (scripts/openapi-client.ts). Do not edit.\n\n';

export async function generatedClientTypes(): Promise<string> {
  const ast = await openapiTS(JSON.parse(JSON.stringify(openApiDocument())), { alphabetize: false, exportType: true });
  // Formatted as the rest of the tree (biome.jsonc), so `npm run format:check` passes on it.
  const idempotent = routes.filter((route) => route.method === 'POST' && route.idempotent).map((route) => route.path);
  const runtime = `\n/** Creates that take an Idempotency-Key (the client adds one, so it may retry them). */\nexport const idempotentPaths: readonly string[] = ${JSON.stringify(idempotent)};\n`;
  const biome = spawnSync(join(root, 'node_modules', '.bin', 'biome'), ['format', `--stdin-file-path=${file}`], {
    input: header + astToString(ast) + runtime,
    encoding: 'utf8',
    cwd: root,
  });
  if (biome.status !== 0) throw new Error(`biome format: ${biome.stderr}`);
  return biome.stdout;
}

if (process.argv[1] === import.meta.filename) writeFileSync(file, await generatedClientTypes());
