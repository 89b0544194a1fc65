import type { StageName, VerifyCheck } from '@/spec/build-events';
import { stripAnsi } from './log-rows';
import type { LogLine } from './build-log';
import { stageDescriptions } from './stage-descriptions';

export interface FailureExplanation {
  stage: StageName | null;
  /** One sentence saying what went wrong. */
  headline: string;
  /** What to do about it, when the log tells us. */
  hint: string | null;
  lastLines: LogLine[];
  failedChecks: VerifyCheck[];
}

const knownCauses: { pattern: RegExp; hint: (m: RegExpExecArray) => string }[] = [
  {
    pattern: /Unable to locate package (\S+)|Package '?([^'\s]+)'? has no installation candidate|[Cc]ouldn't find package (\S+)/,
    hint: (m) =>
      `The package "${m[1] ?? m[2] ?? m[3]}" does not exist in the chosen release. Check its spelling with the package search on the Packages step, or remove it.`,
  },
  {
    pattern: /Version '([^']+)' for '([^']+)' was not found/,
    hint: (m) => `Version ${m[1]} of "${m[2]}" is not available. Leave the version empty to get the release's own version.`,
  },
  {
    pattern: /(checksum|sha-?256)[^\n]*(mismatch|does not match)/i,
    hint: () => 'A download did not match its SHA-256 checksum. Check the URL and the checksum in the spec.',
  },
  {
    pattern: /fetch failed|Could not resolve|Temporary failure resolving|Connection refused|Failed to fetch|Network is unreachable|ECONNREFUSED|ENOTFOUND/,
    hint: () =>
      'A download failed: the build server could not reach a repository or URL the spec uses (for Kubernetes, the package repository in kubernetes.source). Check the address, and that the build server can reach it.',
  },
  {
    pattern: /No space left on device/,
    hint: () => 'The build machine ran out of disk space. Free space on the server or choose a smaller disk size.',
  },
  {
    pattern: /(timed out|timeout)/i,
    hint: () => 'A step took too long. The build server may be busy; retrying often helps.',
  },
];

/** Turns a failed build's log and checks into words a newcomer can act on. */
export function explainFailure(input: {
  failedStage: string | null;
  error: string | null;
  lines: readonly LogLine[];
  verify: readonly VerifyCheck[];
  lastLineCount?: number;
}): FailureExplanation {
  const stage = (input.failedStage && input.failedStage in stageDescriptions ? input.failedStage : null) as StageName | null;
  const ownLines = stage ? input.lines.filter((l) => l.stage === stage) : input.lines;
  // a stage that failed before writing anything: the lines before it are the best clue
  const stageLines = ownLines.length > 0 ? ownLines : input.lines;
  const lastLines = stageLines.slice(-(input.lastLineCount ?? 12));
  const failedChecks = input.verify.filter((c) => !c.ok);
  const what = stage ? `${stageDescriptions[stage].title} failed while ${stageDescriptions[stage].doing}.` : 'The build failed.';
  const headline = input.error ? `${what} ${input.error}` : what;

  let hint: string | null = null;
  const haystack = [input.error ?? '', ...stageLines.slice(-200).map((l) => stripAnsi(l.text))];
  outer: for (const cause of knownCauses) {
    for (const text of haystack) {
      const match = cause.pattern.exec(text);
      if (match) {
        hint = cause.hint(match);
        break outer;
      }
    }
  }
  if (!hint && failedChecks.length > 0) {
    hint = `The image was built but did not pass the boot check: ${failedChecks.map((c) => `${c.name} (${c.detail})`).join('; ')}.`;
  }
  return { stage, headline, hint, lastLines, failedChecks };
}
