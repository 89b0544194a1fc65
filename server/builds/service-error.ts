import type { SpecIssue } from '../../src/spec/validation-error.ts';

/**
 * What the build service (and the code beside it) can refuse, by stable code. The service
 * knows nothing of HTTP: server/http/service-error-status.ts maps each code to a status,
 * and the CLI and workers read the code and message as they are.
 */
export type ServiceErrorCode =
  | 'empty_body'
  | 'invalid_spec'
  | 'not_found'
  | 'not_retryable'
  | 'not_cancelable'
  | 'build_active'
  | 'insufficient_storage'
  | 'artifact_gone'
  | 'not_rebuildable'
  | 'not_verified'
  | 'nothing_to_roll_back'
  | 'on_channel'
  | 'queue_unavailable';

export class ServiceError extends Error {
  override name = 'ServiceError';

  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly issues?: SpecIssue[],
  ) {
    super(message);
  }
}

export const notFound = (what: string): ServiceError => new ServiceError('not_found', `${what} not found`);
