import { beforeAll, describe, expect, it } from 'vitest';
import { conflict, DomainError, forbidden, invalid, notFound } from '../../functions/domain/errors.ts';
import type { PanelMessageOperation } from '../../functions/iot/message-handler.ts';
import { stack } from '../support/api.ts';
import { lambdaContext, useStackEnvironment } from '../support/in-process.ts';

/**
 * The IoT-rule shell (functions/iot/message-handler.ts) in the test process, against the
 * suite's stack, for a real panel: a domain refusal is no HTTP problem there. A refusal
 * that a retry would repeat (invalid, not-found, forbidden) is logged and dropped, so IoT
 * does not retry it into the on-failure queue; a conflict and any other error are thrown,
 * so IoT retries them.
 */
type Run = (operation: PanelMessageOperation) => Promise<unknown>;
let run: Run;

beforeAll(async () => {
  useStackEnvironment();
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  const { panelMessageHandler } = await import('../../functions/iot/message-handler.ts');
  const panelId = stack().panels[0]!.id;
  const event = { panelId, channel: 'events', payload: Buffer.from('{}').toString('base64') };
  run = (operation) => (panelMessageHandler('test', operation) as unknown as (e: unknown, c: unknown) => Promise<unknown>)(event, lambdaContext(10_000));
});

describe('IoT-rule shell: domain refusals', () => {
  it.each([
    ['invalid', invalid('bad', [{ path: 'at', message: 'no' }])],
    ['not-found', notFound('No such property')],
    ['forbidden', forbidden('not yours')],
  ])('%s is dropped (the invocation succeeds: no retry)', async (_kind, error) => {
    let ran = false;
    await expect(
      run(async () => {
        ran = true;
        throw error;
      }),
    ).resolves.toBeUndefined();
    expect(ran).toBe(true);
  });

  it('a conflict is thrown, so IoT retries it', async () => {
    await expect(
      run(async () => {
        throw conflict('The pass changed meanwhile; try again');
      }),
    ).rejects.toBeInstanceOf(DomainError);
  });

  it('any other error is thrown', async () => {
    await expect(
      run(async () => {
        throw new Error('table unreachable');
      }),
    ).rejects.toThrow('table unreachable');
  });
});
