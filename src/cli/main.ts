import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';
import { EXIT_USAGE, report } from './run.js';

// The `pond` command. Each subcommand lives in commands/<name>.ts and exports
// register(program); commands/index.ts lists them.

const program = new Command();
program
  .name('pond')
  .description('a versioned filesystem whose history is a Delta Lake table')
  .option('--pond <dir>', 'the pond directory (default: $POND)')
  .showHelpAfterError()
  .exitOverride();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = err instanceof CommanderError ? (err.exitCode === 0 ? 0 : EXIT_USAGE) : report(err);
}
