import { useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import { apiRequest, ApiRequestError } from '@/lib/api-client';
import { useSession } from '@/lib/api/get-session';
import '../access.css';

/**
 * In front of every page when the server wants a credential and the browser has none:
 * sign in with the identity provider (OpenID Connect), or paste STAMPER_TOKEN or a
 * personal access token, which the server turns into an HttpOnly cookie. The loopback
 * default never shows it.
 */
export function SignInGate({ children }: { children: ReactNode }) {
  const { data } = useSession();
  const [location] = useLocation();
  const queryClient = useQueryClient();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  if (!data?.authRequired || data.authenticated) return <>{children}</>;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await apiRequest('/api/session', { method: 'POST', json: { token: token.trim() } });
      // every query so far was answered 401: ask again as the signed-in caller
      await queryClient.invalidateQueries();
    } catch (caught) {
      setError(caught instanceof ApiRequestError && caught.status === 401 ? 'That token is not valid (or was revoked).' : 'Signing in failed; try again.');
    }
  };

  return (
    <section className="sign-in-gate" aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>Sign in to Stamper</h1>
      {data.signInUrl ? (
        <p>
          <a className="st-button st-button--primary" href={`${data.signInUrl}?returnTo=${encodeURIComponent(location)}`}>
            Sign in with your identity provider
          </a>
        </p>
      ) : null}
      <form onSubmit={(event) => void submit(event)}>
        <label htmlFor={`${id}-token`}>{data.signInUrl ? 'Or use an access token' : 'Access token'}</label>
        <input id={`${id}-token`} type="password" autoComplete="off" value={token} onChange={(event) => setToken(event.target.value)} required />
        <button type="submit" className="st-button">
          Use token
        </button>
        {error ? <p role="alert">{error}</p> : null}
      </form>
    </section>
  );
}
