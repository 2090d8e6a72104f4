/** A file of the user's app, as text. `path` is relative to the app root, with `/`. */
export interface SourceFile {
  path: string
  text: string
}

/**
 * Read access to the app's files, handed to analyzers so that they never touch
 * the file system themselves (io/ implements it; tests pass a map).
 * `read` returns undefined for a missing file; a file that exists but cannot be
 * used (binary, too large) is reported through `problems` by the implementation.
 */
export interface FileReader {
  exists(path: string): boolean
<<<<<<< HEAD
  /** Names of the files directly inside `dir` (not folders), sorted as Ruby's `Dir[…].sort` and Rails' initializer loading order; [] when it is missing. */
=======
  /** Names of the regular files directly inside `dir` ('' is the app root), sorted; [] for a missing directory. */
>>>>>>> b49a291 (.NET apps: Npgsql pools per connection string from appsettings*.json, ConnectionStrings__X and the app's C#, one process per dyno (they were unknown commands counting 1))
  list(dir: string): string[]
  read(path: string): SourceFile | undefined
}

/** An in-memory FileReader, for tests and for callers that already hold the text. */
export function memoryFiles(files: Record<string, string>): FileReader {
  return {
    exists: (p) => Object.hasOwn(files, p),
    list(dir) {
<<<<<<< HEAD
      const prefix = dir.replace(/\/+$/, '') + '/'
=======
      const prefix = dir === '' ? '' : `${dir.replace(/\/+$/, '')}/`
>>>>>>> b49a291 (.NET apps: Npgsql pools per connection string from appsettings*.json, ConnectionStrings__X and the app's C#, one process per dyno (they were unknown commands counting 1))
      return Object.keys(files)
        .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
        .map((p) => p.slice(prefix.length))
        .sort()
    },
    read: (p) => (Object.hasOwn(files, p) ? {path: p, text: files[p]} : undefined),
  }
}
