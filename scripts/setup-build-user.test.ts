import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../server/pipeline/exec';
import { readBuildUser, usernsPrefix } from '../server/pipeline/sandbox/build-user';

const asRoot = process.getuid?.() === 0;
let home: string;
let checkout: string;

beforeAll(async () => {
  // a clone in a private home: the directory above the checkout lets nobody else in
  home = await mkdtemp('/var/tmp/stamper-private-home-');
  await chmod(home, 0o700);
  checkout = join(home, 'stamper');
  await mkdir(checkout);
  await writeFile(join(checkout, 'program.txt'), 'the build program\n');
});
afterAll(() => rm(home, { recursive: true, force: true }));

/** Reads the file as a build would: as the namespace root of the build user, through setpriv and unshare. */
async function readAsBuild(file: string) {
  const [command, ...args] = usernsPrefix(await readBuildUser());
  return runProcess(command as string, [...args, 'cat', file], { captureStdout: true, quiet: true, allowFailure: true });
}

describe.skipIf(!asRoot)('scripts/setup-build-user.sh', () => {
  it('lets builds reach a checkout under a private directory, granting only search, and changes nothing the second time', async () => {
    expect((await readAsBuild(join(checkout, 'program.txt'))).code).not.toBe(0);

    const first = await runProcess('bash', ['scripts/setup-build-user.sh'], {
      env: { ...process.env, STAMPER_CHECKOUT: checkout },
      captureStdout: true,
      quiet: true,
    });
    expect(first.stdout).toContain(`may search ${home}, to reach ${checkout}`);
    const read = await readAsBuild(join(checkout, 'program.txt'));
    expect(read.code).toBe(0);
    expect(read.stdout).toBe('the build program\n');

    const { subuidStart } = await readBuildUser();
    const acl = (await runProcess('getfacl', ['-cpn', home], { captureStdout: true, quiet: true })).stdout;
    expect(acl).toContain(`user:${subuidStart}:--x`);
    // search, not listing: the namespace root still cannot see what else the home holds
    const listing = await (async () => {
      const [command, ...args] = usernsPrefix(await readBuildUser());
      return runProcess(command as string, [...args, 'ls', home], { quiet: true, allowFailure: true });
    })();
    expect(listing.code).not.toBe(0);

    const again = await runProcess('bash', ['scripts/setup-build-user.sh'], {
      env: { ...process.env, STAMPER_CHECKOUT: checkout },
      captureStdout: true,
      quiet: true,
    });
    expect(again.stdout).not.toContain('may search');
  });
});
