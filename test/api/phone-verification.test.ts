import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, stack, tokenFor, type TestProperty } from '../support/api.ts';
import { eventually } from '../support/eventually.ts';
import { useStackEnvironment } from '../support/in-process.ts';
import { readSmsLog } from '../../local/sms/server.ts';
import type { Stores } from '../../functions/domain/stores.ts';

/**
 * Attacker-review finding (issue 10): the building calls and texts only a phone its resident proved
 * is theirs. A code by SMS through the outbox (the stack's worker, the SMS stand-in's log), confirmed
 * with at most 5 tries within 10 minutes; a new number clears it; unverified numbers get no texts
 * (calls.ts startCall applies the same rule to phone calls); numbers outside the allowed countries (default +1) are refused.
 */
useStackEnvironment();
const { loadStores } = await import('../../functions/adapters/stores.ts');
const { requestPhoneVerification } = await import('../../functions/domain/phone-verification.ts');
const { notificationsFor } = await import('../../functions/domain/notifications.ts');

let stores: Stores;
let p: TestProperty;
beforeAll(async () => {
  stores = await loadStores();
  p = await newProperty('Verify Tower');
});

let serial = 0;
const newPhone = () => `+1555${String(Date.now() + serial++).slice(-7)}`;
const me = (_token: string) => `/properties/${p.id}/me`;
/** A resident of their own unit, with a phone number set. */
async function resident(phone: string) {
  const userId = `pv-${ulid().slice(-8).toLowerCase()}`;
  const token = await tokenFor(userId);
  const unit = `7${ulid().slice(-3)}`;
  const made = await expectOk(call<{ id: string }>('POST', `/properties/${p.id}/residents`, { token: p.tokens.admin, body: { userId, name: 'Pat Phone', unit } }));
  await expectOk(call('PATCH', me(token), { token, body: { contact: { phone } } }));
  return { token, userId, unit, residentId: made.body.id };
}
const ask = (token: string) => call<{ expiresAt: string }>('POST', `/properties/${p.id}/me/phone-verification`, { token });
const confirm = (token: string, code: string) => call<{ type?: string }>('POST', `/properties/${p.id}/me/phone-verification/confirm`, { token, body: { code } });
/** The code the SMS stand-in received for `phone` (the newest). */
async function textedCode(phone: string, count = 1): Promise<string> {
  const texts = await eventually(async () => {
    const mine = (await readSmsLog(stack().smsLog)).filter((t) => t.to === phone);
    return mine.length >= count && mine;
  }, 45_000);
  const code = /\b([0-9]{6})\b/.exec(texts[texts.length - 1]?.body ?? '')?.[1];
  if (!code) throw new Error('no code in the text');
  return code;
}
const slug = (r: { body: unknown }) => String((r.body as { type?: string }).type ?? '');

describe('phone verification', () => {
  it('a code by SMS confirms the phone; a new number clears it; the code is not listed or kept in the clear', async () => {
    const phone = newPhone();
    const r = await resident(phone);
    expect((await expectOk(call<{ contact: unknown }>('GET', me(r.token), { token: r.token }))).body.contact).toEqual({ phone, phoneVerified: false });
    expect((await ask(r.token)).status).toBe(202);
    const code = await textedCode(phone);
    const texts = (await readSmsLog(stack().smsLog)).filter((t) => t.to === phone);
    expect(texts).toHaveLength(1);
    expect(texts[0]?.body).toContain('Verify Tower');
    // Not a notification about the building: listed to nobody; the record keeps no code.
    for (const token of [p.tokens.admin, r.token]) {
      const listed = JSON.stringify((await call('GET', `/properties/${p.id}/notifications?limit=100`, { token })).body);
      expect(listed).not.toContain('phone-verification');
    }
    const records = (await stores.notifications.page(p.id, { residentId: r.residentId, limit: 10 })).items;
    expect(records.map((n) => n.kind)).toEqual(['phone-verification']);
    expect(JSON.stringify(records)).not.toContain(code);
    const wrong = code === '000000' ? '000001' : '000000';
    const miss = await confirm(r.token, wrong);
    expect(miss.status).toBe(409);
    expect(slug(miss)).toContain('wrong-code');
    expect((await confirm(r.token, code)).status).toBe(204);
    expect((await call<{ contact: unknown }>('GET', me(r.token), { token: r.token })).body.contact).toEqual({ phone, phoneVerified: true });
    // The same number again keeps it; another number clears it.
    await expectOk(call('PATCH', me(r.token), { token: r.token, body: { contact: { phone } } }));
    expect((await call<{ contact: { phoneVerified?: boolean } }>('GET', me(r.token), { token: r.token })).body.contact.phoneVerified).toBe(true);
    const other = newPhone();
    await expectOk(call('PATCH', me(r.token), { token: r.token, body: { contact: { phone: other } } }));
    expect((await call<{ contact: unknown }>('GET', me(r.token), { token: r.token })).body.contact).toEqual({ phone: other, phoneVerified: false });
  });

  it('five wrong codes lock the verification, even racing; then the right code is refused too', async () => {
    const phone = newPhone();
    const r = await resident(phone);
    expect((await ask(r.token)).status).toBe(202);
    const code = await textedCode(phone);
    const wrong = Array.from({ length: 8 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
    const answers = await Promise.all(wrong.map((w) => confirm(r.token, w)));
    expect(answers.every((a) => a.status === 409)).toBe(true);
    const right = await confirm(r.token, code);
    expect(right.status).toBe(409);
    expect(slug(right)).toContain('locked');
    expect((await call<{ contact: { phoneVerified?: boolean } }>('GET', me(r.token), { token: r.token })).body.contact.phoneVerified).toBe(false);
  });

  it('an expired code is refused', async () => {
    const r = await resident(newPhone());
    // Asked 11 minutes ago (this process's clock moved back): past its 10 minutes now.
    await requestPhoneVerification({ ...stores, now: () => new Date(Date.now() - 11 * 60_000) }, { userId: r.userId, operator: false }, p.id);
    const late = await confirm(r.token, '123456');
    expect(late.status).toBe(409);
    expect(slug(late)).toContain('expired');
  });

  it('bad input: a malformed code -> 400; a number outside the allowed countries -> 400; no phone -> 409; nothing changes', async () => {
    const r = await resident(newPhone());
    const bad = await confirm(r.token, '12ab');
    expect(bad.status).toBe(400);
    expect(bad.contentType).toContain('application/problem+json');
    const abroad = await call('PATCH', me(r.token), { token: r.token, body: { contact: { phone: '+447700900123' } } });
    expect(abroad.status).toBe(400);
    expect((await call<{ contact: { phone?: string } }>('GET', me(r.token), { token: r.token })).body.contact.phone).toMatch(/^\+1555/);
    await expectOk(call('PATCH', me(r.token), { token: r.token, body: { contact: { phone: null } } }));
    expect((await ask(r.token)).status).toBe(409);
  });

  it('an unverified phone is texted nothing; once verified it is', async () => {
    const phone = newPhone();
    const r = await resident(phone);
    await expectOk(call('PATCH', me(r.token), { token: r.token, body: { notify: { deliveries: ['sms'], calls: ['phone'] } } }));
    const callee = async () => (await stores.callees.get(p.id, r.residentId))!;
    expect(notificationsFor(p.id, await callee(), 'pass-used', {}, new Date())).toEqual([]);
    expect((await ask(r.token)).status).toBe(202);
    expect((await confirm(r.token, await textedCode(phone))).status).toBe(204);
    expect(notificationsFor(p.id, await callee(), 'pass-used', {}, new Date()).map((n) => n.channel)).toEqual(['sms']);
  });
});
