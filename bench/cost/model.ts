import { prices as defaultPrices, type PriceTable } from './prices.ts';

/**
 * The cost arithmetic of `npm run cost`, pure: measured usage of one simulated building day in,
 * dollars per building per month out. Usage is summed over the fleet before prices apply, so free
 * allowances and fixed charges (alarms, dashboards, secrets, keys: one set per stage) are shared by
 * every building, as on a real bill.
 */

export const HOURS_PER_MONTH = 730; // AWS's billing month
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
export type CognitoPlan = 'lite' | 'essentials' | 'plus';

/** What one building did in one (simulated) day, as measured on the local stack. */
export interface MeasuredDay {
  panels: number;
  apiRequests: number;
  /** per Lambda function: invocations and summed handler time in ms */
  lambda: Record<string, { invocations: number; ms: number }>;
  iot: {
    /** device -> cloud publishes and cloud -> device deliveries, each in 5 KB units */
    messageUnits: number;
    /** PUBACKs the panels send for QoS 1 deliveries (MQTT 3.1.1: one message each) */
    pubacks: number;
    /** shadow operations, 1 KB units (MQTT shadow topics and data-plane shadow calls) */
    shadowOpUnits: number;
    /** messages that hit a topic rule (5 KB units); each rule has one action */
    ruleUnits: number;
  };
  dynamodb: { readUnits: number; writeUnits: number; storageBytesAdded: number };
  s3: { puts: number; gets: number; bytesAdded: number };
  /** bytes the handlers logged at the deployed log level */
  logBytes: number;
  secretsCalls: number;
}

/** Per-stage resources, from the synthesized template (or defaults when it cannot be read). */
export interface StageResources {
  alarms: number;
  dashboards: number;
  customMetrics: number;
  secrets: number;
  kmsKeys: number;
  /** MB per function name (functions not listed use defaultMemoryMb) */
  memoryMb: Record<string, number>;
  defaultMemoryMb: number;
  tracing: { active: boolean; reservoirPerSecond: number; fixedRate: number };
  cognitoPlan: CognitoPlan;
}

export interface Assumptions {
  /** Cognito monthly active users per building (residents, staff, admins who sign in) */
  mauPerBuilding: number;
  /** photos are kept this long (bucket lifecycle), so storage is this many days of photos */
  photoRetentionDays: number;
  /** table items are kept about this long (audit retention) */
  tableRetentionDays: number;
  /** Lambda platform log lines (START/END/REPORT, JSON) per invocation, bytes */
  platformLogBytesPerInvocation: number;
  /** log groups keep logs this long */
  logRetentionMonths: number;
}

export const defaultAssumptions: Assumptions = {
  mauPerBuilding: 320,
  photoRetentionDays: 90,
  tableRetentionDays: 400,
  platformLogBytesPerInvocation: 450,
  logRetentionMonths: 3,
};

export interface BuildingMonth {
  panels: number;
  mau: number;
  apiRequests: number;
  lambdaRequests: number;
  lambdaGbSeconds: number;
  iotConnectionMinutes: number;
  iotMessages: number;
  iotShadowOps: number;
  iotRules: number;
  dynamoReadUnits: number;
  dynamoWriteUnits: number;
  dynamoStorageGb: number;
  s3Puts: number;
  s3Gets: number;
  s3StorageGb: number;
  logsGb: number;
  invocationsPerSecond: number;
  secretsCalls: number;
}

const GB = 1024 ** 3;

