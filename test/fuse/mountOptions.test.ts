import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildFuseOptions, fuseOptionString, rawOptionItems } from '../../src/fuse/mountOptions.js';
import { errnoForCode, toErrno, Errno } from '../../src/fuse/errno.js';
import { PondError } from '../../src/errors.js';

const require = createRequire(import.meta.url);
const Fuse = require('fuse-native') as typeof import('fuse-native');

describe('mountOptions', () => {
  it('builds the string fuse-native really passes to libfuse', () => {
    const o = { attrTimeout: 0, negativeTimeout: 0.5 };
    const fuse = new Fuse('/tmp/none', {}, buildFuseOptions(o)) as unknown as { _fuseOptions(): string };
    expect(fuse._fuseOptions()).toBe(fuseOptionString(o));
    expect(fuseOptionString(o)).toContain(',big_writes,');
    expect(fuseOptionString(o)).toContain(',attr_timeout=0,');
  });

  it('passes the attribute cache time as pond_attr_cache (taken out by the patched binary)', () => {
    expect(rawOptionItems({ attrTimeout: 0, attrCache: 1.5 })).toContain('pond_attr_cache=1.5');
    expect(rawOptionItems({ attrTimeout: 0 }).some((i) => i.startsWith('pond_attr_cache'))).toBe(false);
    expect(() => rawOptionItems({ attrCache: -1 })).toThrow(TypeError);
  });

  it('asks for larger requests with pond_max_pages and raises max_write and max_read to match', () => {
    const big = rawOptionItems({ attrTimeout: 0, attrCache: 1, requestPages: 256 });
    expect(big).toEqual(expect.arrayContaining(['pond_max_pages=256', 'max_write=1048576', 'max_read=1048576']));
    const plain = rawOptionItems({ attrTimeout: 0, attrCache: 1 });
    expect(plain).toEqual(expect.arrayContaining(['max_write=131072', 'max_read=131072']));
    expect(plain.some((i) => i.startsWith('pond_max_pages'))).toBe(false);
    // 32 pages is what every libfuse 2 mount gets: nothing to ask for.
    expect(rawOptionItems({ requestPages: 32 }).some((i) => i.startsWith('pond_max_pages'))).toBe(false);
  });

  it('rejects items with commas', () => {
    expect(() => rawOptionItems({ extra: ['a,b'] })).toThrow(TypeError);
    expect(() => buildFuseOptions({ fsname: 'a,b' })).toThrow(TypeError);
  });
});

describe('errno', () => {
  it('maps codes to negative Linux numbers', () => {
    expect(errnoForCode('ENOENT')).toBe(Fuse.ENOENT);
    expect(errnoForCode('ENOTEMPTY')).toBe(Fuse.ENOTEMPTY);
    expect(errnoForCode('ECORRUPT')).toBe(Fuse.EIO);
    expect(errnoForCode('ELOCKED')).toBe(Fuse.EBUSY);
    expect(errnoForCode('EUNSUPPORTED')).toBe(Fuse.EOPNOTSUPP);
    for (const [name, n] of Object.entries(Errno)) {
      const f = (Fuse as unknown as Record<string, number>)[name === 'ENOTSUP' ? 'EOPNOTSUPP' : name];
      expect(n, name).toBe(f);
    }
  });
  it('never answers ENOSYS', () => {
    expect(toErrno(new Error('x'))).toBe(Fuse.EIO);
    expect(toErrno(Object.assign(new Error('x'), { code: 'ENOSYS' }))).toBe(Fuse.EIO);
    expect(toErrno(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe(Fuse.EACCES);
    expect(toErrno(new PondError('ECONFLICT', 'lost'))).toBe(Fuse.EIO);
    expect(toErrno('str')).toBe(Fuse.EIO);
  });
});
