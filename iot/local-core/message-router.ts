import type { Broker } from './broker.ts';
import type { Logger } from './logger.ts';
import type { RuleDispatcher } from './rules.ts';
import type { ShadowMessage, ShadowService } from './shadow-service.ts';
import { parseShadowRequestTopic } from './shadow-topics.ts';
import { isValidTopicName } from './topic-filter.ts';

/**
 * IoT Core's message pipeline: a message reaches the subscribers (the broker), every matching
 * topic rule, and on a shadow request topic the shadow service, whose answers travel the same way.
 */
export class MessageRouter {
  private broker?: Pick<Broker, 'publish'>;
  // Shadow answers go out one batch after another, in the order the requests arrived.
  private answers: Promise<void> = Promise.resolve();

  constructor(
    private readonly shadows: ShadowService,
    private readonly rules: RuleDispatcher,
    private readonly log: Logger,
  ) {}

  attach(broker: Pick<Broker, 'publish'>): void {
    this.broker = broker;
  }

  /** A message the broker has delivered to subscribers; `clientId` is '' when not from a client. */
  delivered(topic: string, payload: Buffer, clientId: string): void {
    this.rules.dispatch({ topic, payload, clientId });
    const request = parseShadowRequestTopic(topic);
    if (!request) return;
    const answers = this.shadows.handleMqttRequest(request, request.operation, payload);
    this.announce(answers).catch((error: unknown) => this.log.error('iot: publishing shadow answers failed', error));
  }

  /** Publishes as the service/backend (in-process or data-plane Publish). */
  async publish(topic: string, payload: Buffer, qos: 0 | 1, retain = false): Promise<void> {
    if (!isValidTopicName(topic)) throw new Error(`invalid topic name '${topic}'`);
    await this.requireBroker().publish(topic, payload, qos, retain);
    this.delivered(topic, payload, '');
  }

  /** Sends shadow-service messages (QoS 1) to subscribers and topic rules. */
  announce(messages: ShadowMessage[]): Promise<void> {
    const sending = this.answers.then(async () => {
      for (const { topic, document } of messages) {
        const payload = Buffer.from(JSON.stringify(document));
        await this.requireBroker().publish(topic, payload, 1);
        this.rules.dispatch({ topic, payload, clientId: '' });
      }
    });
    this.answers = sending.catch(() => {}); // one failed batch must not block the next
    return sending;
  }

  /** Resolves once no shadow answer is being sent and no rule action runs. */
  async idle(): Promise<void> {
    let answers: Promise<void>;
    do {
      answers = this.answers;
      await answers;
      await this.rules.settled(); // a rule action may publish again, hence the loop
    } while (answers !== this.answers);
  }

  private requireBroker(): Pick<Broker, 'publish'> {
    if (!this.broker) throw new Error('message router used before the broker started');
    return this.broker;
  }
}
