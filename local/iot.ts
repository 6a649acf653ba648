import { panelRules, presenceRule, type PanelRuleEvent } from '../functions/iot/rules.ts';
import { startLocalIotCore, type TopicRule } from '../iot/local-core/index.ts';
import { invokeLambda } from './lambda-runtime.ts';

/**
 * The local IoT Core: the stand-in broker (shadows, policy, data plane) with the
 * same topic rules CDK deploys, each invoking its Lambda handler with the event
 * the rule's SQL would produce.
 */
export async function startLocalIot(opts: { mqttPort: number; httpPort: number; dataDir: string }) {
  const print = (m: string, ...details: unknown[]) => process.stderr.write(`iot: ${m} ${details.map((d) => (d instanceof Error ? `${d.name}: ${d.message}` : '')).join(' ')}\n`);
  const quiet = { info: () => {}, warn: print, error: print };
  return startLocalIotCore({
    mqttPort: opts.mqttPort,
    httpPort: opts.httpPort,
    dataDir: opts.dataDir,
    log: quiet,
    rules: panelRules
      .map(
        (rule): TopicRule => ({
          name: rule.name,
          topicFilter: rule.topicFilter,
          handle: async ({ topic, payload }) => {
            const [, , panelId = '', channel = ''] = topic.split('/');
            const event: PanelRuleEvent = { panelId, channel, payload: Buffer.from(payload).toString('base64') };
            await invokeLambda(rule.fn, event);
          },
        }),
      )
      .concat([
        {
          // `SELECT *` of the lifecycle event: the handler gets the JSON document as AWS publishes it.
          name: presenceRule().name,
          topicFilter: presenceRule().topicFilter,
          handle: async ({ payload }: { payload: Uint8Array }) => {
            await invokeLambda(presenceRule().fn, JSON.parse(Buffer.from(payload).toString('utf8')));
          },
        },
      ]),
  });
}
