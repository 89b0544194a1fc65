import { stringify } from 'yaml';
import type { ManifestArtifact, ManifestInput } from './manifest-input';

/** A Kubernetes object name for the build's machine templates: DNS subdomain, the Kubernetes version in it. */
export function templateName(input: ManifestInput): string {
  return dnsName(`${input.name}-v${input.kubernetesVersion}`, true);
}

/** Lowercase letters, digits and "-" (and "." when allowed), starting and ending alphanumeric, at most 63. */
export function dnsName(text: string, dots = false): string {
  const cleaned = text
    .toLowerCase()
    .replace(dots ? /[^a-z0-9.-]+/g : /[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return cleaned.slice(0, 63).replace(/[^a-z0-9]+$/, '') || 'node';
}

/** The artifact of a given format, if the build has one. */
export const artifactOf = (input: ManifestInput, format: string): ManifestArtifact | undefined => input.artifacts.find((a) => a.format === format);

/** Comment lines above a document. */
export function withComments(comments: readonly string[], document: unknown): string {
  return `${comments.map((c) => `# ${c}`).join('\n')}${comments.length ? '\n' : ''}${stringify(document, { lineWidth: 0 })}`;
}

export const documents = (parts: readonly string[]): string => parts.join('---\n');

export const header = (input: ManifestInput): string => `Stamper build ${input.buildId}: ${input.name}, Kubernetes v${input.kubernetesVersion}`;
