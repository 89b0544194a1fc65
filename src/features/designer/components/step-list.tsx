import type { DesignerStepId } from '@/features/designer/lib/designer-steps';
import { designerSteps } from '@/features/designer/lib/designer-steps';

export interface StepListProps {
  current: DesignerStepId;
  stepsWithIssues: ReadonlySet<DesignerStepId>;
  onSelect: (id: DesignerStepId) => void;
}

/** Every step is reachable at any time: a spec is edited, not filled in once. */
export function StepList({ current, stepsWithIssues, onSelect }: StepListProps) {
  return (
    <nav aria-label="Designer steps" className="step-list">
      <ol>
        {designerSteps.map((step, i) => (
          <li key={step.id}>
            <button
              type="button"
              className={step.id === current ? 'step-list__step step-list__step--current' : 'step-list__step'}
              aria-current={step.id === current ? 'step' : undefined}
              onClick={() => onSelect(step.id)}
            >
              <span className="step-list__number" aria-hidden="true">
                {i + 1}
              </span>
              {step.title}
              {stepsWithIssues.has(step.id) ? (
                <span className="step-list__flag">
                  <span aria-hidden="true">!</span>
                  <span className="visually-hidden"> (has problems)</span>
                </span>
              ) : null}
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}
