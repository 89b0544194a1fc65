import type { FastifyInstance } from 'fastify';
import { MAX_SPEC_BYTES } from '../../src/spec/yaml-spec.ts';

export const specContentTypes = ['application/json', 'text/plain', 'application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/**
 * Spec bodies reach the handler as text, JSON included: JSON is YAML, so one parser
 * gives line and column for both. Registered inside the spec and build plugins only,
 * so other route plugins keep Fastify's JSON parsing.
 */
export function acceptSpecText(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(specContentTypes, { parseAs: 'string', bodyLimit: MAX_SPEC_BYTES }, (_request, body, done) => {
    done(null, body);
  });
}
