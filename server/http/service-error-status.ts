import type { ServiceErrorCode } from '../builds/service-error.ts';

/** The HTTP status of each thing the service can refuse; the one place that knows both. */
export const serviceErrorStatus: Record<ServiceErrorCode, number> = {
  empty_body: 400,
  invalid_spec: 422,
  not_found: 404,
  not_retryable: 409,
  not_cancelable: 409,
  build_active: 409,
  insufficient_storage: 507,
  artifact_gone: 410,
  not_rebuildable: 409,
  not_verified: 409,
  nothing_to_roll_back: 409,
  on_channel: 409,
  queue_unavailable: 503,
};
