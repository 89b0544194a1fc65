/** The AWS calls a publish makes, in order; errors name the one that failed. */
export type AwsPublishStep =
  | 'credentials'
  | 'S3 upload'
  | 'ImportSnapshot'
  | 'DescribeImportSnapshotTasks'
  | 'RegisterImage'
  | 'DescribeImages'
  | 'CreateTags'
  | 'CopyImage'
  | 'ModifyImageAttribute';

/** A failed publish: which AWS step, AWS's error code, and for known causes what to do about it. */
export class AwsPublishError extends Error {
  constructor(
    readonly step: AwsPublishStep,
    readonly code: string,
    readonly detail: string,
    readonly fix?: string,
    options?: { cause?: unknown },
  ) {
    super(`${step} failed (${code}): ${detail}${fix ? `. Fix: ${fix}` : ''}`, options);
    this.name = 'AwsPublishError';
  }
}

export const VMIMPORT_ROLE_FIX =
  'ImportSnapshot needs the "vmimport" service role. Create it with a trust policy for vmie.amazonaws.com ' +
  '(condition sts:ExternalId = "vmimport") and a policy allowing s3:GetBucketLocation, s3:GetObject, s3:ListBucket on the bucket ' +
  'and ec2:ModifySnapshotAttribute, ec2:CopySnapshot, ec2:RegisterImage, ec2:Describe*; ' +
  'see docs/interop.md ("The vmimport role") for the exact aws iam commands';

const PERMISSIONS_FIX =
  'the credentials in use lack an IAM permission; Stamper needs s3:PutObject, s3:AbortMultipartUpload, s3:DeleteObject on the bucket and ' +
  'ec2:ImportSnapshot, ec2:DescribeImportSnapshotTasks, ec2:CancelImportTask, ec2:RegisterImage, ec2:DescribeImages, ec2:CreateTags, ' +
  'ec2:CopyImage, ec2:ModifyImageAttribute (see docs/interop.md)';

interface AwsLikeError {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** AWS's own code for an SDK error: `name` in SDK v3, `Code` in some XML bodies. */
export function awsErrorCode(error: unknown): string {
  const e = (error ?? {}) as AwsLikeError;
  for (const candidate of [e.name, e.Code, e.code]) {
    if (typeof candidate === 'string' && candidate !== 'Error' && candidate !== '') return candidate;
  }
  return 'UnknownError';
}

const transientCodes = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'InternalFailure',
  'RequestTimeout',
  'TimeoutError',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);

/** Worth another try: throttling, AWS 5xx and dropped connections. */
export function isTransientAwsError(error: unknown): boolean {
  const status = (error as AwsLikeError | null)?.$metadata?.httpStatusCode;
  return transientCodes.has(awsErrorCode(error)) || (typeof status === 'number' && status >= 500);
}

/** Turns an SDK error into an AwsPublishError that names the step and, where known, the fix. */
export function toPublishError(step: AwsPublishStep, error: unknown, context: { bucket?: string; region?: string } = {}): AwsPublishError {
  if (error instanceof AwsPublishError) return error;
  const code = awsErrorCode(error);
  const message = typeof (error as AwsLikeError | null)?.message === 'string' ? String((error as AwsLikeError).message) : String(error);
  return new AwsPublishError(step, code, message, knownFix(step, code, message, context), { cause: error });
}

function knownFix(step: AwsPublishStep, code: string, message: string, context: { bucket?: string; region?: string }): string | undefined {
  if (code === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return "no AWS credentials were found. Stamper uses the standard chain: AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the server's environment, ~/.aws, SSO, or an instance/task role";
  }
  if (/vmimport/i.test(message) || (step === 'ImportSnapshot' && /service role/i.test(message))) return VMIMPORT_ROLE_FIX;
  switch (code) {
    case 'NoSuchBucket':
      return `the bucket ${context.bucket ?? ''} does not exist; create it in ${context.region ?? "the AMI's region"} or change outputs[].bucket`;
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed':
      return `the bucket ${context.bucket ?? ''} is in another region; ImportSnapshot needs the bucket in the AMI's region (${context.region ?? ''})`;
    case 'AccessDenied':
    case 'UnauthorizedOperation':
    case 'AccessDeniedException':
      return PERMISSIONS_FIX;
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'RequestExpired':
      return 'the session credentials expired; refresh them (aws sso login, or new STS credentials) and publish again';
    case 'AuthFailure':
    case 'InvalidClientTokenId':
    case 'SignatureDoesNotMatch':
      return "AWS rejected the credentials; check the access key and secret (and the server's clock)";
    case 'InvalidAMIName.Duplicate':
      return 'an AMI with this name already exists in the region; include {timestamp} in outputs[].nameTemplate or deregister the old AMI';
    case 'InvalidAMIName.Malformed':
      return "AMI names are 3–128 characters of letters, digits, ( ) [ ] . / - ' @ _ and spaces; change outputs[].nameTemplate";
    case 'ResourceLimitExceeded':
      return 'too many import tasks are running in this account and region; wait for them to finish or ask AWS for a higher quota';
    case 'OptInRequired':
      return `the region ${context.region ?? ''} is not enabled for this account; enable it in the AWS console or choose another region`;
    default:
      return undefined;
  }
}
