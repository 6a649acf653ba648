import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { localIssuer, type LocalIssuer } from '../../local/jwt.ts';
import { layout } from '../../local/paths.ts';
import type { Property, Resident } from './contract.ts';
import { assertConforms } from './contract-check.ts';

export const stack = () => inject('stack');

export interface Reply<T = unknown> {
  status: number;
  body: T;
  contentType: string;
  headers: Headers;
}

/** A small HTTP client for the local API, as an admin tool or resident app would call it. */
export async function call<T = unknown>(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${stack().apiUrl}${path}`, { method, headers, body });
  const text = await res.text();
  // The contract test: every response must be one the OpenAPI document describes (contract-check.ts).
  assertConforms({ method, path, status: res.status, headers: res.headers, text });
  const contentType = res.headers.get('content-type') ?? '';
  return { status: res.status, body: text && contentType.includes('json') ? JSON.parse(text) : text, contentType, headers: res.headers };
}

/** The value, or the test fails here saying what was missing (rather than with a TypeError further on). */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}`);
  return value;
}

let issuer: Promise<LocalIssuer> | undefined;
export async function tokenFor(userId: string, opts: { operator?: boolean } = {}) {
  issuer ??= localIssuer(layout(inject('testHome')).jwtPrivateKey);
  return (await issuer).sign(userId, opts);
}

export interface TestProperty {
  id: string;
  tokens: { operator: string; admin: string; staff: string; resident: string };
  users: { admin: string; staff: string; resident: string };
  residentId: string;
}

/** A fresh property with an admin, a staff member and a resident (unit 4B): each test file gets its own. */
export async function newProperty(name = 'Test Tower'): Promise<TestProperty> {
  const suffix = randomUUID().slice(0, 8);
  const users = { admin: `admin-${suffix}`, staff: `staff-${suffix}`, resident: `resident-${suffix}` };
  const tokens = {
    operator: await tokenFor(`operator-${suffix}`, { operator: true }),
    admin: await tokenFor(users.admin),
    staff: await tokenFor(users.staff),
    resident: await tokenFor(users.resident),
  };
  const property = await call<Property>('POST', '/properties', { token: tokens.operator, body: { name, timezone: 'America/New_York' } });
  if (property.status !== 201) throw new Error(`property: ${property.status} ${JSON.stringify(property.body)}`);
  const id = property.body.id;
  await expectOk(call('PUT', `/properties/${id}/members/${users.admin}`, { token: tokens.operator, body: { role: 'admin' } }));
  await expectOk(call('PUT', `/properties/${id}/members/${users.staff}`, { token: tokens.admin, body: { role: 'staff' } }));
  const resident = await expectOk(
    call<Resident>('POST', `/properties/${id}/residents`, { token: tokens.admin, body: { userId: users.resident, name: 'Riley Resident', unit: '4B' } }),
  );
  return { id, tokens, users, residentId: resident.body.id };
}

export async function expectOk<T>(reply: Promise<Reply<T>>): Promise<Reply<T>> {
  const r = await reply;
  if (r.status >= 300) throw new Error(`expected success, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r;
}

/** A PIN that passes the property's rules and is unlikely to collide. */
export function randomPin(length = 6): string {
  for (;;) {
    const pin = Array.from({ length }, () => Math.floor(Math.random() * 10)).join('');
    const steps = [...pin].slice(1).map((d, i) => Number(d) - Number(pin[i]));
    if (!steps.every((s) => s === 0) && !steps.every((s) => s === 1) && !steps.every((s) => s === -1)) return pin;
  }
}
