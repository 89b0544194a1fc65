import { chmod, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findRelease } from '../../../src/spec/catalog';
import type { NodeImageSpec } from '../../../src/spec/schema';
import { describeStatus, fetchSource } from '../../sources/source-fetch';
import { SourcePolicyError, sourcePolicyFromEnvironment } from '../../sources/source-policy';
import { hostDebianMirror, hostDebianSecurityMirror } from '../host-mirror';
import { baseTreeCachePath } from '../rootfs/base-tree-cache';
import { prepareAptSources } from '../rootfs/extra-repositories';
import { osLayerKey } from '../rootfs/os-layer-key';
import { recordOsInputs } from '../record-inputs';
import { DPKG_EXCLUDES, renderInitramfsHook, rootfsPackages } from '../rootfs/package-set';
import { installUpstreamRuntime } from '../rootfs/upstream-runtime';
import type { Stage, StageContext } from '../stage';
import { treeDir } from '../work-layout';

/** tar flags that keep owners, modes, ACLs and file capabilities (ping, newuidmap) intact. */
const TAR_FLAGS = ['--numeric-owner', '--xattrs', '--xattrs-include=*', '--acls'];

export const rootfsStage: Stage = {
  name: 'rootfs',
  async run(ctx) {
    const tree = treeDir(ctx.workDir);
    const mirror = await resolveMirror(ctx.spec.spec);
    // first, so an unreachable mirror is said in those words within seconds, before its suites are read
    await checkMirrorReachable(mirror, ctx.spec.spec.os.release, ctx.signal);
    const key = osLayerKey(ctx.spec.spec, await recordOsInputs(ctx, mirror));
    const cached = baseTreeCachePath(ctx.cacheDir, key);
    await rm(tree, { recursive: true, force: true });

    if (await exists(cached)) {
      ctx.log(`restoring base tree ${key.slice(0, 12)} from cache`, 'info');
      ctx.progress(10, 'restoring cached base tree');
      await mkdir(tree);
      await ctx.exec('tar', [...TAR_FLAGS, '-I', 'zstd -d -T0', '-xpf', cached, '-C', tree]);
      ctx.progress(100, 'base tree restored');
      return;
    }

    ctx.progress(3, `bootstrapping ${ctx.spec.spec.os.release} from ${mirror}`);
    await bootstrap(ctx, tree, mirror);

    if (ctx.spec.spec.runtime.source === 'upstream') {
      ctx.progress(92, 'installing upstream containerd');
      await installUpstreamRuntime(ctx, tree, ctx.spec.spec.runtime);
    }

    ctx.progress(95, 'caching base tree');
    await saveBaseTree(ctx, tree, baseTreeCachePath(ctx.cacheOutDir, key));
    ctx.progress(100, 'base tree ready');
  },
};

async function bootstrap(ctx: StageContext, tree: string, mirror: string): Promise<void> {
  const spec = ctx.spec.spec;
  const release = findRelease(spec.os.release);
  const hook = join(ctx.stageDir, 'initramfs-hook.sh');
  await writeFile(hook, renderInitramfsHook());
  await chmod(hook, 0o755);
  const dpkgExcludes = join(ctx.stageDir, 'dpkg-excludes');
  await writeFile(dpkgExcludes, DPKG_EXCLUDES);

  const args = [
    '--variant=minbase',
    // unshare mode binds the host's device nodes instead of making them, which a user
    // namespace cannot; as host root it just skips the id mapping, so both build modes
    // make the same tree (an empty /dev: the booted system mounts devtmpfs)
    '--mode=unshare',
    '--format=directory',
    `--include=${rootfsPackages(spec).join(',')}`,
    `--components=${(release?.components ?? ['main']).join(',')}`,
    // executable hook paths get the root directory as their argument; no spec value is in them
    `--essential-hook=${hook}`,
    `--dpkgopt=${dpkgExcludes}`,
    '--aptopt=Acquire::Retries "3"',
  ];
  if (release?.keyring) args.push(`--keyring=${release.keyring}`);
  const hostSecurityMirror = spec.os.distro === 'debian' && !spec.os.mirror ? await hostDebianSecurityMirror() : undefined;
  const sources = await prepareAptSources(spec, ctx.stageDir, mirror, { hostSecurityMirror, signal: ctx.signal });
  args.push(...sources.options, spec.os.release, tree, ...sources.mirrors);

  // mmdebstrap's phases in order, with the share of the stage each one ends at
  const milestones: [RegExp, number, string][] = [
    [/downloading packages/, 8, 'downloading packages'],
    [/extracting archives/, 15, 'extracting essential packages'],
    [/installing essential packages/, 25, 'installing essential packages'],
    [/running --essential-hook/, 35, 'installing the node packages'],
    [/installing remaining packages/, 40, 'installing the node packages'],
    [/cleaning package lists/, 88, 'cleaning up'],
  ];
  await ctx.exec('mmdebstrap', args, {
    onLine: (line) => {
      for (const [pattern, percent, message] of milestones) if (pattern.test(line)) ctx.progress(percent, message);
    },
  });
}

async function saveBaseTree(ctx: StageContext, tree: string, cached: string): Promise<void> {
  await mkdir(join(cached, '..'), { recursive: true });
  const partial = `${cached}.${process.pid}.part`;
  try {
    await ctx.exec('tar', [...TAR_FLAGS, '-I', 'zstd -T0 -3', '-cpf', partial, '-C', tree, '.']);
    // rename is atomic: a concurrent build sees either no cache entry or a whole one
    await rename(partial, cached);
  } finally {
    await rm(partial, { force: true });
  }
}

async function resolveMirror(spec: NodeImageSpec): Promise<string> {
  if (spec.os.mirror) return spec.os.mirror;
  if (spec.os.distro !== 'debian') throw new Error(`os.mirror is required for ${spec.os.distro}`);
  const mirror = await hostDebianMirror();
  if (!mirror) throw new Error('os.mirror is not set and the build host has no Debian mirror configured in /etc/apt');
  return mirror;
}

/** Fails in seconds with a clear message instead of minutes into mmdebstrap. */
export async function checkMirrorReachable(mirror: string, release: string, signal: AbortSignal): Promise<void> {
  const url = `${mirror.replace(/\/+$/, '')}/dists/${release}/InRelease`;
  const response = await fetchSource(url, { method: 'HEAD', policy: sourcePolicyFromEnvironment(process.env), signal, timeoutMs: 15_000 }).catch(
    (err: unknown) => {
      if (signal.aborted || err instanceof SourcePolicyError) throw err;
      throw new Error(
        `package mirror ${mirror} is unreachable (${err instanceof Error ? err.message : String(err)}); check os.mirror and the build host's network`,
        { cause: err },
      );
    },
  );
  response.body.resume();
  if (response.status < 200 || response.status >= 300)
    throw new Error(`package mirror ${mirror} has no ${release} release (HEAD ${url}: ${describeStatus(response)})`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
