/**
 * What a call needs from the outside world, in the domain's terms. Each port has one AWS
 * adapter (functions/adapters) and, locally, a stand-in that the same AWS SDK client drives:
 * media through Kinesis Video Streams signaling, app pushes through SNS mobile push, phone
 * calls through Chime SDK PSTN audio.
 */

/** Where a client joins a call's WebRTC session: one KVS signaling channel per panel. */
export interface MediaSession {
  role: 'MASTER' | 'VIEWER';
  channelArn: string;
  /** A SigV4-presigned WSS URL: this channel only, this role only, short-lived. No AWS credentials needed to use it. */
  signalingUrl: string;
  /** From GetIceServerConfig (TURN, short-lived credentials) plus the region's STUN server. */
  iceServers: { urls: string[]; username?: string; credential?: string }[];
  expiresAt: string;
  /** The viewer's client id (KVS tells the master which viewer an offer is from). */
  clientId?: string;
}

export interface CallMedia {
  /** The panel's signaling channel, created if missing (idempotent); its ARN. */
  openChannel(panelId: string): Promise<string>;
  /** Deletes the panel's channel (decommission); nothing if it is already gone. */
  closeChannel(panelId: string): Promise<void>;
  /** A session for the panel (MASTER) or an app that accepted a call (VIEWER). */
  session(panelId: string, role: MediaSession['role'], clientId?: string): Promise<MediaSession>;
}

export type PushPlatform = 'apns' | 'fcm';

export interface PushSender {
  /** Registers a device token for app pushes; returns the endpoint to store with the device. */
  register(platform: PushPlatform, token: string): Promise<string>;
  unregister(endpoint: string): Promise<void>;
  /**
   * Tells a device that a call changed (ringing, answered elsewhere, ended). The push carries the call id
   * only; the app reads the rest over the API. 'gone' means the endpoint is disabled: drop the device.
   */
  sendCallPush(endpoint: string, push: { callId: string; propertyId: string }): Promise<'sent' | 'gone'>;
  /**
   * A notification (domain/notifications.ts) as an ordinary alert push: its title and text, and its id for the app.
   * 'unsupported': the endpoint takes call pushes only (an APNs VoIP token); 'gone' as above.
   */
  sendNotificationPush(endpoint: string, push: { notificationId: string; title: string; body: string }): Promise<{ messageId: string } | 'gone' | 'unsupported'>;
}

export interface PhoneDialer {
  /** Rings `to` (E.164) from the property's number; the SIP media application runs the call. Returns the provider's call id. */
  dial(call: { propertyId: string; callId: string; residentId: string; to: string }): Promise<string>;
}
