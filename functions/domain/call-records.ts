import type { PushPlatform } from './call-ports.ts';
import type { Page, Write } from './records.ts';

/**
 * The plain data of calls (a visitor at a panel rings a unit or a staff member) and the
 * repository ports that keep it (adapters/call-repository.ts). Types, and how units compare.
 */

/** Units are matched as people type them ("4b", " 4B"): every comparison of units goes through this. */
export const unitKey = (unit: string) => unit.normalize('NFKC').trim().toLowerCase();

export type CallStatus = 'ringing' | 'accepted' | 'declined' | 'missed' | 'ended';

/** Who a call rings: every resident of a unit, or one staff member. */
export type CallTarget = { kind: 'unit'; unit: string } | { kind: 'staff'; userId: string };

/**
 * Who answers: an app user (a resident of the unit, or the called staff member, by their token)
 * or a resident on an ordinary phone call (the SIP media application knows only the resident).
 */
export type Answerer = { kind: 'resident'; userId: string } | { kind: 'phone'; residentId: string };

/** One device a call rang, to tell it later that the call was taken or is over. */
export interface RungDevice {
  deviceId: string;
  userId: string;
  endpoint: string;
}

export interface Call {
  id: string;
  propertyId: string;
  panelId: string;
  target: CallTarget;
  /** The called unit (unit targets), as the residents' records spell it. */
  unit?: string;
  /** unitKey(unit): what access checks and the unit filter compare. */
  unitKey?: string;
  status: CallStatus;
  startedAt: string;
  /** Unanswered by then (callRingSeconds after the start), the call is missed. */
  ringUntil: string;
  /** The property's callTalkSeconds when the call started: an accepted call ends that long after the answer. */
  talkSeconds?: number;
  /** Accepted: the call is over by then (no door after it); the sweep writes it ended. */
  talkUntil?: string;
  answeredAt?: string;
  endedAt?: string;
  /** The user id of the app user who accepted, or `phone:<residentId>`. */
  answeredBy?: string;
  doorOpened: boolean;
  commandId?: string;
  rung: RungDevice[];
  /** Residents rung on the phone (they may answer as `{ kind: 'phone' }`). */
  dialed: string[];
  /** Whom the call rang, by resident id (staff: their user id): the call is declined once every one of them declined. */
  rungResidents?: string[];
  /** Who declined so far (resident ids; a staff member's user id): their ringing stops, the others' goes on. */
  declinedBy?: string[];
}

/** The conditional guards of a call's start (one transaction with the call): refused by position, see CallRepository.start. */
export interface CallStartGuard {
  /** The start time: the panel's previous ring must be over (or the call moved on). */
  now: string;
  /** The 10-minute window the counters count in, and when they may expire (epoch seconds). */
  window: number;
  keepUntil: number;
  maxPerPanel: number;
  maxPerTarget: number;
  /** The unit (unitKey) or `staff#<userId>`: what the per-unit counter counts. */
  targetKey: string;
}

export type CallRef = Pick<Call, 'propertyId' | 'id'>;

