import type { Channel, ChannelHistoryEntry, ChannelList } from '../../src/spec/channels-api.ts';
import { ServiceError } from '../builds/service-error.ts';
import type { BuildStore } from '../store/build-store.ts';
import type { ArtifactRow } from '../store/build-rows.ts';
import { channelPolicy, policyRuns } from '../store/channel-rows.ts';

interface ChannelRow {
  image: string;
  channel: string;
  build_id: string;
  updated_at: string;
}

interface HistoryRow {
  action: 'promote' | 'rollback';
  from_build: string | null;
  to_build: string;
  actor: string;
  at: string;
}

const channelPath = (image: string, channel: string) => `/api/channels/${encodeURIComponent(image)}/${encodeURIComponent(channel)}`;

/**
 * Named pointers per image (`workers/stable`) to verified builds. Every move is recorded,
 * so a rollback goes back exactly one move; the builds a channel points at are kept by
 * retention and cannot be deleted.
 */
export class ChannelService {
  constructor(private readonly store: BuildStore) {}

  list(): ChannelList {
    const rows = this.store.db.prepare('SELECT * FROM channels ORDER BY image, channel').all() as ChannelRow[];
    return { channels: rows.map((row) => this.summary(row)) };
  }

  get(image: string, channel: string): Channel {
    const row = this.row(image, channel);
    if (!row) throw new ServiceError('not_found', `no channel ${image}/${channel}`);
    const artifacts = this.store.artifacts(row.build_id).map((a) => ({
      name: a.name,
      format: a.format,
      sizeBytes: a.size_bytes,
      sha256: a.sha256,
      url: `${channelPath(image, channel)}/artifacts/${encodeURIComponent(a.name)}`,
    }));
    return { ...this.summary(row), artifacts, history: this.history(image, channel), policyRuns: policyRuns(this.store.db, image, channel) };
  }

  /** The build the channel points at now, if it exists. */
  pointsAt(image: string, channel: string): string | undefined {
    return this.row(image, channel)?.build_id;
  }

  /** The artifact of the build the channel points at now. */
  artifact(image: string, channel: string, name: string): { buildId: string; artifact: ArtifactRow | undefined } {
    const row = this.row(image, channel);
    if (!row) throw new ServiceError('not_found', `no channel ${image}/${channel}`);
    return { buildId: row.build_id, artifact: this.store.artifact(row.build_id, name) };
  }

  promote(image: string, channel: string, buildId: string, actor: string): Channel {
    const build = this.store.detail(buildId);
    if (!build || build.deleted) throw new ServiceError('not_found', `no build ${buildId}`);
    if (build.name !== image) throw new ServiceError('not_verified', `build ${buildId} is an image of "${build.name}", not of "${image}"`);
    if (build.state !== 'succeeded') throw new ServiceError('not_verified', `build ${buildId} is ${build.state}: only a verified build goes on a channel`);
    if (build.verify.length === 0 || build.verify.some((check) => !check.ok)) {
      throw new ServiceError('not_verified', `build ${buildId} was not boot-verified with every check passing: only a verified build goes on a channel`);
    }
    this.move(image, channel, 'promote', buildId, actor);
    return this.get(image, channel);
  }

  /** Points the channel back at the build it pointed at before its last move. */
  rollback(image: string, channel: string, actor: string): Channel {
    const row = this.row(image, channel);
    if (!row) throw new ServiceError('not_found', `no channel ${image}/${channel}`);
    const last = this.store.db
      .prepare('SELECT from_build FROM channel_history WHERE image = ? AND channel = ? ORDER BY id DESC LIMIT 1')
      .get(image, channel) as { from_build: string | null } | undefined;
    const previous = last?.from_build;
    if (!previous) throw new ServiceError('nothing_to_roll_back', `${image}/${channel} has pointed at build ${row.build_id} only`);
    const target = this.store.getRow(previous);
    if (!target || target.deleted)
      throw new ServiceError('nothing_to_roll_back', `the previous build ${previous} of ${image}/${channel} no longer has its files`);
    this.move(image, channel, 'rollback', previous, actor);
    return this.get(image, channel);
  }

  private move(image: string, channel: string, action: 'promote' | 'rollback', toBuild: string, actor: string): void {
    const at = new Date().toISOString();
    this.store.db
      .transaction(() => {
        const from = this.row(image, channel)?.build_id ?? null;
        this.store.db
          .prepare(
            `INSERT INTO channels (image, channel, build_id, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (image, channel) DO UPDATE SET build_id = excluded.build_id, updated_at = excluded.updated_at`,
          )
          .run(image, channel, toBuild, at);
        this.store.db
          .prepare('INSERT INTO channel_history (image, channel, action, from_build, to_build, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(image, channel, action, from, toBuild, actor, at);
      })
      .immediate();
  }

  private row(image: string, channel: string): ChannelRow | undefined {
    return this.store.db.prepare('SELECT * FROM channels WHERE image = ? AND channel = ?').get(image, channel) as ChannelRow | undefined;
  }

  private summary(row: ChannelRow): Omit<Channel, 'artifacts' | 'history' | 'policyRuns'> {
    const build = this.store.getRow(row.build_id);
    return {
      image: row.image,
      channel: row.channel,
      buildId: row.build_id,
      updatedAt: row.updated_at,
      kubernetesVersion: build?.kubernetes_version ?? '',
      release: build?.release ?? '',
      policy: channelPolicy(this.store.db, row.image, row.channel),
    };
  }

  private history(image: string, channel: string): ChannelHistoryEntry[] {
    const rows = this.store.db
      .prepare('SELECT action, from_build, to_build, actor, at FROM channel_history WHERE image = ? AND channel = ? ORDER BY id DESC')
      .all(image, channel) as HistoryRow[];
    return rows.map((r) => ({ action: r.action, fromBuild: r.from_build, toBuild: r.to_build, actor: r.actor, at: r.at }));
  }
}
