import { RadioCardGroup } from '@/components/radio-card-group';
import { TextField } from '@/components/text-field';
import { kubernetesMinorOf } from '@/spec/catalog';
import type { Catalog, CatalogRelease } from '@/lib/api/get-catalog';
import { useFieldIssues } from '@/features/designer/hooks/use-field-issues';
import { useUpdateDraft } from '@/features/designer/hooks/use-update-draft';
import { useDraftStore } from '@/stores/draft-store';

const blankToUndefined = (value: string) => (value.trim() === '' ? undefined : value);

export function OsStep({ catalog }: { catalog: Catalog }) {
  const metadata = useDraftStore((s) => s.draft.metadata);
  const os = useDraftStore((s) => s.draft.spec.os);
  const update = useUpdateDraft();
  const nameIssues = useFieldIssues(['metadata', 'name']);
  const descriptionIssues = useFieldIssues(['metadata', 'description']);
  const releaseIssues = useFieldIssues(['spec', 'os', 'release']);
  const distroIssues = useFieldIssues(['spec', 'os', 'distro']);
  const mirrorIssues = useFieldIssues(['spec', 'os', 'mirror']);
  const release = catalog.releases.find((r) => r.id === os.release);
  const kubernetesMinor = useDraftStore((s) => kubernetesMinorOf(s.draft.spec.kubernetes.version));
  const runtimeSource = useDraftStore((s) => s.draft.spec.runtime.source);
  /** Why this release's own containerd cannot run the chosen Kubernetes, as the server's catalog says. */
  const runtimeWarning = (r: CatalogRelease): string | undefined => {
    if (runtimeSource !== 'distro') return undefined;
    const fit = r.compatibility.find((c) => c.kubernetesMinor === kubernetesMinor);
    return fit && !fit.distroRuntime ? `its containerd ${r.containerd} cannot run Kubernetes ${kubernetesMinor}: needs upstream containerd` : undefined;
  };

  return (
    <>
      <TextField
        label="Image name"
        value={metadata.name}
        required
        hint="Lower-case letters, digits and dashes; used in artifact file names."
        issues={nameIssues}
        onChange={(value) => update((d) => void (d.metadata.name = value))}
      />
      <TextField
        label="Description"
        value={metadata.description ?? ''}
        multiline
        rows={2}
        spellCheck
        issues={descriptionIssues}
        onChange={(value) => update((d) => void (d.metadata.description = blankToUndefined(value)))}
      />
      <RadioCardGroup
        legend="Release"
        value={os.release}
        issues={[...distroIssues, ...releaseIssues]}
        options={catalog.releases.map((r) => ({
          value: r.id,
          label: r.title,
          description: `containerd ${r.containerd} in the archive${r.note ? ` · ${r.note}` : ''}`,
          warning: [r.mirrorRequired ? 'needs a mirror URL' : null, runtimeWarning(r) ?? null].filter(Boolean).join('; ') || undefined,
        }))}
        onChange={(id) =>
          update((d) => {
            const next = catalog.releases.find((r) => r.id === id);
            d.spec.os.release = id;
            if (next?.distro === 'debian' || next?.distro === 'ubuntu') d.spec.os.distro = next.distro;
          })
        }
      />
      <TextField
        label="Mirror URL"
        value={os.mirror ?? ''}
        placeholder={release?.distro === 'ubuntu' ? 'http://mirror.example.com/ubuntu' : 'http://mirror.example.com/debian'}
        hint={
          release?.mirrorRequired
            ? `Required: ${release.title} is not in this build host's apt sources.`
            : "Optional: defaults to the mirror the build host's apt uses."
        }
        issues={mirrorIssues}
        onChange={(value) => update((d) => void (d.spec.os.mirror = blankToUndefined(value)))}
      />
    </>
  );
}
