import { afterAll, beforeAll } from 'vitest';
import { startTestPostgres, type TestPostgres } from './postgres.ts';

/**
 * Inside a describe block: one real Postgres server for the block (started before its
 * tests, stopped after), and a fresh empty database on each call, so every test starts from
 * its own freshly migrated schema. Apart from postgres.ts so benches can use that without vitest.
 */
export function postgresPerTest(prefix: string): (name?: string) => Promise<string> {
  let server: TestPostgres | undefined;
  let databases = 0;
  beforeAll(async () => {
    server = await startTestPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return async (name) => {
    if (!server) throw new Error('Postgres is not running: call the database factory from a test');
    return server.createDatabase(name ?? `${prefix}_${(databases += 1)}`);
  };
}
