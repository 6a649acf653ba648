import type { LocalIssuer } from './jwt.ts';

export const DEMO_USERS = { operator: 'demo-operator', admin: 'demo-admin', staff: 'demo-staff', resident: 'demo-resident' } as const;
export type DemoTokens = Record<keyof typeof DEMO_USERS, string>;

export async function demoTokens(issuer: LocalIssuer): Promise<DemoTokens> {
  return {
    operator: await issuer.sign(DEMO_USERS.operator, { operator: true }),
    admin: await issuer.sign(DEMO_USERS.admin),
    staff: await issuer.sign(DEMO_USERS.staff),
    resident: await issuer.sign(DEMO_USERS.resident),
  };
}

async function call(apiUrl: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`seeding: ${method} ${path} -> ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * The demo property, made through the public API (the same path an admin tool
 * takes). Reused across restarts when it still exists.
 */
interface SeededPanel {
  id: string;
  kind: string;
  connection?: { mqttUrl: string; certificatePem: string; privateKeyPem: string; caPem?: string };
}

export async function seedDemoProperty(
  apiUrl: string,
  tokens: DemoTokens,
  existingPropertyId?: string,
  existingPanels: Array<{ id: string; kind: string }> = [],
): Promise<{ propertyId: string; reused: boolean; panel: SeededPanel }> {
  if (existingPropertyId && existingPanels[0]) {
    const res = await fetch(`${apiUrl}/properties/${existingPropertyId}`, { headers: { authorization: `Bearer ${tokens.admin}` } });
    if (res.ok) return { propertyId: existingPropertyId, reused: true, panel: existingPanels[0] };
  }
  const property = await call(apiUrl, tokens.operator, 'POST', '/properties', { name: 'Demo Tower', timezone: 'America/New_York' });
  await call(apiUrl, tokens.operator, 'PUT', `/properties/${property.id}/members/${DEMO_USERS.admin}`, { role: 'admin' });
  await call(apiUrl, tokens.admin, 'PUT', `/properties/${property.id}/members/${DEMO_USERS.staff}`, { role: 'staff' });
  await call(apiUrl, tokens.admin, 'POST', `/properties/${property.id}/residents`, { userId: DEMO_USERS.resident, name: 'Riley Resident', unit: '4B', notify: ['app'] });
  const panel = await call(apiUrl, tokens.admin, 'POST', `/properties/${property.id}/panels`, { name: 'Main entrance', kind: 'entrance' });
  return { propertyId: property.id, reused: false, panel };
}
