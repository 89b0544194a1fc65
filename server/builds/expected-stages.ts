import type { StageName } from '../../src/spec/build-events.ts';
import type { NodeImage } from '../../src/spec/schema.ts';
import { planStages } from '../pipeline/stage-plan.ts';

/** The stages a build will report, in order, so the UI can show them before they start. */
export function expectedStages(spec: NodeImage): StageName[] {
  const names = planStages(spec).map((planned) => planned.stage.name);
  if (spec.spec.outputs.some((o) => o.format === 'ami')) names.push('publish');
  names.push('sign');
  return names;
}
