import { describe, expect, it } from 'vitest';
import { diffSbom } from './sbom-diff';

const pkg = (name: string, version: string) => ({ name, version, sizeBytes: 1000 });

describe('diffSbom', () => {
  it('lists added, removed and changed packages by name', () => {
    const diff = diffSbom([pkg('bash', '5.2'), pkg('curl', '8.0'), pkg('vim', '9')], [pkg('bash', '5.2'), pkg('curl', '8.1'), pkg('jq', '1.7')]);
    expect(diff.added.map((c) => c.name)).toEqual(['jq']);
    expect(diff.removed.map((c) => c.name)).toEqual(['vim']);
    expect(diff.changed).toEqual([{ name: 'curl', kind: 'changed', before: pkg('curl', '8.0'), after: pkg('curl', '8.1') }]);
    expect(diff.unchangedCount).toBe(1);
  });

  it('is empty for identical lists', () => {
    const list = [pkg('a', '1'), pkg('b', '2')];
    expect(diffSbom(list, list)).toEqual({ added: [], removed: [], changed: [], unchangedCount: 2 });
  });
});
