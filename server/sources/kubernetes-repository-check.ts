import { resolveVersions } from '../../src/spec/defaults.ts';
import type { NodeImageSpec } from '../../src/spec/schema.ts';
import { withSlash } from '../../src/spec/spec-sources.ts';
import { parsePackagesFile } from '../debian-packages/packages-file.ts';
import { describeStatus, fetchSource } from './source-fetch.ts';
import type { SourcePolicy } from './source-policy.ts';

/** A flat Kubernetes repository's index lists a few packages per minor; far below this. */
const MAX_INDEX_BYTES = 16 * 1024 * 1024;

export interface RepositoryCheckOptions {
  policy: SourcePolicy;
  timeoutMs?: number;
}

async function readIndex(url: string, options: RepositoryCheckOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const response = await fetchSource(url, { policy: options.policy, signal: AbortSignal.timeout(timeoutMs), timeoutMs });
  if (response.status < 200 || response.status >= 300) {
    response.body.destroy();
    throw new Error(describeStatus(response));
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_INDEX_BYTES) {
      response.body.destroy();
      throw new Error(`the index is larger than ${MAX_INDEX_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Whether the spec's Kubernetes apt repository serves the versions the spec pins, read from
 * its flat `Packages` index (pkgs.k8s.io and the stand-in are both flat repositories). One
 * sentence per package version it lacks, or one saying the check could not be made; none
 * when everything is there or the spec installs Kubernetes from binaries.
 */
export async function kubernetesRepositoryNotes(spec: Pick<NodeImageSpec, 'kubernetes'>, options: RepositoryCheckOptions): Promise<string[]> {
  let versions;
  try {
    versions = resolveVersions(spec);
  } catch {
    return []; // a Kubernetes minor the catalog lacks is the spec's own problem, reported as such
  }
  if (!versions.aptRepository) return [];
  const indexUrl = `${withSlash(versions.aptRepository)}Packages`;
  let entries;
  try {
    entries = parsePackagesFile(await readIndex(indexUrl, options));
  } catch (err) {
    const why = err instanceof Error ? err.message.replace(`${indexUrl}: `, '') : String(err);
    return [`could not check which versions ${versions.aptRepository} serves (${indexUrl}: ${why})`];
  }
  const wanted: [string, string][] = [
    ['kubelet', versions.kubernetes],
    ['kubeadm', versions.kubernetes],
    ['kubectl', versions.kubernetes],
    ['cri-tools', versions.crictl],
    ['kubernetes-cni', versions.cni],
  ];
  // kubelet, kubeadm and kubectl share a version: one sentence for the three when they miss together
  const missing = new Map<string, { names: string[]; version: string; has: string }>();
  for (const [name, version] of wanted) {
    const served = entries.filter((e) => e.name === name).map((e) => e.version);
    // Debian versions as apt pins them: the upstream version, then "-<revision>"
    if (served.some((v) => v === version || v.startsWith(`${version}-`))) continue;
    const has = served.length > 0 ? `it has ${[...new Set(served)].join(', ')}` : `it has no ${name} at all`;
    const group = missing.get(`${version} ${has}`) ?? { names: [], version, has };
    group.names.push(name);
    missing.set(`${version} ${has}`, group);
  }
  const notes = [...missing.values()].map(({ names, version, has }) => {
    const what = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}` : (names[0] ?? '');
    return `${versions.aptRepository} does not serve ${what} ${version} (${has}): choose a version it has, or point the repository at one that does`;
  });
  return notes;
}
