import { ruleTopicFilters } from '../../iot/protocol/topics.ts';

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

export const panelRules: PanelRule[] = [
  { name: 'lobby_panel_events', topicFilter: ruleTopicFilters.events, fn: 'panel-messages' },
  { name: 'lobby_panel_acks', topicFilter: ruleTopicFilters.acks, fn: 'panel-messages' },
  { name: 'lobby_panel_heartbeats', topicFilter: ruleTopicFilters.heartbeat, fn: 'panel-messages' },
  { name: 'lobby_panel_requests', topicFilter: ruleTopicFilters.requests, fn: 'panel-requests' },
];

export const ruleSql = (rule: PanelRule) =>
  `SELECT topic(3) AS panelId, topic(4) AS channel, encode(*, 'base64') AS payload FROM '${rule.topicFilter}'`;

/** What the rule hands the Lambda function. */
export interface PanelRuleEvent { panelId: string; channel: string; payload: string }
