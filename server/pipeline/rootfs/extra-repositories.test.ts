import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeImageSchema } from '../../../src/spec/schema';
import { minimalInput } from '../../../src/spec/test-specs';
import { startSignedAptRepo, type SignedAptRepo } from '../../stand-in/signed-apt-repo';
import { runProcess } from '../exec';
import { armorPublicKey, prepareAptSources, renderDistroSources } from './extra-repositories';
import { osLayerKey } from './os-layer-key';

let repo: SignedAptRepo;
let work: string;

beforeAll(async () => {
  repo = await startSignedAptRepo();
  await repo.publish('stable', [{ name: 'stamper-fixture', version: '1.0-1' }]);
  work = await mkdtemp(join(tmpdir(), 'stamper-extra-repos-'));
}, 60_000);
afterAll(async () => {
  await repo.close();
  await rm(work, { recursive: true, force: true });
});

const specWith = (repositories: unknown[], os: Record<string, unknown> = {}) =>
  nodeImageSchema.parse(minimalInput({ os: { release: 'trixie', ...os }, repositories } as never)).spec;

/** apt of the build host, confined to `root`: what mmdebstrap runs before the chroot has its own. */
async function aptIn(root: string, args: string[]) {
  const options = ['-o', `Dir=${root}`, '-o', 'APT::Sandbox::User=root', '-o', 'Debug::NoLocking=1', '-o', 'APT::Architecture=amd64'];
  return runProcess('apt-get', [...options, ...args], { captureStdout: true });
}

describe('distro sources', () => {
  it('lists the release, its -updates and its -security suite', () => {
    const text = renderDistroSources(specWith([]), 'http://mirror.example/debian', undefined);
    expect(text).toContain('URIs: http://mirror.example/debian\nSuites: trixie\nComponents: main');
    expect(text).toContain('Suites: trixie-updates');
    expect(text).toContain('URIs: http://mirror.example/debian-security\nSuites: trixie-security');
    // Debian's key comes from --keyring and, in the image, from debian-archive-keyring
    expect(text).not.toContain('Signed-By');
  });

  it("uses the spec's security mirror, else the host's when the mirror is the host's too", () => {
    const bySpec = renderDistroSources(specWith([], { securityMirror: 'http://sec.example/x' }), 'http://mirror.example/debian');
    expect(bySpec).toContain('URIs: http://sec.example/x\nSuites: trixie-security');
    const byHost = renderDistroSources(specWith([]), 'http://deb.example/debian', 'http://deb.example/debian-security');
    expect(byHost).toContain('URIs: http://deb.example/debian-security\nSuites: trixie-security');
  });
});

