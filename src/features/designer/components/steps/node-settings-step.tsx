import { CheckboxField } from '@/components/checkbox-field';
import { ChipListField } from '@/components/chip-list-field';
import { NumberField } from '@/components/number-field';
import { SelectField } from '@/components/select-field';
import { useEntryCheck } from '@/features/designer/hooks/use-entry-check';
import { useFieldIssues } from '@/features/designer/hooks/use-field-issues';
import { useUpdateDraft } from '@/features/designer/hooks/use-update-draft';
import { useDraftStore } from '@/stores/draft-store';
import { FilesEditor } from '@/features/designer/components/steps/files-editor';
import { SysctlField } from '@/features/designer/components/steps/sysctl-field';

export function NodeSettingsStep() {
  const spec = useDraftStore((s) => s.draft.spec);
  const update = useUpdateDraft();
  const checkEntry = useEntryCheck();
  const moduleIssues = useFieldIssues(['spec', 'kernelModules'], { nested: true });
  const argIssues = useFieldIssues(['spec', 'kernelArgs'], { nested: true });
  const enableIssues = useFieldIssues(['spec', 'services', 'enable'], { nested: true });
  const disableIssues = useFieldIssues(['spec', 'services', 'disable'], { nested: true });
  const sizeIssues = useFieldIssues(['spec', 'disk', 'sizeGiB']);
  const firmwareIssues = useFieldIssues(['spec', 'disk', 'firmware']);
  const timeoutIssues = useFieldIssues(['spec', 'verify', 'timeoutSeconds']);

  return (
    <>
      <SysctlField />
      <ChipListField
        inputLabel="Kernel module"
        listLabel="Kernel modules"
        addLabel="Add module"
        placeholder="br_netfilter"
        hint="Loaded at boot."
        values={spec.kernelModules}
        check={(v) => checkEntry((d) => void d.spec.kernelModules.push(v), ['spec', 'kernelModules', spec.kernelModules.length])}
        onAdd={(v) => update((d) => void d.spec.kernelModules.push(v))}
        onRemove={(i) => update((d) => void d.spec.kernelModules.splice(i, 1))}
        listIssues={moduleIssues}
      />
      <ChipListField
        inputLabel="Kernel argument"
        listLabel="Kernel arguments"
        addLabel="Add argument"
        placeholder="console=ttyS0"
        values={spec.kernelArgs}
        check={(v) => checkEntry((d) => void d.spec.kernelArgs.push(v), ['spec', 'kernelArgs', spec.kernelArgs.length])}
        onAdd={(v) => update((d) => void d.spec.kernelArgs.push(v))}
        onRemove={(i) => update((d) => void d.spec.kernelArgs.splice(i, 1))}
        listIssues={argIssues}
      />
      <ChipListField
        inputLabel="Service to enable"
        listLabel="Services to enable"
        addLabel="Enable service"
        placeholder="chrony.service"
        values={spec.services.enable}
        check={(v) => checkEntry((d) => void d.spec.services.enable.push(v), ['spec', 'services'])}
        onAdd={(v) => update((d) => void d.spec.services.enable.push(v))}
        onRemove={(i) => update((d) => void d.spec.services.enable.splice(i, 1))}
        listIssues={enableIssues}
      />
      <ChipListField
        inputLabel="Service to disable"
        listLabel="Services to disable"
        addLabel="Disable service"
        placeholder="apt-daily.timer"
        values={spec.services.disable}
        check={(v) => checkEntry((d) => void d.spec.services.disable.push(v), ['spec', 'services'])}
        onAdd={(v) => update((d) => void d.spec.services.disable.push(v))}
        onRemove={(i) => update((d) => void d.spec.services.disable.splice(i, 1))}
        listIssues={disableIssues}
      />
      <FilesEditor />
      <section className="subsection" aria-labelledby="disk-heading">
        <h3 id="disk-heading">Disk and verification</h3>
        <div className="field-row">
          <NumberField
            label="Disk size (GiB)"
            value={spec.disk.sizeGiB}
            min={4}
            max={2048}
            issues={sizeIssues}
            onChange={(v) => update((d) => void (d.spec.disk.sizeGiB = v))}
          />
          <SelectField
            label="Firmware"
            value={spec.disk.firmware}
            issues={firmwareIssues}
            options={[
              { value: 'hybrid', label: 'Hybrid (BIOS and UEFI)' },
              { value: 'uefi', label: 'UEFI' },
              { value: 'bios', label: 'BIOS' },
            ]}
            onChange={(v) => update((d) => void (d.spec.disk.firmware = v as typeof d.spec.disk.firmware))}
          />
        </div>
        <CheckboxField
          label="Boot the image and check the node before offering it"
          checked={spec.verify.enabled}
          onChange={(v) => update((d) => void (d.spec.verify.enabled = v))}
        />
        <NumberField
          label="Verification timeout (seconds)"
          value={spec.verify.timeoutSeconds}
          min={60}
          max={3600}
          issues={timeoutIssues}
          onChange={(v) => update((d) => void (d.spec.verify.timeoutSeconds = v))}
        />
      </section>
    </>
  );
}
