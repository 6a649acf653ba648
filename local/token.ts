/** `npm run token -- --user <id> [--operator]`: prints a valid local JWT, alone on stdout. */
import { parseArgs } from 'node:util';
import { localIssuer } from './jwt.ts';
import { layout, lobbyHome } from './paths.ts';

const { values } = parseArgs({ options: { user: { type: 'string' }, operator: { type: 'boolean', default: false }, home: { type: 'string' }, ttl: { type: 'string' } } });
if (!values.user) {
  process.stderr.write('usage: npm run token -- --user <userId> [--operator] [--ttl seconds]\n');
  process.exit(2);
}
const issuer = await localIssuer(layout(lobbyHome(values.home)).jwtPrivateKey);
process.stdout.write(`${await issuer.sign(values.user, { operator: values.operator, ttlSeconds: values.ttl ? Number(values.ttl) : undefined })}\n`);
