import type { NodeFile } from '../node-files';
import { base64Utf8, shellQuote as q } from './shell-quote';

/** One step of an exported provisioning script: a file of the node definition, or a shell command. */
export type SetupStep = { file: NodeFile } | { run: string };

export const runSteps = (...lines: string[]): SetupStep[] => lines.map((run) => ({ run }));
export const fileSteps = (files: readonly NodeFile[]): SetupStep[] => files.map((file) => ({ file }));

const FILE_MARKER = 'STAMPER_FILE';

const parentDir = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';

/**
 * Bash that writes one file under `root`: '' on the node itself, a scratch directory in
 * the test that runs the writes for real and compares them with the configure stage's.
 * A quoted heredoc keeps the text readable and unexpanded; text that does not end in a
 * newline (a heredoc always adds one) or holds the marker line goes base64-encoded.
 */
export function renderFileWrite(file: NodeFile, root = ''): string {
  const target = q(`${root}${file.path}`);
  const body = file.content.replace(/\n$/, '');
  const write =
    file.content.endsWith('\n') && !body.split('\n').includes(FILE_MARKER)
      ? [`cat > ${target} <<'${FILE_MARKER}'`, body, FILE_MARKER]
      : [`echo ${q(base64Utf8(file.content))} | base64 -d > ${target}`];
  return [`mkdir -p ${q(`${root}${parentDir(file.path)}`)}`, ...write].join('\n');
}

export function renderSteps(steps: readonly SetupStep[], root = ''): string {
  return steps.map((step) => ('file' in step ? renderFileWrite(step.file, root) : step.run)).join('\n');
}
