import { CheckboxField } from '@/components/checkbox-field';
import { KeyValueField } from '@/components/key-value-field';
import { LineListField } from '@/components/line-list-field';
import { NumberField } from '@/components/number-field';
import { SelectField } from '@/components/select-field';
import { useFieldIssues } from '@/features/designer/hooks/use-field-issues';
import { useUpdateDraft } from '@/features/designer/hooks/use-update-draft';
import { useDraftStore } from '@/stores/draft-store';
import { FilesEditor } from '@/features/designer/components/steps/files-editor';

export function NodeSettingsStep() {
  const spec = useDraftStore((s) => s.draft.spec);
  const update = useUpdateDraft();
  const sysctlIssues = useFieldIssues(['spec', 'sysctl'], { nested: true });
  const moduleIssues = useFieldIssues(['spec', 'kernelModules'], { nested: true });
  const argIssues = useFieldIssues(['spec', 'kernelArgs'], { nested: true });
  const enableIssues = useFieldIssues(['spec', 'services', 'enable'], { nested: true });
  const disableIssues = useFieldIssues(['spec', 'services', 'disable'], { nested: true });
  const sizeIssues = useFieldIssues(['spec', 'disk', 'sizeGiB']);
  const firmwareIssues = useFieldIssues(['spec', 'disk', 'firmware']);
  const timeoutIssues = useFieldIssues(['spec', 'verify', 'timeoutSeconds']);

  return (
    <>
      <KeyValueField
        label="sysctl settings"
        values={spec.sysctl}
        placeholder="net.ipv4.ip_forward = 1"
        issues={sysctlIssues}
        onChange={(v) => update((d) => void (d.spec.sysctl = v))}
      />
      <div className="field-row">
        <LineListField
          label="Kernel modules"
          values={spec.kernelModules}
          placeholder="br_netfilter"
          issues={moduleIssues}
          onChange={(v) => update((d) => void (d.spec.kernelModules = v))}
        />
        <LineListField
          label="Kernel arguments"
          values={spec.kernelArgs}
          placeholder="console=ttyS0"
          issues={argIssues}
          onChange={(v) => update((d) => void (d.spec.kernelArgs = v))}
        />
      </div>
      <div className="field-row">
        <LineListField
          label="Services to enable"
          values={spec.services.enable}
          placeholder="chrony.service"
          issues={enableIssues}
          onChange={(v) => update((d) => void (d.spec.services.enable = v))}
        />
        <LineListField
          label="Services to disable"
          values={spec.services.disable}
          issues={disableIssues}
          onChange={(v) => update((d) => void (d.spec.services.disable = v))}
        />
      </div>
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
