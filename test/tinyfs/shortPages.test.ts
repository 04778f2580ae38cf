import { describe, expect, it } from 'vitest';
import { BytesContent, type ContentSource, FileContent, PAGE_SIZE } from '../../src/tinyfs/index.js';

// Dirty pages start short: a 100-byte file pinned 64 KiB until its flush (10,000 small
// files written through the mount: 625 MiB). Short pages grow by copying and read as
// zeros past their end; base bytes under a partial write are kept.

/** Two pages of 1s whose first `held` reads each wait for a call of the gate it queues. */
function gatedBase(held: number): { base: ContentSource; gates: Array<() => void> } {
  const gates: Array<() => void> = [];
  const bytes = new BytesContent(Buffer.alloc(2 * PAGE_SIZE, 1));
  const base = {
    size: bytes.size,
    read: async (offset: number, length: number): Promise<Uint8Array> => {
      if (held-- > 0) await new Promise<void>((resolve) => gates.push(resolve));
      return bytes.read(offset, length);
    },
  };
  return { base, gates };
}

describe('FileContent short pages', () => {
  it('holds 4 KiB for a small file and grows without losing bytes', async () => {
    const c = new FileContent();
    await c.write(0, Buffer.from('hello'));
    expect(c.dirtyBytes).toBe(4096);
    await c.write(10_000, Buffer.from('x'));
    expect(c.dirtyBytes).toBe(16384);
    const all = Buffer.from(await c.read(0, c.size));
    expect(all.length).toBe(10_001);
    expect(all.subarray(0, 5).toString()).toBe('hello');
    expect(all.subarray(5, 10_000).every((b) => b === 0)).toBe(true);
    expect(all[10_000]).toBe('x'.charCodeAt(0));
  });

  it('readInto writes the zeros past a short page into a buffer that held other bytes', async () => {
    const c = new FileContent();
    await c.write(0, Buffer.from('hello'));
    await c.write(3 * PAGE_SIZE, Buffer.from('x'));
    const out = Buffer.alloc(2 * PAGE_SIZE, 0xff);
    await c.readInto(0, out);
    expect(out.subarray(0, 5).toString()).toBe('hello');
    expect(out.subarray(5).every((b) => b === 0)).toBe(true);
  });

  it('keeps base bytes before a write that starts mid-page and runs to the page end', async () => {
    const base = Buffer.alloc(2 * PAGE_SIZE, 7);
    const c = new FileContent(new BytesContent(base));
    await c.write(100, Buffer.alloc(PAGE_SIZE - 100, 1));
    const got = Buffer.from(await c.read(0, 2 * PAGE_SIZE));
    expect(got.subarray(0, 100).every((b) => b === 7)).toBe(true);
    expect(got.subarray(100, PAGE_SIZE).every((b) => b === 1)).toBe(true);
    expect(got.subarray(PAGE_SIZE).every((b) => b === 7)).toBe(true);
  });

  it('reads zeros past a short page after the file grows elsewhere', async () => {
    const c = new FileContent();
    await c.write(0, Buffer.from('ab'));
    await c.write(3 * PAGE_SIZE, Buffer.from('z'));
    const mid = await c.read(PAGE_SIZE - 10, 20);
    expect(Buffer.from(mid).every((b) => b === 0)).toBe(true);
    await c.truncate(1);
    await c.truncate(8000);
    const t = Buffer.from(await c.read(0, 8000));
    expect(t[0]).toBe('a'.charCodeAt(0));
    expect(t.subarray(1).every((b) => b === 0)).toBe(true);
  });

  it('keeps both of two concurrent writes that first touch the same page of the base', async () => {
    // FUSE runs writes to one file side by side: both read the base under the page, and
    // the second to finish must build on the first one's page, not replace it.
    const c = new FileContent(new BytesContent(Buffer.alloc(2 * PAGE_SIZE, 1)));
    await Promise.all([c.write(0, Buffer.alloc(4096, 7)), c.write(8192, Buffer.alloc(4096, 9))]);
    const got = Buffer.from(await c.read(0, PAGE_SIZE));
    expect(got.subarray(0, 4096).every((b) => b === 7)).toBe(true);
    expect(got.subarray(4096, 8192).every((b) => b === 1)).toBe(true);
    expect(got.subarray(8192, 12288).every((b) => b === 9)).toBe(true);
    expect(got.subarray(12288).every((b) => b === 1)).toBe(true);
  });

  it('keeps a write that made a page while another write to it read the base, across a freeze', async () => {
    // A flush or spill freezes the overlay between the two: the later write must build on
    // the frozen page the earlier one made, not on the base it read before the freeze.
    const { base, gates } = gatedBase(2);
    const c = new FileContent(base);
    const first = c.write(0, Buffer.alloc(4096, 7));
    const second = c.write(8192, Buffer.alloc(4096, 9));
    gates.shift()!();
    await first;
    const frozen = c.freeze();
    gates.shift()!();
    await second;
    const got = Buffer.from(await c.read(0, PAGE_SIZE));
    expect(got.subarray(0, 4096).every((b) => b === 7)).toBe(true);
    expect(got.subarray(4096, 8192).every((b) => b === 1)).toBe(true);
    expect(got.subarray(8192, 12288).every((b) => b === 9)).toBe(true);
    expect(got.subarray(12288).every((b) => b === 1)).toBe(true);
    expect(Buffer.from(await frozen.read(0, 4096)).every((b) => b === 7)).toBe(true);
  });

  it('keeps a truncate made while a write to a page read the base', async () => {
    const { base, gates } = gatedBase(1);
    const c = new FileContent(base);
    const write = c.write(8192, Buffer.alloc(4096, 9));
    await c.truncate(100);
    gates.shift()!();
    await write;
    const got = Buffer.from(await c.read(0, 12288));
    expect(got.length).toBe(12288);
    expect(got.subarray(0, 100).every((b) => b === 1)).toBe(true);
    expect(got.subarray(100, 8192).every((b) => b === 0)).toBe(true);
    expect(got.subarray(8192).every((b) => b === 9)).toBe(true);
  });

  it('lets a freeze between two pages of one write hold the first page within its size', async () => {
    // A spill freezes while writes go on: the pages a write had written were in the frozen
    // overlay but past its size, so the live file read them as zeros.
    const c = new FileContent();
    const write = c.write(0, Buffer.alloc(2 * PAGE_SIZE, 2));
    const frozen = c.freeze();
    await write;
    expect(frozen.size).toBe(PAGE_SIZE);
    expect(Buffer.from(await c.read(0, c.size)).every((b) => b === 2)).toBe(true);
  });

  it('puts a write under way when a freeze comes before the freeze, not into the frozen view after it', async () => {
    const c = new FileContent();
    await c.write(0, Buffer.alloc(4096, 1));
    const write = c.write(0, Buffer.alloc(4096, 2));
    const frozen = c.freeze();
    // A spill chunks what it froze and puts the chunks in its place.
    const chunked = Buffer.alloc(4096);
    void frozen.readInto!(0, chunked);
    c.settle(frozen, new BytesContent(chunked));
    await write;
    expect(Buffer.from(await c.read(0, 4096)).every((b) => b === 2)).toBe(true);
  });
});
