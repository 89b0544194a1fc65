import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { hasSecrets, redactSpec, redactSpecYaml, specSecretPaths } from './redact-secrets';
import { nodeImageSchema } from './schema';
import { REDACTED } from './secret-fields';
import { minimalInput } from './test-specs';
import { specToYaml } from './yaml-spec';

const hash = '$6$rounds=5000$saltsalt$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const key = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGTestKeyMaterialOnlyForTheRedactionTest==\n-----END PGP PUBLIC KEY BLOCK-----\n';
const sshKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtestkeymaterialonlyforredaction ops@example';

/** Every leaf field name in the schema, with its path, by the schema's own structure. */
function fieldPaths(schema: z.core.$ZodType, prefix: string[] = [], seen = new Set<z.core.$ZodType>()): string[][] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const inner = (value: unknown) => value as z.core.$ZodType;
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, z.core.$ZodType>).flatMap(([name, field]) => [
        [...prefix, name],
        ...fieldPaths(field, [...prefix, name], seen),
      ]);
    case 'array':
      return fieldPaths(inner(def.element), [...prefix, '*'], seen);
    case 'record':
      return fieldPaths(inner(def.valueType), [...prefix, '*'], seen);
    case 'union':
      return (def.options as z.core.$ZodType[]).flatMap((option) => fieldPaths(option, prefix, seen));
    case 'pipe':
      return [...fieldPaths(inner(def.in), prefix, seen), ...fieldPaths(inner(def.out), prefix, seen)];
    default:
      return 'innerType' in def ? fieldPaths(inner(def.innerType), prefix, seen) : [];
  }
}

const secretLooking = /password|secret|token|credential|private|key/i;
/** Fields whose names look secret but hold none, each with the reason. */
const notSecret: Record<string, string> = {
  'spec.kubernetes.source.signingKeyUrl': 'a URL where a public key is served, not the key',
  'spec.repositories.*.signingKeyUrl': 'a URL where a public key is served, not the key',
};

describe('secret fields, read from the schema', () => {
  it('marks the password hash, inline signing keys and SSH keys', () => {
    expect(specSecretPaths.map((path) => path.join('.'))).toEqual(
      expect.arrayContaining(['spec.users.*.passwordHash', 'spec.users.*.sshAuthorizedKeys', 'spec.repositories.*.signingKey']),
    );
  });

  it('leaves no field whose name looks secret unmarked (a new secret field must be registered in schema.ts)', () => {
    const marked = new Set(specSecretPaths.map((path) => path.join('.')));
    const looking = fieldPaths(nodeImageSchema)
      .filter((path) => secretLooking.test(path.at(-1) ?? ''))
      .map((path) => path.join('.'));
    // the walk reaches the nested fields, so an empty list below means something
    expect(looking).toEqual(expect.arrayContaining(['spec.users.*.passwordHash', 'spec.repositories.*.signingKeyUrl']));
    expect(looking.filter((path) => !marked.has(path) && !(path in notSecret))).toEqual([]);
  });
});

describe('redacting a spec', () => {
  const spec = nodeImageSchema.parse(
    minimalInput({
      users: [{ name: 'ops', passwordHash: hash, sshAuthorizedKeys: [sshKey] }],
      repositories: [{ name: 'extra', url: 'https://repo.example/debian', suite: 'stable', signingKey: key }],
    }),
  );

  it('replaces every secret with the placeholder and keeps the rest', () => {
    const redacted = redactSpec(spec);
    expect(redacted.spec.users[0]?.passwordHash).toBe(REDACTED);
    expect(redacted.spec.users[0]?.sshAuthorizedKeys).toEqual([REDACTED]);
    expect(redacted.spec.repositories[0]?.signingKey).toBe(REDACTED);
    expect(redacted.spec.users[0]?.name).toBe('ops');
    expect(JSON.stringify(redacted)).not.toContain('saltsalt');
    // the original is untouched: the server keeps building from it
    expect(spec.spec.users[0]?.passwordHash).toBe(hash);
    expect(hasSecrets(spec)).toBe(true);
    expect(hasSecrets(nodeImageSchema.parse(minimalInput()))).toBe(false);
  });

  it('redacts the YAML in place, keeping comments', () => {
    const yaml = `# the edge nodes\n${specToYaml(spec)}`;
    const redacted = redactSpecYaml(yaml, spec);
    expect(redacted).toContain('# the edge nodes');
    expect(redacted).toContain(REDACTED);
    for (const secret of ['saltsalt', 'TestKeyMaterial', 'AAAAC3Nza']) expect(redacted).not.toContain(secret);
  });

  it('redacts a draft from its own text, and gives up (null) on text that does not parse but names a secret field', () => {
    const draft = `# mine\n${specToYaml(spec)}`;
    const redacted = redactSpecYaml(draft);
    expect(redacted).toContain('# mine');
    expect(redacted).not.toContain('saltsalt');
    expect(redactSpecYaml(`spec:\n  users:\n    - passwordHash: "${hash}"\n   bad: [`)).toBeNull();
    const plain = specToYaml(nodeImageSchema.parse(minimalInput()));
    expect(redactSpecYaml(plain)).toBe(plain);
  });

  it('writes the YAML afresh when a secret would survive in a comment or an alias', () => {
    const yaml = `# old hash was ${hash}\n${specToYaml(spec)}`;
    const redacted = redactSpecYaml(yaml, spec);
    expect(redacted).not.toContain('saltsalt');
    expect(redacted).toContain(REDACTED);
  });
});
