import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, type TestProperty } from '../support/api.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../local/webhooks-receiver.ts';

/**
 * Webhook subscriptions over the API (functions/domain/webhooks.ts): admins only, the secret once,
 * the contract's event types only, URLs checked (scheme and resolved address), deliveries listed.
 * Delivery itself: test/e2e/webhooks.test.ts.
 */
let p: TestProperty;
let receiver: WebhookReceiver;
beforeAll(async () => {
  p = await newProperty('Webhook Tower');
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.stop();
});

interface Created {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  secret: string;
  createdAt: string;
}
const base = () => `/properties/${p.id}/webhooks`;
const create = (body: unknown, token = p.tokens.admin) => call<Created>('POST', base(), { token, body });

describe('webhook subscriptions', () => {
  it('create -> 201 with a Standard Webhooks secret shown once; GET, list, PATCH, DELETE', async () => {
    const created = await create({ url: receiver.url, events: ['access.granted', 'package.delivered', 'access.granted'], description: 'PMS' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: receiver.url, events: ['access.granted', 'package.delivered'], enabled: true, description: 'PMS' });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.body.secret.slice(6), 'base64')).toHaveLength(32);
    const id = created.body.id;

    const got = await expectOk(call<Record<string, unknown>>('GET', `${base()}/${id}`, { token: p.tokens.admin }));
    expect(got.body).not.toHaveProperty('secret');
    expect(JSON.stringify(got.body)).not.toContain(created.body.secret.slice(6, 20));
    const list = await expectOk(call<{ items: Array<{ id: string }> }>('GET', base(), { token: p.tokens.admin }));
    expect(list.body.items.map((w) => w.id)).toContain(id);

    const patched = await expectOk(call<Created>('PATCH', `${base()}/${id}`, { token: p.tokens.admin, body: { events: ['call.missed'], enabled: false } }));
    expect(patched.body).toMatchObject({ events: ['call.missed'], enabled: false, url: receiver.url });

    expect((await call('DELETE', `${base()}/${id}`, { token: p.tokens.admin })).status).toBe(204);
    expect((await call('GET', `${base()}/${id}`, { token: p.tokens.admin })).status).toBe(404);
    expect((await call('DELETE', `${base()}/${id}`, { token: p.tokens.admin })).status).toBe(404);
  });

  it('admins only: staff and residents get 403, nothing is created', async () => {
    for (const token of [p.tokens.staff, p.tokens.resident]) {
      expect((await create({ url: receiver.url, events: ['access.denied'] }, token)).status).toBe(403);
      expect((await call('GET', base(), { token })).status).toBe(403);
    }
    const list = await expectOk(call<{ items: Array<{ events: string[] }> }>('GET', base(), { token: p.tokens.admin }));
    expect(list.body.items.filter((w) => w.events.includes('access.denied'))).toHaveLength(0);
  });

  it('unknown event types, no events, unknown fields: 400 problem+json, nothing created', async () => {
    const before = (await expectOk(call<{ items: unknown[] }>('GET', base(), { token: p.tokens.admin }))).body.items.length;
    for (const body of [
      { url: receiver.url, events: ['access.opened'] },
      { url: receiver.url, events: [] },
      { url: receiver.url, events: ['access.granted'], secret: 'mine' },
      { url: 'not a url', events: ['access.granted'] },
    ]) {
      const r = await create(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.contentType).toContain('application/problem+json');
    }
    expect((await expectOk(call<{ items: unknown[] }>('GET', base(), { token: p.tokens.admin }))).body.items).toHaveLength(before);
  });

  it('SSRF: internal, metadata, private, mapped and non-https URLs are refused at create and at PATCH', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'https://169.254.169.254/',
      'https://10.0.0.7/hook',
      'https://192.168.1.1/',
      'https://100.64.0.1/',
      'https://[fd00::1]/',
      'https://[fe80::1]/',
      'https://[::ffff:10.0.0.1]/',
      'https://[::ffff:a9fe:a9fe]/',
      'https://0.0.0.0/',
      'https://224.0.0.1/',
      'http://example.com/hook',
      'ftp://127.0.0.1/',
      'https://user:pw@127.0.0.1/',
      'https://does-not-exist.invalid/',
    ]) {
      const r = await create({ url, events: ['access.granted'] });
      expect(r.status, url).toBe(400);
      expect(r.contentType).toContain('application/problem+json');
    }
    const ok = await expectOk(create({ url: receiver.url, events: ['access.granted'] }));
    const bad = await call('PATCH', `${base()}/${ok.body.id}`, { token: p.tokens.admin, body: { url: 'https://10.1.2.3/' } });
    expect(bad.status).toBe(400);
    expect((await expectOk(call<Created>('GET', `${base()}/${ok.body.id}`, { token: p.tokens.admin }))).body.url).toBe(receiver.url);
  });

  it('rotate-secret: a new secret, different from the first; deliveries list empty for a new subscription; retry of a missing delivery is 404', async () => {
    const created = await expectOk(create({ url: receiver.url, events: ['panel.offline'] }));
    const rotated = await expectOk(call<{ secret: string }>('POST', `${base()}/${created.body.id}/rotate-secret`, { token: p.tokens.admin }));
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    const deliveries = await expectOk(call<{ items: unknown[]; nextCursor: string | null }>('GET', `${base()}/${created.body.id}/deliveries`, { token: p.tokens.admin }));
    expect(deliveries.body).toEqual({ items: [], nextCursor: null });
    expect((await call('POST', `${base()}/${created.body.id}/deliveries/wdl_nope/retry`, { token: p.tokens.admin })).status).toBe(404);
    expect((await call('POST', `${base()}/whk_nope/rotate-secret`, { token: p.tokens.admin })).status).toBe(404);
  });
});
