import { ulid } from 'ulid';
import type { AccessRecorder, Decided } from './access-recorder.ts';
import type { EntryResult } from './agent-types.ts';
import type { ClaimLedger } from './claim-ledger.ts';
import type { CredentialStore } from './credential-store.ts';
import { decideCode, decideQr, decideUnclaimed, unknownCode, type DoorContext, type EntryDecision } from './entry-decider.ts';
import type { KeypadThrottle } from './keypad-throttle.ts';
import { errorText, type PanelLogger } from './log.ts';
import type { ClaimAnswer, PassClaims } from './pass-claims.ts';

/**
 * The door: asks the entry decider, does what it says (a cloud claim, a wrong code counted)
 * and records the outcome. Local failures (the disk) surface as such, never as "no answer".
 */
export class EntryFlow {
  constructor(
    private readonly parts: {
      store: CredentialStore;
      throttle: KeypadThrottle;
      ledger: ClaimLedger;
      claims: PassClaims;
      recorder: AccessRecorder;
      log: PanelLogger;
      now: () => Date;
      online: () => boolean;
      newEventId: (at: Date) => string;
      qrKeys: () => Record<string, string>;
      propertyId: string;
      /** the keypad just locked: the cloud hears it in a heartbeat */
      keypadLocked: () => void;
    },
  ) {}

  private door(at: Date): DoorContext {
    return { set: this.parts.store, at, keypadLocked: this.parts.throttle.isLocked(at), online: this.parts.online() };
  }

  async enter(code: string, source: 'keypad' | 'qr'): Promise<EntryResult> {
    const at = this.parts.now();
    const eventId = this.parts.newEventId(at);
    const decision = decideCode(code, source, this.door(at));
    if (decision.action === 'claim-code') {
      const answer = await this.parts.claims.claim({ attemptId: ulid(), code, eventId, at: at.toISOString() });
      if (answer.answer === 'decided' && answer.credentialId !== undefined) {
        const pass = { eventId, at, method: 'delivery-pass' as const, credentialId: answer.credentialId };
        if (answer.decision === 'granted') return this.parts.recorder.record({ ...pass, decision: 'granted', ...(answer.reason !== undefined && { reason: answer.reason }) });
        return this.parts.recorder.record({ ...pass, decision: 'denied', reason: answer.reason ?? 'already-used' });
      }
      return this.apply(unknownCode(source), eventId, at);
    }
    if (decision.action === 'claim-pass') return this.redeemPass(decision, eventId, at);
    return this.apply(decision, eventId, at);
  }

  async scan(token: string): Promise<EntryResult> {
    const at = this.parts.now();
    const decision = decideQr(token, { ...this.door(at), qrKeys: this.parts.qrKeys(), propertyId: this.parts.propertyId });
    return this.apply(decision, this.parts.newEventId(at), at);
  }

  /** A grant or a denial (counted when it is a wrong code). */
  private async apply(decision: EntryDecision, eventId: string, at: Date): Promise<EntryResult> {
    if (decision.action === 'grant') return this.parts.recorder.record({ eventId, at, method: decision.method, credentialId: decision.credentialId, decision: 'granted' });
    if (decision.action !== 'deny') throw new Error(`entry decision ${decision.action} needs the cloud`);
    const lockedUntil = decision.wrongCode ? (await this.parts.throttle.recordFailure(at)).lockedUntil : undefined;
    const result = await this.parts.recorder.record({
      eventId,
      at,
      method: decision.method,
      decision: 'denied',
      reason: decision.reason,
      ...(decision.credentialId !== undefined && { credentialId: decision.credentialId }),
    });
    if (lockedUntil) {
      this.parts.log.warn('keypad locked after repeated wrong codes', { until: lockedUntil.toISOString() });
      await this.parts.recorder.record({ eventId: this.parts.newEventId(at), at, method: 'delivery-pin', decision: 'denied', reason: 'keypad-locked' });
      this.parts.keypadLocked();
    }
    return result;
  }

  /**
   * A held single-use pass: online, the cloud decides, always, so its rules (grace re-entry,
   * cancellation, a use on another panel) apply; without an answer the offline policy decides.
   */
  private async redeemPass(pass: { method: Decided['method']; credentialId: string }, eventId: string, at: Date): Promise<EntryResult> {
    const { claims, ledger, recorder, log, store } = this.parts;
    const base = { eventId, at, method: pass.method, credentialId: pass.credentialId };
    const attemptId = ulid();
    const answer: ClaimAnswer = await claims.claim({ attemptId, credentialId: pass.credentialId, eventId, at: at.toISOString() });
    if (answer.answer === 'refused') return recorder.record({ ...base, decision: 'denied', reason: 'claim-error' });
    if (answer.answer === 'decided') {
      if (answer.decision !== 'granted') return recorder.record({ ...base, decision: 'denied', reason: answer.reason ?? 'already-used' });
      // The cloud decided; the local mark only keeps an offline retry from letting the pass in again.
      await ledger.markUsed(pass.credentialId, at).catch((error: unknown) => log.error('could not save the claim ledger', { error: errorText(error) }));
      // e.g. reason 'grace-reentry': the cloud let the same courier in again shortly after
      return recorder.record({ ...base, decision: 'granted', ...(answer.reason !== undefined && { reason: answer.reason }) });
    }
    log.info('applying the offline pass policy', { credentialId: pass.credentialId, policy: store.offlinePassPolicy, why: answer.why });
    const fallback = decideUnclaimed(pass, answer.why, store.offlinePassPolicy, ledger.usedHere(pass.credentialId));
    if (fallback.action === 'deny') return recorder.record({ ...base, decision: 'denied', reason: fallback.reason, offline: true });
    try {
      await ledger.recordOfflineGrant({ attemptId, credentialId: pass.credentialId, eventId, at: at.toISOString() });
    } catch (error) {
      // Without the ledger on disk a restart could let the pass in twice: refuse instead.
      log.error('could not save the claim ledger, offline grant refused', { credentialId: pass.credentialId, error: errorText(error) });
      return recorder.record({ ...base, decision: 'denied', reason: 'panel-storage-error', offline: true });
    }
    return recorder.record({ ...base, decision: 'granted', offline: true });
  }
}
