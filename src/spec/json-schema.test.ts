import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { newNodeImage } from './defaults';
import { nodeImageJsonSchema } from './json-schema';

describe('nodeImageJsonSchema', () => {
  const schema = nodeImageJsonSchema();
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);

  it('accepts a spec that the zod schema produced', () => {
    expect(validate(newNodeImage())).toBe(true);
  });

  it('keeps defaulted fields optional, as a person writing YAML sees them', () => {
    expect(validate({ apiVersion: 'stamper/v1alpha1', kind: 'NodeImage', metadata: { name: 'a' }, spec: {} })).toBe(true);
  });

  it('rejects the same bad field the zod schema rejects', () => {
    const bad = { apiVersion: 'stamper/v1alpha1', kind: 'NodeImage', metadata: { name: 'a' }, spec: { packages: ['Bad Name'] } };
    expect(validate(bad)).toBe(false);
    expect(validate.errors?.some((e) => e.instancePath === '/spec/packages/0' || e.instancePath.startsWith('/spec'))).toBe(true);
  });

  it('describes fields so the editor can show hovers', () => {
    expect(JSON.stringify(schema)).toContain('Release code name');
  });
});