/** A simulated day, scaled to a month of one building. Lambda time is billed per ms, rounded up per invocation. */
export function buildingMonth(day: MeasuredDay, stage: Pick<StageResources, 'memoryMb' | 'defaultMemoryMb'>, a: Assumptions = defaultAssumptions): BuildingMonth {
  const m = DAYS_PER_MONTH;
  let invocations = 0;
  let gbSeconds = 0;
  for (const [fn, { invocations: n, ms }] of Object.entries(day.lambda)) {
    if (n === 0) continue;
    const memoryGb = (stage.memoryMb[fn] ?? stage.defaultMemoryMb) / 1024;
    const billedMs = Math.ceil(ms / n) * n;
    invocations += n;
    gbSeconds += (billedMs / 1000) * memoryGb;
  }
  const monthlyLogBytes = (day.logBytes + invocations * a.platformLogBytesPerInvocation) * m;
  return {
    panels: day.panels,
    mau: a.mauPerBuilding,
    apiRequests: day.apiRequests * m,
    lambdaRequests: invocations * m,
    lambdaGbSeconds: gbSeconds * m,
    iotConnectionMinutes: day.panels * HOURS_PER_MONTH * 60,
    iotMessages: (day.iot.messageUnits + day.iot.pubacks) * m,
    iotShadowOps: day.iot.shadowOpUnits * m,
    iotRules: day.iot.ruleUnits * m,
    dynamoReadUnits: day.dynamodb.readUnits * m,
    dynamoWriteUnits: day.dynamodb.writeUnits * m,
    dynamoStorageGb: (day.dynamodb.storageBytesAdded * a.tableRetentionDays) / GB,
    s3Puts: day.s3.puts * m,
    s3Gets: day.s3.gets * m,
    s3StorageGb: (day.s3.bytesAdded * a.photoRetentionDays) / GB,
    logsGb: monthlyLogBytes / GB,
    invocationsPerSecond: invocations / 86_400,
    secretsCalls: day.secretsCalls * m,
  };
}

export interface Tier {
  upTo: number;
  usd: number;
}

/** Price of `quantity` units over consecutive tiers (`upTo` is cumulative; the last tier should be Infinity). */
export function tiered(quantity: number, tiers: Tier[]): number {
  let cost = 0;
  let from = 0;
  for (const tier of tiers) {
    if (quantity <= from) break;
    cost += (Math.min(quantity, tier.upTo) - from) * tier.usd;
    from = tier.upTo;
  }
  return cost;
}

/** Usage above a free allowance, priced flat. */
const above = (quantity: number, free: number, usdPerUnit: number) => Math.max(0, quantity - free) * usdPerUnit;

/**
 * X-Ray's sampling: a reservoir of traces per second, then a fixed rate of the rest. With
 * traffic spread evenly, a month records min(all, reservoir x seconds) + rate x the remainder.
 */
export function tracesRecorded(invocationsPerMonth: number, tracing: StageResources['tracing']): number {
  if (!tracing.active) return 0;
  const reservoir = Math.min(invocationsPerMonth, tracing.reservoirPerSecond * HOURS_PER_MONTH * 3600);
  return reservoir + tracing.fixedRate * (invocationsPerMonth - reservoir);
}

export interface Line {
  service: string;
  item: string;
  usdPerBuilding: number;
}
export interface CostResult {
  buildings: number;
  usdPerBuilding: number;
  lines: Line[];
}

