import {closeSync, constants, type Dirent, fstatSync, openSync, readdirSync, readSync, realpathSync, type Stats, statSync} from 'node:fs'
import {isAbsolute, join, resolve, sep} from 'node:path'

import type {Diagnostic} from '../model/diagnostic.js'
import type {FileReader, SourceFile, UnreadFile} from '../model/files.js'

import {withoutLeadingDotSlashes, withoutTrailingSlashes} from '../util/app-path.js'
import {InputError} from '../util/errors.js'
import {relativePath} from '../util/relative-path.js'

/** Config files larger than this are not read: no real puma.rb or database.yml comes close. */
export const MAX_FILE_BYTES = 1024 * 1024
/**
 * Lock files grow with the dependency tree: a mid-size Node app's package-lock.json passes
 * 1 MiB (one app of the real-app corpus has 1.3 MiB), and the largest monorepos reach tens of
 * MiB. They are read up to this size; JSON.parse of 64 MiB takes well under a second.
 */
export const MAX_LOCK_FILE_BYTES = 64 * 1024 * 1024
const LOCK_FILES = new Set(['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'Gemfile.lock', 'poetry.lock', 'Pipfile.lock', 'uv.lock', 'pdm.lock', 'composer.lock', 'mix.lock', 'go.sum', 'packages.lock.json'])

/** The most conncalc reads of a file: lock files may be larger than config files. */
export function maxBytesFor(path: string): number {
  // The name after the last slash or backslash (lastIndexOf: this runs for every file read).
  return LOCK_FILES.has(path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1)) ? MAX_LOCK_FILE_BYTES : MAX_FILE_BYTES
}
/** A folder listing stops here: config/initializers of the largest Rails apps hold a few hundred files. */
const MAX_LISTED = 2000

export type TextFile =
  | {kind: 'binary'; text?: string; utf16?: true}
  | {kind: 'directory'}
  | {kind: 'missing'}
  | {kind: 'too-large'}
  | {kind: 'text'; pipe?: true; text: string; utf16?: 'utf-16be' | 'utf-16le'}
  | {code: string; kind: 'unreadable'}

/**
 * Read a file as UTF-8 text, refusing what cannot be a config file: a directory,
 * a FIFO, socket or device (never opened: reading one could block forever), more
 * than `max` bytes (MAX_FILE_BYTES; lock files more), or NUL bytes. A leading BOM is
 * dropped; a UTF-16 byte-order mark (what Windows PowerShell's `>` writes) decodes the
 * file as UTF-16, and says so (`utf16`), since most tools that read these files expect
 * UTF-8. Never throws.
 *
 * `pipes`: a pipe is read too, to its end, for a file the user names on the command line (`--env-file
 * <(heroku config -s -a APP)`, `--env-file /dev/stdin`): opened non-blocking, so a FIFO no program writes
 * to reads as empty instead of waiting for one; a writer that is slow to start is waited for.
 */
export function readTextFile(path: string, max = MAX_FILE_BYTES, stat?: Stats, pipes = false): TextFile {
  let fd: number
  try {
    // stat first: opening a FIFO or a device for reading could block or never end. `stat`: the
    // path's stat when the caller has just made it (ReadCache's realpath).
    const st = stat ?? statSync(path)
    if (st.isDirectory()) return {kind: 'directory'}
    // What it is instead, for the message (`--procfile /dev/null`: a character device).
    if (!st.isFile() && !(pipes && st.isFIFO())) {
      const what = st.isCharacterDevice() ? 'a character device' : st.isFIFO() ? 'a named pipe (FIFO)' : st.isSocket() ? 'a socket' : st.isBlockDevice() ? 'a block device' : 'something'
      return {code: `${what}, not a regular file`, kind: 'unreadable'}
    }

    // Non-blocking: a file swapped for a FIFO since that stat (the caller's may be from an earlier listing) opens at
    // once instead of waiting for a writer, and the fstat below refuses it. Reads of a regular file are unchanged.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
    // ENAMETOOLONG: no file can have that name (a command quoted as a script name), so none is there.
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') return {kind: 'missing'}
    if (code === 'EISDIR') return {kind: 'directory'}
    return {code, kind: 'unreadable'}
  }

  try {
    const st = fstatSync(fd)
    if (st.isDirectory()) return {kind: 'directory'}
    if (!st.isFile() && !(pipes && st.isFIFO())) return {code: st.isFIFO() ? 'a named pipe (FIFO), not a regular file' : 'not a regular file', kind: 'unreadable'}
    if (st.size > max) return {kind: 'too-large'}
    // Sized to what fstat says (not a fresh max-sized buffer per file: that zero-filling cost most of a
    // large run), grown if the file grows, and read one byte past the limit: files that grow
    // or lie about their size are still capped.
    let buf = Buffer.allocUnsafe(Math.min(st.size, max) + 1)
    let n = 0
    for (;;) {
      if (n === buf.length) {
        if (n > max) break
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, max + 1))
        buf.copy(bigger, 0, 0, n)
        buf = bigger
      }

      let got: number
      try {
        got = readSync(fd, buf, n, buf.length - n, null)
      } catch (error) {
        // A pipe whose writer has not written yet (EAGAIN: it is open non-blocking): wait 10 ms and read again.
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || !pipes) throw error
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10)
        continue
      }

      if (got === 0) break
      n += got
    }

    if (n > max) return {kind: 'too-large'}
    const bytes = buf.subarray(0, n)
    const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : undefined
    if (utf16) {
      const text = new TextDecoder(utf16).decode(bytes)
      return text.includes('\0') ? {kind: 'binary'} : {kind: 'text', text, utf16, ...(st.isFIFO() ? {pipe: true as const} : {})}
    }

    // What its bytes decode to is kept for a search by text (FileReader.search): a script may hold a NUL in a string.
    // Uint8Array's includes (V8's own), not Buffer's: Buffer's is Node JavaScript compiled from source on every start.
    if (Uint8Array.prototype.includes.call(bytes, 0)) return looksUtf16(bytes) ? {kind: 'binary', utf16: true} : {kind: 'binary', text: new TextDecoder('utf-8').decode(bytes)}
    return {kind: 'text', text: new TextDecoder('utf-8').decode(bytes), ...(st.isFIFO() ? {pipe: true as const} : {})}
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
    return code === 'EISDIR' ? {kind: 'directory'} : {code, kind: 'unreadable'}
  } finally {
    closeSync(fd)
  }
}

