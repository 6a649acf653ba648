import { ulid } from 'ulid';
import { adminsOnly, requireRole } from './access.ts';
import { auditEntry } from './audit.ts';
import type { Caller } from './caller.ts';
import { conflict, forbidden, notFound } from './errors.ts';
import type { IntegrationScope } from '../shared/integration-scopes.ts';
import type { Page, Write } from './records.ts';
import type { Stores } from './stores.ts';
import { attempt } from './transactions.ts';

/**
 * Integration clients: a property-management system or partner app an admin lets act at one
 * property with OAuth 2.0 client credentials. Each is its own app client of the identity
 * provider (a Cognito app client in AWS, local/cognito here), holding exactly its scopes; this
 * record ties the client to its property. The API's authorizer reads it on every request, so
 * deleting it revokes the client's tokens at once.
 */
export interface Integration {
  id: string;
  name: string;
  scopes: IntegrationScope[];
  clientId: string;
  createdAt: string;
  createdBy: string;
  /** Deleted: its tokens are refused and its app client is (being) removed. */
  deletedAt?: string;
}

/** What the authorizer reads for a token's client id: one consistent read. */
export interface IntegrationClientRef {
  propertyId: string;
  integrationId: string;
  scopes: IntegrationScope[];
  deletedAt?: string;
}

export interface IntegrationRepository {
  get(propertyId: string, integrationId: string): Promise<Integration | undefined>;
  /** Every integration of the property, deleted ones included (a property has at most MAX_INTEGRATIONS_PER_PROPERTY live). */
  all(propertyId: string): Promise<Integration[]>;
  byClientId(clientId: string): Promise<IntegrationClientRef | undefined>;
  /** The record and its client reference, new. */
  add(propertyId: string, integration: Integration): Write[];
  /** Both marked deleted; the record must exist. */
  markDeleted(propertyId: string, integration: Integration, at: string): Write[];
  /** Holds while the integration exists and is not deleted (what its writes are fenced on). */
  holds(propertyId: string, integrationId: string): Write;
}

/** The identity provider's app clients, one per integration (adapters/cognito-clients.ts). */
export interface AppClients {
  /** The OAuth token endpoint integrations exchange their secret at. */
  readonly tokenUrl: string;
  /** A confidential client allowed only the client-credentials grant and exactly these scopes; the secret is returned once. */
  create(name: string, scopes: readonly IntegrationScope[]): Promise<{ clientId: string; clientSecret: string }>;
  /** Gone (an unknown client is not an error: a retried delete). */
  remove(clientId: string): Promise<void>;
}

/** The identity provider refused a new client for its own quota (Cognito: 1,000 app clients per user pool). */
export class AppClientQuotaError extends Error {
  override name = 'AppClientQuotaError';
}

/**
 * Live integrations per property. Cognito allows 1,000 app clients per user pool (adjustable);
 * the cap keeps one property from taking the pool's share of many, and a create past it is 409.
 */
export const MAX_INTEGRATIONS_PER_PROPERTY = 20;

export type IntegrationView = Omit<Integration, 'deletedAt'>;
const view = ({ id, name, scopes, clientId, createdAt, createdBy }: Integration): IntegrationView => ({ id, name, scopes, clientId, createdAt, createdBy });

/** Managing integrations is a person's job: an integration never manages integrations, whatever it holds. */
async function requireAdminPerson(stores: Stores, caller: Caller, propertyId: string) {
  if (caller.kind === 'integration') throw forbidden('Integrations cannot manage integrations');
  await requireRole(stores, caller, propertyId, adminsOnly);
}

export async function createIntegration(stores: Stores, clients: AppClients, caller: Caller, propertyId: string, input: { name: string; scopes: IntegrationScope[] }) {
  await requireAdminPerson(stores, caller, propertyId);
  const live = (await stores.integrations.all(propertyId)).filter((i) => !i.deletedAt);
  if (live.length >= MAX_INTEGRATIONS_PER_PROPERTY) {
    throw conflict(`A property may have at most ${MAX_INTEGRATIONS_PER_PROPERTY} integrations; delete one first`, 'integration-limit');
  }
  const id = `int_${ulid(stores.now().getTime())}`;
  const scopes = [...new Set(input.scopes)];
  let client: { clientId: string; clientSecret: string };
  try {
    client = await clients.create(`lobby-${propertyId}-${id}`, scopes);
  } catch (error) {
    if (error instanceof AppClientQuotaError) throw conflict('The platform cannot hold more integrations right now; ask the operator', 'integration-quota');
    throw error;
  }
  const integration: Integration = { id, name: input.name, scopes, clientId: client.clientId, createdAt: stores.now().toISOString(), createdBy: caller.userId };
  try {
    const failed = await attempt(() =>
      stores.table.transact([
        ...stores.integrations.add(propertyId, integration),
        auditEntry(stores, propertyId, caller.userId, 'integration.created', { type: 'integration', id }),
      ]),
    );
    if (failed >= 0) throw conflict('The integration could not be saved; try again');
  } catch (error) {
    // No record points at the client: remove it rather than leave an orphan holding a secret.
    await clients.remove(client.clientId).catch(() => {});
    throw error;
  }
  return { ...view(integration), clientSecret: client.clientSecret, tokenUrl: clients.tokenUrl };
}

export async function listIntegrations(stores: Stores, caller: Caller, propertyId: string): Promise<Page<IntegrationView>> {
  await requireAdminPerson(stores, caller, propertyId);
  const items = (await stores.integrations.all(propertyId)).filter((i) => !i.deletedAt).map(view);
  return { items, nextCursor: null };
}

export async function getIntegration(stores: Stores, caller: Caller, propertyId: string, integrationId: string): Promise<IntegrationView> {
  await requireAdminPerson(stores, caller, propertyId);
  const integration = await stores.integrations.get(propertyId, integrationId);
  if (!integration || integration.deletedAt) throw notFound('No such integration');
  return view(integration);
}

/**
 * Revokes at once (the record is marked first: the authorizer refuses its tokens from then on),
 * then removes the app client so no new token is issued. A retried delete finishes the removal.
 */
export async function deleteIntegration(stores: Stores, clients: AppClients, caller: Caller, propertyId: string, integrationId: string): Promise<void> {
  await requireAdminPerson(stores, caller, propertyId);
  const integration = await stores.integrations.get(propertyId, integrationId);
  if (!integration) throw notFound('No such integration');
  if (!integration.deletedAt) {
    await stores.table.transact([
      ...stores.integrations.markDeleted(propertyId, integration, stores.now().toISOString()),
      auditEntry(stores, propertyId, caller.userId, 'integration.deleted', { type: 'integration', id: integrationId }),
    ]);
  }
  await clients.remove(integration.clientId);
}

/** The integration a client-credentials token's `client_id` belongs to, if it is live (the authorizer's question). */
export async function liveIntegrationOf(stores: Pick<Stores, 'integrations'>, clientId: string): Promise<IntegrationClientRef | undefined> {
  const ref = await stores.integrations.byClientId(clientId);
  return ref && !ref.deletedAt ? ref : undefined;
}
