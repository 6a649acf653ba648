/**
 * MQTT topics between a panel and the cloud. Everything a panel may touch lives
 * under its own prefix, which the IoT policy scopes with
 * ${iot:Connection.Thing.ThingName} (see iot/policy/panel-policy.ts).
 */
/**
 * The one place that says what the topic root is. Topics are account-wide in AWS IoT, so
 * every deployed stage has its own root (`lobby-<stage>/panels`): two stages in one account
 * never see each other's panel traffic. The local stand-in (alone on loopback) uses the
 * unstaged `lobby/panels`. Always two levels, so the panel id is the third level everywhere.
 * Functions learn their stage from LOBBY_STAGE (set by CDK); panels from the `topicRoot` of
 * their connection material (iot/panel/identity.ts).
 */
export const STAGE_VARIABLE = 'LOBBY_STAGE';
export const STAGE_PATTERN = /^[a-z][a-z0-9]{0,11}$/;
export function panelTopicRoot(stage?: string): string {
  if (!stage) return 'lobby/panels';
  if (!STAGE_PATTERN.test(stage)) throw new Error(`stage must match ${STAGE_PATTERN}, got ${JSON.stringify(stage)}`);
  return `lobby-${stage}/panels`;
}

/** The root of this process: its stage's (LOBBY_STAGE), else the local one. */
export const PANEL_TOPIC_ROOT = panelTopicRoot(process.env[STAGE_VARIABLE] || undefined);

export const panelTopics = (panelId: string, root: string = PANEL_TOPIC_ROOT) => {
  const base = `${root}/${panelId}`;
  return {
    /** panel -> cloud: access events (QoS 1, idempotent by eventId). */
    events: `${base}/events`,
    /** panel -> cloud: request/response calls (credential sync, photo URLs, pass claims). */
    requests: `${base}/requests`,
    /** cloud -> panel: replies to requests, matched by requestId. */
    responses: `${base}/responses`,
    /** cloud -> panel: unlock commands (never shadow state: a stale unlock must not run). */
    commands: `${base}/commands`,
    /** cloud -> panel: the state of the panel's calls (ringing, accepted, declined, missed, ended). */
    calls: `${base}/calls`,
    /** panel -> cloud: command outcomes. */
    acks: `${base}/acks`,
    /** panel -> cloud: liveness and the credential-set version the panel holds. */
    heartbeat: `${base}/heartbeat`,
  };
};

/** The named shadow that announces the property's current credential-set version. */
export const CREDENTIALS_SHADOW = 'credentials';

/** Topic filters for the cloud-side rules (IoT topic rules in CDK, the same filters locally). */
export const ruleTopicFiltersFor = (root: string) => ({
  events: `${root}/+/events`,
  requests: `${root}/+/requests`,
  acks: `${root}/+/acks`,
  heartbeat: `${root}/+/heartbeat`,
});
export const ruleTopicFilters = ruleTopicFiltersFor(PANEL_TOPIC_ROOT);

/**
 * AWS IoT lifecycle events (connected/disconnected; client id = panel id). They are
 * account-wide and cannot carry a stage: each stage's handler ignores client ids that
 * are not its panels.
 */
export const PRESENCE_TOPIC_FILTER = '$aws/events/presence/+/+';
export const presenceTopic = (eventType: 'connected' | 'disconnected', clientId: string) => `$aws/events/presence/${eventType}/${clientId}`;

/** The panel id is the third level of every panel topic. */
export function panelIdOf(topic: string, root: string = PANEL_TOPIC_ROOT): string | undefined {
  const parts = topic.split('/');
  return parts.length >= 4 && `${parts[0]}/${parts[1]}` === root ? parts[2] : undefined;
}

/**
 * Panels send a heartbeat this often (it carries the credential-set version they hold);
 * one not heard from for OFFLINE_AFTER_SECONDS shows as offline. Connects and disconnects
 * arrive sooner through IoT lifecycle events (functions/handlers/panel-presence.ts).
 */
export const HEARTBEAT_SECONDS = 60;
export const OFFLINE_AFTER_SECONDS = 3 * HEARTBEAT_SECONDS;
/** Remote unlock commands are valid this long after they are issued. */
export const UNLOCK_TTL_SECONDS = 30;
