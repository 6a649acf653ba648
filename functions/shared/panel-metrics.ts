/**
 * Panel health, as metrics the stack alarms on (lib/panel-monitoring.ts): connects and disconnects
 * from IoT lifecycle events (functions/handlers/panel-presence.ts), and gauges a periodic pass over
 * the panels reports (reconcile): how many have been offline, or have held an older credential
 * set than the property's, for longer than the stack's panelOfflineMinutes. Here, not in the
 * observability module, so the CDK app reads the names without loading the Lambda logger.
 */
export const PANEL_METRICS = {
  connected: 'PanelConnected',
  disconnected: 'PanelDisconnected',
  offline: 'PanelsOffline',
  lagging: 'PanelsSetVersionLagging',
} as const;

/** How long (minutes) a panel may be silent before the offline gauge counts it; set by CDK on reconcile. */
export const PANEL_OFFLINE_MINUTES_VARIABLE = 'LOBBY_PANEL_OFFLINE_MINUTES';
