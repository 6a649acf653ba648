import { ulid } from 'ulid';
import type { AccessRecorder, Decided } from './access-recorder.ts';
import type { EntryResult } from './agent-types.ts';
import type { ClaimLedger } from './claim-ledger.ts';
import type { CredentialStore } from './credential-store.ts';
import { decideCode, decideQr, decideResidentPin, decideUnclaimed, unknownCode, type DoorContext, type EntryDecision } from './entry-decider.ts';
import type { KeypadThrottle } from './keypad-throttle.ts';
import { errorText, type PanelLogger } from './log.ts';
import type { ClaimAnswer, PassClaims } from './pass-claims.ts';
import type { AccessMethod } from '../protocol/messages.ts';

/**
 * What a screen other than the entrance keypad asks of an entry (the package room): which
 * methods it takes (another valid code is refused as 'not-valid-here', not counted as a wrong
 * code) and what a grant's event carries (a delivery, a pickup).
 */
export interface EntryPurpose {
  methods?: readonly AccessMethod[];
  grant?: Pick<Decided, 'delivery' | 'pickup'>;
}

type RecordFn = (d: Decided) => Promise<EntryResult>;

/** A valid credential of a method the screen does not take is refused here (and not counted). */
function forPurpose(decision: EntryDecision, purpose: EntryPurpose | undefined): EntryDecision {
  if (!purpose?.methods || decision.action === 'deny' || purpose.methods.includes(decision.method)) return decision;
  return { action: 'deny', method: decision.method, reason: 'not-valid-here', ...('credentialId' in decision && { credentialId: decision.credentialId }) };
}

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
      /** this panel (identity): credentials limited to other doors are refused */
      panel?: { id: string; kind: string };
      /** the keypad just locked: the cloud hears it in a heartbeat */
      keypadLocked: () => void;
    },
  ) {}

  private door(at: Date): DoorContext {
    return { set: this.parts.store, at, keypadLocked: this.parts.throttle.isLocked(at), online: this.parts.online(), panel: this.parts.panel };
  }

  /** Only a grant's event carries what the purpose adds. */
  private recordFor(purpose?: EntryPurpose): RecordFn {
    return (d) => this.parts.recorder.record(d.decision === 'granted' ? { ...d, ...purpose?.grant } : d);
  }

  async enter(code: string, source: 'keypad' | 'qr', purpose?: EntryPurpose): Promise<EntryResult> {
    const at = this.parts.now();
    const eventId = this.parts.newEventId(at);
    const record = this.recordFor(purpose);
    const decision = forPurpose(decideCode(code, source, this.door(at)), purpose);
    if (decision.action === 'claim-code') {
      const answer = await this.parts.claims.claim({ attemptId: ulid(), code, eventId, at: at.toISOString() });
      if (answer.answer === 'decided' && answer.credentialId !== undefined) {
        const pass = { eventId, at, method: 'delivery-pass' as const, credentialId: answer.credentialId };
        if (answer.decision === 'granted') return record({ ...pass, decision: 'granted', ...(answer.reason !== undefined && { reason: answer.reason }) });
        return record({ ...pass, decision: 'denied', reason: answer.reason ?? 'already-used' });
      }
      return this.apply(unknownCode(source), eventId, at, record);
    }
    if (decision.action === 'claim-pass') return this.redeemPass(decision, eventId, at, record);
    return this.apply(decision, eventId, at, record);
  }

  async scan(token: string): Promise<EntryResult> {
    const at = this.parts.now();
    const decision = decideQr(token, { ...this.door(at), qrKeys: this.parts.qrKeys(), propertyId: this.parts.propertyId });
    return this.apply(decision, this.parts.newEventId(at), at);
  }

  /**
   * A resident's unit and door PIN (decideResidentPin): a grant, or a denial counted by the
   * keypad throttle when unit and PIN match nothing. `extra` goes on the access event (the
   * package room's `pickup`).
   */
  async enterResidentPin(unit: string, pin: string, extra: Pick<Decided, 'pickup'> = {}): Promise<EntryResult> {
    const at = this.parts.now();
    return this.apply(decideResidentPin(unit, pin, this.door(at)), this.parts.newEventId(at), at, this.recordFor({ grant: extra }));
  }

  /** A grant or a denial (counted when it is a wrong code). */
  private async apply(decision: EntryDecision, eventId: string, at: Date, record: RecordFn = this.recordFor()): Promise<EntryResult> {
    if (decision.action === 'grant') return record({ eventId, at, method: decision.method, credentialId: decision.credentialId, decision: 'granted' });
    if (decision.action !== 'deny') throw new Error(`entry decision ${decision.action} needs the cloud`);
    const lockedUntil = decision.wrongCode ? (await this.parts.throttle.recordFailure(at)).lockedUntil : undefined;
    const result = await record({
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
  private async redeemPass(pass: { method: Decided['method']; credentialId: string }, eventId: string, at: Date, record: RecordFn): Promise<EntryResult> {
    const { claims, ledger, log, store } = this.parts;
    const base = { eventId, at, method: pass.method, credentialId: pass.credentialId };
    const attemptId = ulid();
    const answer: ClaimAnswer = await claims.claim({ attemptId, credentialId: pass.credentialId, eventId, at: at.toISOString() });
    if (answer.answer === 'refused') return record({ ...base, decision: 'denied', reason: 'claim-error' });
    if (answer.answer === 'decided') {
      if (answer.decision !== 'granted') return record({ ...base, decision: 'denied', reason: answer.reason ?? 'already-used' });
      // The cloud decided; the local mark only keeps an offline retry from letting the pass in again.
      await ledger.markUsed(pass.credentialId, at).catch((error: unknown) => log.error('could not save the claim ledger', { error: errorText(error) }));
      // e.g. reason 'grace-reentry': the cloud let the same courier in again shortly after
      return record({ ...base, decision: 'granted', ...(answer.reason !== undefined && { reason: answer.reason }) });
    }
    log.info('applying the offline pass policy', { credentialId: pass.credentialId, policy: store.offlinePassPolicy, why: answer.why });
    const fallback = decideUnclaimed(pass, answer.why, store.offlinePassPolicy, ledger.usedHere(pass.credentialId));
    if (fallback.action === 'deny') return record({ ...base, decision: 'denied', reason: fallback.reason, offline: true });
    try {
      await ledger.recordOfflineGrant({ attemptId, credentialId: pass.credentialId, eventId, at: at.toISOString() });
    } catch (error) {
      // Without the ledger on disk a restart could let the pass in twice: refuse instead.
      log.error('could not save the claim ledger, offline grant refused', { credentialId: pass.credentialId, error: errorText(error) });
      return record({ ...base, decision: 'denied', reason: 'panel-storage-error', offline: true });
    }
    return record({ ...base, decision: 'granted', offline: true });
  }
}
