// Every subcommand, in the order `pond --help` lists them. A static list (not a folder
// scan) so the CLI can be bundled into one file that starts fast.
import type { Command } from 'commander';
import { register as catCmd } from './cat.js';
import { register as checkCmd } from './check.js';
import { register as diffCmd } from './diff.js';
import { register as exportCmd } from './export.js';
import { register as importCmd } from './import.js';
import { register as initCmd } from './init.js';
import { register as lnCmd } from './ln.js';
import { register as logCmd } from './log.js';
import { register as lsCmd } from './ls.js';
import { register as maintainCmd } from './maintain.js';
import { register as mkdirCmd } from './mkdir.js';
import { register as mountCmd } from './mount.js';
import { register as mvCmd } from './mv.js';
import { register as restoreCmd } from './restore.js';
import { register as rmCmd } from './rm.js';
import { register as showCmd } from './show.js';
import { register as sqlCmd } from './sql.js';
import { register as statusCmd } from './status.js';
import { register as umountCmd } from './umount.js';
import { register as writeCmd } from './write.js';

export const commands: ReadonlyArray<(program: Command) => void> = [
  catCmd,
  checkCmd,
  diffCmd,
  exportCmd,
  importCmd,
  initCmd,
  lnCmd,
  logCmd,
  lsCmd,
  maintainCmd,
  mkdirCmd,
  mountCmd,
  mvCmd,
  restoreCmd,
  rmCmd,
  showCmd,
  sqlCmd,
  statusCmd,
  umountCmd,
  writeCmd,
];
