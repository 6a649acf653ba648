import type { ClaimResponse } from '../protocol/messages.ts';
import type { ClaimLedger } from './claim-ledger.ts';
import { InvalidReplyError, RequestTimeoutError, type PanelConnection } from './connection.ts';
import { errorText, type PanelLogger } from './log.ts';

/** What the cloud said about a claim, or that it said nothing readable. */
export type ClaimAnswer =
  | { answer: 'decided'; decision: ClaimResponse['decision']; reason?: string; credentialId?: string }
  /** the cloud answered with an error, or with a reply this panel cannot read */
  | { answer: 'refused'; error: string }
  /** no answer: not connected, or none in time (the cloud may or may not have the claim) */
  | { answer: 'none'; why: 'offline' | 'claim-timeout' };

export interface ClaimBody {
  attemptId: string;
  eventId: string;
  at: string;
  credentialId?: string;
  code?: string;
  offline?: boolean;
}

/**
 * Pass claims in the cloud (pass.claim): at the door, retried with the same attemptId so a lost
 * reply gets the same answer, and afterwards for offline grants the ledger still owes. Only
 * the request is guarded here: a local failure (disk) is the caller's and is reported as such.
 * Codes never reach a log line.
 */
export class PassClaims {
  private reconciling: Promise<void> | undefined;

  constructor(
    private readonly parts: {
      connection: PanelConnection;
      ledger: ClaimLedger;
      log: PanelLogger;
      claimTimeoutMs: number;
      claimAttempts: number;
    },
  ) {}

  async claim(body: ClaimBody): Promise<ClaimAnswer> {
    const { connection, log, claimTimeoutMs, claimAttempts } = this.parts;
    if (!connection.connected) return { answer: 'none', why: 'offline' };
    const what = { credentialId: body.credentialId, byCode: body.code !== undefined };
    try {
      const reply = await connection.request({ op: 'pass.claim', ...body }, { timeoutMs: claimTimeoutMs, attempts: claimAttempts });
      if (!reply.ok) {
        log.warn('pass claim refused by the cloud', { ...what, error: reply.error });
        return { answer: 'refused', error: reply.error };
      }
      return {
        answer: 'decided',
        decision: reply.decision,
        ...(reply.reason !== undefined && { reason: reply.reason }),
        ...(reply.credentialId !== undefined && { credentialId: reply.credentialId }),
      };
    } catch (error) {
      if (error instanceof InvalidReplyError) {
        log.warn('pass claim reply unreadable', { ...what, error: errorText(error) });
        return { answer: 'refused', error: 'unreadable-reply' };
      }
      // Timeout, connection lost, publish failed: an offline grant reconciles with the same attemptId, so it cannot count twice.
      log.warn('pass claim got no answer', { ...what, error: errorText(error) });
      return { answer: 'none', why: error instanceof RequestTimeoutError ? 'claim-timeout' : 'offline' };
    }
  }

  /** Reports the offline grants the ledger owes, oldest first; stops at the first one without an answer. */
  reconcile(): Promise<void> {
    this.reconciling ??= this.reconcileAll().finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  private async reconcileAll(): Promise<void> {
    const { connection, ledger, log } = this.parts;
    for (const claim of [...ledger.pending]) {
      if (!connection.connected) return;
      const answer = await this.claim({ ...claim, offline: true });
      if (answer.answer === 'none') throw new Error(`offline claim got no answer (${answer.why})`);
      if (answer.answer === 'decided' && answer.decision === 'granted') log.info('offline grant reconciled', { credentialId: claim.credentialId, eventId: claim.eventId });
      else if (answer.answer === 'decided')
        log.warn('offline grant not confirmed by the cloud', { credentialId: claim.credentialId, eventId: claim.eventId, reason: answer.reason });
      await ledger.settle(claim.attemptId);
    }
  }
}
