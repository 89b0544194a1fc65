// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { estimateRemaining } from '../lib/eta';
import { BuildProgress } from './build-progress';

afterEach(cleanup);

const t0 = Date.parse('2026-11-24T18:00:00Z');
const stage = (name: 'rootfs' | 'disk' | 'verify', status: 'pending' | 'running' | 'succeeded' | 'failed', progress = 0) => ({
  name,
  status,
  progress,
  startedAt: status === 'pending' ? null : '2026-11-24T18:00:00Z',
});

describe('BuildProgress', () => {
  it('shows a failed build as failed at its stage, not as a percentage', () => {
    // everything but the boot check done: by weight, most of the build
    const estimate = estimateRemaining([stage('rootfs', 'succeeded'), stage('disk', 'succeeded'), stage('verify', 'failed', 80)], {}, t0);
    expect(estimate.overallPercent).toBeGreaterThan(50);
    render(<BuildProgress state="failed" queuePosition={null} estimate={estimate} elapsedMs={90_000} historyKnown={false} failedStage="verify" />);
    const bar = screen.getByRole('progressbar', { name: 'Overall progress' });
    expect(bar.getAttribute('aria-valuetext')).toBe('Failed at Boot check');
    expect(screen.getByText('Failed at Boot check')).toBeTruthy();
    expect(screen.queryByText(/%/)).toBeNull();
  });

  it('gives the first build on a new server an ETA from the reference machine, labelled as an estimate', () => {
    const estimate = estimateRemaining([stage('rootfs', 'running', 10), stage('disk', 'pending'), stage('verify', 'pending')], {}, t0 + 2_000);
    render(<BuildProgress state="running" queuePosition={null} estimate={estimate} elapsedMs={2_000} historyKnown={false} failedStage={null} />);
    const left = screen.getByText(/^about /);
    expect(left.textContent).toMatch(/^about 1 min \d\d s \(estimate from a reference machine/);
    expect(screen.queryByText(/unknown/)).toBeNull();
  });
});
