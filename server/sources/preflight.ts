import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { sourceHost, type SourceCheck } from '../../src/spec/preflight-api.ts';
import type { NodeImageSpec } from '../../src/spec/schema.ts';
import { parseImageReference } from '../../src/spec/providers/image-reference.ts';
import { specSources, type SpecSource } from '../../src/spec/spec-sources.ts';
import { hostDebianMirror, hostDebianSecurityMirror } from '../pipeline/host-mirror.ts';
import { describeStatus, fetchSource } from './source-fetch.ts';
import { SourcePolicyError, addressRefusal, checkSourceUrl, type SourcePolicy } from './source-policy.ts';

export interface PreflightOptions {
  policy: SourcePolicy;
  /** Per source; they all run at once, so this bounds the whole preflight. */
  timeoutMs?: number;
  /** Hosts the user vouches for: listed as skipped, not requested. */
  skipHosts?: readonly string[];
  hostMirror?: string;
  hostSecurityMirror?: string;
}

async function checkOne(source: SpecSource, options: PreflightOptions): Promise<SourceCheck> {
  const started = Date.now();
  const result = (ok: boolean, status: number | null, error: string | null, skipped = false): SourceCheck => ({
    ...source,
    ok,
    status,
    error,
    skipped,
    ms: Date.now() - started,
  });
  if (options.skipHosts?.includes(sourceHost(source.url))) return result(true, null, null, true);
  try {
    // GET, not HEAD: some mirrors and object stores answer HEAD differently; the body is not read
    const response = await fetchSource(source.url, {
      policy: options.policy,
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      timeoutMs: options.timeoutMs ?? 5000,
    });
    response.body.destroy();
    const ok = response.status >= 200 && response.status < 300;
    return result(ok, response.status, ok ? null : describeStatus(response));
  } catch (err) {
    const message = err instanceof SourcePolicyError ? err.message : err instanceof Error ? err.message.replace(`${source.url}: `, '') : String(err);
    return result(false, null, message);
  }
}

/** Requests every source the spec names, all at once, each with a short timeout. */
export async function runPreflight(spec: NodeImageSpec, options: PreflightOptions): Promise<SourceCheck[]> {
  const debian = spec.os.distro === 'debian';
  const hostMirror = options.hostMirror ?? (debian ? await hostDebianMirror() : undefined);
  const hostSecurityMirror = options.hostSecurityMirror ?? (debian ? await hostDebianSecurityMirror() : undefined);
  return Promise.all(specSources(spec, hostMirror, hostSecurityMirror).map((source) => checkOne(source, options)));
}

/**
 * The policy check for sources the pipeline does not fetch itself (mmdebstrap and apt
 * inside the image do): run before the build starts, on every address each name resolves
 * to now. A name that does not resolve is left to the fetch, which reports it.
 */
export async function assertSpecSourcesAllowed(spec: NodeImageSpec, policy: SourcePolicy, hostMirror?: string, hostSecurityMirror?: string): Promise<void> {
  // the registry a containerDisk is pushed to is checked at push time too; refusing it here saves the build
  const urls = [...specSources(spec, hostMirror, hostSecurityMirror).map((s) => s.url), ...registryPushUrls(spec)];
  for (const sourceUrl of urls) {
    const url = checkSourceUrl(sourceUrl, policy);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) !== 0) continue;
    const addresses = await lookup(host, { all: true }).catch(() => []);
    for (const { address } of addresses) {
      const reason = addressRefusal(address, policy);
      if (reason) throw new SourcePolicyError(sourceUrl, `${host} resolves to ${reason}`);
    }
  }
}

/** The API root of each registry the spec pushes to. */
export function registryPushUrls(spec: NodeImageSpec): string[] {
  return spec.outputs.flatMap((output) => {
    if (output.format !== 'containerdisk' || !output.push) return [];
    const { registry } = parseImageReference(output.push.reference, 'latest');
    return [`${output.push.plainHttp ? 'http' : 'https'}://${registry}/v2/`];
  });
}
