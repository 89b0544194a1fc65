import { access, constants, readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { runProcess } from '../exec';

/** The user rootless builds run as, and the subordinate ids its namespace maps to 0..count-1. */
export interface BuildUser {
  name: string;
  subuidStart: number;
  subgidStart: number;
  /** How many ids the namespace maps; the image's ids must stay below it. */
  count: number;
  /** Host groups the build keeps: `kvm`, so the boot check can use /dev/kvm where it works. */
  hostGroups?: number[];
}

export const DEFAULT_BUILD_USER = 'stamper-build';
/** An image's ids (nobody is 65534) must all be mapped, or they show up as the overflow id. */
const MIN_RANGE = 65536;
const FIX = 'run scripts/setup-build-user.sh as root (or set STAMPER_BUILD_MODE=root to build as host root, see README "Safety")';

export class RootlessUnavailableError extends Error {
  constructor(reason: string) {
    super(`rootless builds are not possible on this host: ${reason}; ${FIX}`);
    this.name = 'RootlessUnavailableError';
  }
}

/** Reads `name`'s first range from an /etc/subuid-style file. */
export function subordinateRange(fileText: string, name: string): { start: number; count: number } | undefined {
  for (const line of fileText.split('\n')) {
    const [owner, start, count] = line.trim().split(':');
    if (owner === name && start && count && /^\d+$/.test(start) && /^\d+$/.test(count)) return { start: Number(start), count: Number(count) };
  }
  return undefined;
}

export async function readBuildUser(
  // a root server hands builds to the dedicated user; any other user builds with its own ranges
  name = process.env.STAMPER_BUILD_USER || (process.getuid?.() === 0 ? DEFAULT_BUILD_USER : userInfo().username),
  files: { subuid: string; subgid: string; group?: string } = { subuid: '/etc/subuid', subgid: '/etc/subgid' },
): Promise<BuildUser> {
  const subuid = subordinateRange(await readFile(files.subuid, 'utf8').catch(() => ''), name);
  const subgid = subordinateRange(await readFile(files.subgid, 'utf8').catch(() => ''), name);
  if (!subuid) throw new RootlessUnavailableError(`${files.subuid} has no range for ${name}`);
  if (!subgid) throw new RootlessUnavailableError(`${files.subgid} has no range for ${name}`);
  const count = Math.min(subuid.count, subgid.count);
  if (count < MIN_RANGE) throw new RootlessUnavailableError(`${name} has only ${count} subordinate ids, ${MIN_RANGE} are needed`);
  const kvm = groupId(await readFile(files.group ?? '/etc/group', 'utf8').catch(() => ''), 'kvm');
  return { name, subuidStart: subuid.start, subgidStart: subgid.start, count: MIN_RANGE, hostGroups: kvm === undefined ? [] : [kvm] };
}

/** A group's id from an /etc/group-style file. */
export function groupId(fileText: string, name: string): number | undefined {
  for (const line of fileText.split('\n')) {
    const [group, , gid] = line.trim().split(':');
    if (group === name && gid && /^\d+$/.test(gid)) return Number(gid);
  }
  return undefined;
}

/**
 * The argv prefix that runs a command as the build user's namespace root: uid 0 there
 * is the first subordinate id on the host, with no capability over anything the host
 * owns, and its own mount namespace means nothing it mounts is seen by the host or
 * outlives it. A root server first drops to the build user (setpriv), then newuidmap
 * maps the range. Each program execs the next, so the command keeps the pid, parent
 * and process group it was spawned with: cancel and the parent watch work unchanged.
 */
export function usernsPrefix(user: BuildUser, asRoot = process.getuid?.() === 0): string[] {
  const groups = user.hostGroups?.length ? `--groups=${user.hostGroups.join(',')}` : '--clear-groups';
  const drop = asRoot ? ['setpriv', `--reuid=${user.name}`, `--regid=${user.name}`, groups, '--'] : [];
  return [
    ...drop,
    'unshare',
    '--user',
    // util-linux 2.38 honours only the last --map-users/--map-groups
    `--map-users=${user.subuidStart},0,${user.count}`,
    `--map-groups=${user.subgidStart},0,${user.count}`,
    '--setuid',
    '0',
    '--setgid',
    '0',
    '--mount',
    '--',
  ];
}

/** Fails in a second, naming the fix, instead of minutes into mmdebstrap. */
export async function checkRootlessHost(user?: BuildUser): Promise<BuildUser> {
  const buildUser = user ?? (await readBuildUser());
  for (const helper of ['/usr/bin/newuidmap', '/usr/bin/newgidmap']) {
    if (
      !(await access(helper, constants.X_OK).then(
        () => true,
        () => false,
      ))
    )
      throw new RootlessUnavailableError(`${helper} is missing (Debian package uidmap)`);
  }
  const [command, ...args] = usernsPrefix(buildUser);
  const probe = await runProcess(command as string, [...args, 'cat', '/proc/self/uid_map'], { captureStdout: true, allowFailure: true, timeoutMs: 10_000 });
  const mapped = probe.stdout.trim().split(/\s+/).map(Number);
  if (probe.code !== 0 || mapped[0] !== 0 || mapped[1] !== buildUser.subuidStart) {
    const why = probe.lastLines.slice(-2).join(' ') || `exit ${probe.code}`;
    throw new RootlessUnavailableError(
      `a user namespace for ${buildUser.name} could not be made (${why}; unprivileged user namespaces may be disabled: check sysctl user.max_user_namespaces and kernel.apparmor_restrict_unprivileged_userns)`,
    );
  }
  return buildUser;
}
