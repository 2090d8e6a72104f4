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
const {join} = require('node:path')
const {pathToFileURL} = require('node:url')

// `conncalc --version` (-v, version) prints what oclif prints — its user agent,
// `conncalc/0.1.0 linux-x64 node-v20.20.2` — without loading oclif and the bundle
// (~150 ms on a 2-core machine, for one line). oclif names the platform `wsl` under
// Windows' Linux (the is-wsl package); wherever that could be the case, oclif answers.
function version() {
  if (!['--version', '-v', 'version'].includes(process.argv[2])) return undefined
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

const userAgent = version()
if (userAgent) process.stdout.write(userAgent)
else void main() // a rejection is reported by Node, exit 1, as a top-level await's was

async function main() {
  // Node's own modules come with V8's code for them in the node binary, but V8 takes code only
  // if it was made under the same V8 flags, and the flag below changes them: every node:*
  // module loaded after it is parsed and compiled from its source (~35 M instructions of a
  // `conncalc plan`, an eighth of what it runs above `node -e 0`). So the ones oclif and the
  // bundle load at start load first. Not node:wasi (Prism's), which warns that it is
  // experimental as it loads: src/main.ts silences that warning. One missing from this list,
  // or one a run does not need, costs time only.
  // node:net and node:stream are what Node's own stdout and stderr are made of when they are pipes
  // (net.Socket): not loaded when both are written directly (bin/stdio.js).
  const direct = require('./stdio.js').directStdio()
  for (const name of ['module', ...(direct ? [] : ['net', 'stream']), 'os', 'path/posix', 'process', 'string_decoder', 'tty', 'vm']) require(`node:${name}`)

  // Prism is WebAssembly. V8 would recompile its hot functions with TurboFan on
  // background threads, and Node waits for those jobs before it exits (~30 ms):
  // for a short-lived CLI the baseline compiler alone is faster end to end.
  require('node:v8').setFlagsFromString('--liftoff-only')

  // oclif checks the Node version with semver at start-up (~20 ms); package.json's
  // engines field and the syntax we ship already require Node 20.
  process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'

  // dist/cli.cjs is one esbuild bundle (npm run build): loading one file instead of ~200
  // modules, and V8's code for it kept from an earlier run (bin/code-cache.js), is most of
  // what keeps start-up near a bare `node -e 0`. The Heroku CLI loads dist/main.js instead.
  const {loadBundle} = require('./code-cache.js')
  const {execute} = loadBundle(join(__dirname, '..', 'dist', 'cli.cjs'))
  await execute({dir: pathToFileURL(__filename).href, target: './dist/cli.cjs'})
}

