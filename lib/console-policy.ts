/**
 * The console's Content-Security-Policy and security headers: one definition for CloudFront's
 * response headers policy (lib/console.ts) and the local console server (local/console.ts), so
 * the browser tests run under the policy AWS serves. No CDK imports: values may be CDK tokens.
 */
export interface ConsolePolicyOrigins {
  /** the API's URL (fetch) */
  apiUrl: string;
  /** the sign-in domain's origin (token endpoint, fetch) */
  authOrigin: string;
  /** where presigned photo URLs point (img) */
  photoOrigins: string[];
}

export function consoleCsp(o: ConsolePolicyOrigins): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' ${o.photoOrigins.join(' ')}`,
    `connect-src 'self' ${o.apiUrl} ${o.authOrigin}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The other headers CloudFront adds (and the local server copies). */
export const CONSOLE_REFERRER_POLICY = 'strict-origin-when-cross-origin';
export const CONSOLE_HSTS_SECONDS = 2 * 365 * 24 * 3600;
