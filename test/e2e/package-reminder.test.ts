import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, newProperty, type TestProperty } from '../support/api.ts';
import { getItem } from '../support/dynamo.ts';
import { useStackEnvironment } from '../support/in-process.ts';
import type { Page } from '../support/contract.ts';
import type { Stores } from '../../functions/domain/stores.ts';

/**
 * The package reminder (domain/packages.ts sendPackageReminders, run by the reconcile schedule) on
 * the suite's DynamoDB Local, with its clock moved ahead: packages are logged through the API, the
 * sweep runs in this process as the reconcile handler runs it. The stack's own schedule runs too,
 * on the real clock: it never finds these packages due (this property's reminder is hours away).
 */
useStackEnvironment();
const { loadStores } = await import('../../functions/adapters/stores.ts');
const { sendPackageReminders } = await import('../../functions/domain/packages.ts');

interface PackageView {
  id: string;
  status: string;
  remindedAt?: string;
}
interface NotificationView {
  kind: string;
  channel: string;
  residentId: string;
}

let p: TestProperty;
let stores: Stores;
const HOUR = 3600_000;
/** The sweep with its clock `hours` ahead. */
const sweepAt = (hours: number) => sendPackageReminders({ ...stores, now: () => new Date(Date.now() + hours * HOUR) });
const reminders = async () =>
  (await expectOk(call<Page<NotificationView>>('GET', `/properties/${p.id}/notifications?limit=100`, { token: p.tokens.admin }))).body.items.filter(
    (n) => n.kind === 'package-reminder',
  );
const log = async (body: Record<string, unknown>) => (await expectOk(call<PackageView>('POST', `/properties/${p.id}/packages`, { token: p.tokens.staff, body }))).body;
const packageOf = async (id: string) =>
  (await expectOk(call<Page<PackageView>>('GET', `/properties/${p.id}/packages?limit=100`, { token: p.tokens.staff }))).body.items.find((x) => x.id === id);

beforeAll(async () => {
  p = await newProperty('Reminder Tower');
  stores = await loadStores();
  await expectOk(
    call('PATCH', `/properties/${p.id}/me`, { token: p.tokens.resident, body: { contact: { email: 'riley@example.com' }, notify: { deliveries: ['app', 'email'] } } }),
  );
});

describe('package reminders', () => {
  it('packageReminderHours is a validated setting (default 48)', async () => {
    expect((await call<{ settings: { packageReminderHours: number } }>('GET', `/properties/${p.id}`, { token: p.tokens.admin })).body.settings.packageReminderHours).toBe(48);
    for (const packageReminderHours of [0, 721, '2', 1.5, null]) {
      expect((await call('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { packageReminderHours } })).status).toBe(400);
    }
    expect((await call<{ settings: { packageReminderHours: number } }>('GET', `/properties/${p.id}`, { token: p.tokens.admin })).body.settings.packageReminderHours).toBe(48);
  });

  it('a package waiting past packageReminderHours gets exactly one reminder per chosen channel, even from two sweeps at once', async () => {
    await expectOk(call('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { packageReminderHours: 2 } }));
    const pkg = await log({ unit: '4B', residentId: p.residentId, carrier: 'UPS' });
    // Not yet due.
    await sweepAt(1);
    expect(await reminders()).toEqual([]);
    expect((await packageOf(pkg.id))?.remindedAt).toBeUndefined();

    await Promise.all([sweepAt(3), sweepAt(3)]);
    expect((await reminders()).map((n) => n.channel).sort()).toEqual(['app', 'email']);
    expect((await packageOf(pkg.id))?.remindedAt).toEqual(expect.any(String));
    // Out of the reminder index: later sweeps do not see it again.
    expect((await getItem(`PROP#${p.id}`, `PKG#${pkg.id}`))?.gsi1pk).toBeUndefined();
    await sweepAt(10);
    expect(await reminders()).toHaveLength(2);
  });

  it('a package picked up before its reminder gets none; a longer setting postpones a waiting one', async () => {
    const before = (await reminders()).length;
    const handed = await log({ unit: '4B' });
    expect((await call('POST', `/properties/${p.id}/packages/${handed.id}/picked-up`, { token: p.tokens.staff })).status).toBe(200);
    const waiting = await log({ unit: '4B', residentId: p.residentId });
    await expectOk(call('PATCH', `/properties/${p.id}/settings`, { token: p.tokens.admin, body: { packageReminderHours: 5 } }));
    await sweepAt(3);
    expect(await reminders()).toHaveLength(before);
    expect((await packageOf(waiting.id))?.remindedAt).toBeUndefined();
    await sweepAt(6);
    expect(await reminders()).toHaveLength(before + 2);
    expect((await packageOf(handed.id))?.remindedAt).toBeUndefined();
    expect((await packageOf(waiting.id))?.remindedAt).toEqual(expect.any(String));
  });
});
