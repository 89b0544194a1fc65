import { describe, expect, it } from 'vitest';
import type { Role, SessionInfo } from '@/spec/access-api';
import { buildActionAccess } from './build-action-access';

const signedIn = (subject: string, role: Role): SessionInfo => ({
  authRequired: true,
  authenticated: true,
  mode: 'oidc',
  user: { subject, name: subject, role },
});

describe('buildActionAccess', () => {
  it('lets a builder act on their own build only', () => {
    expect(buildActionAccess(signedIn('alice', 'builder'), 'alice')).toEqual({ mayAct: true });
    const other = buildActionAccess(signedIn('alice', 'builder'), 'bob');
    expect(other).toMatchObject({ mayAct: false, reason: expect.stringContaining('submitted this build') });
    expect(buildActionAccess(signedIn('alice', 'builder'), null)).toMatchObject({ mayAct: false, reason: expect.stringContaining('only an admin') });
  });

  it('lets an admin act on every build and a viewer on none, without a note', () => {
    expect(buildActionAccess(signedIn('root', 'admin'), 'bob')).toEqual({ mayAct: true });
    expect(buildActionAccess(signedIn('root', 'admin'), null)).toEqual({ mayAct: true });
    expect(buildActionAccess(signedIn('val', 'viewer'), 'val')).toEqual({ mayAct: false, reason: null });
  });

  it('offers the actions on the loopback default and while the session loads', () => {
    expect(buildActionAccess({ authRequired: false, authenticated: true, mode: 'loopback', user: null }, null)).toEqual({ mayAct: true });
    expect(buildActionAccess(undefined, 'bob')).toEqual({ mayAct: true });
  });
});
