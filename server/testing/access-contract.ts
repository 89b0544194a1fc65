import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessStores } from '../store/open-access.ts';
import type { Store } from '../store/store.ts';
import { newBuild } from './store-contract.ts';

/** One connection to a database: its build store, and its access stores beside it. */
export interface AccessConnection {
  store: Store;
  stores: AccessStores;
}

/** A fresh, empty database, and how to open a connection to it (each call another one, like another replica). */
export interface AccessLocation {
  open(): AccessConnection;
  cleanup(): Promise<void>;
}

const ALICE = { subject: 'alice@example.org', name: 'Alice', claimedRole: 'viewer' as const };

/**
 * What tokens, sessions, roles, submitters and the audit log must do, run against SQLite
 * and a real Postgres so the two cannot drift; the second connection stands in for a second
 * API replica, which must see every write of the first at once.
 */
export function accessContract(kind: string, fresh: () => Promise<AccessLocation>): void {
  describe(`${kind} access contract`, () => {
    let at: AccessLocation;
    let one: AccessConnection;
    let two: AccessConnection;
    beforeEach(async () => {
      at = await fresh();
      one = at.open();
      two = at.open();
      await Promise.all([one.stores.ready(), two.stores.ready()]);
    });
    afterEach(async () => {
      for (const connection of [one, two]) {
        await connection.stores.close();
        await connection.store.close();
      }
      await at.cleanup();
    });

    it('knows a token made through one connection on the other, with its role, until revoked there', async () => {
      const created = await one.stores.access.createToken({ name: 'ci', subject: 'ci-bot', role: 'builder', createdBy: 'admin' });
      expect(created.token).toMatch(/^stp_/);
      expect(created.accessToken).toMatchObject({ name: 'ci', subject: 'ci-bot', role: 'builder', createdBy: 'admin', lastUsedAt: null, revokedAt: null });
      const found = await two.stores.access.tokenFor(created.token);
      expect(found).toMatchObject({ id: created.accessToken.id, role: 'builder' });
      expect((await one.stores.access.token(created.accessToken.id))?.lastUsedAt).not.toBeNull();
      expect(await two.stores.access.tokenFor(`${created.token}x`)).toBeNull();

      const revoked = await two.stores.access.revokeToken(created.accessToken.id);
      expect(revoked?.revokedAt).not.toBeNull();
      expect(await one.stores.access.tokenFor(created.token)).toBeNull();
      // revoking again keeps the first time; an unknown id is no token
      expect((await one.stores.access.revokeToken(created.accessToken.id))?.revokedAt).toBe(revoked?.revokedAt);
      expect(await one.stores.access.revokeToken('no-such-token')).toBeNull();
      expect(await one.stores.access.token('no-such-token')).toBeNull();
    });

    it('lists tokens newest first, never with their secret', async () => {
      const first = await one.stores.access.createToken({ name: 'first', subject: 'a', role: 'viewer', createdBy: 'admin' });
      const second = await two.stores.access.createToken({ name: 'second', subject: 'b', role: 'admin', createdBy: 'admin' });
      const listed = await one.stores.access.tokens();
      expect(listed.map((token) => token.name)).toEqual(['second', 'first']);
      expect(JSON.stringify(listed)).not.toContain(first.token);
      expect(JSON.stringify(listed)).not.toContain(second.token);
    });

    it('keeps a session for its lifetime on every connection, and ends it everywhere', async () => {
      const secret = await one.stores.access.createSession(ALICE, 60_000);
      expect(await two.stores.access.sessionFor(secret)).toEqual(ALICE);
      expect(await two.stores.access.sessionFor(`${secret}x`)).toBeNull();
      await two.stores.access.endSession(secret);
      expect(await one.stores.access.sessionFor(secret)).toBeNull();

      const expired = await one.stores.access.createSession(ALICE, -1);
      expect(await two.stores.access.sessionFor(expired)).toBeNull();
    });

    it('gives an assigned role to every connection, the latest assignment winning', async () => {
      expect(await one.stores.access.assignedRole(ALICE.subject)).toBeNull();
      await one.stores.access.assignRole(ALICE.subject, 'builder', 'admin');
      expect(await two.stores.access.assignedRole(ALICE.subject)).toBe('builder');
      await two.stores.access.assignRole(ALICE.subject, 'admin', 'admin');
      expect(await one.stores.access.assignedRole(ALICE.subject)).toBe('admin');
      expect(await one.stores.access.assignedRole('someone else')).toBeNull();
    });

    it("records a build's first submitter, and no submitter for an unknown build", async () => {
      const { row } = await one.store.createOrReuse(await newBuild(30, 'owned'), false);
      expect(await two.stores.access.submitterOf(row.id)).toBeNull();
      await one.stores.access.recordSubmitter(row.id, 'alice');
      await two.stores.access.recordSubmitter(row.id, 'bob');
      expect(await two.stores.access.submitterOf(row.id)).toBe('alice');
      expect(await one.stores.access.submitterOf('no-such-build')).toBeNull();
    });

    it('lists audit entries of both connections newest first, in pages, by action', async () => {
      await one.stores.audit.record('alice', 'build.submit', 'b1', 'first');
      await two.stores.audit.record('bob', 'build.cancel', 'b1');
      await one.stores.audit.record('admin', 'token.create', 't1', 'ci as ci, builder');
      const all = await two.stores.audit.page({ limit: 10 });
      expect(all.items.map((entry) => [entry.actor, entry.action, entry.target, entry.detail])).toEqual([
        ['admin', 'token.create', 't1', 'ci as ci, builder'],
        ['bob', 'build.cancel', 'b1', null],
        ['alice', 'build.submit', 'b1', 'first'],
      ]);
      expect(all.nextBefore).toBeNull();
      expect(all.items.every((entry) => typeof entry.id === 'number' && !Number.isNaN(Date.parse(entry.at)))).toBe(true);

      const first = await one.stores.audit.page({ limit: 2 });
      expect(first.items.map((entry) => entry.action)).toEqual(['token.create', 'build.cancel']);
      expect(first.nextBefore).toBe(first.items[1]?.id);
      const rest = await one.stores.audit.page({ limit: 2, before: first.nextBefore ?? undefined });
      expect(rest.items.map((entry) => entry.action)).toEqual(['build.submit']);
      expect(rest.nextBefore).toBeNull();

      const cancels = await one.stores.audit.page({ limit: 10, action: 'build.cancel' });
      expect(cancels.items.map((entry) => entry.actor)).toEqual(['bob']);
    });
  });
}
