import { Duration, Lazy, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, HttpRoute, HttpRouteKey, type HttpStage, LogGroupLogDestination, type ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionName, Route } from '../functions/http/routes.ts';
import type { Auth } from './auth.ts';
import { applyCors } from './cors.ts';
import { STAGE_VARIABLE } from '../iot/protocol/topics.ts';
import { LobbyFunction, type LobbyFunctionProps } from './lobby-function.ts';

export interface ApiProps {
  /** The route table (functions/http/routes.ts): one function per distinct `fn`, one route per entry. */
  routes: readonly Route[];
  auth: Auth;
  /** Variables every API function gets (table names, bucket, secret ARN). */
  environment: Record<string, string>;
  /**
   * Called once per function right after it is created: grant it what it needs and
   * add variables. `routes` are the entries that function serves.
   */
  configure?: (fn: FunctionName, lambda: LobbyFunction, routes: readonly Route[]) => void;
  /** Per-function overrides (memory, timeout, ...). */
  functionProps?: Partial<Record<FunctionName, Partial<Omit<LobbyFunctionProps, 'fn'>>>>;
  /**
   * Why each public (`auth: 'none'`) route is public, by operationId: becomes the
   * cdk-nag APIG4 acknowledgement. A public route without a reason fails synthesis.
   */
  publicRoutes?: Record<string, string>;
  /** Default route throttling of the stage. @default 50 requests/s, bursts of 100 */
  throttle?: ThrottleSettings;
  /** @default one year */
  accessLogRetention?: RetentionDays;
  /** Browser origins allowed to call the API (lib/settings.ts `corsOrigins`, context lobby:corsOrigins). @default none: no CORS */
  corsOrigins?: readonly string[];
}

/**
 * The HTTP API: a Lambda authorizer (functions/handlers/authorizer.ts) that takes the user pool's
 * tokens of people (the person app clients) and of integrations (client credentials; a JWT
 * authorizer's static audience cannot take those), one Lambda per distinct `fn` of the route table,
 * one route per entry (`auth: 'none'` routes get no authorizer), and a `$default`
 * stage with JSON access logs and throttling.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly functions = new Map<FunctionName, LobbyFunction>();
  readonly authorizer: HttpLambdaAuthorizer;
  /** The authorizer's function (its capabilities: functions/capabilities.ts `authorizer`). */
  readonly authorizerFunction: LobbyFunction;
  /** The invoke URL (no trailing slash). */
  readonly url: string;
  /** The CORS origins, read at synthesis: push a console's origin here (lib/cors.ts). */
  readonly corsOrigins: string[];

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: 'lobby',
      description: 'Lobby: intercom and delivery access API',
      createDefaultStage: false,
    });
    this.corsOrigins = [...(props.corsOrigins ?? [])];
    applyCors(this.httpApi, this.corsOrigins);

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        // No headers, query strings or bodies: they carry codes and tokens.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            // The Lambda authorizer's context (functions/http/caller.ts AuthorizerContext): a person's sub or an integration's id.
            sub: '$context.authorizer.sub',
            integrationId: '$context.authorizer.integrationId',
          }),
        ),
      },
    });
    this.url = this.stage.url.replace(/\/$/, '');

    this.authorizerFunction = new LobbyFunction(this, 'Authorizer', {
      fn: 'authorizer',
      description: 'Lobby API authorizer: person and integration tokens of the user pool',
      memorySize: 256,
      timeout: Duration.seconds(5),
      environment: {
        LOBBY_TABLE: props.environment.LOBBY_TABLE ?? '',
        // The stage (its metrics' dimension), as every function has it.
        ...(props.environment[STAGE_VARIABLE] ? { [STAGE_VARIABLE]: props.environment[STAGE_VARIABLE] } : {}),
        LOBBY_JWT_ISSUER: props.auth.issuerUrl,
        // Lazy: app clients added to the list after this construct (the console's) are included.
        LOBBY_PERSON_CLIENT_IDS: Lazy.string({ produce: () => props.auth.personClients.map((c) => c.userPoolClientId).join(',') }),
      },
    });
    // No result caching: an integration's deletion must refuse its tokens at once (the function reads its record).
    this.authorizer = new HttpLambdaAuthorizer('LobbyAuthorizer', this.authorizerFunction.function, {
      authorizerName: 'lobby-tokens',
      identitySource: ['$request.header.Authorization'],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: Duration.seconds(0),
    });
    const noAuth = new HttpNoneAuthorizer();

    const byFn = new Map<FunctionName, Route[]>();
    for (const route of props.routes) byFn.set(route.fn, [...(byFn.get(route.fn) ?? []), route]);

    for (const [fn, fnRoutes] of byFn) {
      const lambda = new LobbyFunction(this, constructId(fn), {
        fn,
        description: `Lobby API: ${fnRoutes.map((r) => r.operationId).join(', ')}`.slice(0, 256),
        ...props.functionProps?.[fn],
        environment: { ...props.environment, ...props.functionProps?.[fn]?.environment },
      });
      this.functions.set(fn, lambda);
      props.configure?.(fn, lambda, fnRoutes);

      const integration = new HttpLambdaIntegration(`${constructId(fn)}Integration`, lambda.function);
      for (const route of fnRoutes) {
        const httpRoute = new HttpRoute(this, `Route${route.operationId.charAt(0).toUpperCase()}${route.operationId.slice(1)}`, {
          httpApi: this.httpApi,
          routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
          integration,
          authorizer: route.auth === 'jwt' ? this.authorizer : noAuth,
        });
        if (route.auth === 'none') {
          const why = props.publicRoutes?.[route.operationId];
          if (!why) throw new Error(`route ${route.method} ${route.path} (${route.operationId}) has auth 'none': say why in ApiProps.publicRoutes`);
          Validations.of(httpRoute).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${route.method} ${route.path} is public by design (auth: 'none' in functions/http/routes.ts): ${why}`,
          });
        }
      }
    }
  }
}

/** 'delivery-pins' -> 'DeliveryPins' */
const constructId = (fn: string) =>
  fn
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
