import type { FastifyError, FastifyInstance } from 'fastify';
import type { ApiError } from '../../src/spec/build-api.ts';
import { ServiceError } from '../builds/service-error.ts';
import { HttpError } from './http-error.ts';
import { serviceErrorStatus } from './service-error-status.ts';

/** Codes for Fastify's own client errors, so every 4xx body has the same shape. */
const fastifyCodes: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_VALIDATION: 'bad_request',
};

/**
 * A write that failed for lack of space, from Node (ENOSPC, EDQUOT) or from SQLite
 * (SQLITE_FULL). Looked up on
 * the error's cause chain too, since stores and streams wrap what they rethrow.
 */
export function isOutOfSpace(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ENOSPC|EDQUOT|SQLITE_FULL)$/.test(code)) return true;
  }
  return false;
}

/**
 * The database (Postgres, scale-out) refused or dropped the connection: full (53300), shut
 * down or starting (57P0x), a broken connection (class 08), unreachable, or the pool's
 * connect timeout. The request may succeed later; nothing about it was wrong.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^(53300|57P0[123]|08\d{3}|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH)$/.test(code)) return true;
    if (/^(timeout exceeded when trying to connect|Connection terminated)/.test(current.message)) return true;
  }
  return false;
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as Partial<FastifyError>).statusCode === 'number';
}

/**
 * One place turns every thrown error into `{code, message, issues?}`. Client errors
 * say what was wrong; server errors are logged with the request and answered with a
 * fixed message, so paths, SQL or stack traces never reach a browser.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof HttpError) {
      const body: ApiError = { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) };
      return reply.code(error.statusCode).send(body);
    }
    if (error instanceof ServiceError) {
      const body: ApiError = { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) };
      return reply.code(serviceErrorStatus[error.code]).send(body);
    }
    if (isFastifyError(error) && error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      const code = error.statusCode === 429 ? 'rate_limited' : (fastifyCodes[error.code] ?? 'bad_request');
      const body: ApiError = { code, message: error.message };
      return reply.code(error.statusCode).send(body);
    }
    if (isOutOfSpace(error)) {
      request.log.error({ err: error }, 'request failed: out of disk space');
      const body: ApiError = { code: 'insufficient_storage', message: 'the server is out of disk space; free some space or ask the operator to' };
      return reply.code(507).send(body);
    }
    if (isDatabaseUnavailable(error)) {
      request.log.error({ err: error }, 'request failed: the database is unavailable');
      const body: ApiError = { code: 'database_unavailable', message: 'the database is unavailable or has no free connection; try again shortly' };
      return reply.code(503).header('retry-after', '5').send(body);
    }
    request.log.error({ err: error }, 'request failed');
    const body: ApiError = { code: 'internal', message: 'internal server error' };
    return reply.code(500).send(body);
  });
}
