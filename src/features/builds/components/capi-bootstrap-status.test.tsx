// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { CapiBootstrapStatus } from './capi-bootstrap-status';

afterEach(cleanup);

const check = (ok: boolean) => ({
  name: 'capi-bootstrap',
  ok,
  detail: ok ? 'join config written; sentinel present' : '/run/cluster-api/bootstrap-success.complete missing',
});

describe('CapiBootstrapStatus', () => {
  it('shows the Cluster API bootstrap result as its own line, with the guest’s detail', () => {
    render(<CapiBootstrapStatus checks={[{ name: 'swap-off', ok: true, detail: '' }, check(true)]} testImage />);
    const group = screen.getByRole('group', { name: 'Cluster API bootstrap' });
    expect(group.querySelector('strong')?.textContent).toBe('Cluster API bootstrap: passed');
    expect(group.textContent).toContain('join config written; sentinel present');
    expect(group.textContent).toContain('the stand-in');
  });

  it('says failed when the check failed, and explains the real-kubeadm outcome for a real image', () => {
    render(<CapiBootstrapStatus checks={[check(false)]} testImage={false} />);
    const group = screen.getByRole('group', { name: 'Cluster API bootstrap' });
    expect(group.querySelector('strong')?.textContent).toBe('Cluster API bootstrap: failed');
    expect(group.textContent).toContain('for want of a control plane');
  });

  it('explains the stand-in outcome when the guest found the stand-in kubeadm, test image or not', () => {
    render(<CapiBootstrapStatus checks={[{ name: 'capi-bootstrap', ok: true, detail: 'kubeadm stand-in; sentinel present' }]} testImage={false} />);
    expect(screen.getByRole('group', { name: 'Cluster API bootstrap' }).textContent).toContain('the stand-in');
  });

  it('shows nothing for a build whose boot check had no bootstrap check', () => {
    render(<CapiBootstrapStatus checks={[{ name: 'swap-off', ok: true, detail: '' }]} testImage={false} />);
    expect(screen.queryByRole('group')).toBeNull();
  });
});
