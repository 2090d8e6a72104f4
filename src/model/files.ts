import {withoutTrailingSlashes} from '../util/app-path.js'

/** A file of the user's app, as text. `path` is relative to the app root, with `/`. */
export interface SourceFile {
  /** Set when the file was UTF-16 (decoded by its byte-order mark); UTF-8 otherwise. */
  encoding?: 'utf-16be' | 'utf-16le'
  path: string
  text: string
}

/** A file that is there but cannot be read as text, and why in a few words ("not a text file", "larger than 1 MiB", "permission denied"). */
export interface UnreadFile {
  path: string
  why: string
}

/**
 * Read access to the app's files, handed to analyzers so that they never touch
 * the file system themselves (io/ implements it; tests pass a map).
 * `read` returns undefined for a missing file; a file that exists but cannot be
 * used (binary, UTF-16 without a byte-order mark, too large, no permission) is reported
 * through `problems` by the implementation, and each read of it adds it to `unread`: what the
 * app sets there is unknown, so app/analyze-app.ts makes the defaults (and env values) used
 * by the step that asked for it assumptions, never plain defaults.
 */
export interface FileReader {
  exists(path: string): boolean
  /** Names of the files directly inside `dir` (not folders), sorted as Ruby's `Dir[…].sort` and Rails' initializer loading order; [] when it is missing. */
  list(dir: string): string[]
  /** Names of the folders directly inside `dir`, sorted; [] when it is missing (workspace globs like `packages/*`). */
  folders(dir: string): string[]
  read(path: string): SourceFile | undefined
  /**
   * A file's text for a search of the app's code by its text (which files import a package, name a function), where most
   * files searched set nothing: unlike `read`, a file that is not text adds nothing to `problems` or `unread`. A file that
   * holds NUL bytes is searched as its bytes decode (a script may hold one in a string or a regular expression);
   * `{unreadable}` for one that is there but cannot be read at all (larger than 1 MiB, no permission), for the search to
   * say it cannot tell; undefined when missing. A reader without it is searched through `read` (searchedText).
   */
  search?(path: string): string | {unreadable: string} | undefined
  /**
   * Every read of a file that is there but unreadable, in order (the same array through every reader made from this one:
   * withinDir, withExtraFiles): a caller notes its length before a step and takes what the step added.
   */
  readonly unread?: UnreadFile[]
  /** Set by withinDir: the folder these paths are relative to, from the app root ('a/b'; '../x' when a `cd` left the root). */
  readonly within?: string
  /**
   * Set by withinDir: the reader of the app root it reads through. What is kept per app by a file's path from the root
   * and its text (a parse: languages/node/project.ts) is shared by every folder's reader through it.
   */
  readonly root?: FileReader
}

/** An in-memory FileReader, for tests and for callers that already hold the text. */
export function memoryFiles(files: Record<string, string>): FileReader {
  return {
    exists: (p) => Object.hasOwn(files, p),
    list(dir) {
      const prefix = dir === '' ? '' : `${withoutTrailingSlashes(dir)}/`
      return Object.keys(files)
        .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
        .map((p) => p.slice(prefix.length))
        .sort()
    },
    folders(dir) {
      const prefix = dir === '' ? '' : `${withoutTrailingSlashes(dir)}/`
      const names = Object.keys(files)
        .filter((p) => p.startsWith(prefix) && p.slice(prefix.length).includes('/'))
        .map((p) => p.slice(prefix.length).split('/')[0])
      return [...new Set(names)].sort()
    },
    read: (p) => (Object.hasOwn(files, p) ? {path: p, text: files[p]} : undefined),
  }
}

/**
 * The app's files as a command sees them after `cd dir`: paths relative to `dir`,
 * while each file keeps its path from the app root (so sources name `server/knexfile.js`).
 */
export function withinDir(files: FileReader, dir: string): FileReader {
  if (dir === '' || dir === '.') return files
  // One reader per folder of a reader: what is kept per reader (a file's parse, its evaluation: languages/node/project.ts)
  // is then shared by every process type that runs in that folder, as it is for the app root's.
  let byDir = within.get(files)
  if (!byDir) within.set(files, (byDir = new Map()))
  let reader = byDir.get(dir)
  if (!reader) byDir.set(dir, (reader = readerWithin(files, dir)))
  return reader
}

const within = new WeakMap<FileReader, Map<string, FileReader>>()

function readerWithin(files: FileReader, dir: string): FileReader {
  // `../package-lock.json` from a workspace package is the root's: `..` is resolved here, so every
  // reader (the disk's, a test's map) sees the one path from the app root.
  const at = (p: string): string => {
    const out = dir.split('/').filter((x) => x !== '' && x !== '.')
    for (const part of (p === '' || p === '.' ? '' : p).split('/')) {
      if (part === '' || part === '.') continue
      if (part === '..' && out.length > 0 && out.at(-1) !== '..') out.pop()
      else out.push(part)
    }

    return out.join('/')
  }

  const reader: FileReader = {exists: (p) => files.exists(at(p)), folders: (d) => files.folders(at(d)), list: (d) => files.list(at(d)), read: (p) => files.read(at(p)), search: (p) => searchedText(files, at(p))}
  // The folder from the app root (a reader withinDir did not make is the root's): `..` past the root is kept.
  return {...reader, ...(files.unread ? {unread: files.unread} : {}), root: files.root ?? files, within: normalizedDir(`${files.within ?? ''}/${dir}`)}
}

/** A file's text for a search by text (FileReader.search), through `read` for a reader that has no quiet read. */
export function searchedText(files: FileReader, path: string): string | {unreadable: string} | undefined {
  return files.search ? files.search(path) : files.read(path)?.text
}

