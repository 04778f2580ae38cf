import { PondError } from '../errors.js';
import type { FS } from './FS.js';
import { joinPath, splitPath } from './names.js';
import type { DirNode, Node } from './nodes.js';

// Glob with captures: `/sensors/*/data-*.csv` yields each match with what every `*` (and
// `**`, as a relative path) matched, in pattern order. `**` spans any number of directories.
// Symlinked directories are not descended into by `**` (no cycles).

export interface GlobMatch {
  path: string;
  node: Node;
  captures: string[];
}

type Segment = { kind: 'any' } | { kind: 'name'; name: string } | { kind: 'pattern'; re: RegExp };

function compile(seg: string): Segment {
  if (seg === '**') return { kind: 'any' };
  if (!/[*?[]/.test(seg)) return { kind: 'name', name: seg };
  let src = '';
  for (let i = 0; i < seg.length; i++) {
    const ch = seg[i]!;
    if (ch === '*') src += '(.*)';
    else if (ch === '?') src += '(.)';
    else if (ch === '[') {
      const close = seg.indexOf(']', i + 1);
      if (close < 0) throw new PondError('EINVAL', `unclosed '[' in pattern: ${seg}`);
      const body = seg.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
      src += `([${body}])`;
      i = close;
    } else src += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return { kind: 'pattern', re: new RegExp(`^${src}$`, 's') };
}

export async function glob(fs: FS, pattern: string): Promise<GlobMatch[]> {
  const segs = splitPath(pattern).map(compile);
  const out: GlobMatch[] = [];
  await step(fs, fs.root, '/', segs, 0, [], out);
  return out;
}

async function step(fs: FS, node: Node, path: string, segs: Segment[], i: number, caps: string[], out: GlobMatch[]): Promise<void> {
  if (i === segs.length) {
    out.push({ path, node, captures: caps });
    return;
  }
  if (node.kind !== 'directory') return;
  const seg = segs[i]!;
  if (seg.kind === 'name') {
    const child = await fs.lookup(node, seg.name);
    if (child) await step(fs, child, joinPath(path, seg.name), segs, i + 1, caps, out);
    return;
  }
  if (seg.kind === 'any') {
    await anyDepth(fs, node, path, '', segs, i, caps, out);
    return;
  }
  for (const name of await fs.list(node)) {
    const m = seg.re.exec(name);
    if (!m) continue;
    const child = await fs.lookup(node, name);
    if (child) await step(fs, child, joinPath(path, name), segs, i + 1, [...caps, ...m.slice(1)], out);
  }
}

async function anyDepth(fs: FS, dir: DirNode, path: string, rel: string, segs: Segment[], i: number, caps: string[], out: GlobMatch[]): Promise<void> {
  // Zero directories matched by '**' ...
  await step(fs, dir, path, segs, i + 1, [...caps, rel], out);
  // ... or one more.
  for (const name of await fs.list(dir)) {
    const child = await fs.lookup(dir, name);
    if (child?.kind === 'directory') {
      await anyDepth(fs, child, joinPath(path, name), rel === '' ? name : `${rel}/${name}`, segs, i, caps, out);
    }
  }
}
