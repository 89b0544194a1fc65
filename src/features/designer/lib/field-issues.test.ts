import { describe, expect, it } from 'vitest';
import { fieldIssueMessages, unplacedIssues } from './field-issues';

const issues = [
  { path: ['metadata', 'name'], message: 'must be a DNS label' },
  { path: ['spec', 'packages', 2], message: 'must be a Debian package name' },
  { path: ['spec', 'sysctl', 'bad key'], message: 'key "bad key" is not allowed' },
  { path: ['spec', 'sysctl', 'net.core.somaxconn'], message: 'may contain only letters' },
  { path: ['spec', 'users', 0, 'name'], message: 'is reserved' },
  { path: ['spec', 'verify'], message: 'odd' },
];

describe('field issue mapping', () => {
  it('matches a field by its exact path', () => {
    expect(fieldIssueMessages(issues, ['metadata', 'name'])).toEqual(['must be a DNS label']);
    expect(fieldIssueMessages(issues, ['spec', 'packages'])).toEqual([]);
  });

  it('names nested issues relative to the field', () => {
    expect(fieldIssueMessages(issues, ['spec', 'packages'], { nested: true })).toEqual(['item 3: must be a Debian package name']);
    expect(fieldIssueMessages(issues, ['spec', 'sysctl'], { nested: true })).toEqual([
      'key "bad key" is not allowed',
      'net.core.somaxconn: may contain only letters',
    ]);
    expect(fieldIssueMessages(issues, ['spec', 'users'], { nested: true })).toEqual(['item 1 (name): is reserved']);
  });

  it('lists issues that no field shows', () => {
    expect(unplacedIssues(issues, [['metadata'], ['spec', 'packages'], ['spec', 'sysctl'], ['spec', 'users']])).toEqual([issues[5]]);
  });
});