/** UTF-16 without a byte-order mark: ASCII text with a NUL beside every character. */
function looksUtf16(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512) & ~1
  if (n < 4) return false
  let zeros = [0, 0]
  for (let i = 0; i < n; i++) if (bytes[i] === 0) zeros[i & 1]++
  zeros = zeros.map((z) => z / (n / 2))
  return Math.max(...zeros) > 0.9 && Math.min(...zeros) < 0.1
}

/** Why a file that exists is not read, in a few words for a message. */
export function whyNotText(file: Exclude<TextFile, {kind: 'missing' | 'text'}>): string {
  switch (file.kind) {
    case 'binary': {
      return file.utf16 ? 'UTF-16 without a byte-order mark; save it as UTF-8' : 'not a text file: it holds NUL bytes'
    }

    case 'directory': {
      return 'a directory'
    }

    case 'too-large': {
      return `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`
    }

    case 'unreadable': {
      return errnoWords(file.code)
    }
  }
}

/** What the errors a read of a file that is there can end with mean, for a message (the code kept beside it). */
const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied (EACCES)',
  // mkdir of a path one of whose folders is a file (the only place conncalc meets it: io/write.ts).
  EEXIST: 'a part of the path is a file, not a folder (EEXIST)',
  EIO: 'an input/output error (EIO)',
  EISDIR: 'it is a directory (EISDIR)',
  ELOOP: 'a loop of symbolic links (ELOOP)',
  ENOENT: 'no such file or folder (ENOENT)',
  ENOSPC: 'no space left on the device (ENOSPC)',
  ENOTDIR: 'a part of the path is a file, not a folder (ENOTDIR)',
  EPERM: 'operation not permitted (EPERM)',
  EROFS: 'a read-only file system (EROFS)',
}

/** What an error code of a file operation means, in a few words with the code beside them (the code alone when not known). */
export const errnoWords = (code: string): string => ERRNO_WORDS[code] ?? code

/**
 * What one run has read, shared by the apps of a config file that point at the same files
 * (a platform team's many apps on one database): each real path is resolved and read once.
 * One cache per run — files may change between runs.
 */
export interface ReadCache {
  /** Paths a stat could not look at because a folder on the way may not be entered (EACCES): is there a file is not known. */
  denied: Set<string>
  isFile(abs: string): boolean
  /** Folder listings of one app root (`abs`), shared by the readers of apps with that root. */
  listings(absRoot: string): Map<string, string[]>
  read(abs: string): TextFile
  realpath(abs: string): string | undefined
}

