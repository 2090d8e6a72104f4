/**
 * Prism's parses kept between runs, so that a second `conncalc plan` on an app whose Ruby files
 * have not changed reads them instead of loading Prism's WebAssembly (compiling and
 * instantiating it, then compiling each of its functions on first call: about half of what a
 * Rails plan spends above Node's own start). YAML parses (util/yaml.ts: the value and every key's
 * line) are kept here too, under keys of their own.
 *
 * An entry is one parsed text: its key (the locals it was parsed with and the text itself, byte
 * for byte) and the bytes Prism serialized the parse into. It is found by a hash of the key but
 * used only when the whole stored key equals the one asked for, so a file that changed, even by
 * a byte, is parsed anew — never answered from an older text. A checksum of the entry finds one
 * damaged on disk, and Prism's reader checks its own format and version in the bytes: either is
 * parsed again (languages/ruby/prism.ts).
 * The folder is named for conncalc's version, so an upgrade starts a fresh one.
 *
 * Where: CONNCALC_PARSE_CACHE=DIR, else $XDG_CACHE_HOME/conncalc, else ~/.cache/conncalc (on
 * Windows %LOCALAPPDATA%\conncalc); CONNCALC_PARSE_CACHE=0 turns it off. A folder that cannot be
 * read or written only costs time. Entries not written for 30 days are removed (checked at most
 * once a day, by a run that writes one).
 */
import {closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

import type {ParseStore} from '../util/parse-store.js'

const MAGIC = Buffer.from('conncalc parse 2\n')
const HEADER = MAGIC.length + 12 // then the key's length, the parse's and a checksum of both, 4 bytes each
const MONTH = 30 * 24 * 3600 * 1000
const DAY = 24 * 3600 * 1000

/** The folder for this conncalc version's parses, or undefined when the cache is off or there is no home. */
export function parseCacheDir(env: NodeJS.ProcessEnv, version: string): string | undefined {
  const setting = env.CONNCALC_PARSE_CACHE
  if (setting === '0' || setting === 'false' || setting === 'off') return undefined
  const base = setting || userCacheDir(env)
  return base ? join(base, `ruby-parse-${version.replace(/[^\w.-]/g, '_')}`) : undefined
}

function userCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'conncalc')
  if (process.platform === 'win32') return env.LOCALAPPDATA ? join(env.LOCALAPPDATA, 'conncalc') : undefined
  const home = safe(homedir)
  return home ? join(home, '.cache', 'conncalc') : undefined
}

/** The store for `dir` (see parseCacheDir). */
export function parseCache(dir: string): ParseStore {
  let writable = true
  let pruned = false
  return {
    get(key) {
      const hashed = keyHashes(key)
      const entry = safe(() => readFileSync(join(dir, nameOf(hashed))))
      if (!entry || entry.length < HEADER || !entry.subarray(0, MAGIC.length).equals(MAGIC)) return undefined
      const keyLength = entry.readUInt32LE(MAGIC.length)
      const valueLength = entry.readUInt32LE(MAGIC.length + 4)
      if (entry.length !== HEADER + keyLength + valueLength || keyLength !== key.length) return undefined
      if (!entry.subarray(HEADER, HEADER + keyLength).equals(key)) return undefined
      // A damaged parse (a byte changed on disk) is parsed again, not read into other nodes.
      const serialized = entry.subarray(HEADER + keyLength)
      return entry.readUInt32LE(MAGIC.length + 8) === checksum(hashed, serialized) ? serialized : undefined
    },
    set(key, serialized) {
      if (!writable) return
      const hashed = keyHashes(key)
      const name = nameOf(hashed)
      const temporary = join(dir, `${name}.${process.pid}.tmp`)
      try {
        mkdirSync(dir, {mode: 0o700, recursive: true})
        const header = Buffer.alloc(HEADER)
        MAGIC.copy(header)
        header.writeUInt32LE(key.length, MAGIC.length)
        header.writeUInt32LE(serialized.length, MAGIC.length + 4)
        header.writeUInt32LE(checksum(hashed, serialized), MAGIC.length + 8)
        const fd = openSync(temporary, 'w', 0o600)
        try {
          for (const part of [header, key, serialized]) writeAll(fd, part)
        } finally {
          closeSync(fd)
        }

        // Renamed into place: a run reading at the same moment sees the old entry or the whole new one.
        renameSync(temporary, join(dir, name))
      } catch {
        writable = false // a folder that cannot be written is not tried again in this run
        safe(() => rmSync(temporary, {force: true}))
        return
      }

      if (!pruned) {
        pruned = true
        prune(dir)
      }
    },
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at)
}

/** Remove entries not written for 30 days, at most once a day (the `.pruned` file's time). */
function prune(dir: string): void {
  const marker = join(dir, '.pruned')
  const now = Date.now()
  const last = safe(() => statSync(marker).mtimeMs)
  if (last !== undefined && now - last < DAY) return
  safe(() => writeFileSync(marker, ''))
  for (const name of safe(() => readdirSync(dir)) ?? []) {
    if (name === '.pruned') continue
    const path = join(dir, name)
    const written = safe(() => statSync(path).mtimeMs)
    if (written !== undefined && now - written > MONTH) safe(() => rmSync(path, {force: true}))
  }
}

/**
 * The key's two 32-bit hashes: its file name (a collision costs a parse, never a wrong answer) and the checksum's seed.
 */
function keyHashes(key: Uint8Array): [number, number] {
  return hashes(key, 0x811c9dc5, 0x2a5c6b1d)
}

function nameOf([a, b]: [number, number]): string {
  const hex = (n: number) => n.toString(16).padStart(8, '0')
  return `${hex(a)}${hex(b)}.prism`
}

function checksum([a]: [number, number], serialized: Uint8Array): number {
  return hashes(serialized, a, a)[0]
}

/**
 * Two 32-bit hashes of the bytes, FNV-1a's step with two multipliers, a 4-byte word at a time (then the last bytes one
 * by one), each finished with MurmurHash3's fmix32. A run hashes every cached text and parse, in V8's interpreter: a
 * byte at a time, the loop ran long enough for V8 to compile it with TurboFan on every run. The words are read in the
 * machine's byte order: the cache is read where it is written.
 */
function hashes(bytes: Uint8Array, a: number, b: number): [number, number] {
  const n = bytes.length >>> 2
  let words: Int32Array
  if (bytes.byteOffset % 4 === 0) {
    words = new Int32Array(bytes.buffer, bytes.byteOffset, n)
  } else {
    words = new Int32Array(n)
    new Uint8Array(words.buffer).set(bytes.subarray(0, n * 4))
  }

  for (let i = 0; i < n; i++) {
    const w = words[i]!
    a = Math.imul(a ^ w, 0x01000193)
    b = Math.imul(b ^ w, 0x5bd1e995)
  }

  for (let i = n * 4; i < bytes.length; i++) {
    a = Math.imul(a ^ bytes[i]!, 0x01000193)
    b = Math.imul(b ^ bytes[i]!, 0x5bd1e995)
  }

  return [fmix32(a), fmix32(b)]
}

function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f()
  } catch {
    return undefined
  }
}
