import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalIotCore, type LocalIotCore, type RuleMessage } from '../../iot/local-core/index.ts';
import { isValidTopicFilter, topicMatches } from '../../iot/local-core/topic-filter.ts';
import { connectMqtt, recordingLogger, startTestCore } from './helpers.ts';

describe('topicMatches', () => {
  it.each([
    ['lobby/panels/+/events', 'lobby/panels/A/events', true],
    ['lobby/panels/+/events', 'lobby/panels/A/B/events', false],
    ['lobby/panels/#', 'lobby/panels/A/responses/1', true],
    ['lobby/panels/#', 'lobby/panels', true],
    ['lobby/+', 'lobby', false],
    ['#', '$aws/things/A/shadow/update', false],
    ['+/things/#', '$aws/things/A', false],
    ['$aws/things/+/shadow/name/+/update/documents', '$aws/things/A/shadow/name/credentials/update/documents', true],
    ['a/b', 'a/b/c', false],
  ])('%s vs %s -> %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });

  it('validates filters', () => {
    expect(isValidTopicFilter('a/+/b/#')).toBe(true);
    expect(isValidTopicFilter('a/b#')).toBe(false);
    expect(isValidTopicFilter('a/#/b')).toBe(false);
    expect(isValidTopicFilter('a/b+/c')).toBe(false);
  });
});

describe('topic rules', () => {
  let core: LocalIotCore;
  let log: ReturnType<typeof recordingLogger>;
  const seen: Record<string, RuleMessage[]> = { events: [], documents: [], all: [] };

  beforeAll(async () => {
    ({ core, log } = await startTestCore({
      rules: [
        { name: 'events', topicFilter: 'lobby/panels/+/events', handle: async (m) => void seen.events.push(m) },
        { name: 'documents', topicFilter: '$aws/things/+/shadow/name/+/update/documents', handle: async (m) => void seen.documents.push(m) },
        {
          name: 'broken',
          topicFilter: 'lobby/panels/+/events',
          handle: async () => {
            throw new Error('handler exploded');
          },
        },
        { name: 'all', topicFilter: 'lobby/#', handle: async (m) => void seen.all.push(m) },
      ],
    }));
  });

  afterAll(async () => {
    await core?.stop();
  });

  it('hands client messages to matching rules asynchronously, with the client id', async () => {
    const panel = await connectMqtt(core, await core.issueThingCertificate('panel-R'), 'panel-R');
    try {
      await panel.publishAsync('lobby/panels/panel-R/events', JSON.stringify({ kind: 'pin-entered' }), { qos: 1 });
      await panel.publishAsync('lobby/panels/panel-R/requests', 'r', { qos: 1 });
    } finally {
      await panel.endAsync();
    }
    await core.idle();
    expect(seen.events.map((m) => [m.topic, JSON.parse(m.payload.toString()), m.clientId])).toEqual([['lobby/panels/panel-R/events', { kind: 'pin-entered' }, 'panel-R']]);
    expect(seen.all.map((m) => m.topic)).toEqual(['lobby/panels/panel-R/events', 'lobby/panels/panel-R/requests']);
  });

  it('does not run the action inside publish', async () => {
    const before = seen.all.length;
    await core.publish('lobby/panels/panel-R/requests', 'x');
    expect(seen.all.length).toBe(before);
    await core.idle();
    expect(seen.all.length).toBe(before + 1);
  });

  it('logs a failing action and keeps the broker and the other rules going', async () => {
    await core.publish('lobby/panels/panel-R/events', '{}');
    await core.idle();
    expect(log.lines.filter((line) => line.includes('topic rule broken failed'))).not.toHaveLength(0);
    expect(log.lines.join('\n')).toContain('handler exploded');
    expect(seen.events).toHaveLength(2);
  });

  it('sees messages published by the shadow service', async () => {
    await core.publish('$aws/things/panel-R/shadow/name/credentials/update', JSON.stringify({ state: { reported: { setVersion: 1 } } }));
    await core.idle();
    expect(seen.documents).toHaveLength(1);
    expect(JSON.parse(seen.documents[0].payload.toString())).toMatchObject({ current: { state: { reported: { setVersion: 1 } }, version: 1 } });
  });

  it('refuses a rule with an invalid filter at start', async () => {
    await expect(startLocalIotCore({ log: recordingLogger(), rules: [{ name: 'bad', topicFilter: 'a/#/b', handle: async () => {} }] })).rejects.toThrow(/invalid topic filter/);
  });
});
