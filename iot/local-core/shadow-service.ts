import { isEmptyObject, type JsonObject } from './json.ts';
import { computeDelta, isSubDelta } from './shadow-delta.ts';
import { errorDocument, ShadowError, ShadowErrors } from './shadow-errors.ts';
import { mergeSection, metadataForPatch, pickMetadata, type MetadataObject } from './shadow-merge.ts';
import { parseTokenOnly, parseUpdateRequest, type UpdateRequest } from './shadow-request.ts';
import type { ShadowRecord, ShadowStore } from './shadow-store.ts';
import { shadowDisplayName, shadowTopic, type ShadowOperation, type ShadowRef } from './shadow-topics.ts';

/** AWS limits: desired + reported at most 8 KB (metadata excluded); an MQTT message at most 128 KB. */
export const MAX_STATE_BYTES = 8 * 1024;
export const MAX_MESSAGE_BYTES = 128 * 1024;

export interface ShadowMessage {
  topic: string;
  document: object;
}

export interface ShadowResult {
  /** the /accepted document (the HTTP response body of the data-plane API) */
  response: object;
  /** MQTT messages that announce the change, whichever transport carried the request */
  broadcast: ShadowMessage[];
}

/** The Device Shadow service: named and classic shadows, shared by the MQTT and HTTP front ends. */
export class ShadowService {
  constructor(
    private readonly store: ShadowStore,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Answers a request published on a shadow topic with the messages to publish back. */
  handleMqttRequest(ref: ShadowRef, operation: ShadowOperation, payload: Buffer): ShadowMessage[] {
    try {
      const { response, broadcast } = this[operation](ref, payload);
      // An update or delete announces its own /accepted; a get's answer goes to the asker's topic.
      return operation === 'get' ? [{ topic: shadowTopic(ref, 'get/accepted'), document: response }] : broadcast;
    } catch (error) {
      if (!(error instanceof ShadowError)) throw error;
      return [{ topic: shadowTopic(ref, `${operation}/rejected`), document: errorDocument(error, this.now()) }];
    }
  }

  update(ref: ShadowRef, payload: Buffer): ShadowResult {
    if (payload.length > MAX_MESSAGE_BYTES) throw ShadowErrors.tooLarge();
    const request = parseUpdateRequest(payload);
    const token = request.clientToken;
    const stored = this.store.get(ref);
    const current = stored && !stored.deleted ? stored : undefined;
    const currentVersion = stored?.version ?? 0;
    if (request.version !== undefined && request.version !== currentVersion) throw ShadowErrors.versionConflict(token);

    const timestamp = this.now();
    const next = applyUpdate(current, request, currentVersion + 1, timestamp);
    if (Buffer.byteLength(JSON.stringify(next.state)) > MAX_STATE_BYTES) throw ShadowErrors.tooLarge(token);
    this.store.set(ref, next);

    const withToken = token !== undefined ? { clientToken: token } : {};
    const accepted = {
      state: request.state,
      ...(request.state && { metadata: metadataForPatch(request.state, timestamp) }),
      version: next.version,
      timestamp,
      ...withToken,
    };
    const broadcast: ShadowMessage[] = [{ topic: shadowTopic(ref, 'update/accepted'), document: accepted }];

    const delta = computeDelta(next.state.desired, next.state.reported);
    if (delta && shouldPublishDelta(request, delta, current)) {
      const document = { version: next.version, timestamp, state: delta, metadata: pickMetadata(delta, next.metadata.desired), ...withToken };
      broadcast.push({ topic: shadowTopic(ref, 'update/delta'), document });
    }
    const documents = { ...(current && { previous: snapshot(current) }), current: snapshot(next), timestamp, ...withToken };
    broadcast.push({ topic: shadowTopic(ref, 'update/documents'), document: documents });
    return { response: accepted, broadcast };
  }

  get(ref: ShadowRef, payload: Buffer = Buffer.alloc(0)): ShadowResult {
    const token = parseTokenOnly(payload);
    const record = this.existing(ref, token);
    const delta = computeDelta(record.state.desired, record.state.reported);
    const response = {
      state: { ...record.state, ...(delta && { delta }) },
      metadata: {
        ...record.metadata,
        ...(delta && { delta: pickMetadata(delta, record.metadata.desired) }),
      },
      version: record.version,
      timestamp: this.now(),
      ...(token !== undefined && { clientToken: token }),
    };
    return { response, broadcast: [] };
  }

  delete(ref: ShadowRef, payload: Buffer = Buffer.alloc(0)): ShadowResult {
    const token = parseTokenOnly(payload);
    const record = this.existing(ref, token);
    this.store.set(ref, { state: {}, metadata: {}, version: record.version, deleted: true });
    const response = { version: record.version, timestamp: this.now(), ...(token !== undefined && { clientToken: token }) };
    return { response, broadcast: [{ topic: shadowTopic(ref, 'delete/accepted'), document: response }] };
  }

  listNamedShadows(thingName: string): string[] {
    return this.store.namedShadows(thingName);
  }

  private existing(ref: ShadowRef, token: string | undefined): ShadowRecord {
    const record = this.store.get(ref);
    if (!record || record.deleted) throw ShadowErrors.notFound(shadowDisplayName(ref), token);
    return record;
  }

  private now(): number {
    return Math.floor(this.clock() / 1000);
  }
}

function applyUpdate(current: ShadowRecord | undefined, request: UpdateRequest, version: number, timestamp: number): ShadowRecord {
  const next: ShadowRecord = {
    state: structuredClone(current?.state ?? {}),
    metadata: structuredClone(current?.metadata ?? {}),
    version,
  };
  if (request.state === null) return { state: {}, metadata: {}, version }; // "state": null clears everything
  for (const section of ['desired', 'reported'] as const) {
    const patch = request.state[section];
    if (patch === undefined) continue;
    const state: JsonObject = next.state[section] ?? {};
    const metadata: MetadataObject = next.metadata[section] ?? {};
    if (patch !== null) mergeSection(state, metadata, patch, timestamp);
    // A section set to null, or emptied by deleting its keys, disappears from the document.
    if (patch === null || isEmptyObject(state)) {
      delete next.state[section];
      delete next.metadata[section];
    } else {
      next.state[section] = state;
      next.metadata[section] = metadata;
    }
  }
  return next;
}

/**
 * AWS publishes /update/delta when an accepted update leaves desired and reported different. An
 * update that sets desired always announces it; a reported-only update announces it only when it
 * exposes a difference that was not already announced (e.g. a reported key deleted while still
 * desired), not when it merely resolves part of the delta.
 */
function shouldPublishDelta(request: UpdateRequest, delta: JsonObject, before: ShadowRecord | undefined): boolean {
  if (request.state?.desired !== undefined) return true;
  const previousDelta = before && computeDelta(before.state.desired, before.state.reported);
  return !isSubDelta(delta, previousDelta);
}

function snapshot(record: ShadowRecord) {
  return { state: record.state, metadata: record.metadata, version: record.version };
}
