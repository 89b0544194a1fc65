import { isDocument, parseDocument } from 'yaml';
import type { z } from 'zod';
import { nodeImageSchema } from './schema';
import { REDACTED, secretFields } from './secret-fields';
import { specToYaml } from './yaml-spec';

/** A path into the spec; `*` stands for every element of an array or every value of a record. */
export type SecretPath = readonly (string | '*')[];

type Walkable = z.core.$ZodType;

/** Every path in `schema` whose schema is marked in `secretFields`, found by walking the schema itself. */
export function secretPathsOf(schema: Walkable, prefix: SecretPath = [], seen = new Set<Walkable>()): SecretPath[] {
  if (secretFields.has(schema)) return [prefix];
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = schema._zod.def;
  const walk = (inner: Walkable, path: SecretPath = prefix) => secretPathsOf(inner, path, seen);
  switch (def.type) {
    case 'object': {
      const shape = (def as z.core.$ZodObjectDef).shape;
      return Object.entries(shape).flatMap(([key, field]) => walk(field, [...prefix, key]));
    }
    case 'array':
      return walk((def as z.core.$ZodArrayDef).element, [...prefix, '*']);
    case 'record':
      return walk((def as z.core.$ZodRecordDef).valueType, [...prefix, '*']);
    case 'union':
      return dedupe((def as z.core.$ZodUnionDef).options.flatMap((option) => walk(option)));
    case 'intersection': {
      const { left, right } = def as z.core.$ZodIntersectionDef;
      return dedupe([...walk(left), ...walk(right)]);
    }
    case 'pipe': {
      const { in: input, out } = def as z.core.$ZodPipeDef;
      return dedupe([...walk(input), ...walk(out)]);
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return walk((def as z.core.$ZodOptionalDef).innerType);
    case 'lazy':
      return walk((def as z.core.$ZodLazyDef).getter());
    default:
      return [];
  }
}

function dedupe(paths: SecretPath[]): SecretPath[] {
  const byText = new Map(paths.map((path) => [path.join('\u0000'), path]));
  return [...byText.values()];
}

/** The secret paths of a NodeImage, computed once. */
export const specSecretPaths: readonly SecretPath[] = secretPathsOf(nodeImageSchema);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The concrete paths (indices and keys filled in) where `data` holds a value at one of the secret paths. */
function concretePaths(data: unknown, path: SecretPath, at: (string | number)[] = []): (string | number)[][] {
  if (path.length === 0) {
    if (data === undefined) return [];
    // A marked list (SSH keys) keeps its length, so a reader still sees how many there are.
    if (Array.isArray(data)) return data.map((_item, index) => [...at, index]);
    return [at];
  }
  const [head, ...rest] = path;
  if (head === '*') {
    if (Array.isArray(data)) return data.flatMap((item, index) => concretePaths(item, rest, [...at, index]));
    if (isRecord(data)) return Object.entries(data).flatMap(([key, item]) => concretePaths(item, rest, [...at, key]));
    return [];
  }
  if (head === undefined || !isRecord(data) || !Object.hasOwn(data, head)) return [];
  return concretePaths(data[head], rest, [...at, head]);
}

function valueAt(data: unknown, path: (string | number)[]): unknown {
  let current = data;
  for (const key of path) {
    if (Array.isArray(current) && typeof key === 'number') current = current[key];
    else if (isRecord(current) && typeof key === 'string') current = current[key];
    else return undefined;
  }
  return current;
}

function secretLeaves(data: unknown): (string | number)[][] {
  return specSecretPaths.flatMap((path) => concretePaths(data, path));
}

/** Whether the spec holds any secret value at all (nothing to redact otherwise). */
export function hasSecrets(spec: unknown): boolean {
  return secretLeaves(spec).length > 0;
}

/** A copy of `spec` with every secret value replaced by the placeholder. */
export function redactSpec<T>(spec: T): T {
  const copy = structuredClone(spec);
  for (const leaf of secretLeaves(copy)) {
    const parent = valueAt(copy, leaf.slice(0, -1));
    const key = leaf.at(-1);
    if (Array.isArray(parent) && typeof key === 'number') parent[key] = REDACTED;
    else if (isRecord(parent) && typeof key === 'string') parent[key] = REDACTED;
  }
  return copy;
}

/**
 * The submitted YAML with its secret values replaced, comments and order kept. When the
 * text cannot be redacted in place without a secret surviving somewhere (an anchor reused
 * elsewhere, a comment quoting it), the YAML is written afresh from the redacted spec.
 * Without `spec` (a draft in the browser) the text's own data is the spec; text that does
 * not parse and names a secret field cannot be redacted, and null says so.
 */
export function redactSpecYaml(specYaml: string, spec?: unknown): string | null {
  const secrets = stringsAt(spec);
  if (secrets.length === 0 && !secretsInText(specYaml)) return specYaml;
  let data: unknown = spec;
  const orFresh = () => (data === undefined ? null : specToYaml(redactSpec(data) as Record<string, unknown>));
  try {
    const doc = parseDocument(specYaml, { uniqueKeys: true });
    if (!isDocument(doc) || doc.errors.length > 0) return orFresh();
    const parsed: unknown = doc.toJS({ maxAliasCount: 100 });
    data ??= parsed;
    secrets.push(...stringsAt(parsed));
    for (const leaf of secretLeaves(parsed)) doc.setIn(leaf, REDACTED);
    const text = doc.toString();
    return secrets.some((secret) => text.includes(secret)) ? orFresh() : text;
  } catch {
    return orFresh();
  }
}

function stringsAt(data: unknown): string[] {
  if (data === undefined) return [];
  return secretLeaves(data)
    .map((leaf) => valueAt(data, leaf))
    .filter((value): value is string => typeof value === 'string' && value.length > 0);
}

/** A cheap guard for text whose parsed form was not given: does it name a secret field at all. */
function secretsInText(text: string): boolean {
  return specSecretPaths.some((path) => {
    const field = path.filter((part) => part !== '*').at(-1);
    return field !== undefined && text.includes(field);
  });
}
