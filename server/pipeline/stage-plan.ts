import { planStages as planStageNames, type StageName } from '../../src/spec/stage-plan';
import type { NodeImage } from '../../src/spec/schema';
import type { Stage } from './stage';
import { configureStage } from './stages/configure';
import { diskStage } from './stages/disk';
import { formatsStage } from './stages/formats';
import { kubernetesStage } from './stages/kubernetes';
import { publishStage } from './stages/publish';
import { rootfsStage } from './stages/rootfs';
import { sbomStage } from './stages/sbom';
import { signStage } from './stages/sign';
import { verifyStage } from './stages/verify';

/** The implementation of every stage the plan names; publish loads its cloud code only when it runs. */
const stageImplementations: Record<StageName, Stage> = {
  rootfs: rootfsStage,
  kubernetes: kubernetesStage,
  configure: configureStage,
  sbom: sbomStage,
  disk: diskStage,
  formats: formatsStage,
  verify: verifyStage,
  publish: publishStage,
  sign: signStage,
};

export interface PlannedStage {
  stage: Stage;
  enabled: boolean;
}

/** The spec's stage plan (src/spec/stage-plan.ts) with each name bound to the stage that runs it. */
export function planStages(image: NodeImage): PlannedStage[] {
  return planStageNames(image).map(({ name, enabled }) => ({ stage: stageImplementations[name], enabled }));
}