/**
 * The real path of a path that is there. Node's realpathSync resolves a path in JavaScript, with
 * an lstat of every folder from / down, on every call; the C library's realpath answers the same
 * in one call. On Windows Node's own is kept: the system's answer differs there for substituted
 * drives and network shares.
 */
const realpathOf = process.platform === 'win32' ? realpathSync : realpathSync.native

export function newReadCache(): ReadCache {
  const listings = new Map<string, Map<string, string[]>>()
  const texts = new Map<string, TextFile>()
  const reals = new Map<string, string | undefined>()
  const files = new Map<string, boolean>()
  // What realpath's stat found: the Stats of a path that is there, undefined for one that is not
  // (ENOENT), for read to use instead of a second stat of its own.
  const stats = new Map<string, Stats | undefined>()
  const denied = new Set<string>()
  return {
    denied,
    isFile(abs) {
      let is = files.get(abs)
      if (is === undefined) {
        try {
          is = statSync(abs).isFile()
        } catch (error) {
          is = false
          if ((error as NodeJS.ErrnoException).code === 'EACCES') denied.add(abs)
        }

        files.set(abs, is)
      }

      return is
    },
    listings(absRoot) {
      let of = listings.get(absRoot)
      if (!of) listings.set(absRoot, (of = new Map()))
      return of
    },
    read(abs) {
      let file = texts.get(abs)
      if (!file) {
        const stat = stats.get(abs)
        file = stats.has(abs) && stat === undefined ? {kind: 'missing'} : readTextFile(abs, maxBytesFor(abs), stat)
        texts.set(abs, file)
      }

      return file
    },
    realpath(abs) {
      if (reals.has(abs)) return reals.get(abs)
      let real: string | undefined
      // Most paths asked about are files an app may not have (go.mod, setup.py, …): a stat that
      // says so returns undefined, where realpathSync throws an error with a stack for each.
      // The stat also answers isFile for the path and its real path (a stat follows links), which
      // the reader asks next: asked again, a missing file was a second stat and a thrown error.
      let stat: Stats | undefined
      try {
        stat = statSync(abs, {throwIfNoEntry: false})
        stats.set(abs, stat)
      } catch (error) {
        stat = undefined
        if ((error as NodeJS.ErrnoException).code === 'EACCES') denied.add(abs)
      }

      if (!files.has(abs)) files.set(abs, stat?.isFile() ?? false)
      try {
        real = stat === undefined ? undefined : realpathOf(abs)
      } catch {
        real = undefined
      }

      if (real !== undefined && real !== abs) {
        if (!files.has(real)) files.set(real, stat!.isFile())
        if (!stats.has(real)) stats.set(real, stat)
      }

      reals.set(abs, real)
      return real
    },
  }
}

/**
 * The app's files, read lazily from `root` and cached. Paths are relative to the
 * root with `/`. A path that leaves the root (`../`, an absolute path, a symlink
 * pointing out) is never read. A file that exists but cannot be used (binary,
 * UTF-16 without a byte-order mark, larger than 1 MiB — a lock file 64 MiB —, no
 * permission) reads as missing, adds an `unparsable-config` warning to `problems`
 * once, and is added to `unread` at each read (model/files.ts FileReader); `search`
 * reads for a search by text and says nothing.
 */
