import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runProcess } from '../pipeline/exec';
import { rootPartitionOffset } from '../pipeline/verify/inject-check';

/**
 * A 64 MiB GPT disk with an ext4 root written at its partition offset, as the disk stage
 * makes one, holding only the directories the verify injection writes into.
 */
export async function makeTinyRootDisk(dir: string): Promise<{ disk: string; offset: number }> {
  const disk = join(dir, 'disk.raw');
  await writeFile(disk, '');
  await truncate(disk, 64 * 1024 * 1024);
  await runProcess('sfdisk', ['--quiet', disk], { input: 'label: gpt\nstart=2048, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=root\n' });
  const offset = await rootPartitionOffset(runProcess, disk);
  const tree = join(dir, 'tree');
  await mkdir(join(tree, 'var', 'lib'), { recursive: true });
  await mkdir(join(tree, 'etc', 'systemd', 'system'), { recursive: true });
  await runProcess('mkfs.ext4', ['-q', '-F', '-d', tree, '-E', `offset=${offset}`, disk, '60M']);
  return { disk, offset };
}
