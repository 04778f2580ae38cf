// Output helpers: data goes to stdout, progress and errors to stderr. A closed stdout
// (`pond log | head`) ends the process quietly instead of throwing EPIPE.

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
});

export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function outJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes bytes to stdout, waiting for the pipe to drain. */
export function outBytes(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(bytes, (err) => (err ? reject(err) : resolve()));
  });
}

/** Aligned columns, as `ls -l` and `pond log` print them. */
export function table(rows: string[][], rightAlign: ReadonlySet<number> = new Set()): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 && !rightAlign.has(i) ? c : rightAlign.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  '));
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
