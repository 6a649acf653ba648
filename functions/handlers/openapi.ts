import { httpHandler } from '../http/handler.ts';

/**
 * Not built at load: a bundler may put the document, built from the route table at build
 * time, in place of process.env.LOBBY_OPENAPI_DOCUMENT (esbuild `define`; then the code that
 * builds it is dropped from the bundle). Without it (today's CDK bundling, the local stack,
 * tests) it is built on the first request, its builder a chunk of its own.
 */
let document: unknown;
const prebuilt = process.env.LOBBY_OPENAPI_DOCUMENT;

export const handler = httpHandler('openapi', {
  getOpenApi: prebuilt
    ? async () => {
        document ??= JSON.parse(prebuilt);
        return { status: 200, body: document };
      }
    : async () => {
        document ??= (await import('../http/openapi.ts')).openApiDocument();
        return { status: 200, body: document };
      },
});
