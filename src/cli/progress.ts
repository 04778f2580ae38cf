import cliProgress from 'cli-progress';

/** A progress bar on stderr when it is a terminal; silent otherwise (scripts, tests). */
export interface Progress {
  tick(n?: number): void;
  total(n: number): void;
  stop(): void;
}

export function progress(label: string, total = 0): Progress {
  if (!process.stderr.isTTY) return { tick() {}, total() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} {eta_formatted}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    tick: (n = 1) => bar.increment(n),
    total: (n) => bar.setTotal(n),
    stop: () => bar.stop(),
  };
}
