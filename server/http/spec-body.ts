import type { FastifyInstance } from 'fastify';
import { buildKey } from '../../src/spec/build-key.ts';
import type { NodeImage } from '../../src/spec/schema.ts';
import type { SpecIssue } from '../../src/spec/validation-error.ts';
import { MAX_SPEC_BYTES, parseSpecYaml } from '../../src/spec/yaml-spec.ts';
import { HttpError } from './http-error.ts';

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

export type SpecCheck =
  | { ok: true; spec: NodeImage; specYaml: string; buildKey: string; issues: [] }
  | { ok: false; issues: SpecIssue[] };

export async function checkSpecText(body: unknown): Promise<SpecCheck> {
  if (typeof body !== 'string' || body.trim() === '') {
    throw new HttpError(400, 'empty_body', 'send the spec as YAML or JSON in the request body');
  }
  const parsed = parseSpecYaml(body);
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  return { ok: true, spec: parsed.value, specYaml: body, buildKey: await buildKey(parsed.value), issues: [] };
}
