import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { newNodeImage } from './defaults';
import { MAX_SPEC_BYTES, parseSpecYaml, specToYaml } from './yaml-spec';

describe('YAML round trips', () => {
  it('parses what it prints, to an equal spec', () => {
    const image = newNodeImage('round-trip');
    image.spec.packages = ['htop', 'jq=1.6-2.1'];
    image.spec.users = [{ name: 'ops', groups: ['adm'], sudo: true, sshAuthorizedKeys: [], shell: '/bin/bash' }];
    image.spec.sysctl = { 'vm.max_map_count': '262144' };
    image.spec.files = [{ path: '/etc/motd', content: 'line one\nline two: "quoted"\n', mode: '0644', owner: 'root:root' }];
    const result = parseSpecYaml(specToYaml(image));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toEqual(image);
  });

  it('accepts JSON, which is YAML too', () => {
    const result = parseSpecYaml(JSON.stringify(newNodeImage('json')));
    expect(result.ok).toBe(true);
  });

  it('prints apiVersion, kind, metadata, spec in that order', () => {
    const lines = specToYaml(newNodeImage()).split('\n');
    expect(lines.slice(0, 3)).toEqual(['apiVersion: stamper/v1alpha1', 'kind: NodeImage', 'metadata:']);
  });
});

describe('YAML errors carry positions', () => {
  it('gives line and column of a syntax error', () => {
    const result = parseSpecYaml('apiVersion: stamper/v1alpha1\nkind: NodeImage\nmetadata: [\n');
    expect(result.ok).toBe(false);
    expect(result.issues[0]?.line).toBeGreaterThanOrEqual(3);
    expect(result.issues[0]?.column).toBeGreaterThan(0);
  });

  it('rejects duplicate keys, which would otherwise hide a value', () => {
    const result = parseSpecYaml('apiVersion: stamper/v1alpha1\napiVersion: x\n');
    expect(result.ok).toBe(false);
    expect(result.issues[0]?.line).toBe(2);
  });

  it('points a schema error at the offending value', () => {
    const text = `apiVersion: stamper/v1alpha1
kind: NodeImage
metadata:
  name: web
spec:
  packages:
    - htop
    - "rm -rf"
`;
    const result = parseSpecYaml(text);
    expect(result.ok).toBe(false);
    const issue = result.issues.find((i) => i.path.join('.') === 'spec.packages.1');
    expect(issue).toMatchObject({ line: 8, column: 7 });
    expect(issue?.message).toContain('Debian package name');
  });

  it('points at the key when a required value is missing', () => {
    const result = parseSpecYaml('apiVersion: stamper/v1alpha1\nkind: NodeImage\nmetadata:\n  description: x\nspec: {}\n');
    expect(result.ok).toBe(false);
    const issue = result.issues.find((i) => i.path.join('.') === 'metadata.name');
    expect(issue?.line).toBe(4);
  });

  it('refuses oversized documents and alias bombs', () => {
    expect(parseSpecYaml('x'.repeat(MAX_SPEC_BYTES + 1)).issues[0]?.message).toContain('larger than');
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ),
    ].join('\n');
    expect(parseSpecYaml(bomb).ok).toBe(false);
  });
});

describe('keys that name JavaScript object properties', () => {
  const records = [
    {
      field: 'metadata.labels',
      ordinary: 'team',
      yaml: (key: string) => `metadata:\n  name: w\n  labels:\n    ${key}: x\nspec: {}\n`,
      path: (key: string) => ['metadata', 'labels', key],
    },
    {
      field: 'spec.sysctl',
      ordinary: 'net.ipv4.ip_forward',
      yaml: (key: string) => `metadata:\n  name: w\nspec:\n  sysctl:\n    ${key}: "1"\n`,
      path: (key: string) => ['spec', 'sysctl', key],
    },
    {
      field: 'spec.outputs[0].tags',
      ordinary: 'team',
      yaml: (key: string) =>
        `metadata:\n  name: w\nspec:\n  outputs:\n    - format: ami\n      region: eu-west-1\n      bucket: images\n      tags:\n        ${key}: x\n`,
      path: (key: string) => ['spec', 'outputs', 0, 'tags', key],
    },
  ];
  const header = 'apiVersion: stamper/v1alpha1\nkind: NodeImage\n';

  it.each(records.flatMap((record) => ['__proto__', 'constructor', 'prototype'].map((key) => ({ ...record, key }))))(
    'rejects $key in $field, in YAML and in JSON',
    ({ yaml, path, key }) => {
      const fromYaml = parseSpecYaml(header + yaml(key));
      expect(fromYaml.ok).toBe(false);
      expect(fromYaml.issues).toContainEqual(
        expect.objectContaining({ path: path(key), message: expect.stringContaining(`"${key}"`), line: expect.any(Number) }),
      );
      const asJson = JSON.stringify(parseDocument(header + yaml('placeholder-key')).toJS()).replace('placeholder-key', key);
      const fromJson = parseSpecYaml(asJson);
      expect(fromJson.ok).toBe(false);
      expect(fromJson.issues).toContainEqual(expect.objectContaining({ path: path(key), message: expect.stringContaining('not allowed') }));
    },
  );

  it('still accepts the same records with ordinary keys', () => {
    for (const record of records) expect(parseSpecYaml(header + record.yaml(record.ordinary)).issues).toEqual([]);
  });
});
