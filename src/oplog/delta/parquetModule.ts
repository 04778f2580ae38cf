// parquet-wasm is loaded on first use: most processes that commit never touch a checkpoint,
// and compiling the wasm module costs ~0.3 s at startup (CLI commands, test children).

type ParquetWasm = typeof import('parquet-wasm');
let loading: Promise<ParquetWasm> | undefined;

export function parquetWasm(): Promise<ParquetWasm> {
  loading ??= import('parquet-wasm');
  return loading;
}
