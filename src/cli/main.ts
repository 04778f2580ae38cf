import { Command, CommanderError } from 'commander';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_USAGE, report } from './run.js';

// The `pond` command. Each subcommand lives in commands/<name>.ts and exports
// register(program); they are found by listing that folder, so adding a command touches
// no shared file.

const program = new Command();
program
  .name('pond')
  .description('a versioned filesystem whose history is a Delta Lake table')
  .option('--pond <dir>', 'the pond directory (default: $POND)')
  .showHelpAfterError()
  .exitOverride();

const here = dirname(fileURLToPath(import.meta.url));
const names = readdirSync(join(here, 'commands'))
  .filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts') && !f.endsWith('.map'))
  .sort();
for (const f of names) {
  const mod = (await import(join(here, 'commands', f))) as { register?: (p: Command) => void };
  mod.register?.(program);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = err instanceof CommanderError ? (err.exitCode === 0 ? 0 : EXIT_USAGE) : report(err);
}