describe('extra repositories', () => {
  it('armors a binary key so gpg reads back the same bytes', async () => {
    const armored = await repo.armoredKey();
    const binaryFile = join(work, 'key.gpg');
    await runProcess('gpg', ['--batch', '--yes', '--dearmor', '--output', binaryFile, join(repo.dir, 'Release.key')]);
    const binary = await readFile(binaryFile);
    const ours = join(work, 'ours.asc');
    await writeFile(ours, armorPublicKey(binary));
    await runProcess('gpg', ['--batch', '--yes', '--dearmor', '--output', join(work, 'roundtrip.gpg'), ours]);
    expect((await readFile(join(work, 'roundtrip.gpg'))).equals(binary)).toBe(true);
    expect(armored).toContain('BEGIN PGP PUBLIC KEY BLOCK');
  });

  it.each([
    ['a key URL', (r: SignedAptRepo) => Promise.resolve({ signingKeyUrl: r.signingKeyUrl })],
    ['an inline key', async (r: SignedAptRepo) => ({ signingKey: await r.armoredKey() })],
  ])('writes a deb822 source with the key embedded, which apt verifies (%s)', async (_label, key) => {
    const root = join(work, `root-${Math.random().toString(36).slice(2)}`);
    for (const d of ['etc/apt/sources.list.d', 'etc/apt/preferences.d', 'var/lib/apt/lists/partial', 'var/cache/apt/archives/partial', 'var/lib/dpkg'])
      await mkdir(join(root, d), { recursive: true });
    await writeFile(join(root, 'var/lib/dpkg/status'), '');
    const spec = specWith([{ name: 'fixture', url: repo.url, suite: 'stable', pin: 990, ...(await key(repo)) }]);
    const stage = join(root, 'stage');
    const prepared = await withLoopbackAllowed(() => prepareAptSources(spec, stage, 'http://mirror.example/debian', { signal: AbortSignal.timeout(10_000) }));
    expect(prepared.mirrors.map((m) => m.replace(stage, '<stage>'))).toEqual([
      '<stage>/apt-sources/distro.sources',
      '<stage>/apt-sources/stamper-extra.sources',
    ]);
    expect(prepared.options).toEqual([`--setup-hook=${stage}/apt-sources/setup-hook.sh`]);

    // what mmdebstrap does with them: the sources file into sources.list.d, the hook puts the pin in place
    await writeFile(join(root, 'etc/apt/sources.list.d/0001stamper-extra.sources'), await readFile(prepared.mirrors[1] ?? '', 'utf8'));
    await runProcess(join(stage, 'apt-sources/setup-hook.sh'), [root]);
    await aptIn(root, ['update']);
    const policy = await runProcess('apt-cache', ['-o', `Dir=${root}`, 'policy', 'stamper-fixture'], { captureStdout: true });
    expect(policy.stdout).toContain('Candidate: 1.0-1');
    expect(policy.stdout).toMatch(/990 http:\/\/127\.0\.0\.1:\d+ stable\/main/);
  });

  it('refuses a repository signed by another key', async () => {
    const other = await startSignedAptRepo();
    try {
      const root = join(work, 'root-wrong-key');
      for (const d of ['etc/apt/sources.list.d', 'var/lib/apt/lists/partial', 'var/lib/dpkg']) await mkdir(join(root, d), { recursive: true });
      await writeFile(join(root, 'var/lib/dpkg/status'), '');
      const spec = specWith([{ name: 'fixture', url: repo.url, suite: 'stable', signingKey: await other.armoredKey() }]);
      const prepared = await prepareAptSources(spec, join(root, 'stage'), 'http://mirror.example/debian', { signal: AbortSignal.timeout(10_000) });
      await writeFile(join(root, 'etc/apt/sources.list.d/0001stamper-extra.sources'), await readFile(prepared.mirrors[1] ?? '', 'utf8'));
      const update = await aptIn(root, ['update', '-o', 'APT::Update::Error-Mode=any']).catch((error: unknown) => error);
      expect(update).toBeInstanceOf(Error);
    } finally {
      await other.close();
    }
  });

  it('hands mmdebstrap a hook that removes the distro sources when the spec asks', async () => {
    const spec = specWith([{ name: 'fixture', url: repo.url, suite: 'stable', signingKey: await repo.armoredKey() }], { keepDistroSources: false });
    const prepared = await prepareAptSources(spec, join(work, 'stage-remove'), 'http://mirror.example/debian', { signal: AbortSignal.timeout(10_000) });
    const hook = prepared.options.find((o) => o.startsWith('--customize-hook='))?.slice('--customize-hook='.length) ?? '';
    const root = join(work, 'root-remove');
    await mkdir(join(root, 'etc/apt/sources.list.d'), { recursive: true });
    await writeFile(join(root, 'etc/apt/sources.list.d/0000distro.sources'), 'x');
    await writeFile(join(root, 'etc/apt/sources.list.d/0001stamper-extra.sources'), 'y');
    await runProcess(hook, [root]);
    await expect(readFile(join(root, 'etc/apt/sources.list.d/0000distro.sources'))).rejects.toThrow();
    expect(await readFile(join(root, 'etc/apt/sources.list.d/0001stamper-extra.sources'), 'utf8')).toBe('y');
  });

  it('gives another OS layer key to another repository list', () => {
    const plain = osLayerKey(specWith([]));
    const withRepo = osLayerKey(specWith([{ name: 'fixture', url: repo.url, suite: 'stable', signingKeyUrl: repo.signingKeyUrl }]));
    expect(withRepo).not.toBe(plain);
  });
});

async function withLoopbackAllowed<T>(run: () => Promise<T>): Promise<T> {
  const before = process.env.STAMPER_ALLOW_LOOPBACK_SOURCES;
  process.env.STAMPER_ALLOW_LOOPBACK_SOURCES = '1';
  try {
    return await run();
  } finally {
    if (before === undefined) delete process.env.STAMPER_ALLOW_LOOPBACK_SOURCES;
    else process.env.STAMPER_ALLOW_LOOPBACK_SOURCES = before;
  }
}
