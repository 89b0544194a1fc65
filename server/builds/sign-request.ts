import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { PipelineEvent } from '../../src/spec/build-events.ts';
import type { Signer } from '../pipeline/stage.ts';
import { parseSums, SumsFormatError } from '../signing/sha256sums.ts';
import type { SignAnswer } from './build-protocol.ts';

/**
 * The parent's side of a build's signing: notes the artifacts the build announces and
 * answers its one sign request (a second is refused), through `answer`, which writes
 * to the build's stdin. `close` when the build ended stops a signing still under way.
 */
export class BuildSigning {
  private readonly announced = new Map<string, string>();
  private requested = false;
  private readonly closed = new AbortController();

  constructor(
    private readonly build: { outDir: string; signer: Signer },
    private readonly answer: (answer: SignAnswer) => void,
  ) {}

  noteEvent(event: PipelineEvent): void {
    if (event.type === 'artifact') this.announced.set(event.artifact.name, event.artifact.sha256);
  }

  request(sums: string): void {
    if (this.requested) return this.answer({ kind: 'signRefused', error: 'a build is signed once' });
    this.requested = true;
    const context = { outDir: this.build.outDir, announced: new Map(this.announced), signer: this.build.signer, signal: this.closed.signal };
    void answerSignRequest(sums, context).then((answer) => {
      if (!this.closed.signal.aborted) this.answer(answer);
    });
  }

  close(): void {
    this.closed.abort();
  }
}

export interface SignRequestContext {
  /** The build's output directory: every listed file must be a regular file directly in it. */
  outDir: string;
  /** Artifacts the build announced in its events, name → SHA-256. */
  announced: ReadonlyMap<string, string>;
  signer: Signer;
  signal: AbortSignal;
}

/**
 * The parent's answer to a build child's request to sign its SHA256SUMS. The child runs
 * code from the spec, so the parent signs only a list that is exactly this build's
 * announced artifacts with the hashes it announced, each a regular file in the build's
 * own output directory; anything else is refused, so the key cannot be made to sign
 * some other text. (The hashes themselves are the child's: it made the files too.)
 */
export async function answerSignRequest(sums: string, context: SignRequestContext): Promise<SignAnswer> {
  const problem = await signRequestProblem(sums, context);
  if (problem) return { kind: 'signRefused', error: problem };
  try {
    const signed = await context.signer.sign(sums, context.signal);
    return { kind: 'signed', sums: signed.sums, signature: signed.signature };
  } catch (error) {
    return { kind: 'signRefused', error: `signing failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function signRequestProblem(sums: string, { outDir, announced }: SignRequestContext): Promise<string | undefined> {
  let entries;
  try {
    entries = parseSums(sums);
  } catch (error) {
    if (error instanceof SumsFormatError) return error.message;
    throw error;
  }
  if (entries.length === 0) return 'the checksum list is empty';
  const listed = new Set<string>();
  for (const { name, sha256 } of entries) {
    if (listed.has(name)) return `${name} is listed twice`;
    listed.add(name);
    if (name.includes('/') || name === '.' || name === '..') return `${name} is not a file directly in the build's output directory`;
    const expected = announced.get(name);
    if (expected === undefined) return `${name} is not an artifact of this build`;
    if (expected !== sha256) return `${name}: the list's SHA-256 is not the one the build announced`;
    const info = await lstat(path.join(outDir, name)).catch(() => undefined);
    if (!info?.isFile()) return `${name} is not a regular file in the build's output directory`;
  }
  const missing = [...announced.keys()].filter((name) => !listed.has(name));
  if (missing.length > 0) return `the list leaves out artifacts of this build: ${missing.join(', ')}`;
  return undefined;
}
