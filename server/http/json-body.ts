import type { FastifyInstance } from 'fastify';
import { objectPropertyKeyIssues } from '../../src/spec/object-property-keys.ts';
import { HttpError } from './http-error.ts';

/**
 * JSON bodies of the routes that take JSON (spec routes take text, see spec-body.ts).
 * Fastify's own parser answers a "__proto__" key with "Body is not valid JSON" and lets
 * "constructor" and "prototype" through; here JSON.parse keeps every key as an own
 * property, and a key that names object machinery is refused with its path.
 */
export function acceptJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(new HttpError(400, 'empty_body', 'the body is empty but content-type is application/json'), undefined);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      return done(new HttpError(400, 'bad_request', `the body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`), undefined);
    }
    const issues = objectPropertyKeyIssues(data);
    const first = issues[0];
    if (first) return done(new HttpError(400, 'bad_request', `${first.message} (at ${first.path.join('.')})`, issues), undefined);
    return done(null, data);
  });
}
