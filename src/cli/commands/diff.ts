import type { Command } from 'commander';
import { PondError } from '../../errors.js';
import type { DiffEntry } from '../../query/index.js';
import type { FS } from '../../tinyfs/index.js';
import type { Pond } from '../../tinylogfs/index.js';
import { type GlobalOptions, pondPath, withPond } from '../context.js';
import { out, outJson, table } from '../output.js';
import { action } from '../run.js';

interface DiffOptions {
  stat?: boolean;
  patch?: boolean;
  json?: boolean;
}

/** Files larger than this get no patch, only a note. */
const PATCH_MAX = 16 * 1024 * 1024;
const LETTER: Record<DiffEntry['status'], string> = { added: 'A', deleted: 'D', modified: 'M', renamed: 'R' };

export function register(program: Command): void {
  program
    .command('diff')
    .description('what changed between two versions or times: added, deleted, modified and renamed paths, with sizes')
    .argument('<a>', 'the older side: version V or ISO-8601 time')
    .argument('<b>', 'the newer side: version V or ISO-8601 time')
    .argument('[path]', 'only this path and what is below it')
    .option('--stat', 'only a summary: counts per kind of change and bytes')
    .option('--patch', 'a unified diff of each changed text file (binary files are noted)')
    .option('--json', 'print a JSON array of {status, path, old_path, kind, old_size, new_size, old_sha256, new_sha256, content_changed}')
    .addHelpText('after', `
Output: one line per path, sorted by path:
  A  PATH          SIZE           added at B
  D  PATH          SIZE           deleted (the size at A)
  M  PATH          OLD -> NEW     content, mode, kind or node changed
  R  OLD -> PATH   OLD -> NEW     renamed (same node), content maybe changed
Directories are listed when added, deleted, renamed, or when their mode changes.`)
    .action(action(async (a: string, b: string, path: string | undefined, o: DiffOptions) => {
      if ([o.stat, o.patch, o.json].filter(Boolean).length > 1) throw new PondError('EUSAGE', '--stat, --patch and --json exclude each other');
      await withPond(program.opts<GlobalOptions>(), { readOnly: true, cacheSize: 32 * 1024 * 1024 }, async (pond) => {
        const va = await pond.resolveVersion(a);
        const vb = await pond.resolveVersion(b);
        const under = path === undefined ? '/' : normalizeUnder(pondPath(path));
        const { QueryEngine, diffVersions } = await import('../../query/index.js');
        const engine = await QueryEngine.open(pond);
        let entries: DiffEntry[];
        try {
          entries = await diffVersions(engine, va, vb, under);
        } finally {
          engine.close();
        }
        if (o.json) outJson(entries);
        else if (o.stat) stat(entries);
        else if (o.patch) await patch(pond, va, vb, entries);
        else for (const line of table(entries.map(row))) out(line.trimEnd());
      });
    }));
}

function normalizeUnder(p: string): string {
  const s = p.replace(/\/+$/, '');
  return s === '' ? '/' : s;
}

function row(e: DiffEntry): string[] {
  const name = e.status === 'renamed' ? `${e.old_path} -> ${e.path}` : e.path;
  return [LETTER[e.status], `${name}${e.kind === 'directory' ? '/' : ''}`, sizes(e)];
}

function sizes(e: DiffEntry): string {
  if (e.kind === 'directory') return '';
  if (e.status === 'added') return String(e.new_size ?? 0);
  if (e.status === 'deleted') return String(e.old_size ?? 0);
  return e.old_size === e.new_size ? String(e.new_size ?? 0) : `${e.old_size ?? 0} -> ${e.new_size ?? 0}`;
}

function stat(entries: DiffEntry[]): void {
  const n = (s: DiffEntry['status']): number => entries.filter((e) => e.status === s).length;
  let plus = 0;
  let minus = 0;
  for (const e of entries) {
    if (e.kind === 'directory') continue;
    const d = (e.new_size ?? 0) - (e.old_size ?? 0);
    if (d > 0) plus += d;
    else minus -= d;
  }
  out(`${entries.length} paths changed: ${n('added')} added, ${n('deleted')} deleted, ${n('modified')} modified, ${n('renamed')} renamed; +${plus} -${minus} bytes`);
}

async function patch(pond: Pond, va: number, vb: number, entries: DiffEntry[]): Promise<void> {
  const { unifiedHunks } = await import('../../query/index.js');
  const fa = await pond.view(va);
  const fb = await pond.view(vb);
  for (const e of entries) {
    const oldPath = e.status === 'renamed' ? e.old_path! : e.path;
    const header = `diff --pond a${oldPath} b${e.path}`;
    if (e.kind === 'directory') continue;
    if (e.status === 'renamed' && !e.content_changed) {
      out(header);
      out(`rename from ${oldPath}`);
      out(`rename to ${e.path}`);
      continue;
    }
    if (e.status === 'modified' && !e.content_changed) {
      out(header);
      out('mode or identity changed, content unchanged');
      continue;
    }
    const before = e.status === 'added' ? '' : await text(fa, oldPath);
    const after = e.status === 'deleted' ? '' : await text(fb, e.path);
    out(header);
    if (e.status === 'renamed') {
      out(`rename from ${oldPath}`);
      out(`rename to ${e.path}`);
    }
    if (before === null || after === null) {
      out(`Binary files ${e.status === 'added' ? '/dev/null' : `a${oldPath}`} and ${e.status === 'deleted' ? '/dev/null' : `b${e.path}`} differ`);
      continue;
    }
    out(`--- ${e.status === 'added' ? '/dev/null' : `a${oldPath}`}`);
    out(`+++ ${e.status === 'deleted' ? '/dev/null' : `b${e.path}`}`);
    for (const line of unifiedHunks(before, after)) out(line);
  }
}

/** A file's (or symlink's) content as text; null when binary (a NUL byte, or not UTF-8) or too large. */
async function text(fs: FS, path: string): Promise<string | null> {
  const node = await fs.resolve(path, false);
  if (node.kind === 'symlink') return fs.readlink(path); // as git shows a link: its target, no newline
  if (node.kind !== 'file') return '';
  if (node.size > PATCH_MAX) return null;
  const bytes = await fs.read(node, 0, node.size);
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
