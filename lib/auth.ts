import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery, FeaturePlan, Mfa, StandardThreatProtectionMode, UserPool, type UserPoolClient, UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { OPERATORS_GROUP } from '../functions/http/caller.ts';

/** Context key: `plus` (default: threat protection) or `essentials` (cheaper, no threat protection). */
export const COGNITO_FEATURE_PLAN_CONTEXT = 'lobby:cognitoFeaturePlan';

export interface AuthProps {
  /** @default context `lobby:cognitoFeaturePlan`, else 'plus' */
  featurePlan?: 'plus' | 'essentials';
}

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

  constructor(scope: Construct, id: string, props: AuthProps = {}) {
    super(scope, id);
    const plan = props.featurePlan ?? featurePlanFromContext(this);

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
      featurePlan: plan === 'plus' ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      ...(plan === 'plus' ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION } : {}),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason: 'MFA is OPTIONAL (TOTP offered to every user) rather than REQUIRED: residents and front-desk staff sign in from shared or low-end devices where an authenticator app cannot be mandated.'
        + (plan === 'plus' ? ' Plus-tier threat protection (ENFORCED) challenges or blocks risky sign-ins instead.' : ''),
    });
    if (plan !== 'plus') {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason: `Deployed with ${COGNITO_FEATURE_PLAN_CONTEXT}=essentials: the operator chose not to pay for the Plus tier; threat protection is then unavailable.`,
      });
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
  }
}

function featurePlanFromContext(scope: Construct): 'plus' | 'essentials' {
  const raw = scope.node.tryGetContext(COGNITO_FEATURE_PLAN_CONTEXT) ?? 'plus';
  if (raw !== 'plus' && raw !== 'essentials') throw new Error(`${COGNITO_FEATURE_PLAN_CONTEXT} must be "plus" or "essentials", got ${JSON.stringify(raw)}`);
  return raw;
}
