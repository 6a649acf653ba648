import { EMPTY_DIGEST, entryDigest, xorDigest } from '../../iot/protocol/credential-hash.ts';
import { entryOpens, type DoorLimits } from '../../iot/protocol/doors.ts';
import type { CredentialEntry } from '../../iot/protocol/messages.ts';

/*
 * The digests of a property's credential set, whole and per door audience: entries limited to
 * some doors are left out of other panels' sets, and a panel's digest is derived from the head
 * without reading entries (credential-sets.ts keeps the head; docs/credential-sync.md).
 */

export interface SetHead {
  version: number;
  /** The XOR of every entry's digest: the whole property's set. */
  digest: string;
  keyVersion: number;
  /**
   * Entries limited to some doors (`doors`), by audience (audienceOf): the XOR of their digests.
   * A panel holds the property's set minus the audiences that exclude it, so its digest is
   * `digest` XOR those audiences' digests (panelDigest). Absent or empty: no entry is limited.
   */
  audiences?: Record<string, string>;
}

/** A panel as far as its set is concerned: which doors it is. */
export interface SetPanel {
  id: string;
  kind: string;
}

/** Door limits in one spelling (kinds, then panel ids, each sorted), or undefined for every door. */
export function canonicalDoors(doors: DoorLimits | null | undefined): DoorLimits | undefined {
  if (!doors) return undefined;
  const kinds = doors.kinds && doors.kinds.length > 0 ? [...new Set(doors.kinds)].sort() : undefined;
  const panelIds = doors.panelIds && doors.panelIds.length > 0 ? [...new Set(doors.panelIds)].sort() : undefined;
  if (!kinds && !panelIds) return undefined;
  return { ...(kinds && { kinds }), ...(panelIds && { panelIds }) };
}

/** The audience of an entry limited to some doors: its limits, canonical, as a string; undefined for every door. */
export function audienceOf(entry: Pick<CredentialEntry, 'doors'>): string | undefined {
  const doors = canonicalDoors(entry.doors);
  return doors && JSON.stringify(doors);
}

/** An audience's door limits, back from its string. */
export const doorsOfAudience = (audience: string) => JSON.parse(audience) as DoorLimits;

/** Whether a panel's set holds this entry. */
export const panelHolds = (entry: Pick<CredentialEntry, 'doors'>, panel: SetPanel) => entryOpens(entry.doors, panel);

/** A panel's set digest: the property's, less the audiences that exclude the panel. */
export function panelDigest(head: SetHead, panel: SetPanel): string {
  let digest = head.digest;
  for (const [audience, d] of Object.entries(head.audiences ?? {})) if (!entryOpens(doorsOfAudience(audience), panel)) digest = xorDigest(digest, d);
  return digest;
}

/** Adds or removes one entry's digest from its audience (XOR both ways). */
export function toggleAudience(audiences: Record<string, string>, audience: string, digest: string) {
  const next = xorDigest(audiences[audience] ?? EMPTY_DIGEST, digest);
  if (next === EMPTY_DIGEST) delete audiences[audience];
  else audiences[audience] = next;
}

/** A head's digests from scratch (key rotation, repair): entry digests with their audiences. */
export function digestsOf(entries: Iterable<{ digest: string | null; audience?: string }>): Pick<SetHead, 'digest' | 'audiences'> {
  let digest = EMPTY_DIGEST;
  const audiences: Record<string, string> = {};
  for (const entry of entries) {
    if (!entry.digest) continue;
    digest = xorDigest(digest, entry.digest);
    if (entry.audience) toggleAudience(audiences, entry.audience, entry.digest);
  }
  return { digest, audiences };
}

/** digestsOf for panel entries. */
export const entriesDigests = (entries: CredentialEntry[]) => digestsOf(entries.map((e) => ({ digest: entryDigest(e), audience: audienceOf(e) })));

/** Whether two heads' digests agree (whole set and every audience). */
export function sameDigests(a: Pick<SetHead, 'digest' | 'audiences'>, b: Pick<SetHead, 'digest' | 'audiences'>): boolean {
  const x = a.audiences ?? {};
  const y = b.audiences ?? {};
  return a.digest === b.digest && Object.keys(x).length === Object.keys(y).length && Object.entries(x).every(([k, v]) => y[k] === v);
}
