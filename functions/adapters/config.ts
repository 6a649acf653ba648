/**
 * Runtime configuration read from the environment. CDK sets these on every function;
 * the local stack sets the same names (plus AWS_ENDPOINT_URL_* overrides, which the
 * AWS SDK reads by itself).
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export const config = {
  get tableName() {
    return required('LOBBY_TABLE');
  },
  get idempotencyTableName() {
    return required('IDEMPOTENCY_TABLE');
  },
  get photosBucket() {
    return required('PHOTOS_BUCKET');
  },
  /** Cloud: a Secrets Manager secret ARN. Local: a file under .lobby/. */
  get codeSecretArn() {
    return process.env.CODE_SECRET_ARN;
  },
  get codeSecretFile() {
    return process.env.CODE_SECRET_FILE;
  },
  get s3ForcePathStyle() {
    return process.env.S3_FORCE_PATH_STYLE === 'true';
  },
};
