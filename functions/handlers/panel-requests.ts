import { panelRequest, readMessage, type PanelRequest, type PanelResponse, type ReadResult } from '../../iot/protocol/messages.ts';
import { panelTopics } from '../../iot/protocol/topics.ts';
import { count, logger } from '../http/observability.ts';
import { panelMessageHandler } from '../iot/message-handler.ts';
import { photoKeyFor } from '../domain/access-events.ts';
import { syncFor } from '../domain/credential-sets.ts';
import { claimPass } from '../domain/pass-claims.ts';
import { endCallAtPanel, reportRingTimeout, startCall } from '../domain/calls.ts';
import { panelDirectory } from '../domain/directory.ts';
import { DomainError } from '../domain/errors.ts';
import type { Panel, PanelRef } from '../domain/panels.ts';
import type { Stores } from '../domain/stores.ts';

const PHOTO_UPLOAD_SECONDS = 300;

/** Request/response calls from panels; the reply goes to the panel's own responses topic. */
export const handler = panelMessageHandler('panel-requests', async ({ stores, panel, record, message }) => {
  const parsed = readMessage(panelRequest, message);
  // A claim reads the panel's record together with its own reads (claimPass); every other request waits for it.
  const claim = parsed.ok && parsed.message.op === 'pass.claim';
  if (!claim && !(await record)) return;
  // Read even from an invalid request, so the panel can match the refusal to its call.
  const requestId = typeof message === 'object' && message !== null && 'requestId' in message && typeof message.requestId === 'string' ? message.requestId.slice(0, 64) : 'unknown';
  const response = await answer(stores, panel, record, parsed, requestId);
  if (response) await stores.panels.publish(panelTopics(panel.id).responses, response);
});

/** The reply to one request; undefined when the panel turned out to be decommissioned. */
async function answer(
  stores: Stores,
  panel: PanelRef,
  record: Promise<Panel | undefined>,
  parsed: ReadResult<PanelRequest>,
  requestId: string,
): Promise<PanelResponse | undefined> {
  if (!parsed.ok && parsed.reason === 'unsupported-version') {
    // A panel of another protocol major: say so plainly, the panel cannot be served.
    logger.warn('panel request of an unsupported protocol version', { panelId: panel.id, version: parsed.version.slice(0, 16) });
    return { requestId, ok: false, error: 'unsupported-protocol-version' };
  }
  if (!parsed.ok) {
    logger.warn('invalid panel request', { panelId: panel.id, issues: parsed.issues });
    return { requestId, ok: false, error: 'invalid-request' };
  }
  const request = parsed.message;
  switch (request.op) {
    case 'credentials.sync':
      // The panel's own subset (entries limited to other doors left out): it needs its kind.
      return syncFor(stores, panel.propertyId, request, await record);
    case 'photo.upload-url': {
      const key = photoKeyFor(panel, request.eventId);
      const expiresAt = new Date(stores.now().getTime() + PHOTO_UPLOAD_SECONDS * 1000).toISOString();
      return { requestId, ok: true, key, url: await stores.photos.presignPut(key, 'image/jpeg', PHOTO_UPLOAD_SECONDS), expiresAt };
    }
    case 'pass.claim': {
      const result = await claimPass(stores, panel, request, record);
      if (!result) return undefined;
      logger.info('pass claim', { panelId: panel.id, credentialId: request.credentialId, decision: result.decision });
      count(result.decision === 'granted' ? 'PassClaimGranted' : 'PassClaimDenied');
      return { requestId, ok: true, ...result };
    }
    case 'directory.sync':
      return { requestId, ...(await panelDirectory(stores, panel, request.haveVersion)) };
    case 'call.start':
    case 'call.timeout':
    case 'call.end':
      return callReply(stores, panel, request, requestId);
  }
}

/** Calls: a refusal the panel can show (no one in that unit, the call is over) is a reply, not a retried failure. */
async function callReply(stores: Stores, panel: PanelRef, request: Extract<PanelRequest, { op: `call.${string}` }>, requestId: string): Promise<PanelResponse> {
  try {
    if (request.op === 'call.start') {
      const started = await startCall(stores, panel, request.target);
      logger.info('call started', { panelId: panel.id, callId: started.callId, rang: started.rang });
      count('CallStarted');
      return { requestId, ok: true, ...started };
    }
    const status = request.op === 'call.timeout' ? await reportRingTimeout(stores, panel, request.callId) : (await endCallAtPanel(stores, panel, request.callId)).status;
    return { requestId, ok: true, callId: request.callId, status };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { requestId, ok: false, error: error.kind === 'not-found' ? 'not-found' : error.slug };
  }
}
