import { afterAll, describe, expect, it } from 'vitest';
import { postgresMissing, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { injectLocal, testConfig } from '../testing/test-app.ts';
import { scriptedRunner } from '../testing/scripted-runner.ts';
import { createServerApp } from './start-server.ts';

const missing = await postgresMissing();
if (missing) console.warn(`skipping the database-unavailable test: ${missing}`);

describe.skipIf(missing !== null)('an API process whose Postgres goes away', () => {
  let postgres: TestPostgres | undefined;
  afterAll(async () => {
    await postgres?.stop().catch(() => undefined);
  });

  it('answers 503 database_unavailable with Retry-After, not a bare 500', async () => {
    postgres = await startTestPostgres();
    const config = testConfig({ databaseUrl: await postgres.createDatabase('unavailable'), preflight: false, concurrency: 0 });
    const { app } = await createServerApp(config, { runner: scriptedRunner() });
    try {
      expect((await injectLocal(app, { url: '/api/builds' })).statusCode).toBe(200);
      await postgres.stop();
      const response = await injectLocal(app, { url: '/api/builds' });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json()).toEqual({ code: 'database_unavailable', message: 'the database is unavailable or has no free connection; try again shortly' });
    } finally {
      await app.close().catch(() => undefined);
      config.cleanup();
    }
  }, 60_000);
});
