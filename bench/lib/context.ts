import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { codeVaultFromSecret, type CodeVault } from '../../functions/adapters/code-vault.ts';
import { localIssuer, type LocalIssuer } from '../../local/jwt.ts';
import { layout } from '../../local/paths.ts';
import type { LocalStackInfo } from '../../local/stack.ts';
import type { PanelConnection } from '../../functions/adapters/panel-provisioner.ts';
import { codeProblem } from '../../functions/domain/codes.ts';
import { waitFor } from './stats.ts';

/** What every benchmark gets: the running stack, an HTTP client for its API and direct table access. */
export interface Reply<T = unknown> {
  status: number;
  body: T;
}

export interface BenchProperty {
  id: string;
  tokens: { operator: string; admin: string };
}

export class BenchContext {
  readonly documents: DynamoDBDocumentClient;
  readonly dynamo: DynamoDBClient;
  private issuerPromise: Promise<LocalIssuer> | undefined;
  private vaultPromise: Promise<CodeVault> | undefined;

  constructor(
    readonly info: LocalStackInfo,
    readonly home: string,
  ) {
    this.dynamo = new DynamoDBClient(this.dynamoConfig());
    this.documents = DynamoDBDocumentClient.from(this.dynamo, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** For clients of the stack's DynamoDB Local (any credentials are accepted). */
  dynamoConfig() {
    return { endpoint: this.info.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  }

  get tableName() {
    return this.info.tables.lobby;
  }

  async token(userId: string, opts: { operator?: boolean } = {}) {
    this.issuerPromise ??= localIssuer(layout(this.home).jwtPrivateKey);
    return (await this.issuerPromise).sign(userId, opts);
  }

  /** The code vault the handlers use (same secret file), for seeding items the way the domain writes them. */
  vault(): Promise<CodeVault> {
    this.vaultPromise ??= readFile(layout(this.home).codeSecret, 'utf8').then((secret) => codeVaultFromSecret(secret.trim()));
    return this.vaultPromise;
  }

  async call<T = unknown>(method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.info.apiUrl}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.text();
    return { status: res.status, body: text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
  }

  async expect<T = unknown>(status: number, method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<Reply<T>> {
    const reply = await this.call<T>(method, path, opts);
    if (reply.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}`);
    return reply;
  }

  /** A fresh property with an admin, made through the API like an operator would. */
  async newProperty(name: string): Promise<BenchProperty> {
    const suffix = randomUUID().slice(0, 8);
    const tokens = { operator: await this.token(`bench-operator-${suffix}`, { operator: true }), admin: await this.token(`bench-admin-${suffix}`) };
    const property = await this.expect<{ id: string }>(201, 'POST', '/properties', { token: tokens.operator, body: { name, timezone: 'America/New_York' } });
    await this.expect(200, 'PUT', `/properties/${property.body.id}/members/bench-admin-${suffix}`, { token: tokens.operator, body: { role: 'admin' } });
    return { id: property.body.id, tokens };
  }

  /** A panel and its one-time connection material (mTLS identity for the local IoT Core). */
  async newPanel(property: BenchProperty, name: string): Promise<{ id: string; connection: PanelConnection }> {
    const created = await this.expect<{ id: string; connection: PanelConnection }>(201, 'POST', `/properties/${property.id}/panels`, {
      token: property.tokens.admin,
      body: { name, kind: 'entrance' },
    });
    return { id: created.body.id, connection: created.body.connection };
  }

  async setHead(propertyId: string): Promise<{ version: number; digest: string; keyVersion: number }> {
    const out = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { pk: `PROP#${propertyId}`, sk: 'CREDSET' }, ConsistentRead: true }));
    return { version: (out.Item?.version as number) ?? 0, digest: (out.Item?.digest as string) ?? '', keyVersion: (out.Item?.keyVersion as number) ?? 1 };
  }

  /**
   * Waits until the stream processor has stopped changing the property's credential set
   * (no new version for `quietMs`), so queued stream work does not run into the next measurement.
   */
  async streamIdle(propertyId: string, opts: { quietMs?: number; timeoutMs?: number } = {}): Promise<number> {
    const quietMs = opts.quietMs ?? 1_500;
    let last = -1;
    let since = performance.now();
    return waitFor(
      `stream processing for ${propertyId} to settle`,
      async () => {
        const { version } = await this.setHead(propertyId);
        if (version !== last) {
          last = version;
          since = performance.now();
          return undefined;
        }
        return performance.now() - since >= quietMs ? version : undefined;
      },
      { timeoutMs: opts.timeoutMs ?? 120_000, intervalMs: 200 },
    );
  }

  close() {
    this.dynamo.destroy();
  }
}

/** Distinct 6-digit PINs that pass the property rules (functions/domain/codes.ts), deterministic for a given seed (a simple LCG shuffle of 000000..999999). */
export function distinctPins(count: number, seed = 1): string[] {
  const pins: string[] = [];
  const seen = new Set<number>();
  let x = seed >>> 0;
  while (pins.length < count) {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    const n = x % 1_000_000;
    if (seen.has(n)) continue;
    seen.add(n);
    const pin = String(n).padStart(6, '0');
    if (codeProblem(pin, 6) === undefined) pins.push(pin);
  }
  return pins;
}
