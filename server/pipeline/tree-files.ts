import type { NodeFile } from '../../src/spec/node-files';
import { writeTreeFile } from './tree-paths';

/** The stages write the shared node definition's files through this one writer. */
export async function writeNodeFiles(tree: string, files: readonly NodeFile[]): Promise<void> {
  for (const file of files) await writeTreeFile(tree, file.path, file.content);
}
