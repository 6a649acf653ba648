import { IoTClient } from '@aws-sdk/client-iot';
import { describe, expect, it } from 'vitest';
import { iotProvisioner } from '../../functions/adapters/panel-provisioner.ts';

/**
 * The AWS IoT control-plane provisioner. No emulator of the IoT control plane
 * exists here, so this is the one test with a stubbed AWS client: a middleware at
 * the front of the SDK stack records each command and answers it.
 */
function recordingClient(answers: Record<string, unknown>) {
  const calls: Array<{ command: string; input: unknown }> = [];
  const client = new IoTClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const command = context.commandName as string;
      calls.push({ command, input: args.input });
      if (answers[command] instanceof Error) throw answers[command];
      return { output: { $metadata: {}, ...(answers[command] as object) }, response: {} };
    },
    { step: 'initialize', name: 'recordAndAnswer' },
  );
  return { client, calls };
}

describe('IoT provisioner (stubbed IoT client: no emulator exists)', () => {
  const created = {
    CreateKeysAndCertificateCommand: { certificateArn: 'arn:aws:iot:us-east-1:1:cert/abc', certificateId: 'abc', certificatePem: 'CERT', keyPair: { PrivateKey: 'KEY' } },
    DescribeEndpointCommand: { endpointAddress: 'xyz-ats.iot.us-east-1.amazonaws.com' },
  };

  it('creates the thing in the thing type, a certificate, attaches the policy and the principal (exclusively)', async () => {
    const { client, calls } = recordingClient(created);
    const provisioner = iotProvisioner({ thingTypeName: 'lobby-panel', policyName: 'lobby-panel', client });
    const { connection, certificate } = await provisioner.provision('panel-1', 'prop_1');
    expect(calls.map((c) => c.command)).toEqual([
      'CreateThingCommand',
      'CreateKeysAndCertificateCommand',
      'AttachPolicyCommand',
      'AttachThingPrincipalCommand',
      'DescribeEndpointCommand',
    ]);
    expect(calls[0]!.input).toEqual({ thingName: 'panel-1', thingTypeName: 'lobby-panel', attributePayload: { attributes: { propertyId: 'prop_1' } } });
    expect(calls[1]!.input).toEqual({ setAsActive: true });
    expect(calls[2]!.input).toEqual({ policyName: 'lobby-panel', target: 'arn:aws:iot:us-east-1:1:cert/abc' });
    expect(calls[3]!.input).toEqual({ thingName: 'panel-1', principal: 'arn:aws:iot:us-east-1:1:cert/abc', thingPrincipalType: 'EXCLUSIVE_THING' });
    expect(calls[4]!.input).toEqual({ endpointType: 'iot:Data-ATS' });
    expect(connection).toEqual({
      mqttUrl: 'mqtts://xyz-ats.iot.us-east-1.amazonaws.com:8883',
      clientId: 'panel-1',
      certificatePem: 'CERT',
      privateKeyPem: 'KEY',
      certificateArn: 'arn:aws:iot:us-east-1:1:cert/abc',
    });
    expect(certificate).toEqual({ certificateId: 'abc', certificateArn: 'arn:aws:iot:us-east-1:1:cert/abc' });
  });

  it('a step that fails after the certificate exists removes what was created: certificate deactivated and deleted, thing deleted', async () => {
    const { client, calls } = recordingClient({ ...created, AttachThingPrincipalCommand: new Error('ThrottlingException') });
    const provisioner = iotProvisioner({ thingTypeName: 'lobby-panel', policyName: 'lobby-panel', client });
    await expect(provisioner.provision('panel-2', 'prop_1')).rejects.toThrow('ThrottlingException');
    expect(calls.map((c) => c.command)).toEqual([
      'CreateThingCommand',
      'CreateKeysAndCertificateCommand',
      'AttachPolicyCommand',
      'AttachThingPrincipalCommand',
      'UpdateCertificateCommand',
      'DetachThingPrincipalCommand',
      'DetachPolicyCommand',
      'DeleteCertificateCommand',
      'DeleteThingCommand',
    ]);
    expect(calls[4]!.input).toEqual({ certificateId: 'abc', newStatus: 'INACTIVE' });
  });

  it('decommission deactivates the certificate before anything else, and tolerates what is already gone', async () => {
    const { ResourceNotFoundException } = await import('@aws-sdk/client-iot');
    const missing = new ResourceNotFoundException({ message: 'gone', $metadata: {} });
    const { client, calls } = recordingClient({ DeleteThingCommand: missing });
    const provisioner = iotProvisioner({ thingTypeName: 'lobby-panel', policyName: 'lobby-panel', client });
    await provisioner.decommission('panel-1', { certificateId: 'abc', certificateArn: 'arn:aws:iot:us-east-1:1:cert/abc' });
    expect(calls.map((c) => c.command)).toEqual([
      'UpdateCertificateCommand',
      'DetachThingPrincipalCommand',
      'DetachPolicyCommand',
      'DeleteCertificateCommand',
      'DeleteThingCommand',
    ]);
    expect(calls[0]!.input).toEqual({ certificateId: 'abc', newStatus: 'INACTIVE' });
    expect(calls[1]!.input).toEqual({ thingName: 'panel-1', principal: 'arn:aws:iot:us-east-1:1:cert/abc' });
  });
});
