import type { AptInput, BuildInput } from '@/spec/build-inputs';

const shortSha = (sha256: string) => sha256.slice(0, 12);

const roleLabel: Record<AptInput['role'], string | null> = {
  'distro-main': 'Distro',
  'distro-updates': 'Distro updates',
  'distro-security': 'Distro security',
  kubernetes: 'Kubernetes',
  // an extra repository goes by the name the spec gave it
  extra: null,
};

/** What the image was made from besides its spec: each apt suite's release file and each downloaded binary. */
export function BuildInputs({ inputs }: { inputs: readonly BuildInput[] }) {
  if (inputs.length === 0) return null;
  return (
    <section aria-labelledby="inputs-heading" className="st-card">
      <h2 id="inputs-heading">Built from</h2>
      <p className="st-muted">The same spec built from these same sources makes the same image; when one of them moves on, a rebuild differs.</p>
      <table className="st-table" aria-labelledby="inputs-heading">
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Suite or file</th>
            <th scope="col">Published</th>
            <th scope="col">SHA-256</th>
          </tr>
        </thead>
        <tbody>
          {inputs.map((input) =>
            input.kind === 'apt' ? (
              <tr key={`${input.url} ${input.suite}`}>
                <td>
                  {roleLabel[input.role] ?? input.name}
                  {input.role === 'extra' && /security/i.test(input.label ?? '') && <span className="st-muted"> (security)</span>}
                </td>
                <td>
                  <code>{input.suite}</code> <span className="st-muted">{input.components.join(' ')}</span>
                </td>
                <td>{input.date ?? 'undated'}</td>
                <td>
                  <code title={`${input.releaseUrl} sha256:${input.sha256}`}>{shortSha(input.sha256)}</code>
                </td>
              </tr>
            ) : (
              <tr key={`${input.name} ${input.url}`}>
                <td>{input.name}</td>
                <td>
                  <code>{input.url.split('/').pop()}</code>
                </td>
                <td>—</td>
                <td>
                  <code title={`${input.url} sha256:${input.sha256}`}>{shortSha(input.sha256)}</code>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </section>
  );
}
