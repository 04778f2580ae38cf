import { describe, expect, it } from 'vitest';
import { FS, MemoryBackend } from '../../src/tinyfs/index.js';

// Regression (found by test/model): which error wins when a call has several faults
// follows Linux, so the CLI and the mount report what `mv`/`ln` on ext4 would.

const me = { uid: 1000, gid: 1000 };

async function fresh(): Promise<FS> {
  const fs = await FS.open(new MemoryBackend());
  await fs.mkdir('/d', 0o755, me);
  await fs.mkdir('/d/sub', 0o755, me);
  await fs.create('/f', 0o644, me);
  await fs.create('/d/g', 0o644, me);
  await fs.symlink('/loop', '/loop', me);
  return fs;
}

describe('error precedence as in Linux', () => {
  it('rename resolves both parents before looking up the source', async () => {
    const fs = await fresh();
    await expect(fs.rename('/missing', '/loop/x')).rejects.toMatchObject({ code: 'ELOOP' });
    await expect(fs.rename('/f/x', '/nodir/x')).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(fs.rename('/missing', '/f/x')).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it('rename over an ancestor of the source is ENOTEMPTY, whatever the kinds', async () => {
    const fs = await fresh();
    await expect(fs.rename('/d/g', '/d')).rejects.toMatchObject({ code: 'ENOTEMPTY' });
    await expect(fs.rename('/d/sub', '/d')).rejects.toMatchObject({ code: 'ENOTEMPTY' });
    await expect(fs.rename('/d', '/d/sub/x')).rejects.toMatchObject({ code: 'EINVAL' });
  });

  it('link reports the new name (ENOENT, EEXIST) before EPERM for a directory', async () => {
    const fs = await fresh();
    await expect(fs.link('/d', '/f')).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(fs.link('/d', '/nodir/x')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fs.link('/d', '/x')).rejects.toMatchObject({ code: 'EPERM' });
  });
});
