import { hasNullInArray, isPlainObject, keyDepth, type Json, type JsonObject } from './json.ts';
import { ShadowErrors } from './shadow-errors.ts';

/** An /update request once validated. `null` sections (or a `null` state) mean "remove". */
export interface UpdateRequest {
  state: { desired?: JsonObject | null; reported?: JsonObject | null } | null;
  clientToken?: string;
  version?: number;
}

/** AWS counts `state` and `desired`/`reported` as levels: `state.desired.a.b.c.d` is the deepest allowed. */
export const MAX_DEPTH = 6;
const SECTIONS = ['desired', 'reported'] as const;

/**
 * Validates a request state document with the checks and messages of the Device Shadow service.
 * Top-level keys other than state/clientToken/version are ignored, as in AWS (the device SDK sends
 * thingName and shadowName in the payload).
 */
export function parseUpdateRequest(payload: Buffer | string): UpdateRequest {
  const document = parseJsonObject(payload);
  const clientToken = readClientToken(document);
  const version = document.version;
  if (version !== undefined && !(typeof version === 'number' && Number.isSafeInteger(version) && version >= 0)) {
    throw ShadowErrors.invalidVersion(clientToken);
  }
  if (!('state' in document)) throw ShadowErrors.missingState(clientToken);
  const base = { ...(clientToken !== undefined && { clientToken }), ...(version !== undefined && { version }) };
  const state = document.state;
  if (state === null) return { ...base, state: null };
  if (!isPlainObject(state)) throw ShadowErrors.stateNotObject(clientToken);
  if (Object.keys(state).some((key) => !(SECTIONS as readonly string[]).includes(key))) {
    throw ShadowErrors.invalidNode(clientToken);
  }
  const parsed: NonNullable<UpdateRequest['state']> = {};
  for (const section of SECTIONS) {
    if (!(section in state)) continue;
    const value = state[section];
    if (value !== null && !isPlainObject(value)) throw ShadowErrors.sectionNotObject(section, clientToken);
    if (value !== null && 2 + keyDepth(value) > MAX_DEPTH) throw ShadowErrors.tooDeep(clientToken);
    if (value !== null && hasNullInArray(value)) throw ShadowErrors.invalidNode(clientToken);
    parsed[section] = value;
  }
  return { ...base, state: parsed };
}

/** /get and /delete payloads are ignored except for an optional clientToken (empty payload is fine). */
export function parseTokenOnly(payload: Buffer | string): string | undefined {
  if (payload.length === 0) return undefined;
  try {
    const document = JSON.parse(payload.toString());
    return isPlainObject(document) && typeof document.clientToken === 'string' ? document.clientToken : undefined;
  } catch {
    return undefined;
  }
}

function parseJsonObject(payload: Buffer | string): JsonObject {
  let document: Json;
  try {
    document = JSON.parse(payload.toString());
  } catch {
    throw ShadowErrors.invalidJson();
  }
  if (!isPlainObject(document)) throw ShadowErrors.invalidJson();
  return document;
}

function readClientToken(document: JsonObject): string | undefined {
  const token = document.clientToken;
  if (token === undefined) return undefined;
  if (typeof token !== 'string' || Buffer.byteLength(token) > 64) throw ShadowErrors.invalidClientToken();
  return token;
}
