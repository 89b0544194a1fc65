import { CheckboxField } from '@/components/checkbox-field';
import { LineListField } from '@/components/line-list-field';
import { NumberField } from '@/components/number-field';
import { SelectField } from '@/components/select-field';
import { TextField } from '@/components/text-field';
import type { OutputFormat, OutputSpec } from '@/spec/schema';
import type { Catalog } from '@/lib/api/get-catalog';
import { defaultOutput, isOutputFormat } from '@/features/designer/lib/output-defaults';
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
  const ova = editAs(edit, 'ova');
  const ami = editAs(edit, 'ami');
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
    default:
      return null;
  }
}

export function OutputsStep({ catalog }: { catalog: Catalog }) {
  const outputs = useDraftStore((s) => s.draft.spec.outputs);
  const update = useUpdateDraft();
  const listIssues = useFieldIssues(['spec', 'outputs']);

  const toggle = (format: OutputFormat, on: boolean) =>
    update((d) => {
      if (on) d.spec.outputs.push(defaultOutput(format));
      else d.spec.outputs = d.spec.outputs.filter((o) => o.format !== format);
    });

  return (
    <>
      <fieldset className="group">
        <legend>Formats</legend>
        {catalog.outputFormats.map((format) => {
          if (!isOutputFormat(format.id)) return null;
          const formatId = format.id;
          const index = outputs.findIndex((o) => o.format === format.id);
          const output = outputs[index];
          const edit: Edit = (change) =>
            update((d) => {
              const target = d.spec.outputs[index];
              if (target) change(target);
            });
          return (
            <div key={format.id} className="output-option">
              <CheckboxField label={format.title} hint={format.description} checked={index >= 0} onChange={(on) => toggle(formatId, on)} />
              {output ? <OutputSettings output={output} index={index} edit={edit} /> : null}
            </div>
          );
        })}
        {listIssues.length > 0 ? (
          <p className="field-issues" role="note">
            {listIssues.join('; ')}
          </p>
        ) : null}
      </fieldset>
    </>
  );
}
