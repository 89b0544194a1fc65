import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Looks up numeric ids in the image's own passwd/group, never the build host's. */
export async function readTreeAccounts(tree: string): Promise<{ users: Map<string, { uid: number; gid: number; home: string }>; groups: Map<string, number> }> {
  const users = new Map<string, { uid: number; gid: number; home: string }>();
  const groups = new Map<string, number>();
  for (const line of (await readFile(join(tree, 'etc/passwd'), 'utf8')).split('\n')) {
    const [name, , uid, gid, , home] = line.split(':');
    if (name && uid && gid) users.set(name, { uid: Number(uid), gid: Number(gid), home: home ?? '/' });
  }
  for (const line of (await readFile(join(tree, 'etc/group'), 'utf8')).split('\n')) {
    const [name, , gid] = line.split(':');
    if (name && gid) groups.set(name, Number(gid));
  }
  return { users, groups };
}

export async function resolveOwner(tree: string, owner: string): Promise<{ uid: number; gid: number }> {
  const [userName, groupName] = owner.split(':');
  const { users, groups } = await readTreeAccounts(tree);
  const user = userName ? users.get(userName) : undefined;
  if (!user) throw new Error(`owner ${owner}: no user ${userName ?? ''} in the image`);
  const gid = groupName ? groups.get(groupName) : user.gid;
  if (gid === undefined) throw new Error(`owner ${owner}: no group ${groupName ?? ''} in the image`);
  return { uid: user.uid, gid };
}
