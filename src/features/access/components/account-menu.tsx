import { useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { apiRequest } from '@/lib/api-client';
import { useSession } from '@/lib/api/get-session';
import '../access.css';

/**
 * Who is signed in, with what role, in the header. Nothing at all on the loopback default
 * (one person, no sign-in); a Sign in link when OpenID Connect is configured.
 */
export function AccountMenu() {
  const { data } = useSession();
  const [location] = useLocation();
  const queryClient = useQueryClient();
  if (!data?.authRequired) return null;

  if (!data.authenticated || !data.user) {
    if (!data.signInUrl) return null;
    return (
      <div className="account-menu">
        <a className="st-button st-button--primary" href={`${data.signInUrl}?returnTo=${encodeURIComponent(location)}`}>
          Sign in
        </a>
      </div>
    );
  }

  const signOut = async () => {
    await apiRequest('/api/session', { method: 'DELETE' });
    queryClient.clear();
    window.location.assign('/');
  };
  return (
    <div className="account-menu" aria-label="Account">
      <span className="account-menu__user">
        Signed in as <strong>{data.user.name}</strong> <span className="account-menu__role">({data.user.role})</span>
      </span>
      {data.user.role === 'admin' ? (
        <>
          <Link href="/audit" className="app-nav__link">
            Audit log
          </Link>
          <Link href="/tokens" className="app-nav__link">
            Access tokens
          </Link>
        </>
      ) : null}
      <button type="button" className="st-button" onClick={() => void signOut()}>
        Sign out
      </button>
    </div>
  );
}
