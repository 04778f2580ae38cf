// The oplog's only IO boundary. Everything above reads and writes through it, so the
// same code can serve a local directory, an in-memory map (tests) or, later, an object
// store. Paths are relative to the store's root and use '/' separators.

export interface FileInfo {
  /** Path relative to the store root. */
  path: string;
  size: number;
  /** Last modification time in milliseconds since the epoch. */
  mtimeMs: number;
}

export interface Storage {
  /** A short description for error messages, e.g. the root directory. */
  readonly location: string;
  /**
   * Names of the files (not directories) directly inside `dir`, sorted; an empty list when
   * `dir` is missing. Cheap: no per-file stat (a log may hold 100,000 commits).
   */
  names(dir: string): Promise<string[]>;
  /** Files (not directories) directly inside `dir` with size and mtime; [] when missing. */
  list(dir: string): Promise<FileInfo[]>;
  /** Sub-directory names directly inside `dir`; an empty list when `dir` is missing. */
  listDirs(dir: string): Promise<string[]>;
  /** The whole file, or `length` bytes from `offset` (fewer at its end). Throws PondError ENOENT when missing. */
  read(path: string, range?: { offset: number; length: number }): Promise<Uint8Array>;
  /** undefined when missing. */
  stat(path: string): Promise<FileInfo | undefined>;
  /**
   * Writes a new file only if none exists at `path`, durably (data fsynced before the name
   * appears). Throws PondError EEXIST, leaving the existing file untouched, when it exists.
   * This is the Delta commit primitive: never a rename over an existing name.
   * With `after`, the data is written and synced meanwhile, but the name appears only once
   * `after` has resolved (a commit is linked only after its data files are durable); when
   * `after` rejects, nothing is published and its error is thrown.
   */
  putIfAbsent(path: string, data: Uint8Array, opts?: { after?: Promise<unknown> }): Promise<void>;
  /**
   * Writes a file under a fresh name that nothing refers to yet (a data file's UUID name),
   * durably: data and name are both synced when it resolves. Cheaper than putIfAbsent (no
   * temp file and link), so until it resolves the file may be partial under its name:
   * only for names that are published later by something else (a commit). EEXIST if taken.
   */
  putNew(path: string, data: Uint8Array): Promise<void>;
  /** Writes or replaces a file atomically and durably (for hints such as _last_checkpoint). */
  put(path: string, data: Uint8Array): Promise<void>;
  /**
   * Writes a file that becomes visible only at the next publishStaged(). Many staged
   * files share one durability barrier instead of an fsync each (thousands of chunks).
   */
  stage(path: string, data: Uint8Array): Promise<void>;
  /**
   * When staged files are plain files in a local folder: that folder and the store's
   * root, so a writer on another thread (the chunk worker) can write a staged file itself
   * and hand it over with adoptStaged(). Absent for other storages.
   */
  localStaging?(): { root: string; dir: string };
  /** Takes `file`, written (not yet synced) into localStaging().dir, as staged for `path`. */
  adoptStaged?(path: string, file: string): void;
  /** Makes every staged file durable and visible under its name (existing names win). */
  publishStaged(): Promise<void>;
  /**
   * Drops what is staged and not published, including leftovers of a writer that died
   * (call only while holding the writer lock).
   */
  discardStaged(): Promise<void>;
  /**
   * Writes a file under a fresh name (a data file's UUID name) directly, without fsync or
   * temp file: it is durable only after the next sync(). A crash before that may leave it
   * torn, which is harmless as long as nothing names it until sync() returned (a Delta
   * commit names its data files only after). EEXIST when the name is taken.
   */
  writeFresh(path: string, data: Uint8Array): Promise<void>;
  /** Makes every file written before it durable, names included: one barrier for many writeFresh. */
  sync(): Promise<void>;
  /** Removes a file; no error when it is already gone. */
  delete(path: string): Promise<void>;
}
