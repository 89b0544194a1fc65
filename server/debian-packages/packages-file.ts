/** One binary package from a Debian `Packages` index, reduced to what the search shows. */
export interface PackageEntry {
  name: string;
  version: string;
  section: string;
  /** First line of the description. */
  description: string;
  /** Installed-Size is given in KiB; kept in bytes so the UI formats one unit. */
  installedSizeBytes: number | null;
  downloadSizeBytes: number | null;
}

/**
 * Reads a `Packages` file (deb822 stanzas) line by line, so a 60 MB index never sits in
 * memory as one string. Continuation lines (leading space) belong to the previous field
 * and only the description's first line is kept.
 */
export class PackagesParser {
  private fields = new Map<string, string>();
  readonly entries: PackageEntry[] = [];

  push(line: string): void {
    if (line.trim() === '') {
      this.endStanza();
      return;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) return;
    const colon = line.indexOf(':');
    if (colon <= 0) return;
    this.fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }

  end(): PackageEntry[] {
    this.endStanza();
    return this.entries;
  }

  private endStanza(): void {
    const name = this.fields.get('Package');
    const version = this.fields.get('Version');
    if (name && version) {
      const installed = Number(this.fields.get('Installed-Size'));
      const size = Number(this.fields.get('Size'));
      this.entries.push({
        name,
        version,
        section: this.fields.get('Section') ?? '',
        description: this.fields.get('Description') ?? '',
        installedSizeBytes: Number.isFinite(installed) && this.fields.has('Installed-Size') ? installed * 1024 : null,
        downloadSizeBytes: Number.isFinite(size) && this.fields.has('Size') ? size : null,
      });
    }
    this.fields = new Map();
  }
}

export function parsePackagesFile(text: string): PackageEntry[] {
  const parser = new PackagesParser();
  for (const line of text.split('\n')) parser.push(line);
  return parser.end();
}

/**
 * Name matches first (exact, then prefix, then anywhere; a whole-word match before a partial
 * one), then description matches; within
 * a rank, shorter names first, since they are usually the package people mean.
 */
export function searchPackages(entries: readonly PackageEntry[], query: string, limit: number): { total: number; items: PackageEntry[] } {
  const needle = query.trim().toLowerCase();
  if (!needle) return { total: 0, items: [] };
  const ranked: { rank: number; entry: PackageEntry }[] = [];
  for (const entry of entries) {
    const name = entry.name.toLowerCase();
    let rank = -1;
    const at = name.indexOf(needle);
    // "nfs" should find nfs-common before nfstest: a match that ends at a word break ranks higher
    const wholeWord = at >= 0 && !/[a-z]/.test(name.charAt(at + needle.length));
    if (name === needle) rank = 0;
    else if (at === 0) rank = wholeWord ? 1 : 2;
    else if (at > 0) rank = wholeWord && /[^a-z0-9]/.test(name.charAt(at - 1)) ? 3 : 4;
    else if (entry.description.toLowerCase().includes(needle)) rank = 5;
    if (rank >= 0) ranked.push({ rank, entry });
  }
  ranked.sort((a, b) => a.rank - b.rank || a.entry.name.length - b.entry.name.length || a.entry.name.localeCompare(b.entry.name));
  // one row per package name: an index can list a name twice (e.g. an older version kept around)
  const seen = new Set<string>();
  const items: PackageEntry[] = [];
  for (const { entry } of ranked) {
    if (seen.has(entry.name)) continue;
    seen.add(entry.name);
    if (items.length < limit) items.push(entry);
  }
  return { total: seen.size, items };
}
