import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The Debian mirror the build host's apt uses, so images come from the same mirror the
 * operator already trusts and reaches. Read at run time: no mirror host is baked in.
 */
export async function hostDebianMirror(aptDir = '/etc/apt'): Promise<string | undefined> {
  const candidates = await hostAptUris(aptDir);
  // the security archive is not a full mirror; prefer a plain archive URI
  return candidates.find((uri) => !/security/.test(uri)) ?? candidates[0];
}

/** The security archive the build host's apt uses, for the -security suite of Debian builds. */
export async function hostDebianSecurityMirror(aptDir = '/etc/apt'): Promise<string | undefined> {
  return (await hostAptUris(aptDir)).find((uri) => /security/.test(uri));
}

async function hostAptUris(aptDir: string): Promise<string[]> {
  const candidates: string[] = [];
  const sourcesDir = join(aptDir, 'sources.list.d');
  const entries = await readdir(sourcesDir).catch(() => [] as string[]);
  for (const name of entries.sort()) {
    if (!name.endsWith('.sources')) continue;
    const text = await readFile(join(sourcesDir, name), 'utf8').catch(() => '');
    candidates.push(...urisFromDeb822(text));
  }
  const legacy = await readFile(join(aptDir, 'sources.list'), 'utf8').catch(() => '');
  candidates.push(...urisFromOneLineFormat(legacy));
  for (const name of entries.sort()) {
    if (!name.endsWith('.list')) continue;
    candidates.push(...urisFromOneLineFormat(await readFile(join(sourcesDir, name), 'utf8').catch(() => '')));
  }
  return candidates;
}

export function urisFromDeb822(text: string): string[] {
  const uris: string[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const lines = stanza.split('\n').filter((l) => !l.trimStart().startsWith('#'));
    const isDeb = lines.some((l) => /^Types:(?:.*\s)?deb(?:\s|$)/.test(l));
    const uriLine = lines.find((l) => l.startsWith('URIs:'));
    if (isDeb && uriLine) uris.push(...uriLine.slice('URIs:'.length).trim().split(/\s+/).filter(Boolean));
  }
  return uris;
}

export function urisFromOneLineFormat(text: string): string[] {
  const uris: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)/.exec(line.trim());
    if (match?.[1]) uris.push(match[1]);
  }
  return uris;
}
