import { buildKey } from '../../src/spec/build-key.ts';
import type { NodeImage } from '../../src/spec/schema.ts';
import type { SpecIssue } from '../../src/spec/validation-error.ts';
import { parseSpecYaml } from '../../src/spec/yaml-spec.ts';
import { ServiceError } from '../builds/service-error.ts';

export type SpecCheck = { ok: true; spec: NodeImage; specYaml: string; buildKey: string; issues: [] } | { ok: false; issues: SpecIssue[] };

/** A spec as submitted (YAML or JSON text), parsed and validated, with its build key. */
export async function checkSpecText(body: unknown): Promise<SpecCheck> {
  if (typeof body !== 'string' || body.trim() === '') {
    throw new ServiceError('empty_body', 'send the spec as YAML or JSON in the request body');
  }
  const parsed = parseSpecYaml(body);
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  return { ok: true, spec: parsed.value, specYaml: body, buildKey: await buildKey(parsed.value), issues: [] };
}

export type ValidSpec = Extract<SpecCheck, { ok: true }>;

/** The same check, for callers that go on only with a valid spec: anything else is a ServiceError. */
export async function requireValidSpec(body: unknown): Promise<ValidSpec> {
  const checked = await checkSpecText(body);
  if (!checked.ok) throw new ServiceError('invalid_spec', 'the spec is not valid', checked.issues);
  return checked;
}
