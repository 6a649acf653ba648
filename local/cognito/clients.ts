import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AwsError } from '../sigv4.ts';

/**
 * The user pool's app clients as the Cognito stand-in keeps them (a JSON file under the stack's
 * home, so clients outlive a restart like the integration records in DynamoDB), with the checks
 * CreateUserPoolClient makes for what Lobby sends: a name, known scopes, client credentials only
 * with a secret, and the pool's app-client quota.
 */
export interface AppClient {
  ClientId: string;
  ClientName: string;
  UserPoolId: string;
  ClientSecret?: string;
  AllowedOAuthFlows: string[];
  AllowedOAuthScopes: string[];
  AllowedOAuthFlowsUserPoolClient: boolean;
  AccessTokenValidity?: number;
  TokenValidityUnits?: { AccessToken?: string };
  CreationDate: number;
  LastModifiedDate: number;
}

/** Cognito's default quota of app clients per user pool (adjustable in AWS). */
export const APP_CLIENTS_PER_POOL = 1000;
const CLIENT_NAME = /^[\w\s+=,.@-]{1,128}$/;
const invalid = (message: string) => new AwsError(400, 'InvalidParameterException', message);

export class ClientStore {
  private clients = new Map<string, AppClient>();

  constructor(
    readonly userPoolId: string,
    private readonly file: string,
    /** The custom scopes of the pool's resource servers (`lobby/...`). */
    private readonly scopes: readonly string[],
    private readonly maxClients = APP_CLIENTS_PER_POOL,
  ) {}

  async load(): Promise<this> {
    if (existsSync(this.file)) for (const c of JSON.parse(await readFile(this.file, 'utf8')) as AppClient[]) this.clients.set(c.ClientId, c);
    return this;
  }

  private async save() {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, JSON.stringify([...this.clients.values()]), { mode: 0o600 });
    await rename(tmp, this.file);
  }

  private pool(input: Record<string, unknown>) {
    if (input.UserPoolId !== this.userPoolId) throw new AwsError(400, 'ResourceNotFoundException', `User pool ${String(input.UserPoolId)} does not exist.`);
  }

  get(input: Record<string, unknown>): AppClient {
    this.pool(input);
    const found = typeof input.ClientId === 'string' ? this.clients.get(input.ClientId) : undefined;
    if (!found) throw new AwsError(400, 'ResourceNotFoundException', `User pool client ${String(input.ClientId)} does not exist.`);
    return found;
  }

  find(clientId: string): AppClient | undefined {
    return this.clients.get(clientId);
  }

  async create(input: Record<string, unknown>): Promise<AppClient> {
    this.pool(input);
    if (typeof input.ClientName !== 'string' || !CLIENT_NAME.test(input.ClientName))
      throw invalid("1 validation error detected: Value at 'clientName' failed to satisfy constraint");
    const flows = (input.AllowedOAuthFlows ?? []) as string[];
    const scopes = (input.AllowedOAuthScopes ?? []) as string[];
    if (!Array.isArray(flows) || flows.some((f) => !['code', 'implicit', 'client_credentials'].includes(f))) throw invalid('AllowedOAuthFlows holds an unknown flow');
    if (flows.includes('client_credentials') && input.GenerateSecret !== true) {
      throw new AwsError(400, 'InvalidOAuthFlowException', 'client_credentials flow can not be selected if client does not have a client secret.');
    }
    if (flows.includes('client_credentials') && flows.length > 1)
      throw new AwsError(400, 'InvalidOAuthFlowException', 'client_credentials flow can not be selected along with code flow or implicit flow.');
    if (!Array.isArray(scopes) || (scopes.length === 0 && flows.includes('client_credentials'))) throw invalid('AllowedOAuthScopes is required for client_credentials');
    const unknown = scopes.find((s) => !this.scopes.includes(s));
    if (unknown !== undefined) throw new AwsError(400, 'ScopeDoesNotExistException', `Invalid scope requested: ${unknown}`);
    if (this.clients.size >= this.maxClients) throw new AwsError(400, 'LimitExceededException', 'User pool client limit exceeded.');
    const now = Date.now() / 1000;
    const client: AppClient = {
      ClientId: randomBytes(20)
        .toString('base64url')
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')
        .padEnd(26, '0')
        .slice(0, 26),
      ClientName: input.ClientName,
      UserPoolId: this.userPoolId,
      ...(input.GenerateSecret === true ? { ClientSecret: randomBytes(38).toString('base64url').toLowerCase().slice(0, 51) } : {}),
      AllowedOAuthFlows: flows,
      AllowedOAuthScopes: scopes,
      AllowedOAuthFlowsUserPoolClient: input.AllowedOAuthFlowsUserPoolClient === true,
      ...(typeof input.AccessTokenValidity === 'number' ? { AccessTokenValidity: input.AccessTokenValidity } : {}),
      ...(input.TokenValidityUnits ? { TokenValidityUnits: input.TokenValidityUnits as AppClient['TokenValidityUnits'] } : {}),
      CreationDate: now,
      LastModifiedDate: now,
    };
    this.clients.set(client.ClientId, client);
    await this.save();
    return client;
  }

  async delete(input: Record<string, unknown>): Promise<void> {
    const client = this.get(input);
    this.clients.delete(client.ClientId);
    await this.save();
  }
}

/** How long a client's access tokens live, in seconds (Cognito's default: 60 minutes). */
export function accessTokenSeconds(client: AppClient): number {
  const value = client.AccessTokenValidity ?? 60;
  const unit = client.TokenValidityUnits?.AccessToken ?? 'hours';
  return value * ({ seconds: 1, minutes: 60, hours: 3600, days: 86400 } as Record<string, number>)[unit]!;
}

/** A client secret compared in constant time. */
export function secretMatches(client: AppClient, secret: string): boolean {
  if (!client.ClientSecret) return false;
  const a = Buffer.from(client.ClientSecret);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}