/** 'a/./b/../c' → 'a/c'; a '..' with nothing left to take off is kept ('../x'). */
export function normalizedDir(path: string): string {
  const out: string[] = []
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..' && out.length > 0 && out.at(-1) !== '..') out.pop()
    else out.push(part)
  }

  return out.join('/')
}

/**
 * The files under `dir` whose path `keep` accepts, depth first in sorted order (a folder's files,
 * then its folders'), as paths from the app root; node_modules and dot-folders are skipped, and
 * folders more than `maxDepth` below `dir` (a symlinked folder can lead back up) are not entered.
 * At most `max` paths: `truncated` says the listing stopped there, so a caller can say so rather
 * than silently read part of a tree.
 */
export function filesUnder(files: FileReader, dir: string, keep: (path: string) => boolean, {max = 5000, maxDepth = 32} = {}): {paths: string[]; truncated: boolean} {
  const paths: string[] = []
  const stack: [string, number][] = [[withoutTrailingSlashes(dir), 0]]
  while (stack.length > 0) {
    const [d, depth] = stack.pop()!
    const at = (name: string): string => (d === '' ? name : `${d}/${name}`)
    for (const name of files.list(d)) {
      if (!keep(at(name))) continue
      if (paths.length === max) return {paths, truncated: true}
      paths.push(at(name))
    }

    if (depth === maxDepth) continue
    const sub = files.folders(d).filter((f) => f !== 'node_modules' && !f.startsWith('.'))
    for (let i = sub.length - 1; i >= 0; i--) stack.push([at(sub[i]), depth + 1])
  }

  return {paths, truncated: false}
}

const perReader = new WeakMap<FileReader, Map<string, {unread: UnreadFile[]; value: unknown}>>()

/**
 * `compute()`, once per reader and key: what depends only on the app's files (which lock file
 * lists which driver, which gems a Gemfile names) answered once for every process type that reads
 * them through the same reader; a 100,000-type Procfile asked 100,000 times. A type whose reader is
 * another object (a command run in a folder, a reader that records what it reads) computes its own.
 */
export function onceForFiles<T>(files: FileReader, key: string, compute: () => T): T {
  let of = perReader.get(files)
  if (!of) perReader.set(files, (of = new Map()))
  const known = of.get(key)
  if (known) {
    // The unreadable files its reads met are met again by this caller (whose values they may set).
    if (known.unread.length > 0) files.unread?.push(...known.unread)
    return known.value as T
  }

  const from = files.unread?.length ?? 0
  const value = compute()
  // A promise's reads are not all done yet: the ones made before it returned are kept (most are, the file reads come first).
  of.set(key, {unread: files.unread ? files.unread.slice(from) : [], value})
  return value
}

/**
 * `files` as a container image has them where its build put a repository file at another path (`COPY
 * config/database.docker.yml /app/config/database.yml`, `RUN cp config/database.yml.sample config/database.yml`):
 * `placed` maps such a path (from this reader's folder) to the file it came from (a path from `root`, the app root's
 * reader; what else model/image-files.ts placedFiles says of it is not read here). Reading it gives that file under its
 * own path, which sources then cite; each placed path read is added to `seen`.
 */
export function withPlacedFiles(files: FileReader, root: FileReader, placed: ReadonlyMap<string, {from: string}>, seen: Set<string>): FileReader {
  const source = (p: string): string | undefined => placed.get(normalizedDir(p))?.from
  return {
    exists: (p) => {
      const from = source(p)
      return from === undefined ? files.exists(p) : root.exists(from)
    },
    folders: (d) => files.folders(d),
    list(d) {
      const dir = normalizedDir(d)
      const more = [...placed.keys()].filter((p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') === dir).map((p) => p.slice(p.lastIndexOf('/') + 1))
      return more.length === 0 ? files.list(d) : [...new Set([...files.list(d), ...more])].sort()
    },
    read(p) {
      const from = source(p)
      if (from === undefined) return files.read(p)
      seen.add(normalizedDir(p))
      return root.read(from)
    },
    search: (p) => {
      const from = source(p)
      return from === undefined ? searchedText(files, p) : searchedText(root, from)
    },
    ...(files.unread ? {unread: files.unread} : {}),
    ...(files.within === undefined ? {} : {within: files.within}),
    ...(files.root ? {root: files.root} : {}),
  }
}

/**
 * `files` with more files on top (a Dockerfile's RUN-written scripts, procfile/run-writes.ts), at their paths from the
 * app root; everything else as `files` has it.
 */
export function withExtraFiles(files: FileReader, extra: readonly SourceFile[]): FileReader {
  if (extra.length === 0) return files
  const byPath = new Map(extra.map((f) => [f.path, f]))
  const dirOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '')
  const key = (d: string): string => d.replace(/^\.?\/+|\/+$/g, '').replace(/^\.$/, '')
  return {
    exists: (p) => byPath.has(p) || files.exists(p),
    folders(d) {
      const prefix = key(d) === '' ? '' : `${key(d)}/`
      const more = extra.filter((f) => f.path.startsWith(prefix) && f.path.slice(prefix.length).includes('/')).map((f) => f.path.slice(prefix.length).split('/')[0])
      return more.length === 0 ? files.folders(d) : [...new Set([...files.folders(d), ...more])].sort()
    },
    list(d) {
      const more = extra.filter((f) => dirOf(f.path) === key(d)).map((f) => f.path.slice(f.path.lastIndexOf('/') + 1))
      return more.length === 0 ? files.list(d) : [...new Set([...files.list(d), ...more])].sort()
    },
    read: (p) => byPath.get(p) ?? files.read(p),
    search: (p) => byPath.get(p)?.text ?? searchedText(files, p),
    ...(files.unread ? {unread: files.unread} : {}),
    ...(files.within === undefined ? {} : {within: files.within}),
  }
}
