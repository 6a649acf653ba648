import type { ChimeSDKVoiceClient } from '@aws-sdk/client-chime-sdk-voice';
import type { PhoneDialer } from '../domain/call-ports.ts';
import { conflict, invalid } from '../domain/errors.ts';
import { onFirstUse } from './on-first-use.ts';

/**
 * Phone calls through Amazon Chime SDK PSTN audio: CreateSipMediaApplicationCall rings the
 * resident from the deployment's number, and the SIP media application runs the call with the
 * phone-call Lambda (handlers/phone-call.ts), which gets the ArgumentsMap below. CDK sets both
 * ids from context; unset means the phone path is off. The client is imported on first use.
 */
export interface PhoneSettings {
  sipMediaApplicationId?: string;
  /** E.164, a number in the account's Chime SDK inventory. */
  fromPhoneNumber?: string;
}

export const phoneSettingsFromEnv = (): PhoneSettings => ({
  sipMediaApplicationId: process.env.LOBBY_SIP_MEDIA_APPLICATION_ID || undefined,
  fromPhoneNumber: process.env.LOBBY_PHONE_NUMBER || undefined,
});

/** The pattern CreateSipMediaApplicationCall takes, with the leading + E.164 requires. */
export const E164 = /^\+[1-9]\d{1,14}$/;

let client: ChimeSDKVoiceClient | undefined;

async function chimeOperations(settings: PhoneSettings): Promise<PhoneDialer> {
  const voice = await import('@aws-sdk/client-chime-sdk-voice');
  client ??= new voice.ChimeSDKVoiceClient({});
  const c = client;
  return {
    async dial(call) {
      const { sipMediaApplicationId, fromPhoneNumber } = settings;
      if (!sipMediaApplicationId || !fromPhoneNumber) throw conflict('phone calls are not set up in this deployment', 'phone-not-configured');
      if (!E164.test(call.to)) throw invalid('The phone number is not in E.164 form', [{ path: 'phone', message: 'expected +<country><number>' }]);
      const out = await c.send(
        new voice.CreateSipMediaApplicationCallCommand({
          SipMediaApplicationId: sipMediaApplicationId,
          FromPhoneNumber: fromPhoneNumber,
          ToPhoneNumber: call.to,
          // What the SIP media application hands the phone-call Lambda; it trusts none of it.
          ArgumentsMap: { propertyId: call.propertyId, callId: call.callId, residentId: call.residentId },
        }),
      );
      const transactionId = out.SipMediaApplicationCall?.TransactionId;
      if (!transactionId) throw new Error('CreateSipMediaApplicationCall returned no TransactionId');
      return transactionId;
    },
  };
}

export function chimePhoneDialer(settings: PhoneSettings = phoneSettingsFromEnv()): PhoneDialer {
  return onFirstUse(() => chimeOperations(settings), { dial: true });
}
