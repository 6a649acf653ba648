import { panelRules, presenceRule, type PanelRuleEvent } from '../functions/iot/rules.ts';
import { startLocalIotCore, type TopicRule } from '../iot/local-core/index.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { invokeLambda } from './lambda-runtime.ts';

/**
 * An IoT rule's Lambda action invokes asynchronously: Lambda runs a failed event twice more
 * before it goes to the function's on-failure destination (AWS waits about 1 and 2 minutes;
 * 1 and 2 s here). Without this, a handler that failed once under load lost the event locally
 * where AWS would have retried it.
 */
async function invokeAsync(fn: string, event: unknown): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await invokeLambda(fn, event);
      return;
    } catch (error) {
      if (attempt >= 2) throw error;
      await sleep(1000 * 2 ** attempt);
    }
  }
}

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
            await invokeAsync(rule.fn, event);
          },
        }),
      )
      .concat([
        {
          // `SELECT *` of the lifecycle event: the handler gets the JSON document as AWS publishes it.
          name: presenceRule().name,
          topicFilter: presenceRule().topicFilter,
          handle: async ({ payload }: { payload: Uint8Array }) => {
            await invokeAsync(presenceRule().fn, JSON.parse(Buffer.from(payload).toString('utf8')));
          },
        },
      ]),
  });
}
