import { describe, expect, it } from 'vitest';
import { roleFromClaim } from '../access/oidc-sign-in.ts';
import { loadServerConfig } from './server-config.ts';

const oidcEnv = {
  STAMPER_OIDC_ISSUER: 'https://id.example/realms/ops',
  STAMPER_OIDC_CLIENT_ID: 'stamper',
  STAMPER_OIDC_REDIRECT_URL: 'https://stamper.example/api/auth/callback',
};

describe('OpenID Connect configuration', () => {
  it('is off unless an issuer is set', () => {
    expect(loadServerConfig([], {}).oidc).toBeUndefined();
  });

  it('reads the role map and defaults, and lets a public address listen with sign-in alone', () => {
    const config = loadServerConfig(['--host', '0.0.0.0'], { ...oidcEnv, STAMPER_OIDC_ROLE_MAP: 'ops-admins=admin, ci = builder' });
    expect(config.oidc).toMatchObject({ roleClaim: 'groups', defaultRole: 'viewer', roleMap: { 'ops-admins': 'admin', ci: 'builder' }, sessionHours: 12 });
  });

  it('refuses a role map naming no known role, and an issuer without its client', () => {
    expect(() => loadServerConfig([], { ...oidcEnv, STAMPER_OIDC_ROLE_MAP: 'ops=root' })).toThrow(/oidc\.roleMap/);
    expect(() => loadServerConfig([], { STAMPER_OIDC_ISSUER: oidcEnv.STAMPER_OIDC_ISSUER })).toThrow(/oidc\.clientId/);
  });

  it('maps a claim (a string or a list) to the highest role it names, else the default', () => {
    const map = { roleMap: { admins: 'admin', ci: 'builder' } as const, defaultRole: 'viewer' as const };
    expect(roleFromClaim(['staff', 'ci', 'admins'], map)).toBe('admin');
    expect(roleFromClaim('ci', map)).toBe('builder');
    expect(roleFromClaim(['staff'], map)).toBe('viewer');
    expect(roleFromClaim(undefined, map)).toBe('viewer');
    expect(roleFromClaim([42, { admins: true }], map)).toBe('viewer');
  });
});
