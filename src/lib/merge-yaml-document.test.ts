import { describe, expect, it } from 'vitest';
import { newNodeImage } from '@/spec/defaults';
import { specToYaml } from '@/spec/yaml-spec';
import { mergeSpecIntoYaml } from './merge-yaml-document';

describe('mergeSpecIntoYaml', () => {
  const base = newNodeImage('workers');

  it('keeps comments and block scalars the user wrote', () => {
    const next = structuredClone(base);
    next.spec.files = [{ path: '/etc/motd', content: 'hello\nworld\n', mode: '0644', owner: 'root:root' }];
    const text = mergeSpecIntoYaml(`# top comment\n${specToYaml(next)}`.replace('content: |', 'content: | # greeting'), next);
    const changed = structuredClone(next);
    changed.metadata.name = 'edge';
    const merged = mergeSpecIntoYaml(text, changed);
    expect(merged).toContain('# top comment');
    expect(merged).toContain('name: edge');
    expect(merged).toMatch(/content: \|/);
  });

  it('writes new list items in block style, and drops removed keys', () => {
    const next = structuredClone(base);
    next.spec.kernelModules = ['br_netfilter', 'overlay'];
    next.spec.os.mirror = 'http://mirror.example.com/debian';
    let text = mergeSpecIntoYaml(specToYaml(base), next);
    expect(text).toMatch(/kernelModules:\n\s+- br_netfilter\n\s+- overlay/);
    expect(text).toContain('mirror: http://mirror.example.com/debian');
    delete next.spec.os.mirror;
    next.spec.kernelModules = ['overlay'];
    text = mergeSpecIntoYaml(text, next);
    expect(text).not.toContain('mirror');
    expect(text).not.toContain('br_netfilter');
  });

  it('does not keep "" quoting once an emptied field gets a value again', () => {
    const emptied = structuredClone(base);
    emptied.metadata.name = '';
    const text = mergeSpecIntoYaml(specToYaml(base), emptied);
    expect(text).toContain('name: ""');
    const named = structuredClone(base);
    named.metadata.name = 'edge';
    expect(mergeSpecIntoYaml(text, named)).toContain('name: edge\n');
  });

  it('starts fresh when the current text does not parse', () => {
    expect(mergeSpecIntoYaml('metadata: [broken', base)).toBe(specToYaml(base));
  });
});
