import type { FS, FileNode } from '../../src/tinyfs/index.js';

/** The whole content of the file at `path`. */
export async function readWhole(fs: FS, path: string): Promise<Buffer> {
  const f = (await fs.resolve(path)) as FileNode;
  return Buffer.from(await fs.read(f, 0, f.size));
}
