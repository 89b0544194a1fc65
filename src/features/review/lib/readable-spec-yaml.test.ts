import { describe, expect, it } from 'vitest';
import { readableSpecYaml } from './readable-spec-yaml';

describe('readableSpecYaml', () => {
  it('turns a JSON submission into YAML', () => {
    expect(readableSpecYaml('{"kind":"NodeImage","metadata":{"name":"a"}}')).toBe('kind: NodeImage\nmetadata:\n  name: a\n');
  });

  it('keeps YAML, comments included, as written', () => {
    const yaml = '# mine\nkind: NodeImage\n';
    expect(readableSpecYaml(yaml)).toBe(yaml);
  });
});