/** Dollars per building per month for a fleet of `buildings` identical buildings in one stage. */
export function fleetCost(b: BuildingMonth, stage: StageResources, buildings: number, opts: { alwaysFree?: boolean } = {}, P: PriceTable = defaultPrices): CostResult {
  const n = buildings;
  const free = opts.alwaysFree ?? true;
  const f = (allowance: number) => (free ? allowance : 0);
  const perM = (x: number) => x / 1e6;
  const fleet: Array<[string, string, number]> = [];
  const add = (service: string, item: string, usd: number) => fleet.push([service, item, usd]);

  add('IoT Core', 'connectivity', perM(b.iotConnectionMinutes * n) * P.iot.connectivityPerMillionMinutes.usd);
  add('IoT Core', 'messages', perM(b.iotMessages * n) * P.iot.messagesPerMillion.usd);
  add('IoT Core', 'shadow operations', perM(b.iotShadowOps * n) * P.iot.shadowOpsPerMillion.usd);
  add('IoT Core', 'rules + actions', perM(b.iotRules * n) * (P.iot.rulesTriggeredPerMillion.usd + P.iot.ruleActionsPerMillion.usd));

  add('Lambda', 'requests', perM(above(b.lambdaRequests * n, f(P.lambda.freeRequests.usd), 1)) * P.lambda.requestsPerMillion.usd);
  add('Lambda', 'duration (arm64 GB-s)', above(b.lambdaGbSeconds * n, f(P.lambda.freeGbSeconds.usd), P.lambda.arm64PerGbSecond.usd));

  add('API Gateway', 'HTTP API requests', perM(b.apiRequests * n) * P.apiGateway.httpRequestsPerMillion.usd);

  add('DynamoDB', 'write request units', perM(b.dynamoWriteUnits * n) * P.dynamodb.writeRequestUnitsPerMillion.usd);
  add('DynamoDB', 'read request units', perM(b.dynamoReadUnits * n) * P.dynamodb.readRequestUnitsPerMillion.usd);
  add('DynamoDB', 'storage', above(b.dynamoStorageGb * n, f(25), P.dynamodb.storagePerGbMonth.usd));
  add('DynamoDB', 'PITR backup', b.dynamoStorageGb * n * P.dynamodb.pitrPerGbMonth.usd);

  add('S3', 'PUT requests', ((b.s3Puts * n) / 1000) * P.s3.putPerThousand.usd);
  add('S3', 'GET requests', ((b.s3Gets * n) / 1000) * P.s3.getPerThousand.usd);
  add('S3', 'photo storage', b.s3StorageGb * n * P.s3.standardPerGbMonth.usd);

  add('CloudWatch', 'alarms', above(stage.alarms, f(10), P.cloudwatch.alarmPerMonth.usd));
  add('CloudWatch', 'dashboards', above(stage.dashboards, f(3), P.cloudwatch.dashboardPerMonth.usd));
  add('CloudWatch', 'custom metrics', above(stage.customMetrics, f(10), P.cloudwatch.customMetricPerMonth.usd));
  const logsGb = b.logsGb * n;
  add('CloudWatch', 'logs ingestion', above(logsGb, f(5), P.cloudwatch.logsIngestionPerGb.usd));
  add('CloudWatch', 'logs storage', logsGb * defaultAssumptions.logRetentionMonths * P.cloudwatch.logsStoragePerGbMonth.usd);

  add('X-Ray', 'traces recorded', perM(above(tracesRecorded(b.lambdaRequests * n, stage.tracing), f(100_000), 1)) * P.xray.tracesRecordedPerMillion.usd);

  add('Cognito', `MAU (${stage.cognitoPlan})`, cognitoCost(b.mau * n, stage.cognitoPlan, free, P));

  add('Secrets Manager', 'secrets + calls', stage.secrets * P.secretsManager.secretPerMonth.usd + ((b.secretsCalls * n) / 10_000) * P.secretsManager.apiCallsPer10k.usd);
  add('KMS', 'customer managed keys', stage.kmsKeys * P.kms.keyPerMonth.usd);

  const lines = fleet.map(([service, item, usd]) => ({ service, item, usdPerBuilding: usd / n }));
  return { buildings: n, usdPerBuilding: lines.reduce((s, l) => s + l.usdPerBuilding, 0), lines };
}

export function cognitoCost(mau: number, plan: CognitoPlan, alwaysFree: boolean, P: PriceTable = defaultPrices): number {
  const freeMau = alwaysFree ? P.cognito.freeMau.usd : 0;
  if (plan === 'plus') return mau * P.cognito.plusPerMau.usd;
  if (plan === 'essentials') return above(mau, freeMau, P.cognito.essentialsPerMau.usd);
  return tiered(mau, [
    { upTo: freeMau, usd: 0 },
    { upTo: 100_000, usd: P.cognito.litePerMau.usd },
    { upTo: Infinity, usd: P.cognito.liteTier2PerMau.usd },
  ]);
}

/** The biggest lines, for the summary. */
export function topDrivers(result: CostResult, count = 5): Line[] {
  return [...result.lines].sort((x, y) => y.usdPerBuilding - x.usdPerBuilding).slice(0, count);
}
