import type { AptInput } from '../../src/spec/build-inputs.ts';
import type { BuildUpdates } from '../../src/spec/updates-api.ts';
import type { ArtifactStorage } from '../artifact-storage/artifact-storage.ts';
import { LocalArtifactStorage } from '../artifact-storage/local-artifact-storage.ts';
import { SbomReadError, readStoredSbomPackages, sbomArtifact } from '../downloads/build-sbom.ts';
import type { SourcePolicy } from '../sources/source-policy.ts';
import type { Store } from '../store/store.ts';
import { packageUpdates, type SuiteNow } from './package-updates.ts';
import { fetchSuiteVersions, type SuiteFetchOptions, type SuiteVersions } from './suite-packages.ts';

/** A suite's index read for one build serves every other build checked within this window. */
const SUITE_CACHE_MS = 10 * 60_000;

export class UpdatesError extends Error {
  constructor(
    readonly code: 'not_found' | 'not_checkable',
    message: string,
  ) {
    super(message);
  }
}

export interface BuildUpdatesOptions {
  store: Store;
  dataDir: string;
  /** Where the SBOMs are (object storage on scale-out); the data directory when unset. */
  artifactStorage?: ArtifactStorage;
  policy: SourcePolicy;
  /** Tests count or replace the index reads. */
  fetchVersions?: (suite: AptInput, options: SuiteFetchOptions) => Promise<SuiteVersions>;
  now?: () => Date;
}

/**
 * Which packages of a finished image its own sources now offer newer, computed from the
 * SBOM the build wrote and the package indices of the suites it recorded as inputs, read
 * again under the operator's source policy. The newest answer is kept with the build.
 */
export class BuildUpdatesChecker {
  private readonly suites = new Map<string, { at: number; versions: Promise<SuiteVersions> }>();

  constructor(private readonly options: BuildUpdatesOptions) {}

  /** The kept answer, or a fresh one when none is kept or `refresh` asks for it. */
  async updates(buildId: string, refresh = false): Promise<BuildUpdates> {
    const kept = refresh ? null : await this.options.store.storedBuildUpdates(buildId);
    // asked to check again: the suites are read again too, not taken from the short-lived cache
    return kept ?? this.check(buildId, { fresh: refresh });
  }

  async check(buildId: string, options: { fresh?: boolean } = {}): Promise<BuildUpdates> {
    const { store } = this.options;
    const row = await store.getRow(buildId);
    if (!row || row.deleted) throw new UpdatesError('not_found', `no build ${buildId}`);
    if (row.state !== 'succeeded') throw new UpdatesError('not_checkable', `build ${buildId} is ${row.state}: only a finished image has updates`);
    const installed = await this.sbomPackages(buildId);
    const aptInputs = (await store.buildInputs(buildId)).filter((input): input is AptInput => input.kind === 'apt');
    if (aptInputs.length === 0)
      throw new UpdatesError('not_checkable', `build ${buildId} recorded no apt sources, so there is nothing to compare its packages with`);
    const suites: SuiteNow[] = [];
    const unreadable: BuildUpdates['unreadable'] = [];
    for (const input of aptInputs) {
      try {
        suites.push({ input, versions: await this.suiteVersions(input, options.fresh ?? false) });
      } catch (error) {
        unreadable.push({ source: `${input.name} ${input.suite}`, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    const packages = packageUpdates(installed, suites, row.kubernetes_version);
    const updates: BuildUpdates = {
      buildId,
      checkedAt: (this.options.now?.() ?? new Date()).toISOString(),
      count: packages.length,
      security: packages.filter((p) => p.security).length,
      packages,
      unreadable,
    };
    await store.saveBuildUpdates(updates);
    return updates;
  }

  /** Checks every finished build that recorded its sources; one failing build does not stop the rest. */
  async checkAll(signal?: AbortSignal): Promise<{ checked: number; failed: number }> {
    const ids = await this.options.store.checkableBuildIds();
    let checked = 0;
    let failed = 0;
    // a round reads each suite afresh once and shares it across its builds: an answer
    // kept from before the round would hide what the suites published since
    this.suites.clear();
    for (const id of ids) {
      if (signal?.aborted) break;
      await this.check(id).then(
        () => checked++,
        () => failed++,
      );
    }
    return { checked, failed };
  }

  private async sbomPackages(buildId: string) {
    const { store, dataDir, artifactStorage = new LocalArtifactStorage(dataDir) } = this.options;
    const sbom = sbomArtifact(await store.artifacts(buildId));
    const stored = sbom?.path ? await artifactStorage.open(sbom) : undefined;
    if (!stored) throw new UpdatesError('not_checkable', `build ${buildId} has no SBOM to compare`);
    return readStoredSbomPackages(stored).catch((error: unknown) => {
      throw error instanceof SbomReadError ? new UpdatesError('not_checkable', `build ${buildId}: ${error.message}`) : error;
    });
  }

  private suiteVersions(input: AptInput, fresh: boolean): Promise<SuiteVersions> {
    const key = `${input.url} ${input.suite} ${input.components.join(',')}`;
    const now = Date.now();
    const cached = this.suites.get(key);
    if (!fresh && cached && now - cached.at < SUITE_CACHE_MS) return cached.versions;
    const fetchVersions = this.options.fetchVersions ?? fetchSuiteVersions;
    const versions = fetchVersions(input, { policy: this.options.policy, signal: AbortSignal.timeout(120_000) });
    this.suites.set(key, { at: now, versions });
    // a failed read is not kept: the next check tries again
    versions.catch(() => this.suites.delete(key));
    return versions;
  }
}
