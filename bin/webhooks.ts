/** `npm run -s webhooks -- [--port 4790] [--secret whsec_...]...`: a local webhook receiver that prints one line per delivery. */
import { parseCommandLine } from '../iot/panel/cli-input.ts';
import { startWebhookReceiver } from '../local/webhooks-receiver.ts';

const USAGE = `usage: npm run -s webhooks -- [--port N] [--secret whsec_...] [--status CODE]
  Listens on http://127.0.0.1:<port>/hooks (default port 4790) and prints one line per delivery:
  time, webhook-id, event type, whether the signature verified with a --secret (repeat it during a rotation),
  and the status answered (--status, default 204; e.g. 500 to watch retries).
  Subscribe it:  curl -X POST -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"url":"http://127.0.0.1:4790/hooks","events":["access.granted","access.denied"]}' $API/properties/$PROP/webhooks`;

const { values } = parseCommandLine('webhooks', USAGE, {
  options: { port: { type: 'string' }, secret: { type: 'string', multiple: true }, status: { type: 'string' } },
});
const port = Number(values.port ?? 4790);
const status = Number(values.status ?? 204);
if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(status) || status < 200 || status > 599) {
  process.stderr.write(`webhooks: --port must be 0-65535 and --status an HTTP status\n${USAGE}\n`);
  process.exit(2);
}
try {
  const receiver = await startWebhookReceiver({
    port,
    secrets: values.secret ?? [],
    respond: () => status,
    onDelivery: (d) => {
      const verified = d.verifiedWith.length === 0 ? 'unverified (no --secret)' : d.verifiedWith.some(Boolean) ? 'signature ok' : 'SIGNATURE BAD';
      process.stdout.write(`${new Date(d.receivedAt).toISOString()} ${d.id} ${d.payload?.type ?? '?'} ${verified} -> ${d.status} ${JSON.stringify(d.payload?.data ?? {})}\n`);
    },
  });
  process.stdout.write(`webhooks: listening on ${receiver.url}\n`);
  process.on('SIGINT', () => void receiver.stop().then(() => process.exit(0)));
} catch (error) {
  process.stderr.write(`webhooks: cannot listen on 127.0.0.1:${port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
  process.exit(1);
}
