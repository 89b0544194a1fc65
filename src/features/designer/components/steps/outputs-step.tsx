import { CheckboxField } from '@/components/checkbox-field';
import { LineListField } from '@/components/line-list-field';
import { NumberField } from '@/components/number-field';
import { SelectField } from '@/components/select-field';
import { TextField } from '@/components/text-field';
import type { OutputFormat, OutputSpec } from '@/spec/schema';
import type { Catalog } from '@/lib/api/get-catalog';
import { defaultOutput, isOutputFormat } from '@/features/designer/lib/output-defaults';
import { addTarget, moveTarget, removeTarget } from '@/features/designer/lib/target-outputs';
import { findProviderTarget } from '@/spec/providers/provider-targets';
import { useFieldIssues } from '@/features/designer/hooks/use-field-issues';
import { useUpdateDraft } from '@/features/designer/hooks/use-update-draft';
import { useDraftStore } from '@/stores/draft-store';

type Edit = (change: (o: OutputSpec) => void) => void;

/** Edits an output as its own format; a no-op if the YAML changed the format meanwhile. */
const editAs =
  <F extends OutputFormat>(edit: Edit, format: F) =>
  (change: (o: Extract<OutputSpec, { format: F }>) => void) =>
    edit((o) => {
      if (o.format === format) change(o as Extract<OutputSpec, { format: F }>);
    });

function OutputSettings({ output, index, edit }: { output: OutputSpec; index: number; edit: Edit }) {
  const issuesAt = (field: string) => ['spec', 'outputs', index, field] as const;
  const cpus = useFieldIssues(issuesAt('cpus'));
  const memory = useFieldIssues(issuesAt('memoryMiB'));
  const hardware = useFieldIssues(issuesAt('hardwareVersion'));
  const region = useFieldIssues(issuesAt('region'));
  const bucket = useFieldIssues(issuesAt('bucket'));
  const nameTemplate = useFieldIssues(issuesAt('nameTemplate'));
  const bootMode = useFieldIssues(issuesAt('bootMode'));
  const copyTo = useFieldIssues(issuesAt('copyToRegions'), { nested: true });
  const pushIssues = useFieldIssues(['spec', 'outputs', index, 'push'], { nested: true });
  const ova = editAs(edit, 'ova');
  const ami = editAs(edit, 'ami');
  const containerDisk = editAs(edit, 'containerdisk');
  switch (output.format) {
    case 'ova':
      return (
        <div className="field-row">
          <NumberField label="OVA CPUs" value={output.cpus} min={1} max={64} issues={cpus} onChange={(v) => ova((o) => void (o.cpus = v))} />
          <NumberField label="OVA memory (MiB)" value={output.memoryMiB} min={512} issues={memory} onChange={(v) => ova((o) => void (o.memoryMiB = v))} />
          <NumberField
            label="OVA hardware version"
            value={output.hardwareVersion}
            min={10}
            max={21}
            issues={hardware}
            onChange={(v) => ova((o) => void (o.hardwareVersion = v))}
          />
        </div>
      );
    case 'qcow2':
    case 'raw':
      return (
        <SelectField
          label={`${output.format} compression`}
          value={output.compression}
          options={(output.format === 'qcow2' ? ['zstd', 'zlib', 'none'] : ['none', 'zstd']).map((c) => ({ value: c, label: c }))}
          onChange={(v) => edit((o) => void ('compression' in o && Object.assign(o, { compression: v })))}
        />
      );
    case 'ami':
      return (
        <>
          <div className="field-row">
            <TextField label="AWS region" value={output.region} placeholder="eu-west-1" issues={region} onChange={(v) => ami((o) => void (o.region = v))} />
            <TextField label="S3 bucket" value={output.bucket} issues={bucket} onChange={(v) => ami((o) => void (o.bucket = v))} />
          </div>
          <TextField label="AMI name template" value={output.nameTemplate} issues={nameTemplate} onChange={(v) => ami((o) => void (o.nameTemplate = v))} />
          <SelectField
            label="Boot mode"
            value={output.bootMode}
            issues={bootMode}
            options={['uefi-preferred', 'uefi', 'legacy-bios'].map((m) => ({ value: m, label: m }))}
            onChange={(v) => ami((o) => void (o.bootMode = v as typeof o.bootMode))}
          />
          <LineListField
            label="Copy to regions"
            values={output.copyToRegions}
            issues={copyTo}
            onChange={(v) => ami((o) => void (o.copyToRegions = v))}
            rows={2}
          />
        </>
      );
    case 'containerdisk':
      return (
        <>
          <TextField
            label="Push to registry"
            value={output.push?.reference ?? ''}
            placeholder="registry.example:5000/nodes/workers"
            hint="host[:port]/repository[:tag]; empty keeps the containerDisk a download only. Credentials come from the build host (STAMPER_REGISTRY_*), never from the spec."
            issues={pushIssues}
            onChange={(v) =>
              containerDisk((o) => {
                const reference = v.trim();
                if (reference === '') delete o.push;
                else o.push = { reference, plainHttp: o.push?.plainHttp ?? false };
              })
            }
          />
          {output.push && (
            <CheckboxField
              label="Plain http (a registry on a trusted network)"
              checked={output.push.plainHttp}
              onChange={(v) => containerDisk((o) => void (o.push && (o.push.plainHttp = v)))}
            />
          )}
        </>
      );
    default:
      return null;
  }
}

