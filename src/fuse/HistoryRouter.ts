import { PondError } from '../errors.js';
import type { FS } from '../tinyfs/index.js';
import type { Pond } from '../tinylogfs/index.js';

// `.history` at the mount's root: `.history/N/` is the pond as of version N (read-only),
// `.history/latest` a symlink to the newest version's folder, `.history/@<ISO time>/`
// the version current at that time. It is not a TinyFS directory: the router maps each
// kernel path to the filesystem (live or a version view) and the path inside it.

export const HISTORY = '.history';
const HISTORY_PATH = `/${HISTORY}`;
const SLASH = 0x2f;

export type Route =
  | { kind: 'fs'; fs: FS; path: string }
  | { kind: 'historyRoot' }
  | { kind: 'latest' };

export class HistoryRouter {
  constructor(
    private readonly pond: Pond,
    /** The tree the mount shows at its root (the live pond or a past version). */
    private readonly live: FS,
    readonly mode: 'hidden' | 'visible' | 'off',
  ) {}

  /**
   * Whether `path` is `.history` or below it, i.e. routed away from the live tree: what it
   * shows changes with commits the kernel does not see.
   */
  inHistory(path: string): boolean {
    return this.mode !== 'off' && path.startsWith(HISTORY_PATH) &&
      (path.length === HISTORY_PATH.length || path.charCodeAt(HISTORY_PATH.length) === SLASH);
  }

  async route(path: string): Promise<Route> {
    if (!this.inHistory(path)) return { kind: 'fs', fs: this.live, path };
    const rest = path.slice(HISTORY.length + 2);
    if (rest === '') return { kind: 'historyRoot' };
    const slash = rest.indexOf('/');
    const name = slash < 0 ? rest : rest.slice(0, slash);
    const inner = slash < 0 ? '/' : rest.slice(slash);
    if (name === 'latest') {
      if (inner === '/') return { kind: 'latest' };
      // The kernel resolves the symlink itself; a path through it only comes from us.
      throw new PondError('ENOENT', `no such file: ${path}`);
    }
    const version = await this.versionOf(name, path);
    return { kind: 'fs', fs: await this.pond.view(version), path: inner };
  }

  /** The names listed in `.history`: every version, then `latest`. */
  list(): string[] {
    const names: string[] = [];
    for (let v = 0; v <= this.pond.version; v++) names.push(String(v));
    names.push('latest');
    return names;
  }

  private async versionOf(name: string, path: string): Promise<number> {
    if (/^\d+$/.test(name)) {
      const v = Number(name);
      if (v > this.pond.version) throw new PondError('ENOENT', `no version ${v}: ${path}`);
      return v;
    }
    if (name.startsWith('@')) {
      try {
        return await this.pond.resolveVersion(name.slice(1));
      } catch (err) {
        if (err instanceof PondError && (err.code === 'ENOVERSION' || err.code === 'EUSAGE')) {
          throw new PondError('ENOENT', `no version at ${name.slice(1)}: ${path}`);
        }
        throw err;
      }
    }
    throw new PondError('ENOENT', `no such version: ${path}`);
  }
}
