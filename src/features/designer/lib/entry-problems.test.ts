import { describe, expect, it } from 'vitest';
import { newNodeImage } from '@/spec/defaults';
import { entryProblems } from './entry-problems';

describe('entryProblems', () => {
  it('takes the message from the schema for an entry that breaks its rule', () => {
    const draft = newNodeImage();
    expect(entryProblems(draft, (d) => void d.spec.packages.push(';rm'), ['spec', 'packages', 0])).toEqual([
      expect.stringMatching(/^must be a Debian package name/),
    ]);
    expect(entryProblems(draft, (d) => void d.spec.packages.push('htop=3.4.1-5'), ['spec', 'packages', 0])).toEqual([]);
  });

  it('ignores problems elsewhere in the draft', () => {
    const draft = newNodeImage();
    draft.metadata.name = 'Not_Valid';
    draft.spec.kernelModules.push('bad module');
    expect(entryProblems(draft, (d) => void d.spec.kernelModules.push('br_netfilter'), ['spec', 'kernelModules', 1])).toEqual([]);
  });

  it('checks a sysctl key and its value with the record rules', () => {
    const draft = newNodeImage();
    const problems = (key: string, value: string) => entryProblems(draft, (d) => void (d.spec.sysctl[key] = value), ['spec', 'sysctl', key]);
    expect(problems('net.ipv4.ip_forward', '1')).toEqual([]);
    expect(problems('Not A Key', '1')).toEqual([expect.stringMatching(/^key "Not A Key" must be a dotted sysctl name/)]);
    expect(problems('net.ipv4.ip_forward', '1; reboot')).toEqual([expect.stringMatching(/^may contain only/)]);
  });

  it('counts cross-field rules at the entry, such as a repeated user name or file path', () => {
    const draft = newNodeImage();
    draft.spec.users.push({ name: 'admin', groups: [], sudo: false, sshAuthorizedKeys: [], shell: '/bin/bash' });
    draft.spec.files.push({ path: '/etc/motd', content: '', mode: '0644', owner: 'root:root' });
    const user = (name: string) =>
      entryProblems(draft, (d) => void d.spec.users.push({ name, groups: [], sudo: false, sshAuthorizedKeys: [], shell: '/bin/bash' }), ['spec', 'users', 1]);
    expect(user('admin')).toEqual(['user "admin" is listed more than once']);
    expect(user('root')).toEqual(['is a system account name and cannot be created']);
    expect(user('ops')).toEqual([]);
    const file = (path: string) =>
      entryProblems(draft, (d) => void d.spec.files.push({ path, content: '', mode: '0644', owner: 'root:root' }), ['spec', 'files', 1]);
    expect(file('/etc/motd')).toEqual(['/etc/motd is listed more than once']);
    expect(file('etc/motd')).toEqual(['must be an absolute path (start with /)']);
    expect(file('/etc/issue')).toEqual([]);
  });
});

describe('entryProblems within a scope', () => {
  it('reports a rule the entry breaks against its neighbours, but not older problems', () => {
    const draft = newNodeImage();
    draft.spec.services.enable.push('chrony.service');
    draft.spec.services.disable.push('not a unit');
    expect(entryProblems(draft, (d) => void d.spec.services.disable.push('chrony.service'), ['spec', 'services'])).toEqual([
      'chrony.service cannot be both enabled and disabled',
    ]);
    expect(entryProblems(draft, (d) => void d.spec.services.disable.push('apt-daily.timer'), ['spec', 'services'])).toEqual([]);
  });
});
