/**
 * The console's runtime settings, served as /config.json next to the built app: in AWS written by
 * the stack (lib/console.ts, Source.jsonData), locally by `npm start` (local/console.ts). One build
 * serves every stage.
 */
export interface ConsoleConfig {
  /** the Lobby API's base URL, no trailing slash */
  apiUrl: string;
  auth: {
    /** Cognito managed login (or the local issuer): /oauth2/authorize, /oauth2/token, /logout */
    authorizeUrl: string;
    tokenUrl: string;
    logoutUrl: string;
    /** the console's public app client (no secret: authorization code + PKCE) */
    clientId: string;
    scopes: string[];
  };
}

const isUrl = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
};

/** Reads and checks /config.json; a broken deployment fails here with a sentence, not later with an undefined. */
export function parseConfig(raw: unknown): ConsoleConfig {
  const c = raw as Partial<ConsoleConfig> | null;
  const a = c?.auth;
  if (!c || !isUrl(c.apiUrl) || !a || !isUrl(a.authorizeUrl) || !isUrl(a.tokenUrl) || !isUrl(a.logoutUrl)) {
    throw new Error('config.json is incomplete: it needs apiUrl and auth.authorizeUrl, tokenUrl, logoutUrl');
  }
  if (typeof a.clientId !== 'string' || !a.clientId || !Array.isArray(a.scopes) || !a.scopes.every((s) => typeof s === 'string')) {
    throw new Error('config.json is incomplete: auth.clientId and auth.scopes are required');
  }
  return { apiUrl: c.apiUrl.replace(/\/+$/, ''), auth: { authorizeUrl: a.authorizeUrl, tokenUrl: a.tokenUrl, logoutUrl: a.logoutUrl, clientId: a.clientId, scopes: a.scopes } };
}

let loaded: ConsoleConfig | undefined;

export async function loadConfig(): Promise<ConsoleConfig> {
  // no-store: a redeploy changes it without a new build (CloudFront also sends it uncached).
  const res = await fetch('/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json: ${res.status}`);
  loaded = parseConfig(await res.json());
  return loaded;
}

/** The config loadConfig() read (main.tsx loads it before anything renders). */
export function config(): ConsoleConfig {
  if (!loaded) throw new Error('config() before loadConfig()');
  return loaded;
}
