import { beforeEach, describe, expect, it } from 'vitest';
import { ShadowError } from '../../iot/local-core/shadow-errors.ts';
import { ShadowService } from '../../iot/local-core/shadow-service.ts';
import { ShadowStore } from '../../iot/local-core/shadow-store.ts';

// Examples follow the AWS IoT Developer Guide: "Device Shadow service documents",
// "Interacting with shadows" and "Device Shadow MQTT topics".
const NOW = 1_700_000_000;
const ref = { thingName: 'myLightBulb', shadowName: 'lights' };
let clock = NOW * 1000;
let shadows: ShadowService;

const body = (document: unknown) => Buffer.from(JSON.stringify(document));
const update = (document: unknown) => shadows.update(ref, body(document));
/** A shadow document as AWS documents it (the service's answers are checked against this shape by the assertions). */
interface ShadowDocument {
  state: { desired?: Record<string, unknown>; reported?: Record<string, unknown>; delta?: Record<string, unknown> };
  metadata: { desired?: Record<string, unknown>; reported?: Record<string, unknown>; delta?: Record<string, unknown> };
  version: number;
  timestamp: number;
  clientToken?: string;
  previous?: ShadowDocument;
  current?: ShadowDocument;
}
const get = () => shadows.get(ref).response as ShadowDocument;
const topics = (result: { broadcast: Array<{ topic: string }> }) => result.broadcast.map((m) => m.topic.split('/lights/')[1]);
const message = (result: { broadcast: Array<{ topic: string; document: object }> }, suffix: string) =>
  result.broadcast.find((m) => m.topic.endsWith(`/${suffix}`))?.document as ShadowDocument | undefined;

function rejection(run: () => unknown): ShadowError {
  try {
    run();
  } catch (error) {
    if (error instanceof ShadowError) return error;
    throw error;
  }
  throw new Error('expected a ShadowError');
}

beforeEach(async () => {
  clock = NOW * 1000;
  shadows = new ShadowService(await ShadowStore.open(undefined, () => {}), () => clock);
});

