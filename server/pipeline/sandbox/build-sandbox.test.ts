import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../../../src/spec/build-events';
import { nodeImageSchema } from '../../../src/spec/schema';
import { minimalInput } from '../../../src/spec/test-specs';
import { ProcessBuildRunner, buildProgramFiles } from '../../builds/process-build-runner';
import { createServerApp } from '../../http/start-server';
import { injectLocal, testConfig } from '../../testing/test-app';
import { postBuild, scenarioSpec, waitForState } from '../../testing/test-builds';
import { describeOwnSandbox, openBuildSandbox } from './build-sandbox';
import { RootlessUnavailableError, readBuildUser } from './build-user';

const probeScript = join(import.meta.dirname, '../../testing/sandbox-probe-process.ts');
const base = mkdtempSync(join(tmpdir(), 'sandbox-'));
// like a data directory: other users may pass through, not list
chmodSync(base, 0o711);
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('a build process in the rootless sandbox (real user namespace)', () => {
  it('runs as the build user’s subordinate ids, cannot read host-root files, and hands its files back to the service', async () => {
    const user = await readBuildUser();
    const runner = new ProcessBuildRunner({ script: probeScript, sandbox: openBuildSandbox('rootless', [...buildProgramFiles, probeScript]) });
    expect(await runner.prepare()).toBeUndefined();
    const dirs = { workDir: join(base, 'work', 'b1'), outDir: join(base, 'artifacts', 'b1'), cacheDir: join(base, 'cache') };
    for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
    const events: PipelineEvent[] = [];
    const spec = nodeImageSchema.parse(minimalInput());
    const handle = runner.start(
      { buildId: 'b1', buildKey: 'k', spec, signer: { sign: () => Promise.reject(new Error('the probe signs nothing')) }, ...dirs },
      (batch) => events.push(...batch),
    );
    const outcome = await handle.outcome;
    expect(outcome.status).toBe('succeeded');

    const lines = events.flatMap((e) => (e.type === 'log' ? [e.line] : []));
    expect(lines).toContain(`uid_map 0 ${user.subuidStart} ${user.count}`);
    expect(lines).toContain('shadow EACCES');
    expect(lines).toContain(`home ${join(dirs.workDir, 'tmp')} tmp ${join(dirs.workDir, 'tmp')}`);

    // while it ran the artifact was the build's; now it is the service's, and nobody else may write it
    const artifact = lstatSync(join(dirs.outDir, 'image.raw'));
    expect([artifact.uid, artifact.gid]).toEqual([process.getuid?.(), process.getgid?.()]);
    expect(artifact.mode & 0o022).toBe(0);

    // only the download whose content matches its name joins the shared cache
    const adopted = readdirSync(join(dirs.cacheDir, 'downloads'));
    expect(adopted).toHaveLength(1);
    expect(adopted[0]).not.toBe('f'.repeat(64));
    expect(lstatSync(join(dirs.cacheDir, 'downloads', adopted[0] as string)).uid).toBe(process.getuid?.());
    expect(existsSync(join(dirs.cacheDir, 'base-trees'))).toBe(false);
  });

  it('refuses with the fix when the build user cannot read the program (a checkout in a private directory)', async () => {
    const hidden = join(base, 'private');
    mkdirSync(hidden, { mode: 0o700 });
    const program = join(hidden, 'build.ts');
    rmSync(program, { force: true });
    const err = await openBuildSandbox('rootless', [program]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RootlessUnavailableError);
    expect((err as Error).message).toMatch(
      /cannot run Node or read the build program .*EACCES.*searchable by it.*scripts\/setup-build-user\.sh.*STAMPER_BUILD_MODE=root/,
    );
  });

  it('refuses a build directory other users cannot reach, naming the directory', async () => {
    const sandbox = await openBuildSandbox('rootless', buildProgramFiles);
    const closed = join(base, 'closed');
    mkdirSync(join(closed, 'work'), { recursive: true, mode: 0o700 });
    chmodSync(closed, 0o700);
    expect(() => sandbox.claim(join(closed, 'work'))).toThrow(`${closed} is not searchable by other users`);
  });
});

describe('a service whose builds cannot be sandboxed', () => {
  it('fails each build at once with the reason and the fix, and keeps serving', async () => {
    const config = testConfig({ buildsPerMinute: 10_000, preflight: false });
    const refusal = Promise.reject(new RootlessUnavailableError('/etc/subuid has no range for nobody-here'));
    const { app } = await createServerApp(config, { runner: new ProcessBuildRunner({ script: probeScript, sandbox: refusal }), pollMs: 100 });
    try {
      const { body } = await postBuild(app, scenarioSpec('succeed'));
      const failed = await waitForState(app, body?.build.id ?? 'none', ['failed']);
      expect(failed.error).toMatch(
        /rootless builds are not possible on this host: \/etc\/subuid has no range for nobody-here; run scripts\/setup-build-user\.sh/,
      );
      expect((await injectLocal(app, { method: 'GET', url: '/api/builds' })).statusCode).toBe(200);
    } finally {
      await app.close();
      config.cleanup();
    }
  });
});

describe('describeOwnSandbox', () => {
  it('tells host root from a mapped namespace by the kernel’s uid map', () => {
    expect(describeOwnSandbox('         0          0 4294967295\n')).toBe('this build runs as host root (STAMPER_BUILD_MODE=root)');
    expect(describeOwnSandbox('         0     100000      65536\n')).toMatch(/rootless: uid 0 here is host uid 100000 \(65536 ids mapped\)/);
  });
});
