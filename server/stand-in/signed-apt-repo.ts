import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '../pipeline/exec';
import { serveDirectory } from './kubernetes-apt-repo';

/**
 * A small signed apt repository in the usual `dists/<suite>/<component>` layout, served
 * on 127.0.0.1: what an extra repository (an internal mirror, a vendor's repository)
 * looks like to a build. Suites can be published again with new package versions, signed
 * with the same throwaway key, so tests can watch an image go out of date.
 */
export interface FixturePackage {
  name: string;
  version: string;
}

export interface PublishOptions {
  /** The Release file's Label; "… Security" marks a security suite the way Debian-Security does. */
  label?: string;
  components?: string[];
}

export interface SignedAptRepo {
  url: string;
  dir: string;
  signingKeyUrl: string;
  /** The armored public key, as a spec's `signingKey` would hold it. */
  armoredKey(): Promise<string>;
  /** Replaces the suite's packages and signs its Release again. */
  publish(suite: string, packages: readonly FixturePackage[], options?: PublishOptions): Promise<void>;
  close(): Promise<void>;
}

export async function startSignedAptRepo(dir?: string): Promise<SignedAptRepo> {
  const root = dir ?? (await mkdtemp(join(tmpdir(), 'stamper-apt-repo-')));
  const work = await mkdtemp(join(tmpdir(), 'stamper-apt-repo-work-'));
  const gnupgHome = join(work, 'gnupg');
  await mkdir(gnupgHome, { mode: 0o700 });
  const env = { GNUPGHOME: gnupgHome };
  await runProcess(
    'gpg',
    ['--batch', '--passphrase', '', '--quick-gen-key', 'Stamper fixture repository <fixture@stamper.invalid>', 'ed25519', 'sign', 'never'],
    {
      env,
    },
  );
  await runProcess('gpg', ['--batch', '--yes', '--armor', '--export', '-o', join(root, 'Release.key')], { env });
  const served = await serveDirectory(root);

  const publish = async (suite: string, packages: readonly FixturePackage[], options: PublishOptions = {}): Promise<void> => {
    const components = options.components ?? ['main'];
    const suiteDir = join(root, 'dists', suite);
    await rm(suiteDir, { recursive: true, force: true });
    for (const component of components) {
      const pool = `pool/${suite}/${component}`;
      await mkdir(join(root, pool), { recursive: true });
      for (const pkg of packages) await buildDeb(work, join(root, pool), pkg);
      const binaryDir = join(suiteDir, component, 'binary-amd64');
      await mkdir(binaryDir, { recursive: true });
      const index = await runProcess('apt-ftparchive', ['packages', pool], { cwd: root, captureStdout: true, env });
      await writeFile(join(binaryDir, 'Packages'), index.stdout);
      await runProcess('gzip', ['-k', '-f', 'Packages'], { cwd: binaryDir });
    }
    const fields = [
      ['Origin', 'stamper-fixture'],
      ['Label', options.label ?? 'Stamper fixture'],
      ['Suite', suite],
      ['Codename', suite],
      ['Architectures', 'amd64'],
      ['Components', components.join(' ')],
    ].flatMap(([name, value]) => ['-o', `APT::FTPArchive::Release::${name}=${value}`]);
    const release = await runProcess('apt-ftparchive', [...fields, 'release', '.'], { cwd: suiteDir, captureStdout: true, env });
    await writeFile(join(suiteDir, 'Release'), release.stdout);
    await runProcess('gpg', ['--batch', '--yes', '--clearsign', '-o', 'InRelease', 'Release'], { cwd: suiteDir, env });
    await runProcess('gpg', ['--batch', '--yes', '-abs', '-o', 'Release.gpg', 'Release'], { cwd: suiteDir, env });
  };

  return {
    url: served.url,
    dir: root,
    signingKeyUrl: `${served.url}Release.key`,
    armoredKey: () => readFile(join(root, 'Release.key'), 'utf8'),
    publish,
    close: async () => {
      await served.close();
      await rm(work, { recursive: true, force: true });
      if (!dir) await rm(root, { recursive: true, force: true });
    },
  };
}

/** A package holding one file that says its version: enough to see which one an image got. */
async function buildDeb(work: string, pool: string, pkg: FixturePackage): Promise<void> {
  const root = join(work, `${pkg.name}-${pkg.version}`);
  await rm(root, { recursive: true, force: true });
  await mkdir(join(root, 'DEBIAN'), { recursive: true });
  await mkdir(join(root, 'usr/share', pkg.name), { recursive: true });
  await writeFile(join(root, 'usr/share', pkg.name, 'version'), `${pkg.version}\n`);
  const control = [
    `Package: ${pkg.name}`,
    `Version: ${pkg.version}`,
    'Architecture: all',
    'Maintainer: Stamper tests <tests@stamper.invalid>',
    'Section: misc',
    `Description: ${pkg.name} fixture for Stamper tests`,
    '',
  ].join('\n');
  await writeFile(join(root, 'DEBIAN/control'), control);
  await runProcess('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', root, join(pool, `${pkg.name}_${pkg.version}_all.deb`)]);
}
