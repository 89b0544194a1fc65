import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CAPI_BOOTSTRAP_CHECK } from '../../../src/spec/capi-bootstrap-check';
import { runProcess } from '../exec';
import {
  JOIN_CONFIG_PATH,
  SENTINEL_PATH,
  VERIFY_HOSTNAME,
  capiBootstrapExpectation,
  capiBootstrapSeed,
  capiBootstrapUserData,
  joinConfiguration,
  kubeadmApiVersion,
} from './capi-bootstrap';

interface CloudConfig {
  write_files: { path: string; owner: string; permissions: string; content: string }[];
  runcmd: string[];
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Renders the user-data's jinja as cloud-init does (header line dropped, instance data as `ds`), with the host's jinja2. */
async function renderLikeCloudInit(userData: string, hostname: string): Promise<string | null> {
  const probe = await runProcess('python3', ['-c', 'import jinja2'], { allowFailure: true, quiet: true });
  if (probe.code !== 0) return null;
  const program = [
    'import json, sys, jinja2',
    'body = sys.stdin.read().split("\\n", 1)[1]',
    'print(jinja2.Template(body, keep_trailing_newline=True).render(ds={"meta_data": {"local_hostname": sys.argv[1]}}), end="")',
  ].join('\n');
  const rendered = await runProcess('python3', ['-c', program, hostname], { input: userData, captureStdout: true, quiet: true });
  return rendered.stdout;
}

describe('the CABPK-shaped bootstrap data', () => {
  it('is cloud-config with the jinja header, the join config and the /run/cluster-api placeholder, as CABPK writes for a worker', () => {
    const userData = capiBootstrapUserData('1.35.3');
    expect(userData.split('\n').slice(0, 2)).toEqual(['## template: jinja', '#cloud-config']);
    const config = parse(userData) as CloudConfig;
    expect(config.write_files.map((f) => [f.path, f.owner, f.permissions])).toEqual([
      [JOIN_CONFIG_PATH, 'root:root', '0640'],
      ['/run/cluster-api/placeholder', 'root:root', '0640'],
    ]);
    expect(config.runcmd).toEqual([`kubeadm join --config ${JOIN_CONFIG_PATH}  && echo success > ${SENTINEL_PATH}`]);
    expect(JOIN_CONFIG_PATH).toBe('/run/kubeadm/kubeadm-join-config.yaml');
    expect(SENTINEL_PATH).toBe('/run/cluster-api/bootstrap-success.complete');
  });

  it('writes a v1beta4 JoinConfiguration from Kubernetes 1.31 on and v1beta3 before, with each version’s field shapes', () => {
    expect(kubeadmApiVersion('1.30.9')).toBe('kubeadm.k8s.io/v1beta3');
    expect(kubeadmApiVersion('1.31.0')).toBe('kubeadm.k8s.io/v1beta4');
    const v4 = parse(joinConfiguration('1.35.3', 'n1')) as Record<string, unknown>;
    expect(v4).toMatchObject({
      apiVersion: 'kubeadm.k8s.io/v1beta4',
      kind: 'JoinConfiguration',
      discovery: { bootstrapToken: { apiServerEndpoint: '127.0.0.1:6443', token: expect.stringMatching(/^[a-z0-9]{6}\.[a-z0-9]{16}$/) } },
      nodeRegistration: { name: 'n1', kubeletExtraArgs: [{ name: 'eviction-hard', value: expect.any(String) }], taints: null },
      timeouts: { discovery: '30s' },
    });
    const v3 = parse(joinConfiguration('1.30.9', 'n1')) as Record<string, unknown>;
    expect(v3).toMatchObject({
      apiVersion: 'kubeadm.k8s.io/v1beta3',
      discovery: { timeout: '30s' },
      nodeRegistration: { kubeletExtraArgs: { 'eviction-hard': expect.any(String) } },
    });
    expect(v3).not.toHaveProperty('timeouts');
  });

  it('names the node through jinja, and the expectation hashes the file as cloud-init writes it once rendered', async () => {
    const expectation = capiBootstrapExpectation('1.35.3', 'abcdef0123456789');
    const seed = capiBootstrapSeed(expectation);
    expect(seed.userData).toContain("name: '{{ ds.meta_data.local_hostname }}'");
    expect(seed.metaData).toBe(`instance-id: stamper-verify-abcdef012345\nlocal-hostname: ${VERIFY_HOSTNAME}\n`);
    const rendered = await renderLikeCloudInit(seed.userData, VERIFY_HOSTNAME);
    if (rendered === null) {
      console.warn('python3 jinja2 is not installed: the jinja rendering step is not checked here');
      return;
    }
    const written = (parse(rendered) as CloudConfig).write_files[0]?.content ?? '';
    expect(written).toContain(`name: '${VERIFY_HOSTNAME}'`);
    expect(sha256(written)).toBe(expectation.joinConfigSha256);
    expect(expectation).toMatchObject({ joinConfigMode: '0640', kubeadmArgs: ['join', '--config', JOIN_CONFIG_PATH], standInMarker: 'stamper-stand-in' });
  });

  it('is reported by the guest under the name the build page looks for', async () => {
    const guest = await readFile(new URL('./guest-check.py', import.meta.url), 'utf8');
    expect(guest).toContain(`("${CAPI_BOOTSTRAP_CHECK}", capi_bootstrap)`);
  });
});
