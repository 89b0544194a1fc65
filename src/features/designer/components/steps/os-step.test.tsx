// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CONTAINERD_RELEASES_URL,
  defaultKubernetesMinor,
  defaultRelease,
  kubernetesMinors,
  outputFormats,
  releases,
  suggestedUpstreamContainerd,
} from '@/spec/catalog';
import type { Catalog } from '@/lib/api/get-catalog';
import { useDraftStore } from '@/stores/draft-store';
import { OsStep } from './os-step';

const catalog: Catalog = {
  releases: releases.map((r) => ({ ...r, compatibility: [] })),
  kubernetesMinors,
  outputFormats: outputFormats.map((f) => ({ ...f })),
  defaults: { release: defaultRelease, kubernetesMinor: defaultKubernetesMinor },
  upstreamContainerd: { version: suggestedUpstreamContainerd, releasesUrl: CONTAINERD_RELEASES_URL },
};

beforeEach(() => {
  localStorage.clear();
  useDraftStore.getState().reset();
});
afterEach(cleanup);

describe('OsStep', () => {
  it('shows a YAML schema error on the matching field', () => {
    const text = useDraftStore.getState().yamlText.replace('name: my-node-image', 'name: Bad_Name');
    useDraftStore.getState().setFromYaml(text);
    render(<OsStep catalog={catalog} />);
    const name = screen.getByLabelText('Image name');
    expect(name).toHaveProperty('value', 'Bad_Name');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    const describedBy = name.getAttribute('aria-describedby') ?? '';
    const description = describedBy
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ');
    const nameIssue = useDraftStore.getState().issues.find((i) => i.path.join('.') === 'metadata.name');
    expect(nameIssue).toBeDefined();
    expect(description).toContain(nameIssue?.message);
  });

  it('shows a cross-field error on the field the rule names', () => {
    const text = useDraftStore.getState().yamlText.replace('release: trixie', 'release: noble');
    useDraftStore.getState().setFromYaml(text);
    render(<OsStep catalog={catalog} />);
    expect(screen.getByLabelText('Mirror URL').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/needs a mirror URL: this build host/)).toBeTruthy();
  });

  it('marks releases that need a mirror before they are picked', () => {
    render(<OsStep catalog={catalog} />);
    const noble = screen.getByRole('radio', { name: /Ubuntu 24\.04/ });
    const details = document.getElementById(noble.getAttribute('aria-describedby') ?? '');
    expect(details?.textContent).toContain('needs a mirror URL');
  });

  it('writes a form edit into the YAML', async () => {
    render(<OsStep catalog={catalog} />);
    const name = screen.getByLabelText('Image name');
    await userEvent.clear(name);
    await userEvent.type(name, 'edge');
    expect(useDraftStore.getState().yamlText).toContain('name: edge');
    await userEvent.click(screen.getByRole('radio', { name: /bookworm/ }));
    expect(useDraftStore.getState().yamlText).toContain('release: bookworm');
  });
});
