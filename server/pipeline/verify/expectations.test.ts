import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeImageSchema } from '../../../src/spec/schema';
import { minimalInput } from '../../../src/spec/test-specs';
import { guestExpectations } from './expectations';

describe('guestExpectations', () => {
  it('derives what the booted node must show from the spec', () => {
    const image = nodeImageSchema.parse(
      minimalInput({
        kubernetes: { version: '1.35.3', source: { type: 'apt' } },
        packages: ['jq', 'htop=3.4.1-1'],
        files: [{ path: '/etc/x.conf', content: 'x\n', mode: '600', owner: 'root:root' }],
        sysctl: { 'vm.max_map_count': '262144' },
      }),
    );
    const e = guestExpectations(image, 'key');
    expect(e.kubernetesVersion).toBe('1.35.3');
    expect(e.held).toEqual(['kubelet', 'kubeadm', 'kubectl']);
    expect(e.modules).toEqual(['overlay', 'br_netfilter']);
    expect(e.sysctls).toMatchObject({ 'net.ipv4.ip_forward': '1', 'vm.max_map_count': '262144' });
    expect(e.packages).toEqual([{ name: 'jq' }, { name: 'htop', version: '3.4.1-1' }]);
    expect(e.files[0]).toEqual({ path: '/etc/x.conf', sha256: createHash('sha256').update('x\n').digest('hex'), mode: '0600', owner: 'root:root' });
  });
});
