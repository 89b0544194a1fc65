import { CheckboxField } from '@/components/checkbox-field';
import { RadioCardGroup } from '@/components/radio-card-group';
import { TextField } from '@/components/text-field';
import { kubernetesMinorOf } from '@/spec/catalog';
import type { Catalog } from '@/lib/api/get-catalog';
import { kubernetesMinorWarning } from '@/features/designer/lib/compatibility';
import { useFieldIssues } from '@/features/designer/hooks/use-field-issues';
import { useUpdateDraft } from '@/features/designer/hooks/use-update-draft';
import { useDraftStore } from '@/stores/draft-store';

const blankToUndefined = (value: string) => (value.trim() === '' ? undefined : value);

export function RuntimeStep({ catalog }: { catalog: Catalog }) {
  const runtime = useDraftStore((s) => s.draft.spec.runtime);
  const releaseId = useDraftStore((s) => s.draft.spec.os.release);
  const update = useUpdateDraft();
  const sourceIssues = useFieldIssues(['spec', 'runtime', 'source']);
  const versionIssues = useFieldIssues(['spec', 'runtime', 'version']);
  const upstreamIssues = useFieldIssues(['spec', 'runtime', 'upstream']);
  const urlIssues = useFieldIssues(['spec', 'runtime', 'upstream', 'url']);
  const shaIssues = useFieldIssues(['spec', 'runtime', 'upstream', 'sha256']);
  const runcUrlIssues = useFieldIssues(['spec', 'runtime', 'upstream', 'runcUrl']);
  const runcShaIssues = useFieldIssues(['spec', 'runtime', 'upstream', 'runcSha256']);
  const release = catalog.releases.find((r) => r.id === releaseId);
  const kubernetesVersion = useDraftStore((s) => s.draft.spec.kubernetes.version);
  const minor = catalog.kubernetesMinors.find((m) => m.minor === kubernetesMinorOf(kubernetesVersion));
  const distroWarning = minor && release ? kubernetesMinorWarning(minor, { source: 'distro' }, release.containerd) : null;

  return (
    <>
      <RadioCardGroup
        legend="containerd source"
        value={runtime.source}
        issues={sourceIssues}
        options={[
          {
            value: 'distro',
            label: 'Distribution package',
            description: release ? `${release.title} ships containerd ${release.containerd}` : "The release's own containerd package",
            warning: distroWarning && minor ? `Kubernetes ${minor.minor} ${distroWarning}` : undefined,
          },
          { value: 'upstream', label: 'Upstream release', description: 'containerd release binaries by URL, checked against their SHA-256' },
        ]}
        onChange={(source) =>
          update((d) => {
            if (source === 'upstream') {
              d.spec.runtime.source = 'upstream';
              d.spec.runtime.version ??= '';
              d.spec.runtime.upstream ??= { url: '', sha256: '' };
            } else {
              d.spec.runtime.source = 'distro';
              delete d.spec.runtime.version;
              delete d.spec.runtime.upstream;
            }
          })
        }
      />
      {runtime.source === 'upstream' ? (
        <fieldset className="group">
          <legend>Upstream containerd</legend>
          <TextField
            label="containerd version"
            value={runtime.version ?? ''}
            placeholder="2.1.4"
            issues={versionIssues}
            onChange={(v) => update((d) => void (d.spec.runtime.version = v))}
          />
          <TextField
            label="Release tarball URL"
            value={runtime.upstream?.url ?? ''}
            placeholder="https://github.com/containerd/containerd/releases/download/v2.1.4/containerd-2.1.4-linux-amd64.tar.gz"
            issues={[...upstreamIssues, ...urlIssues]}
            onChange={(v) => update((d) => void (d.spec.runtime.upstream = { ...(d.spec.runtime.upstream ?? { sha256: '' }), url: v }))}
          />
          <TextField
            label="Tarball SHA-256"
            value={runtime.upstream?.sha256 ?? ''}
            issues={shaIssues}
            onChange={(v) => update((d) => void (d.spec.runtime.upstream = { ...(d.spec.runtime.upstream ?? { url: '' }), sha256: v }))}
          />
          <TextField
            label="runc URL (optional)"
            value={runtime.upstream?.runcUrl ?? ''}
            hint="The distribution's runc is used when empty."
            issues={runcUrlIssues}
            onChange={(v) =>
              update((d) => void (d.spec.runtime.upstream = { ...(d.spec.runtime.upstream ?? { url: '', sha256: '' }), runcUrl: blankToUndefined(v) }))
            }
          />
          <TextField
            label="runc SHA-256"
            value={runtime.upstream?.runcSha256 ?? ''}
            issues={runcShaIssues}
            onChange={(v) =>
              update((d) => void (d.spec.runtime.upstream = { ...(d.spec.runtime.upstream ?? { url: '', sha256: '' }), runcSha256: blankToUndefined(v) }))
            }
          />
        </fieldset>
      ) : null}
      <CheckboxField
        label="Use the systemd cgroup driver"
        hint="What kubeadm expects; turn off only for a custom setup."
        checked={runtime.systemdCgroup}
        onChange={(checked) => update((d) => void (d.spec.runtime.systemdCgroup = checked))}
      />
    </>
  );
}
