import { CancelImportTaskCommand, DescribeImportSnapshotTasksCommand, ImportSnapshotCommand, type EC2Client, type Tag } from '@aws-sdk/client-ec2';
import { AwsPublishError, toPublishError, VMIMPORT_ROLE_FIX } from './aws-publish-error.ts';
import { defaultImportTiming, pollUntil, type PollTiming } from './poll.ts';

export interface ImportSnapshotOptions {
  ec2: EC2Client;
  region: string;
  bucket: string;
  key: string;
  description: string;
  tags: Tag[];
  /** Idempotency token: a retried publish of the same build does not start a second import. */
  clientToken: string;
  signal?: AbortSignal;
  onProgress?(percent: number, status: string): void;
  timing?: PollTiming;
}

/** Starts ImportSnapshot from the S3 object and waits for the snapshot; an abort cancels the AWS task. */
export async function importSnapshot(options: ImportSnapshotOptions): Promise<{ snapshotId: string; importTaskId: string }> {
  const { ec2, signal } = options;
  let importTaskId: string | undefined;
  try {
    const started = await ec2.send(
      new ImportSnapshotCommand({
        Description: options.description,
        DiskContainer: { Description: options.description, Format: 'RAW', UserBucket: { S3Bucket: options.bucket, S3Key: options.key } },
        ClientToken: options.clientToken,
        TagSpecifications: options.tags.length > 0 ? [{ ResourceType: 'import-snapshot-task', Tags: options.tags }] : undefined,
      }),
      { abortSignal: signal },
    );
    importTaskId = started.ImportTaskId;
  } catch (error) {
    signal?.throwIfAborted();
    throw toPublishError('ImportSnapshot', error, { bucket: options.bucket, region: options.region });
  }
  if (!importTaskId) throw new AwsPublishError('ImportSnapshot', 'NoImportTaskId', 'AWS returned no import task ID');
  const taskId = importTaskId;

  try {
    const snapshotId = await pollUntil(
      async () => {
        const described = await ec2.send(new DescribeImportSnapshotTasksCommand({ ImportTaskIds: [taskId] }), { abortSignal: signal });
        const detail = described.ImportSnapshotTasks?.[0]?.SnapshotTaskDetail;
        const status = detail?.Status ?? 'unknown';
        if (status === 'completed') {
          if (!detail?.SnapshotId)
            throw new AwsPublishError('DescribeImportSnapshotTasks', 'NoSnapshotId', `import task ${taskId} completed without a snapshot ID`);
          options.onProgress?.(100, 'completed');
          return detail.SnapshotId;
        }
        if (status === 'deleted' || status === 'deleting') {
          const message = detail?.StatusMessage ?? 'the import task was deleted';
          throw new AwsPublishError('DescribeImportSnapshotTasks', importFailureCode(message), `import task ${taskId}: ${message}`, importFailureFix(message));
        }
        const percent = Number.parseInt(detail?.Progress ?? '0', 10);
        options.onProgress?.(Number.isFinite(percent) ? percent : 0, [status, detail?.StatusMessage].filter(Boolean).join(': '));
        return undefined;
      },
      options.timing ?? defaultImportTiming,
      signal,
      () => `import task ${taskId} did not finish in time`,
    );
    return { snapshotId, importTaskId: taskId };
  } catch (error) {
    if (signal?.aborted) {
      // The import keeps running (and costing) on AWS unless it is canceled there too.
      await ec2.send(new CancelImportTaskCommand({ ImportTaskId: taskId, CancelReason: 'Stamper build canceled' })).catch(() => undefined);
      signal.throwIfAborted();
    }
    throw toPublishError('DescribeImportSnapshotTasks', error, { bucket: options.bucket, region: options.region });
  }
}

/** ImportSnapshot reports failures as a StatusMessage such as "ClientError: Disk validation failed [...]". */
function importFailureCode(message: string): string {
  return /^([A-Za-z.]+):/.exec(message)?.[1] ?? 'ImportFailed';
}

function importFailureFix(message: string): string | undefined {
  if (/vmimport|service role|role/i.test(message)) return VMIMPORT_ROLE_FIX;
  if (/Disk validation failed|Unsupported/i.test(message)) {
    return 'AWS could not read the disk; the raw image must be a whole-disk image with a partition table (check the disk stage output)';
  }
  if (/S3|bucket|object/i.test(message)) return 'the vmimport role must be able to read the uploaded object (s3:GetObject, s3:ListBucket on the bucket)';
  return undefined;
}
