import { describe, expect, it } from 'vitest';
import { buildingMonth, cognitoCost, DAYS_PER_MONTH, fleetCost, tiered, topDrivers, tracesRecorded, type MeasuredDay, type StageResources } from '../../bench/cost/model.ts';
import { prices } from '../../bench/cost/prices.ts';
import { stageFromTemplate } from '../../bench/cost/stage.ts';

// The arithmetic of `npm run cost` (bench/cost/model.ts): pure, no stack.

const stage: StageResources = {
  alarms: 20,
  dashboards: 1,
  customMetrics: 10,
  secrets: 1,
  kmsKeys: 0,
  memoryMb: { 'panel-messages': 512 },
  defaultMemoryMb: 1024,
  tracing: { active: false, reservoirPerSecond: 1, fixedRate: 0.05 },
  cognitoPlan: 'essentials',
};

const emptyDay: MeasuredDay = {
  panels: 0,
  apiRequests: 0,
  lambda: {},
  iot: { messageUnits: 0, pubacks: 0, shadowOpUnits: 0, ruleUnits: 0 },
  dynamodb: { readUnits: 0, writeUnits: 0, storageBytesAdded: 0 },
  s3: { puts: 0, gets: 0, bytesAdded: 0 },
  logBytes: 0,
  secretsCalls: 0,
};
const noUsers = { mauPerBuilding: 0, photoRetentionDays: 90, tableRetentionDays: 400, platformLogBytesPerInvocation: 0, logRetentionMonths: 3 };
const line = (r: ReturnType<typeof fleetCost>, what: string) => r.lines.find((l) => `${l.service}: ${l.item}` === what)!.usdPerBuilding;

