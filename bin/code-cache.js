// Runs dist/cli.cjs (the CommonJS build of conncalc, see esbuild.config.js) and keeps V8's
// compiled code for it between runs. Node 20 compiles every script anew on each start (its
// compile cache is Node >= 22.1, and ES modules have no code-cache API), which for conncalc's
// bundle was a third of a `conncalc plan`; with the code V8 made on an earlier run it reads
// instead of parsing and compiling.
//
// The cache is only ever an optimisation: one that cannot be read, written, or that V8
// rejects (another Node, other V8 flags, a corrupt file) means this run compiles as before
// and, where it can, leaves a fresh cache for the next. It is written once the run is over
// (so it holds the functions the run compiled lazily, not only the top level), to a temporary
// file renamed into place, so runs at the same moment never read half a file.
//
// Where: beside the bundle (dist/, when the install is writable), else the user's cache folder
// ($XDG_CACHE_HOME/conncalc or ~/.cache/conncalc), else a folder of the user's own in the
// system's temporary folder. CONNCALC_CODE_CACHE=DIR uses DIR alone; CONNCALC_CODE_CACHE=0
// turns the cache off.
'use strict'
const {isAscii} = require('node:buffer')
const {closeSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeFileSync} = require('node:fs')
// The module system's class as CommonJS hands it to every module (what node:module exports): requiring
// node:module would load Node's ES module loader and source-map modules too (≈ 1 M instructions).
const Module = module.constructor
const {createRequire} = Module
const {homedir, tmpdir} = require('node:os')
const {dirname, join} = require('node:path')
const {pathToFileURL} = require('node:url')
const vm = require('node:vm')
const EventEmitter = require('node:events')

/** What the bundle sees as CommonJS's module scope, plus the three names esbuild.config.js leaves it to fill. */
const PARAMETERS = 'exports, require, module, __filename, __dirname, __conncalcImport, __conncalcUrl, __conncalcLoad'

/**
 * esbuild.config.js writes each bundle already inside this function (from its third line), so
 * the text read from the file is the script V8 compiles: wrapped here, the source would be a
 * second string that V8 copies into one before it compiles — another 1.6 MB of fresh memory on
 * every start (~400 page faults).
 */
const WRAPPER = `(function (${PARAMETERS}) {`

/**
 * Run the bundle at `file` (an absolute path) and return its exports. `env` is read for
 * CONNCALC_CODE_CACHE, XDG_CACHE_HOME and NODE_OPTIONS.
 */
