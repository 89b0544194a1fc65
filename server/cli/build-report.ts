import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TEST_IMAGE_NOTICE } from '../../src/spec/build-events.ts';
import type { NodeImage } from '../../src/spec/schema.ts';
import type { Signer } from '../pipeline/stage.ts';
import { formatSums, parseSums, sha256File } from '../signing/sha256sums.ts';
import type { EventPrinter } from './build-event-printer.ts';

export const BUILD_REPORT_FILE = 'build-report.json';

export interface BuildFailure {
  stage: string;
  message: string;
  lastLines: string[];
}

export interface ReportInput {
  image: NodeImage;
  buildKey: string;
  startedAt: Date;
  status: 'succeeded' | 'failed' | 'canceled';
  failure?: BuildFailure;
  /** What the build reported so far. */
  events: EventPrinter;
}

/**
 * Writes `stamper build`'s build-report.json into outDir and returns its path and
 * duration. Artifacts and boot checks are listed for a build that succeeded only.
 */
export async function writeBuildReport(outDir: string, input: ReportInput): Promise<{ path: string; durationMs: number }> {
  const finishedAt = new Date();
  const succeeded = input.status === 'succeeded';
  const testImage = input.events.testImage();
  const report = {
    buildKey: input.buildKey,
    name: input.image.metadata.name,
    status: input.status,
    startedAt: input.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - input.startedAt.getTime(),
    stages: input.events.stages(),
    artifacts: succeeded ? input.events.artifacts() : [],
    verify: succeeded ? input.events.verify() : [],
    testImage: testImage ? { notice: TEST_IMAGE_NOTICE, reason: testImage } : null,
    ...(input.failure ? { failure: input.failure } : {}),
    spec: input.image,
  };
  const path = join(outDir, BUILD_REPORT_FILE);
  await writeFile(path, JSON.stringify(report, null, 2) + '\n');
  return { path, durationMs: report.durationMs };
}

/**
 * The CLI's signer: when the build asks for its signature, every stage before sign is
 * done, so the report is written then and signed with the artifacts, and
 * `stamper verify` catches a changed report too.
 */
export function signerWithReport(signer: Signer, writeReport: () => Promise<string>): Signer {
  return {
    async sign(sums, signal) {
      const reportPath = await writeReport();
      const entries = [...parseSums(sums).filter((e) => e.name !== BUILD_REPORT_FILE), { name: BUILD_REPORT_FILE, sha256: await sha256File(reportPath) }];
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return signer.sign(formatSums(entries), signal);
    },
  };
}
