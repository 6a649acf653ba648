import type { PushPlatform } from './call-ports.ts';
import type { Page, Write } from './records.ts';

/**
 * The plain data of calls (a visitor at a panel rings a unit or a staff member) and the
 * repository ports that keep it (adapters/call-repository.ts). Types only.
 */

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
  /** The called unit (unit targets). */
  unit?: string;
  status: CallStatus;
  startedAt: string;
  /** Unanswered by then (callRingSeconds after the start), the call is missed. */
  ringUntil: string;
  answeredAt?: string;
  endedAt?: string;
  /** The user id of the app user who accepted, or `phone:<residentId>`. */
  answeredBy?: string;
  doorOpened: boolean;
  commandId?: string;
  rung: RungDevice[];
  /** Residents rung on the phone (they may answer as `{ kind: 'phone' }`). */
  dialed: string[];
}

export type CallRef = Pick<Call, 'propertyId' | 'id'>;

export interface CallRepository {
  get(ref: CallRef): Promise<Call | undefined>;
  /** Newest first; `unit` narrows to one unit's calls, `status` to one status. */
  page(propertyId: string, query: { status?: CallStatus; unit?: string; limit: number; cursor?: string }): Promise<Page<Call>>;
  /** A new ringing call and its entry in the property's ringing list. */
  start(call: Call): Write[];
  /** ringing -> accepted, only while ringing and before ringUntil; false if the call was not so. */
  accept(call: Call, answeredBy: string, at: string): Promise<boolean>;
  /** ringing|accepted -> declined|ended by whoever may; false if the call had already moved on. */
  finish(call: Call, from: 'ringing' | 'accepted', to: 'declined' | 'ended', at: string, answeredBy?: string): Write[];
  /** ringing -> missed, only once `at` is past ringUntil, with its notifications (first write: the call's condition). */
  miss(call: Call, at: string): Write[];
  /** accepted (by `answeredBy`) -> ended with the door opened by `commandId` (commit it with the command's record). */
  openDoor(call: Call, answeredBy: string, commandId: string, at: string): Write;
  /** Ringing calls, of every property, whose ring time is over by `at` (the first 100; the next sweep takes more). */
  overdue(at: string): Promise<CallRef[]>;
}

/** A resident as a call sees them. */
export interface Callee {
  residentId: string;
  userId: string;
  name: string;
  unit: string;
  email?: string;
  phone?: string;
  /** How they take calls: app push, an ordinary phone call. */
  calls: Array<'app' | 'phone'>;
  /** How they hear of deliveries (the resident record's `notify`). */
  deliveries: Array<'app' | 'sms' | 'email'>;
}

/** Residents as calls and the `me` routes need them (the resident records of people.ts). */
export interface CalleeDirectory {
  /** Residents living in the unit now. */
  ofUnit(propertyId: string, unit: string): Promise<Callee[]>;
  /** Every resident living here now (the panel directory). */
  all(propertyId: string): Promise<Callee[]>;
  get(propertyId: string, residentId: string): Promise<Callee | undefined>;
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
