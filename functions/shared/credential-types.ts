/**
 * Item types of the Lobby table whose changes reach the panels. Shared by the
 * credential-set domain (what goes into a set) and the CDK app (the stream event
 * source's filter): a neutral module, so lib/ reads a constant without loading domain code.
 */
export const CREDENTIAL_TYPES: ReadonlySet<string> = new Set(['delivery-pin', 'delivery-pass', 'visitor-pass', 'resident-door-pin']);
