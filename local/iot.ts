import { panelRules, type PanelRuleEvent } from '../functions/iot/rules.ts';
import { startLocalIotCore } from '../iot/local-core/index.ts';
import { invokeLambda } from './lambda-runtime.ts';

/**
 * The local IoT Core: the stand-in broker (shadows, policy, data plane) with the
 * same topic rules CDK deploys, each invoking its Lambda handler with the event
 * the rule's SQL would produce.
 */
export async function startLocalIot(opts: { mqttPort: number; httpPort: number; dataDir: string }) {
  const quiet = { info: () => {}, warn: (m: string) => process.stderr.write(`iot: ${m}\n`), error: (m: string) => process.stderr.write(`iot: ${m}\n`) };
  return startLocalIotCore({
    mqttPort: opts.mqttPort,
    httpPort: opts.httpPort,
    dataDir: opts.dataDir,
    log: quiet,
    rules: panelRules.map((rule) => ({
      name: rule.name,
      topicFilter: rule.topicFilter,
      handle: async ({ topic, payload }) => {
        const [, , panelId = '', channel = ''] = topic.split('/');
        const event: PanelRuleEvent = { panelId, channel, payload: Buffer.from(payload).toString('base64') };
        await invokeLambda(rule.fn, event);
      },
    })),
  });
}
