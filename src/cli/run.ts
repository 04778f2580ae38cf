import { CommanderError } from 'commander';
import { PondError, errnoCode } from '../errors.js';

// Exit codes are the CLI's contract: 0 success, 1 a user error (missing path, conflict,
// bad pond), 2 a usage error. One line on stderr, never a stack trace unless POND_DEBUG.

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

export function report(err: unknown): number {
  if (process.env.POND_DEBUG) console.error(err);
  if (err instanceof CommanderError) {
    // commander already printed its message.
    return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (err instanceof PondError) {
    process.stderr.write(`pond: ${err.message}${err.code === 'EUSAGE' ? '' : ` (${err.code})`}\n`);
    return err.code === 'EUSAGE' ? EXIT_USAGE : EXIT_ERROR;
  }
  const code = errnoCode(err);
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`pond: ${code ? `${msg}` : `internal error: ${msg}`}\n`);
  return EXIT_ERROR;
}

/** Wraps a command action so errors become one line and an exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      process.exitCode = report(err);
    }
  };
}
