/**
 * Loaded into the local stack's process by `npm run cost` only (NODE_OPTIONS=--import), never in
 * production or tests. It counts what AWS bills without touching the code under measure:
 * - Lambda invocations and durations per function (probe-hooks.mjs wraps local/lambda-runtime.ts);
 * - every AWS SDK call the handlers make (one patch on the SDK's shared Client.send): DynamoDB with
 *   ReturnConsumedCapacity TOTAL added, so DynamoDB Local reports the units; S3 and IoT data-plane
 *   calls with their payload bytes.
 * On SIGUSR2 it writes the counters to $LOBBY_COST_PROBE_OUT (the bench reads them before and after
 * the simulated day and takes the difference).
 */
import { createRequire, register } from 'node:module';
import { renameSync, writeFileSync } from 'node:fs';

globalThis.__lobbyCostProbe ??= { seq: 0, lambda: {}, aws: {} };
const counters = globalThis.__lobbyCostProbe;
register(new URL('./probe-hooks.mjs', import.meta.url));

const require = createRequire(import.meta.url);
const { Client } = require('@smithy/core/client');
const CAPACITY_OPS = /^(Get|Put|Update|Delete|BatchGet|BatchWrite|TransactGet|TransactWrite)(Item)?Command$|^(Query|Scan)Command$/;

const byteLength = (body) => {
  if (body === undefined || body === null) return 0;
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body.byteLength !== undefined) return body.byteLength;
  return 0;
};

function capacityUnits(consumed) {
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum, c) => sum + (c.CapacityUnits ?? (c.ReadCapacityUnits ?? 0) + (c.WriteCapacityUnits ?? 0)), 0);
}

const send = Client.prototype.send;
Client.prototype.send = async function probedSend(command, ...rest) {
  const service = this.config?.serviceId ?? 'unknown';
  const op = command?.constructor?.name?.replace(/Command$/, '') ?? 'unknown';
  counters.aws[service] ??= {};
  counters.aws[service][op] ??= { calls: 0, errors: 0, units: 0, unmetered: 0, bytesIn: 0, bytesOut: 0 };
  const entry = counters.aws[service][op];
  const measured = service === 'DynamoDB' && CAPACITY_OPS.test(command?.constructor?.name ?? '');
  if (measured && command.input && command.input.ReturnConsumedCapacity === undefined) command.input.ReturnConsumedCapacity = 'TOTAL';
  entry.calls += 1;
  entry.bytesIn += byteLength(command?.input?.Body ?? command?.input?.payload);
  try {
    const output = await send.call(this, command, ...rest);
    if (measured) {
      if (output?.ConsumedCapacity) entry.units += capacityUnits(output.ConsumedCapacity);
      else entry.unmetered += 1;
    }
    entry.bytesOut += Number(output?.ContentLength ?? 0) || byteLength(output?.payload);
    return output;
  } catch (error) {
    entry.errors += 1;
    throw error;
  }
};

process.on('SIGUSR2', () => {
  const out = process.env.LOBBY_COST_PROBE_OUT;
  if (!out) return;
  counters.seq += 1;
  writeFileSync(`${out}.tmp`, JSON.stringify(counters));
  renameSync(`${out}.tmp`, out);
});
