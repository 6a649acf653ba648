import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import { MathExpression, Metric, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnLogging } from 'aws-cdk-lib/aws-iot';
import type { Construct } from 'constructs';
import { PANEL_METRICS } from '../functions/shared/panel-metrics.ts';
import type { Observability } from './observability.ts';

/** Watching the panels of a stage: alarms on their health, and AWS IoT's own error log. */

/**
 * Alarms on panel health: authentication and authorization failures at the IoT broker
 * (a revoked or stolen certificate, a panel outside its policy), disconnects (lifecycle
 * events), and the gauges of PANEL_METRICS (offline or lagging for panelOfflineMinutes).
 */
export function watchPanels(observability: Observability, stage: string, offlineMinutes: number) {
  const period = Duration.minutes(5);
  const iot = (metricName: string) => new Metric({ namespace: 'AWS/IoT', metricName, dimensionsMap: { Protocol: 'MQTT' }, period, statistic: Stats.SUM });
  const lobby = (metricName: string, statistic: string, minutes = 5) =>
    new Metric({
      namespace: 'Lobby',
      metricName,
      dimensionsMap: { service: 'lobby', stage },
      period: Duration.minutes(minutes),
      statistic,
    });
  observability.watchMetric(
    'IotConnectAuthErrors',
    iot('Connect.AuthError'),
    'AWS IoT: MQTT connections refused by authorization (a revoked or deactivated panel certificate, a client id that is not its thing name)',
  );
  observability.watchMetric('IotPublishAuthErrors', iot('Publish-In.AuthError'), 'AWS IoT: publishes refused by the panel policy (a panel writing outside its own topics)');
  observability.watchMetric('IotSubscribeAuthErrors', iot('Subscribe.AuthError'), 'AWS IoT: subscriptions refused by the panel policy (a panel reading outside its own topics)');
  // Internet scanners also fail TLS authentication against the endpoint: only a burst pages.
  observability.watchMetric(
    'IotAuthenticationErrors',
    iot('Connection.AuthNError'),
    'AWS IoT: connection attempts with no valid certificate (burst; scanners cause a trickle)',
    25,
  );
  observability.watchMetric(
    'PanelsOffline',
    lobby(PANEL_METRICS.offline, Stats.MAXIMUM),
    `Panels not heard from for more than ${offlineMinutes} minutes (gauge from the reconcile pass)`,
  );
  // The gauge says "behind now" at each 5-minute pass: behind at every pass for the window pages.
  observability.watchMetric(
    'PanelsSetVersionLagging',
    lobby(PANEL_METRICS.lagging, Stats.MINIMUM),
    `Online panels holding an older credential set than their property's at every reconcile pass for ${offlineMinutes} minutes`,
    1,
    Math.max(1, Math.ceil(offlineMinutes / 5)),
  );
  // Disconnects net of reconnects over the offline window: a panel that dropped and stayed away.
  observability.watchMetric(
    'PanelsDisconnected',
    new MathExpression({
      expression: 'FILL(d, 0) - FILL(c, 0)',
      usingMetrics: { d: lobby(PANEL_METRICS.disconnected, Stats.SUM, offlineMinutes), c: lobby(PANEL_METRICS.connected, Stats.SUM, offlineMinutes) },
      period: Duration.minutes(offlineMinutes),
      label: 'disconnects not followed by a reconnect',
    }),
    `Panels that disconnected (IoT lifecycle events) and did not reconnect within ${offlineMinutes} minutes`,
  );
}

/**
 * AWS IoT logging at ERROR (authentication, authorization and rule failures in the AWSIotLogsV2
 * log group). One setting per account and region: only one stage owns it (lobby:iotLogging).
 */
export function enableIotLogging(scope: Construct) {
  const stack = Stack.of(scope);
  const role = new Role(scope, 'IotLoggingRole', {
    description: 'AWS IoT logging: write to the AWSIotLogsV2 log group',
    assumedBy: new ServicePrincipal('iot.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  });
  const logGroupArn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: 'AWSIotLogsV2', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:PutMetricFilter', 'logs:PutRetentionPolicy'],
      resources: [logGroupArn, `${logGroupArn}:*`],
    }),
  );
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:AWSIotLogsV2:*]`,
    reason: "The log streams of AWS IoT's own log group (AWSIotLogsV2, the name IoT writes to) are created by IoT at run time; the wildcard covers only that group's streams.",
  });
  const logging = new CfnLogging(scope, 'IotLogging', { accountId: stack.account, defaultLogLevel: 'ERROR', roleArn: role.roleArn });
  logging.node.addDependency(role);
}
