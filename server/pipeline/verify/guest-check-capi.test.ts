import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeKubernetesBinaries } from '../../stand-in/kubernetes-apt-repo';
import { runProcess } from '../exec';
import { STAND_IN_MARKER } from '../kubernetes/stand-in';
import { type CapiBootstrapExpectation, STAND_IN_KUBEADM_CALLS, VERIFY_HOSTNAME, capiBootstrapExpectation, joinConfiguration } from './capi-bootstrap';

/**
 * The guest side of the Cluster API bootstrap check: guest-check.py's own function, run by
 * the host's python3 against files laid out as cloud-init and kubeadm leave them in the VM
 * (the paths come from the expectation, cloud-init's records from module names the test sets).
 */
const GUEST_CHECK = fileURLToPath(new URL('./guest-check.py', import.meta.url));
const DRIVER = [
  'import importlib.util, json, sys',
  'spec = importlib.util.spec_from_file_location("guest_check", sys.argv[1])',
  'module = importlib.util.module_from_spec(spec)',
  'spec.loader.exec_module(module)',
  'case = json.loads(sys.argv[2])',
  'module.expect = {"capiBootstrap": case["bootstrap"]}',
  'module.CLOUD_INIT_RESULT = case["result"]',
  'module.CLOUD_INIT_OUTPUT = case["output"]',
  'ok, detail = module.capi_bootstrap()',
  'print(json.dumps({"ok": ok, "detail": detail}))',
].join('\n');

const RUNCMD_FAILED = "('scripts_user', RuntimeError('Runparts: 1 failures (runcmd) in 1 attempted commands'))";

let dir: string;
let n = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stamper-capi-guest-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface GuestState {
  /** The kubeadm the image carries; "none" installs none. */
  kubeadm: 'stand-in' | 'real' | 'none';
  config?: string | null;
  configMode?: number;
  /** The stand-in's recorded calls; `join` stands for the join call with the config's hash, `join-other` for one with another hash. */
  calls?: string[];
  sentinel?: boolean;
  errors?: string[];
  output?: string;
}

/** Lays out one guest's files and runs the check against them. */
async function checkGuest(state: GuestState): Promise<{ ok: boolean; detail: string; expectation: CapiBootstrapExpectation }> {
  const root = join(dir, String((n += 1)));
  await runProcess('mkdir', ['-p', root]);
  const base = capiBootstrapExpectation('1.35.3', 'abcdef0123456789');
  const expectation: CapiBootstrapExpectation = {
    ...base,
    // the first path is absent, as /usr/bin/kubeadm is for some binary installs
    kubeadmPaths: [join(root, 'usr-bin-kubeadm'), join(root, 'kubeadm')],
    joinConfigPath: join(root, 'kubeadm-join-config.yaml'),
    sentinelPath: join(root, 'bootstrap-success.complete'),
    standInCallsPath: join(root, 'kubeadm-calls'),
    kubeadmArgs: ['join', '--config', join(root, 'kubeadm-join-config.yaml')],
  };
  if (state.kubeadm === 'stand-in') await writeFile(join(root, 'kubeadm'), `#!/bin/sh\n# ${STAND_IN_MARKER}: a test stand-in, not Kubernetes\n`);
  // a real kubeadm is a Go ELF binary
  if (state.kubeadm === 'real') await writeFile(join(root, 'kubeadm'), Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(8192, 1)]));
  const config = state.config === undefined ? joinConfiguration('1.35.3', VERIFY_HOSTNAME) : state.config;
  if (config !== null) {
    await writeFile(expectation.joinConfigPath, config);
    await chmod(expectation.joinConfigPath, state.configMode ?? 0o640);
  }
  if (state.calls) {
    const args = expectation.kubeadmArgs.join(' ');
    const lines = state.calls.map((c) => (c === 'join' ? `${expectation.joinConfigSha256} ${args}` : c === 'join-other' ? `${'0'.repeat(64)} ${args}` : c));
    await writeFile(expectation.standInCallsPath, lines.map((l) => `${l}\n`).join(''));
  }
  if (state.sentinel) await writeFile(expectation.sentinelPath, 'success\n');
  const result = join(root, 'result.json');
  await writeFile(result, JSON.stringify({ v1: { datasource: 'DataSourceNoCloud [seed=/dev/sr0][dsmode=net]', errors: state.errors ?? [] } }));
  const output = join(root, 'cloud-init-output.log');
  await writeFile(output, state.output ?? '');
  const run = await runProcess('python3', ['-c', DRIVER, GUEST_CHECK, JSON.stringify({ bootstrap: expectation, result, output })], {
    captureStdout: true,
    quiet: true,
  });
  return { ...(JSON.parse(run.stdout) as { ok: boolean; detail: string }), expectation };
}

const joinCall = (e: CapiBootstrapExpectation) => `${e.joinConfigSha256} ${e.kubeadmArgs.join(' ')}`;