describe('cost model', () => {
  it('prices tiers cumulatively', () => {
    const tiers = [
      { upTo: 10, usd: 0 },
      { upTo: 100, usd: 1 },
      { upTo: Infinity, usd: 0.5 },
    ];
    expect(tiered(5, tiers)).toBe(0);
    expect(tiered(50, tiers)).toBe(40);
    expect(tiered(300, tiers)).toBe(90 + 100);
  });

  it('Cognito: Plus has no free MAU, Lite and Essentials 10,000 per account', () => {
    expect(cognitoCost(320, 'plus', true)).toBeCloseTo(320 * prices.cognito.plusPerMau.usd, 9);
    expect(cognitoCost(320, 'essentials', true)).toBe(0);
    expect(cognitoCost(320_000, 'essentials', true)).toBeCloseTo(310_000 * prices.cognito.essentialsPerMau.usd, 6);
    expect(cognitoCost(320_000, 'lite', true)).toBeCloseTo(90_000 * prices.cognito.litePerMau.usd + 220_000 * prices.cognito.liteTier2PerMau.usd, 6);
    expect(cognitoCost(320, 'lite', false)).toBeCloseTo(320 * prices.cognito.litePerMau.usd, 9);
  });

  it('X-Ray records the reservoir per second, then the fixed rate of the rest', () => {
    const secondsPerMonth = 730 * 3600;
    expect(tracesRecorded(1000, { active: false, reservoirPerSecond: 1, fixedRate: 0.05 })).toBe(0);
    expect(tracesRecorded(1000, { active: true, reservoirPerSecond: 1, fixedRate: 0.05 })).toBe(1000);
    expect(tracesRecorded(secondsPerMonth + 2000, { active: true, reservoirPerSecond: 1, fixedRate: 0.05 })).toBeCloseTo(secondsPerMonth + 100, 6);
  });

  it("scales a day to a month, bills Lambda per ms rounded up per invocation at each function's memory", () => {
    const day: MeasuredDay = {
      ...emptyDay,
      panels: 4,
      lambda: { 'panel-messages': { invocations: 4, ms: 10 }, passes: { invocations: 1, ms: 100 } },
      iot: { messageUnits: 10, pubacks: 2, shadowOpUnits: 3, ruleUnits: 4 },
    };
    const m = buildingMonth(day, stage, noUsers);
    expect(m.lambdaRequests).toBeCloseTo(5 * DAYS_PER_MONTH, 9);
    // panel-messages: 2.5 ms -> 3 ms x 4 at 0.5 GB; passes: 100 ms at 1 GB
    expect(m.lambdaGbSeconds).toBeCloseTo((0.012 * 0.5 + 0.1 * 1) * DAYS_PER_MONTH, 9);
    expect(m.iotMessages).toBeCloseTo(12 * DAYS_PER_MONTH, 9);
    expect(m.iotConnectionMinutes).toBe(4 * 730 * 60);
  });

  it('photo and table storage are the retention window of what a day adds', () => {
    const gb = 1024 ** 3;
    const m = buildingMonth({ ...emptyDay, s3: { puts: 1, gets: 0, bytesAdded: gb / 90 }, dynamodb: { readUnits: 0, writeUnits: 0, storageBytesAdded: gb / 400 } }, stage, noUsers);
    expect(m.s3StorageGb).toBeCloseTo(1, 9);
    expect(m.dynamoStorageGb).toBeCloseTo(1, 9);
  });

  it('fixed charges are per stage: a fleet shares them, one building pays them alone', () => {
    const m = buildingMonth(emptyDay, stage, noUsers);
    const alarms = (20 - 10) * prices.cloudwatch.alarmPerMonth.usd;
    expect(line(fleetCost(m, stage, 1), 'CloudWatch: alarms')).toBeCloseTo(alarms, 9);
    expect(line(fleetCost(m, stage, 1000), 'CloudWatch: alarms')).toBeCloseTo(alarms / 1000, 12);
    expect(line(fleetCost(m, stage, 1, { alwaysFree: false }), 'CloudWatch: alarms')).toBeCloseTo(20 * prices.cloudwatch.alarmPerMonth.usd, 9);
    expect(fleetCost(m, stage, 1).usdPerBuilding).toBeCloseTo(alarms + prices.secretsManager.secretPerMonth.usd, 9);
  });

  it('usage-priced lines cost the same per building at any fleet size once past free allowances', () => {
    const day: MeasuredDay = {
      ...emptyDay,
      panels: 4,
      iot: { messageUnits: 40_000, pubacks: 0, shadowOpUnits: 0, ruleUnits: 0 },
      dynamodb: { readUnits: 1e5, writeUnits: 1e5, storageBytesAdded: 0 },
    };
    const m = buildingMonth(day, stage, noUsers);
    const one = fleetCost(m, stage, 1);
    const fleet = fleetCost(m, stage, 1000);
    expect(line(one, 'IoT Core: messages')).toBeCloseTo(((40_000 * DAYS_PER_MONTH) / 1e6) * prices.iot.messagesPerMillion.usd, 9);
    expect(line(fleet, 'IoT Core: messages')).toBeCloseTo(line(one, 'IoT Core: messages'), 9);
    expect(line(fleet, 'DynamoDB: write request units')).toBeCloseTo(((1e5 * DAYS_PER_MONTH) / 1e6) * prices.dynamodb.writeRequestUnitsPerMillion.usd, 9);
    expect(topDrivers(one, 2).map((l) => l.item)).toEqual(['write request units', 'messages']);
  });

  it('reads the fixed resources from a synthesized template', () => {
    const fn = (logs: string, memory: number, tracing = true) => ({
      Type: 'AWS::Lambda::Function',
      Properties: { MemorySize: memory, LoggingConfig: { LogGroup: { Ref: logs } }, ...(tracing ? { TracingConfig: { Mode: 'Active' } } : {}) },
    });
    const s = stageFromTemplate(
      {
        a: { Type: 'AWS::CloudWatch::Alarm' },
        b: { Type: 'AWS::CloudWatch::Alarm' },
        d: { Type: 'AWS::CloudWatch::Dashboard' },
        s: { Type: 'AWS::SecretsManager::Secret' },
        u: { Type: 'AWS::Cognito::UserPool', Properties: { UserPoolTier: 'LITE' } },
        x: { Type: 'AWS::XRay::SamplingRule', Properties: { SamplingRule: { FixedRate: 0.01, ReservoirSize: 0 } } },
        f1: fn('PanelsPanelMessagesLogsCC0961BD', 256),
        f2: fn('ApiAccessEventsLogsC57104CC', 1024, false),
      },
      5,
    );
    expect(s).toMatchObject({ alarms: 2, dashboards: 1, secrets: 1, customMetrics: 7, cognitoPlan: 'lite', defaultMemoryMb: 1024 });
    expect(s.memoryMb).toEqual({ 'panel-messages': 256, 'access-events': 1024 });
    expect(s.tracing).toEqual({ active: true, reservoirPerSecond: 0, fixedRate: 0.01 });
  });
});