function loadBundle(file, env = process.env) {
  // Memory a process touches for the first time costs a page fault per 4 KB (~11 µs each on a
  // 2-core cloud machine): the bundle and its cache are read into one buffer, the cache once the
  // bundle's bytes are a string. The build's name on the bundle's first line names the cache, so
  // that line is read first and the cache opened, to make the buffer as big as the larger of the
  // two (the cache was read into a fresh 1.4 MB buffer of its own, ~340 faults, whenever it
  // outgrew the bundle).
  const fd = openSync(file, 'r')
  let source
  let name
  let dirs = []
  let cachedData
  try {
    const size = fstatSync(fd).size
    name = cacheName(readAt(fd, Buffer.allocUnsafe(Math.min(size, 128)), 0).latin1Slice(), env)
    if (name) dirs = cacheDirs(file, env)
    let cache
    for (const dir of dirs) {
      cache = openCache(dir, name)
      if (cache) break
    }

    try {
      const buffer = Buffer.allocUnsafeSlow(Math.max(size, cache?.size ?? 0))
      const bytes = readAt(fd, buffer.subarray(0, size), 0)
      // esbuild.config.js writes the bundle as ASCII, which Node copies into a string far faster
      // than it decodes UTF-8 (~1 against ~20 ms here); any other text is still read right.
      source = isAscii(bytes) ? bytes.latin1Slice(0, bytes.length) : bytes.toString('utf8')
      if (cache) cachedData = safe(() => readAt(cache.fd, buffer.subarray(0, cache.size), 0))
    } finally {
      if (cache) safe(() => closeSync(cache.fd))
    }
  } finally {
    closeSync(fd)
  }

  // Its third line (after the build's name and a guard against require()) opens the wrapper.
  const wrapped = source.startsWith(WRAPPER, source.indexOf('\n', source.indexOf('\n') + 1) + 1)
  const script = new vm.Script(wrapped ? source : `${WRAPPER}${source}\n})`, {cachedData, filename: file})
  if (dirs.length > 0 && (cachedData === undefined || script.cachedDataRejected)) {
    // V8 stamps the cache with the flags in force when it is made. The parsers set one as they load
    // (src/util/liftoff.ts) and set it back at exit; if V8's flags still differ from this run's start,
    // a cache written now would be rejected by the next run, which writes one instead. node:v8 is
    // loaded only in a run that writes a cache (it loads Node's streams).
    const flags = flagsTag()
    process.once('exit', () => {
      if (flagsTag() === flags) writeCache(script, dirs, name, dirname(file))
    })
  }

  const module = new Module(file, undefined)
  module.filename = file
  module.paths = Module._nodeModulePaths(dirname(file))
  const require = createRequire(file)
  const wrapper = script.runInThisContext()
  // A bundle's import() of a sibling bundle (./zod.cjs, see esbuild.config.js) loads it here,
  // once, with a code cache of its own; any other import() is Node's. __conncalcLoad loads one at
  // once (dist/cli.cjs's ./cli-lazy.cjs, the analyzers a Rails run never calls).
  const loadSibling = (specifier) => {
    const sibling = join(dirname(file), specifier)
    return require.cache[sibling]?.exports ?? loadBundle(sibling, env)
  }
  const load = (specifier) => (/^\.\/[\w-]+\.cjs$/.test(specifier) ? Promise.resolve().then(() => loadSibling(specifier)) : importer(specifier))
  wrapper.call(module.exports, module.exports, require, module, file, dirname(file), load, pathToFileURL(file).href, loadSibling)
  module.loaded = true
  // oclif loads the commands from the bundle by require(): it gets this copy (and a second
  // import() of a sibling bundle, the first).
  require.cache[file] = module
  return module.exports
}

exports.loadBundle = loadBundle

/**
 * import() for the bundle's __conncalcImport: made in a file require() loaded, which Node gives a module
 * loader. bin/run.js runs this file's copy (dist/boot.cjs) as a vm.Script, where import() has none
 * (Node 20: "A dynamic import callback was not specified"), and hands in its own.
 */
let importer = (specifier) => import(specifier)
exports.useImporter = (f) => {
  importer = f
}

/** V8's stamp of its version and flags (what it checks a code cache against). */
function flagsTag() {
  return require('node:v8').cachedDataVersionTag()
}
exports.PARAMETERS = PARAMETERS
exports.writeCache = writeCache
exports.WRAPPER = WRAPPER

/**
 * The cache file's name: the build (the bundle's first line, written by esbuild.config.js —
 * V8 itself checks only the source's length), the Node version and platform, and the options
 * Node runs with (V8 rejects code made under other flags; a name per set of options keeps two
 * habits, with and without NODE_OPTIONS, from overwriting each other's cache on every run).
 */