export function createFileReader(root: string, shared: ReadCache = newReadCache()): FileReader & {problems: Diagnostic[]; unread: UnreadFile[]} {
  const absRoot = resolve(root)
  const realRoot = shared.realpath(absRoot) ?? absRoot

  const problems: Diagnostic[] = []
  const unread: UnreadFile[] = []
  const cache = new Map<string, SourceFile | null>() // null: read, and not there
  // Files that are there but cannot be read, by key: each read of one is noted in `unread` (the values it may set are assumptions).
  const unreadable = new Map<string, UnreadFile>()

  // A plain key (`config/puma.rb`) under the root is the root, a slash and the key, as resolve() would make it; and the
  // real path of a file no link leads to is itself. Most paths asked are such (a language's marker files, config
  // files): answered without resolve() and relative(), which walk both paths a character at a time.
  const rootSlash = absRoot.endsWith(sep) ? absRoot : `${absRoot}${sep}`
  const unlinkedRoot = realRoot === absRoot
  /** The file's real location if it is inside the root, else undefined. */
  const locate = (path: string): string | undefined => {
    if (isAbsolute(path) || path.includes('\0')) return undefined
    const plain = plainKey(path)
    const abs = plain ? `${rootSlash}${path}` : resolve(absRoot, path)
    if (!plain && !inside(absRoot, abs)) return undefined
    const real = shared.realpath(abs)
    if (real === undefined) return abs // missing: reading it will say so
    if (plain && unlinkedRoot && real === abs) return real
    return inside(realRoot, real) ? real : undefined
  }

  const read = (path: string): SourceFile | undefined => {
    // Most paths are already keys (`config/puma.rb`): normalized only when they need it (asked per process type).
    const key = path.includes('\\') || path.startsWith('./') ? withoutLeadingDotSlashes(path.replaceAll('\\', '/')) : path
    const known = cache.get(key)
    if (known !== undefined) {
      if (known === null && unreadable.size > 0) {
        const u = unreadable.get(key)
        if (u) unread.push(u)
      }

      return known ?? undefined
    }

    let result: SourceFile | undefined
    const abs = locate(key)
    if (abs === undefined) {
      problems.push({code: 'unparsable-config', file: key, message: `${key} is outside the app folder; not read`, severity: 'warning'})
    } else {
      const file = shared.read(abs)
      if (file.kind === 'text') {
        result = {path: key, text: file.text}
      } else if (file.kind !== 'missing' && (file.kind !== 'directory' || namedAsFile(key))) {
        // There, but not readable as text: unlike a missing file, it may set anything a missing file leaves to the defaults.
        const u = {path: key, why: file.kind === 'too-large' ? `larger than ${maxBytesFor(key) / 1024 / 1024} MiB` : whyNotText(file)}
        unreadable.set(key, u)
        unread.push(u)
        problems.push({code: 'unparsable-config', file: key, message: `${key} cannot be read (${u.why}); the values it may set are assumptions (*), not defaults`, severity: 'warning'})
      }
    }

    cache.set(key, result ?? null)
    return result
  }

  // Folders that may not be entered (EACCES), said once each: what conncalc looks for in them counts as missing.
  const shut = new Set<string>()
  const deniedFolder = (under: string, looked: string): void => {
    // The folder that may not be entered: the deepest one on the way that a stat can still see.
    let folder = under
    while (folder.includes('/') && !isDirectory(resolve(absRoot, folder))) folder = folder.slice(0, folder.lastIndexOf('/'))
    if (shut.has(folder)) return
    shut.add(folder)
    problems.push({
      code: 'unparsable-config',
      file: folder,
      message: `the folder ${folder} cannot be read (${errnoWords('EACCES')}): the files conncalc looks for in it${looked ? ` (${looked})` : ''} count as missing, and what they may set as not set`,
      severity: 'warning',
    })
  }

  const files = new Map<string, boolean>()
  const isFile = (path: string): boolean => {
    let is = files.get(path)
    if (is === undefined) {
      const key = path.replaceAll('\\', '/')
      const abs = locate(key)
      files.set(path, (is = abs !== undefined && shared.isFile(abs)))
      if (!is && abs !== undefined && shared.denied.has(abs)) deniedFolder(key.includes('/') ? key.slice(0, key.lastIndexOf('/')) : '.', key)
    }

    return is
  }

  const keyOf = (dir: string): string => withoutTrailingSlashes(withoutLeadingDotSlashes(dir.replaceAll('\\', '/')))
  /** The names in a folder that `keep` accepts, sorted; entries are checked one by one so a symlink that leaves the root is not listed. */
  const entries = (key: string, keep: (e: Dirent, path: string, abs: string) => boolean): string[] => {
    const abs = locate(key === '' ? '.' : key)
    if (abs === undefined) return []
    try {
      return readdirSync(abs, {withFileTypes: true})
        .filter((e) => keep(e, key === '' ? e.name : `${key}/${e.name}`, resolve(abs, e.name)))
        .map((e) => e.name)
        .sort()
        .slice(0, MAX_LISTED)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EACCES') deniedFolder(key === '' ? '.' : key, '')
      return []
    }
  }

  // A listing depends only on the root (symlinks are checked against it): apps of one root share it.
  const listed = shared.listings(absRoot)
  return {
    exists: isFile,
    list(dir: string): string[] {
      const key = keyOf(dir)
      // Once per folder: every process type of a Procfile asks for the same ones
      // (config/initializers for each Ruby type); 100,000 types listed it 100,000 times.
      let names = listed.get(key)
      if (!names) listed.set(key, (names = entries(key, (e, path) => e.isFile() || (e.isSymbolicLink() && isFile(path)))))
      return [...names]
    },
    // A symlinked folder is listed only when it stays inside the root (locate checks its real path).
    // Once per folder, as list: each Ruby type looks for the app's constants in app/'s folders.
    folders(dir: string): string[] {
      const key = `${keyOf(dir)}\0folders` // no path holds a NUL: apart from list's keys
      let names = listed.get(key)
      if (!names) listed.set(key, (names = entries(keyOf(dir), (e, path, abs) => e.isDirectory() || (e.isSymbolicLink() && locate(path) !== undefined && isDirectory(abs)))))
      return [...names]
    },
    problems,
    read,
    search(path: string) {
      const key = path.includes('\\') || path.startsWith('./') ? withoutLeadingDotSlashes(path.replaceAll('\\', '/')) : path
      const known = cache.get(key)
      if (known) return known.text
      const abs = locate(key)
      if (abs === undefined) return undefined
      const file = shared.read(abs)
      if (file.kind === 'text' || (file.kind === 'binary' && file.text !== undefined)) return file.text
      if (file.kind === 'missing' || file.kind === 'directory') return undefined
      return {unreadable: file.kind === 'too-large' ? `larger than ${maxBytesFor(key) / 1024 / 1024} MiB` : whyNotText(file)}
    },
    unread,
  }
}

