import type { BuildDetail } from '@/spec/build-api';
import { formatBytes } from '@/lib/format-bytes';
import { CopyButton } from './copy-button';

export function ArtifactsTable({ artifacts, caption = 'Artifacts' }: { artifacts: BuildDetail['artifacts']; caption?: string }) {
  if (artifacts.length === 0) return <p className="st-muted">This build produced no downloadable files.</p>;
  return (
    <div className="st-table-wrap">
      <table className="st-table">
        <caption className="st-visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Format</th>
            <th scope="col" className="st-num">
              Size
            </th>
            <th scope="col">SHA-256</th>
            <th scope="col">
              <span className="st-visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {artifacts.map((artifact) => (
            <tr key={artifact.name}>
              <th scope="row">{artifact.name}</th>
              <td>{artifact.format}</td>
              <td className="st-num">{formatBytes(artifact.sizeBytes)}</td>
              <td>
                <code className="st-hash" title={artifact.sha256} data-testid={`sha256-${artifact.name}`}>
                  {artifact.sha256}
                </code>
              </td>
              <td className="st-actions">
                <CopyButton value={artifact.sha256} label={`Copy SHA-256 of ${artifact.name}`} />
                <a className="st-button st-button--small st-button--primary" href={artifact.url} download={artifact.name}>
                  Download<span className="st-visually-hidden"> {artifact.name}</span>
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
