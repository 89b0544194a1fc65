import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionInfoSchema } from '../../src/spec/access-api.ts';
import { createServerApp } from '../http/start-server.ts';
import { startOidcProvider, type TestOidcProvider } from '../testing/oidc-test-provider.ts';
import { scenarioSpec } from '../testing/test-builds.ts';
import { scriptedRunner } from '../testing/scripted-runner.ts';
import { testConfig } from '../testing/test-app.ts';

const host = '127.0.0.1:8080';
const redirectUrl = `http://${host}/api/auth/callback`;

/** Cookies as a browser keeps them for the provider: name → value, from each Set-Cookie. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

const setCookies = (header: string | string[] | undefined) => [header ?? []].flat();
const cookiePair = (headers: string[], name: string) => headers.find((line) => line.startsWith(`${name}=`))?.split(';')[0];

describe('OpenID Connect sign-in against a real provider on loopback', () => {
  let provider: TestOidcProvider;
  let app: FastifyInstance;
  let config: ReturnType<typeof testConfig>;

  beforeAll(async () => {
    provider = await startOidcProvider({
      redirectUris: [redirectUrl],
      users: [
        { login: 'ada', name: 'Ada Admin', groups: ['stamper-admins', 'staff'] },
        { login: 'bea', name: 'Bea Builder', groups: ['stamper-builders'] },
        { login: 'vic', name: 'Vic Viewer', groups: ['staff'] },
      ],
    });
    config = testConfig(
      { buildsPerMinute: 10_000, preflight: false },
      {
        STAMPER_OIDC_ISSUER: provider.issuer,
        STAMPER_OIDC_CLIENT_ID: provider.clientId,
        STAMPER_OIDC_CLIENT_SECRET: provider.clientSecret,
        STAMPER_OIDC_REDIRECT_URL: redirectUrl,
        STAMPER_OIDC_ROLE_MAP: 'stamper-admins=admin,stamper-builders=builder',
      },
    );
    ({ app } = await createServerApp(config, { runner: scriptedRunner(), pollMs: 100 }));
  });
  afterAll(async () => {
    await app?.close();
    config?.cleanup();
    await provider?.close();
  });

  /** The whole code flow as a browser walks it: Stamper → provider login and consent → Stamper's callback. */
  async function signIn(login: string): Promise<{ cookie: string; location: string }> {
    const start = await app.inject({ url: '/api/auth/login?returnTo=/builds', headers: { host } });
    expect(start.statusCode).toBe(302);
    const authorize = new URL(String(start.headers.location));
    expect(authorize.origin).toBe(provider.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const pending = cookiePair(setCookies(start.headers['set-cookie']), 'stamper_oidc');
    expect(pending).toBeDefined();

    const jar = new CookieJar();
    let url = authorize.href;
    let body: URLSearchParams | undefined;
    for (let hop = 0; hop < 20; hop += 1) {
      const response = await fetch(url, {
        method: body ? 'POST' : 'GET',
        redirect: 'manual',
        headers: { cookie: jar.header(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body,
      });
      jar.take(response.headers);
      body = undefined;
      const next = response.headers.get('location');
      if (next) {
        url = new URL(next, url).href;
        if (url.startsWith(redirectUrl)) break;
        continue;
      }
      // A page of the provider: its login form, then its consent form; both post back to it.
      const html = await response.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
      if (!action || !prompt) throw new Error(`unexpected provider page (${response.status}): ${html.slice(0, 200)}`);
      url = new URL(action, url).href;
      body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt });
    }
    expect(url.startsWith(redirectUrl)).toBe(true);

    const callback = await app.inject({ url: url.slice(`http://${host}`.length), headers: { host, cookie: pending } });
    expect(callback.statusCode, callback.body).toBe(302);
    const session = cookiePair(setCookies(callback.headers['set-cookie']), 'stamper_session');
    expect(session).toBeDefined();
    const line = setCookies(callback.headers['set-cookie']).find((entry) => entry.startsWith('stamper_session='));
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Lax/);
    // plain HTTP on loopback: a Secure cookie would be dropped by the browser
    expect(line).not.toMatch(/Secure/);
    return { cookie: session ?? '', location: String(callback.headers.location) };
  }

  const whoAmI = async (cookie: string) => sessionInfoSchema.parse((await app.inject({ url: '/api/session', headers: { host, cookie } })).json());

  it('needs sign-in: without a session the API answers 401 and the session names the sign-in URL', async () => {
    expect((await app.inject({ url: '/api/builds', headers: { host } })).statusCode).toBe(401);
    const info = await whoAmI('');
    expect(info).toMatchObject({ authRequired: true, authenticated: false, mode: 'oidc', signInUrl: '/api/auth/login' });
  });

  it('signs in with the code flow and takes the role from the mapped group claim', async () => {
    const ada = await signIn('ada');
    expect(ada.location).toBe('/builds');
    expect(await whoAmI(ada.cookie)).toMatchObject({ authenticated: true, user: { subject: 'ada', name: 'Ada Admin', role: 'admin' } });
    const vic = await signIn('vic');
    expect((await whoAmI(vic.cookie)).user?.role).toBe('viewer');

    // the database keeps a digest of each session, never the cookie's secret
    const db = new Database(path.join(config.dataDir, 'stamper.db'), { readonly: true });
    try {
      const stored = JSON.stringify(db.prepare('SELECT * FROM sessions').all());
      expect(stored).toContain('Vic Viewer');
      for (const cookie of [ada.cookie, vic.cookie]) expect(stored).not.toContain(cookie.split('=')[1]);
    } finally {
      db.close();
    }

    // a viewer reads but cannot submit; a builder can
    expect((await app.inject({ url: '/api/builds', headers: { host, cookie: vic.cookie } })).statusCode).toBe(200);
    const submit = (cookie: string) =>
      app.inject({ method: 'POST', url: '/api/builds', headers: { host, cookie, 'content-type': 'application/yaml' }, payload: scenarioSpec('oidc', 30) });
    expect((await submit(vic.cookie)).statusCode).toBe(403);
    const bea = await signIn('bea');
    expect((await submit(bea.cookie)).statusCode).toBe(201);

    // an admin-assigned role wins over the claim, from the next request on
    const assigned = await app.inject({
      method: 'PUT',
      url: '/api/roles',
      headers: { host, cookie: ada.cookie },
      payload: { subject: 'vic', role: 'builder' },
    });
    expect(assigned.statusCode).toBe(200);
    expect((await whoAmI(vic.cookie)).user?.role).toBe('builder');

    // signing out ends the session on the server, not just in the browser
    await app.inject({ method: 'DELETE', url: '/api/session', headers: { host, cookie: bea.cookie } });
    expect((await app.inject({ url: '/api/builds', headers: { host, cookie: bea.cookie } })).statusCode).toBe(401);
  });

  it('refuses a callback whose state does not match the sign-in this browser started', async () => {
    const start = await app.inject({ url: '/api/auth/login', headers: { host } });
    const pending = cookiePair(setCookies(start.headers['set-cookie']), 'stamper_oidc');
    const forged = await app.inject({ url: '/api/auth/callback?code=abc&state=not-the-state', headers: { host, cookie: pending } });
    expect(forged.statusCode).toBe(401);
    expect(cookiePair(setCookies(forged.headers['set-cookie']), 'stamper_session')).toBeUndefined();
    const none = await app.inject({ url: '/api/auth/callback?code=abc&state=x', headers: { host } });
    expect(none.statusCode).toBe(401);
  });

  it('never sends the browser back outside this server', async () => {
    const start = await app.inject({ url: '/api/auth/login?returnTo=//evil.example/x', headers: { host } });
    const pending = cookiePair(setCookies(start.headers['set-cookie']), 'stamper_oidc') ?? '';
    const decoded = JSON.parse(Buffer.from(pending.split('=')[1] ?? '', 'base64url').toString('utf8')) as { returnTo: string };
    expect(decoded.returnTo).toBe('/');
  });
});
