// What the loaded fuse-native binary can do beyond the published 2.2.6. pond's postinstall
// (scripts/patch-fuse-native.mjs) patches and rebuilds it; a failed or skipped patch leaves
// the prebuilt binary, and pond must then not ask for what it lacks.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { LIBFUSE_PAGES } from './mountOptions.js';

let exported: Record<string, unknown> | undefined;

/**
 * The loaded binary's exports, loaded the way fuse-native loads it (node-gyp-build), so
 * this is the same module; {} when it cannot be loaded.
 */
function binary(): Record<string, unknown> {
  if (exported === undefined) {
    try {
      const require = createRequire(import.meta.url);
      const main = require.resolve('fuse-native');
      const load = createRequire(main)('node-gyp-build') as (dir: string) => Record<string, unknown>;
      exported = load(dirname(main));
    } catch {
      exported = {};
    }
  }
  return exported;
}

/**
 * True when fuse-native carries pond's per-reply attribute cache
 * (scripts/fuse-native-attr-cache.c), which exports `pond_attr_cache`.
 */
export function attrCacheSupported(): boolean {
  return binary().pond_attr_cache === 1;
}

/**
 * The most pages (4 KiB) per read or write request the binary can ask the kernel for
 * (`pond_max_pages`, same file; it rides on the attribute cache's channel), or
 * LIBFUSE_PAGES, the 128 KiB every libfuse 2 filesystem gets.
 */
export function maxRequestPages(): number {
  const pages = binary().pond_max_pages;
  return attrCacheSupported() && typeof pages === 'number' && pages > LIBFUSE_PAGES ? pages : LIBFUSE_PAGES;
}
