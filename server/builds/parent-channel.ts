import { StringDecoder } from 'node:string_decoder';
import type { Signer } from '../pipeline/stage.ts';
import { buildJobSchema, MAX_SIGN_REQUEST_CHARS, signAnswerSchema, type BuildJobMessage, type BuildProcessMessage } from './build-protocol.ts';

/**
 * The build child's stdin as lines: the job first, then the answers to its requests.
 * It reads until stdin ends, which is also how the parent's death shows (parent-watch.ts),
 * and never ends stdin itself. One request is outstanding at a time.
 */
export class ParentLines {
  private readonly queued: string[] = [];
  private waiter: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  private ended = false;

  constructor(input: NodeJS.ReadableStream = process.stdin) {
    const decoder = new StringDecoder('utf8');
    let pending = '';
    input.on('data', (chunk: Buffer) => {
      const lines = (pending + decoder.write(chunk)).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.deliver(line);
    });
    input.once('end', () => {
      this.ended = true;
      this.waiter?.reject(new Error('the service closed the build process input'));
      this.waiter = undefined;
    });
  }

  next(signal?: AbortSignal): Promise<string> {
    const line = this.queued.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.reject(new Error('the service closed the build process input'));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.waiter = undefined;
        reject(new Error('canceled while waiting for the service'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = {
        resolve: (l) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(l);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
    });
  }

  private deliver(line: string): void {
    if (!line.trim()) return;
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter.resolve(line);
    else this.queued.push(line);
  }
}

/** The first line: the job, validated. */
export async function readJob(lines: ParentLines): Promise<BuildJobMessage> {
  const line = await lines.next().catch(() => {
    throw new Error('no job on stdin');
  });
  return buildJobSchema.parse(JSON.parse(line));
}

/**
 * The sign stage's signer inside a build: a round trip to the parent, which holds the
 * key, over the JSON-lines protocol. The build (and whatever the spec's packages run in
 * it) is never handed the key or told where it is, only the signature over its own
 * checksum list; once the build runs unprivileged it cannot read the key either.
 */
export function parentSigner(lines: ParentLines, send: (message: BuildProcessMessage) => void): Signer {
  return {
    async sign(sums, signal) {
      if (sums.length > MAX_SIGN_REQUEST_CHARS)
        throw new Error(`the checksum list is ${sums.length} characters, more than the ${MAX_SIGN_REQUEST_CHARS} the service signs`);
      send({ kind: 'sign', sums });
      const answer = signAnswerSchema.parse(JSON.parse(await lines.next(signal)));
      if (answer.kind === 'signRefused') throw new Error(`the service refused to sign: ${answer.error}`);
      return { sums: answer.sums, signature: answer.signature };
    },
  };
}
