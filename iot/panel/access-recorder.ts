import type { EventEmitter } from 'node:events';
import type { AccessEvent, AccessMethod } from '../protocol/messages.ts';
import { PROTOCOL_VERSION } from '../protocol/version.ts';
import type { AgentEvents, DoorRelease, EntryResult } from './agent-types.ts';
import type { EventQueue } from './event-queue.ts';
import { errorText, type PanelLogger } from './log.ts';
import { takePhoto, type PhotoOptions } from './photo.ts';

export interface Decided {
  eventId: string;
  at: Date;
  method: AccessMethod;
  decision: 'granted' | 'denied';
  reason?: string;
  credentialId?: string;
  commandId?: string;
  /** decided without the cloud; also set whenever the panel is offline */
  offline?: boolean;
  /** package room (1.2): a Finish's recipients, carried by its event */
  delivery?: AccessEvent['delivery'];
  /** package room (1.2): the unit of a pickup */
  pickup?: AccessEvent['pickup'];
}

/**
 * What happens once a door decision is made: on a grant the door is released (the hook runs
 * first) and a photo taken; every decision becomes an access event in the outbox (on disk
 * before this resolves) and is logged by ids only.
 */
export class AccessRecorder {
  constructor(
    private readonly parts: {
      panelId: string;
      photo?: PhotoOptions;
      onDoorRelease?: (release: DoorRelease) => void;
      outbox: EventQueue;
      events: EventEmitter<AgentEvents>;
      log: PanelLogger;
      online: () => boolean;
      /** the outbox has something new */
      queued: () => void;
    },
  ) {}

  async record(d: Decided): Promise<EntryResult> {
    const { parts } = this;
    const offline = d.offline === true || !parts.online();
    const event: AccessEvent = {
      protocolVersion: PROTOCOL_VERSION,
      eventId: d.eventId,
      at: d.at.toISOString(),
      method: d.method,
      decision: d.decision,
      ...(d.reason !== undefined && { reason: d.reason }),
      ...(d.credentialId !== undefined && { credentialId: d.credentialId }),
      ...(d.commandId !== undefined && { commandId: d.commandId }),
      ...(offline && { offline: true }),
      ...(d.delivery !== undefined && { delivery: d.delivery }),
      ...(d.pickup !== undefined && { pickup: d.pickup }),
    };
    let photo: Buffer | undefined;
    if (d.decision === 'granted') {
      this.releaseDoor({ method: d.method, eventId: d.eventId, at: event.at, credentialId: d.credentialId, commandId: d.commandId });
      photo = takePhoto({ panelId: parts.panelId, at: d.at, method: d.method, eventId: d.eventId }, parts.photo);
    }
    await parts.outbox.enqueueEvent(event, photo);
    parts.log.info('access decision', {
      eventId: d.eventId,
      method: d.method,
      decision: d.decision,
      reason: d.reason,
      credentialId: d.credentialId,
      commandId: d.commandId,
      offline,
    });
    parts.events.emit('event', event);
    parts.queued();
    return {
      decision: d.decision,
      method: d.method,
      ...(d.reason !== undefined && { reason: d.reason }),
      eventId: d.eventId,
      ...(d.credentialId !== undefined && { credentialId: d.credentialId }),
      ...(offline && { offline: true }),
    };
  }

  private releaseDoor(release: DoorRelease): void {
    const clean = Object.fromEntries(Object.entries(release).filter(([, v]) => v !== undefined)) as unknown as DoorRelease;
    try {
      this.parts.onDoorRelease?.(clean);
    } catch (error) {
      this.parts.log.error('door release hook failed', { error: errorText(error) });
    }
    this.parts.events.emit('door', clean);
  }
}
