import { describe, expect, it } from 'vitest';
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
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    expect(parseSpecYaml(bomb).ok).toBe(false);
  });
});
