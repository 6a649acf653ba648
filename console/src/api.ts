import { type LobbyClient, LobbyProblem, lobbyClient, ok, type Schemas } from '../../clients/typescript/src/index.ts';
import { getAccessToken } from './auth/index.ts';
import { config } from './config.ts';

/*
 * The console's one API client: the typed client from clients/typescript (openapi-fetch over the
 * generated OpenAPI types) at the runtime config's apiUrl. Its token hook is the middleware that adds
 * `Authorization: Bearer <access token>` to every request; there is no other fetch layer.
 */
export { LobbyProblem, ok };
export type { Schemas };

let client: LobbyClient | undefined;

/** Built on first use: config.json is loaded before anything renders (main.tsx). */
export function api(): LobbyClient {
  client ??= lobbyClient({ baseUrl: config().apiUrl, token: () => getAccessToken() });
  return client;
}

/** A 400's field errors by field path (`pin`, `schedule.from`), in the API's words. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof LobbyProblem)) return {};
  return Object.fromEntries((error.errors ?? []).map((e) => [e.path, e.message]));
}

/** One sentence for a failed request. */
export function problemText(error: unknown): string {
  if (error instanceof LobbyProblem) {
    const body = error.body;
    if (body && 'detail' in body) return body.detail;
    if (body && 'message' in body) return body.message;
    return `The server answered ${error.status}`;
  }
  return error instanceof Error ? error.message : String(error);
}
