import { execFile, spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { IContainer, IProbe } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../server/config/server-config.ts';
import { createServerApp } from '../server/http/start-server.ts';
import { publicKeyPath } from '../server/signing/signing-key.ts';
import { scriptedRunner } from '../server/testing/scripted-runner.ts';
import { crossReferenceProblems, isStamperContainer, loadManifests, type Manifest, parseManifests, workloads } from './deploy-manifests.ts';

const root = path.join(import.meta.dirname, '..');
const systemdDir = path.join(root, 'docs', 'deploy', 'systemd');
const run = promisify(execFile);

/** Read by a library rather than by Stamper's code: the AWS SDK's standard credential chain. */
const LIBRARY_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

/** Every STAMPER_* variable the server's own code reads (tests and test helpers left out). */
async function variablesTheServerReads(): Promise<Set<string>> {
  const files = (await readdir(path.join(root, 'server'), { recursive: true })).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.startsWith(`testing${path.sep}`),
  );
  const names = new Set<string>();
  for (const file of files) {
    const text = await readFile(path.join(root, 'server', file), 'utf8');
    for (const match of text.matchAll(/env(?:\.|\[['"])(STAMPER_[A-Z0-9_]+)/g)) names.add(match[1] as string);
  }
  return names;
}

let manifests: Manifest[];
let known: Set<string>;
let scratch: string;

beforeAll(async () => {
  manifests = loadManifests();
  known = new Set([...(await variablesTheServerReads()), ...LIBRARY_VARIABLES]);
  scratch = await mkdtemp(path.join(tmpdir(), 'stamper-deploy-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const stamperContainers = () =>
  workloads(manifests).flatMap((w) => (w.template.spec?.containers ?? []).filter(isStamperContainer).map((container) => ({ workload: w, container })));

/** The environment a container gets: its ConfigMaps, the Secret values in the manifests, its own values. */
function containerEnvironment(container: IContainer, namespace: string | undefined): Record<string, string> {
  const values = (kind: string, name: string): Record<string, string> => {
    const body = manifests.find((m) => m.kind === kind && m.name === name && m.namespace === namespace)?.body ?? {};
    return { ...(body.data as Record<string, string>), ...(body.stringData as Record<string, string>) };
  };
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) if (source.configMapRef) Object.assign(env, values('ConfigMap', source.configMapRef.name ?? ''));
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef ?? variable.valueFrom?.configMapKeyRef;
    const kind = variable.valueFrom?.secretKeyRef ? 'Secret' : 'ConfigMap';
    env[variable.name] = ref ? (values(kind, ref.name ?? '')[ref.key] ?? '') : (variable.value ?? '');
  }
  return env;
}

/** `stamper serve|worker` flags as loadServerConfig takes them (the worker's --drain is its own). */
function serverFlags(args: readonly string[]): { command: string; flags: string[] } {
  const [command = '', ...rest] = args;
  return { command, flags: rest.filter((flag) => flag !== '--drain') };
}

const mutated = (change: (copy: Manifest[]) => void): Manifest[] => {
  const copy = structuredClone(manifests);
  change(copy);
  return copy;
};

describe('Kubernetes manifests (docs/deploy/kubernetes)', () => {
  it('parse, and every document validates against the Kubernetes API schemas of its kind', () => {
    const kinds = manifests.map((m) => m.kind).sort();
    expect(new Set(kinds)).toEqual(new Set(['ConfigMap', 'Deployment', 'Namespace', 'PodDisruptionBudget', 'Secret', 'Service', 'StatefulSet']));
    expect(manifests.filter((m) => m.kind === 'Deployment').map((m) => m.name)).toEqual(['stamper-api', 'stamper-worker']);
  });

  it('refuse an unknown kind, a removed API version and a schema violation', () => {
    expect(() => parseManifests('x.yaml', 'apiVersion: v1\nkind: Pood\nmetadata: {name: x}\n')).toThrow(/unknown kind v1\/Pood/);
    expect(() => parseManifests('x.yaml', 'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: x}\n')).toThrow(/unknown kind/);
    const api = manifests.find((m) => m.name === 'stamper-api' && m.kind === 'Deployment');
    const broken = JSON.stringify({ ...api?.body, spec: { ...(api?.body.spec as object), replicas: 'two' } });
    expect(() => parseManifests('x.yaml', broken)).toThrow(/replicas must be integer/);
    // Kubernetes reads YAML 1.1: an unquoted `on` is a boolean, and ConfigMap values are strings
    expect(() => parseManifests('x.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {A: on}\n')).toThrow(/data\/A must be string/);
  });

  it('hold together: env vars the server reads, Secret and ConfigMap keys, selectors, ports, namespaces', () => {
    expect(crossReferenceProblems(manifests, known)).toEqual([]);
  });

  it('report each broken cross-reference', () => {
    const configMap = (copy: Manifest[]) => copy.find((m) => m.name === 'stamper-shared')?.body.data as Record<string, string>;
    expect(
      crossReferenceProblems(
        mutated((copy) => (configMap(copy).STAMPER_DATA_DIRS = '/x')),
        known,
      ),
    ).toEqual([
      expect.stringContaining('sets STAMPER_DATA_DIRS, which the server does not read'),
      expect.stringContaining('sets STAMPER_DATA_DIRS, which the server does not read'),
    ]);
    const secret = (copy: Manifest[]) => copy.find((m) => m.name === 'stamper-secrets')?.body.stringData as Record<string, string>;
    expect(
      crossReferenceProblems(
        mutated((copy) => delete secret(copy).STAMPER_TOKEN),
        known,
      ),
    ).toEqual([expect.stringMatching(/Deployment stamper-api container api: STAMPER_TOKEN refers to key STAMPER_TOKEN, which Secret stamper-secrets lacks/)]);
    const service = (copy: Manifest[]) => copy.find((m) => m.kind === 'Service' && m.name === 'stamper-api')?.body.spec as { selector: Record<string, string> };
    expect(
      crossReferenceProblems(
        mutated((copy) => (service(copy).selector['app.kubernetes.io/component'] = 'apis')),
        known,
      ),
    ).toEqual([expect.stringContaining('Service stamper-api: selector matches no'), expect.stringContaining('targetPort http is no container port')]);
  });

  it('give every Stamper container a configuration the server accepts', () => {
    const seen = stamperContainers().map(({ workload, container }) => {
      const { command, flags } = serverFlags(container.args ?? []);
      const config = loadServerConfig(flags, containerEnvironment(container, workload.manifest.namespace));
      if (command === 'worker') expect(config.concurrency).toBeGreaterThan(0);
      return { command, concurrency: config.concurrency, signingKeyDir: config.signingKeyDir };
    });
    expect(seen).toEqual([
      { command: 'serve', concurrency: 0, signingKeyDir: '/etc/stamper/signing-key' },
      { command: 'worker', concurrency: 2, signingKeyDir: '/etc/stamper/signing-key' },
    ]);
    // the key file names the server looks for, in the mounted dir
    for (const { container } of stamperContainers()) {
      expect(container.volumeMounts?.find((mount) => mount.name === 'signing-key')?.mountPath).toBe('/etc/stamper/signing-key');
    }
    expect(path.basename(publicKeyPath('/k'))).toBe('stamper_signing_ed25519.pub');
  });

  it("probe a route the real server answers, on the container's port, with a Host header it accepts", async () => {
    const probed = stamperContainers().filter(({ container }) => container.readinessProbe);
    expect(probed.map(({ container }) => container.name)).toEqual(['api']);
    for (const { workload, container } of probed) {
      const { flags } = serverFlags(container.args ?? []);
      // SQLite in a scratch dir stands in for the unreachable Postgres; everything else is the manifest's
      const env = { ...containerEnvironment(container, workload.manifest.namespace), STAMPER_DATA_DIR: path.join(scratch, 'api'), STAMPER_DATABASE_URL: '' };
      const config = loadServerConfig(flags, env);
      const { app } = await createServerApp(config, { runner: scriptedRunner() });
      try {
        const probes = [container.startupProbe, container.readinessProbe, container.livenessProbe].filter((p): p is IProbe => p !== undefined);
        expect(probes).toHaveLength(3);
        for (const probe of probes) {
          const get = probe.httpGet;
          expect(get?.path).toBeDefined();
          const port = container.ports?.find((p) => p.name === get?.port || p.containerPort === get?.port)?.containerPort;
          expect(port, 'probe port is a container port').toBe(config.port);
          const host = get?.httpHeaders?.find((h) => h.name.toLowerCase() === 'host')?.value ?? `10.0.0.7:${port}`;
          const answer = await app.inject({ method: 'GET', url: get?.path ?? '', headers: { host } });
          expect(answer.statusCode, `${get?.path} with Host ${host}`).toBe(200);
          expect(answer.json()).toMatchObject({ ok: true });
        }
        // why the probes name their Host: the kubelet's default (the pod IP) is refused
        expect((await app.inject({ method: 'GET', url: '/healthz', headers: { host: `10.0.0.7:${config.port}` } })).statusCode).toBe(421);
      } finally {
        await app.close();
      }
    }
  });
});

/** KEY=value lines of an EnvironmentFile, comments and blanks skipped. */
const environmentFile = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

const unitValues = (unit: string, key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1] as string);

const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('systemd units (docs/deploy/systemd)', () => {
  const units = ['stamper-api.service', 'stamper-worker.service'];

  it.skipIf(!hasSystemdAnalyze)('pass systemd-analyze verify without a warning (skipped where systemd-analyze is not installed)', async () => {
    // a root holding the system's own units and the program the units start, so nothing else is missing
    const verifyRoot = path.join(scratch, 'systemd-root');
    await cp('/usr/lib/systemd/system', path.join(verifyRoot, 'usr/lib/systemd/system'), { recursive: true });
    await mkdir(path.join(verifyRoot, 'opt/stamper/scripts'), { recursive: true });
    await writeFile(path.join(verifyRoot, 'opt/stamper/scripts/stamper.sh'), '#!/bin/sh\n');
    await chmod(path.join(verifyRoot, 'opt/stamper/scripts/stamper.sh'), 0o755);
    await mkdir(path.join(verifyRoot, 'etc/systemd/system'), { recursive: true });
    for (const unit of units) await cp(path.join(systemdDir, unit), path.join(verifyRoot, 'etc/systemd/system', unit));
    const { stdout, stderr } = await run('systemd-analyze', ['verify', `--root=${verifyRoot}`, ...units]);
    expect(stdout + stderr).toBe('');
  });

  it('set only variables the server reads, in a configuration it accepts, with the shared key from credentials', async () => {
    const envFile = environmentFile(await readFile(path.join(systemdDir, 'stamper.env'), 'utf8'));
    for (const name of Object.keys(envFile)) expect(known, `stamper.env sets ${name}`).toContain(name);
    for (const unit of units) {
      const text = await readFile(path.join(systemdDir, unit), 'utf8');
      expect(unitValues(text, 'EnvironmentFile')).toEqual(['/etc/stamper/stamper.env']);
      const environment = Object.fromEntries(unitValues(text, 'Environment').map((pair) => pair.split('=', 2) as [string, string]));
      expect(environment).toEqual({ STAMPER_SIGNING_KEY_DIR: '%d' });
      // the credential names are the key files the server looks for
      const credentials = unitValues(text, 'LoadCredential').map((value) => value.split(':')[0]);
      expect(credentials.sort()).toEqual(['stamper_signing_ed25519', path.basename(publicKeyPath('/k'))]);

      const [program, ...args] = (unitValues(text, 'ExecStart')[0] ?? '')
        .replaceAll('${STATE_DIRECTORY}', path.join(scratch, 'state'))
        .replaceAll('${CACHE_DIRECTORY}', path.join(scratch, 'cache'))
        .split(' ');
      expect(program).toBe('/opt/stamper/scripts/stamper.sh');
      const { command, flags } = serverFlags(args);
      const config = loadServerConfig(flags, { ...envFile, STAMPER_SIGNING_KEY_DIR: '/run/credentials/x' });
      expect({ command, concurrency: config.concurrency > 0, signingKeyDir: config.signingKeyDir }).toEqual(
        unit === 'stamper-api.service'
          ? { command: 'serve', concurrency: false, signingKeyDir: '/run/credentials/x' }
          : { command: 'worker', concurrency: true, signingKeyDir: '/run/credentials/x' },
      );
    }
  });
});
