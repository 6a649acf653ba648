import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { PanelAgent } from '../../iot/panel/agent.ts';
import type { PanelConnection as MqttConnection } from '../../iot/panel/connection.ts';
import { silentLogger } from '../../iot/panel/log.ts';
import { HEARTBEAT_SECONDS, ruleTopicFilters } from '../../iot/protocol/topics.ts';
import { topicMatches } from '../../iot/local-core/topic-filter.ts';
import type { BenchContext, BenchProperty } from '../lib/context.ts';
import { distinctPins } from '../lib/context.ts';
import { log, sleep, waitFor } from '../lib/stats.ts';
import type { MeasuredDay } from './model.ts';

/**
 * The simulated building day of `npm run cost`, run on the local stack with bench/cost/probe.mjs
 * loaded into it. Each activity runs a sample (not all of it), is measured alone (probe counters,
 * panel-side MQTT counters, HTTP to S3, API calls, log bytes, table size before and after, once the
 * stream, the panels' outboxes and every Lambda invocation have settled), and its deltas are
 * multiplied up to the day's volume.
 */
export const BUILDING_DAY = { units: 300, panels: 4, deliveries: 150, visitorPasses: 30, entries: 2_000, photoBytes: 60_000 };

export interface DaySample {
  heartbeatsPerPanel: number;
  pinEntries: number;
  deliveries: number;
  visitors: number;
  staffReads: number;
}
export const defaultSample: DaySample = { heartbeatsPerPanel: 60, pinEntries: 100, deliveries: 30, visitors: 10, staffReads: 20 };

/** about 60 KB, like a real entry photo (the agent's default frame is ~8 KB) */
const PHOTO = { width: 760, height: 570, quality: 85 };

interface ProbeCounters {
  seq: number;
  lambda: Record<string, { invocations: number; ms: number; errors: number }>;
  aws: Record<string, Record<string, { calls: number; errors: number; units: number; unmetered: number; bytesIn: number; bytesOut: number }>>;
}
interface Wire {
  messageUnits: number;
  pubacks: number;
  shadowOpUnits: number;
  ruleUnits: number;
  messages: number;
  bytes: number;
}
interface Http {
  puts: number;
  gets: number;
  putBytes: number;
}
interface Snapshot {
  probe: ProbeCounters;
  logBytes: number;
  wire: Wire;
  http: Http;
  api: number;
  tableBytes: number;
}

const ruleFilters = Object.values(ruleTopicFilters);
const units = (bytes: number, size: number) => Math.max(1, Math.ceil(bytes / size));

export class CostDay {
  private readonly wire: Wire = { messageUnits: 0, pubacks: 0, shadowOpUnits: 0, ruleUnits: 0, messages: 0, bytes: 0 };
  private readonly http: Http = { puts: 0, gets: 0, putBytes: 0 };
  private api = 0;
  private agents: PanelAgent[] = [];
  private property!: BenchProperty;
  private residents: Array<{ id: string; token: string }> = [];
  private pins: string[] = [];
  private probeSeq = 0;
  readonly day: MeasuredDay = {
    panels: BUILDING_DAY.panels,
    apiRequests: 0,
    lambda: {},
    iot: { messageUnits: 0, pubacks: 0, shadowOpUnits: 0, ruleUnits: 0 },
    dynamodb: { readUnits: 0, writeUnits: 0, storageBytesAdded: 0 },
    s3: { puts: 0, gets: 0, bytesAdded: 0 },
    logBytes: 0,
    secretsCalls: 0,
  };
  readonly phases: Record<string, { sample: number; scale: number; invocations: number; iotMessages: number; dynamoUnits: number }> = {};

  constructor(
    private readonly ctx: BenchContext,
    private readonly stack: { child: ChildProcess; logFile: string; probeFile: string },
  ) {}

  // ---- set-up (not measured) ------------------------------------------------------------------

