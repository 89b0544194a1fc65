import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecError, runProcess } from './exec.ts';
import { withToolErrors } from './tool-error-lines.ts';

let server: Server;
let work: string;

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  work = await mkdtemp(join(tmpdir(), 'stamper-apt-error-'));
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(work, { recursive: true, force: true });
});

describe('a failed apt run is reported by its error lines', () => {
  it("names the URL and apt's error, not just the exit code", async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/k8s/`;
    await mkdir(join(work, 'lists/partial'), { recursive: true });
    await writeFile(join(work, 'sources.list'), `deb [trusted=yes] ${url} /\n`);
    // the real apt-get, on its own lists directory, against a repository that answers 404
    const failure = await runProcess('apt-get', [
      '-o',
      `Dir::Etc::SourceList=${join(work, 'sources.list')}`,
      '-o',
      'Dir::Etc::SourceParts=/nonexistent',
      '-o',
      `Dir::State::Lists=${join(work, 'lists')}`,
      '-o',
      'Debug::NoLocking=1',
      '-o',
      'APT::Sandbox::User=root',
      'update',
    ]).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(ExecError);
    const error = failure as ExecError;
    expect(withToolErrors(error.message, error.lastLines)).toMatch(
      new RegExp(`^apt-get exited with 100: .*E: Failed to fetch ${url.replace(/[.]/g, '\\.')}Packages\\s+404\\s+Not Found`),
    );
  });

  it('leaves a message alone when the output has no error lines', () => {
    expect(withToolErrors('tar exited with 2', ['x', 'y'])).toBe('tar exited with 2');
  });
});
