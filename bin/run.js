#!/usr/bin/env -S node --
// The `--` ends node's own options: without it Node reads a script argument
// `--env-file PATH` as its own flag and exits 9 when PATH is missing
// (nodejs/node#54232), before conncalc can say anything useful.
'use strict'
// CommonJS (bin/package.json), not an ES module: Node starts a CommonJS entry without its ES
// module loader, and each node:* module an ES module imports gets a facade that reads every
// export (node:fs's streams among them) — ~25 M instructions of a `conncalc plan`.
const {existsSync, readFileSync} = require('node:fs')
const {arch, release} = require('node:os')
const {basename, dirname, join, sep} = require('node:path')
const {pathToFileURL} = require('node:url')

// `conncalc --version` (-v, version) prints what oclif prints — its user agent,
// `conncalc/0.1.0 linux-x64 node-v20.20.2` — without loading oclif and the bundle
// (~150 ms on a 2-core machine, for one line). oclif names the platform `wsl` under
// Windows' Linux (the is-wsl package); wherever that could be the case, oclif answers.
function version() {
  const platform = process.platform
  const maybeWsl = () => {
    if (platform !== 'linux') return false
    if (release().toLowerCase().includes('microsoft')) return true
    if (existsSync('/proc/sys/fs/binfmt_misc/WSLInterop') || existsSync('/run/WSL')) return true
    try {
      return readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft')
    } catch {
      return true
    }
  }

  if (maybeWsl()) return undefined
  const pjson = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'))
  const cpu = arch() === 'ia32' ? 'x86' : arch()
  return `${pjson.name}/${pjson.version} ${platform}-${cpu} node-${process.version}\n`
}

// Asked here, not inside version(): V8 compiles a function from source the first time it is called, and this file has no code cache.
const userAgent = ['--version', '-v', 'version'].includes(process.argv[2]) ? version() : undefined
if (userAgent) process.stdout.write(userAgent)
else void main() // a rejection is reported by Node, exit 1, as a top-level await's was

async function main() {
  // Standard output and error written directly when they are pipes or files (directStdio, in
  // bin/code-cache.js: one file for bin/run.js to load, not two). V8's
  // --liftoff-only for the parsers' WebAssembly is set when one is first needed (src/util/liftoff.ts):
  // the flag changes what V8 checks before it takes code from a cache, so node:* modules loaded
  // after it are compiled from source, and node:v8, which sets it, loads Node's streams.
  const {directStdio, loadBundle} = boot()
  directStdio()

  // oclif checks the Node version with semver at start-up (~20 ms); package.json's
  // engines field and the syntax we ship already require Node 20.
  process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'

  // dist/cli.cjs is one esbuild bundle (npm run build): loading one file instead of ~200
  // modules, and V8's code for it kept from an earlier run (bin/code-cache.js), is most of
  // what keeps start-up near a bare `node -e 0`. The Heroku CLI loads dist/main.js instead.
  const {execute} = loadBundle(join(__dirname, '..', 'dist', 'cli.cjs'))
  // root: the package's folder (with its separator), as oclif would make it from dir's URL (Node's URL code compiled from source at every start).
  await execute({dir: pathToFileURL(__filename).href, root: join(__dirname, '..', sep), target: './dist/cli.cjs'})
}


/**
 * bin/code-cache.js, as the build copies it to dist/boot.cjs (its first line names the build), run with
 * V8's code for it kept beside it (dist/boot-….cache, made by the build's first run, or by the first run
 * after it under another Node or other options, where dist/ may be written). Node compiles a file that
 * require() loads from source on every start: for this one, ≈ 2.9 M instructions of a cached Rails plan
 * (callgrind, main thread). V8 checks the Node version and flags a cache was made under and refuses
 * another's; the build in the name keeps a cache from outliving the text it was made from. Without
 * dist/boot.cjs (a checkout not built), or with CONNCALC_CODE_CACHE off, bin/code-cache.js is required as
 * before. Only dist/, the package's own folder, holds this cache: never a shared or per-user one.
 */
function boot() {
  const setting = process.env.CONNCALC_CODE_CACHE
  const file = join(__dirname, '..', 'dist', 'boot.cjs')
  let source
  try {
    // Its bytes as Latin-1 by Buffer's own latin1Slice: an encoding named to readFileSync (other than UTF-8) runs Node's
    // encoding lookup, JavaScript compiled from source at every start (≈ 0.2 M instructions).
    if (setting !== '0' && setting !== 'false' && setting !== 'off') source = readFileSync(file).latin1Slice()
  } catch {
    // unreadable: bin/code-cache.js below
  }

  const build = source && /^\/\/ conncalc build ([0-9a-f]{16})\n/.exec(source)?.[1]
  if (!build) return require('./code-cache.js')
  // The options Node runs with, as bin/code-cache.js names the bundle's cache (FNV-1a): V8 refuses code made under others.
  const options = `${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}`
  let hash = 0x811c9dc5
  for (let i = 0; i < options.length; i++) hash = Math.imul(hash ^ options.charCodeAt(i), 0x01000193) >>> 0
  const cache = join(__dirname, '..', 'dist', `boot-${build}-node${process.versions.node}-${process.platform}-${process.arch}-${hash.toString(16)}.cache`)
  let cachedData
  try {
    cachedData = readFileSync(cache)
  } catch {
    // none yet: V8 compiles it, and it is written as the run exits
  }

  const vm = require('node:vm')
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {cachedData, filename: file})
  const Module = module.constructor
  const loaded = new Module(file, module)
  loaded.filename = file
  script.runInThisContext().call(loaded.exports, loaded.exports, require, loaded, file, dirname(file))
  loaded.exports.useImporter((specifier) => import(specifier))
  // Written as the bundle's cache is (bin/code-cache.js writeCache: a temporary file renamed into place), beside it.
  if (cachedData === undefined || script.cachedDataRejected) process.once('exit', () => loaded.exports.writeCache(script, [dirname(cache)], basename(cache), dirname(cache)))
  return loaded.exports
}
