import { findProviderTarget, type OutputFormatId, type ProviderTargetId } from '@/spec/providers/provider-targets';
import type { OutputSpec } from '@/spec/schema';
import { defaultOutput } from '@/features/designer/lib/output-defaults';

/**
 * Provider cards edit outputs through these: a target sits on the output of one of its
 * formats (several targets can share a file, e.g. OpenStack and Proxmox one qcow2), and an
 * output created for targets goes away with its last target. They mutate the draft's list
 * in place, as the designer's update callbacks do.
 */

export function outputOfTarget(outputs: readonly OutputSpec[], id: ProviderTargetId): OutputSpec | undefined {
  return outputs.find((o) => o.targets?.includes(id));
}

export function addTarget(outputs: OutputSpec[], id: ProviderTargetId, format?: OutputFormatId): void {
  const target = findProviderTarget(id);
  if (!target || outputOfTarget(outputs, id)) return;
  const wanted = format ?? outputs.find((o) => (target.formats as readonly string[]).includes(o.format))?.format ?? target.formats[0];
  let output = outputs.find((o) => o.format === wanted);
  if (!output) {
    output = defaultOutput(wanted);
    outputs.push(output);
  }
  output.targets = [...(output.targets ?? []), id];
}

export function removeTarget(outputs: OutputSpec[], id: ProviderTargetId): void {
  const index = outputs.findIndex((o) => o.targets?.includes(id));
  const output = outputs[index];
  if (!output) return;
  const rest = (output.targets ?? []).filter((t) => t !== id);
  if (rest.length > 0) output.targets = rest;
  else outputs.splice(index, 1);
}

/** Writes the target's file in another of its formats, e.g. AWS as a raw disk instead of an AMI. */
export function moveTarget(outputs: OutputSpec[], id: ProviderTargetId, format: OutputFormatId): void {
  if (outputOfTarget(outputs, id)?.format === format) return;
  removeTarget(outputs, id);
  addTarget(outputs, id, format);
}
