import type { NodeImage } from '../../src/spec/schema';
import type { Stage } from './stage';
import { configureStage } from './stages/configure';
import { diskStage } from './stages/disk';
import { formatsStage } from './stages/formats';
import { kubernetesStage } from './stages/kubernetes';
import { rootfsStage } from './stages/rootfs';
import { sbomStage } from './stages/sbom';
import { verifyStage } from './stages/verify';

export const DEFAULT_STAGES: readonly Stage[] = [rootfsStage, kubernetesStage, configureStage, sbomStage, diskStage, formatsStage, verifyStage];

export interface PlannedStage {
  stage: Stage;
  enabled: boolean;
}

/**
 * Every stage in order with whether this spec runs it; `publish` is appended only for
 * specs with an AMI output, so other builds never load the AWS SDK.
 */
export function planStages(image: NodeImage, publish?: Stage): PlannedStage[] {
  const stages = [...DEFAULT_STAGES];
  if (publish && image.spec.outputs.some((o) => o.format === 'ami')) stages.push(publish);
  return stages.map((stage) => ({ stage, enabled: stage.enabled(image) }));
}
