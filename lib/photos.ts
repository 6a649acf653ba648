import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Context key: days an entry photo is kept. */
export const PHOTO_RETENTION_CONTEXT = 'lobby:photoRetentionDays';
export const DEFAULT_PHOTO_RETENTION_DAYS = 90;
/** Where credential-set snapshots go (functions/domain/credential-sets.ts syncFor). */
export const SNAPSHOT_PREFIX = 'credential-sets/';
/** Where entry photos go (functions/domain/access-events.ts photoKeyFor). */
export const PHOTO_PREFIX = 'photos/';

export interface PhotosProps {
  /** @default context `lobby:photoRetentionDays`, else 90 */
  retentionDays?: number;
  /** Days a replaced or deleted object version is kept (a grace period against mistakes). @default 7 */
  noncurrentVersionDays?: number;
  /** @default 365 */
  accessLogRetentionDays?: number;
}

/**
 * The photos bucket: entry photos panels upload through presigned URLs and
 * credential-set snapshots. Private (public access blocked, ACLs disabled), TLS only,
 * S3-managed encryption, versioned, with a lifecycle that deletes photos after the
 * retention period (people's faces are not kept forever), server access logs to a
 * separate log bucket. Both buckets are retained when the stack is deleted.
 */
export class Photos extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;
  readonly retentionDays: number;

  constructor(scope: Construct, id: string, props: PhotosProps = {}) {
    super(scope, id);
    this.retentionDays = props.retentionDays ?? retentionFromContext(this);
    const noncurrentDays = props.noncurrentVersionDays ?? 7;

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // Server access log delivery supports SSE-S3 only.
      encryption: BucketEncryption.S3_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(props.accessLogRetentionDays ?? 365) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    // No access logs for the log bucket itself: cdk-nag S1 exempts log-target buckets.

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'photos/',
      lifecycleRules: [
        {
          id: 'expire-after-retention',
          expiration: Duration.days(this.retentionDays),
          noncurrentVersionExpiration: Duration.days(noncurrentDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        // Snapshots are rebuilt on demand (a panel fetches one within minutes of it being
        // written, through a 5-minute presigned URL): a day is plenty. Where rules overlap,
        // S3 honours the shorter expiration.
        {
          id: 'expire-credential-set-snapshots',
          prefix: SNAPSHOT_PREFIX,
          expiration: Duration.days(1),
          noncurrentVersionExpiration: Duration.days(1),
        },
        // S3 refuses ExpiredObjectDeleteMarker in a rule that also expires by age.
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
    });
  }

  /**
   * s3:GetObject under one key prefix (to presign GET URLs for it), nothing else:
   * no List, no bucket-level actions.
   */
  grantReadPrefix(role: Role, prefix: string) {
    this.grantObjects(role, ['s3:GetObject'], prefix);
  }

  /**
   * Object-level actions (s3:GetObject, s3:PutObject, s3:DeleteObject) under one key
   * prefix, with the cdk-nag IAM5 acknowledgement for that prefix. No List, no
   * bucket-level actions.
   */
  grantObjects(role: Role, actions: Array<'s3:GetObject' | 's3:PutObject' | 's3:DeleteObject'>, prefix: string) {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions,
        resources: [this.bucket.arnForObjects(`${prefix}*`)],
      }),
    );
    const keyedBy =
      prefix === SNAPSHOT_PREFIX
        ? 'property, key version and set version at run time (functions/domain/credential-sets.ts syncFor)'
        : prefix === PHOTO_PREFIX
          ? 'property, panel and event id at run time (functions/domain/access-events.ts photoKeyFor)'
          : 'ids known only at run time';
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId(this.bucket)}.Arn>/${prefix}*]`,
      reason: `Objects under ${prefix} are keyed by ${keyedBy}; the wildcard is limited to that prefix of the photos bucket and to object-level actions (no List, no bucket-level actions).`,
    });
  }
}

function retentionFromContext(scope: Construct): number {
  const raw = scope.node.tryGetContext(PHOTO_RETENTION_CONTEXT);
  if (raw === undefined) return DEFAULT_PHOTO_RETENTION_DAYS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1) throw new Error(`${PHOTO_RETENTION_CONTEXT} must be a whole number of days >= 1, got ${JSON.stringify(raw)}`);
  return days;
}

function logicalId(bucket: Bucket): string {
  return Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnElement);
}
