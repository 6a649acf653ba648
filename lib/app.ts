import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LobbyStack } from './lobby-stack.ts';
import { projectRoot } from './lobby-function.ts';
import { lobbySettings } from './settings.ts';

export interface BuildAppProps {
  /** Cloud assembly directory. @default the CLI's (cdk.out) */
  outdir?: string;
  /** The built-in CloudFormation validation (~2.5 s per synth). @default true */
  builtinCloudFormationValidation?: boolean;
  /** Run cdk-nag's AwsSolutions pack at synthesis. @default true */
  nag?: boolean;
  /** Extra context, on top of cdk.json's. */
  context?: Record<string, unknown>;
  /** @default environment-agnostic */
  env?: Environment;
}

/**
 * The context of cdk.json (feature flags, lobby:* settings). The CLI passes it on its
 * own; `buildApp` adds it as defaults so an App built in a test synthesizes the same
 * template as `cdk synth`.
 */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/** The Lobby CDK app: one stack per stage, "Lobby-<stage>" (lobby:stage, default dev), checked by cdk-nag's AwsSolutions rules. */
export function buildApp(props: BuildAppProps = {}) {
  const app = new App({
    outdir: props.outdir,
    builtinCloudFormationValidation: props.builtinCloudFormationValidation,
    context: { ...cdkJsonContext(), ...props.context },
  });
  if (props.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new LobbyStack(app, `Lobby-${lobbySettings(app).stage}`, { env: props.env });
  return { app, stack };
}
