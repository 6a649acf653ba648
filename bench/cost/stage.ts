import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CognitoPlan, StageResources } from './model.ts';

/**
 * The per-stage resources that carry fixed charges, read from the template `cdk synth` would
 * produce (synthesized here without bundling, cdk-nag and validation, which do not change it):
 * alarms, dashboards, secrets, KMS keys, function memory, X-Ray tracing and sampling, the user
 * pool's feature plan. Custom metrics are the EMF metric names the handlers emit (one series each
 * under the service dimension) plus a ColdStart series per function.
 */
export const FALLBACK: StageResources = {
  alarms: 12,
  dashboards: 1,
  customMetrics: 20,
  secrets: 1,
  kmsKeys: 1,
  memoryMb: {},
  defaultMemoryMb: 1024,
  tracing: { active: true, reservoirPerSecond: 1, fixedRate: 0.05 },
  cognitoPlan: 'plus',
};

/** The template properties read here (CloudFormation's names); a template may leave any of them out. */
interface ResourceProperties {
  LoggingConfig?: { LogGroup?: { Ref?: string }; ApplicationLogLevel?: string };
  MemorySize?: number;
  TracingConfig?: { Mode?: string };
  Environment?: { Variables?: Record<string, string> };
  SamplingRule?: { FixedRate?: number; ReservoirSize?: number };
  UserPoolTier?: string;
}
type Resource = { Type: string; Properties?: ResourceProperties };

export function stageFromTemplate(resources: Record<string, Resource>, metricNames: number): StageResources {
  const of = (type: string) => Object.values(resources).filter((r) => r.Type === type);
  const functions = of('AWS::Lambda::Function');
  const memoryMb: Record<string, number> = {};
  for (const f of functions) {
    // Each LobbyFunction logs to its own group, "<Scope><Fn>Logs": ApiAccessEventsLogs -> access-events.
    const group = String(f.Properties?.LoggingConfig?.LogGroup?.Ref ?? '');
    const pascal = /^(?:Api|Panels)?([A-Z][A-Za-z]*?)Logs[0-9A-F]{8}$/.exec(group)?.[1];
    const name = pascal?.replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase();
    if (name) memoryMb[name] = f.Properties?.MemorySize ?? 128;
  }
  const sizes = functions.map((f) => f.Properties?.MemorySize ?? 128);
  const defaultMemoryMb = sizes.length ? Math.max(...sizes) : FALLBACK.defaultMemoryMb;
  const rule = of('AWS::XRay::SamplingRule')
    .map((r) => r.Properties?.SamplingRule ?? {})
    .find((r) => r.FixedRate !== undefined);
  const tier = String(of('AWS::Cognito::UserPool')[0]?.Properties?.UserPoolTier ?? 'ESSENTIALS').toLowerCase() as CognitoPlan;
  return {
    alarms: of('AWS::CloudWatch::Alarm').length + of('AWS::CloudWatch::CompositeAlarm').length,
    dashboards: of('AWS::CloudWatch::Dashboard').length,
    customMetrics: metricNames + functions.length,
    secrets: of('AWS::SecretsManager::Secret').length,
    kmsKeys: of('AWS::KMS::Key').length,
    memoryMb,
    defaultMemoryMb,
    tracing: {
      active: functions.some((f) => f.Properties?.TracingConfig?.Mode === 'Active'),
      reservoirPerSecond: rule?.ReservoirSize ?? 1,
      fixedRate: rule?.FixedRate ?? 0.05,
    },
    cognitoPlan: (['lite', 'essentials', 'plus'] as const).includes(tier) ? tier : 'essentials',
  };
}

/** Distinct metric names passed to count('...') in functions/ (Powertools EMF). */
async function metricNames(root: string): Promise<number> {
  const names = new Set<string>();
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.ts')) for (const m of (await readFile(path, 'utf8')).matchAll(/\bcount\('([A-Za-z0-9]+)'/g)) names.add(m[1]!);
    }
  };
  await walk(join(root, 'functions'));
  return names.size;
}

/** The handlers' log level as deployed (Lambda's JSON log level, else POWERTOOLS_LOG_LEVEL, else INFO). */
export function logLevelFromTemplate(resources: Record<string, Resource>): string {
  const f = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::Function');
  const level = f?.Properties?.LoggingConfig?.ApplicationLogLevel ?? f?.Properties?.Environment?.Variables?.POWERTOOLS_LOG_LEVEL ?? 'INFO';
  return String(level).toUpperCase() === 'WARNING' ? 'WARN' : String(level).toUpperCase();
}

export async function stageResources(root: string, context: Record<string, unknown> = {}): Promise<{ stage: StageResources; source: string; logLevel: string }> {
  const outdir = await mkdtemp(join(tmpdir(), 'lobby-cost-synth-'));
  try {
    const { buildApp } = await import('../../lib/app.ts');
    const { app } = buildApp({ outdir, nag: false, builtinCloudFormationValidation: false, context: { 'aws:cdk:bundling-stacks': [], ...context } });
    app.synth();
    const file = (await readdir(outdir)).find((f) => f.endsWith('.template.json'));
    if (!file) throw new Error('no template written');
    const template = JSON.parse(await readFile(join(outdir, file), 'utf8')) as { Resources: Record<string, Resource> };
    return { stage: stageFromTemplate(template.Resources, await metricNames(root)), source: `synthesized ${file}`, logLevel: logLevelFromTemplate(template.Resources) };
  } catch (error) {
    return { stage: FALLBACK, source: `fallback values (synth failed: ${(error as Error).message.split('\n')[0]})`, logLevel: 'INFO' };
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}
