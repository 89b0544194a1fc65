import { providerTarget, type OutputFormatId, type ProviderTargetId } from './provider-targets';

type Issue = (path: (string | number)[], message: string) => void;

/** The parts of an output the target rules read; structural so the schema can pass its own type. */
interface OutputForRules {
  format: OutputFormatId;
  targets?: readonly ProviderTargetId[] | undefined;
  hardwareVersion?: number;
  compression?: string;
}

/** vSphere's CSI driver needs virtual hardware 13 or newer. */
export const VSPHERE_MIN_HARDWARE_VERSION = 13;

const formatNames: Record<OutputFormatId, string> = {
  ova: 'an OVA',
  vmdk: 'a VMDK',
  qcow2: 'qcow2',
  raw: 'a raw disk',
  ami: 'an AMI',
  vhd: 'a fixed VHD',
  vhdx: 'a VHDX',
  'gce-tar': 'a disk.raw tarball',
  containerdisk: 'a containerDisk',
};

/**
 * Cross-field rules for provider targets, reported on the field to change: a target on a
 * file its provider cannot import, a target named twice, and settings a target rules out.
 */
export function checkTargetRules(spec: { outputs: readonly OutputForRules[] }, issue: Issue): void {
  const claimedBy = new Map<ProviderTargetId, number>();
  spec.outputs.forEach((output, i) => {
    (output.targets ?? []).forEach((id, j) => {
      const target = providerTarget(id);
      const at = ['outputs', i, 'targets', j];
      const earlier = claimedBy.get(id);
      if (earlier !== undefined) {
        issue(
          at,
          earlier === i ? `"${id}" is listed more than once` : `"${id}" is already a target of output ${earlier + 1} (${spec.outputs[earlier]?.format ?? ''})`,
        );
        return;
      }
      claimedBy.set(id, i);
      if (!(target.formats as readonly string[]).includes(output.format)) {
        const takes = target.formats.map((f) => `${formatNames[f]} (${f})`).join(' or ');
        issue(at, `${target.title} imports ${takes}, not ${formatNames[output.format]}: move "${id}" to a ${target.formats[0]} output`);
        return;
      }
      if (id === 'vsphere' && output.hardwareVersion !== undefined && output.hardwareVersion < VSPHERE_MIN_HARDWARE_VERSION) {
        issue(['outputs', i, 'hardwareVersion'], `vSphere's CSI driver needs hardware version ${VSPHERE_MIN_HARDWARE_VERSION} or newer`);
      }
      if (id === 'aws' && output.format === 'raw' && output.compression !== undefined && output.compression !== 'none') {
        issue(['outputs', i, 'compression'], 'EC2 imports an uncompressed raw disk: choose compression "none" for the aws target');
      }
    });
  });
}
