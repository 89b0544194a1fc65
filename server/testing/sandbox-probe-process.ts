import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BuildJobMessage, BuildProcessMessage } from '../builds/build-protocol.ts';
import { cacheOutDir } from '../pipeline/work-layout.ts';

/**
 * A build process for the sandbox tests: reports the ids it really runs with, writes an
 * artifact, tries to read a file only host root may read, and leaves cache entries the
 * service must adopt (a download whose content matches its name) or refuse (one whose
 * content does not, and a base tree under a key the service did not compute).
 */
const send = (message: BuildProcessMessage) => process.stdout.write(`${JSON.stringify(message)}\n`);
const log = (line: string) => send({ kind: 'event', event: { type: 'log', stage: 'rootfs', stream: 'info', line } });

process.stdin.once('data', (chunk: Buffer) => {
  const line = chunk.toString('utf8');
  const job = JSON.parse(line.slice(0, line.indexOf('\n'))) as BuildJobMessage;
  log(`uid_map ${readFileSync('/proc/self/uid_map', 'utf8').trim().split(/\s+/).join(' ')}`);
  log(`home ${process.env.HOME ?? ''} tmp ${process.env.TMPDIR ?? ''}`);
  try {
    readFileSync('/etc/shadow');
    log('shadow readable');
  } catch (error) {
    log(`shadow ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const artifact = path.join(job.outDir, 'image.raw');
  writeFileSync(artifact, 'disk', { mode: 0o666 });

  const staging = cacheOutDir(job.workDir);
  mkdirSync(path.join(staging, 'downloads'), { recursive: true });
  mkdirSync(path.join(staging, 'base-trees'), { recursive: true });
  const good = Buffer.from('a verified download');
  writeFileSync(path.join(staging, 'downloads', createHash('sha256').update(good).digest('hex')), good);
  writeFileSync(path.join(staging, 'downloads', 'f'.repeat(64)), 'poisoned');
  writeFileSync(path.join(staging, 'base-trees', `${'e'.repeat(64)}.tar.zst`), 'someone else');
  send({
    kind: 'done',
    artifacts: [{ name: 'image.raw', format: 'raw', sizeBytes: 4, sha256: createHash('sha256').update('disk').digest('hex'), path: artifact }],
  });
  process.stdout.write('', () => process.exit(0));
});
