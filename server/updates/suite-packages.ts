import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { isFlatSuite, releaseDirectory } from '../../src/spec/apt-suites.ts';
import type { AptInput } from '../../src/spec/build-inputs.ts';
import { compareDebianVersions } from '../../src/spec/debian-version.ts';
import { PackagesParser } from '../debian-packages/packages-file.ts';
import { describeStatus, fetchSource } from '../sources/source-fetch.ts';
import type { SourcePolicy } from '../sources/source-policy.ts';

export interface SuiteFetchOptions {
  policy: SourcePolicy;
  signal: AbortSignal;
  arch?: string;
  timeoutMs?: number;
}

/** The newest version of each package a suite offers now. */
export type SuiteVersions = Map<string, string>;

type SuiteRef = Pick<AptInput, 'url' | 'suite' | 'components'>;

/** Where the suite's Packages indices are: one per component, or one at the top of a flat repository. */
export function packagesIndexUrls(suite: SuiteRef, arch = 'amd64'): string[] {
  const dir = releaseDirectory(suite);
  if (isFlatSuite(suite.suite)) return [`${dir}Packages.gz`];
  return suite.components.map((component) => `${dir}${component}/binary-${arch}/Packages.gz`);
}

async function readIndex(url: string, parser: PackagesParser, options: SuiteFetchOptions): Promise<void> {
  const response = await fetchSource(url, { policy: options.policy, signal: options.signal, timeoutMs: options.timeoutMs ?? 120_000 });
  if (response.status < 200 || response.status >= 300) {
    response.body.resume();
    throw new Error(`${url}: ${describeStatus(response)}`);
  }
  const gunzip = createGunzip();
  // pipe() does not pass a source error on; a cut download must fail the read, not end it early
  response.body.on('error', (error) => gunzip.destroy(error));
  const lines = createInterface({ input: response.body.pipe(gunzip), crlfDelay: Infinity });
  for await (const line of lines) parser.push(line);
  parser.push('');
}

/** Reads the suite's package indices (under the source policy) down to name → newest version. */
export async function fetchSuiteVersions(suite: SuiteRef, options: SuiteFetchOptions): Promise<SuiteVersions> {
  const parser = new PackagesParser();
  for (const url of packagesIndexUrls(suite, options.arch)) await readIndex(url, parser, options);
  const versions: SuiteVersions = new Map();
  for (const entry of parser.end()) {
    const known = versions.get(entry.name);
    if (!known || compareDebianVersions(entry.version, known) > 0) versions.set(entry.name, entry.version);
  }
  return versions;
}
