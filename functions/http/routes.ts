import { openapiRoutes } from './routes/openapi.ts';
import { propertiesRoutes } from './routes/properties.ts';
import { peopleRoutes } from './routes/people.ts';
import { deliveryPinsRoutes } from './routes/delivery-pins.ts';
import { passesRoutes } from './routes/passes.ts';
import { panelsRoutes } from './routes/panels.ts';
import { accessEventsRoutes } from './routes/access-events.ts';
import { callsRoutes } from './routes/calls.ts';
import { meRoutes } from './routes/me.ts';
import { packagesRoutes } from './routes/packages.ts';
import { integrationsRoutes } from './routes/integrations.ts';
import { webhooksRoutes } from './routes/webhooks.ts';
import { rosterRoutes } from './routes/roster.ts';
import { type FunctionName, type Route, routeKey } from './route.ts';

export { type BodyOf, type FunctionName, type PathParams, pathParamNames, type QueryOf, type Route, routeKey } from './route.ts';

/**
 * The one route table, one module per function (routes/). The CDK API construct makes one
 * Lambda per `fn` and one HTTP API route per entry; the local server reads the same table;
 * the OpenAPI document is generated from it. A Lambda's shell reads only its own module.
 */
const table = [
  ...openapiRoutes,
  ...propertiesRoutes,
  ...peopleRoutes,
  ...deliveryPinsRoutes,
  ...passesRoutes,
  ...panelsRoutes,
  ...accessEventsRoutes,
  ...callsRoutes,
  ...meRoutes,
  ...packagesRoutes,
  ...integrationsRoutes,
  ...webhooksRoutes,
  ...rosterRoutes,
] as const satisfies readonly Route[];

/** The table as plain `Route`s, for CDK, the local gateway and the OpenAPI document. */
export const routes: readonly Route[] = table;

/** The routes one function serves, with their literal types. */
export type RoutesOf<F extends FunctionName> = Extract<(typeof table)[number], { fn: F }>;

export function findRoute(key: string): Route | undefined {
  return routes.find((route) => routeKey(route) === key);
}
