import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  type CfnUserPool,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  type UserPoolGroup,
  type UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { INTEGRATION_SCOPES, RESOURCE_SERVER, SCOPE_DESCRIPTIONS } from '../functions/shared/integration-scopes.ts';
import type { LobbyFunction } from './lobby-function.ts';
import { OPERATORS_GROUP } from '../functions/http/caller.ts';
import { CONTEXT, type FeaturePlanName, lobbySettings } from './settings.ts';

/**
 * Context key: `lite` (default: the cheapest plan; everything Lobby uses, TOTP MFA included),
 * `essentials`, or `plus` (threat protection, password history; ~$0.02 per MAU).
 */
export const COGNITO_FEATURE_PLAN_CONTEXT = CONTEXT.cognitoFeaturePlan;

export interface AuthProps {
  /** @default context `lobby:cognitoFeaturePlan`, else 'lite' */
  featurePlan?: FeaturePlanName;
  /** SES identity and From address for Cognito's e-mail. @default context `lobby:sesIdentityArn` + `lobby:fromEmail`, else Cognito's built-in sender (dev only: a small daily cap) */
  ses?: { identityArn: string; fromEmail: string };
  /** The Cognito domain prefix (unique per region). @default context `lobby:authDomainPrefix`, else `lobby-<stage>-<account id>` */
  domainPrefix?: string;
}

/** Context key: the user pool domain's prefix (integrations' token URL: https://<prefix>.auth.<region>.amazoncognito.com/oauth2/token). */
export const AUTH_DOMAIN_PREFIX_CONTEXT = 'lobby:authDomainPrefix';

/**
 * Who may call the API: a Cognito user pool (accounts are created by operators and
 * admins, no self sign-up), the "operators" group the handlers recognize as the
 * platform role, and one public app client for the admin tools.
 */
export class Auth extends Construct {
  readonly userPool: UserPool;
  readonly adminClient: UserPoolClient;
  readonly operators: UserPoolGroup;
  /** The `iss` of the pool's tokens. */
  readonly issuerUrl: string;
  /** The app clients people sign in with (the admin tools'; the console's): the authorizer takes their tokens as a person's. */
  readonly personClients: UserPoolClient[] = [];
  /** Integrations' custom scopes (functions/shared/integration-scopes.ts) under the `lobby` resource server. */
  readonly resourceServer: UserPoolResourceServer;
  /** The pool's domain: its /oauth2/token is where integrations get tokens (client credentials). */
  readonly domain: UserPoolDomain;
  readonly tokenUrl: string;
  /** Whether the domain serves managed login (Essentials, Plus) or the classic hosted UI (Lite). */
  readonly managedLogin: boolean;

