import { ulid } from 'ulid';
import { keys, type Item, type Page } from '../adapters/lobby-table.ts';
import { badRequest, conflict, notFound } from '../http/problem.ts';
import type { Caller } from '../http/caller.ts';
import { signVisitorQr } from '../../iot/protocol/visitor-qr.ts';
import { anyMember, requireRole } from './access.ts';
import { auditEntry } from './audit.ts';
import { claimCodeEntry, codeHint, generateCode } from './codes.ts';
import { loadSetHead } from './credential-sets.ts';
import { assertCanManage, listPasses, ownedBy, ownerIndex, retireCredential } from './owned-credentials.ts';
import { credentialSync } from './panels.ts';
import { loadProperty } from './properties.ts';
import { attempt } from './transactions.ts';
import { visitorSigningKey } from './visitor-keys.ts';
import type { Stores } from './stores.ts';

/**
 * A time-boxed pass for a visitor: a keypad code and a QR token a panel verifies
 * offline, both valid only between startsAt and endsAt (at most the property's
 * visitorMaxHours). Revocable: the revocation reaches panels with the set.
 */
interface VisitorPassItem extends Item {
  id: string;
  type: 'visitor-pass';
  status: 'active' | 'revoked';
  visitorName: string;
  visitorEmail?: string;
  sealedCode: string;
  codeKey: string;
  codeHint: string;
  createdBy: string;
  createdAt: string;
  startsAt: string;
  endsAt: string;
  validFrom: string;
  validUntil: string;
  qrKeyVersion: number;
  retiredAt?: string;
}

const statusOf = (pass: VisitorPassItem, now: Date) =>
  pass.status === 'revoked' ? 'revoked' : now.getTime() >= Date.parse(pass.endsAt) ? 'expired' : now.getTime() < Date.parse(pass.startsAt) ? 'scheduled' : 'active';

const view = (pass: VisitorPassItem, now: Date) => ({
  id: pass.id, status: statusOf(pass, now), visitorName: pass.visitorName, visitorEmail: pass.visitorEmail ?? null,
  codeHint: pass.codeHint, startsAt: pass.startsAt, endsAt: pass.endsAt, createdBy: pass.createdBy, createdAt: pass.createdAt,
});

/** Signed with the property's current key, so a token fetched after a key rotation is fresh. */
function qrFor(stores: Stores, propertyId: string, pass: VisitorPassItem, keyVersion: number) {
  const key = visitorSigningKey(stores, propertyId, keyVersion);
  return signVisitorQr({ v: 1, p: propertyId, id: pass.id, nbf: Math.floor(Date.parse(pass.startsAt) / 1000), exp: Math.floor(Date.parse(pass.endsAt) / 1000), k: key.kid }, key.privateKey);
}

export async function createVisitorPass(stores: Stores, caller: Caller, propertyId: string, input: { visitorName: string; startsAt: string; endsAt: string; visitorEmail?: string }) {
  await requireRole(stores, caller, propertyId, anyMember);
  const { settings } = await loadProperty(stores, propertyId);
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  const hours = (endsAt.getTime() - startsAt.getTime()) / 3600_000;
  if (hours > settings.visitorMaxHours) {
    throw badRequest(`A visitor pass may last at most ${settings.visitorMaxHours} hours at this property`, [{ path: 'endsAt', message: `must be within ${settings.visitorMaxHours} hours of startsAt` }]);
  }
  if (endsAt.getTime() <= stores.now().getTime()) throw badRequest('The visit is already over', [{ path: 'endsAt', message: 'must be in the future' }]);
  const id = `vp_${ulid(stores.now().getTime())}`;
  const { keyVersion } = await loadSetHead(stores, propertyId);
  for (let draw = 0; draw < 8; draw++) {
    const code = generateCode(settings.codeLength);
    const pass: VisitorPassItem = {
      pk: keys.property(propertyId), sk: `VISITOR#${id}`, ...ownerIndex(propertyId, caller.userId, `VISITOR#${id}`),
      id, type: 'visitor-pass', status: 'active', visitorName: input.visitorName, visitorEmail: input.visitorEmail,
      sealedCode: stores.vault.encrypt(code), codeKey: stores.vault.codeKey(propertyId, code), codeHint: codeHint(code),
      createdBy: caller.userId, createdAt: stores.now().toISOString(), startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(),
      validFrom: startsAt.toISOString(), validUntil: endsAt.toISOString(), qrKeyVersion: keyVersion,
    };
    const failed = await attempt(() => stores.table.transact([
      claimCodeEntry(stores, propertyId, code, { type: 'visitor-pass', id, expiresAt: pass.endsAt }),
      { Put: { Item: { ...pass, expiresAtEpoch: Math.floor(endsAt.getTime() / 1000) + 7 * 86400 } } },
      auditEntry(stores, propertyId, caller.userId, 'visitor-pass.created', { type: 'visitor-pass', id }),
    ]));
    if (failed < 0) return { ...view(pass, stores.now()), code, qr: qrFor(stores, propertyId, pass, keyVersion) };
    if (failed !== 0) throw conflict('The visitor pass could not be saved; try again');
  }
  throw conflict('No free code could be drawn; try again', 'codes-exhausted');
}

async function loadVisitorPass(stores: Stores, caller: Caller, propertyId: string, passId: string) {
  const membership = await requireRole(stores, caller, propertyId, anyMember);
  const pass = await stores.table.get<VisitorPassItem>(keys.property(propertyId), `VISITOR#${passId}`);
  if (!pass || (membership.role === 'resident' && pass.createdBy !== caller.userId)) throw notFound('No such visitor pass');
  return { membership, pass };
}

export async function listVisitorPasses(stores: Stores, caller: Caller, propertyId: string, limit: number, cursor?: string): Promise<Page<ReturnType<typeof view>>> {
  const membership = await requireRole(stores, caller, propertyId, anyMember);
  const page = await listPasses<VisitorPassItem>(stores, membership, 'VISITOR#', limit, cursor);
  return { items: page.items.map((p) => view(p, stores.now())), nextCursor: page.nextCursor };
}

export async function getVisitorPass(stores: Stores, caller: Caller, propertyId: string, passId: string) {
  const { pass } = await loadVisitorPass(stores, caller, propertyId, passId);
  const usable = pass.status === 'active';
  return {
    ...view(pass, stores.now()),
    code: usable ? stores.vault.decrypt(pass.sealedCode) : undefined,
    qr: usable ? qrFor(stores, propertyId, pass, (await loadSetHead(stores, propertyId)).keyVersion) : undefined,
    sync: await credentialSync(stores, propertyId, passId, usable),
  };
}

export async function revokeVisitorPass(stores: Stores, caller: Caller, propertyId: string, passId: string) {
  const { membership, pass } = await loadVisitorPass(stores, caller, propertyId, passId);
  assertCanManage(membership, pass.createdBy);
  await revoke(stores, propertyId, pass, caller.userId);
}

async function revoke(stores: Stores, propertyId: string, pass: VisitorPassItem, actor: string) {
  if (pass.status === 'revoked') return;
  await retireCredential(stores, propertyId, pass, 'revoked', actor);
}

/** Move-out: every visitor pass the resident made is revoked at once. */
export async function revokeVisitorPassesOf(stores: Stores, propertyId: string, userId: string, actor: string) {
  for (const pass of await ownedBy(stores, propertyId, userId, 'VISITOR#')) {
    if (pass.status === 'active') await retireCredential(stores, propertyId, pass, 'revoked', actor);
  }
}
