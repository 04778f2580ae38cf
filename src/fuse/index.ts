// fuse: the pond as a mounted directory. Kernel calls arrive through fuse-native (libfuse
// 2, path based) and are translated to TinyFS calls; errors map to Linux errno values in
// one place (errno.ts); `.history` is routed to read-only version views. This layer knows
// nothing of Parquet or Delta.
export { FuseServer, type ServeOptions } from './FuseServer.js';
export { isMounted, lookup as lookupMount, fuseMounts } from './registry.js';
export { HistoryRouter, HISTORY } from './HistoryRouter.js';
export { buildFuseOptions, type MountOptions } from './mountOptions.js';
export { toErrno } from './errno.js';
