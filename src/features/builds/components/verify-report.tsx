import type { VerifyCheck } from '@/spec/build-events';

export function VerifyReport({ checks, enabled }: { checks: readonly VerifyCheck[]; enabled: boolean }) {
  if (checks.length === 0) {
    return <p className="st-muted">{enabled ? 'No boot checks have reported yet.' : 'The boot check is turned off in this spec.'}</p>;
  }
  const passed = checks.filter((c) => c.ok).length;
  return (
    <>
      <p>
        {passed} of {checks.length} checks passed.
      </p>
      <ul className="st-checks">
        {checks.map((check) => (
          <li key={check.name} className={check.ok ? 'st-check--ok' : 'st-check--failed'}>
            <span aria-hidden="true">{check.ok ? '✓' : '✕'}</span> <strong>{check.name}</strong>{' '}
            <span className="st-visually-hidden">{check.ok ? 'passed' : 'failed'}</span>
            {check.detail && <span className="st-muted"> — {check.detail}</span>}
          </li>
        ))}
      </ul>
    </>
  );
}
