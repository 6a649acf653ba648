import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClaimLedger } from '../../iot/panel/claim-ledger.ts';
import { CommandLedger } from '../../iot/panel/command-ledger.ts';
import { tempDir } from './support/agents.ts';

let dir: { dir: string; remove(): Promise<void> };
beforeEach(async () => (dir = await tempDir('panel-ledgers-')));
afterEach(() => dir.remove());

const unlock = (commandId: string, expiresAt: string) => ({ commandId, expiresAt });

describe('command ledger (at-most-once unlock)', () => {
  it('admits a command once, confirms repeats with the first event, refuses it late, also after a restart', async () => {
    const now = new Date('2026-05-04T15:00:00Z');
    let n = 0;
    const id = () => `E${++n}`;
    const ledger = await CommandLedger.open(dir.dir);
    expect(ledger.admit(unlock('c1', '2026-05-04T15:00:30Z'), now, id)).toEqual({ verdict: 'run', eventId: 'E1' });
    expect(ledger.admit(unlock('c1', '2026-05-04T15:00:30Z'), now, id)).toEqual({ verdict: 'repeat', eventId: 'E1' });
    expect(ledger.admit(unlock('c2', '2026-05-04T15:00:00Z'), now, id)).toEqual({ verdict: 'expired' });
    await ledger.save();
    const restarted = await CommandLedger.open(dir.dir);
    expect(restarted.admit(unlock('c1', '2026-05-04T15:00:30Z'), new Date('2026-05-04T15:00:10Z'), id)).toEqual({ verdict: 'repeat', eventId: 'E1' });
    // once expired it is forgotten, and a copy is refused as expired, never run
    expect(restarted.admit(unlock('c1', '2026-05-04T15:00:30Z'), new Date('2026-05-04T15:01:00Z'), id)).toEqual({ verdict: 'expired' });
  });
});

describe('claim ledger', () => {
  it('keeps offline grants owed and used passes across a restart; settles and forgets', async () => {
    const ledger = await ClaimLedger.open(dir.dir);
    await ledger.recordOfflineGrant({ attemptId: 'a1', credentialId: 'pass_1', eventId: 'e1', at: '2026-05-04T15:00:00.000Z' });
    await ledger.markUsed('pass_2', new Date('2026-05-04T15:01:00Z'));
    const restarted = await ClaimLedger.open(dir.dir);
    expect(restarted.pending.map((p) => p.attemptId)).toEqual(['a1']);
    expect([restarted.usedHere('pass_1'), restarted.usedHere('pass_2'), restarted.usedHere('pass_3')]).toEqual([true, true, false]);
    // gone from the set: forgotten, unless its claim is still owed
    await restarted.forgetGone(() => false);
    expect([restarted.usedHere('pass_1'), restarted.usedHere('pass_2')]).toEqual([true, false]);
    await restarted.settle('a1');
    expect(restarted.pending).toEqual([]);
    expect(JSON.parse(await readFile(join(dir.dir, 'claims.json'), 'utf8'))).toEqual({ usedLocally: { pass_1: '2026-05-04T15:00:00.000Z' }, pending: [] });
  });

  it('a disk that refuses the write surfaces as an error of its own', async () => {
    const ledger = await ClaimLedger.open(dir.dir);
    // claims.json cannot be replaced when a (non-empty) directory stands in its place, even for root
    await mkdir(join(dir.dir, 'claims.json', 'x'), { recursive: true });
    await expect(ledger.recordOfflineGrant({ attemptId: 'a1', credentialId: 'pass_1', eventId: 'e1', at: '2026-05-04T15:00:00.000Z' })).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
  });
});
