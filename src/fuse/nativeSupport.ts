// What the loaded fuse-native binary can do beyond the published 2.2.6. pond's postinstall
// (scripts/patch-fuse-native.mjs) patches and rebuilds it; a failed or skipped patch leaves
// the prebuilt binary, and pond must then not ask for what it lacks.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

let attrCache: boolean | undefined;

/**
 * True when fuse-native carries pond's per-reply attribute cache
 * (scripts/fuse-native-attr-cache.c), which exports `pond_attr_cache`. The binary is
 * loaded the way fuse-native loads it (node-gyp-build), so this is the same module.
 */
export function attrCacheSupported(): boolean {
  if (attrCache === undefined) {
    try {
      const require = createRequire(import.meta.url);
      const main = require.resolve('fuse-native');
      const load = createRequire(main)('node-gyp-build') as (dir: string) => Record<string, unknown>;
      attrCache = load(dirname(main)).pond_attr_cache === 1;
    } catch {
      attrCache = false;
    }
  }
  return attrCache;
}
