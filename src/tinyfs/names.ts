import { PondError } from '../errors.js';

export const NAME_MAX = 255;
export const PATH_MAX = 4096;

/** Splits an absolute or relative pond path into components, keeping '.' and '..'. */
export function splitPath(path: string): string[] {
  if (Buffer.byteLength(path) >= PATH_MAX) {
    throw new PondError('ENAMETOOLONG', `path too long: ${path.slice(0, 64)}...`, { path });
  }
  if (path.includes('\0')) throw new PondError('EINVAL', 'path contains a NUL byte', { path });
  return path.split('/').filter((c) => c !== '' && c !== '.');
}

/** A name that may be created in a directory. */
export function checkName(name: string, path: string): void {
  if (name === '' || name === '.' || name === '..') {
    throw new PondError('EEXIST', `cannot create '${name}'`, { path });
  }
  if (Buffer.byteLength(name) > NAME_MAX) {
    throw new PondError('ENAMETOOLONG', `file name longer than ${NAME_MAX} bytes: ${name.slice(0, 32)}...`, { path });
  }
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** Normalizes to an absolute path without '.', '..' or repeated slashes (purely textual). */
export function normalize(path: string, cwd = '/'): string {
  const parts: string[] = [];
  for (const c of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') parts.pop();
    else parts.push(c);
  }
  return `/${parts.join('/')}`;
}
