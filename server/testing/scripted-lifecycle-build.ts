import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PipelineEvent } from '../../src/spec/build-events.ts';
import { compareDebianVersions } from '../../src/spec/debian-version.ts';
import { nodeImageSchema } from '../../src/spec/schema.ts';
import type { BuildJobMessage, BuildProcessMessage } from '../builds/build-protocol.ts';
import { collectBuildInputs } from '../sources/build-inputs.ts';
import { sourcePolicyFromEnvironment } from '../sources/source-policy.ts';
import { fetchSuiteVersions } from '../updates/suite-packages.ts';
import { BREAKS_BOOT_SUFFIX } from './lifecycle-fixture.ts';

/**
 * The scripted child's `lifecycle` scenario: records the real state of the spec's apt
 * sources (the same code the pipeline runs) and "installs" what apt would pick, the
 * newest version of each package across them, into the SBOM. Everything the server does
 * with inputs, updates, successors and channels is then real; only mmdebstrap is not.
 */
export async function lifecycleBuild(job: BuildJobMessage, emit: (event: PipelineEvent) => void, send: (message: BuildProcessMessage) => void) {
  const spec = nodeImageSchema.parse(job.spec);
  const signal = AbortSignal.timeout(30_000);
  const policy = sourcePolicyFromEnvironment(process.env);
  emit({ type: 'stage', stage: 'rootfs', status: 'started' });
  const inputs = await collectBuildInputs(spec.spec, { policy, signal });
  emit({ type: 'inputs', inputs });
  const newest = new Map<string, string>();
  for (const input of inputs) {
    if (input.kind !== 'apt') continue;
    for (const [name, version] of await fetchSuiteVersions(input, { policy, signal })) {
      const known = newest.get(name);
      if (!known || compareDebianVersions(version, known) > 0) newest.set(name, version);
    }
  }
  // what every image gets (base-files, a kernel) and what the spec asks for
  const installed = [...newest].filter(
    ([name]) => name === 'base-files' || name.startsWith('linux-image-') || spec.spec.packages.some((p) => p.split('=')[0] === name),
  );
  emit({ type: 'stage', stage: 'rootfs', status: 'succeeded', durationMs: 5 });
  emit({ type: 'stage', stage: 'verify', status: 'started' });
  const breaksBoot = installed.find(([, version]) => version.endsWith(BREAKS_BOOT_SUFFIX));
  if (breaksBoot) {
    // as the real verify stage ends a build whose node does not come up
    const detail = `the node did not reach multi-user.target with ${breaksBoot[0]} ${breaksBoot[1]}`;
    emit({ type: 'verify', check: { name: 'boot', ok: false, detail } });
    emit({ type: 'stage', stage: 'verify', status: 'failed', durationMs: 5 });
    send({ kind: 'failed', error: `boot check failed: ${detail}`, stage: 'verify', lastLines: [] });
    return;
  }
  emit({ type: 'verify', check: { name: 'kubelet-version', ok: true, detail: `v${spec.spec.kubernetes.version}` } });
  emit({ type: 'stage', stage: 'verify', status: 'succeeded', durationMs: 5 });

  const spdx = JSON.stringify({
    spdxVersion: 'SPDX-2.3',
    documentDescribes: ['SPDXRef-Image'],
    packages: [
      { SPDXID: 'SPDXRef-Image', name: job.buildKey, versionInfo: job.buildKey },
      { SPDXID: 'SPDXRef-Package-deb-kubelet', name: 'kubelet', versionInfo: `${spec.spec.kubernetes.version}-1.1` },
      ...installed.map(([name, version]) => ({ SPDXID: `SPDXRef-Package-deb-${name}`, name, versionInfo: version })),
    ],
  });
  const raw = `image ${job.buildId} ${installed.map(([n, v]) => `${n}=${v}`).join(' ')}\n`;
  const artifacts = [
    { name: `${spec.metadata.name}.raw`, format: 'raw', content: raw },
    { name: `${spec.metadata.name}.spdx.json`, format: 'spdx', content: spdx },
  ].map(({ name, format, content }) => {
    const file = path.join(job.outDir, name);
    writeFileSync(file, content);
    const artifact = { name, format, sizeBytes: Buffer.byteLength(content), sha256: createHash('sha256').update(content).digest('hex') };
    emit({ type: 'artifact', artifact });
    return { ...artifact, path: file };
  });
  send({ kind: 'done', artifacts });
}
