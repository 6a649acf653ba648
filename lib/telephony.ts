import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import { CfnSipMediaApplication } from 'aws-cdk-lib/aws-chime';
import { PolicyStatement, type Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LobbyFunction } from './lobby-function.ts';
import { lobbySettings } from './settings.ts';

/** What CDK tells the functions (adapters/sns-push.ts, adapters/chime-phone.ts read these). */
export const TELEPHONY_VARIABLES = {
  pushApnsArn: 'LOBBY_PUSH_APNS_ARN',
  pushFcmArn: 'LOBBY_PUSH_FCM_ARN',
  phoneNumber: 'LOBBY_PHONE_NUMBER',
  sipMediaApplicationId: 'LOBBY_SIP_MEDIA_APPLICATION_ID',
} as const;

/** The grants behind the `push` and `dial-phone` capabilities (lib/capability-grants.ts). */
export interface TelephonyGrants {
  grantPush(role: Role): void;
  grantDial(lambda: LobbyFunction): void;
}

/**
 * How a resident is rung (issue 10): app pushes through SNS mobile push, on the platform
 * applications named in context (lobby:pushApnsArn, lobby:pushFcmArn; the push certificates and
 * keys stay with the operator, not in this stack), and the phone path through Chime SDK PSTN
 * audio: the phone-call function always exists; the SIP media application that invokes it only
 * with lobby:phoneNumber. Absent context turns a feature off; the stack outputs say which.
 */
export class Telephony extends Construct implements TelephonyGrants {
  /** The SIP media application's Lambda (functions/handlers/phone-call.ts). */
  readonly phoneCall: LobbyFunction;
  readonly sipMediaApplication?: CfnSipMediaApplication;
  /** Variables every function gets (static context values only). */
  readonly environment: Record<string, string>;
  private readonly pushApplications: string[];

  constructor(scope: Construct, id: string, props: { environment: Record<string, string> }) {
    super(scope, id);
    const settings = lobbySettings(this);
    this.pushApplications = [settings.pushApnsArn, settings.pushFcmArn].filter((a): a is string => Boolean(a));
    this.environment = {
      ...(settings.pushApnsArn ? { [TELEPHONY_VARIABLES.pushApnsArn]: settings.pushApnsArn } : {}),
      ...(settings.pushFcmArn ? { [TELEPHONY_VARIABLES.pushFcmArn]: settings.pushFcmArn } : {}),
      ...(settings.phoneNumber ? { [TELEPHONY_VARIABLES.phoneNumber]: settings.phoneNumber } : {}),
    };

    this.phoneCall = new LobbyFunction(this, 'PhoneCall', {
      fn: 'phone-call',
      description: 'Lobby phone-call: the SIP media application of the phone path (press 9 to open the door)',
      environment: { ...props.environment, ...this.environment },
      // Someone is on the line waiting for each answer: fail fast rather than leave them in silence.
      timeout: Duration.seconds(5),
    });

    if (settings.phoneNumber) {
      const stack = Stack.of(this);
      this.sipMediaApplication = new CfnSipMediaApplication(this, 'SipMediaApplication', {
        name: `lobby-${settings.stage}`,
        awsRegion: stack.region,
        endpoints: [{ lambdaArn: this.phoneCall.function.functionArn }],
      });
      // Only this SIP media application, of this account, may invoke the function.
      this.phoneCall.function.addPermission('InvokedByPstnAudio', {
        principal: new ServicePrincipal('voiceconnector.chime.amazonaws.com'),
        sourceAccount: stack.account,
        sourceArn: this.sipMediaApplication.attrSipMediaApplicationArn,
      });
    }

    new CfnOutput(scope, 'AppPush', {
      value:
        this.pushApplications.length > 0
          ? `on: ${[settings.pushApnsArn && 'APNs VoIP', settings.pushFcmArn && 'FCM'].filter(Boolean).join(' and ')}`
          : 'off (set lobby:pushApnsArn and/or lobby:pushFcmArn to SNS platform application ARNs)',
      description: 'App pushes of calls through SNS mobile push',
    });
    new CfnOutput(scope, 'PhonePath', {
      value: settings.phoneNumber ? `on: calls from ${settings.phoneNumber}` : "off (set lobby:phoneNumber to a number in the account's Chime SDK inventory)",
      description: 'Phone calls ("press 9") through Chime SDK PSTN audio',
    });
    if (this.sipMediaApplication) {
      new CfnOutput(scope, 'SipMediaApplicationId', { value: this.sipMediaApplication.attrSipMediaApplicationId, description: 'SIP media application of the phone path' });
    }
  }

  /** Create endpoints on the platform applications; publish to, re-enable and delete the endpoints under them. */
  grantPush(role: Role) {
    if (this.pushApplications.length === 0) return;
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:CreatePlatformEndpoint'], resources: this.pushApplications }));
    // arn:...:app/<PLATFORM>/<name> -> arn:...:endpoint/<PLATFORM>/<name>/<endpoint id>
    const endpoints = this.pushApplications.map((a) => `${a.replace(':app/', ':endpoint/')}/*`);
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sns:Publish', 'sns:DeleteEndpoint', 'sns:GetEndpointAttributes', 'sns:SetEndpointAttributes'], resources: endpoints }),
    );
    for (const resource of endpoints) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${resource}]`,
        reason:
          'The wildcard is the endpoint id SNS gives each registered device (adapters/sns-push.ts): only endpoints of this platform application, only Publish, DeleteEndpoint and reading/re-enabling them on registration.',
      });
    }
  }

  /** chime:CreateSipMediaApplicationCall on this stack's SIP media application; the function learns its id. */
  grantDial(lambda: LobbyFunction) {
    const sma = this.sipMediaApplication;
    if (!sma) return;
    lambda.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['chime:CreateSipMediaApplicationCall'], resources: [sma.attrSipMediaApplicationArn] }));
    lambda.function.addEnvironment(TELEPHONY_VARIABLES.sipMediaApplicationId, sma.attrSipMediaApplicationId);
  }
}
