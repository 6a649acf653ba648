/**
 * us-east-1 list prices used by `npm run cost`. Each entry says where it comes from and when it
 * was read; `verified: false` means the number was not visible in the source we could read and is
 * the commonly published value, to be checked before relying on it. Tiered prices list their first
 * tier only unless the tier matters at 1,000 buildings (Cognito Lite).
 */
export interface Price {
  usd: number;
  per: string;
  source: string;
  read: string;
  verified: boolean;
  note?: string;
}

const READ = '2026-11-30';
const p = (usd: number, per: string, source: string, verified = true, note?: string): Price => ({ usd, per, source, read: READ, verified, note });

const IOT = 'https://aws.amazon.com/iot-core/pricing/';
const IOT_DETAILS = 'https://aws.amazon.com/iot-core/pricing/additional-details/';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const DDB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';
const CW = 'https://aws.amazon.com/cloudwatch/pricing/';
const COGNITO = 'https://aws.amazon.com/cognito/pricing/';

export const prices = {
  iot: {
    connectivityPerMillionMinutes: p(0.08, '1M connection-minutes', IOT, true, 'also in https://awsi.click/en/articles/iot-core-device-connectivity/'),
    messagesPerMillion: p(
      1.0,
      '1M messages (5 KB increments), first 1B',
      IOT,
      true,
      `metering (publish in and out, 5 KB units; a PUBACK from a device on MQTT 3.1.1 counts as one message): ${IOT_DETAILS}`,
    ),
    shadowOpsPerMillion: p(1.25, '1M Device Shadow / registry operations (1 KB increments)', IOT, false),
    rulesTriggeredPerMillion: p(0.15, '1M rules triggered (5 KB increments)', IOT, false),
    ruleActionsPerMillion: p(0.15, '1M actions applied', IOT, false),
  },
  lambda: {
    requestsPerMillion: p(
      0.2,
      '1M requests',
      LAMBDA,
      true,
      'https://git.mcrn.ar/mariano/lambda_local_runner/src/commit/957e45b8adae23ce50b966346229585b5df18b4d/docs/lambdas-md/lambda-13-cost.md',
    ),
    arm64PerGbSecond: p(0.0000133334, 'GB-second, arm64, first 7.5B GB-s', 'https://cloudchipr.com/blog/aws-lambda-pricing', true),
    freeRequests: p(1_000_000, 'requests per month, always free (per account)', LAMBDA, true),
    freeGbSeconds: p(400_000, 'GB-seconds per month, always free (per account)', LAMBDA, true),
  },
  apiGateway: {
    httpRequestsPerMillion: p(
      1.0,
      '1M HTTP API requests (512 KB increments), first 300M',
      'https://www.apigatewaycost.com/aws',
      true,
      'also https://awsforengineers.com/blog/aws-api-gateway-pricing-explained',
    ),
  },
  dynamodb: {
    writeRequestUnitsPerMillion: p(0.625, '1M write request units (on-demand)', DDB, false, 'the page was found; the figure itself was not in the excerpt'),
    readRequestUnitsPerMillion: p(0.125, '1M read request units (on-demand)', DDB, false),
    storagePerGbMonth: p(0.25, 'GB-month (first 25 GB free, per account)', 'https://aws.amazon.com/dynamodb/pricing/', true),
    pitrPerGbMonth: p(0.2, 'GB-month of continuous backup', DDB, false),
    streamReadsPerMillion: p(0.2, '1M stream read request units (free when read by a Lambda trigger)', DDB, false),
  },
  s3: {
    putPerThousand: p(0.005, '1,000 PUT/COPY/POST/LIST', 'https://aws.amazon.com/s3/pricing/', false),
    getPerThousand: p(0.0004, '1,000 GET', 'https://aws.amazon.com/s3/pricing/', false),
    standardPerGbMonth: p(0.023, 'GB-month, S3 Standard, first 50 TB', 'https://deepeshsoni.com/archives/256', true),
  },
  cloudwatch: {
    alarmPerMonth: p(0.1, 'standard-resolution alarm metric per month (first 10 free)', CW, false, 'free tier "10 alarm metrics" is on the page; the $0.10 is the published rate'),
    dashboardPerMonth: p(3.0, 'custom dashboard per month (first 3 free)', 'https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/', true),
    logsIngestionPerGb: p(0.5, 'GB ingested (standard logs)', 'https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/', true),
    logsStoragePerGbMonth: p(0.03, 'GB-month archived', CW, false),
    customMetricPerMonth: p(0.3, 'custom metric per month, first 10,000 (first 10 free)', 'https://signoz.io/guides/cloudwatch-pricing', true),
  },
  xray: {
    tracesRecordedPerMillion: p(
      5.0,
      '1M traces recorded (first 100,000 free per month)',
      'https://aws.amazon.com/xray/pricing/',
      true,
      'https://awsnegotiations.com/x-ray-pricing-strategy.html',
    ),
  },
  cognito: {
    litePerMau: p(0.0055, 'MAU above 10,000 (10,001-100,000)', COGNITO, false, 'Lite and Essentials: 10,000 MAU free per account'),
    liteTier2PerMau: p(0.0046, 'MAU 100,001-1,000,000', COGNITO, false),
    essentialsPerMau: p(0.015, 'MAU above 10,000', COGNITO, false, 'free allowance 10,000: https://c3x.dev/resources/aws/aws_cognito_user_pool/'),
    plusPerMau: p(0.02, 'MAU (no free tier)', COGNITO, false),
    freeMau: p(10_000, 'MAU per month, Lite and Essentials (per account)', 'https://c3x.dev/resources/aws/aws_cognito_user_pool/', true),
  },
  secretsManager: {
    secretPerMonth: p(0.4, 'secret per month', 'https://hivebook.wiki/wiki/aws-secrets-manager-rotated-secrets-dynamic-db-credentials-kms', true),
    apiCallsPer10k: p(0.05, '10,000 API calls', 'https://hivebook.wiki/wiki/aws-secrets-manager-rotated-secrets-dynamic-db-credentials-kms', true),
  },
  kms: {
    keyPerMonth: p(1.0, 'customer managed key per month', 'https://aws.amazon.com/kms/pricing/', false),
  },
  sqs: {
    requestsPerMillion: p(0.4, '1M standard-queue requests (first 1M free)', 'https://aws.amazon.com/sqs/pricing/', false),
  },
  sns: {
    requestsPerMillion: p(0.5, '1M publishes', 'https://aws.amazon.com/sns/pricing/', false),
    emailPer100k: p(2.0, '100,000 e-mail notifications', 'https://aws.amazon.com/sns/pricing/', false),
  },
} as const;

export type PriceTable = typeof prices;
