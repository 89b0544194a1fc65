import { useId, useState, type FormEvent } from 'react';
import { roles, type Role } from '@/spec/access-api';
import { useAccessTokens, useCreateAccessToken, useRevokeAccessToken } from '../api/access-tokens';
import '../access.css';

/** Personal access tokens for CLI and CI (admins only): created with a role, shown once, revocable. */
export default function AccessTokensPage() {
  const tokens = useAccessTokens();
  const create = useCreateAccessToken();
  const revoke = useRevokeAccessToken();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('builder');
  const id = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name: name.trim(), role }, { onSuccess: () => setName('') });
  };

  return (
    <section className="audit-log" aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>Access tokens</h1>
      <form className="access-token-form" onSubmit={submit}>
        <label htmlFor={`${id}-name`}>Token name</label>
        <input id={`${id}-name`} value={name} onChange={(event) => setName(event.target.value)} required maxLength={100} />
        <label htmlFor={`${id}-role`}>Role</label>
        <select id={`${id}-role`} value={role} onChange={(event) => setRole(event.target.value as Role)}>
          {roles.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
        <button type="submit" className="st-button st-button--primary" disabled={create.isPending}>
          Create token
        </button>
      </form>
      {create.data ? (
        <div role="status" className="access-token-created">
          <p>
            The token for <strong>{create.data.accessToken.name}</strong>, shown only now: copy it into your CI secret store.
          </p>
          <input aria-label="New access token" readOnly value={create.data.token} onFocus={(event) => event.target.select()} />
        </div>
      ) : null}
      {create.error || revoke.error ? <p role="alert">{(create.error ?? revoke.error)?.message}</p> : null}
      {tokens.error ? (
        <p role="alert">The tokens could not be loaded: {tokens.error.message}</p>
      ) : tokens.data ? (
        <table aria-label="Access tokens">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>{token.role}</td>
                <td>
                  {new Date(token.createdAt).toLocaleString()} by {token.createdBy}
                </td>
                <td>{token.lastUsedAt ? new Date(token.lastUsedAt).toLocaleString() : 'never'}</td>
                <td>
                  {token.revokedAt ? (
                    'revoked'
                  ) : (
                    <button type="button" className="st-button" onClick={() => revoke.mutate(token.id)} aria-label={`Revoke ${token.name}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p role="status">Loading…</p>
      )}
    </section>
  );
}
