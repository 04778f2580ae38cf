// A new file written from several buffers with one vectored write (open 'wx', writev,
// close), so a chunk file's tag byte and payload need not be copied into one buffer.
import { close, open, writev } from 'node:fs';

/** Writes `parts` in order to a new file `path` (fails if it exists); callback style, as libuv runs it. */
export function writeParts(path: string, parts: Uint8Array[], done: (err: Error | null) => void): void {
  open(path, 'wx', 0o666, (err, fd) => {
    if (err) return done(err);
    const finish = (writeErr: Error | null): void => {
      close(fd, (closeErr) => done(writeErr ?? closeErr));
    };
    const write = (rest: Uint8Array[]): void => {
      writev(fd, rest, (wErr, written) => {
        if (wErr) return finish(wErr);
        if (written === 0) return finish(new Error(`${path}: write made no progress`));
        const left = skip(rest, written);
        if (left.length === 0) finish(null);
        else write(left);
      });
    };
    write(parts.filter((p) => p.length > 0));
  });
}

/** `parts` without their first `n` bytes (a short write's remainder). */
function skip(parts: Uint8Array[], n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const p of parts) {
    if (n >= p.length) { n -= p.length; continue; }
    out.push(n > 0 ? p.subarray(n) : p);
    n = 0;
  }
  return out;
}
