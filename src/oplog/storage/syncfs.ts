// syncfs(2) for Node, which has no binding for it: coreutils `sync -f PATH`. Spawning it
// from the pond process forks a big address space (tens of ms of main-thread time per
// call, several calls per flush and commit), so one small long-lived shell runs the
// `sync -f` commands instead: each call is a line on its stdin and a status line back.
// The shell reads a request only after it was written, so every syncfs starts after its
// caller asked for it: the same guarantee as a fresh spawn.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

// `--` ends options; the status line is the exit code of `sync`.
const LOOP = 'while IFS= read -r p; do sync -f -- "$p" 2>/dev/null; echo $?; done';

interface Request {
  path: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

let helper: { child: ChildProcessWithoutNullStreams; pending: Request[]; out: string } | undefined;

/** Flushes every dirty page of the filesystem holding `path`. */
export async function syncfs(path: string): Promise<void> {
  // A path the line protocol cannot carry goes the slow way.
  if (path.includes('\n')) return direct(path);
  const h = helper ?? start();
  if (!h) return direct(path);
  return new Promise<void>((resolve, reject) => {
    if (h.pending.length === 0) hold(h.child, true);
    h.pending.push({ path, resolve, reject });
    h.child.stdin.write(`${path}\n`);
  });
}

async function direct(path: string): Promise<void> {
  await run('sync', ['-f', path]);
}

function start(): typeof helper {
  let child: ChildProcessWithoutNullStreams;
  try {
    child = spawn('/bin/sh', ['-c', LOOP], { stdio: 'pipe' });
  } catch {
    return undefined;
  }
  const h = { child, pending: [] as Request[], out: '' };
  helper = h;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    h.out += text;
    for (let nl = h.out.indexOf('\n'); nl >= 0; nl = h.out.indexOf('\n')) {
      const status = h.out.slice(0, nl);
      h.out = h.out.slice(nl + 1);
      const req = h.pending.shift();
      if (!req) continue;
      if (status === '0') req.resolve();
      else req.reject(new Error(`sync -f ${req.path} exited with status ${status}`));
      if (h.pending.length === 0) hold(child, false);
    }
  });
  // The helper gone (killed, no /bin/sh): whatever it had not answered is synced by a
  // fresh `sync` of its own, and the next call starts a new helper.
  const lost = (): void => {
    if (helper === h) helper = undefined;
    const orphans = h.pending.splice(0);
    for (const req of orphans) direct(req.path).then(req.resolve, req.reject);
  };
  child.on('error', lost);
  child.on('exit', lost);
  child.stdin.on('error', () => undefined); // EPIPE after an exit: handled by `lost`
  child.stderr.resume();
  hold(child, false);
  return h;
}

/** The helper keeps the process alive only while it owes an answer. */
function hold(child: ChildProcessWithoutNullStreams, on: boolean): void {
  // The pipes are sockets (ref/unref), which the stream types do not show.
  const pipes = [child.stdout, child.stdin, child.stderr] as unknown as Array<{ ref(): void; unref(): void }>;
  for (const handle of [child, ...pipes]) {
    if (on) handle.ref();
    else handle.unref();
  }
}
