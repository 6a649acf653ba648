import { Duration, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarmAction,
  type IMetric,
  MathExpression,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { CONTEXT, lobbySettings } from './settings.ts';

/** Context key: ARN of an existing SNS topic the alarms notify (optional). */
export const ALARM_TOPIC_CONTEXT = CONTEXT.alarmTopicArn;

export interface ObservabilityProps {
  /** @default context `lobby:alarmTopicArn`, else a topic of this stack */
  alarmTopicArn?: string;
  /** Subscribed to the stack's own topic. @default context `lobby:alarmEmail` */
  alarmEmail?: string;
  dashboardName?: string;
}

const PERIOD = Duration.minutes(5);
const WATCHED_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.QUERY,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
  Operation.GET_RECORDS,
];

/**
 * Alarms and one dashboard. Constructs register what they want watched:
 * `watchFunction`, `watchHttpApi`, `watchTable`. Every alarm fires on the first
 * occurrence within five minutes (errors and throttles are not normal here) and
 * treats missing data as fine.
 */
export class Observability extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];
  /** Where every alarm goes: the given topic, else one of this stack's. */
  readonly alarmTopic: ITopic;
  private readonly action: IAlarmAction;

  constructor(scope: Construct, id: string, props: ObservabilityProps = {}) {
    super(scope, id);
    const settings = lobbySettings(this);
    const topicArn = props.alarmTopicArn ?? settings.alarmTopicArn;
    if (topicArn) {
      this.alarmTopic = Topic.fromTopicArn(this, 'AlarmTopic', topicArn);
    } else {
      // No alarm may be silent: without a given topic the stack brings its own.
      const topic = new Topic(this, 'Alarms', { displayName: `Lobby ${settings.stage} alarms`, enforceSSL: true });
      Validations.of(topic).acknowledge({
        id: 'AwsSolutions-SNS2',
        reason:
          'Alarm notifications carry alarm names and states only (no codes, tokens or personal data). CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer-managed key would cost more than the topic; TLS is enforced (SNS3).',
      });
      const email = props.alarmEmail ?? settings.alarmEmail;
      if (email) topic.addSubscription(new EmailSubscription(email));
      this.alarmTopic = topic;
    }
    this.action = new SnsAction(this.alarmTopic);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: '# Lobby\nAPI, functions and tables. Alarms fire on the first error, throttle or 5xx within 5 minutes.',
        width: 24,
        height: 2,
      }),
    );
  }

  private alarm(id: string, metric: IMetric, description: string, threshold = 1, evaluationPeriods = 1): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }

  /** Errors and Throttles alarms; invocations, errors, throttles and duration on the dashboard. */
  watchFunction(name: string, fn: IFunction) {
    const errors = fn.metricErrors({ period: PERIOD, statistic: Stats.SUM });
    const throttles = fn.metricThrottles({ period: PERIOD, statistic: Stats.SUM });
    this.alarm(`${name}Errors`, errors, `Lobby function ${name}: invocation errors (unhandled exceptions, timeouts)`);
    this.alarm(`${name}Throttles`, throttles, `Lobby function ${name}: throttled invocations`);
    this.dashboard.addWidgets(
      new GraphWidget({
        title: `${name}: invocations, errors, throttles`,
        left: [fn.metricInvocations({ period: PERIOD }), errors, throttles],
        width: 12,
      }),
      new GraphWidget({
        title: `${name}: duration`,
        left: [fn.metricDuration({ period: PERIOD, statistic: Stats.p(50) }), fn.metricDuration({ period: PERIOD, statistic: Stats.p(99) })],
        width: 12,
      }),
    );
  }

  /**
   * An alarm on any metric that must stay at zero (fires at >= threshold within five
   * minutes), with the metric on the dashboard. For things without a watch* helper:
   * IoT rule action failures, a dead-letter queue, a stream's iterator age.
   */
  watchMetric(name: string, metric: IMetric, description: string, threshold = 1, evaluationPeriods = 1): Alarm {
    const alarm = this.alarm(name, metric, description, threshold, evaluationPeriods);
    this.dashboard.addWidgets(new GraphWidget({ title: description, left: [metric], width: 12 }));
    return alarm;
  }

  /** A 5xx alarm; requests, 4xx, 5xx and latency on the dashboard. */
  watchHttpApi(name: string, api: HttpApi) {
    const serverErrors = api.metricServerError({ period: PERIOD, statistic: Stats.SUM });
    this.alarm(`${name}5xx`, serverErrors, `Lobby API ${name}: 5xx responses`);
    this.dashboard.addWidgets(
      new GraphWidget({
        title: `${name}: requests, 4xx, 5xx`,
        left: [api.metricCount({ period: PERIOD, statistic: Stats.SUM }), api.metricClientError({ period: PERIOD, statistic: Stats.SUM }), serverErrors],
        width: 12,
      }),
      new GraphWidget({
        title: `${name}: latency`,
        left: [
          api.metricLatency({ period: PERIOD, statistic: Stats.p(50) }),
          api.metricLatency({ period: PERIOD, statistic: Stats.p(99) }),
          api.metricIntegrationLatency({ period: PERIOD, statistic: Stats.p(99) }),
        ],
        width: 12,
      }),
    );
  }

  /** Throttle events (reads + writes, table and GSIs) and system errors alarms; capacity on the dashboard. */
  watchTable(name: string, table: Table) {
    const throttles = new MathExpression({
      expression: 'readThrottles + writeThrottles',
      usingMetrics: {
        readThrottles: table.metric('ReadThrottleEvents', { period: PERIOD, statistic: Stats.SUM }),
        writeThrottles: table.metric('WriteThrottleEvents', { period: PERIOD, statistic: Stats.SUM }),
      },
      label: `${name} throttle events`,
      period: PERIOD,
    });
    // An alarm's math expression takes at most 10 metrics: the operations Lobby uses.
    const systemErrors = table.metricSystemErrorsForOperations({ operations: WATCHED_OPERATIONS, period: PERIOD, statistic: Stats.SUM });
    this.alarm(`${name}TableThrottles`, throttles, `DynamoDB table ${name}: throttled reads or writes`);
    this.alarm(`${name}TableSystemErrors`, systemErrors, `DynamoDB table ${name}: DynamoDB system errors (HTTP 500)`);
    this.dashboard.addWidgets(
      new GraphWidget({
        title: `${name} table: consumed capacity`,
        left: [table.metricConsumedReadCapacityUnits({ period: PERIOD }), table.metricConsumedWriteCapacityUnits({ period: PERIOD })],
        width: 12,
      }),
      new GraphWidget({
        title: `${name} table: throttles, system errors, conditional check failures`,
        left: [throttles, systemErrors, table.metricConditionalCheckFailedRequests({ period: PERIOD, statistic: Stats.SUM })],
        width: 12,
      }),
    );
  }
}