describe('update', () => {
  it('answers /update/accepted with the request fields, metadata, version and timestamp', () => {
    const result = update({ state: { desired: { color: { r: 10 }, engine: 'ON' } } });
    expect(result.response).toEqual({
      state: { desired: { color: { r: 10 }, engine: 'ON' } },
      metadata: { desired: { color: { r: { timestamp: NOW } }, engine: { timestamp: NOW } } },
      version: 1,
      timestamp: NOW,
    });
    expect(topics(result)).toEqual(['update/accepted', 'update/delta', 'update/documents']);
    expect(message(result, 'update/accepted')).toEqual(result.response);
  });

  it('publishes the delta of a desired change and converges when the device reports (data-flow example)', () => {
    update({ state: { reported: { color: { r: 255, g: 255, b: 0 } } } });
    clock += 5000;
    const desired = update({ state: { desired: { color: { r: 10 }, engine: 'ON' } }, clientToken: 'app-1' });
    expect(message(desired, 'update/delta')).toEqual({
      version: 2,
      timestamp: NOW + 5,
      state: { color: { r: 10 }, engine: 'ON' },
      metadata: { color: { r: { timestamp: NOW + 5 } }, engine: { timestamp: NOW + 5 } },
      clientToken: 'app-1',
    });

    const reported = update({ state: { reported: { color: { r: 10 }, engine: 'ON' } } });
    expect(topics(reported)).toEqual(['update/accepted', 'update/documents']); // no delta left
    expect(get().state).toEqual({
      desired: { color: { r: 10 }, engine: 'ON' },
      reported: { color: { r: 10, g: 255, b: 0 }, engine: 'ON' },
    });
  });

  it('publishes /update/documents with previous and current', () => {
    update({ state: { desired: { color: 'RED' } } });
    const result = update({ state: { reported: { color: 'GREEN' } }, clientToken: 't' });
    expect(message(result, 'update/documents')).toEqual({
      previous: { state: { desired: { color: 'RED' } }, metadata: { desired: { color: { timestamp: NOW } } }, version: 1 },
      current: {
        state: { desired: { color: 'RED' }, reported: { color: 'GREEN' } },
        metadata: { desired: { color: { timestamp: NOW } }, reported: { color: { timestamp: NOW } } },
        version: 2,
      },
      timestamp: NOW,
      clientToken: 't',
    });
    expect(message(update({ state: { desired: { x: 1 } } }), 'update/documents')?.previous?.version).toBe(2);
  });

  it('omits previous in /update/documents when the shadow is created', () => {
    expect(message(update({ state: { reported: { a: 1 } } }), 'update/documents')).not.toHaveProperty('previous');
  });

  it('rejects a stale version with 409 and accepts the current one (optimistic locking example)', () => {
    for (let i = 0; i < 10; i++) update({ state: { desired: { colors: ['RED', 'GREEN', 'BLUE'] } } });
    expect(get().version).toBe(10);
    const conflict = rejection(() => update({ state: { desired: { colors: ['BLUE'] } }, version: 9, clientToken: '426bfd96-e720-46d3-95cd-014e3ef12bb6' }));
    expect(conflict).toMatchObject({ code: 409, message: 'Version conflict', clientToken: '426bfd96-e720-46d3-95cd-014e3ef12bb6' });
    expect(update({ state: { desired: { colors: ['BLUE'] } }, version: 10 }).response).toMatchObject({ version: 11 });
    expect(get().state.desired).toEqual({ colors: ['BLUE'] });
  });

  it('replaces arrays whole and rejects arrays holding null', () => {
    update({ state: { desired: { colors: ['RED', 'GREEN', 'BLUE'] } } });
    update({ state: { desired: { colors: ['RED'] } } });
    expect(get().state.desired).toEqual({ colors: ['RED'] });
    expect(rejection(() => update({ state: { desired: { colors: [null, 'RED', 'GREEN'] } } })).code).toBe(400);
  });

  it('deletes keys set to null and sections set to null (deleting data example)', () => {
    update({ state: { desired: { lights: { color: 'RED' }, engine: 'ON' }, reported: { lights: { color: 'GREEN' }, engine: 'OFF' } } });
    const result = update({ state: { desired: null, reported: { engine: null } } });
    expect(result.response).toMatchObject({ state: { desired: null, reported: { engine: null } } });
    expect(get().state).toEqual({ reported: { lights: { color: 'GREEN' } } });
    expect(get().metadata).toEqual({ reported: { lights: { color: { timestamp: NOW } } } });
  });

  it('drops an object emptied by deleting its keys', () => {
    update({ state: { desired: { lights: { color: 'RED' } }, reported: { x: 1 } } });
    update({ state: { desired: { lights: { color: null } } } });
    expect(get().state).toEqual({ reported: { x: 1 } });
  });

  it('keeps the shadow, with an incremented version, when state is set to null', () => {
    update({ state: { desired: { a: 1 }, reported: { b: 2 } } });
    expect(update({ state: null }).response).toMatchObject({ state: null, version: 2 });
    expect(get()).toMatchObject({ state: {}, version: 2 });
  });

  it('echoes the clientToken and rejects one longer than 64 bytes', () => {
    expect(update({ state: { reported: { a: 1 } }, clientToken: 'UniqueClientToken' }).response).toMatchObject({ clientToken: 'UniqueClientToken' });
    expect(rejection(() => update({ state: { reported: { a: 1 } }, clientToken: 'x'.repeat(65) }))).toMatchObject({
      code: 400,
      message: 'Invalid clientToken',
    });
  });

  it('ignores top-level fields other than state, clientToken and version', () => {
    // The AWS device SDK sends thingName and shadowName in the payload.
    expect(update({ thingName: 'myLightBulb', shadowName: 'lights', state: { reported: { a: 1 } } }).response).toMatchObject({ version: 1 });
  });

  it.each([
    ['not json', 'Invalid JSON'],
    [JSON.stringify([1]), 'Invalid JSON'],
    [JSON.stringify({ clientToken: 'a' }), 'Missing required node: state'],
    [JSON.stringify({ state: 'on' }), 'State node must be an object'],
    [JSON.stringify({ state: { desired: [1] } }), 'Desired node must be an object'],
    [JSON.stringify({ state: { reported: 3 } }), 'Reported node must be an object'],
    [JSON.stringify({ state: { delta: { a: 1 } } }), 'State contains an invalid node'],
    [JSON.stringify({ state: { reported: { a: 1 } }, version: 'x' }), 'Invalid version'],
  ])('rejects %s with 400 %s', (payload, expected) => {
    expect(rejection(() => shadows.update(ref, Buffer.from(payload)))).toMatchObject({ code: 400, message: expected });
  });

  it('limits nesting to 6 levels counting state and the section', () => {
    // state.desired.a.b.c.d is six levels deep: accepted; one more is rejected.
    expect(update({ state: { desired: { a: { b: { c: { d: 1 } } } } } }).response).toMatchObject({ version: 1 });
    expect(rejection(() => update({ state: { desired: { a: { b: { c: { d: { e: 1 } } } } } } }))).toMatchObject({
      code: 400,
      message: 'JSON contains too many levels of nesting; maximum is 6',
    });
  });

  it('rejects with 413 when desired + reported would exceed 8 KB, counting the merged document', () => {
    update({ state: { reported: { blob: 'x'.repeat(5000) } } });
    expect(rejection(() => update({ state: { desired: { blob: 'y'.repeat(4000) } }, clientToken: 'big' }))).toMatchObject({
      code: 413,
      message: 'The payload exceeds the maximum size allowed',
      clientToken: 'big',
    });
    expect(get().version).toBe(1); // nothing stored
    // Metadata does not count: many small keys fit while their metadata is larger than 8 KB.
    const many = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i]));
    expect(update({ state: { desired: many } }).response).toMatchObject({ version: 2 });
  });
});