describe('the guest check with the stand-in kubeadm', () => {
  it('passes when the config was written, kubeadm join read it and the sentinel exists', async () => {
    const result = await checkGuest({ kubeadm: 'stand-in', sentinel: true, calls: ['- version', 'join'] });
    expect(result.detail).toContain('kubeadm stand-in');
    expect(result.detail).toContain('kubeadm join --config ran and read it');
    expect(result.detail).toContain('sentinel present');
    expect(result.detail).toContain('cloud-init datasource DataSourceNoCloud');
    expect(result.ok).toBe(true);
  });

  it('fails when cloud-init wrote the config without rendering the jinja header', async () => {
    const raw = joinConfiguration('1.35.3', '{{ ds.meta_data.local_hostname }}');
    const result = await checkGuest({ kubeadm: 'stand-in', config: raw, sentinel: true, calls: [] });
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('join config differs from the bootstrap data (jinja not rendered)');
  });

  it('fails when the config is missing, naming the path', async () => {
    const result = await checkGuest({ kubeadm: 'stand-in', config: null });
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/kubeadm-join-config\.yaml not written \(No such file or directory\)/);
  });

  it('fails when the file holds another config than the bootstrap data, or kubeadm read another one', async () => {
    const other = await checkGuest({ kubeadm: 'stand-in', sentinel: true, calls: ['join'], config: joinConfiguration('1.35.3', 'other') });
    expect(other.ok).toBe(false);
    expect(other.detail).toContain('join config differs');
    const readOther = await checkGuest({ kubeadm: 'stand-in', sentinel: true, calls: ['join-other'] });
    expect(readOther.ok).toBe(false);
    expect(readOther.detail).toContain('kubeadm join read another config (sha256 000000000000)');
  });

  it('fails when kubeadm was never run as `kubeadm join --config <file>`, or the sentinel is missing', async () => {
    const notRun = await checkGuest({ kubeadm: 'stand-in', sentinel: true, calls: ['- init'] });
    expect(notRun.ok).toBe(false);
    expect(notRun.detail).toContain('kubeadm was not run as');
    expect(notRun.detail).toContain('calls: - init');
    const noSentinel = await checkGuest({ kubeadm: 'stand-in', calls: ['join'] });
    expect(noSentinel.ok).toBe(false);
    expect(noSentinel.detail).toContain('bootstrap-success.complete missing');
  });

  it('fails when the config is not 0640 as CABPK asks', async () => {
    const result = await checkGuest({ kubeadm: 'stand-in', configMode: 0o644, sentinel: true, calls: ['join'] });
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('join config mode 0644 (want 0640)');
  });

  it("accepts the line the stand-in kubeadm really records when cloud-init's runcmd calls it", async () => {
    const release = { kubernetes: '1.35.3', crictl: '1.35.0', cni: '1.7.1' };
    const binaries = await writeKubernetesBinaries(join(dir, 'repo'), release);
    const first = await checkGuest({ kubeadm: 'stand-in', calls: [] });
    const calls = first.expectation.standInCallsPath;
    const script = (await readFile(join(dir, 'repo', binaries.path, 'kubeadm'), 'utf8')).replaceAll(STAND_IN_KUBEADM_CALLS, calls);
    expect(script).not.toBe(await readFile(join(dir, 'repo', binaries.path, 'kubeadm'), 'utf8'));
    // the marker the guest tells the stand-in by, in the first lines where it looks
    expect(script.split('\n').slice(0, 3).join('\n')).toContain(STAND_IN_MARKER);
    const kubeadm = join(dir, 'kubeadm');
    await writeFile(kubeadm, script, { mode: 0o755 });
    // the runcmd line as cloud-init runs it, through sh
    await runProcess('sh', ['-c', `${kubeadm} join --config ${first.expectation.joinConfigPath}  && echo success > ${first.expectation.sentinelPath}`]);
    const recorded = (await readFile(calls, 'utf8')).trim();
    expect(recorded).toBe(joinCall(first.expectation));
    expect((await runProcess(kubeadm, ['version'], { captureStdout: true })).stdout.trim()).toBe('v1.35.3');
  });
});

describe('the guest check with a real kubeadm (no control plane to join)', () => {
  const preflight = "[preflight] Running pre-flight checks\nerror execution phase preflight: couldn't validate the identity of the API Server\n";

  it('passes when kubeadm join ran its preflight with the config, failed, and left no sentinel', async () => {
    const result = await checkGuest({ kubeadm: 'real', output: preflight, errors: [RUNCMD_FAILED] });
    expect(result.detail).toContain('kubeadm real');
    expect(result.detail).toContain('kubeadm join --config ran its preflight');
    expect(result.detail).toContain('no sentinel');
    expect(result.ok).toBe(true);
  });

  it('fails when a sentinel appears although no join can have succeeded, or kubeadm never ran', async () => {
    const sentinel = await checkGuest({ kubeadm: 'real', output: preflight, errors: [RUNCMD_FAILED], sentinel: true });
    expect(sentinel.ok).toBe(false);
    expect(sentinel.detail).toContain('sentinel written although the join cannot have succeeded');
    const silent = await checkGuest({ kubeadm: 'real', output: '', errors: [] });
    expect(silent.ok).toBe(false);
    expect(silent.detail).toContain('no kubeadm join output');
    expect(silent.detail).toContain('kubeadm join did not fail');
  });

  it('fails, naming where it looked, when the image has no kubeadm at all', async () => {
    const result = await checkGuest({ kubeadm: 'none', sentinel: true });
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/^no kubeadm in .*usr-bin-kubeadm or .*kubeadm$/);
  });
});
