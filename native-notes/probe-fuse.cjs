// Tracing probe used for native-notes/semantics.md: node native-notes/probe-fuse.cjs MNT (2>log). Env: OPTS (extra -o items), NO_CREATE=1, DELAY_MS, TIMEOUT, MANY.
// Traces every call: all ops implemented, a tiny fixed tree: / (dir), /f (file 10 bytes), /d (dir), /l (symlink -> f)
const Fuse = require('/work/main/node_modules/fuse-native')
const mnt = process.argv[2]
const noCreate = process.env.NO_CREATE === '1'
const delay = Number(process.env.DELAY_MS || 0)
const now = Date.now()
const files = new Map([['/', { mode: 0o40755 }], ['/f', { mode: 0o100644, size: 10 }], ['/d', { mode: 0o40755 }], ['/l', { mode: 0o120777, size: 1 }]])
for (let i = 0; i < Number(process.env.MANY || 0); i++) files.set('/d/n' + i, { mode: 0o100644, size: 1 })
const log = (...a) => process.stderr.write(a.map(x => Buffer.isBuffer(x) ? `<${x.length}B:${x.slice(0,16).toString('hex')}>` : JSON.stringify(x)).join(' ') + '\n')
let h = 1
const ops = {
  getattr (p, cb) { const f = files.get(p); log('getattr', p); if (!f) return cb(Fuse.ENOENT); cb(0, { mode: f.mode, size: f.size || 0, ino: 1000 + [...files.keys()].indexOf(p), nlink: 1, mtime: new Date(now), atime: now, ctime: now }) },
  fgetattr (p, fd, cb) { log('fgetattr!!', p, fd); cb(0, {}) },
  readdir (p, cb) { log('readdir', p); const names = [...files.keys()].filter(k => k !== p && k.startsWith(p === '/' ? '/' : p + '/') && !k.slice(p === '/' ? 1 : p.length + 1).includes('/')).map(k => k.slice(k.lastIndexOf('/') + 1)); cb(0, names) },
  open (p, fl, cb) { log('open', p, fl.toString(8)); setTimeout(() => cb(0, h++), delay) },
  opendir (p, fl, cb) { log('opendir', p, fl); cb(0, 77) },
  releasedir (p, fd, cb) { log('releasedir', p, fd); cb(0) },
  create (p, mode, cb) { log('create', p, mode.toString(8)); files.set(p, { mode }); cb(0, h++) },
  mknod (p, mode, dev, cb) { log('mknod', p, mode.toString(8), dev); files.set(p, { mode }); cb(0) },
  read (p, fd, buf, len, pos, cb) { log('read', p, fd, len, pos); const n = Math.max(0, Math.min(len, 10 - pos)); buf.fill(97, 0, n); cb(n) },
  write (p, fd, buf, len, pos, cb) { log('write', p, fd, len, pos); cb(len) },
  flush (p, fd, cb) { log('flush', p, fd); cb(0) },
  fsync (p, ds, fd, cb) { log('fsync', p, ds, fd); cb(0) },
  fsyncdir (p, ds, fd, cb) { log('fsyncdir', p, ds, fd); cb(0) },
  release (p, fd, cb) { log('release', p, fd); cb(0) },
  truncate (p, s, cb) { log('truncate', p, s); cb(0) },
  ftruncate (p, fd, s, cb) { log('ftruncate', p, fd, s); cb(0) },
  utimens (p, a, m, cb) { log('utimens', p, a, m); cb(0) },
  chmod (p, m, cb) { log('chmod', p, m.toString(8)); cb(0) },
  chown (p, u, g, cb) { log('chown', p, u, g); cb(0) },
  readlink (p, cb) { log('readlink', p); cb(0, 'f') },
  symlink (a, b, cb) { log('symlink', a, b); files.set(b, { mode: 0o120777, size: a.length }); cb(0) },
  link (a, b, cb) { log('link', a, b); files.set(b, files.get(a)); cb(0) },
  unlink (p, cb) { log('unlink', p); files.delete(p); cb(0) },
  rename (a, b, cb) { log('rename', a, b); files.set(b, files.get(a)); files.delete(a); cb(0) },
  mkdir (p, m, cb) { log('mkdir', p, m.toString(8)); files.set(p, { mode: 0o40000 | m }); cb(0) },
  rmdir (p, cb) { log('rmdir', p); files.delete(p); cb(0) },
  access (p, m, cb) { log('access', p, m); cb(0) },
  statfs (p, cb) { log('statfs', p); cb(0, { bsize: 4096, frsize: 4096, blocks: 1000, bfree: 500, bavail: 400, files: 100, ffree: 50, favail: 50, fsid: 42, flag: 0, namemax: 255 }) },
  setxattr (p, n, v, pos, fl, cb) { log('setxattr', p, n, v, pos, fl); cb(0) },
  getxattr (p, n, pos, cb) { log('getxattr', p, n, pos); if (n === 'user.x') return cb(0, Buffer.from('value')); cb(0, null) },
  listxattr (p, cb) { log('listxattr', p); cb(0, ['user.x', 'user.yy']) },
  removexattr (p, n, cb) { log('removexattr', p, n); cb(0) },
}
if (noCreate) delete ops.create
const extra = process.env.OPTS ? { fsname: 'probe,' + process.env.OPTS } : {}
const fuse = new Fuse(mnt, ops, { mkdir: true, force: true, ...extra, ...(process.env.TIMEOUT ? { timeout: Number(process.env.TIMEOUT) } : {}) })
fuse.mount(err => { if (err) { console.error(err); process.exit(1) } console.log('mounted') })
process.on('SIGTERM', () => fuse.unmount(() => process.exit(0)))
