/**
 * MQTT topics between a panel and the cloud. Everything a panel may touch lives
 * under its own prefix, which the IoT policy scopes with
 * ${iot:Connection.Thing.ThingName} (see iot/policy/panel-policy.ts).
 */
export const PANEL_TOPIC_ROOT = 'lobby/panels';

export const panelTopics = (panelId: string) => {
  const base = `${PANEL_TOPIC_ROOT}/${panelId}`;
  return {
    /** panel -> cloud: access events (QoS 1, idempotent by eventId). */
    events: `${base}/events`,
    /** panel -> cloud: request/response calls (credential sync, photo URLs, pass claims). */
    requests: `${base}/requests`,
    /** cloud -> panel: replies to requests, matched by requestId. */
    responses: `${base}/responses`,
    /** cloud -> panel: unlock commands (never shadow state: a stale unlock must not run). */
    commands: `${base}/commands`,
    /** panel -> cloud: command outcomes. */
    acks: `${base}/acks`,
    /** panel -> cloud: liveness and the credential-set version the panel holds. */
    heartbeat: `${base}/heartbeat`,
  };
};

/** The named shadow that announces the property's current credential-set version. */
export const CREDENTIALS_SHADOW = 'credentials';

/** Topic filters for the cloud-side rules (IoT topic rules in CDK, the same filters locally). */
export const ruleTopicFilters = {
  events: `${PANEL_TOPIC_ROOT}/+/events`,
  requests: `${PANEL_TOPIC_ROOT}/+/requests`,
  acks: `${PANEL_TOPIC_ROOT}/+/acks`,
  heartbeat: `${PANEL_TOPIC_ROOT}/+/heartbeat`,
};

/** The panel id is the third level of every panel topic. */
export function panelIdOf(topic: string): string | undefined {
  const parts = topic.split('/');
  return parts.length >= 4 && `${parts[0]}/${parts[1]}` === PANEL_TOPIC_ROOT ? parts[2] : undefined;
}

/** Panels send a heartbeat this often; one not heard from for OFFLINE_AFTER_SECONDS shows as offline. */
export const HEARTBEAT_SECONDS = 15;
export const OFFLINE_AFTER_SECONDS = 3 * HEARTBEAT_SECONDS;
/** Remote unlock commands are valid this long after they are issued. */
export const UNLOCK_TTL_SECONDS = 30;
