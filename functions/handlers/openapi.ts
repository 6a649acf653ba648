import { httpHandler } from '../http/handler.ts';

/**
 * Built on the first request, not at load: the function's cold start does not pay for a
 * document most containers serve once. (Building it at bundle time is left to the code-
 * splitting bundler that issue 9 still asks for.)
 */
let document: unknown;

export const handler = httpHandler('openapi', {
  getOpenApi: async () => {
    document ??= (await import('../http/openapi.ts')).openApiDocument();
    return { status: 200, body: document };
  },
});
