import type { Channel, ChannelList } from '../../src/spec/channels-api.ts';
import { ServiceError } from '../builds/service-error.ts';
import type { ArtifactRow } from '../store/build-rows.ts';
import type { ChannelRecord, ChannelStore } from '../store/channel-store.ts';
import type { Store } from '../store/store.ts';

const channelPath = (image: string, channel: string) => `/api/channels/${encodeURIComponent(image)}/${encodeURIComponent(channel)}`;

/**
 * Named pointers per image (`workers/stable`) to verified builds. Every move is recorded,
 * so a rollback goes back exactly one move; the builds a channel points at are kept by
 * retention and cannot be deleted. The same on SQLite and on a Postgres every API process shares.
 */
export class ChannelService {
  constructor(
    private readonly store: Store,
    private readonly channels: ChannelStore,
  ) {}

  async list(): Promise<ChannelList> {
    const records = await this.channels.listChannels();
    return { channels: await Promise.all(records.map((record) => this.summary(record))) };
  }

  async get(image: string, channel: string): Promise<Channel> {
    const record = await this.require(image, channel);
    const artifacts = (await this.store.artifacts(record.buildId)).map((a) => ({
      name: a.name,
      format: a.format,
      sizeBytes: a.size_bytes,
      sha256: a.sha256,
      url: `${channelPath(image, channel)}/artifacts/${encodeURIComponent(a.name)}`,
    }));
    return {
      ...(await this.summary(record)),
      artifacts,
      history: await this.channels.history(image, channel),
      policyRuns: await this.channels.policyRuns(image, channel),
    };
  }

  /** The build the channel points at now, if it exists. */
  async pointsAt(image: string, channel: string): Promise<string | undefined> {
    return (await this.channels.channel(image, channel))?.buildId;
  }

  /** The artifact of the build the channel points at now. */
  async artifact(image: string, channel: string, name: string): Promise<{ buildId: string; artifact: ArtifactRow | undefined }> {
    const record = await this.require(image, channel);
    return { buildId: record.buildId, artifact: await this.store.artifact(record.buildId, name) };
  }

  async promote(image: string, channel: string, buildId: string, actor: string): Promise<Channel> {
    const build = await this.store.detail(buildId);
    if (!build || build.deleted) throw new ServiceError('not_found', `no build ${buildId}`);
    if (build.name !== image) throw new ServiceError('not_verified', `build ${buildId} is an image of "${build.name}", not of "${image}"`);
    if (build.state !== 'succeeded') throw new ServiceError('not_verified', `build ${buildId} is ${build.state}: only a verified build goes on a channel`);
    if (build.verify.length === 0 || build.verify.some((check) => !check.ok)) {
      throw new ServiceError('not_verified', `build ${buildId} was not boot-verified with every check passing: only a verified build goes on a channel`);
    }
    await this.channels.moveChannel({ image, channel, action: 'promote', toBuild: buildId, actor });
    return this.get(image, channel);
  }

  /** Points the channel back at the build it pointed at before its last move. */
  async rollback(image: string, channel: string, actor: string): Promise<Channel> {
    const record = await this.require(image, channel);
    const [last] = await this.channels.history(image, channel);
    const previous = last?.fromBuild;
    if (!previous) throw new ServiceError('nothing_to_roll_back', `${image}/${channel} has pointed at build ${record.buildId} only`);
    const target = await this.store.getRow(previous);
    if (!target || target.deleted)
      throw new ServiceError('nothing_to_roll_back', `the previous build ${previous} of ${image}/${channel} no longer has its files`);
    await this.channels.moveChannel({ image, channel, action: 'rollback', toBuild: previous, actor });
    return this.get(image, channel);
  }

  private async require(image: string, channel: string): Promise<ChannelRecord> {
    const record = await this.channels.channel(image, channel);
    if (!record) throw new ServiceError('not_found', `no channel ${image}/${channel}`);
    return record;
  }

  private async summary(record: ChannelRecord): Promise<Omit<Channel, 'artifacts' | 'history' | 'policyRuns'>> {
    const build = await this.store.getRow(record.buildId);
    return {
      image: record.image,
      channel: record.channel,
      buildId: record.buildId,
      updatedAt: record.updatedAt,
      kubernetesVersion: build?.kubernetes_version ?? '',
      release: build?.release ?? '',
      policy: await this.channels.policy(record.image, record.channel),
    };
  }
}
