import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresMissing, startTestPostgres, type TestPostgres } from './postgres.ts';

const missing = await postgresMissing();
if (missing) console.warn(`skipping Postgres tests: ${missing}`);

describe.skipIf(missing !== null)('test Postgres', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startTestPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers on loopback with the password in its URL, and not without it', async () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const { rows } = await client.query<{ version: string; user: string }>('SELECT version() AS version, current_user AS user');
    await client.end();
    expect(rows[0]?.version).toMatch(/^PostgreSQL \d+/);
    expect(rows[0]?.user).toBe('stamper');
    const wrong = new URL(server.url);
    wrong.password = 'wrong';
    const intruder = new pg.Client({ connectionString: wrong.toString() });
    await expect(intruder.connect()).rejects.toThrow(/password authentication failed/);
  });

  it('makes separate databases on the same server', async () => {
    const url = await server.createDatabase('second');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    await client.end();
    expect(rows[0]?.db).toBe('second');
  });
});
