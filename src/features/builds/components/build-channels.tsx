import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import type { BuildDetail } from '@/spec/build-api';
import { channelNameSchema } from '@/spec/channels-api';
import { channelUrl, useChannels, useMoveChannel } from '../api/channels';
import { ChannelPolicyPanel } from './channel-policy-panel';
import { CopyButton } from './copy-button';

const isVerified = (build: BuildDetail) => build.state === 'succeeded' && build.verify.length > 0 && build.verify.every((c) => c.ok);

/**
 * The image's channels (`workers/stable`): which build each points at, its stable URL for
 * consumers, promotion of this build, and a rollback of the channel's last move.
 */
export function BuildChannels({ build }: { build: BuildDetail }) {
  const channels = useChannels();
  const move = useMoveChannel();
  const [name, setName] = useState('stable');
  const [problem, setProblem] = useState<string | null>(null);
  const mine = (channels.data?.channels ?? []).filter((c) => c.image === build.name);
  const verified = isVerified(build);

  const promote = (event: FormEvent) => {
    event.preventDefault();
    const checked = channelNameSchema.safeParse(name.trim());
    if (!checked.success) return setProblem(`Channel name ${checked.error.issues[0]?.message ?? 'is not valid'}`);
    setProblem(null);
    move.mutate({ image: build.name, channel: checked.data, buildId: build.id });
  };

  return (
    <section aria-labelledby="channels-heading" className="st-card">
      <h2 id="channels-heading">Channels</h2>
      {mine.length === 0 && <p className="st-muted">No channel of {build.name} yet. A channel gives consumers one URL that follows the builds you promote.</p>}
      {mine.length > 0 && (
        <ul aria-label={`Channels of ${build.name}`}>
          {mine.map((c) => {
            const url = `${window.location.origin}${channelUrl(c.image, c.channel)}`;
            const here = c.buildId === build.id;
            return (
              <li key={c.channel}>
                <strong>
                  {c.image}/{c.channel}
                </strong>{' '}
                → {here ? 'this build' : <Link href={`/builds/${c.buildId}`}>build {c.buildId}</Link>} (Kubernetes {c.kubernetesVersion}) · <code>{url}</code>{' '}
                <CopyButton value={url} label={`Copy the URL of ${c.image}/${c.channel}`} />{' '}
                {here && (
                  <button
                    type="button"
                    className="st-button st-button--small"
                    disabled={move.isPending}
                    onClick={() => move.mutate({ image: c.image, channel: c.channel, rollback: true })}
                  >
                    Roll back {c.channel}
                  </button>
                )}
                <ChannelPolicyPanel image={c.image} channel={c.channel} />
              </li>
            );
          })}
        </ul>
      )}
      {verified ? (
        <form className="st-actions" onSubmit={promote} aria-label="Promote to a channel">
          <label>
            Channel{' '}
            <input
              type="text"
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={problem ? 'true' : 'false'}
              aria-describedby={problem ? 'channel-problem' : undefined}
              spellCheck={false}
            />
          </label>
          <button type="submit" className="st-button st-button--primary" disabled={move.isPending}>
            Promote this build
          </button>
          {problem && (
            <span id="channel-problem" className="st-error-text">
              {problem}
            </span>
          )}
        </form>
      ) : (
        <p className="st-muted">Only a build whose boot check passed can go on a channel.</p>
      )}
      {move.error && (
        <p role="alert" className="st-error-text">
          {move.error.message}
        </p>
      )}
    </section>
  );
}
