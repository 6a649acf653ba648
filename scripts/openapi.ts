/**
 * Writes the OpenAPI document (the same one the openapi function serves) to a file, no server:
 * `npm run -s openapi -- [out.json]` (default: stdout). `npm run lint:openapi` lints what it writes.
 */
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../functions/http/openapi.ts';

const out = process.argv[2];
const text = `${JSON.stringify(openApiDocument(), null, 2)}\n`;
if (out) writeFileSync(out, text);
else process.stdout.write(text);
