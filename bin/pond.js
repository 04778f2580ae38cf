#!/usr/bin/env node
// The bundled CLI when it has been built (faster start), else tsc's output.
import { existsSync } from 'node:fs';

// File IO (imports, chunk reads, read-ahead) runs on libuv's pool; 4 threads serialize it.
// Set before anything uses the pool.
process.env.UV_THREADPOOL_SIZE ??= '16';

const bundle = new URL('../dist/bundle/main.js', import.meta.url);
await import(existsSync(bundle) ? bundle.href : '../dist/cli/main.js');
