import { describeIssue } from '@/spec/issue-labels';
import { formatPath } from '@/spec/validation-error';
import { useDraftStore } from '@/stores/draft-store';
import type { Catalog } from '@/lib/api/get-catalog';
import { ReviewSources } from './review-sources';

export interface ReviewStepProps {
  catalog: Catalog;
}

const listOrNone = (values: readonly string[]) => (values.length > 0 ? values.join(', ') : 'none');

/** The summary; DesignerPage renders its `reviewActions` slot (the Build button) below it. */
export function ReviewStep({ catalog }: ReviewStepProps) {
  const draft = useDraftStore((s) => s.draft);
  const issues = useDraftStore((s) => s.issues);
  const status = useDraftStore((s) => s.status);
  const { spec } = draft;
  const release = catalog.releases.find((r) => r.id === spec.os.release);
  const formatTitle = (id: string) => catalog.outputFormats.find((f) => f.id === id)?.title ?? id;

  const rows: [string, string][] = [
    ['Image name', draft.metadata.name],
    ['Base OS', release?.title ?? spec.os.release],
    ['containerd', spec.runtime.source === 'upstream' ? `upstream ${spec.runtime.version ?? ''}` : `distribution package (${release?.containerd ?? '?'})`],
    ['Kubernetes', `${spec.kubernetes.version} from ${spec.kubernetes.source.type === 'apt' ? 'apt' : 'binaries'}`],
    ['Extra packages', listOrNone(spec.packages)],
    ['Users', listOrNone(spec.users.map((u) => (u.sudo ? `${u.name} (sudo)` : u.name)))],
    [
      'Node settings',
      `${Object.keys(spec.sysctl).length} sysctl, ${spec.kernelModules.length} modules, ${spec.kernelArgs.length} kernel args, ${spec.files.length} files`,
    ],
    ['Disk', `${spec.disk.sizeGiB} GiB, ${spec.disk.firmware} firmware`],
    ['Outputs', listOrNone(spec.outputs.map((o) => formatTitle(o.format)))],
    ['Verification', spec.verify.enabled ? `boot check, ${spec.verify.timeoutSeconds} s timeout` : 'off'],
  ];

  return (
    <>
      <dl className="summary">
        {rows.map(([term, value]) => (
          <div key={term} className="summary__row">
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {status === 'valid' ? (
        <p className="status status--success" role="status">
          The spec is valid.
        </p>
      ) : (
        <section className="status status--error" aria-labelledby="review-issues">
          <h3 id="review-issues">
            {status === 'invalid-yaml' ? 'The YAML does not parse' : `${issues.length} problem${issues.length === 1 ? '' : 's'} to fix`}
          </h3>
          <ul>
            {issues.map((issue, i) => (
              // The id is what the Build button's "first problem" link points at; the YAML path stays in the tooltip.
              <li key={i} id={`spec-issue-${i}`} tabIndex={-1} title={issue.path.length > 0 ? formatPath(issue.path) : undefined}>
                {describeIssue(issue)}
                {issue.kind === 'syntax' && issue.line ? ` (YAML line ${issue.line})` : ''}
              </li>
            ))}
          </ul>
        </section>
      )}
      <ReviewSources enabled={status === 'valid'} />
    </>
  );
}
