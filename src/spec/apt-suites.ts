import { findRelease } from './catalog';
import { resolveVersions } from './defaults';
import type { AptRepositorySpec, NodeImageSpec } from './schema';

/** Where an apt source of a build comes from; the order is the order of the image's sources. */
export type AptSourceRole = 'distro-main' | 'distro-updates' | 'distro-security' | 'kubernetes' | 'extra';

/** One apt suite a build reads: enough to find its release file and its package indices. */
export interface AptSuiteSource {
  role: AptSourceRole;
  /** The repository name for extra repositories; the role otherwise. */
  name: string;
  url: string;
  /** A suite name, or a path ending in "/" for a flat repository. */
  suite: string;
  components: string[];
}

export const withTrailingSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`);

export const isFlatSuite = (suite: string): boolean => suite.endsWith('/');

/** The directory holding InRelease/Release: dists/<suite>/ for a normal repository, the path itself for a flat one. */
export function releaseDirectory(source: Pick<AptSuiteSource, 'url' | 'suite'>): string {
  const base = withTrailingSlash(source.url);
  if (!isFlatSuite(source.suite)) return `${base}dists/${source.suite}/`;
  return source.suite === '/' ? base : `${base}${source.suite.replace(/^\/+/, '')}`;
}

/**
 * Debian serves -security from a separate archive (deb.debian.org/debian-security, or a
 * mirror's debian-security beside its debian); Ubuntu archives carry it themselves.
 */
export function securityMirrorFor(spec: NodeImageSpec, mirror: string, hostSecurityMirror: string | undefined): string {
  if (spec.os.securityMirror) return spec.os.securityMirror;
  if (spec.os.distro !== 'debian') return mirror;
  if (!spec.os.mirror && hostSecurityMirror) return hostSecurityMirror;
  const trimmed = mirror.replace(/\/+$/, '');
  return /\/debian$/.test(trimmed) ? `${trimmed}-security` : `${trimmed}/debian-security`;
}

/**
 * The release's suites a build installs from: the release itself, its -updates (stable
 * updates) and its -security suite, so a build picks up every fix published so far.
 */
export function distroSuites(spec: NodeImageSpec, mirror: string, hostSecurityMirror?: string): AptSuiteSource[] {
  const release = spec.os.release;
  const components = findRelease(release)?.components ?? ['main'];
  return [
    { role: 'distro-main', name: 'distro-main', url: mirror, suite: release, components },
    { role: 'distro-updates', name: 'distro-updates', url: mirror, suite: `${release}-updates`, components },
    { role: 'distro-security', name: 'distro-security', url: securityMirrorFor(spec, mirror, hostSecurityMirror), suite: `${release}-security`, components },
  ];
}

export function extraRepositorySuite(repo: AptRepositorySpec): AptSuiteSource {
  return { role: 'extra', name: repo.name, url: repo.url, suite: repo.suite, components: isFlatSuite(repo.suite) ? [] : (repo.components ?? ['main']) };
}

/**
 * Every apt suite a build of this spec installs from, in the order of the image's sources:
 * the release's suites (when the mirror is known), the extra repositories, then the
 * Kubernetes repository, which is flat (`deb URL /`).
 */
export function buildAptSuites(spec: NodeImageSpec, mirror: string | undefined, hostSecurityMirror?: string): AptSuiteSource[] {
  const suites = mirror ? distroSuites(spec, mirror, hostSecurityMirror) : [];
  suites.push(...spec.repositories.map(extraRepositorySuite));
  const repository = spec.kubernetes.source.type === 'apt' ? resolveVersions(spec).aptRepository : null;
  if (repository) suites.push({ role: 'kubernetes', name: 'kubernetes', url: repository, suite: '/', components: [] });
  return suites;
}

/** A suite whose fixes are security fixes: Debian's and Ubuntu's -security, or a repository labelled so. */
export function isSecuritySuite(suite: string, releaseLabel?: string): boolean {
  return /(^|[-/])security\/?$/i.test(suite) || /security/i.test(releaseLabel ?? '');
}

/** deb822 multi-line value: every line indented, empty lines as " ." (deb822(5)). */
const foldedField = (name: string, value: string): string =>
  `${name}:\n${value
    .trim()
    .split(/\r?\n/)
    .map((line) => (line.trim() === '' ? ' .' : ` ${line.trimEnd()}`))
    .join('\n')}`;

/** One deb822 stanza. URL, suite and component grammars are checked by the schema; new URL() refuses anything else. */
export function renderSourceStanza(source: AptSuiteSource, signedBy?: { keyring: string } | { armoredKey: string }): string {
  const url = new URL(source.url);
  if (!/^https?:$/.test(url.protocol)) throw new Error(`unsupported repository scheme: ${url.protocol}`);
  const lines = ['Types: deb', `URIs: ${url.href}`, `Suites: ${source.suite}`];
  if (source.components.length > 0) lines.push(`Components: ${source.components.join(' ')}`);
  if (signedBy && 'keyring' in signedBy) lines.push(`Signed-By: ${signedBy.keyring}`);
  if (signedBy && 'armoredKey' in signedBy) lines.push(foldedField('Signed-By', signedBy.armoredKey));
  return `${lines.join('\n')}\n`;
}
