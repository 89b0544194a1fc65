import type { FailureExplanation } from '../lib/explain-failure';
import { AnsiText } from './ansi-text';

/** What went wrong, at the top of a failed build, before anyone has to read the log. */
export function FailureSummary({ explanation }: { explanation: FailureExplanation }) {
  return (
    <section className="st-failure" aria-labelledby="failure-heading">
      <h2 id="failure-heading">Why this build failed</h2>
      <p className="st-failure__headline">{explanation.headline}</p>
      {explanation.hint && <p className="st-failure__hint">{explanation.hint}</p>}
      {explanation.failedChecks.length > 0 && (
        <>
          <h3>Failed checks</h3>
          <ul>
            {explanation.failedChecks.map((check) => (
              <li key={check.name}>
                <strong>{check.name}</strong>: {check.detail || 'failed'}
              </li>
            ))}
          </ul>
        </>
      )}
      {explanation.lastLines.length > 0 && (
        <>
          <h3>
            Last lines
            {explanation.stage && explanation.lastLines.every((l) => l.stage === explanation.stage) ? ` of ${explanation.stage}` : ' before the failure'}
          </h3>
          <pre className="st-failure__lines" tabIndex={0} aria-label="Last log lines before the failure">
            {explanation.lastLines.map((line) => (
              <div key={line.seq}>
                <a href={`#L${line.number}`} className="st-log__number">
                  {line.number}
                </a>
                <AnsiText text={line.text} />
              </div>
            ))}
          </pre>
        </>
      )}
    </section>
  );
}
