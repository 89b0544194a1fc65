import { specToYaml } from '@/spec/yaml-spec';

/**
 * The spec text as it was submitted, in YAML: a build submitted as JSON (from a script or
 * the API) is shown in the same YAML people write and diff, not as one long JSON line.
 */
export function readableSpecYaml(specYaml: string): string {
  const text = specYaml.trimStart();
  if (!text.startsWith('{')) return specYaml;
  try {
    return specToYaml(JSON.parse(text) as Record<string, unknown>);
  } catch {
    return specYaml;
  }
}
