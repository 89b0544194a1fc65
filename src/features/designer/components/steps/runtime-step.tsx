import { CheckboxField } from '@/components/checkbox-field';
import { RadioCardGroup } from '@/components/radio-card-group';
import { TextField } from '@/components/text-field';
import { containerdTarballUrl, kubernetesMinorOf } from '@/spec/catalog';
import { sha256SumUrlFor } from '@/spec/checksum-api';
import type { Catalog } from '@/lib/api/get-catalog';
import { useSha256Sum } from '@/features/designer/api/get-sha256sum';
import { kubernetesMinorWarning } from '@/features/designer/lib/compatibility';
import { useChecksumOrigins } from '@/features/designer/hooks/use-checksum-origins';
import { ContainerdChecksum } from '@/features/designer/components/steps/containerd-checksum';
import { UpstreamContainerdOffer } from '@/features/designer/components/steps/upstream-containerd-offer';
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
  const checksum = useSha256Sum();
  const releasesUrl = catalog.upstreamContainerd.releasesUrl;
  const tarballUrl = runtime.upstream?.url ?? '';

  /** Reads the checksum published beside `url` and fills it in, unless the URL changed meanwhile. */
  const fetchChecksum = (url: string) =>
    checksum.mutate(sha256SumUrlFor(url), {
      onSuccess: (answer) => {
        useChecksumOrigins.getState().remember(answer.sha256, answer.url);
        update((d) => {
          if (d.spec.runtime.upstream?.url === url) d.spec.runtime.upstream.sha256 = answer.sha256;
        });
      },
    });

  const chooseUpstream = (version: string) => {
    const url = containerdTarballUrl(version, releasesUrl);
    update((d) => {
      d.spec.runtime.source = 'upstream';
      d.spec.runtime.version = version;
      d.spec.runtime.upstream = { url, sha256: '' };
    });
    fetchChecksum(url);
  };

  const setVersion = (version: string) =>
    update((d) => {
      const previous = d.spec.runtime.version ?? '';
      d.spec.runtime.version = version;
      // An official tarball URL follows the version; its digest belonged to the old tarball.
      if (d.spec.runtime.upstream && d.spec.runtime.upstream.url === containerdTarballUrl(previous, releasesUrl)) {
        d.spec.runtime.upstream = { ...d.spec.runtime.upstream, url: containerdTarballUrl(version, releasesUrl), sha256: '' };
      }
    });

  return (
    <>
      {runtime.source === 'distro' && distroWarning && minor ? (
        <UpstreamContainerdOffer
          reason={`Kubernetes ${minor.minor} ${distroWarning}`}
          version={catalog.upstreamContainerd.version}
          onAccept={() => chooseUpstream(catalog.upstreamContainerd.version)}
        />
      ) : null}
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
              // the suggested release, ready to take its checksum; nothing is fetched until asked
              const version = catalog.upstreamContainerd.version;
              d.spec.runtime.source = 'upstream';
              d.spec.runtime.version ??= version;
              d.spec.runtime.upstream ??= { url: containerdTarballUrl(d.spec.runtime.version, releasesUrl), sha256: '' };
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
            placeholder={catalog.upstreamContainerd.version}
            issues={versionIssues}
            onChange={setVersion}
          />
          <TextField
            label="Release tarball URL"
            value={runtime.upstream?.url ?? ''}
            placeholder={containerdTarballUrl(catalog.upstreamContainerd.version, releasesUrl)}
            issues={[...upstreamIssues, ...urlIssues]}
            onChange={(v) => update((d) => void (d.spec.runtime.upstream = { ...(d.spec.runtime.upstream ?? { sha256: '' }), url: v }))}
          />
          <TextField
            label="Tarball SHA-256"
            value={runtime.upstream?.sha256 ?? ''}
            issues={shaIssues}
            onChange={(v) => update((d) => void (d.spec.runtime.upstream = { ...(d.spec.runtime.upstream ?? { url: '' }), sha256: v.trim().toLowerCase() }))}
          />
          <ContainerdChecksum
            tarballUrl={tarballUrl}
            sha256={runtime.upstream?.sha256 ?? ''}
            pending={checksum.isPending}
            error={checksum.error && checksum.variables === sha256SumUrlFor(tarballUrl) ? checksum.error.message : null}
            onFetch={() => fetchChecksum(tarballUrl)}
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
