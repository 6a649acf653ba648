import { describe, expect, it } from 'vitest';
import { panelHealth, type Panel } from '../../functions/domain/panels.ts';
import { HEARTBEAT_SECONDS, OFFLINE_AFTER_SECONDS } from '../../iot/protocol/topics.ts';

const now = new Date('2026-11-30T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
const panel = (id: string, extra: Partial<Panel>): Panel => ({ id, propertyId: 'p', name: id, kind: 'entrance', createdAt: ago(86_400), ...extra });
const FIFTEEN_MINUTES = 15 * 60_000;

describe('panelHealth (the PanelsOffline / PanelsSetVersionLagging gauges)', () => {
  it('counts panels silent for longer than the window as offline, never-seen panels not at all', () => {
    const panels = [
      panel('fresh', { lastSeenAt: ago(HEARTBEAT_SECONDS), reportedVersion: 7 }),
      panel('silent-14m', { lastSeenAt: ago(14 * 60), reportedVersion: 7 }),
      panel('silent-16m', { lastSeenAt: ago(16 * 60), reportedVersion: 7 }),
      panel('never-installed', {}),
    ];
    expect(panelHealth(panels, 7, now, FIFTEEN_MINUTES)).toEqual({ offline: 1, lagging: 0 });
  });

  it("counts online panels behind the property's version as lagging (an offline one counts as offline only)", () => {
    const panels = [
      panel('behind', { lastSeenAt: ago(HEARTBEAT_SECONDS), reportedVersion: 6 }),
      panel('never-reported', { lastSeenAt: ago(HEARTBEAT_SECONDS) }),
      panel('current', { lastSeenAt: ago(HEARTBEAT_SECONDS), reportedVersion: 7 }),
      panel('behind-but-gone', { lastSeenAt: ago(60 * 60), reportedVersion: 3 }),
      // Silent past the online window but inside the offline window: neither.
      panel('between', { lastSeenAt: ago(OFFLINE_AFTER_SECONDS + 60), reportedVersion: 3 }),
    ];
    expect(panelHealth(panels, 7, now, FIFTEEN_MINUTES)).toEqual({ offline: 1, lagging: 2 });
  });
});
