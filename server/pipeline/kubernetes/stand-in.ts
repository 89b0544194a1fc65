import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The Kubernetes stand-in repository marks itself (Release Origin/Label) and each of its
 * packages (Description) with this word, so a build can tell a test image from a node.
 */
export const STAND_IN_MARKER = 'stamper-stand-in';

/** Where the kubernetes stage leaves its finding for the stages after it (configure writes the release file). */
export const testImageMarkerPath = (workDir: string): string => join(workDir, 'test-image.txt');

/** The Description dpkg recorded for `name` in the image tree, or null when it is not installed. */
export async function installedDescription(tree: string, name: string): Promise<string | null> {
  const status = await readFile(join(tree, 'var/lib/dpkg/status'), 'utf8').catch(() => '');
  for (const stanza of status.split(/\n\n+/)) {
    if (!stanza.startsWith(`Package: ${name}\n`)) continue;
    const match = /^Description: (.*(?:\n .*)*)/m.exec(stanza);
    return match?.[1] ?? '';
  }
  return null;
}

/** Why this tree is a test image, or null: kubelet came from the stand-in repository. */
export async function standInReason(tree: string): Promise<string | null> {
  const description = await installedDescription(tree, 'kubelet');
  return description?.includes(STAND_IN_MARKER) ? `kubelet is the Kubernetes stand-in's package ("${description.split('\n')[0]}")` : null;
}

/** How far into an executable the marker is looked for: the stand-in's scripts carry it in line 2; a real kubelet is ~100 MB. */
const MARKER_SEARCH_BYTES = 4096;

/** Whether the file at `path` is one of the stand-in's executables. */
export async function isStandInExecutable(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(MARKER_SEARCH_BYTES);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead).includes(STAND_IN_MARKER);
  } finally {
    await handle.close();
  }
}

/** Why binaries installed from `baseUrl` make a test image, or null: some are the stand-in's executables. */
export async function standInBinariesReason(files: Readonly<Record<string, string>>, baseUrl: string): Promise<string | null> {
  const marked: string[] = [];
  for (const [name, path] of Object.entries(files)) if (await isStandInExecutable(path)) marked.push(name);
  if (marked.length === 0) return null;
  return `${marked.join(', ')} ${marked.length === 1 ? "is the Kubernetes stand-in's executable" : "are the Kubernetes stand-in's executables"} (from ${baseUrl})`;
}

export async function recordTestImage(workDir: string, reason: string): Promise<void> {
  await writeFile(testImageMarkerPath(workDir), `${reason}\n`);
}

export async function readTestImage(workDir: string): Promise<string | null> {
  const text = await readFile(testImageMarkerPath(workDir), 'utf8').catch(() => null);
  return text === null ? null : text.trim();
}