describe('delta', () => {
  it('holds desired fields that differ or are missing from reported, never reported-only ones', () => {
    update({ state: { desired: { color: 'RED', state: 'STOP' }, reported: { color: 'GREEN', engine: 'ON' } } });
    expect(get().state.delta).toEqual({ color: 'RED', state: 'STOP' });
  });

  it('keeps the path to the root for nested differences', () => {
    update({
      state: {
        desired: { lights: { color: { r: 255, g: 255, b: 255 } } },
        reported: { lights: { color: { r: 255, g: 0, b: 255 } } },
      },
    });
    expect(get().state.delta).toEqual({ lights: { color: { g: 255 } } });
  });

  it('copies a differing array whole', () => {
    update({ state: { desired: { seq: [1, 2, 3] }, reported: { seq: [1, 2] } } });
    expect(get().state.delta).toEqual({ seq: [1, 2, 3] });
  });

  it('is announced again when a reported key still desired is deleted', () => {
    update({ state: { desired: { engine: 'ON' }, reported: { engine: 'ON' } } });
    const result = update({ state: { reported: { engine: null } } });
    expect(message(result, 'update/delta')?.state).toEqual({ engine: 'ON' });
  });

  it('carries the desired metadata', () => {
    update({ state: { desired: { a: 1 } } });
    clock += 10_000;
    update({ state: { desired: { b: 2 } } });
    expect(get().metadata.delta).toEqual({ a: { timestamp: NOW }, b: { timestamp: NOW + 10 } });
  });
});

describe('get', () => {
  it('returns the full document with delta and metadata (retrieving example)', () => {
    update({ state: { desired: { lights: { color: 'RED' }, engine: 'ON' } } });
    clock += 1000;
    update({ state: { reported: { lights: { color: 'GREEN' }, engine: 'ON' } } });
    const result = shadows.get(ref, body({ clientToken: 'get-1' }));
    expect(result.broadcast).toEqual([]);
    expect(result.response).toEqual({
      state: {
        desired: { lights: { color: 'RED' }, engine: 'ON' },
        reported: { lights: { color: 'GREEN' }, engine: 'ON' },
        delta: { lights: { color: 'RED' } },
      },
      metadata: {
        desired: { lights: { color: { timestamp: NOW } }, engine: { timestamp: NOW } },
        reported: { lights: { color: { timestamp: NOW + 1 } }, engine: { timestamp: NOW + 1 } },
        delta: { lights: { color: { timestamp: NOW } } },
      },
      version: 2,
      timestamp: NOW + 1,
      clientToken: 'get-1',
    });
  });

  it('answers 404 for a shadow that does not exist', () => {
    expect(rejection(() => shadows.get(ref, body({ clientToken: 'c' })))).toMatchObject({
      code: 404,
      message: "No shadow exists with name: 'lights'",
      clientToken: 'c',
    });
  });
});

describe('delete', () => {
  it('deletes the shadow but not its version', () => {
    update({ state: { reported: { a: 1 } } });
    update({ state: { reported: { a: 2 } } });
    update({ state: { reported: { a: 3 } } });
    update({ state: { reported: { a: 4 } } });
    const result = shadows.delete(ref, body({ clientToken: 'del' }));
    expect(result.response).toEqual({ version: 4, timestamp: NOW, clientToken: 'del' });
    expect(topics(result)).toEqual(['delete/accepted']);
    expect(rejection(() => shadows.get(ref)).code).toBe(404);
    expect(rejection(() => shadows.delete(ref)).code).toBe(404);
    // A new shadow of the same name continues the numbering.
    expect(update({ state: { reported: { a: 5 } } }).response).toMatchObject({ version: 5 });
    expect(get().state).toEqual({ reported: { a: 5 } });
  });

  it('keeps classic and named shadows of a thing apart', () => {
    update({ state: { reported: { named: true } } });
    shadows.update({ thingName: 'myLightBulb' }, body({ state: { reported: { classic: true } } }));
    expect(get().state.reported).toEqual({ named: true });
    expect(shadows.get({ thingName: 'myLightBulb' }).response).toMatchObject({ state: { reported: { classic: true } } });
    expect(shadows.listNamedShadows('myLightBulb')).toEqual(['lights']);
  });
});