type ProviderEntry = Catalog['providerTargets'][number];

function ProviderCard({ entry, showSettings, formatTitle }: { entry: ProviderEntry; showSettings: boolean; formatTitle: (id: string) => string }) {
  const target = findProviderTarget(entry.id);
  const outputs = useDraftStore((s) => s.draft.spec.outputs);
  const update = useUpdateDraft();
  const index = target ? outputs.findIndex((o) => o.targets?.includes(target.id)) : -1;
  const output = outputs[index];
  const issues = useFieldIssues(['spec', 'outputs', index, 'targets'], { nested: true });
  if (!target) return null;
  const id = target.id;
  return (
    <div className={output ? 'provider-card provider-card--picked' : 'provider-card'}>
      <CheckboxField
        label={entry.title}
        hint={<small>{entry.adds}</small>}
        checked={output !== undefined}
        issues={output ? issues : []}
        onChange={(on) => update((d) => (on ? addTarget(d.spec.outputs, id) : removeTarget(d.spec.outputs, id)))}
      />
      {output && target.formats.length > 1 ? (
        <SelectField
          label={`${entry.title} file`}
          value={output.format}
          options={target.formats.map((f) => ({ value: f, label: formatTitle(f) }))}
          onChange={(v) => update((d) => moveTarget(d.spec.outputs, id, v as OutputFormat))}
        />
      ) : null}
      {output && showSettings ? <OutputSettings output={output} index={index} edit={editOutputAt(update, index)} /> : null}
      {output && !showSettings ? <p className="field-hint">Shares the {formatTitle(output.format)} file above.</p> : null}
    </div>
  );
}

const editOutputAt =
  (update: ReturnType<typeof useUpdateDraft>, index: number): Edit =>
  (change) =>
    update((d) => {
      const target = d.spec.outputs[index];
      if (target) change(target);
    });

/** "Where will these nodes run?": provider cards first, then files written without a provider. */
export function OutputsStep({ catalog }: { catalog: Catalog }) {
  const outputs = useDraftStore((s) => s.draft.spec.outputs);
  const update = useUpdateDraft();
  const listIssues = useFieldIssues(['spec', 'outputs']);
  const formatTitle = (id: string) => catalog.outputFormats.find((f) => f.id === id)?.title ?? id;
  const targetTitle = (id: string) => catalog.providerTargets.find((t) => t.id === id)?.title ?? id;

  const toggleFormat = (format: OutputFormat, on: boolean) =>
    update((d) => {
      if (on) d.spec.outputs.push(defaultOutput(format));
      else d.spec.outputs = d.spec.outputs.filter((o) => o.format !== format || (o.targets ?? []).length > 0);
    });
  // an output's settings are shown once, under the first picked target that writes it
  const settingsShownFor = new Set<number>();
  const showSettings = catalog.providerTargets.map((entry) => {
    const index = outputs.findIndex((o) => o.targets?.some((t) => t === entry.id));
    if (index < 0 || settingsShownFor.has(index)) return false;
    settingsShownFor.add(index);
    return true;
  });

  return (
    <>
      <fieldset className="group provider-cards">
        <legend>Where will these nodes run?</legend>
        <p className="field-hint">Pick every provider: one image serves them all. Each writes its file and adds what its machines need inside the image.</p>
        {catalog.providerTargets.map((entry, i) => (
          <ProviderCard key={entry.id} entry={entry} showSettings={showSettings[i] ?? false} formatTitle={formatTitle} />
        ))}
      </fieldset>
      <fieldset className="group">
        <legend>Plain files</legend>
        <p className="field-hint">Files for no particular provider: nothing is added to the image for them.</p>
        {catalog.outputFormats.map((format) => {
          if (!isOutputFormat(format.id)) return null;
          const formatId = format.id;
          const index = outputs.findIndex((o) => o.format === format.id);
          const output = outputs[index];
          const forTargets = output?.targets ?? [];
          return (
            <div key={format.id} className="output-option">
              <CheckboxField
                label={format.title}
                hint={forTargets.length > 0 ? `Written for ${forTargets.map(targetTitle).join(', ')}` : format.description}
                checked={index >= 0}
                disabled={forTargets.length > 0}
                onChange={(on) => toggleFormat(formatId, on)}
              />
              {output && forTargets.length === 0 ? <OutputSettings output={output} index={index} edit={editOutputAt(update, index)} /> : null}
            </div>
          );
        })}
      </fieldset>
      {listIssues.length > 0 ? (
        <p className="field-issues" role="note">
          {listIssues.join('; ')}
        </p>
      ) : null}
    </>
  );
}
