import { createHash } from 'node:crypto';
import { type AptSuiteSource, buildAptSuites, releaseDirectory } from '../../src/spec/apt-suites.ts';
import type { AptInput, BinaryInput, BuildInput } from '../../src/spec/build-inputs.ts';
import type { NodeImageSpec } from '../../src/spec/schema.ts';
import { hostDebianMirror, hostDebianSecurityMirror } from '../pipeline/host-mirror.ts';
import { describeStatus, fetchSource } from './source-fetch.ts';
import type { SourcePolicy } from './source-policy.ts';

export interface InputFetchOptions {
  policy: SourcePolicy;
  signal: AbortSignal;
  timeoutMs?: number;
  /** The build host's mirrors, when the spec names none; read from /etc/apt when not given. */
  hostMirror?: string;
  hostSecurityMirror?: string;
}

/** Release files are a few hundred KiB at most; anything far larger is not one. */
const MAX_RELEASE_BYTES = 16 * 1024 * 1024;

/** A field of a Release file (clear-signed or not): the fields sit at the start of a line. */
export const releaseField = (text: string, name: string): string | null => new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? null;

async function readLimited(body: AsyncIterable<Buffer>, url: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_RELEASE_BYTES) throw new Error(`${url}: larger than ${MAX_RELEASE_BYTES} bytes; not a release file`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The state of one suite now: its InRelease (or Release), hashed, with its Date and Label. */
export async function fetchAptInput(source: AptSuiteSource, options: InputFetchOptions): Promise<AptInput> {
  const dir = releaseDirectory(source);
  let lastError = '';
  for (const file of ['InRelease', 'Release']) {
    const url = `${dir}${file}`;
    const response = await fetchSource(url, { policy: options.policy, signal: options.signal, timeoutMs: options.timeoutMs ?? 20_000 });
    if (response.status === 404 || response.status === 410) {
      response.body.resume();
      lastError = `${url}: ${describeStatus(response)}`;
      continue;
    }
    if (response.status < 200 || response.status >= 300) {
      response.body.resume();
      throw new Error(`${url}: ${describeStatus(response)}`);
    }
    const bytes = await readLimited(response.body, url);
    const text = bytes.toString('utf8');
    return {
      kind: 'apt',
      role: source.role,
      name: source.name,
      url: source.url,
      suite: source.suite,
      components: source.components,
      releaseUrl: url,
      date: releaseField(text, 'Date'),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      label: releaseField(text, 'Label'),
    };
  }
  throw new Error(`${source.name} has no release file (${lastError})`);
}

/** Upstream files the spec pins by checksum: the checksum is the input's whole state. */
export function binaryInputs(spec: NodeImageSpec): BinaryInput[] {
  const inputs: BinaryInput[] = [];
  const upstream = spec.runtime.source === 'upstream' ? spec.runtime.upstream : undefined;
  if (upstream) {
    inputs.push({ kind: 'binary', name: 'containerd', url: upstream.url, sha256: upstream.sha256 });
    if (upstream.runcUrl && upstream.runcSha256) inputs.push({ kind: 'binary', name: 'runc', url: upstream.runcUrl, sha256: upstream.runcSha256 });
  }
  const source = spec.kubernetes.source;
  if (source.type === 'binaries') {
    for (const name of ['kubelet', 'kubeadm', 'kubectl', 'crictl'] as const) {
      inputs.push({ kind: 'binary', name, url: `${source.baseUrl.replace(/\/+$/, '')}/${name}`, sha256: source.sha256[name] });
    }
  }
  return inputs;
}

/** What the OS layer (the cached base tree) is made of: everything but Kubernetes. */
export const osLayerInputs = (inputs: readonly BuildInput[]): BuildInput[] =>
  inputs.filter((input) => (input.kind === 'apt' ? input.role !== 'kubernetes' : input.name === 'containerd' || input.name === 'runc'));

/** What the rootfs stage installs from: the release's suites, the extra repositories, an upstream containerd. */
export async function collectOsInputs(spec: NodeImageSpec, options: InputFetchOptions): Promise<BuildInput[]> {
  const debian = spec.os.distro === 'debian';
  const mirror = spec.os.mirror ?? options.hostMirror ?? (debian ? await hostDebianMirror() : undefined);
  const hostSecurity = spec.os.mirror ? undefined : (options.hostSecurityMirror ?? (debian ? await hostDebianSecurityMirror() : undefined));
  const suites = buildAptSuites(spec, mirror, hostSecurity).filter((suite) => suite.role !== 'kubernetes');
  const apt = await Promise.all(suites.map((suite) => fetchAptInput(suite, options)));
  return [...apt, ...binaryInputs(spec).filter((input) => input.name === 'containerd' || input.name === 'runc')];
}

/** What the kubernetes stage installs from: the Kubernetes apt repository, or the binaries by URL. */
export async function collectKubernetesInputs(spec: NodeImageSpec, options: InputFetchOptions): Promise<BuildInput[]> {
  const suites = buildAptSuites(spec, undefined).filter((suite) => suite.role === 'kubernetes');
  const apt = await Promise.all(suites.map((suite) => fetchAptInput(suite, options)));
  return [...apt, ...binaryInputs(spec).filter((input) => input.name !== 'containerd' && input.name !== 'runc')];
}

/** Every input of a build of this spec, as it stands now; fetched under the source policy, all at once. */
export async function collectBuildInputs(spec: NodeImageSpec, options: InputFetchOptions): Promise<BuildInput[]> {
  const [os, kubernetes] = await Promise.all([collectOsInputs(spec, options), collectKubernetesInputs(spec, options)]);
  return [...os, ...kubernetes];
}
