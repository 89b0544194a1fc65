import { chmodSync, chownSync, lchownSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runProcess } from '../exec';
import { type BuildUser, RootlessUnavailableError, checkRootlessHost, usernsPrefix } from './build-user';

/** `rootless` (the default) runs a build as its user namespace's root; `root` is the documented opt-in for hosts that cannot. */
export type BuildMode = 'rootless' | 'root';

/** STAMPER_BUILD_MODE for commands without the server's configuration (`stamper build`). */
export function parseBuildMode(value: string | undefined): BuildMode {
  if (value === undefined || value === '' || value === 'rootless') return 'rootless';
  if (value === 'root') return 'root';
  throw new Error(`STAMPER_BUILD_MODE must be rootless or root, not "${value}"`);
}

/** The environment variable a build process reads to report how it runs. */
export const SANDBOX_MODE_ENV = 'STAMPER_SANDBOX';

/**
 * How the service starts a build process and hands it its directories. In rootless mode
 * the process and everything it starts (mmdebstrap, package scripts, chroot, mkfs, QEMU)
 * run as host ids from the build user's subordinate range: the directories a build
 * writes are given to that range before it starts and taken back afterwards, so no later
 * build (same ids) can change what an earlier one produced.
 */
export interface BuildSandbox {
  mode: BuildMode;
  /** argv that comes before the build process's own command. */
  prefix: readonly string[];
  /** Gives a fresh directory to the build's namespace root. */
  claim(dir: string): void;
  /**
   * Takes a directory the build wrote back for the service: recursively, or only the
   * directory itself (which freezes its entries). Call it only once nothing of the build runs.
   */
  release(dir: string, options?: { recursive: boolean }): void;
  /**
   * Lets builds pass through the data dir to their own directories (search, not list:
   * the database and keys stay the service's) and read the shared cache.
   */
  admit(dirs: { dataDir?: string; cacheDir: string }): void;
}

export const hostRootSandbox: BuildSandbox = {
  mode: 'root',
  prefix: [],
  claim: () => undefined,
  release: () => undefined,
  admit: () => undefined,
};

export function userNamespaceSandbox(user: BuildUser, prefix: readonly string[]): BuildSandbox {
  const owner = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  return {
    mode: 'rootless',
    prefix,
    claim(dir) {
      assertReachable(dir, user);
      chownSync(dir, user.subuidStart, user.subgidStart);
    },
    release(dir, options = { recursive: true }) {
      if (options.recursive) chownTree(dir, owner.uid, owner.gid);
      else lchownSync(dir, owner.uid, owner.gid);
    },
    admit({ dataDir, cacheDir }) {
      for (const dir of dataDir ? [dataDir, join(dataDir, 'work'), join(dataDir, 'artifacts')] : []) {
        mkdirSync(dir, { recursive: true, mode: 0o711 });
        chmodSync(dir, statSync(dir).mode | 0o111);
      }
      mkdirSync(cacheDir, { recursive: true });
      chmodSync(cacheDir, statSync(cacheDir).mode | 0o555);
    },
  };
}

/**
 * Opens the sandbox a mode asks for, proving in a second that it works here: a user
 * namespace can be made, and the build user can run Node and read the build program
 * (a checkout under /root, mode 0700, is the usual reason it cannot).
 */
export async function openBuildSandbox(mode: BuildMode, programFiles: readonly string[]): Promise<BuildSandbox> {
  if (mode === 'root') return hostRootSandbox;
  const user = await checkRootlessHost();
  const prefix = usernsPrefix(user);
  const [command, ...args] = prefix;
  const probe = await runProcess(
    command as string,
    [
      ...args,
      process.execPath,
      '-e',
      'for (const f of process.argv.slice(1)) require("node:fs").accessSync(f, require("node:fs").constants.R_OK)',
      ...programFiles,
    ],
    { allowFailure: true, timeoutMs: 15_000 },
  );
  if (probe.code !== 0) {
    const why = probe.lastLines.find((line) => /EACCES|denied/i.test(line)) ?? probe.lastLines.at(-1) ?? `exit ${probe.code}`;
    throw new RootlessUnavailableError(
      `${user.name} cannot run Node or read the build program (${why.trim()}); every directory above the checkout and ${process.execPath} must be searchable by it (a checkout in /root is not): run scripts/setup-build-user.sh as root, which grants it search on just those directories`,
    );
  }
  return userNamespaceSandbox(user, prefix);
}

/** The namespace's root is an ordinary user on the host: it needs search permission on every directory above `dir`. */
function assertReachable(dir: string, user: BuildUser): void {
  for (let parent = dirname(dir); ; parent = dirname(parent)) {
    const stat = statSync(parent);
    const searchable = (stat.mode & 0o001) !== 0 || (stat.uid === user.subuidStart && (stat.mode & 0o100) !== 0);
    if (!searchable) throw new RootlessUnavailableError(`${parent} is not searchable by other users, so the build cannot reach ${dir}`);
    if (parent === dirname(parent)) return;
  }
}

/**
 * Top down: once a directory is the service's, nothing the build left can rename or
 * swap its entries any more, so the walk below it cannot be sent elsewhere by a link
 * that replaces a directory half-way. Links themselves are taken (lchown), never followed.
 */
function chownTree(path: string, uid: number, gid: number): void {
  const stat = lstatSync(path);
  lchownSync(path, uid, gid);
  if (stat.isSymbolicLink()) return;
  // nor may anyone but the service change what was taken back
  if ((stat.mode & 0o022) !== 0) chmodSync(path, stat.mode & 0o7755);
  if (stat.isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), uid, gid);
}

/** What this process really runs as, read from the kernel (not from settings), for the build log. */
export function describeOwnSandbox(uidMap: string): string {
  const [inside, outside, count] = uidMap.trim().split(/\s+/).map(Number);
  if (inside === 0 && outside === 0 && count === 4294967295) return 'this build runs as host root (STAMPER_BUILD_MODE=root)';
  return `this build runs rootless: uid 0 here is host uid ${outside} (${count} ids mapped), with no privilege over the host`;
}