  constructor(scope: Construct, id: string, props: AuthProps = {}) {
    super(scope, id);
    const settings = lobbySettings(this);
    const plan = props.featurePlan ?? settings.cognitoFeaturePlan;
    const ses = props.ses ?? (settings.sesIdentityArn && settings.fromEmail ? { identityArn: settings.sesIdentityArn, fromEmail: settings.fromEmail } : undefined);

    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        ...(plan === 'plus' ? { passwordHistorySize: 5 } : {}),
      },
      mfa: Mfa.OPTIONAL,
      // TOTP only: SMS would need an SNS role and is the weaker factor.
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: { lite: FeaturePlan.LITE, essentials: FeaturePlan.ESSENTIALS, plus: FeaturePlan.PLUS }[plan],
      ...(plan === 'plus' ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION } : {}),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is OPTIONAL (TOTP offered to every user) rather than REQUIRED: residents and front-desk staff sign in from shared or low-end devices where an authenticator app cannot be mandated.' +
        (plan === 'plus' ? ' Plus-tier threat protection (ENFORCED) challenges or blocks risky sign-ins instead.' : ''),
    });
    if (plan !== 'plus') {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason: `Deployed with ${COGNITO_FEATURE_PLAN_CONTEXT}=${plan} (the default is lite, for cost: Plus is ~$0.02 per monthly active user, most of a building's bill): threat protection needs the Plus plan; set ${COGNITO_FEATURE_PLAN_CONTEXT}=plus to turn it on.`,
      });
    }

    // Cognito's built-in sender has a small daily cap (fine for dev, not for onboarding a
    // building): with an SES identity, Cognito sends through SES from the operator's domain.
    if (ses) {
      (this.userPool.node.defaultChild as CfnUserPool).emailConfiguration = {
        emailSendingAccount: 'DEVELOPER',
        sourceArn: ses.identityArn,
        from: ses.fromEmail,
      };
    }

    this.operators = this.userPool.addGroup('Operators', {
      groupName: OPERATORS_GROUP,
      description: 'Lobby platform operators: may create properties and appoint their first admin',
    });

    this.adminClient = this.userPool.addClient('AdminClient', {
      userPoolClientName: 'lobby-admin-tools',
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    this.issuerUrl = `https://${this.userPool.userPoolProviderUrl}`;
    this.personClients.push(this.adminClient);

    // Integrations: each is an app client of its own (created by the integrations function, not here)
    // allowed client credentials and some of these scopes.
    this.resourceServer = this.userPool.addResourceServer('LobbyResourceServer', {
      identifier: RESOURCE_SERVER,
      userPoolResourceServerName: 'Lobby API',
      scopes: INTEGRATION_SCOPES.map((scope) => new ResourceServerScope({ scopeName: scope.slice(RESOURCE_SERVER.length + 1), scopeDescription: SCOPE_DESCRIPTIONS[scope] })),
    });
    // A Cognito domain prefix is unique per region: from context, else lobby-<stage>-<account id>.
    const prefix = props.domainPrefix ?? (this.node.tryGetContext(AUTH_DOMAIN_PREFIX_CONTEXT) as string | undefined) ?? `lobby-${settings.stage}-${Stack.of(this).account}`;
    // Managed login (the branding designer's pages) needs the Essentials or Plus plan; on Lite the classic hosted UI is the only one (same endpoints and flows).
    this.managedLogin = plan !== 'lite';
    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: prefix },
      managedLoginVersion: this.managedLogin ? ManagedLoginVersion.NEWER_MANAGED_LOGIN : ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });
    this.tokenUrl = `${this.domain.baseUrl()}/oauth2/token`;
  }

  /**
   * The Lobby Console's app client (lib/console.ts): public (no secret), authorization code grant
   * only (the console always sends PKCE S256), signing in at this pool's domain and coming back to
   * the console's URL (callback and sign-out, exact). Its tokens are a person's (personClients).
   */
  addConsoleClient(consoleUrl: string, scopes: string[]): UserPoolClient {
    const known: Record<string, OAuthScope> = { openid: OAuthScope.OPENID, email: OAuthScope.EMAIL, profile: OAuthScope.PROFILE };
    const client = this.userPool.addClient('ConsoleClient', {
      userPoolClientName: 'lobby-console',
      generateSecret: false,
      // Sign-in happens on the pool's domain only: no password flows from the browser.
      authFlows: { user: false, userSrp: false, userPassword: false, adminUserPassword: false, custom: false },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: scopes.map((s) => known[s] ?? OAuthScope.custom(s)),
        callbackUrls: [`${consoleUrl}/`],
        logoutUrls: [`${consoleUrl}/`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      // A working day at the front desk; then sign in again.
      refreshTokenValidity: Duration.hours(12),
    });
    this.personClients.push(client);
    // Managed login shows an app client's pages only with a style: Cognito's default one.
    if (this.managedLogin) {
      new CfnManagedLoginBranding(this, 'ConsoleLoginBranding', { userPoolId: this.userPool.userPoolId, clientId: client.userPoolClientId, useCognitoProvidedValues: true });
    }
    return client;
  }

  /**
   * The integrations function: create, describe and delete app clients of this pool only
   * (adapters/cognito-clients.ts), and where they are (LOBBY_USER_POOL_ID, LOBBY_TOKEN_URL).
   */
  grantAppClients(lambda: LobbyFunction) {
    lambda.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['cognito-idp:CreateUserPoolClient', 'cognito-idp:DescribeUserPoolClient', 'cognito-idp:DeleteUserPoolClient'],
        resources: [this.userPool.userPoolArn],
      }),
    );
    lambda.function.addEnvironment('LOBBY_USER_POOL_ID', this.userPool.userPoolId);
    lambda.function.addEnvironment('LOBBY_TOKEN_URL', this.tokenUrl);
  }
}
