import { Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';

const describeEndpointCall = {
  service: 'Iot',
  action: 'describeEndpoint',
  parameters: { endpointType: 'iot:Data-ATS' },
  physicalResourceId: PhysicalResourceId.of('iot-data-ats-endpoint'),
  outputPaths: ['endpointAddress'],
};

/**
 * IoT DescribeEndpoint (iot:Data-ATS) at deploy time, by a custom resource whose
 * singleton function runs with a role of its own: write to its own log group and
 * iot:DescribeEndpoint, nothing else (no AWS managed policy).
 */
export function describeDataEndpoint(scope: Construct): string {
  const logs = new LogGroup(scope, 'DataEndpointLogs', { retention: RetentionDays.ONE_MONTH });
  const role = new Role(scope, 'DataEndpointRole', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: 'Lobby custom resource: look up the IoT data endpoint (iot:DescribeEndpoint)',
  });
  logs.grantWrite(role);
  const lookup = new AwsCustomResource(scope, 'DataEndpoint', {
    resourceType: 'Custom::IotDataEndpoint',
    onCreate: describeEndpointCall,
    onUpdate: describeEndpointCall,
    role,
    logGroup: logs,
    installLatestAwsSdk: false,
    policy: AwsCustomResourcePolicy.fromStatements([new PolicyStatement({ actions: ['iot:DescribeEndpoint'], resources: ['*'] })]),
  });
  Validations.of(lookup).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: "iot:DescribeEndpoint supports no resource-level permissions. This policy (the custom resource's own) holds only that action.",
  });
  return lookup.getResponseField('endpointAddress');
}