  async setUp(): Promise<void> {
    const ctx = this.ctx;
    this.property = await ctx.newProperty('Cost Tower');
    const pid = this.property.id;
    log(`cost: ${BUILDING_DAY.units} residents, ${BUILDING_DAY.panels} panels, 5 carrier PINs`);
    const ids = Array.from({ length: BUILDING_DAY.units }, (_, i) => `cost-resident-${i}-${randomUUID().slice(0, 6)}`);
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < ids.length) {
          const i = next++;
          await this.call(201, 'POST', `/properties/${pid}/residents`, {
            token: this.property.tokens.admin,
            body: { userId: ids[i], name: `Resident ${i}`, unit: `${Math.floor(i / 10) + 1}${'ABCDEFGHIJ'[i % 10]}` },
          });
          this.residents.push({ id: ids[i]!, token: await ctx.token(ids[i]!) });
        }
      }),
    );
    this.pins = distinctPins(5, 4242);
    for (const [i, pin] of this.pins.entries()) {
      await this.call(201, 'POST', `/properties/${pid}/delivery-pins`, { token: this.property.tokens.admin, body: { description: `Carrier ${i}`, pin } });
    }
    for (let i = 0; i < BUILDING_DAY.panels; i++) {
      const created = await ctx.newPanel(this.property, `Door ${i}`);
      this.agents.push(this.agent(created));
    }
    await Promise.all(this.agents.map((a) => a.start()));
    await this.settle();
  }

  private agent(panel: Awaited<ReturnType<BenchContext['newPanel']>>): PanelAgent {
    const c = panel.connection;
    const countingFetch: typeof fetch = async (input, init) => {
      const method = (init?.method ?? 'GET').toUpperCase();
      if (method === 'PUT') {
        this.http.puts += 1;
        this.http.putBytes += (init?.body as Buffer | undefined)?.byteLength ?? 0;
      } else this.http.gets += 1;
      return fetch(input, init);
    };
    const agent = new PanelAgent({
      identity: {
        panelId: c.clientId,
        propertyId: this.property.id,
        kind: 'entrance',
        mqttUrl: c.mqttUrl,
        certificatePem: c.certificatePem,
        privateKeyPem: c.privateKeyPem,
        caPem: c.caPem,
      },
      stateDir: join(this.ctx.home, 'cost-panels', panel.id),
      // Heartbeats are sent by hand (a sample, scaled): the timer must not add any.
      config: { log: silentLogger, heartbeatMs: 24 * 3600_000, photo: PHOTO, fetch: countingFetch },
    });
    // The panel side of the wire: what AWS IoT meters (publishes in, deliveries out, shadow topics).
    const connection = (agent as unknown as { connection: MqttConnection }).connection;
    const publish = connection.publish.bind(connection);
    connection.publish = async (topic: string, payload: unknown, qos?: 0 | 1) => {
      this.meter(topic, Buffer.byteLength(JSON.stringify(payload)), 'out');
      return publish(topic, payload, qos);
    };
    connection.on('message', (topic, payload) => this.meter(topic, payload.byteLength, 'in'));
    return agent;
  }

  private meter(topic: string, payloadBytes: number, direction: 'in' | 'out') {
    const bytes = Buffer.byteLength(topic) + payloadBytes;
    this.wire.messages += 1;
    this.wire.bytes += bytes;
    if (direction === 'out' && topic.startsWith('$aws/things/')) {
      this.wire.shadowOpUnits += units(payloadBytes, 1024);
      return;
    }
    if (direction === 'out' && topic.startsWith('$aws/rules/')) {
      this.wire.ruleUnits += units(bytes, 5120);
      return;
    } // Basic Ingest: no messaging charge
    this.wire.messageUnits += units(bytes, 5120);
    if (direction === 'in') this.wire.pubacks += 1; // QoS 1 subscriptions: the panel acknowledges every delivery
    if (direction === 'out' && ruleFilters.some((f) => topicMatches(f, topic))) this.wire.ruleUnits += units(bytes, 5120);
  }

  private async call<T = unknown>(status: number, method: string, path: string, opts: { token?: string; body?: unknown }) {
    this.api += 1;
    return this.ctx.expect<T>(status, method, path, opts);
  }

  // ---- measurement ------------------------------------------------------------------------------

  private async readProbe(): Promise<ProbeCounters> {
    const want = ++this.probeSeq;
    this.stack.child.kill('SIGUSR2');
    return waitFor(
      'cost probe counters',
      async () => {
        const text = await readFile(this.stack.probeFile, 'utf8').catch(() => '');
        const parsed = text ? (JSON.parse(text) as ProbeCounters) : undefined;
        return parsed && parsed.seq >= want ? parsed : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
  }

  private async tableBytes(): Promise<number> {
    let total = 0;
    for (const table of Object.values(this.ctx.info.tables)) {
      const out = await this.ctx.dynamo.send(new DescribeTableCommand({ TableName: table }));
      total += out.Table?.TableSizeBytes ?? 0;
    }
    return total;
  }

  private async snapshot(): Promise<Snapshot> {
    return {
      probe: await this.readProbe(),
      logBytes: statSync(this.stack.logFile).size,
      wire: { ...this.wire },
      http: { ...this.http },
      api: this.api,
      tableBytes: await this.tableBytes(),
    };
  }

  /**
   * The stream has settled and every panel holds the resulting set. Whether a new pass is in that
   * set depends on the property's offline policy (panels not holding passes claim them in the cloud).
   */
  private async panelsCurrent(quietMs = 1_000): Promise<void> {
    const version = await this.ctx.streamIdle(this.property.id, { quietMs });
    await waitFor('panels on the current credential set', () => this.agents.every((a) => a.status().version >= version && !a.status().syncing), {
      timeoutMs: 60_000,
      intervalMs: 50,
    });
  }

  /** Outboxes delivered, stream quiet, every panel on the current set, no Lambda invocation for a while. */
  private async settle(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.drain()));
    await this.panelsCurrent();
    let last = -1;
    for (;;) {
      const probe = await this.readProbe();
      const total = Object.entries(probe.lambda)
        .filter(([fn]) => fn !== 'reconcile')
        .reduce((s, [, v]) => s + v.invocations, 0);
      if (total === last) return;
      last = total;
      await sleep(750);
    }
  }

  /** Runs one activity on a sample, measures it alone and adds (delta x scale) to the day. */
  private async phase(name: string, sample: number, scale: number, run: () => Promise<void>): Promise<void> {
    const before = await this.snapshot();
    await run();
    await this.settle();
    const after = await this.snapshot();
    const d = this.day;
    let invocations = 0;
    for (const [fn, v] of Object.entries(after.probe.lambda)) {
      if (fn === 'reconcile') continue; // the local schedule runs every minute; AWS's schedule is priced apart
      const b = before.probe.lambda[fn] ?? { invocations: 0, ms: 0 };
      const entry = d.lambda[fn] ?? { invocations: 0, ms: 0 };
      d.lambda[fn] = entry;
      entry.invocations += (v.invocations - b.invocations) * scale;
      entry.ms += (v.ms - b.ms) * scale;
      invocations += v.invocations - b.invocations;
    }
    const aws = (service: string, pick: (op: string) => boolean, value: (e: ProbeCounters['aws'][string][string]) => number) => {
      let sum = 0;
      for (const [op, e] of Object.entries(after.probe.aws[service] ?? {})) {
        if (!pick(op)) continue;
        const b = before.probe.aws[service]?.[op];
        sum += value(e) - (b ? value(b) : 0);
      }
      return sum;
    };
    // Units DynamoDB Local reported; a call without a figure (or a failed conditional write) counts one unit.
    const ddbUnits = (e: { units: number; unmetered: number; errors: number }) => e.units + e.unmetered + e.errors;
    const isRead = (op: string) => /^(Get|Query|Scan|BatchGet|TransactGet)/.test(op);
    const isWrite = (op: string) => /^(Put|Update|Delete|BatchWrite|TransactWrite)/.test(op);
    const reads = aws('DynamoDB', isRead, ddbUnits);
    const writes = aws('DynamoDB', isWrite, ddbUnits);
    d.dynamodb.readUnits += reads * scale;
    d.dynamodb.writeUnits += writes * scale;
    d.dynamodb.storageBytesAdded += Math.max(0, after.tableBytes - before.tableBytes) * scale;
    // Cloud side of IoT: data-plane publishes (5 KB units) and shadow calls (1 KB units).
    const publishCalls = aws(
      'IoT Data Plane',
      (op) => op === 'Publish',
      (e) => e.calls,
    );
    const publishBytes = aws(
      'IoT Data Plane',
      (op) => op === 'Publish',
      (e) => e.bytesIn,
    );
    const shadowCalls = aws(
      'IoT Data Plane',
      (op) => op.includes('ThingShadow'),
      (e) => e.calls,
    );
    const shadowBytes = aws(
      'IoT Data Plane',
      (op) => op.includes('ThingShadow'),
      (e) => e.bytesIn + e.bytesOut,
    );
    const w = (k: keyof Wire) => after.wire[k] - before.wire[k];
    const messageUnits = w('messageUnits') + Math.max(publishCalls, Math.ceil(publishBytes / 5120));
    d.iot.messageUnits += messageUnits * scale;
    d.iot.pubacks += w('pubacks') * scale;
    d.iot.shadowOpUnits += (w('shadowOpUnits') + Math.max(shadowCalls, Math.ceil(shadowBytes / 1024))) * scale;
    d.iot.ruleUnits += w('ruleUnits') * scale;
    const s3Puts = aws(
      'S3',
      (op) => op === 'PutObject' || op.startsWith('Copy') || op.startsWith('List'),
      (e) => e.calls,
    );
    const s3Gets = aws(
      'S3',
      (op) => op === 'GetObject' || op === 'HeadObject',
      (e) => e.calls,
    );
    d.s3.puts += (after.http.puts - before.http.puts + s3Puts) * scale;
    d.s3.gets += (after.http.gets - before.http.gets + s3Gets) * scale;
    d.s3.bytesAdded +=
      (after.http.putBytes -
        before.http.putBytes +
        aws(
          'S3',
          (op) => op === 'PutObject',
          (e) => e.bytesIn,
        )) *
      scale;
    d.apiRequests += (after.api - before.api) * scale;
    d.logBytes += (after.logBytes - before.logBytes) * scale;
    d.secretsCalls +=
      aws(
        'Secrets Manager',
        () => true,
        (e) => e.calls,
      ) * scale;
    this.phases[name] = { sample, scale: Number(scale.toFixed(3)), invocations, iotMessages: messageUnits + w('pubacks'), dynamoUnits: Number((reads + writes).toFixed(1)) };
    log(`cost: ${name}: ${sample} sampled x ${scale.toFixed(2)}; ${invocations} invocations, ${(reads + writes).toFixed(1)} DynamoDB units`);
  }

  // ---- the day --------------------------------------------------------------------------------

  async run(sample: DaySample = defaultSample): Promise<MeasuredDay> {
    const pid = this.property.id;
    const admin = this.property.tokens.admin;
    const door = (i: number) => this.agents[i % this.agents.length]!;
    const beatsPerPanel = 86_400 / HEARTBEAT_SECONDS;

    await this.phase('heartbeats', sample.heartbeatsPerPanel * this.agents.length, beatsPerPanel / sample.heartbeatsPerPanel, async () => {
      // One beat at a time, spaced: in AWS four panels' beats never queue behind each other,
      // and a burst here would time DynamoDB Local's queue rather than the handler.
      for (let i = 0; i < sample.heartbeatsPerPanel; i++) {
        for (const agent of this.agents) {
          (agent as unknown as { sendHeartbeat(): void }).sendHeartbeat();
          await sleep(100);
        }
      }
    });

    const otherEntries = BUILDING_DAY.entries - BUILDING_DAY.deliveries - BUILDING_DAY.visitorPasses;
    await this.phase('carrier PIN entries', sample.pinEntries, otherEntries / sample.pinEntries, async () => {
      for (let i = 0; i < sample.pinEntries; i++) {
        const result = await door(i).enter(this.pins[i % this.pins.length]!);
        if (result.decision !== 'granted') throw new Error(`carrier PIN denied: ${result.reason}`);
      }
    });

    await this.phase('delivery passes (create, sync, claim, resident checks)', sample.deliveries, BUILDING_DAY.deliveries / sample.deliveries, async () => {
      for (let i = 0; i < sample.deliveries; i++) {
        const resident = this.residents[(i * 7) % this.residents.length]!;
        const pass = await this.call<{ id: string; code: string }>(201, 'POST', `/properties/${pid}/delivery-passes`, { token: resident.token, body: { note: 'parcel' } });
        await this.panelsCurrent(500);
        const result = await door(i).enter(pass.body.code);
        if (result.decision !== 'granted') throw new Error(`delivery pass denied: ${result.reason}`);
        await this.call(200, 'GET', `/properties/${pid}/delivery-passes/${pass.body.id}`, { token: resident.token });
      }
    });

    await this.phase('visitor passes (create, sync, QR at the door)', sample.visitors, BUILDING_DAY.visitorPasses / sample.visitors, async () => {
      for (let i = 0; i < sample.visitors; i++) {
        const resident = this.residents[(i * 13) % this.residents.length]!;
        const startsAt = new Date(Date.now() - 60_000).toISOString();
        const endsAt = new Date(Date.now() + 4 * 3600_000).toISOString();
        const pass = await this.call<{ id: string; code: string; qr: string }>(201, 'POST', `/properties/${pid}/visitor-passes`, {
          token: resident.token,
          body: { visitorName: `Guest ${i}`, startsAt, endsAt },
        });
        await waitFor('visitor pass on the panel', () => door(i).credentialFor(pass.body.code) !== undefined, { timeoutMs: 30_000, intervalMs: 50 });
        const result = await door(i).scan(pass.body.qr);
        if (result.decision !== 'granted') throw new Error(`visitor QR denied: ${result.reason}`);
      }
    });

    await this.phase('staff reads (access events with photo URLs, panels)', sample.staffReads, 1, async () => {
      for (let i = 0; i < sample.staffReads; i++) {
        await this.call(200, 'GET', `/properties/${pid}/access-events`, { token: admin });
        if (i % 4 === 0) await this.call(200, 'GET', `/properties/${pid}/panels`, { token: admin });
      }
    });
    return this.day;
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.stop().catch(() => {})));
  }
}
