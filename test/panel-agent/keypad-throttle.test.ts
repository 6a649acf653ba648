import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeypadThrottle } from '../../iot/panel/keypad-throttle.ts';

const t0 = Date.parse('2026-05-04T12:00:00Z');
const at = (ms: number) => new Date(t0 + ms);
const MIN = 60_000;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'panel-throttle-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keypad throttle', () => {
  it('locks for 5 minutes on the 5th wrong code within 5 minutes', async () => {
    const throttle = new KeypadThrottle();
    for (let i = 0; i < 4; i++) expect(await throttle.recordFailure(at(i * MIN))).toEqual({});
    expect(throttle.isLocked(at(4 * MIN))).toBe(false);
    const { lockedUntil } = await throttle.recordFailure(at(4 * MIN + 59_000));
    expect(lockedUntil?.toISOString()).toBe(at(9 * MIN + 59_000).toISOString());
    expect(throttle.isLocked(at(9 * MIN + 58_999))).toBe(true);
    expect(throttle.lockedUntil(at(5 * MIN))?.getTime()).toBe(lockedUntil!.getTime());
    expect(throttle.isLocked(at(9 * MIN + 59_000))).toBe(false);
  });

  it('counts wrong codes in a sliding window: old ones expire', async () => {
    const throttle = new KeypadThrottle();
    for (let i = 0; i < 4; i++) await throttle.recordFailure(at(i * MIN));
    // the first failure (t=0) is out of the window at t=5min
    expect(await throttle.recordFailure(at(5 * MIN))).toEqual({});
    expect(throttle.failureCount(at(5 * MIN))).toBe(4);
    expect((await throttle.recordFailure(at(5 * MIN + 1))).lockedUntil).toBeDefined();
  });

  it('after a lock a new series starts from zero', async () => {
    const throttle = new KeypadThrottle();
    for (let i = 0; i < 5; i++) await throttle.recordFailure(at(i * 1000));
    expect(throttle.isLocked(at(6000))).toBe(true);
    const afterLock = 4000 + 5 * MIN;
    expect(throttle.isLocked(at(afterLock))).toBe(false);
    expect(await throttle.recordFailure(at(afterLock))).toEqual({});
    expect(throttle.isLocked(at(afterLock + 1))).toBe(false);
  });

  it('takes configurable counts, window and lock time', async () => {
    const throttle = new KeypadThrottle({ maxFailures: 3, windowMs: MIN, lockMs: 30_000 });
    await throttle.recordFailure(at(0));
    await throttle.recordFailure(at(10_000));
    expect((await throttle.recordFailure(at(61_000))).lockedUntil).toBeUndefined(); // t=0 fell out of the 1-minute window
    const { lockedUntil } = await throttle.recordFailure(at(62_000));
    expect(lockedUntil?.getTime()).toBe(t0 + 92_000);
  });

  it('one wrong code is enough when configured so', async () => {
    const throttle = new KeypadThrottle({ maxFailures: 1 });
    expect((await throttle.recordFailure(at(0))).lockedUntil).toBeDefined();
  });

  it('survives a restart (a power cycle does not unlock the keypad)', async () => {
    const throttle = await KeypadThrottle.open({}, dir);
    for (let i = 0; i < 5; i++) await throttle.recordFailure(at(i));
    const reopened = await KeypadThrottle.open({}, dir);
    expect(reopened.isLocked(at(MIN))).toBe(true);
    const partial = await KeypadThrottle.open({}, join(dir, 'other'));
    for (let i = 0; i < 3; i++) await partial.recordFailure(at(i));
    expect((await KeypadThrottle.open({}, join(dir, 'other'))).failureCount(at(10))).toBe(3);
  });

  it('rejects nonsense configuration', () => {
    expect(() => new KeypadThrottle({ maxFailures: 0 })).toThrow();
    expect(() => new KeypadThrottle({ lockMs: -1 })).toThrow();
  });
});
