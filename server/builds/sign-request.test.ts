import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSums, sha256File } from '../signing/sha256sums.ts';
import { keyDirSigner } from '../signing/sign-sums.ts';
import { buildProcessMessageSchema, MAX_SIGN_REQUEST_CHARS } from './build-protocol.ts';
import { answerSignRequest, type SignRequestContext } from './sign-request.ts';

let root: string;
let outDir: string;
let context: SignRequestContext;
let rawHash: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stamper-sign-request-'));
  outDir = join(root, 'out');
  await mkdir(outDir);
  await writeFile(join(outDir, 'node.raw'), 'disk');
  await writeFile(join(root, 'secret'), 'not the build');
  await symlink(join(root, 'secret'), join(outDir, 'link.raw'));
  rawHash = await sha256File(join(outDir, 'node.raw'));
  context = { outDir, announced: new Map([['node.raw', rawHash]]), signer: keyDirSigner(join(root, 'keys')), signal: new AbortController().signal };
});
afterAll(() => rm(root, { recursive: true, force: true }));

const refusal = async (sums: string, overrides: Partial<SignRequestContext> = {}) => {
  const answer = await answerSignRequest(sums, { ...context, ...overrides });
  return answer.kind === 'signRefused' ? answer.error : undefined;
};

describe('answerSignRequest', () => {
  it("signs exactly the build's announced artifacts", async () => {
    const sums = formatSums([{ name: 'node.raw', sha256: rawHash }]);
    const answer = await answerSignRequest(sums, context);
    expect(answer).toMatchObject({ kind: 'signed', sums });
    expect(answer.kind === 'signed' && answer.signature).toMatch(/^-----BEGIN SSH SIGNATURE-----/);
  });

  it('refuses anything else, saying why', async () => {
    const other = { name: 'other.raw', sha256: 'a'.repeat(64) };
    expect(await refusal('')).toBe('the checksum list is empty');
    expect(await refusal('hello\n')).toMatch(/is not "<sha256> {2}<file>"/);
    expect(await refusal(`${rawHash}  ../secret\n`)).toMatch(/outside its directory/);
    expect(await refusal(formatSums([{ name: 'node.raw', sha256: rawHash }, other]))).toBe('other.raw is not an artifact of this build');
    expect(await refusal(formatSums([{ name: 'node.raw', sha256: 'b'.repeat(64) }]))).toBe("node.raw: the list's SHA-256 is not the one the build announced");
    expect(await refusal(formatSums([{ name: 'node.raw', sha256: rawHash }]).repeat(2))).toBe('node.raw is listed twice');
    expect(await refusal(formatSums([{ name: 'node.raw', sha256: rawHash }]), { announced: new Map([...context.announced, [other.name, other.sha256]]) })).toBe(
      'the list leaves out artifacts of this build: other.raw',
    );
    expect(await refusal(formatSums([{ name: 'sbom/x.json', sha256: rawHash }]), { announced: new Map([['sbom/x.json', rawHash]]) })).toBe(
      "sbom/x.json is not a file directly in the build's output directory",
    );
    const linkHash = await sha256File(join(root, 'secret'));
    expect(await refusal(formatSums([{ name: 'link.raw', sha256: linkHash }]), { announced: new Map([['link.raw', linkHash]]) })).toBe(
      "link.raw is not a regular file in the build's output directory",
    );
  });

  it('never sees a request over the size bound: the protocol drops it', () => {
    expect(buildProcessMessageSchema.safeParse({ kind: 'sign', sums: 'x'.repeat(MAX_SIGN_REQUEST_CHARS) }).success).toBe(true);
    expect(buildProcessMessageSchema.safeParse({ kind: 'sign', sums: 'x'.repeat(MAX_SIGN_REQUEST_CHARS + 1) }).success).toBe(false);
  });
});
