/**
 * Which doors a credential opens (1.2), as plain types and a function: the cloud's domain asks
 * this on hot paths, and importing it must not build the protocol's zod schemas at a Lambda's
 * cold start (credential-entry.ts holds the schema, `doorLimits`, and checks it matches).
 */
export type PanelKind = 'entrance' | 'package-room';

/** Panels of the listed kinds and the listed panels (either list may be absent). */
export interface DoorLimits {
  kinds?: PanelKind[];
  panelIds?: string[];
}

/** Whether a credential limited to `doors` (absent: every door) opens this panel. */
export function entryOpens(doors: DoorLimits | undefined, panel: { id: string; kind: string }): boolean {
  if (!doors || (doors.kinds === undefined && doors.panelIds === undefined)) return true;
  return (doors.kinds?.includes(panel.kind as PanelKind) ?? false) || (doors.panelIds?.includes(panel.id) ?? false);
}
