import { TEST_IMAGE_NOTICE, type ArtifactInfo, type PipelineEvent, type PublishedImage, type VerifyCheck } from '../../src/spec/build-events.ts';

export interface FinishedStage {
  name: string;
  status: string;
  durationMs: number;
}

/** Prints a build's events as terminal lines and keeps what the build report needs from them. */
export interface EventPrinter {
  (event: PipelineEvent): void;
  stages(): FinishedStage[];
  artifacts(): ArtifactInfo[];
  /** Cloud images the publish stage registered (AMI IDs …), for the Cluster API snippets. */
  published(): PublishedImage[];
  verify(): VerifyCheck[];
  testImage(): string | null;
}

export function eventPrinter(verbose: boolean, write: (text: string) => void = (text) => process.stdout.write(text)): EventPrinter {
  const finished: FinishedStage[] = [];
  const artifacts: ArtifactInfo[] = [];
  const published: PublishedImage[] = [];
  const checks: VerifyCheck[] = [];
  const lastPrinted = new Map<string, number>();
  let testImage: string | null = null;
  const print = ((event: PipelineEvent) => {
    switch (event.type) {
      case 'stage':
        if (event.status === 'started') write(`[${event.stage}] started\n`);
        else {
          finished.push({ name: event.stage, status: event.status, durationMs: event.durationMs ?? 0 });
          const took = event.durationMs !== undefined ? ` in ${seconds(event.durationMs)}` : '';
          write(`[${event.stage}] ${event.status}${took}${event.error ? `: ${event.error}` : ''}\n`);
        }
        break;
      case 'progress': {
        // a line every 10 percent (or on a new message) keeps the terminal readable
        const previous = lastPrinted.get(event.stage) ?? -100;
        if (event.percent - previous >= 10 || (event.message && event.percent > previous)) {
          lastPrinted.set(event.stage, event.percent);
          write(`[${event.stage}] ${String(event.percent).padStart(3)}%${event.message ? ` ${event.message}` : ''}\n`);
        }
        break;
      }
      case 'log':
        if (verbose) write(`[${event.stage}] ${event.line}\n`);
        break;
      case 'verify':
        checks.push(event.check);
        write(`[verify] ${event.check.ok ? 'PASS' : 'FAIL'} ${event.check.name}: ${event.check.detail}\n`);
        break;
      case 'testImage':
        testImage = event.reason;
        write(`[kubernetes] ${TEST_IMAGE_NOTICE} (${event.reason})\n`);
        break;
      case 'artifact':
        artifacts.push(event.artifact);
        write(`[artifact] ${event.artifact.name} (${formatBytes(event.artifact.sizeBytes)})\n`);
        break;
      case 'published':
        published.push(event.image);
        break;
      default:
        break;
    }
  }) as EventPrinter;
  print.stages = () => [...finished];
  print.artifacts = () => [...artifacts];
  print.published = () => [...published];
  print.verify = () => [...checks];
  print.testImage = () => testImage;
  return print;
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
