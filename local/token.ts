/** `npm run -s token -- --user <id> [--operator] [--ttl seconds] [--home DIR]`: a valid local JWT, alone on stdout. */
import { intFlag, parseCommandLine, usageExit } from '../iot/panel/cli-input.ts';
import { localIssuer } from './jwt.ts';
import { layout, lobbyHome, runningStack } from './paths.ts';

const USAGE = `usage: npm run -s token -- --user <userId> [--operator] [--ttl seconds] [--home DIR]
  Prints an access token of the running local stack's issuer (the stack in --home, else LOBBY_HOME, else .lobby).
  The demo users' tokens are also in <home>/local.json (tokens.operator|admin|staff|resident).`;

const { values } = parseCommandLine('token', USAGE, {
  options: { user: { type: 'string' }, operator: { type: 'boolean', default: false }, home: { type: 'string' }, ttl: { type: 'string' } },
});
if (!values.user) usageExit('token', USAGE, '--user is required');
const ttlSeconds = intFlag('token', USAGE, 'ttl', values.ttl, 1);
const home = lobbyHome(values.home);
// The key is the running stack's: made here, it would sign tokens that stack rejects.
const stack = await runningStack(home);
if ('problem' in stack) {
  process.stderr.write(`token: ${stack.problem}; no token made\n`);
  process.exit(2);
}
const issuer = await localIssuer(layout(home).jwtPrivateKey);
process.stdout.write(`${await issuer.sign(values.user, { operator: values.operator, ttlSeconds })}\n`);
