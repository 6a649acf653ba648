import { panelRequest, PROTOCOL_VERSION, readMessage, type PanelResponse } from '../../iot/protocol/messages.ts';
import { panelTopics } from '../../iot/protocol/topics.ts';
import { count, logger } from '../http/observability.ts';
import { panelMessageHandler, type PanelRefOperation } from '../iot/message-handler.ts';
import { photoKeyFor } from '../domain/access-events.ts';
import { syncFor } from '../domain/credential-sets.ts';
import { claimPass } from '../domain/pass-claims.ts';

const PHOTO_UPLOAD_SECONDS = 300;

/** A pass claim reads the panel's record alongside its own reads (see claimPass): it gets the panel's ref only. */
const passClaim: PanelRefOperation = {
  wants: (message) => {
    const parsed = readMessage(panelRequest, message);
    return parsed.ok && parsed.message.op === 'pass.claim';
  },
  async run({ stores, panel, message }) {
    const request = readMessage(panelRequest, message);
    if (!request.ok || request.message.op !== 'pass.claim') return true;
    const result = await claimPass(stores, panel, request.message);
    if (!result) return false;
    logger.info('pass claim', { panelId: panel.id, credentialId: request.message.credentialId, decision: result.decision });
    count(result.decision === 'granted' ? 'PassClaimGranted' : 'PassClaimDenied');
    await stores.panels.publish(panelTopics(panel.id).responses, { protocolVersion: PROTOCOL_VERSION, requestId: request.message.requestId, ok: true, ...result });
    return true;
  },
};

/** Request/response calls from panels; the reply goes to the panel's own responses topic. */
export const handler = panelMessageHandler('panel-requests', async ({ stores, panel, message }) => {
  const parsed = readMessage(panelRequest, message);
  // Read even from an invalid request, so the panel can match the refusal to its call.
  const requestId = typeof message === 'object' && message !== null && 'requestId' in message && typeof message.requestId === 'string' ? message.requestId.slice(0, 64) : 'unknown';
  let response: PanelResponse;
  if (!parsed.ok && parsed.reason === 'unsupported-version') {
    // A panel of another protocol major: say so plainly, the panel cannot be served.
    logger.warn('panel request of an unsupported protocol version', { panelId: panel.id, version: parsed.version.slice(0, 16) });
    response = { requestId, ok: false, error: 'unsupported-protocol-version' };
  } else if (!parsed.ok) {
    logger.warn('invalid panel request', { panelId: panel.id, issues: parsed.issues });
    response = { requestId, ok: false, error: 'invalid-request' };
  } else {
    const request = parsed.message;
    switch (request.op) {
      case 'credentials.sync':
        response = await syncFor(stores, panel.propertyId, request);
        break;
      case 'photo.upload-url': {
        const key = photoKeyFor(panel, request.eventId);
        const expiresAt = new Date(stores.now().getTime() + PHOTO_UPLOAD_SECONDS * 1000).toISOString();
        response = { requestId, ok: true, key, url: await stores.photos.presignPut(key, 'image/jpeg', PHOTO_UPLOAD_SECONDS), expiresAt };
        break;
      }
      case 'pass.claim':
        // Claims take passClaim (below the shell's `wants`); reaching here means the parse disagreed.
        response = { requestId, ok: false, error: 'invalid-request' };
        break;
    }
  }
  await stores.panels.publish(panelTopics(panel.id).responses, { protocolVersion: PROTOCOL_VERSION, ...response });
}, passClaim);
