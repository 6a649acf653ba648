import { requireRole } from './access.ts';
import type { Caller } from './caller.ts';
import type { Callee } from './call-records.ts';
import { conflict, invalid, notFound } from './errors.ts';
import { assertPhoneAllowed } from './phone-verification.ts';
import type { Stores } from './stores.ts';

/** A resident's own record, as GET|PATCH /properties/{id}/me show it. */
export interface MeView {
  residentId: string;
  name: string;
  unit: string;
  contact: { email?: string; phone?: string; phoneVerified?: boolean };
  notify: { deliveries: Callee['deliveries']; calls: Callee['calls'] };
}

const view = (c: Callee): MeView => ({
  residentId: c.residentId,
  name: c.name,
  unit: c.unit,
  contact: { ...(c.email ? { email: c.email } : {}), ...(c.phone ? { phone: c.phone, phoneVerified: c.phoneVerified === true } : {}) },
  notify: { deliveries: c.deliveries, calls: c.calls },
});

async function me(stores: Stores, caller: Caller, propertyId: string): Promise<Callee> {
  const membership = await requireRole(stores, caller, propertyId, ['resident']);
  const callee = membership.residentId ? await stores.callees.get(propertyId, membership.residentId) : undefined;
  if (!callee) throw notFound('No resident record');
  return callee;
}

export async function getMe(stores: Stores, caller: Caller, propertyId: string): Promise<MeView> {
  return view(await me(stores, caller, propertyId));
}

export interface MePatch {
  name?: string;
  contact?: { email?: string | null; phone?: string | null };
  notify?: { deliveries?: Callee['deliveries']; calls?: Callee['calls'] };
}

/**
 * Words a resident's own display name may not carry: the panel directory shows it to visitors next to the staff
 * entry ("Staff (front desk)"), and a resident named "Front Desk" or "Concierge" would take calls meant for staff.
 * Compared after NFKC, case folding and with anything but letters as spaces ("S.T.A.F.F" reads "s t a f f" and is
 * caught by the squeezed form). Names set by the property at move-in are the property's business.
 */
const RESERVED_NAME_WORDS = [
  'staff',
  'front desk',
  'frontdesk',
  'concierge',
  'reception',
  'receptionist',
  'doorman',
  'doorperson',
  'security',
  'management',
  'manager',
  'leasing office',
  'admin',
  'administrator',
  'superintendent',
  'maintenance',
  'lobby',
  'police',
  'emergency',
  'fire department',
];
export function impersonatesStaff(name: string): boolean {
  const spaced = ` ${name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}]+/gu, ' ')
    .trim()} `;
  const squeezed = spaced.replace(/ /g, '');
  return RESERVED_NAME_WORDS.some((w) => spaced.includes(` ${w} `) || (w.length >= 5 && squeezed.includes(w.replace(/ /g, '')) && squeezed.length <= w.length + 2));
}

/** Name, contact and how to be told; a channel needs its contact (phone calls and texts a phone number, e-mail an address). */
export async function patchMe(stores: Stores, caller: Caller, propertyId: string, patch: MePatch): Promise<MeView> {
  if (patch.name !== undefined && impersonatesStaff(patch.name))
    throw invalid('That name is reserved for the building (staff, front desk, security...)', [{ path: 'name', message: 'must not name a building role' }]);
  if (patch.contact?.phone) assertPhoneAllowed(patch.contact.phone, 'contact.phone');
  const current = await me(stores, caller, propertyId);
  const phone = patch.contact?.phone === undefined ? current.phone : (patch.contact.phone ?? undefined);
  const email = patch.contact?.email === undefined ? current.email : (patch.contact.email ?? undefined);
  const calls = patch.notify?.calls ?? current.calls;
  const deliveries = patch.notify?.deliveries ?? current.deliveries;
  const errors = [
    ...(calls.includes('phone') && !phone ? [{ path: 'notify.calls', message: 'phone calls need a phone number (contact.phone)' }] : []),
    ...(deliveries.includes('sms') && !phone ? [{ path: 'notify.deliveries', message: 'texts need a phone number (contact.phone)' }] : []),
    ...(deliveries.includes('email') && !email ? [{ path: 'notify.deliveries', message: 'e-mail needs an address (contact.email)' }] : []),
  ];
  if (errors.length > 0) throw invalid('A notification channel has no contact to reach', errors);
  const changed = await stores.callees.update(propertyId, current.residentId, {
    name: patch.name,
    email: patch.contact?.email,
    // The same number again keeps its verification; another one (or none) clears it.
    phone: patch.contact?.phone === current.phone ? undefined : patch.contact?.phone,
    calls: patch.notify?.calls,
    deliveries: patch.notify?.deliveries,
  });
  if (!changed) throw conflict('The resident record changed meanwhile (moved out)');
  return getMe(stores, caller, propertyId);
}