export function isDirectory(abs: string): boolean {
  try {
    return statSync(abs).isDirectory()
  } catch {
    return false
  }
}

export function isFile(abs: string): boolean {
  try {
    return statSync(abs).isFile()
  } catch {
    return false
  }
}

/**
 * Read the Procfile: undefined when there is none (the buildpack's default web
 * process runs then), else its text, or an InputError (exit 2) that says what
 * is wrong with it. `path` is kept as given in the returned SourceFile.
 */
export function readProcfile(path: string, shared?: ReadCache): SourceFile | undefined {
  const hint = 'run conncalc in the app folder, or pass --procfile PATH'
  const file = shared ? shared.read(resolve(path)) : readTextFile(path)
  switch (file.kind) {
    case 'text': {
      return {path, text: file.text, ...(file.utf16 ? {encoding: file.utf16} : {})}
    }

    case 'missing': {
      return undefined
    }

    case 'directory': {
      throw new InputError(`${path} is a directory, not a Procfile`, `to read the app in that folder, pass --procfile ${join(path, 'Procfile').replaceAll('\\', '/')} (or run conncalc there)`)
    }

    case 'binary': {
      if (file.utf16) throw new InputError(`${path} is UTF-16 without a byte-order mark, which Heroku cannot read as a Procfile`, 'save it as UTF-8 (in PowerShell: Set-Content -Encoding utf8)')
      throw new InputError(`${path} is not a text file, so it cannot be a Procfile`, hint)
    }

    case 'too-large': {
      throw new InputError(`${path} is larger than 1 MiB, so it cannot be a Procfile`, hint)
    }

    case 'unreadable': {
      throw new InputError(`cannot read the Procfile ${path} (${whyNotText(file)})`, hint)
    }
  }
}

/**
 * A directory where a file is read is "not there" when its name could be a folder (`bin/gulp`, a command name probed as
 * a script of the app), and a file that cannot be read when its name has an extension (`config/database.yml/`): no
 * program reads a folder named like a config file, and the app that has one in its place fails where it reads it.
 */
function namedAsFile(key: string): boolean {
  const name = key.slice(key.lastIndexOf('/') + 1)
  return /^[^.].*\.[A-Za-z][\w-]*$/.test(name)
}

/**
 * A relative path resolve() would only append to a folder: `/`-separated names, none empty, `.` or `..` (where the
 * separator is `/`; Windows paths always go through resolve()).
 */
function plainKey(path: string): boolean {
  if (sep !== '/' || path === '' || path === '.' || path === '..' || path.startsWith('/') || path.endsWith('/') || path.includes('//')) return false
  if (path.startsWith('./') || path.startsWith('../') || path.endsWith('/.') || path.endsWith('/..')) return false
  return !path.includes('/./') && !path.includes('/../')
}

function inside(root: string, abs: string): boolean {
  const rel = relativePath(root, abs)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}
