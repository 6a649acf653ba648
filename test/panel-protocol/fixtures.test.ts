import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protocolFixture, protocolFixtureNames } from '../support/protocol-fixtures.ts';
import { callState, commandAck, PROTOCOL_VERSION, panelMessages, panelRequest, readMessage, replyTo, unlockCommand } from '../../iot/protocol/messages.ts';
import { credentialsShadowState } from '../../iot/protocol/shadow.ts';
import { call, newProperty, type TestProperty } from '../support/api.ts';
import { connectRawPanel, type RawPanel } from '../support/panel-client.ts';

/**
 * The golden protocol messages (test/fixtures/panel-protocol), read by the cloud side with the
 * schemas its handlers use (panel-requests, panel-messages) and the ones it writes with; and
 * the real cloud's replies to the request fixtures parse as those replies. The panel side reads
 * the same files in test/panel-agent/protocol-fixtures.test.ts.
 */

/** What the cloud reads each fixture with; every fixture file must be here. */
const cloudSchemas = {
  'request-credentials-sync': panelRequest,
  'request-photo-upload-url': panelRequest,
  'request-pass-claim-by-code': panelRequest,
  'request-pass-claim-offline': panelRequest,
  'event-access': panelMessages.events,
  'event-package-delivery': panelMessages.events,
  'event-package-pickup': panelMessages.events,
  'event-access-resident-door-pin': panelMessages.events,
  'ack-command': panelMessages.acks,
  heartbeat: panelMessages.heartbeat,
  // written by the cloud: what it sends must satisfy the schema the panel reads it with
  'reply-sync-current': replyTo['credentials.sync'],
  'reply-sync-delta': replyTo['credentials.sync'],
  'reply-sync-delta-doors': replyTo['credentials.sync'],
  'reply-sync-full': replyTo['credentials.sync'],
  'reply-photo-upload-url': replyTo['photo.upload-url'],
  'reply-pass-claim': replyTo['pass.claim'],
  'reply-error': replyTo['pass.claim'],
  'command-unlock': unlockCommand,
  'command-unlock-newer-minor': unlockCommand,
  'command-unlock-next-major': unlockCommand,
  'shadow-desired': credentialsShadowState,
  'request-directory-sync': panelRequest,
  'request-call-start': panelRequest,
  'request-call-timeout': panelRequest,
  'request-call-end': panelRequest,
  'reply-directory-full': replyTo['directory.sync'],
  'reply-directory-current': replyTo['directory.sync'],
  'reply-call-start': replyTo['call.start'],
  'reply-call-status': replyTo['call.timeout'],
  'call-state-ended': callState,
  'command-unlock-call': unlockCommand,
} as const;
const panelOnly = new Set(['shadow-get-accepted', 'shadow-delta']); // documents AWS IoT builds; the panel reads them

describe('panel protocol fixtures, cloud side', () => {
  it('every fixture has a schema on this side (or is a document only the panel reads)', () => {
    const files = protocolFixtureNames();
    expect(files.filter((f) => !(f in cloudSchemas) && !panelOnly.has(f))).toEqual([]);
  });

  for (const [name, schema] of Object.entries(cloudSchemas)) {
    it(`${name} ${name.endsWith('next-major') ? 'is refused' : 'parses'} with the cloud's schema`, () => {
      const read = readMessage(schema, protocolFixture(name));
      if (name.endsWith('next-major')) expect(read).toMatchObject({ ok: false, reason: 'unsupported-version', version: '2.0' });
      else expect(read).toMatchObject({ ok: true, message: { protocolVersion: expect.stringMatching(/^1\.\d+$/) } });
    });
  }

  it('a message from before versioning is 1.0; a newer minor loses the fields it added', () => {
    const { protocolVersion: _, ...old } = protocolFixture('ack-command');
    expect(readMessage(commandAck, old)).toMatchObject({ ok: true, message: { protocolVersion: '1.0' } });
    const read = readMessage(unlockCommand, protocolFixture('command-unlock-newer-minor'));
    expect(read.ok && 'reasonText' in read.message).toBe(false);
  });
});

describe("panel protocol fixtures, the real cloud answers in the fixtures' shapes", () => {
  let p: TestProperty;
  let panel: RawPanel;
  beforeAll(async () => {
    p = await newProperty();
    const created = await call('POST', `/properties/${p.id}/panels`, { token: p.tokens.admin, body: { name: 'Fixture door', kind: 'entrance' } });
    expect(created.status).toBe(201);
    panel = await connectRawPanel((created.body as { connection: Parameters<typeof connectRawPanel>[0] }).connection);
  });
  afterAll(async () => {
    await panel?.close();
  });

  it('credentials.sync and photo.upload-url replies parse with the reply schemas, versioned', async () => {
    for (const [name, op] of [
      ['request-credentials-sync', 'credentials.sync'],
      ['request-photo-upload-url', 'photo.upload-url'],
    ] as const) {
      const { requestId: _, ...request } = protocolFixture(name);
      const reply = await panel.request({ ...request, haveVersion: 0, haveKeyVersion: 0 }, 20_000);
      const read = readMessage(replyTo[op], reply);
      expect(read, `${op}: ${JSON.stringify(read)}`).toMatchObject({ ok: true, message: { ok: true, protocolVersion: PROTOCOL_VERSION } });
    }
  });

  it('a request of the next major gets unsupported-protocol-version', async () => {
    const { requestId: _, ...request } = protocolFixture('request-credentials-sync');
    expect(await panel.request({ ...request, protocolVersion: '2.0' }, 20_000)).toMatchObject({ ok: false, error: 'unsupported-protocol-version' });
  });
});
