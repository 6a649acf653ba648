import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { protocolFixture, protocolFixtureNames } from '../support/protocol-fixtures.ts';
import { callState, readMessage, replyTo, snapshotDownload } from '../../iot/protocol/messages.ts';
import { shadowDelta, shadowGetAccepted } from '../../iot/protocol/shadow.ts';
import type { AccessRecorder, Decided } from '../../iot/panel/access-recorder.ts';
import type { AgentEvents } from '../../iot/panel/agent-types.ts';
import { CommandLedger } from '../../iot/panel/command-ledger.ts';
import { silentLogger } from '../../iot/panel/log.ts';
import type { OutboxPump } from '../../iot/panel/outbox-pump.ts';
import { RemoteUnlock } from '../../iot/panel/remote-unlock.ts';

/**
 * The golden protocol messages (test/fixtures/panel-protocol), read by the panel side with what
 * the agent reads them with: replies (connection.ts reads them with replyTo), the shadow
 * documents (shadow-sync.ts), commands (remote-unlock.ts, driven here for real). The cloud
 * side reads the same files in test/panel-protocol/fixtures.test.ts.
 */

const panelReads = {
  'reply-sync-current': replyTo['credentials.sync'],
  'reply-sync-delta': replyTo['credentials.sync'],
  'reply-sync-delta-doors': replyTo['credentials.sync'],
  'reply-sync-full': replyTo['credentials.sync'],
  'reply-photo-upload-url': replyTo['photo.upload-url'],
  'reply-pass-claim': replyTo['pass.claim'],
  'reply-error': replyTo['pass.claim'],
  'shadow-get-accepted': shadowGetAccepted,
  'shadow-delta': shadowDelta,
  // calls (iot/panel/calls.ts)
  'reply-directory-full': replyTo['directory.sync'],
  'reply-directory-current': replyTo['directory.sync'],
  'reply-call-start': replyTo['call.start'],
  'reply-call-status': replyTo['call.timeout'],
  'call-state-ended': callState,
} as const;
// what the panel sends (the cloud side reads these) and commands (driven through RemoteUnlock below)
const notReadHere = /^(request-|event-|ack-|heartbeat|shadow-desired|command-)/;

describe('panel protocol fixtures, panel side', () => {
  it('every fixture the panel receives is read here', () => {
    const files = protocolFixtureNames();
    expect(files.filter((f) => !(f in panelReads) && !notReadHere.test(f))).toEqual([]);
  });

  for (const [name, schema] of Object.entries(panelReads)) {
    it(`${name} parses with the agent's schema`, () => {
      expect(readMessage(schema, protocolFixture(name))).toMatchObject({ ok: true });
    });
  }

  it('a delta keeps entries whole (a newer field stays, the digest covers it); a malformed entry is refused', () => {
    const delta = protocolFixture('reply-sync-delta') as { upserts: Array<Record<string, unknown>> };
    delta.upserts[0]!.addedLater = 'x';
    const read = readMessage(replyTo['credentials.sync'], delta);
    expect(read.ok && read.message.ok && read.message.kind === 'delta' && read.message.upserts[0]).toMatchObject({ addedLater: 'x' });
    expect(snapshotDownload.safeParse({ entries: [{ id: 'x', type: 'delivery-pin' }] }).success).toBe(false);
  });

  it('a reply of the wrong shape or of another major is not taken for an answer', () => {
    expect(readMessage(replyTo['pass.claim'], { ...(protocolFixture('reply-pass-claim') as object), decision: 'maybe' })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(readMessage(replyTo['pass.claim'], { ...(protocolFixture('reply-pass-claim') as object), protocolVersion: '2.0' })).toMatchObject({
      ok: false,
      reason: 'unsupported-version',
    });
  });

  async function unlocker() {
    const recorded: Decided[] = [];
    const acks: unknown[] = [];
    const refused: string[] = [];
    const warnings: string[] = [];
    const unlock = new RemoteUnlock({
      ledger: await CommandLedger.open(),
      recorder: { record: async (d: Decided) => void recorded.push(d) } as unknown as AccessRecorder,
      pump: { sendAck: async (ack: unknown) => void acks.push(ack) } as unknown as OutboxPump,
      events: new EventEmitter<AgentEvents>(),
      log: { ...silentLogger, warn: (m: string) => void warnings.push(m) },
      now: () => new Date('2026-05-04T15:00:05.000Z'),
      newEventId: () => '01JD8X3Q5C9V2M4N6P8R0T1W4E',
      refusedVersion: (version) => void refused.push(version),
    });
    const send = (body: unknown) => unlock.handle(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));
    return { send, recorded, acks, refused, warnings };
  }

  it('commands: the fixture and a newer minor open the door once; the next major, a bad shape or garbage never do', async () => {
    const u = await unlocker();
    await u.send(protocolFixture('command-unlock'));
    await u.send(protocolFixture('command-unlock-newer-minor'));
    expect(u.recorded.map((d) => d.commandId)).toEqual(['cmd_01JD8X3Q5C9V2M4N6P8R0T1W4A', 'cmd_01JD8X3Q5C9V2M4N6P8R0T1W4C']);
    expect(u.acks).toHaveLength(2);
    await u.send(protocolFixture('command-unlock-next-major'));
    await u.send({ ...(protocolFixture('command-unlock') as object), commandId: 'cmd_x', type: 'open-everything' });
    await u.send('{not json');
    expect(u.recorded).toHaveLength(2);
    expect(u.acks).toHaveLength(2);
    expect(u.refused).toEqual(['2.0']);
    expect(u.warnings).toEqual(['invalid command', 'unreadable command']);
  });

  it('an unlock from a call is recorded as method "call" with the call id', async () => {
    const u = await unlocker();
    await u.send(protocolFixture('command-unlock-call'));
    expect(u.recorded).toEqual([
      expect.objectContaining({ method: 'call', credentialId: 'call_01JD8X3Q5C9V2M4N6P8R0T1W5D', commandId: 'cmd_01JD8X3Q5C9V2M4N6P8R0T1W5G', decision: 'granted' }),
    ]);
    expect(u.acks).toHaveLength(1);
  });
});