export interface CallRepository {
  get(ref: CallRef): Promise<Call | undefined>;
  /** Newest first; `unit` narrows to one unit's calls, `status` to one status. */
  page(propertyId: string, query: { status?: CallStatus; unit?: string; limit: number; cursor?: string }): Promise<Page<Call>>;
  /**
   * A new ringing call, its entry in the property's ringing list, and its guards, in this order:
   * [call, ringing entry, the panel's one-ringing-call lock (index 2), the panel's counter (3), the target's counter (4)].
   */
  start(call: Call, guard: CallStartGuard): Write[];
  /** ringing -> accepted, only while ringing and before ringUntil (first write: the call's condition); the talk deadline starts. */
  accept(call: Call, answeredBy: string, at: string, talkUntil: string): Write[];
  /** One rung resident (or the called staff member) declines a ringing call: their id joins declinedBy. The call after, or undefined if it was not ringing. */
  declineBy(call: Call, who: string, at: string): Promise<Call | undefined>;
  /** ringing (before ringUntil) | accepted -> declined | ended by whoever may (first write: the call's condition). */
  finish(call: Call, from: 'ringing' | 'accepted', to: 'declined' | 'ended', at: string, answeredBy?: string): Write[];
  /** ringing -> missed, only once `at` is past ringUntil, with its notifications (first write: the call's condition). */
  miss(call: Call, at: string): Write[];
  /** accepted (by `answeredBy`, before talkUntil) -> ended with the door opened by `commandId` (commit with the command's record; first write: the condition). */
  openDoor(call: Call, answeredBy: string, commandId: string, at: string): Write[];
  /** accepted -> ended once `at` is past talkUntil (the talk deadline; first write: the condition). */
  endTalk(call: Call, at: string): Write[];
  /** Ringing calls, of every property, whose ring time is over by `at` (the first 100; the next sweep takes more). */
  overdue(at: string): Promise<CallRef[]>;
  /** Accepted calls, of every property, whose talk time is over by `at` (the first 100). */
  overdueTalks(at: string): Promise<CallRef[]>;
}

/** A resident as a call sees them. */
export interface Callee {
  residentId: string;
  userId: string;
  name: string;
  unit: string;
  email?: string;
  phone?: string;
  /** The resident proved `phone` is theirs (phone-verification.ts): only then is it called or texted. */
  phoneVerified?: boolean;
  /** How they take calls: app push, an ordinary phone call. */
  calls: Array<'app' | 'phone'>;
  /** How they hear of deliveries (the resident record's `notify`). */
  deliveries: Array<'app' | 'sms' | 'email'>;
}

/** A code texted to a resident's phone, kept as a keyed digest only, with its tries and the sends of the hour. */
export interface PhoneChallenge {
  phone: string;
  digest: string;
  expiresAt: string;
  tries: number;
  /** Codes sent since `windowStart` (a resident cannot have the building text a number without end). */
  sends: number;
  windowStart: string;
}

/** Residents as calls and the `me` routes need them (the resident records of people.ts). */
export interface CalleeDirectory {
  /** Residents living in the unit now. */
  ofUnit(propertyId: string, unit: string): Promise<Callee[]>;
  /** Every resident living here now (the panel directory). */
  all(propertyId: string): Promise<Callee[]>;
  get(propertyId: string, residentId: string): Promise<Callee | undefined>;
  /** The open phone verification of a resident living here (phone-verification.ts). */
  phoneChallenge(propertyId: string, residentId: string): Promise<PhoneChallenge | undefined>;
  /** A new challenge, only while they live here and their phone is still `challenge.phone`. */
  startPhoneChallenge(propertyId: string, residentId: string, challenge: PhoneChallenge): Write;
  /** One wrong code counted, only on the challenge as read (so parallel tries cannot overdraw); false otherwise. */
  countPhoneTry(propertyId: string, residentId: string, seen: PhoneChallenge): Promise<boolean>;
  /** phoneVerified, the challenge gone, only on the challenge as read and the phone unchanged; false otherwise. */
  markPhoneVerified(propertyId: string, residentId: string, seen: PhoneChallenge): Promise<boolean>;
  /** Changes what a resident may change of their own record; false when they moved out meanwhile. */
  update(
    propertyId: string,
    residentId: string,
    patch: { name?: string; email?: string | null; phone?: string | null; calls?: Callee['calls']; deliveries?: Callee['deliveries'] },
  ): Promise<boolean>;
}

export interface Device {
  id: string;
  propertyId: string;
  userId: string;
  platform: PushPlatform;
  /** The push endpoint (an SNS platform endpoint ARN). */
  endpoint: string;
  createdAt: string;
}

export interface DeviceRepository {
  add(device: Device): Promise<void>;
  get(propertyId: string, userId: string, deviceId: string): Promise<Device | undefined>;
  remove(propertyId: string, userId: string, deviceId: string): Promise<void>;
  ofUser(propertyId: string, userId: string): Promise<Device[]>;
}