function cacheName(source, env) {
  // `// conncalc build HEX\n`, read without a regular expression (V8 compiles one on its first run: a start-up cost).
  const prefix = '// conncalc build '
  const end = source.startsWith(prefix) ? source.indexOf('\n', prefix.length) : -1
  const build = end > prefix.length ? source.slice(prefix.length, end) : ''
  if (build === '' || ![...build].every((c) => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return undefined
  const options = `${process.execArgv.join(' ')}\0${env.NODE_OPTIONS ?? ''}`
  let hash = 0x811c9dc5 // FNV-1a
  for (let i = 0; i < options.length; i++) hash = Math.imul(hash ^ options.charCodeAt(i), 0x01000193) >>> 0
  return `cli-${build}-node${process.versions.node}-v8-${process.versions.v8}-${process.platform}-${process.arch}-${hash.toString(16)}.cache`
}

/** Where to look for the cache and where to write it, in order of preference. */
function cacheDirs(file, env) {
  const setting = env.CONNCALC_CODE_CACHE
  if (setting === '0' || setting === 'false' || setting === 'off') return []
  if (setting) return [setting]
  const dirs = [dirname(file)]
  const home = safe(homedir)
  const userCache = env.XDG_CACHE_HOME || (process.platform === 'win32' ? env.LOCALAPPDATA : home && join(home, '.cache'))
  if (userCache) dirs.push(join(userCache, 'conncalc'))
  // A shared temporary folder: only a folder this user owns and no one else can write to
  // (what is cached there is code this process runs).
  const uid = process.getuid?.()
  if (uid !== undefined) dirs.push(join(tmpdir(), `conncalc-${uid}`))
  return dirs
}

function safe(f) {
  try {
    return f()
  } catch {
    return undefined
  }
}

/** A private folder: a directory, not a link, that this user owns and only they may write to. */
function isPrivate(dir) {
  const uid = process.getuid?.()
  if (uid === undefined || !dir.startsWith(tmpdir())) return true
  const stat = safe(() => lstatSync(dir))
  return stat !== undefined && stat.isDirectory() && stat.uid === uid && (stat.mode & 0o022) === 0
}

/** The cache file in `dir`, open, and its size; undefined when there is none that can be read. */
function openCache(dir, name) {
  if (!isPrivate(dir)) return undefined
  const fd = safe(() => openSync(join(dir, name), 'r'))
  if (fd === undefined) return undefined
  const size = safe(() => fstatSync(fd).size)
  if (size !== undefined) return {fd, size}
  safe(() => closeSync(fd))
  return undefined
}

/** Read from `fd` at `position` until `buffer` is full or the file ends; the part read. */
function readAt(fd, buffer, position) {
  let read = 0
  while (read < buffer.length) {
    const n = readSync(fd, buffer, read, buffer.length - read, position + read)
    if (n === 0) break
    read += n
  }
  return buffer.subarray(0, read)
}

function writeCache(script, dirs, name, besideBundle) {
  const data = safe(() => script.createCachedData())
  if (!data || data.length === 0) return
  for (const dir of dirs) {
    const temporary = join(dir, `${name}.${process.pid}.tmp`)
    try {
      mkdirSync(dir, {mode: 0o700, recursive: true})
      if (!isPrivate(dir)) continue
      // Beside the bundle, readable as the bundle is; elsewhere, the user's own.
      writeFileSync(temporary, data, {mode: dir === besideBundle ? 0o644 : 0o600})
      renameSync(temporary, join(dir, name))
      forgetOthers(dir, name)
      return
    } catch {
      safe(() => rmSync(temporary, {force: true}))
    }
  }
}

/** Caches of other builds and Node versions, not used for 30 days (an upgrade leaves one behind). */
function forgetOthers(dir, name) {
  const old = Date.now() - 30 * 24 * 3600 * 1000
  for (const other of safe(() => readdirSync(dir)) ?? []) {
    if (other === name || !/^cli-.*\.cache$/.test(other)) continue
    const path = join(dir, other)
    if ((safe(() => statSync(path).atimeMs) ?? Date.now()) < old) safe(() => rmSync(path, {force: true}))
  }
}

// Standard output and error, when each is a pipe, a file or a device other than a terminal
// (/dev/null), written with fs.writeSync instead of through the stream Node would make for it.
// For a pipe Node makes a net.Socket: node:net, node:stream and the stream machinery, whose
// functions V8 compiles from source on every run (Node's own code cache holds only the modules'
// top level) — ~6 M of the ~275 M instructions of a `conncalc plan` whose output is piped, as in
// CI or `| less`.
//
// On Linux and macOS Node writes to a pipe or a file synchronously too, so what is written, and
// when, is the same: a write is done when write() returns; its callback is called on the next
// tick; an error (EPIPE: the reader has gone) fails the callback and is emitted as 'error' on the
// next tick, after which nothing more is written, as with Node's stream (oclif ignores EPIPE on
// stdout; with no listener it is an uncaught error, as with Node's). A pipe its reader made
// non-blocking and that is full (EAGAIN) hands the rest of the run's output to Node's own stream,
// which waits for the reader. Terminals keep Node's stream (colours, width), and Windows too,
// where Node writes to pipes asynchronously.
/**
 * Replace `proc.stdout` and `proc.stderr` (process's, by default) where they are a pipe or a
 * file; true when both were. `fs` gives fstatSync and writeSync (node:fs), `isatty` node:tty's
 * (tests pass their own), asked only about a character device: node:tty loads node:net and
 * Node's streams, which a pipe or a file does not need.
 */
function directStdio(proc = process, fs = require('node:fs'), isatty = (fd) => require('node:tty').isatty(fd)) {
  if (proc.platform === 'win32') return false
  let both = true
  for (const [name, fd] of [
    ['stdout', 1],
    ['stderr', 2],
  ]) {
    const own = Object.getOwnPropertyDescriptor(proc, name)
    if (!isPipeOrFile(fs, fd, isatty) || typeof own?.get !== 'function' || !own.configurable) {
      both = false
      continue
    }

    const stream = directStream(fd, fs, () => own.get.call(proc))
    Object.defineProperty(proc, name, {configurable: true, enumerable: own.enumerable, get: () => stream})
  }

  return both
}

/** A pipe, a file, or a device that is not a terminal (/dev/null): what Node writes synchronously. */
function isPipeOrFile(fs, fd, isatty) {
  try {
    const stat = fs.fstatSync(fd)
    return stat.isFIFO() || stat.isFile() || (stat.isCharacterDevice() && !isatty(fd))
  } catch {
    return false
  }
}

/** A writable for `fd`; `nodeStream()` makes Node's own stream for it, used once a write would block. */
function directStream(fd, fs, nodeStream) {
  const stream = new EventEmitter()
  // What node:console reads of a stream when a write fails (EPIPE: `conncalc --help | head -1`):
  // whether 'error' was emitted yet; if not, it listens for it so the error is not uncaught.
  const state = {errorEmitted: false}
  let node
  let failed
  const handOver = () => {
    if (!node) {
      node = nodeStream()
      node.on('error', (error) => stream.emit('error', error))
      node.on('drain', () => stream.emit('drain'))
    }

    return node
  }

  const write = (chunk, encoding, callback) => {
    if (typeof encoding === 'function') {
      callback = encoding
      encoding = undefined
    }

    if (node) return node.write(chunk, encoding, callback)
    const done = typeof callback === 'function' ? callback : undefined
    if (failed) {
      if (done) process.nextTick(done, failed)
      return false
    }

    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' && encoding !== 'buffer' ? encoding : 'utf8') : chunk
    let at = 0
    try {
      while (at < bytes.length) {
        try {
          at += fs.writeSync(fd, bytes, at, bytes.length - at)
        } catch (error) {
          if (error.code !== 'EINTR') throw error
        }
      }
    } catch (error) {
      if (error.code === 'EAGAIN') return handOver().write(bytes.subarray(at), done)
      failed = error
      stream.writable = false
      if (done) process.nextTick(done, error)
      process.nextTick(() => {
        state.errorEmitted = true
        stream.emit('error', error)
      })
      return false
    }

    // null, as Node's stream passes: node:console's write callback (console.log, which oclif's
    // help uses) takes anything else for an error and reads the stream's _writableState.
    if (done) process.nextTick(done, null)
    return true
  }

  return Object.assign(stream, {
    end(chunk, encoding, callback) {
      if (typeof chunk === 'function') callback = chunk
      else if (typeof encoding === 'function') callback = encoding
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') write(chunk, typeof encoding === 'string' ? encoding : undefined)
      if (typeof callback === 'function') process.nextTick(callback)
      return stream
    },
    _writableState: state,
    fd,
    writable: true,
    write,
  })
}

exports.directStdio = directStdio
