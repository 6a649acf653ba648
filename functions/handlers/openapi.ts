import { httpHandler } from '../http/handler.ts';

/**
 * Not built at load: a bundler may put the document, built from the route table at build
 * time, in place of process.env.LOBBY_OPENAPI_DOCUMENT (esbuild `define`; then the code that
 * builds it is dropped from the bundle). Without it (today's CDK bundling, the local stack,
 * tests) it is built on the first request, its builder a chunk of its own.
 */
let document: unknown;

export const handler = httpHandler('openapi', {
  getOpenApi: process.env.LOBBY_OPENAPI_DOCUMENT
    ? async () => ({ status: 200, body: (document ??= JSON.parse(process.env.LOBBY_OPENAPI_DOCUMENT!)) })
    : async () => ({ status: 200, body: (document ??= (await import('../http/openapi.ts')).openApiDocument()) }),
});
