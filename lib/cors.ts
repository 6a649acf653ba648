import { Lazy } from 'aws-cdk-lib';
import type { CfnApi, HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { CORS } from './settings.ts';

/**
 * The HTTP API's CORS configuration (what `corsPreflight` would set), from a list that may still grow
 * until synthesis: `origins` is read when the template is written, so a construct made later (the
 * console's hosting) can push its origin (`api.corsOrigins.push(url)`). No origins: no CORS at all,
 * as before. API Gateway then answers preflights itself (no route, no authorizer) and adds the
 * headers to responses for an allowed Origin; the local gateway (local/api-gateway.ts) does the same.
 */
export function applyCors(httpApi: HttpApi, origins: readonly string[]) {
  const cfn = httpApi.node.defaultChild as CfnApi;
  cfn.corsConfiguration = Lazy.any({
    produce: () =>
      origins.length === 0
        ? undefined
        : ({
            allowOrigins: [...new Set(origins)],
            allowMethods: [...CORS.allowMethods],
            allowHeaders: [...CORS.allowHeaders],
            exposeHeaders: [...CORS.exposeHeaders],
            maxAge: CORS.maxAgeSeconds,
            allowCredentials: false,
          } satisfies CfnApi.CorsProperty),
  });
}
