import { RadioCardGroup } from '@/components/radio-card-group';
import { SelectField } from '@/components/select-field';
import { TextField } from '@/components/text-field';
import { kubernetesMinorOf } from '@/spec/catalog';
import type { NodeImage } from '@/spec/schema';
import type { Catalog } from '@/lib/api/get-catalog';
import { kubernetesMinorWarning } from '@/features/designer/lib/compatibility';
import { useFieldIssues } from '@/features/designer/hooks/use-field-issues';
import { useUpdateDraft } from '@/features/designer/hooks/use-update-draft';
import { useDraftStore } from '@/stores/draft-store';

const blankToUndefined = (value: string) => (value.trim() === '' ? undefined : value);
const binaryNames = ['kubelet', 'kubeadm', 'kubectl', 'crictl'] as const;

export function KubernetesStep({ catalog }: { catalog: Catalog }) {
  const kubernetes = useDraftStore((s) => s.draft.spec.kubernetes);
  const runtime = useDraftStore((s) => s.draft.spec.runtime);
  const releaseId = useDraftStore((s) => s.draft.spec.os.release);
  const update = useUpdateDraft();
  const versionIssues = useFieldIssues(['spec', 'kubernetes', 'version']);
  const sourceIssues = useFieldIssues(['spec', 'kubernetes', 'source'], { nested: true });
  const cniIssues = useFieldIssues(['spec', 'kubernetes', 'cniVersion']);
  const crictlIssues = useFieldIssues(['spec', 'kubernetes', 'crictlVersion']);
  // Cross-field: the runtime step's error names this choice as the cause, so show it here too.
  const runtimeIssues = useFieldIssues(['spec', 'runtime', 'source']);
  const release = catalog.releases.find((r) => r.id === releaseId);
  const currentMinor = kubernetesMinorOf(kubernetes.version);
  const minor = catalog.kubernetesMinors.find((m) => m.minor === currentMinor);
  const source = kubernetes.source;
  type Source = NodeImage['spec']['kubernetes']['source'];
  // Edits one kind of source; a no-op if the YAML switched the kind meanwhile.
  const editSource = <T extends Source['type']>(type: T, change: (s: Extract<Source, { type: T }>) => void) =>
    update((d) => {
      const current = d.spec.kubernetes.source;
      if (current.type === type) change(current as Extract<Source, { type: T }>);
    });

  return (
    <>
      <RadioCardGroup
        legend="Kubernetes minor version"
        value={currentMinor}
        issues={runtimeIssues}
        options={catalog.kubernetesMinors.map((m) => ({
          value: m.minor,
          label: `Kubernetes ${m.minor}`,
          description: `crictl ${m.crictlVersion}, CNI plugins ${m.cniVersion}`,
          warning: kubernetesMinorWarning(m, runtime, release?.containerd) ?? undefined,
        }))}
        onChange={(value) =>
          update((d) => {
            const next = catalog.kubernetesMinors.find((m) => m.minor === value);
            if (next) d.spec.kubernetes.version = next.defaultVersion;
          })
        }
      />
      <TextField
        label="Kubernetes version"
        value={kubernetes.version}
        hint={minor ? `Patch release, e.g. ${minor.defaultVersion}.` : 'MAJOR.MINOR.PATCH'}
        issues={versionIssues}
        onChange={(v) => update((d) => void (d.spec.kubernetes.version = v))}
      />
      <SelectField
        label="Install from"
        value={source.type}
        options={[
          { value: 'apt', label: 'apt repository (pkgs.k8s.io by default)' },
          { value: 'binaries', label: 'Binaries by URL, SHA-256 checked' },
        ]}
        issues={sourceIssues}
        onChange={(type) =>
          update((d) => {
            d.spec.kubernetes.source =
              type === 'binaries' ? { type: 'binaries', baseUrl: '', sha256: { kubelet: '', kubeadm: '', kubectl: '', crictl: '' } } : { type: 'apt' };
          })
        }
      />
      {source.type === 'apt' ? (
        <fieldset className="group">
          <legend>apt repository</legend>
          <TextField
            label="Repository URL (optional)"
            value={source.repository ?? ''}
            placeholder={`https://pkgs.k8s.io/core:/stable:/v${currentMinor}/deb/`}
            onChange={(v) => editSource('apt', (s) => void (s.repository = blankToUndefined(v)))}
          />
          <TextField
            label="Signing key URL (optional)"
            value={source.signingKeyUrl ?? ''}
            hint="Defaults to the repository's Release.key."
            onChange={(v) => editSource('apt', (s) => void (s.signingKeyUrl = blankToUndefined(v)))}
          />
        </fieldset>
      ) : (
        <fieldset className="group">
          <legend>Binaries</legend>
          <TextField
            label="Base URL"
            value={source.baseUrl}
            hint="A directory holding kubelet, kubeadm, kubectl and crictl."
            onChange={(v) => editSource('binaries', (s) => void (s.baseUrl = v))}
          />
          {binaryNames.map((name) => (
            <TextField
              key={name}
              label={`${name} SHA-256`}
              value={source.sha256[name]}
              onChange={(v) => editSource('binaries', (s) => void (s.sha256[name] = v))}
            />
          ))}
        </fieldset>
      )}
      <div className="field-row">
        <TextField
          label="CNI plugins version (optional)"
          value={kubernetes.cniVersion ?? ''}
          placeholder={minor?.cniVersion}
          issues={cniIssues}
          onChange={(v) => update((d) => void (d.spec.kubernetes.cniVersion = blankToUndefined(v)))}
        />
        <TextField
          label="crictl version (optional)"
          value={kubernetes.crictlVersion ?? ''}
          placeholder={minor?.crictlVersion}
          issues={crictlIssues}
          onChange={(v) => update((d) => void (d.spec.kubernetes.crictlVersion = blankToUndefined(v)))}
        />
      </div>
    </>
  );
}
