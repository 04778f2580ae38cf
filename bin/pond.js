#!/usr/bin/env node
// The bundled CLI when it has been built (faster start), else tsc's output.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/bundle/main.js', import.meta.url);
await import(existsSync(bundle) ? bundle.href : '../dist/cli/main.js');
