import { PANEL_TOPIC_ROOT, PRESENCE_TOPIC_FILTER, ruleTopicFiltersFor } from '../../iot/protocol/topics.ts';

/**
 * The IoT topic rules, as data: CDK makes one TopicRule per entry (Lambda action),
 * the local IoT Core stand-in routes the same filters to the same handlers.
 * The panel id comes from the topic (which the IoT policy pins to the panel's own
 * thing name), never from the payload, so the payload travels base64-encoded.
 */
export interface PanelRule {
  name: string;
  topicFilter: string;
  fn: 'panel-messages' | 'panel-requests';
}

/** Rule names allow only [a-zA-Z0-9_]: the stage (iot/protocol/topics.ts STAGE_PATTERN) fits. */
export function panelRulesFor(root: string, stage?: string): PanelRule[] {
  const filters = ruleTopicFiltersFor(root);
  const name = (what: string) => (stage ? `lobby_${stage}_panel_${what}` : `lobby_panel_${what}`);
  return [
    { name: name('events'), topicFilter: filters.events, fn: 'panel-messages' },
    { name: name('acks'), topicFilter: filters.acks, fn: 'panel-messages' },
    { name: name('heartbeats'), topicFilter: filters.heartbeat, fn: 'panel-messages' },
    { name: name('requests'), topicFilter: filters.requests, fn: 'panel-requests' },
  ];
}

/** The rules of this process's topic root (the local stand-in's). */
export const panelRules: PanelRule[] = panelRulesFor(PANEL_TOPIC_ROOT);

export const ruleSql = (rule: PanelRule) => `SELECT topic(3) AS panelId, topic(4) AS channel, encode(*, 'base64') AS payload FROM '${rule.topicFilter}'`;

/** What the rule hands the Lambda function. */
export interface PanelRuleEvent {
  panelId: string;
  channel: string;
  payload: string;
}

/**
 * AWS IoT lifecycle events -> panel-presence: connects and disconnects, as AWS publishes them
 * (clientId = panel id). Account-wide topics: see PRESENCE_TOPIC_FILTER.
 */
export const presenceRule = (stage?: string) => ({
  name: stage ? `lobby_${stage}_panel_presence` : 'lobby_panel_presence',
  topicFilter: PRESENCE_TOPIC_FILTER,
  fn: 'panel-presence' as const,
});
export const presenceRuleSql = (rule: { topicFilter: string }) => `SELECT * FROM '${rule.topicFilter}'`;

/** What the presence rule hands the Lambda function (a subset of AWS's lifecycle event). */
export interface PanelPresenceEvent {
  clientId: string;
  eventType: 'connected' | 'disconnected';
  /** milliseconds since the epoch */
  timestamp: number;
  disconnectReason?: string;
}
