import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { StatusMessage } from '@/components/status-message';
import { useCatalog } from '@/lib/api/get-catalog';
import type { Catalog } from '@/lib/api/get-catalog';
import { NewDesignButton } from '@/features/designer/components/new-design-button';
import { ReplacedDraftNotice } from '@/features/designer/components/replaced-draft-notice';
import { StepList } from '@/features/designer/components/step-list';
import { KubernetesStep } from '@/features/designer/components/steps/kubernetes-step';
import { NodeSettingsStep } from '@/features/designer/components/steps/node-settings-step';
import { OsStep } from '@/features/designer/components/steps/os-step';
import { OutputsStep } from '@/features/designer/components/steps/outputs-step';
import { PackagesStep } from '@/features/designer/components/steps/packages-step';
import { ReviewStep } from '@/features/designer/components/steps/review-step';
import { RuntimeStep } from '@/features/designer/components/steps/runtime-step';
import { UsersStep } from '@/features/designer/components/steps/users-step';
import { designerSteps, stepFieldPaths, type DesignerStepId } from '@/features/designer/lib/designer-steps';
import { useDraftStore } from '@/stores/draft-store';
import '@/features/designer/designer.css';

export interface DesignerPageProps {
  /** Import, export and share controls, placed above the form. */
  toolbar?: ReactNode;
  /** The YAML editor shown beside the form. */
  editor?: ReactNode;
  /** Rendered on the Review step, e.g. the builds feature's "Build" button. */
  reviewActions?: ReactNode;
}

function StepBody({ step, catalog }: { step: DesignerStepId; catalog: Catalog }) {
  switch (step) {
    case 'os':
      return <OsStep catalog={catalog} />;
    case 'runtime':
      return <RuntimeStep catalog={catalog} />;
    case 'kubernetes':
      return <KubernetesStep catalog={catalog} />;
    case 'packages':
      return <PackagesStep />;
    case 'users':
      return <UsersStep />;
    case 'node':
      return <NodeSettingsStep />;
    case 'outputs':
      return <OutputsStep catalog={catalog} />;
    case 'review':
      return <ReviewStep catalog={catalog} />;
  }
}

export function DesignerPage({ toolbar, editor, reviewActions }: DesignerPageProps) {
  const catalog = useCatalog();
  const issues = useDraftStore((s) => s.issues);
  const yamlBroken = useDraftStore((s) => s.status === 'invalid-yaml');
  const [step, setStep] = useState<DesignerStepId>('os');
  const headingRef = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);
  const index = designerSteps.findIndex((s) => s.id === step);
  const current = designerSteps[index] ?? designerSteps[0];
  const previous = designerSteps[index - 1];
  const next = designerSteps[index + 1];

  const stepsWithIssues = useMemo(() => {
    const flagged = new Set<DesignerStepId>();
    for (const s of designerSteps) {
      const prefixes = stepFieldPaths[s.id];
      if (issues.some((issue) => prefixes.some((prefix) => prefix.every((part, i) => issue.path[i] === part)))) flagged.add(s.id);
    }
    return flagged;
  }, [issues]);

  useEffect(() => {
    // Move focus to the new step's heading so keyboard and screen-reader users land on it,
    // but not on first render, where focus belongs to the page.
    if (moved.current) headingRef.current?.focus();
  }, [step]);

  const go = (id: DesignerStepId) => {
    moved.current = true;
    setStep(id);
  };

  return (
    <div className="designer">
      <div className="designer__toolbar">
        <NewDesignButton />
        {toolbar}
      </div>
      <ReplacedDraftNotice />
      <div className="designer__columns">
        <section className="designer__form" aria-labelledby="step-heading">
          <StepList current={step} stepsWithIssues={stepsWithIssues} onSelect={go} />
          <div className="step-panel">
            <h2 id="step-heading" ref={headingRef} tabIndex={-1}>
              <span className="step-panel__count">
                Step {index + 1} of {designerSteps.length}:
              </span>{' '}
              {current.title}
            </h2>
            {catalog.isPending ? (
              <p role="status">Loading the catalog of releases and versions…</p>
            ) : catalog.isError ? (
              <StatusMessage tone="error">
                The catalog could not be loaded ({catalog.error.message}).{' '}
                <button type="button" className="button" onClick={() => void catalog.refetch()}>
                  Try again
                </button>
              </StatusMessage>
            ) : (
              <>
                {yamlBroken ? (
                  <StatusMessage tone="info">
                    The YAML does not parse (line {issues[0]?.line ?? '?'}), so the form shows the last valid draft read-only: a form edit now would overwrite
                    your text. Fix the YAML, or{' '}
                    <button
                      type="button"
                      className="button"
                      onClick={() => useDraftStore.getState().replace(useDraftStore.getState().lastValid, 'Discarded the YAML edits')}
                    >
                      Discard the YAML edits
                    </button>
                  </StatusMessage>
                ) : null}
                {/* A disabled fieldset makes every control inside read-only in one place. */}
                <fieldset className="step-panel__body" disabled={yamlBroken}>
                  <StepBody step={current.id} catalog={catalog.data} />
                </fieldset>
                {/* Outside the fieldset: building the last valid spec works even while the YAML is broken. */}
                {current.id === 'review' && reviewActions ? <div className="review-actions">{reviewActions}</div> : null}
              </>
            )}
            <div className="step-panel__footer">
              {previous ? (
                <button type="button" className="button" onClick={() => go(previous.id)}>
                  ← Back: {previous.title}
                </button>
              ) : (
                <span />
              )}
              {next ? (
                <button type="button" className="button button--primary" onClick={() => go(next.id)}>
                  Next: {next.title} →
                </button>
              ) : null}
            </div>
          </div>
        </section>
        <section className="designer__editor" aria-label="Spec as YAML">
          {editor}
        </section>
      </div>
    </div>
  );
}
