import { describe, expect, it } from 'vitest';
import { forbiddenAddress, resolveTarget, signatureHeaders } from '../../functions/adapters/webhook-sender.ts';
import { Webhook } from 'standardwebhooks';

/** Where a webhook may point (adapters/webhook-sender.ts): every resolved address is checked; names are resolved by a scripted lookup here. */
const names: Record<string, string[]> = {
  'internal.example': ['10.1.2.3'],
  'metadata.example': ['169.254.169.254'],
  'mixed.example': ['93.184.215.14', '192.168.0.10'],
  'public.example': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'loop.example': ['127.0.0.1'],
};
const lookup = async (host: string) => (names[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const target = (url: string, allowLoopback = false) => resolveTarget(url, { allowLoopback, lookup });

describe('webhook URL rules', () => {
  it('refuses names that resolve to private, link-local (metadata) or mixed addresses', async () => {
    expect(await target('https://internal.example/h')).toMatchObject({ refused: expect.stringContaining('10.1.2.3') });
    expect(await target('https://metadata.example/')).toMatchObject({ refused: expect.any(String) });
    expect(await target('https://mixed.example/')).toMatchObject({ refused: expect.stringContaining('192.168.0.10') });
    expect(await target('https://mapped.example/')).toMatchObject({ refused: expect.any(String) });
    expect(await target('https://nowhere.example/')).toMatchObject({ refused: expect.stringContaining('does not resolve') });
  });

  it('allows a public name over https, and connects to the address it checked', async () => {
    expect(await target('https://public.example/h')).toMatchObject({ address: '93.184.215.14', family: 4 });
    expect(await target('http://public.example/h', true)).toMatchObject({ refused: 'must be an https: URL' });
  });

  it('loopback only with the local setting, and plain http only to loopback', async () => {
    expect(await target('http://127.0.0.1:9/h')).toMatchObject({ refused: expect.any(String) });
    expect(await target('https://loop.example/')).toMatchObject({ refused: expect.any(String) });
    expect(await target('http://127.0.0.1:9/h', true)).toMatchObject({ address: '127.0.0.1' });
    expect(await target('http://loop.example/h', true)).toMatchObject({ address: '127.0.0.1' });
    expect(await target('http://10.0.0.1/h', true)).toMatchObject({ refused: expect.any(String) });
  });

  it.each([
    '0.0.0.0',
    '10.0.0.1',
    '100.64.0.1',
    '127.0.0.1',
    '169.254.169.254',
    '172.16.0.1',
    '192.168.1.1',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fd12::1',
    'fe80::1',
    'ff02::1',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
  ])('%s is not public', (address) => {
    expect(forbiddenAddress(address, false)).toBeDefined();
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111'])('%s is public', (address) => {
    expect(forbiddenAddress(address, false)).toBeUndefined();
  });

  it('signs with every live secret: each verifies with standardwebhooks', () => {
    const a = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    const b = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
    const body = JSON.stringify({ type: 'access.granted', timestamp: new Date().toISOString(), data: {} });
    const headers = signatureHeaders({ eventId: 'evt_1', timestamp: new Date(), body, secrets: [a, b] });
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(() => new Webhook(a).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(b).verify(body, headers)).not.toThrow();
    const c = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
    expect(() => new Webhook(c).verify(body, headers)).toThrow();
  });
});
