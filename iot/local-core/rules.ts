import type { Logger } from './logger.ts';
import { isValidTopicFilter, topicMatches } from './topic-filter.ts';

export interface RuleMessage {
  topic: string;
  payload: Buffer;
  /** MQTT client id of the publisher; '' for the data-plane API, in-process publishes and the shadow service */
  clientId: string;
}

/** A topic rule with its action: like IoT invoking a Lambda action, asynchronously and fire-and-forget. */
export interface TopicRule {
  name: string;
  topicFilter: string;
  handle(message: RuleMessage): Promise<void>;
}

/** Hands every published message to the matching rules, off the broker's path; failures are logged only. */
export class RuleDispatcher {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly rules: readonly TopicRule[],
    private readonly log: Logger,
  ) {
    for (const rule of rules) {
      if (!isValidTopicFilter(rule.topicFilter)) throw new Error(`rule ${rule.name}: invalid topic filter '${rule.topicFilter}'`);
    }
  }

  dispatch(message: RuleMessage): void {
    for (const rule of this.rules) {
      if (!topicMatches(rule.topicFilter, message.topic)) continue;
      // Each rule gets its own copy: a handler must not see another one's mutations.
      const copy = { ...message, payload: Buffer.from(message.payload) };
      const run = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => rule.handle(copy))
        .catch((error: unknown) => this.log.error(`topic rule ${rule.name} failed on ${message.topic}`, error))
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }

  /** Resolves once no rule action is running (including actions started while waiting). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
