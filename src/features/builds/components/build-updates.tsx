import { useBuildUpdates, useRecheckUpdates } from '../api/get-build-updates';

/**
 * What a rebuild would install newer, read from the suites this image was built from:
 * the package diff an operator wants before rolling a patched image out.
 */
export function BuildUpdatesSection({ buildId }: { buildId: string }) {
  const updates = useBuildUpdates(buildId);
  const recheck = useRecheckUpdates(buildId);
  const data = updates.data;
  return (
    <section aria-labelledby="updates-heading" className="st-card">
      <h2 id="updates-heading">Updates</h2>
      {updates.isPending && <p className="st-muted">Reading the suites this image was built from…</p>}
      {updates.isError && <p className="st-muted">{updates.error.message}</p>}
      {data && (
        <>
          <p role="status">
            {data.count === 0
              ? 'Nothing newer: a rebuild today would install the same packages.'
              : `${data.count} ${data.count === 1 ? 'package has' : 'packages have'} a newer version, ${data.security} from a security suite.`}{' '}
            <span className="st-muted">Checked {new Date(data.checkedAt).toLocaleString()}.</span>{' '}
            <button type="button" className="st-button st-button--small" disabled={recheck.isPending} onClick={() => recheck.mutate()}>
              {recheck.isPending ? 'Checking…' : 'Check again'}
            </button>
          </p>
          {data.unreadable.map((u) => (
            <p key={u.source} className="st-notice">
              {u.source} could not be read, so its updates are missing here: {u.reason}
            </p>
          ))}
          {data.packages.length > 0 && (
            <table className="st-table" aria-label="Package updates">
              <thead>
                <tr>
                  <th scope="col">Package</th>
                  <th scope="col">In the image</th>
                  <th scope="col">Available</th>
                  <th scope="col">From</th>
                </tr>
              </thead>
              <tbody>
                {data.packages.map((p) => (
                  <tr key={p.name}>
                    <th scope="row">{p.name}</th>
                    <td>
                      <code>{p.installed}</code>
                    </td>
                    <td>
                      <code>{p.available}</code>
                    </td>
                    <td>
                      {p.source}
                      {p.security && <strong className="st-security-fix">security</strong>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {recheck.error && <p className="st-error-text">{recheck.error.message}</p>}
    </section>
  );
}
