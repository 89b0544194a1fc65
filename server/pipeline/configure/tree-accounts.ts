import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_OWNER_ID as MAX_ID } from '../../../src/spec/field-rules';

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

const NUMERIC_ID = /^[0-9]+$/;

/** The schema allows names or numeric ids on either side of `user:group`; numbers need no account. */
export async function resolveOwner(tree: string, owner: string): Promise<{ uid: number; gid: number }> {
  const [userName = '', groupName = ''] = owner.split(':');
  const { users, groups } = await readTreeAccounts(tree);
  const uid = NUMERIC_ID.test(userName) ? Number(userName) : users.get(userName)?.uid;
  if (uid === undefined) throw new Error(`owner ${owner}: no user ${userName} in the image`);
  const gid = NUMERIC_ID.test(groupName) ? Number(groupName) : groups.get(groupName);
  if (gid === undefined) throw new Error(`owner ${owner}: no group ${groupName} in the image`);
  if (uid > MAX_ID || gid > MAX_ID) throw new Error(`owner ${owner}: ids must be at most ${MAX_ID}`);
  return { uid, gid };
}
