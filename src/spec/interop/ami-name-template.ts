import { findRelease } from '../catalog';
import type { NodeImageSpec } from '../schema';

/**
 * Placeholders an AMI name template may use. They render the way image-builder names
 * its AMIs (`capa-ami-ubuntu-24.04-v1.35.3-1732467600`), because Cluster API
 * Provider AWS looks AMIs up by that pattern.
 */
export const amiNamePlaceholders = ['os', 'kubernetesVersion', 'timestamp', 'name'] as const;
export type AmiNamePlaceholder = (typeof amiNamePlaceholders)[number];

export interface AmiNameValues {
  /** Distro and release version, e.g. "debian-13". */
  os: string;
  /** With the leading "v", as image-builder's kubernetes_semver. */
  kubernetesVersion: string;
  /** Unix seconds, as image-builder's build_timestamp. */
  timestamp: string;
  /** The spec's metadata.name. */
  name: string;
}

export function amiNameValues(spec: NodeImageSpec, name: string, now: Date): AmiNameValues {
  const release = findRelease(spec.os.release);
  return {
    os: `${spec.os.distro}-${release?.version ?? spec.os.release}`,
    kubernetesVersion: `v${spec.kubernetes.version}`,
    timestamp: String(Math.floor(now.getTime() / 1000)),
    name,
  };
}

/** AMI names allow 3–128 characters of a fixed set; anything else becomes "-". */
export function renderAmiName(template: string, values: AmiNameValues): string {
  const rendered = template.replace(/\{([A-Za-z]+)\}/g, (whole, key: string) =>
    (amiNamePlaceholders as readonly string[]).includes(key) ? values[key as AmiNamePlaceholder] : whole,
  );
  return rendered.replace(/[^A-Za-z0-9()[\]./\-'@_ ]/g, '-').slice(0, 128);
}

/** Our placeholder ↔ the image-builder user variable that holds the same value. */
const imageBuilderVariableFor: Record<Exclude<AmiNamePlaceholder, 'name'>, string> = {
  os: 'build_name',
  kubernetesVersion: 'kubernetes_semver',
  timestamp: 'build_timestamp',
};

export function amiNameTemplateToImageBuilder(template: string): { imageName: string; untranslated: string[] } {
  const untranslated: string[] = [];
  const imageName = template.replace(/\{([A-Za-z]+)\}/g, (whole, key: string) => {
    const variable = imageBuilderVariableFor[key as keyof typeof imageBuilderVariableFor];
    if (variable) return `{{user \`${variable}\`}}`;
    untranslated.push(whole);
    return whole;
  });
  return { imageName, untranslated };
}

/** Reads image-builder's `image_name` back; null when it uses variables we have no placeholder for. */
export function amiNameTemplateFromImageBuilder(imageName: string): string | null {
  const byVariable = new Map(Object.entries(imageBuilderVariableFor).map(([placeholder, variable]) => [variable, placeholder]));
  let unknown = false;
  const template = imageName.replace(/\{\{\s*user\s+`([A-Za-z0-9_]+)`\s*\}\}/g, (_whole, variable: string) => {
    const placeholder = byVariable.get(variable);
    if (!placeholder) unknown = true;
    return `{${placeholder ?? variable}}`;
  });
  if (unknown || template.includes('{{')) return null;
  return template;
}
