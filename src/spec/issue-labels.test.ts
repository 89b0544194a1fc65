import { describe, expect, it } from 'vitest';
import { nodeImageSchema } from './schema';
import { newNodeImage } from './defaults';
import { issuesFromZod } from './validation-error';
import { describeIssue, describePath } from './issue-labels';

describe('issue labels', () => {
  it('names fields by their form label with 1-based item numbers', () => {
    expect(describePath(['spec', 'packages', 1])).toBe('Packages, item 2');
    expect(describePath(['spec', 'users', 1, 'groups', 0])).toBe('Users, item 2, groups, item 1');
    expect(describePath(['spec', 'disk', 'sizeGiB'])).toBe('Disk size');
    expect(describePath(['spec', 'runtime', 'upstream', 'sha256'])).toBe('containerd tarball SHA-256');
  });

  it('describes a schema issue without the spec path', () => {
    const spec = newNodeImage();
    const parsed = nodeImageSchema.safeParse({ ...spec, spec: { ...spec.spec, packages: ['jq', ';rm -rf /'] } });
    expect(parsed.success).toBe(false);
    const [issue] = parsed.success ? [] : issuesFromZod(parsed.error);
    expect(issue && describeIssue(issue)).toMatch(/^Packages, item 2: must be a Debian package name/);
    expect(issue && describeIssue(issue)).not.toContain('spec.packages');
  });
});
