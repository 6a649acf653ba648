import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { CORS } from '../../lib/settings.ts';

/**
 * CORS on the deployed HTTP API (lib/cors.ts) from context lobby:corsOrigins: exactly those origins,
 * the allowed and exposed headers of lib/settings.ts CORS (the local gateway applies the same);
 * an origin pushed to api.corsOrigins later (the console's) is included; a bad origin fails the synth.
 * And GET / and GET /health are public routes of the API.
 */
const BASE = { 'aws:cdk:bundling-stacks': [] };
const synth = (context: Record<string, unknown>) => buildApp({ nag: false, builtinCloudFormationValidation: false, context: { ...BASE, ...context } });
const corsOf = (template: Template) =>
  Object.values(template.findResources('AWS::ApiGatewayV2::Api')).map((r) => (r as { Properties: Record<string, unknown> }).Properties.CorsConfiguration);

describe('lobby:corsOrigins', () => {
  it('sets the HTTP API corsPreflight to exactly those origins, headers and methods (and the pushed ones)', () => {
    const { stack } = synth({ 'lobby:corsOrigins': ['https://admin.example.com', 'http://localhost:5173'] });
    stack.api.corsOrigins.push('https://late.example.com');
    const [cors] = corsOf(Template.fromStack(stack)) as Array<Record<string, unknown>>;
    expect((cors!.AllowOrigins as string[]).filter((o) => typeof o === 'string')).toEqual(
      expect.arrayContaining(['https://admin.example.com', 'http://localhost:5173', 'https://late.example.com']),
    );
    expect(cors!.AllowHeaders).toEqual([...CORS.allowHeaders]);
    expect(cors!.ExposeHeaders).toEqual([...CORS.exposeHeaders]);
    expect(cors!.AllowMethods).toEqual([...CORS.allowMethods]);
    expect(cors!.AllowCredentials).toBe(false);
    expect(cors!.MaxAge).toBe(CORS.maxAgeSeconds);
  });

  it('refuses a wildcard or a path', () => {
    expect(() => synth({ 'lobby:corsOrigins': ['*'] })).toThrow(/lobby:corsOrigins/);
    expect(() => synth({ 'lobby:corsOrigins': 'https://admin.example.com/app' })).toThrow(/lobby:corsOrigins/);
  });

  it('GET / and GET /health are routes without an authorizer', () => {
    const { stack } = synth({});
    const routes = Object.values(Template.fromStack(stack).findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => (r as { Properties: { RouteKey: string; AuthorizationType?: string } }).Properties,
    );
    for (const key of ['GET /', 'GET /health']) expect(routes.find((r) => r.RouteKey === key)?.AuthorizationType, key).toBe('NONE');
  });
});
