import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { channelNameSchema, type PolicyRun } from '@/spec/channels-api';
import { useChangeChannelPolicy, useChannelPolicy } from '../api/channel-policy';

const outcomeWords: Record<PolicyRun['outcome'], string> = {
  building: 'building',
  promoted: 'verified and promoted',
  not_verified: 'not verified, nothing promoted',
  failed: 'failed, nothing promoted',
  withdrawn: 'policy changed meanwhile, nothing promoted',
};

function RunLine({ run }: { run: PolicyRun }) {
  return (
    <li>
      {new Date(run.startedAt).toLocaleString()}: {run.securityUpdates} security updates in build {run.fromBuild} →{' '}
      <Link href={`/builds/${run.successor}`}>successor {run.successor}</Link> for {run.promoteTo}:{' '}
      <strong className={run.outcome === 'promoted' ? undefined : run.outcome === 'building' ? 'st-muted' : 'st-error-text'}>
        {outcomeWords[run.outcome]}
      </strong>
      {run.detail && <span className="st-muted"> ({run.detail})</span>}
    </li>
  );
}

/**
 * One channel's policy: what it does on security updates, the runs it made, and the
 * controls to set, clear or apply it now. The policy only ever promotes a successor whose
 * boot check passed; the server decides that, this shows it.
 */
export function ChannelPolicyPanel({ image, channel }: { image: string; channel: string }) {
  const state = useChannelPolicy(image, channel);
  const change = useChangeChannelPolicy();
  const [target, setTarget] = useState('candidate');
  const [problem, setProblem] = useState<string | null>(null);
  const policy = state.data?.policy ?? null;
  const runs = state.data?.runs ?? [];
  const problemId = `policy-problem-${channel}`;
  const queryClient = useQueryClient();
  const building = runs.some((r) => r.outcome === 'building');
  const wasBuilding = useRef(building);
  useEffect(() => {
    // a run that just settled may have moved a channel: show where the channels point now
    if (wasBuilding.current && !building) void queryClient.invalidateQueries({ queryKey: ['channels'] });
    wasBuilding.current = building;
  }, [building, queryClient]);

  const setPolicy = (event: FormEvent) => {
    event.preventDefault();
    const checked = channelNameSchema.safeParse(target.trim());
    if (!checked.success) return setProblem(`Target channel ${checked.error.issues[0]?.message ?? 'is not valid'}`);
    setProblem(null);
    change.mutate({ image, channel, policy: { whenSecurityUpdates: 'build-successor', promoteTo: checked.data } });
  };

  return (
    <div role="group" aria-label={`Policy of ${image}/${channel}`} className="st-channel-policy">
      {state.isPending ? (
        <p className="st-muted">Loading the policy…</p>
      ) : policy ? (
        <p>
          Policy: when this channel’s build has security updates, build a successor and put it on <strong>{policy.promoteTo}</strong> once its boot check
          passed.{' '}
          <button type="button" className="st-button st-button--small" disabled={change.isPending} onClick={() => change.mutate({ image, channel, run: true })}>
            Apply policy now
          </button>{' '}
          <button
            type="button"
            className="st-button st-button--small"
            disabled={change.isPending}
            onClick={() => change.mutate({ image, channel, policy: null })}
          >
            Clear policy
          </button>
        </p>
      ) : (
        <form className="st-actions" onSubmit={setPolicy} aria-label={`Set a policy for ${image}/${channel}`}>
          <span className="st-muted">No policy.</span>
          <label>
            On security updates, build a successor and put it on{' '}
            <input
              type="text"
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              aria-invalid={problem ? 'true' : 'false'}
              aria-describedby={problem ? problemId : undefined}
              spellCheck={false}
            />
          </label>
          <button type="submit" className="st-button st-button--small" disabled={change.isPending}>
            Set policy
          </button>
          {problem && (
            <span id={problemId} className="st-error-text">
              {problem}
            </span>
          )}
        </form>
      )}
      {runs.length > 0 && (
        <ul aria-label={`Policy runs of ${image}/${channel}`}>
          {runs.map((run) => (
            <RunLine key={`${run.fromBuild}-${run.successor}-${run.startedAt}`} run={run} />
          ))}
        </ul>
      )}
      {change.error && (
        <p role="alert" className="st-error-text">
          {change.error.message}
        </p>
      )}
    </div>
  );
}
