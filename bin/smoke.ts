#!/usr/bin/env -S npx tsx
/**
 * `npm run smoke -- --stage dev [--token <jwt>] [--property <id>] [--stack <name>] [--region <r>]`
 *
 * After `cdk deploy`: walks one delivery PIN from the API to a simulated panel on the real AWS
 * IoT endpoint and back out. It reads the stack outputs (CloudFormation DescribeStacks), then
 * `smokeWalk` (the part test/e2e/smoke.test.ts runs against the local stack, same code):
 *   1. uses --property (the token must be its admin), or creates "Smoke <date>" and appoints the
 *      token's user its admin (the token must then be an operator's);
 *   2. creates a panel (certificate and key, returned once) and connects the reference panel
 *      agent (iot/panel) with it to the IoT endpoint the API returned;
 *   3. creates a delivery PIN, waits until the panel grants it at the keypad;
 *   4. deletes the PIN, waits until the panel denies it;
 *   5. cleans up: stops the agent, deletes the panel (DELETE .../panels/{id}) and its local state.
 * The token is an ID or access token of the stack's user pool for the admin app client (the API's
 * JWT audience); see docs/operations.md "Smoke test" for how to get one. Pass it with --token or
 * LOBBY_SMOKE_TOKEN. It prints one JSON report; exit 0 when every step passed.
 */
import { randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { intFlag, parseCommandLine } from '../iot/panel/cli-input.ts';
import { PanelAgent } from '../iot/panel/agent.ts';
import { silentLogger } from '../iot/panel/log.ts';
import { codeProblem } from '../functions/domain/codes.ts';

export interface SmokeOptions {
  apiUrl: string;
  token: string;
  /** an existing property whose admin the token's user is; else one is created (operator token) */
  propertyId?: string;
  /** how long each wait may take (default 60 s) */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface SmokeStep {
  step: string;
  ok: boolean;
  ms: number;
  detail?: string;
}
export interface SmokeReport {
  ok: boolean;
  propertyId?: string;
  panelId?: string;
  steps: SmokeStep[];
  cleanup: string[];
}

/** The `sub` claim of a JWT (not verified: the API verifies it; we only need the user id). */
export function tokenSubject(token: string): string {
  const payload = token.split('.')[1];
  const sub = payload ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub : undefined;
  if (typeof sub !== 'string' || !sub) throw new Error('the token has no sub claim');
  return sub;
}

/** A PIN the property's default rules accept (6 digits, no runs or repeats). */
export function smokePin(length = 6): string {
  for (;;) {
    const pin = String(randomInt(0, 10 ** length)).padStart(length, '0');
    if (codeProblem(pin, length) === undefined) return pin;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

export async function smokeWalk(opts: SmokeOptions): Promise<SmokeReport> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const log = opts.log ?? (() => {});
  const report: SmokeReport = { ok: false, steps: [], cleanup: [] };
  const api = async (method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { authorization: `Bearer ${opts.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${opts.apiUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
  };
  const expect = async (status: number, method: string, path: string, body?: unknown) => {
    const reply = await api(method, path, body);
    if (reply.status !== status) throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
    return reply.body;
  };
  const step = async <T>(name: string, run: () => Promise<T>, detail?: (value: T) => string): Promise<T> => {
    const started = Date.now();
    try {
      const value = await run();
      report.steps.push({ step: name, ok: true, ms: Date.now() - started, ...(detail ? { detail: detail(value) } : {}) });
      log(`smoke: ok   ${name} (${Date.now() - started} ms)`);
      return value;
    } catch (error) {
      report.steps.push({ step: name, ok: false, ms: Date.now() - started, detail: (error as Error).message });
      log(`smoke: FAIL ${name}: ${(error as Error).message}`);
      throw error;
    }
  };

  let agent: PanelAgent | undefined;
  let stateDir: string | undefined;
  let pinId: string | undefined;
  try {
    const propertyId =
      opts.propertyId ??
      (await step(
        "create a smoke property (operator) and appoint the token's user admin",
        async () => {
          const created = await expect(201, 'POST', '/properties', { name: `Smoke ${new Date().toISOString().slice(0, 16)}`, timezone: 'UTC' });
          await expect(200, 'PUT', `/properties/${created.id}/members/${encodeURIComponent(tokenSubject(opts.token))}`, { role: 'admin' });
          return created.id as string;
        },
        (id) => id,
      ));
    report.propertyId = propertyId;
    const panel = await step(
      'create a panel (IoT thing, certificate)',
      () => expect(201, 'POST', `/properties/${propertyId}/panels`, { name: 'Smoke door', kind: 'entrance' }),
      (p) => p.id,
    );
    report.panelId = panel.id;
    stateDir = await mkdtemp(join(tmpdir(), 'lobby-smoke-'));
    const c = panel.connection;
    agent = new PanelAgent({
      identity: {
        panelId: c.clientId,
        propertyId,
        kind: panel.kind ?? 'entrance',
        mqttUrl: c.mqttUrl,
        certificatePem: c.certificatePem,
        privateKeyPem: c.privateKeyPem,
        caPem: c.caPem,
      },
      stateDir,
      config: { log: silentLogger, startTimeoutMs: timeoutMs },
    });
    const door = agent;
    await step(
      'connect the simulated panel to the IoT endpoint',
      async () => {
        await door.start();
        await until('panel connected', () => door.connected, timeoutMs);
      },
      () => c.mqttUrl,
    );
    const pin = smokePin();
    pinId = await step(
      'create a delivery PIN',
      async () => (await expect(201, 'POST', `/properties/${propertyId}/delivery-pins`, { description: 'Smoke test', pin })).id as string,
    );
    await step('the panel grants the PIN', async () => {
      await until('PIN on the panel', () => door.credentialFor(pin) !== undefined, timeoutMs);
      const result = await door.enter(pin);
      if (result.decision !== 'granted') throw new Error(`decision ${result.decision} (${result.reason ?? ''})`);
    });
    await step('delete the PIN', () => expect(204, 'DELETE', `/properties/${propertyId}/delivery-pins/${pinId}`));
    pinId = undefined;
    await step('the panel denies the PIN', async () => {
      await until('PIN gone from the panel', () => door.credentialFor(pin) === undefined, timeoutMs);
      const result = await door.enter(pin);
      if (result.decision !== 'denied') throw new Error(`decision ${result.decision}`);
    });
    report.ok = true;
  } catch {
    report.ok = false;
  } finally {
    if (agent)
      await agent.stop().then(
        () => report.cleanup.push('panel agent stopped'),
        (e: Error) => report.cleanup.push(`agent stop failed: ${e.message}`),
      );
    if (pinId && report.propertyId) {
      const r = await api('DELETE', `/properties/${report.propertyId}/delivery-pins/${pinId}`).catch((e: Error) => ({ status: 0, body: e.message }));
      report.cleanup.push(`delivery PIN deleted: ${r.status}`);
    }
    if (report.panelId && report.propertyId) {
      const r = await api('DELETE', `/properties/${report.propertyId}/panels/${report.panelId}`).catch((e: Error) => ({ status: 0, body: e.message }));
      report.cleanup.push(r.status === 204 ? 'panel deleted' : `panel NOT deleted (${r.status}): delete it by hand (docs/operations.md)`);
    }
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  }
  return report;
}

/** The outputs of a deployed stack (CloudFormation DescribeStacks). */
export async function stackOutputs(stackName: string, region?: string): Promise<Array<{ OutputKey?: string; OutputValue?: string }>> {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = new CloudFormationClient({ region });
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    return out.Stacks?.[0]?.Outputs ?? [];
  } finally {
    cfn.destroy();
  }
}

const SMOKE_USAGE = `usage: npm run -s smoke -- --stage <dev|prod> [--token <jwt> | LOBBY_SMOKE_TOKEN] [--property <id>] [--stack <name>] [--region <r>] [--timeout <s>]
  After cdk deploy: one delivery PIN from the API to a simulated panel on AWS IoT and back out; one JSON report, exit 0 when every step passed.`;

async function main(): Promise<number> {
  const { values } = parseCommandLine('smoke', SMOKE_USAGE, {
    options: {
      stage: { type: 'string', default: 'dev' },
      stack: { type: 'string' },
      region: { type: 'string' },
      token: { type: 'string' },
      property: { type: 'string' },
      timeout: { type: 'string', default: '90' },
    },
  });
  const timeoutSeconds = intFlag('smoke', SMOKE_USAGE, 'timeout', values.timeout, 1) ?? 90;
  const token = values.token ?? process.env.LOBBY_SMOKE_TOKEN;
  if (!token) throw new Error('no token: pass --token or set LOBBY_SMOKE_TOKEN (docs/operations.md, "Smoke test")');
  const stackName = values.stack ?? `Lobby-${values.stage}`;
  const outputs = await stackOutputs(stackName, values.region);
  const apiUrl = outputs.find((o) => o.OutputKey === 'ApiUrl')?.OutputValue;
  if (!apiUrl) throw new Error(`stack ${stackName} has no ApiUrl output`);
  const report = await smokeWalk({
    apiUrl: apiUrl.replace(/\/$/, ''),
    token,
    propertyId: values.property,
    timeoutMs: timeoutSeconds * 1000,
    log: (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(`${JSON.stringify({ stack: stackName, apiUrl, ...report }, null, 2)}\n`);
  return report.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`smoke: ${error.message}\n`);
      process.exit(2);
    },
  );
}
