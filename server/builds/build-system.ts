import type { NodeImage } from '../../src/spec/schema.ts';
import type { ArtifactStorage } from '../artifact-storage/artifact-storage.ts';
import { openArtifactStorage } from '../artifact-storage/open-artifact-storage.ts';
import type { ServerConfig } from '../config/server-config.ts';
import { collectBuildInputs } from '../sources/build-inputs.ts';
import { sourcePolicyFromEnvironment } from '../sources/source-policy.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { keyDirSigner } from '../signing/sign-sums.ts';
import { signingKeyDir } from '../signing/signing-key-dir.ts';
import { BuildExecutor } from './build-executor.ts';
import type { BuildRunner } from './build-runner.ts';
import { BuildService } from './build-service.ts';
import { fanOutCommittedEvents } from './event-fanout.ts';
import { EventHub } from './event-hub.ts';
import { currentOwner } from './owner-id.ts';
import { openBuildSandbox } from '../pipeline/sandbox/build-sandbox.ts';
import { ProcessBuildRunner, buildProgramFiles, realBuildScript } from './process-build-runner.ts';
import { BuildUpdatesChecker } from '../updates/build-updates.ts';
import { ChannelService } from '../channels/channel-service.ts';
import { ChannelPolicies } from '../channels/channel-policies.ts';
import { handleLostBuilds } from './queue/lost-builds.ts';
import { openBuildQueue } from './queue/open-build-queue.ts';
import { PgBossQueue } from './queue/pg-boss-queue.ts';
import { openChannelStore } from '../store/open-channel-store.ts';

export type BuildSystemConfig = Pick<
  ServerConfig,
  'dataDir' | 'cacheDir' | 'concurrency' | 'minFreeBytes' | 'keepBuilds' | 'maxArtifactBytes' | 'buildTimeoutMs' | 'stageTimeoutMs'
> &
  Partial<Pick<ServerConfig, 'sourcePolicy' | 'buildMode' | 'databaseUrl' | 'workerHeartbeatSeconds' | 'artifactStorage' | 'buildRetries' | 'signingKeyDir'>>;

export interface BuildSystem {
  store: Store;
  hub: EventHub;
  executor: BuildExecutor;
  service: BuildService;
  /** Where downloads read succeeded builds' files: the data directory, or object storage (STAMPER_ARTIFACTS_URL). */
  artifactStorage: ArtifactStorage;
  /** What each finished image's sources now offer newer than what it installed. */
  updates: BuildUpdatesChecker;
  /** Named pointers per image to verified builds, with stable URLs; in the same database as the builds. */
  channels: ChannelService;
  /** Per-channel policies that build successors on security updates and promote them once verified. */
  policies: ChannelPolicies;
  /** The scheduled round: every finished image checked for updates, then every channel policy applied. */
  checkForUpdates(signal?: AbortSignal): Promise<void>;
  /** How builds will run here, or why none can: for the operator's start-up line. */
  describeBuilds(): Promise<string>;
  close(): Promise<void>;
}

/** Proven to work here before the first build; the data and cache dirs opened just enough for builds to reach their own files. */
async function openSandbox(config: BuildSystemConfig) {
  const sandbox = await openBuildSandbox(config.buildMode ?? 'rootless', buildProgramFiles);
  sandbox.admit({ dataDir: config.dataDir, cacheDir: config.cacheDir });
  return sandbox;
}

/** Wires store, event hub, executor and service; `serve` and `worker` both start here. */
export function createBuildSystem(config: BuildSystemConfig, options: { runner?: BuildRunner; pollMs?: number } = {}): BuildSystem {
  const store: Store = openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const hub = new EventHub();
  const artifactStorage = openArtifactStorage(config);
  const warn = (message: string) => process.stderr.write(`stamper: ${message}\n`);
  // without it (the database unreachable for now) streams still get every event, by their poll
  const stopFanOut = fanOutCommittedEvents(store, hub, warn).catch((error: unknown) => {
    warn(`events of other processes reach streams by polling only: ${error instanceof Error ? error.message : String(error)}`);
    return async () => undefined;
  });
  const runner = options.runner ?? new ProcessBuildRunner({ script: realBuildScript, sandbox: openSandbox(config) });
  const owner = currentOwner();
  const queue = openBuildQueue(config, store, warn);
  const signingKey = signingKeyDir(config);
  const executor = new BuildExecutor({
    store,
    hub,
    runner,
    queue,
    owner,
    dataDir: config.dataDir,
    cacheDir: config.cacheDir,
    signer: keyDirSigner(signingKey.path, signingKey),
    concurrency: config.concurrency,
    buildTimeoutMs: config.buildTimeoutMs,
    stageTimeoutMs: config.stageTimeoutMs,
    retention: { keepBuilds: config.keepBuilds, maxArtifactBytes: config.maxArtifactBytes },
    artifactStorage,
    pollMs: options.pollMs,
    heartbeatMs: (config.workerHeartbeatSeconds ?? 10) * 1000,
  });
  const policy = config.sourcePolicy ?? sourcePolicyFromEnvironment(process.env);
  const inputsProbe = (spec: NodeImage) => collectBuildInputs(spec.spec, { policy, signal: AbortSignal.timeout(30_000), timeoutMs: 15_000 });
  const service = new BuildService({ store, hub, executor, queue, dataDir: config.dataDir, minFreeBytes: config.minFreeBytes, inputsProbe });
  if (queue instanceof PgBossQueue) {
    queue.handleLost(
      handleLostBuilds({
        store,
        hub,
        retries: config.buildRetries ?? 1,
        recoverer: owner,
        retry: async (id, attempt) => (await service.retry(id, attempt)).build.id,
        enqueue: (id, attempt) => queue.enqueue(id, attempt),
        warn,
      }),
    );
  }
  const updates = new BuildUpdatesChecker({ store, dataDir: config.dataDir, artifactStorage, policy });
  const channelStore = openChannelStore(store, config.databaseUrl);
  const channels = new ChannelService(store, channelStore);
  const policies = new ChannelPolicies({ store, channelStore, hub, channels, updates, rebuild: (id) => service.rebuild(id) });
  return {
    store,
    hub,
    executor,
    service,
    artifactStorage,
    updates,
    channels,
    policies,
    checkForUpdates: async (signal) => {
      await updates.checkAll(signal);
      if (!signal?.aborted) await policies.runAll();
    },
    describeBuilds: async () => {
      const refusal = await runner.prepare?.();
      if (refusal) return `builds cannot start: ${refusal}`;
      return config.buildMode === 'root' ? 'builds run as host root (STAMPER_BUILD_MODE=root)' : 'builds run rootless, in a user namespace of the build user';
    },
    close: async () => {
      await executor.stop();
      await (
        await stopFanOut
      )();
      await channelStore.close();
      await store.close();
    },
  };
}
