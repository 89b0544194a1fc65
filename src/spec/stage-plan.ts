import type { NodeImage } from './schema';

/**
 * The build's stage plan: every stage in the order the pipeline runs them, and which of
 * them a spec runs. This is the only list of stages: the event schema, the service's
 * expected stages (what the build page shows before anything started), the runner and
 * the CLI all read it. The server maps each name to its implementation
 * (server/pipeline/stage-plan.ts); this file stays data so the browser can read it too.
 */
export const stageNames = ['rootfs', 'kubernetes', 'configure', 'sbom', 'disk', 'formats', 'verify', 'publish', 'sign'] as const;
export type StageName = (typeof stageNames)[number];

export interface PlannedStage {
  name: StageName;
  /** Off means the build reports the stage as skipped. */
  enabled: boolean;
}

interface StageRule {
  enabled(image: NodeImage): boolean;
  /**
   * A stage only some builds have at all is left out of the others' plans instead of
   * showing as skipped: a build without an AMI output has no cloud step to show.
   */
  omittedWhenOff?: true;
}

const always = (): boolean => true;
const hasAmiOutput = (image: NodeImage): boolean => image.spec.outputs.some((o) => o.format === 'ami');

const stageRules: Record<StageName, StageRule> = {
  rootfs: { enabled: always },
  kubernetes: { enabled: always },
  configure: { enabled: always },
  sbom: { enabled: always },
  disk: { enabled: always },
  // an AMI is imported from the raw disk itself, so an AMI-only build converts nothing
  formats: { enabled: (image) => image.spec.outputs.some((o) => o.format !== 'ami') },
  verify: { enabled: (image) => image.spec.verify.enabled },
  publish: { enabled: hasAmiOutput, omittedWhenOff: true },
  sign: { enabled: always },
};

/** The stages this spec's build has, in pipeline order, each with whether it runs. */
export function planStages(image: NodeImage): PlannedStage[] {
  return stageNames.flatMap((name) => {
    const rule = stageRules[name];
    const enabled = rule.enabled(image);
    return enabled || !rule.omittedWhenOff ? [{ name, enabled }] : [];
  });
}
