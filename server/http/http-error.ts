import type { SpecIssue } from '../../src/spec/validation-error.ts';

/** An error a client can act on: a stable code, words for people, and spec issues where there are some. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: SpecIssue[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what: string): HttpError => new HttpError(404, 'not_found', `${what} not found`);
