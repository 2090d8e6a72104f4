// npm run build: src/main.ts → dist/main.js, one esbuild bundle with its lazy chunks (the
// parsers and analyzers a run may not need are loaded by dynamic import()).
//
// V8 parses every byte of a module it loads, used or not: at start-up that was most of
// conncalc's time beyond Node's own. oclif (CommonJS, bundled in) requires at its top level
// packages that only its help, its glob-based command discovery (conncalc lists its
// commands explicitly), its spinner or its S3 update templates use: ~300 KB of the bundle's
// 1 MB. Those are built apart, as dist/lazy/NAME.cjs, and oclif gets a stand-in that
// requires the real package the first time oclif touches it (`conncalc --help` does;
// `conncalc plan` does not).
import * as esbuild from 'esbuild'
import {createHash} from 'node:crypto'
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {Buffer} from 'node:buffer'
import {dirname, join} from 'node:path'
import {tmpdir} from 'node:os'
import process from 'node:process'
import {fileURLToPath, URL} from 'node:url'
import {createRequire} from 'node:module'
import {parseSync} from 'oxc-parser'

// The packages oclif requires that a run which prints no help never uses (ansi-escapes moves its
// spinner's cursor, wordwrap wraps its help's lists).
const LAZY = ['ansi-escapes', 'ansis', 'cli-spinners', 'clean-stack', 'ejs', 'get-package-type', 'indent-string', 'lilconfig', 'minimatch', 'string-width', 'tinyglobby', 'widest-line', 'wordwrap', 'wrap-ansi']

const fromOclif = createRequire(createRequire(import.meta.url).resolve('@oclif/core/package.json'))

const common = {bundle: true, logLevel: 'warning', platform: 'node', target: 'node20'}

rmSync('dist', {force: true, recursive: true})

/**
 * The text with every non-ASCII character as a \uXXXX escape. esbuild escapes them in strings
 * but not in comments and regular expressions, and one is enough for Node to decode the whole
 * file the slow way, into a two-byte string: 20–25 ms of every start for dist/cli.cjs. Escaped,
 * a comment reads the same and a regular expression matches the same (a character outside the
 * BMP becomes its two surrogates, which is what it is in a non-`u` expression and what a `u`
 * expression reads as one character).
 */
const ascii = (text) => {
  // After a backslash the escape would change meaning (`\\–` would become `\\` then `u2013`).
  if (/\\[^\0-\x7f]/.test(text)) throw new Error('esbuild.config.js: a backslash before a non-ASCII character; escape it by hand')
  return text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** A value as JSON text with every non-ASCII character as JSON's \uXXXX escape: the same value, read from a one-byte string. */
const asciiJson = (value) => JSON.stringify(value).replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

/** Write esbuild's output files (built with write: false) as ASCII. */
function writeAscii(result) {
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), {recursive: true})
    writeFileSync(file.path, ascii(file.text))
  }
}

// Each lazy package, whole, as CommonJS (what oclif's require() expects).
await esbuild.build({
  ...common,
  entryPoints: Object.fromEntries([...LAZY, 'debug'].map((name) => [name, fromOclif.resolve(name)])),
  format: 'cjs',
  outdir: 'dist/lazy',
  outExtension: {'.js': '.cjs'},
})

/** oclif's require('NAME') of a lazy package → a stand-in that loads dist/lazy/NAME.cjs on first use. */
const lazyPackages = {
  name: 'lazy-packages',
  setup(build) {
    const names = new RegExp(`^(${LAZY.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`)
    build.onResolve({filter: names}, (args) => (/[\\/]@oclif[\\/]core[\\/]/.test(args.importer) ? {namespace: 'lazy', path: args.path} : undefined))
    build.onResolve({filter: /^\.\/lazy\//}, (args) => ({external: true, path: args.path}))
    build.onLoad({filter: /.*/, namespace: 'lazy'}, (args) => {
      // TypeScript's __importDefault asks for __esModule as soon as oclif's module loads:
      // answered from the real package here, at build time, so the stand-in need not load it.
      const esModule = Boolean(fromOclif(args.path).__esModule)
      return {
        contents: `let real
const load = () => (real ??= require(${JSON.stringify(`./lazy/${args.path}.cjs`)}))
module.exports = new Proxy(function () {}, {
  apply: (_, self, args) => Reflect.apply(load(), self, args),
  construct: (_, args) => Reflect.construct(load(), args),
  get: (_, key) => (key === '__esModule' ? ${esModule} || undefined : load()[key]),
  has: (_, key) => key in load(),
})
`,
        loader: 'js',
      }
    })
  },
}

/**
 * The built-in tables (plans/heroku-postgres.json, plans/dyno-sizes.json, 39 KB, read by every
 * plan) as JSON.parse of their text rather than esbuild's object literals: V8 builds a literal
 * from its bytecode's template property by property, and reads a string of JSON faster (its own
 * advice for literals of 10 KB and more). The same objects (keys in the same order).
 */
const jsonParsed = {
  name: 'json-parsed',
  setup(build) {
    // Non-ASCII as JSON's \u escapes: the text V8 parses is then a one-byte string (plans/dyno-sizes.json's
    // few "≈" made it two-byte, which JSON.parse reads ≈ 2× slower: 0.8 M instructions at every start).
    build.onLoad({filter: /[\\/]plans[\\/][\w-]+\.json$/}, (args) => ({contents: `export default JSON.parse(${JSON.stringify(asciiJson(JSON.parse(readFileSync(args.path, 'utf8'))))})`, loader: 'js'}))
  },
}

/**
 * debug, oclif's logger (lib/logger.js: `debug(namespace)` for each logger, then calls of what it
 * returns): it prints only the namespaces DEBUG names, which debug reads once, as it loads. Where
 * DEBUG is unset as oclif loads, every call prints nothing, and debug's setup (its colours from
 * supports-color, the DEBUG_* options, ms, a function per namespace; ~1.2 M instructions of a
 * `conncalc plan`) changes nothing: oclif gets functions that do nothing instead. Set (even to
 * ''), oclif gets debug itself, built apart as dist/lazy/debug.cjs.
 */
const lazyDebug = {
  name: 'lazy-debug',
  setup(build) {
    build.onResolve({filter: /^debug$/}, (args) => (/[\\/]@oclif[\\/]core[\\/]/.test(args.importer) ? {namespace: 'lazy-debug', path: 'debug'} : undefined))
    build.onLoad({filter: /.*/, namespace: 'lazy-debug'}, () => ({
      contents: `if (process.env.DEBUG === undefined) {
  const silent = (namespace) => Object.assign(() => {}, {enabled: false, extend: (more, delimiter = ':') => silent(namespace + delimiter + more), namespace})
  module.exports = silent
} else module.exports = require("./lazy/debug.cjs")
`,
      loader: 'js',
    }))
  },
}

/**
 * Node modules oclif requires at its top level for what a run rarely does: node:child_process
 * (the Windows shell's name), node:readline (a flag read from stdin), node:perf_hooks (its
 * performance log, with DEBUG), node:fs/promises (a TypeScript plugin's tsconfig, and the reads
 * oclifReadJson below makes synchronous). Each loads more of Node (child_process: net, dgram, streams) and
 * was ≈ 9 M of the instructions of a `conncalc plan` (valgrind): oclif gets a stand-in that
 * requires the module the first time oclif touches it. bin/run.js no longer loads them first,
 * so one that does load is compiled from Node's source (time only, never a different result).
 */
const LAZY_BUILTINS = ['node:child_process', 'node:fs/promises', 'node:perf_hooks', 'node:readline']
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    build.onResolve({filter: new RegExp(`^(${LAZY_BUILTINS.join('|')})$`)}, (args) => (/[\\/]@oclif[\\/]core[\\/]/.test(args.importer) ? {namespace: 'lazy-builtin', path: args.path} : undefined))
    build.onLoad({filter: /.*/, namespace: 'lazy-builtin'}, (args) => ({
      contents: `let real
const load = () => (real ??= require(${JSON.stringify(args.path)}))
module.exports = new Proxy({}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => ({...Reflect.getOwnPropertyDescriptor(load(), key), configurable: true}),
})
`,
      loader: 'js',
    }))
  },
}

/**
 * node:module for the two modules of conncalc's own that import it and that a Rails run loads: the
 * Heroku API reader (createRequire, for the Heroku CLI's own API client) and util/v8-flags.ts
 * (createRequire, when process.binding has no V8 flags) call it only in what a standalone run
 * rarely does, but the import loaded it with the bundle: node:module, and with it Node's ES module
 * loader and source-map modules (≈ 1 M instructions of a `conncalc plan`). In dist/cli.cjs they get
 * a createRequire that requires node:module the first time it is called and returns what its
 * createRequire returns. dist/main.js (an ES module, what the Heroku CLI loads) imports it as before.
 */
const LAZY_NODE_MODULE_IMPORTERS = /[\\/]src[\\/](io[\\/]heroku-api|util[\\/]v8-flags)\.ts$/
const lazyNodeModule = {
  name: 'lazy-node-module',
  setup(build) {
    build.onResolve({filter: /^node:module$/}, (args) => (LAZY_NODE_MODULE_IMPORTERS.test(args.importer) ? {namespace: 'lazy-node-module', path: args.path} : undefined))
    build.onLoad({filter: /.*/, namespace: 'lazy-node-module'}, () => ({
      contents: 'export function createRequire(path) {\n  return require("node:module").createRequire(path)\n}\n',
      loader: 'js',
    }))
  },
}

/**
 * node:tty for the packages that ask whether standard output or error is a terminal (chalk's and
 * debug's supports-color, debug): node:tty loads node:net and Node's streams (~6 M instructions of
 * a `conncalc plan`), which a run whose output is a pipe or a file (bin/code-cache.js's directStdio) otherwise never
 * loads. The stand-in answers isatty() from fstat where the descriptor is not a character device
 * (a pipe, a file, a socket, a folder: never a terminal), and asks node:tty for anything else
 * (a character device, a descriptor fstat refuses), which it then loads: the same answers.
 */
const lazyTty = {
  name: 'lazy-tty',
  setup(build) {
    build.onResolve({filter: /^(node:)?tty$/}, (args) => (args.namespace === 'lazy-tty' ? undefined : {namespace: 'lazy-tty', path: 'node:tty'}))
    build.onLoad({filter: /.*/, namespace: 'lazy-tty'}, () => ({
      contents: `const {fstatSync} = require("node:fs")
let real
const load = () => (real ??= require("node:tty"))
module.exports = {
  isatty(fd) {
    if (Number.isInteger(fd) && fd >= 0 && fd <= 2147483647) {
      try {
        if (!fstatSync(fd).isCharacterDevice()) return false
      } catch {}
    }
    return load().isatty(fd)
  },
  get ReadStream() {
    return load().ReadStream
  },
  get WriteStream() {
    return load().WriteStream
  },
}
`,
      loader: 'js',
    }))
  },
}

/**
 * A build plugin that replaces one line of a dependency's source (`line` → `replacement`), failing
 * the build when the file no longer has that line rather than silently keeping what it cost.
 */
function patchLine(name, filter, line, replacement, what) {
  return patchLines(name, filter, [[line, replacement, what]])
}

/** patchLine for several lines of one file: [line, replacement, what] each. */
function patchLines(name, filter, patches) {
  return {
    name,
    setup(build) {
      build.onLoad({filter}, (args) => {
        let text = readFileSync(args.path, 'utf8')
        for (const [line, replacement, what] of patches) {
          if (!text.includes(line)) throw new Error(`esbuild.config.js: ${args.path} no longer ${what} \`${line}\`; update ${name}`)
          text = text.replace(line, replacement)
        }
        return {contents: text, loader: 'js', resolveDir: dirname(args.path)}
      })
    },
  }
}

/**
 * oclif's config asks on every run whether it runs under Windows' Linux by importing wsl-utils,
 * which requires node:child_process and node:fs/promises and reads /proc. WSL is a Linux whose
 * kernel release or /proc/version names Microsoft, or that has WSL's interop files (is-wsl, which
 * wsl-utils uses): only where one of those holds does the patched line import wsl-utils (and
 * is-wsl still decides); elsewhere the answer is already no. The build fails if oclif's line changes.
 */
const OCLIF_WSL = "return (await import('wsl-utils')).isWsl ? 'wsl' : (0, node_os_1.platform)();"
const MAYBE_WSL = `(() => {
  if (process.platform !== 'linux') return false
  if ((0, node_os_1.release)().toLowerCase().includes('microsoft')) return true
  const fs = require('node:fs')
  try {
    if (fs.readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft')) return true
  } catch {}
  return fs.existsSync('/proc/sys/fs/binfmt_misc/WSLInterop') || fs.existsSync('/run/WSL')
})()`
const oclifWsl = patchLine('oclif-wsl', /[\\/]@oclif[\\/]core[\\/]lib[\\/]util[\\/]os\.js$/, OCLIF_WSL, `return ${MAYBE_WSL} && (await import('wsl-utils')).isWsl ? 'wsl' : (0, node_os_1.platform)();`, 'has')

/**
 * oclif's plugin loader sorts the manifest's commands with String#localeCompare on every run; the
 * first localeCompare of a process starts ICU's collator, ≈ 65 M of the ≈ 550 M instructions a
 * `conncalc plan` on the Rails example takes (valgrind). Command ids are lowercase ASCII words,
 * whose code-point order is their collation order, so the build sorts them by code point. The
 * build fails if oclif's source no longer has that line, rather than silently keep the cost.
 */
const OCLIF_SORT = 'sort((a, b) => a.id.localeCompare(b.id))'
/**
 * A Plugin made with a `manifest` option uses it as its manifest (the commands' flags, arguments
 * and help texts), as it would an oclif.manifest.json it read: src/main.ts passes the one the build
 * wrote into dist/cli.cjs (standaloneManifest below), instead of oclif making it on every run.
 */
const OCLIF_MANIFEST = 'if (!ignoreManifest) {'
const OCLIF_GIVEN_MANIFEST = `if (this.options.manifest) {
            this.commandIDs = Object.keys(this.options.manifest.commands);
            return this.options.manifest;
        }
        ${OCLIF_MANIFEST}`
const oclifPlugin = patchLines('oclif-plugin', /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/, [
  [OCLIF_SORT, 'sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))', 'sorts commands with'],
  [OCLIF_MANIFEST, OCLIF_GIVEN_MANIFEST, 'reads its manifest after'],
])

/**
 * Prism's loadPrism() instantiates its WebAssembly with Node's WASI (node:wasi) for its imports, of
 * which it calls one, once: the bundle gives it conncalc's (src/languages/ruby/prism-wasi.ts, which
 * says why and what it answers) instead. Before, Node's WASI functions were each wrapped in a plain
 * JavaScript function: V8 compiles a TurboFan call wrapper per imported C++ function as it
 * instantiates (≈ 22 M instructions for 45), but one per signature for JavaScript ones; conncalc's
 * are JavaScript. The build fails if Prism's source no longer has that line.
 */
const PRISM_WASI = 'import { WASI } from "wasi";'
const PRISM_OWN_WASI = `import { WASI } from ${JSON.stringify(fileURLToPath(new URL('src/languages/ruby/prism-wasi.ts', import.meta.url)))};`
/**
 * Prism reads its WebAssembly with node:fs/promises' readFile, and oclif reads the user's theme
 * file (~/.config/conncalc/theme.json, usually absent) the same way, twice: those three reads
 * were all that started libuv's threadpool (4 threads) in a `conncalc plan`, and their promise
 * machinery is Node code compiled from source at every start (Node's shipped code covers a
 * module's top level only). Read synchronously, the bytes and the answers are the same: a
 * missing or unreadable theme file is still a rejection that oclif's safeReadJson turns into
 * no theme. node:fs/promises is then left unloaded unless oclif itself uses it (lazyBuiltins).
 */
const PRISM_READ = 'import { readFile } from "node:fs/promises";'
/**
 * loadPrism() takes the function that compiles the module's bytes: conncalc's (src/util/prism-code.ts)
 * gives V8 the code the build compiled ahead when V8 takes it (writePrismCode below).
 */
const PRISM_LOAD = 'export async function loadPrism() {'
const PRISM_COMPILE = 'const wasm = await WebAssembly.compile(await readFile('
/**
 * Prism's index re-exports its node classes and visitors (`export * from`): the bundle takes those
 * from nodes.js itself (src/languages/ruby/prism.ts) and only loadPrism from the index, but V8 links
 * every name a star export brings into the index's namespace as the index is imported, the first
 * time a run parses a text no cache holds. Without the two lines: a first run of the Rails example
 * (no parse cache), callgrind main thread, 228.47 -> 226.80 M instructions.
 */
const PRISM_VISITORS = 'export * from "./visitor.js";'
const PRISM_NODES = 'export * from "./nodes.js";'
const prismLoader = patchLines('prism-loader', /[\\/]@ruby[\\/]prism[\\/]src[\\/]index\.js$/, [
  [PRISM_WASI, PRISM_OWN_WASI, 'imports'],
  [PRISM_READ, 'import { readFileSync as readFile } from "node:fs";', 'reads its WebAssembly with'],
  [PRISM_LOAD, 'export async function loadPrism(compile = WebAssembly.compile) {', 'is declared as'],
  [PRISM_COMPILE, 'const wasm = await compile(await readFile(', 'compiles its WebAssembly with'],
  [PRISM_VISITORS, '', 're-exports'],
  [PRISM_NODES, '', 're-exports'],
])
/**
 * conncalc keeps Prism's parses between runs (src/io/parse-cache.ts): the serialized bytes its
 * WebAssembly returns for a text, which Prism's own parsePrism reads into nodes and frees. The
 * patched line hands them to an `onSerialized` option first (Prism ignores options it does not
 * know); the build fails if the line changes.
 */
const PRISM_DESERIALIZE = 'const result = deserialize(sourceArray, serializedView);'
const prismSerialized = patchLine('prism-serialized', /[\\/]@ruby[\\/]prism[\\/]src[\\/]parsePrism\.js$/, PRISM_DESERIALIZE, `options.onSerialized?.(serializedView);\n  ${PRISM_DESERIALIZE}`, 'reads its parse with')
/**
 * Prism's nodes.js defines each of its 151 node classes with an accept(visitor) and a childNodes(), and
 * visitor.js a BasicVisitor and a Visitor with a method per class: a tree walk by visitor, which
 * conncalc does not use (it walks compactChildNodes()). V8 makes a compiled-function record for
 * every method of a class it defines, and the code cache holds each: ~760 of the ~4,600 a cached
 * Rails plan reads, for code that never runs. The bundles leave those methods out (a visitor made
 * from what is left throws at once). toJSON stays: JSON.stringify of a node calls it. The build
 * fails if the shapes change, or if conncalc's own code names accept(, childNodes( or a Visitor.
 * Cached Rails plan, callgrind (main thread, node --predictable): 227.85 -> 226.38 M instructions.
 */
const PRISM_ACCEPT = /\n {2}accept\(visitor\) \{\n {4}visitor\.visit\w+\(this\)\n {2}\}\n/g
const PRISM_CHILD_NODES = /\n {2}childNodes\(\) \{\n {4}return \[[^\n]*\]\n {2}\}\n/g
const PRISM_NO_VISITOR = `export class BasicVisitor {
  constructor() {
    throw new Error("conncalc's bundle leaves out Prism's visitors (esbuild.config.js prismWithoutVisitors)")
  }
}
export class Visitor extends BasicVisitor {}
`
const prismWithoutVisitors = {
  name: 'prism-without-visitors',
  setup(build) {
    const fail = (what) => {
      throw new Error(`esbuild.config.js (prismWithoutVisitors): ${what}`)
    }
    const src = fileURLToPath(new URL('src', import.meta.url))
    const used = readdirSync(src, {recursive: true}).filter((f) => /\.ts$/.test(f) && /\.(accept|childNodes)\(|\bVisitor\b/.test(readFileSync(join(src, f), 'utf8')))
    if (used.length > 0) fail(`src/${used[0]} calls accept( or childNodes( or names a Visitor: Prism's are left out of the bundle`)
    build.onLoad({filter: /[\\/]@ruby[\\/]prism[\\/]src[\\/](nodes|visitor)\.js$/}, (args) => {
      const text = readFileSync(args.path, 'utf8')
      if (args.path.endsWith('visitor.js')) {
        const classes = [...text.matchAll(/^export class (\w+)/gm)].map((m) => m[1]).join(' ')
        if (classes !== 'BasicVisitor Visitor') fail(`Prism's visitor.js exports the classes ${classes}`)
        return {contents: PRISM_NO_VISITOR, loader: 'js'}
      }
      const classes = text.match(/^export class /gm)?.length ?? 0
      const accepts = text.match(PRISM_ACCEPT)?.length ?? 0
      const children = text.match(PRISM_CHILD_NODES)?.length ?? 0
      if (classes < 100 || accepts !== classes || children !== classes || /\.(accept|childNodes)\(/.test(text.replace(PRISM_ACCEPT, '\n').replace(PRISM_CHILD_NODES, '\n'))) {
        fail(`Prism's nodes.js no longer has one accept(visitor) and one childNodes() of the expected shape per class (${classes} classes, ${accepts}, ${children})`)
      }
      return {contents: text.replace(PRISM_ACCEPT, '\n').replace(PRISM_CHILD_NODES, '\n'), loader: 'js', resolveDir: dirname(args.path)}
    })
  },
}
const OCLIF_READ_JSON = "const contents = await (0, promises_1.readFile)(path, 'utf8');"
/**
 * oclif's Command.run loads its Config again from the one it is given (Config.load: "reloading
 * config"), so that a command bundled with another @oclif/core gets a Config of its own version:
 * every `conncalc plan` loaded oclif's config twice (the user's theme file, the platform, every
 * plugin's commands and topics). In dist/cli.cjs the Config always comes from the same oclif as
 * the command, and the reload would make the same Config again: one of this very oclif (the same
 * _base) is used as it is. Config.load still sets oclif's logger first. The build fails if the
 * line changes.
 */
const OCLIF_RELOAD = 'if (isConfig(opts)) {'
const oclifSameConfig = patchLine('oclif-same-config', /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]config\.js$/, OCLIF_RELOAD, `if (isConfig(opts) && opts._base === BASE && opts instanceof Config)\n            return opts;\n        ${OCLIF_RELOAD}`, 'reloads a Config with')
/**
 * oclif's runner (main.js) and its flag builders (flags.js) require its help module at their top
 * level, which loads the help classes, their formatter, docopts and the root help (≈ 30 KB of
 * oclif, and the ux modules they bring) on every run; a run that prints no help uses only two
 * of its functions, getHelpFlagAdditions and normalizeArgv, which live in help/util.js (help/index.js
 * re-exports them). main.js gets those two from help/util.js and loadHelpClass (what prints help)
 * from help/index.js when it is first asked for; flags.js, which calls only loadHelpClass, the same.
 * The build fails if either line changes.
 */
const OCLIF_HELP_REQUIRE = 'const help_1 = require("./help");'
const oclifLazyHelpMain = patchLine('oclif-lazy-help-main', /[\\/]@oclif[\\/]core[\\/]lib[\\/]main\.js$/, OCLIF_HELP_REQUIRE, 'const help_1 = {getHelpFlagAdditions: require("./help/util").getHelpFlagAdditions, normalizeArgv: require("./help/util").normalizeArgv, get loadHelpClass() { return require("./help").loadHelpClass }};', 'requires its help with')
const oclifLazyHelpFlags = patchLine('oclif-lazy-help-flags', /[\\/]@oclif[\\/]core[\\/]lib[\\/]flags\.js$/, OCLIF_HELP_REQUIRE, 'const help_1 = {get loadHelpClass() { return require("./help").loadHelpClass }};', 'requires its help with')
const OCLIF_HANDLE_HELP_REQUIRE = 'const index_1 = require("../help/index");'
const oclifLazyHelpHandle = patchLine('oclif-lazy-help-handle', /[\\/]@oclif[\\/]core[\\/]lib[\\/]errors[\\/]handle\.js$/, OCLIF_HANDLE_HELP_REQUIRE, 'const index_1 = {get Help() { return require("../help/index").Help }};', 'requires its help with')
/**
 * oclif's cache.js requires its whole package.json (3.9 KB: scripts, dependencies, files …),
 * which the bundle builds as an object literal at every start (≈ 0.5 M instructions), for its
 * version alone (getOclifCoreMeta). It gets that version, read from the same file at build time.
 */
const oclifPackageVersion = {
  name: 'oclif-package-version',
  setup(build) {
    build.onResolve({filter: /^@oclif\/core\/package\.json$/}, (args) => (/[\\/]@oclif[\\/]core[\\/]lib[\\/]cache\.js$/.test(args.importer) ? {namespace: 'oclif-package-version', path: args.path} : undefined))
    build.onLoad({filter: /.*/, namespace: 'oclif-package-version'}, () => ({contents: `module.exports = {version: ${JSON.stringify(fromOclif('@oclif/core/package.json').version)}}`, loader: 'js'}))
  },
}
/**
 * oclif's module loader asks whether the file holding the commands (dist/cli.cjs) is an ES module by its
 * extension, with node:path's extname: Node JavaScript compiled from source at every start (≈ 0.3 M
 * instructions). A name ending in .cjs is CommonJS, as extname's answer '.cjs' says; every other name
 * is asked as before. The build fails if the line changes.
 */
const OCLIF_EXTENSION = 'const extension = (0, node_path_1.extname)(filePath).toLowerCase();'
const oclifCjsExtension = patchLine('oclif-cjs-extension', /[\\/]@oclif[\\/]core[\\/]lib[\\/]module-loader\.js$/, OCLIF_EXTENSION, `if (filePath.endsWith('.cjs'))\n        return false;\n    ${OCLIF_EXTENSION}`, 'asks for a module file\'s extension with')
/**
 * safeReadJson (the user's theme file, every run; usually absent) awaits readJson, an async function whose
 * read now throws before its first await: a promise rejected with no handler yet, which Node's rejection
 * tracking records and then clears as the await takes it (five of Node's functions compiled from source at
 * every start, ≈ 0.7 M instructions). safeReadJson reads the same way inside its own try instead, so a
 * missing file is a caught exception, not a rejected promise; readJson is unchanged for its other callers.
 */
const OCLIF_SAFE_READ_JSON = 'return await readJson(path, useCache);'
const oclifReadJson = patchLines('oclif-read-json', /[\\/]@oclif[\\/]core[\\/]lib[\\/]util[\\/]fs\.js$/, [
  [OCLIF_READ_JSON, "const contents = (0, node_fs_1.readFileSync)(path, 'utf8');", 'reads JSON with'],
  [OCLIF_SAFE_READ_JSON, "if (useCache && cache.has(path))\n            return JSON.parse(cache.get(path));\n        const contents = (0, node_fs_1.readFileSync)(path, 'utf8');\n        cache.set(path, contents);\n        return JSON.parse(contents);", 'reads JSON safely with'],
])

// @ruby/prism (Ruby's parser: JavaScript around a WebAssembly module) is bundled, so that its
// 400 KB of JavaScript is in dist/cli.cjs's code cache instead of compiled on every Rails run
// (≈ 90 M of the 840 M instructions a run took); it reads its WebAssembly from beside itself
// (new URL('prism.wasm', import.meta.url)), so the build copies that beside the bundles.
mkdirSync('dist', {recursive: true})

/**
 * Prism's WebAssembly exports 566 functions and globals (every C function it links), and as
 * V8 instantiates it, it defines each on the instance's exports object: ≈ 12 M of the
 * instructions of a `conncalc plan` on a Rails app (valgrind), for names Prism's JavaScript
 * never reads. Its loader reads ten (parsePrism.js, and Node's WASI initialize reads memory and
 * _initialize); the copy in dist/ exports only those — its code is the same bytes. The build fails
 * if Prism's JavaScript reads another export, or one of these is gone.
 */
const PRISM_EXPORTS = ['memory', '_initialize', 'calloc', 'free', 'pm_buffer_sizeof', 'pm_buffer_init', 'pm_buffer_value', 'pm_buffer_length', 'pm_buffer_free', 'pm_serialize_parse']
function prismWasm() {
  const resolveFrom = createRequire(import.meta.url).resolve
  const loader = readFileSync(resolveFrom('@ruby/prism/src/parsePrism.js'), 'utf8')
  const used = new Set([...loader.matchAll(/\bprism\.(\w+)/g)].map((m) => m[1]))
  const missing = [...used].filter((name) => !PRISM_EXPORTS.includes(name))
  if (missing.length > 0) throw new Error(`esbuild.config.js: Prism's parsePrism.js reads exports ${missing.join(', ')}; add them to PRISM_EXPORTS`)
  return stubUnreachable(keepExports(readFileSync(resolveFrom('@ruby/prism/src/prism.wasm')), PRISM_EXPORTS))
}

/** WebAssembly's unsigned LEB128 number at `at`: [value, offset after it]. */
function readU32(bytes, at) {
  let value = 0
  let shift = 0
  for (;;) {
    const byte = bytes[at++]
    value += (byte & 0x7f) * 2 ** shift
    shift += 7
    if (byte < 0x80) return [value, at]
  }
}

/** WebAssembly's signed LEB128 number at `at` (skipped, not read): the offset after it. */
function skipLeb(bytes, at) {
  while (bytes[at++] & 0x80);
  return at
}

function leb(value) {
  const out = []
  do {
    let byte = value & 0x7f
    value = Math.floor(value / 128)
    if (value > 0) byte |= 0x80
    out.push(byte)
  } while (value > 0)
  return Buffer.from(out)
}

/**
 * The functions the instructions from `at` to `end` call directly or name (ref.func), and whether
 * they call through the table. Every instruction of WebAssembly 2.0 but SIMD is read with its
 * immediates; anything else (SIMD, a later proposal) fails the build rather than be guessed at.
 */
function calledFrom(bytes, at, end) {
  const called = new Set()
  let indirect = false
  const fail = (what) => {
    throw new Error(`esbuild.config.js: prism.wasm holds ${what} at byte ${at}, which the dead-function scan does not read`)
  }
  while (at < end) {
    const op = bytes[at++]
    let index
    if (op === 0x10 || op === 0xd2) {
      ;[index, at] = readU32(bytes, at) // call f, ref.func f
      called.add(index)
    } else if (op === 0x11) {
      indirect = true
      at = readU32(bytes, readU32(bytes, at)[1])[1] // call_indirect type table
    } else if (op === 0x02 || op === 0x03 || op === 0x04) {
      const type = bytes[at]
      at = type === 0x40 || (type >= 0x6f && type <= 0x7f) ? at + 1 : skipLeb(bytes, at) // block type
    } else if (op === 0x0c || op === 0x0d || (op >= 0x20 && op <= 0x26)) {
      at = readU32(bytes, at)[1] // br, br_if, local/global/table get/set
    } else if (op === 0x0e) {
      let targets
      ;[targets, at] = readU32(bytes, at) // br_table
      for (let i = 0; i <= targets; i++) at = readU32(bytes, at)[1]
    } else if (op >= 0x28 && op <= 0x3e) {
      at = readU32(bytes, readU32(bytes, at)[1])[1] // loads and stores: align, offset
    } else if (op === 0x3f || op === 0x40 || op === 0xd0) {
      at++ // memory.size, memory.grow, ref.null
    } else if (op === 0x41 || op === 0x42) {
      at = skipLeb(bytes, at) // i32.const, i64.const
    } else if (op === 0x43 || op === 0x44) {
      at += op === 0x43 ? 4 : 8 // f32.const, f64.const
    } else if (op === 0x1c) {
      let types
      ;[types, at] = readU32(bytes, at) // select with types
      at += types
    } else if (op === 0xfc) {
      let sub
      ;[sub, at] = readU32(bytes, at)
      if (sub <= 7) continue // saturating truncations
      const immediates = {8: 2, 9: 1, 10: 2, 11: 1, 12: 2, 13: 1, 14: 2, 15: 1, 16: 1, 17: 1}[sub]
      if (immediates === undefined) fail(`the instruction 0xfc ${sub}`)
      // memory.init's and memory.copy's memory, memory.fill's: one byte each (here a LEB of one byte)
      for (let i = 0; i < immediates; i++) at = readU32(bytes, at)[1]
    } else if (!(op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b || op === 0xd1 || (op >= 0x45 && op <= 0xc4))) {
      fail(`the instruction 0x${op.toString(16)}`)
    }
  }
  return {called, indirect}
}

/**
 * Prism's WebAssembly with the body of every function nothing can call replaced by \`unreachable\`.
 * With the exports cut to the ones Prism's loader reads (keepExports), a third of its code (its
 * pretty-printer, JSON dump, lexer API …, ≈ 125 of 381 KB) can no longer be reached: V8 still read
 * it from the file, copied it and validated it at every first parse. A function is kept when an
 * export, the start function, the table (which call_indirect reaches) or a global names it, or a
 * kept function calls or names it; the indices stay as they are. The build fails on a section or an
 * instruction it does not read.
 */
function stubUnreachable(wasm) {
  const sections = new Map()
  for (let at = 8; at < wasm.length; ) {
    const id = wasm[at]
    const [size, body] = readU32(wasm, at + 1)
    if (sections.has(id) && id !== 0) throw new Error(`esbuild.config.js: prism.wasm has two sections ${id}`)
    sections.set(id, {body, end: body + size, start: at})
    at = body + size
  }
  const section = (id) => sections.get(id)
  const vector = (id, read) => {
    if (!section(id)) return
    let [count, at] = readU32(wasm, section(id).body)
    for (let i = 0; i < count; i++) at = read(at, i)
    if (at !== section(id).end) throw new Error(`esbuild.config.js: prism.wasm's section ${id} did not read as expected`)
  }
  const roots = new Set()
  let imported = 0
  const skipName = (at) => {
    const [length, name] = readU32(wasm, at)
    return name + length
  }
  vector(2, (at) => {
    at = skipName(skipName(at)) // module and name
    const kind = wasm[at++]
    if (kind !== 0) throw new Error('esbuild.config.js: prism.wasm imports something other than functions')
    imported++
    return readU32(wasm, at)[1]
  })
  vector(7, (at) => {
    const [length, name] = readU32(wasm, at)
    const [index, end] = readU32(wasm, name + length + 1)
    if (wasm[name + length] === 0) roots.add(index)
    return end
  })
  if (section(8)) roots.add(readU32(wasm, section(8).body)[0])
  /** A constant expression (a global's value, a segment's offset), to its end: the offset after it. */
  const constant = (at) => {
    for (;;) {
      const op = wasm[at++]
      if (op === 0x0b) return at
      if (op === 0x41 || op === 0x42) at = skipLeb(wasm, at)
      else if (op === 0x43 || op === 0x44) at += op === 0x43 ? 4 : 8
      else if (op === 0x23) at = readU32(wasm, at)[1]
      else if (op === 0xd0) at++
      else if (op === 0xd2) {
        const [f, next] = readU32(wasm, at)
        roots.add(f)
        at = next
      } else if (![0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e].includes(op)) throw new Error(`esbuild.config.js: prism.wasm has a constant expression with 0x${op.toString(16)}`)
    }
  }
  vector(6, (at) => constant(at + 2)) // each global: its value type, mutability and value
  vector(9, (at) => {
    const [flags, offset] = readU32(wasm, at)
    if (flags !== 0) throw new Error(`esbuild.config.js: prism.wasm has an element segment of kind ${flags}`)
    let [count, index] = readU32(wasm, constant(offset))
    for (; count > 0; count--) {
      let f
      ;[f, index] = readU32(wasm, index)
      roots.add(f)
    }
    return index
  })
  const bodies = []
  vector(10, (at) => {
    const [size, body] = readU32(wasm, at)
    bodies.push({body, end: body + size, start: at})
    return body + size
  })

  const live = new Set()
  const todo = [...roots]
  while (todo.length > 0) {
    const f = todo.pop()
    if (live.has(f)) continue
    live.add(f)
    if (f < imported) continue
    const {body, end} = bodies[f - imported]
    let [groups, at] = readU32(wasm, body) // the locals: count and type, per group
    for (; groups > 0; groups--) at = readU32(wasm, at)[1] + 1
    todo.push(...calledFrom(wasm, at, end).called)
  }

  const UNREACHABLE = Buffer.from([3, 0, 0x00, 0x0b]) // size 3: no locals, unreachable, end
  const code = Buffer.concat([leb(bodies.length), ...bodies.map(({end, start}, i) => (live.has(i + imported) ? wasm.subarray(start, end) : UNREACHABLE))])
  const {end, start} = section(10)
  const stubbed = Buffer.concat([wasm.subarray(0, start), Buffer.from([10]), leb(code.length), code, wasm.subarray(end)])
  new globalThis.WebAssembly.Module(stubbed) // throws if the result is not valid WebAssembly
  return stubbed
}

/** A WebAssembly binary with only the named exports left in its export section (section 7). */
function keepExports(wasm, names) {
  if (wasm.readUInt32LE(0) !== 0x6d736100) throw new Error('esbuild.config.js: prism.wasm is not WebAssembly')
  const parts = [wasm.subarray(0, 8)]
  const found = new Set()
  for (let at = 8; at < wasm.length; ) {
    const start = at
    const id = wasm[at++]
    const [size, body] = readU32(wasm, at)
    at = body + size
    if (id !== 7) {
      parts.push(wasm.subarray(start, at))
      continue
    }
    const [count, first] = readU32(wasm, body)
    const kept = []
    let entry = first
    for (let i = 0; i < count; i++) {
      const [length, nameAt] = readU32(wasm, entry)
      const name = wasm.subarray(nameAt, nameAt + length).toString('utf8')
      const [, end] = readU32(wasm, nameAt + length + 1) // the kind (one byte), then the index
      if (names.includes(name)) {
        kept.push(wasm.subarray(entry, end))
        found.add(name)
      }
      entry = end
    }
    if (entry !== at) throw new Error('esbuild.config.js: prism.wasm\'s export section did not read as expected')
    const content = Buffer.concat([leb(kept.length), ...kept])
    parts.push(Buffer.from([7]), leb(content.length), content)
  }
  const gone = names.filter((name) => !found.has(name))
  if (gone.length > 0) throw new Error(`esbuild.config.js: prism.wasm no longer exports ${gone.join(', ')}`)
  return Buffer.concat(parts)
}

const prismBytes = prismWasm()
writeFileSync('dist/prism.wasm', prismBytes)
// Names the code compiled ahead from these bytes (src/util/prism-code.ts): V8 does not check that
// the bytes it is handed with it are the ones it was compiled from.
const PRISM_WASM_HASH = createHash('sha256').update(prismBytes).digest('hex').slice(0, 16)
const prismDefine = {__CONNCALC_PRISM_WASM__: JSON.stringify(PRISM_WASM_HASH)}

writeAscii(await esbuild.build({
  ...common,
  // The bundle is ESM; CommonJS inside it (oclif) calls require(), which ESM lacks.
  banner: {js: "import {createRequire as __conncalcRequire} from 'node:module'; const require = __conncalcRequire(import.meta.url);"},
  define: prismDefine,
  entryPoints: ['src/main.ts'],
  external: ['web-tree-sitter', 'oxc-parser', 'pg', 'typescript', 'ts-node'],
  format: 'esm',
  outdir: 'dist',
  plugins: [jsonParsed, lazyPackages, lazyDebug, lazyBuiltins, lazyTty, oclifWsl, oclifPlugin, oclifReadJson, prismLoader, prismSerialized, prismWithoutVisitors],
  splitting: true,
  write: false,
}))

// dist/cli.cjs: the same program as one CommonJS file, for bin/run.js. Node 20 keeps no
// compiled code between runs (module.enableCompileCache is Node >= 22.1) and has no code-cache
// API for ES modules; for a script it has one (vm.Script's cachedData), and bin/run.js keeps
// V8's code for this file between runs (bin/code-cache.js): the ~70 ms V8 spends parsing and
// compiling the bundle on every start, a third of a run, becomes a read of the cached code.
// The Heroku CLI loads dist/main.js (above), as before.
// zod (825 KB, a quarter of dist/cli.cjs) validates a conncalc.yml or a plans file, and a run
// without one never imports it: it is a bundle of its own, dist/zod.cjs, which
// bin/code-cache.js loads (with a code cache of its own) the first time the program imports
// zod. Every byte of dist/cli.cjs is read into memory on every start, used or not. zod has no
// import of conncalc's code, so there is one copy of it and nothing of conncalc's twice.
// smol-toml (the TOML parser, 25 KB as CommonJS) reads only an app's fly.toml, the same way.
const SIBLINGS = {'smol-toml': './smol-toml.cjs', zod: './zod.cjs'}
const siblingBundles = {
  name: 'sibling-bundles',
  setup(build) {
    build.onResolve({filter: new RegExp(`^(${Object.keys(SIBLINGS).join('|')})$`)}, (args) => ({external: true, path: SIBLINGS[args.path]}))
  },
}

const cli = await esbuild.build({
  ...common,
  // import.meta does not exist in a script: its one use here (createRequire(import.meta.url))
  // gets the file's own URL, which bin/code-cache.js passes in as __conncalcUrl.
  define: {'import.meta.url': '__conncalcUrl', ...prismDefine},
  entryPoints: {cli: 'src/main.ts'},
  external: ['web-tree-sitter', 'oxc-parser', 'pg', 'typescript', 'ts-node'],
  format: 'cjs',
  // Minified (whitespace, local and module-level names, syntax): every start reads these bytes,
  // copies them into a string and V8 hashes the names its cached code holds, so the 1.78 MB
  // with names kept became 1.31 MB: ≈ 270 fewer page faults and ≈ 8–12 M fewer instructions of a
  // Rails plan (valgrind). No message depends on what a function or class is called (errors set
  // their own `name`); a stack trace, printed only for an internal error under DEBUG, names the
  // minified functions. dist/main.js, which the Heroku CLI loads, is left as it was.
  // `CONNCALC_NO_MINIFY=1 npm run build` keeps the names, for a profile (`node --cpu-prof bin/run.js …`)
  // that says which function the time goes to; never for a build that is shipped or timed.
  // In two steps: the names and the syntax here, then all of it (whitespace too) once
  // lazyScopes() below has read the `// path` comments esbuild writes between the modules.
  metafile: true,
  minifyIdentifiers: !process.env.CONNCALC_NO_MINIFY,
  minifySyntax: !process.env.CONNCALC_NO_MINIFY,
  outExtension: {'.js': '.cjs'},
  outdir: 'dist',
  plugins: [jsonParsed, lazyPackages, lazyDebug, lazyBuiltins, lazyTty, oclifWsl, oclifPlugin, oclifReadJson, oclifCjsExtension, oclifSameConfig, oclifLazyHelpMain, oclifLazyHelpFlags, oclifLazyHelpHandle, oclifPackageVersion, lazyNodeModule, prismLoader, prismSerialized, prismWithoutVisitors, siblingBundles],
  write: false,
})

// Each sibling: the package's ES module entry, as the program's import() saw it, in CommonJS.
const siblings = await esbuild.build({
  ...common,
  entryPoints: Object.fromEntries(Object.entries(SIBLINGS).map(([name, file]) => [file.replace(/^\.\/|\.cjs$/g, ''), `sibling:${name}`])),
  format: 'cjs',
  minifyWhitespace: true,
  outExtension: {'.js': '.cjs'},
  outdir: 'dist',
  plugins: [
    {
      name: 'sibling-entries',
      setup(build) {
        build.onResolve({filter: /^sibling:/}, (args) => ({namespace: 'sibling', path: args.path.slice('sibling:'.length)}))
        build.onLoad({filter: /.*/, namespace: 'sibling'}, (args) => ({contents: `export * from ${JSON.stringify(args.path)}`, loader: 'js', resolveDir: process.cwd()}))
      },
    },
  ],
  write: false,
})

// A script run by vm.Script can call import() only with --experimental-vm-modules, and
// not at all once its code comes from a code cache (Node 20). The packages loaded lazily
// (@ruby/prism, the tree-sitter and oxc parsers, pg) are ES modules or load WebAssembly:
// every import(…) in the bundle becomes __conncalcImport(…), which bin/code-cache.js
// passes in — an import() made by bin/ itself; it loads a sibling bundle (./zod.cjs) itself.
const importsReplaced = (code, name, program = parseSync(name, code, {sourceType: 'script'}).program) => {
  for (const at of importsOf(program).sort((a, b) => b - a)) {
    if (code.slice(at, at + 6) !== 'import') throw new Error(`dist/${name}: no import( at ${at}`)
    code = `${code.slice(0, at)}__conncalcImport${code.slice(at + 6)}`
  }
  return code
}

/** Where the program's import(…) expressions start. */
function importsOf(program) {
  const calls = []
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk)
    if (node === null || typeof node !== 'object') return
    if (node.type === 'ImportExpression') calls.push(node.start)
    for (const key in node) if (key !== 'type') walk(node[key])
  }
  walk(program)
  return calls
}

/**
 * The modules a Rails run never loads, out of the bundle's top-level scope. esbuild hoists every
 * module's top-level names into the one function dist/cli.cjs is (~4,200 of them, a third from
 * the Python, Node, JVM, Go, Rust, PHP, Elixir and .NET analyzers, which only import() reaches):
 * V8 keeps the names of a function's context in a hash table that it rebuilds each time it reads
 * the code cache, creates a closure for each top-level function and runs each module's export
 * table at every start, and the cache holds a compiled-function record for each of them. Here
 * those modules' top-level statements move into functions of their own (one per set of modules
 * that import one another), called the first time a process type imports one of them: a run
 * that never does (the Rails example) has 2,564 names instead of 4,216, and the cache holds six
 * uncompiled functions where it held one per function of those modules (1.58 -> 1.46 MB). Cached Rails plan, callgrind
 * (main thread, node --predictable): 234.88 -> 227.64 M instructions.
 *
 * The same holds for the Ruby analyzers only import() reaches that a Rails app without them never
 * loads (thin, webrick, falcon, passenger, resque, delayed_job, que, shoryuken, sneakers with
 * rails-process, ruby-script): 2,620 -> 2,526 names, 228.53 -> 227.85 M.
 *
 * A module moves when the entry does not reach it by static imports, it is not Prism's (a Rails
 * run loads it), and no module that stays imports it statically. esbuild wraps such a module
 * (reached by import()) in an `init` function; its top level then only declares: functions, `var`s (its init, its export object, a CommonJS package's
 * `require` function) and its export table (__export's getters), which run nothing of the module,
 * so they run the same when called later. What stays reaches a moved module only through an
 * import() esbuild wrote: `(init(), exports)` or `__toESM(require())`: those names get a stand-in
 * that makes the module's set and then calls the real one. The build fails if esbuild's output no
 * longer has that shape (its helpers, a module's statements), rather than move code that runs.
 *
 * The sets of languages other than Ruby are written to dist/cli-lazy.cjs (LAZY_FILE) instead: V8 copies every byte
 * of dist/cli.cjs into a string at every start, and those sets were 40% of it (a Rails run: 2.1 -> 1.27 MB read,
 * ≈ 380 fewer page faults; its instructions unchanged). Their code reads dist/cli.cjs's names through an object of
 * getters (splitScopes), so it sees the same bindings; the file is loaded, with a code cache of its own, the first
 * time one of its sets is made (__conncalcLoad, bin/code-cache.js).
 * Returns {main, lazy}: the program and dist/cli-lazy.cjs's, with import(…) as __conncalcImport(…)
 * (importsReplaced), minified (names, syntax, whitespace) unless CONNCALC_NO_MINIFY.
 */
const KEPT_IN_MAIN_SCOPE = /(^|\/)node_modules\/@ruby\/prism\//
/** esbuild's helpers, minified (their names and spacing aside) or not. */
const ESBUILD_HELPERS = {
  commonJS: ['(n,e)=>()=>{try{return e||n((e={exports:{}}).exports,e),e.exports}catch(t){throw e=0,t}}'],
  esm: ['(n,e,t)=>()=>{if(t)throw t[0];try{return n&&(e=n(n=0)),e}catch(s){throw t=[s],s}}'],
  export: ['(n,e)=>{for(var t in e)r(n,t,{get:e[t],enumerable:!0})}'],
}
const UNMINIFIED_HELPERS = {commonJS: '__commonJS', esm: '__esm', export: '__export'}
/** A function's text with whitespace and semicolons dropped and each name numbered in order of appearance. */
const shapeOf = (text) => {
  const names = new Map()
  return text.replace(/[\s;]+/g, '').replace(/[A-Za-z_$][\w$]*/g, (name) => {
    if (!names.has(name)) names.set(name, `$${names.size}`)
    return names.get(name)
  })
}

function lazyScopes(code, metafile) {
  const fail = (what) => {
    throw new Error(`esbuild.config.js (lazyScopes): ${what}`)
  }
  const {comments, errors, program} = parseSync('cli.cjs', code, {sourceType: 'script'})
  if (errors.length > 0) fail(`dist/cli.cjs does not parse: ${errors[0].message}`)
  const inputs = metafile.inputs
  const statements = program.body
  // Each top-level statement's module: the last `// path` comment before it.
  const marks = comments.filter((c) => c.type === 'Line' && Object.hasOwn(inputs, c.value.slice(1)))
  const moduleOf = new Map()
  let m = 0
  for (const statement of statements) {
    while (m < marks.length && marks[m].start < statement.start) m++
    if (m < marks.length && marks[m].start < statement.end) fail(`a module starts inside a statement at ${statement.start}`)
    moduleOf.set(statement, m === 0 ? undefined : marks[m - 1].value.slice(1))
  }
  const preamble = statements.filter((s) => moduleOf.get(s) === undefined)

  // esbuild's helpers, by name unminified, else by shape.
  const helper = {}
  for (const statement of preamble) {
    if (statement.type !== 'VariableDeclaration') continue
    for (const d of statement.declarations) {
      if (d.id.type !== 'Identifier' || !d.init) continue
      for (const [key, shapes] of Object.entries(ESBUILD_HELPERS)) {
        if (d.id.name === UNMINIFIED_HELPERS[key] || shapes.some((shape) => shapeOf(shape) === shapeOf(code.slice(d.init.start, d.init.end)))) helper[key] = d.id.name
      }
    }
  }
  for (const key of Object.keys(ESBUILD_HELPERS)) if (!helper[key]) fail(`esbuild's ${key} helper is not in dist/cli.cjs's first statements (a new esbuild?); update ESBUILD_HELPERS`)
  const calls = (e, key) => e?.type === 'CallExpression' && e.callee.type === 'Identifier' && e.callee.name === helper[key]

  // A statement that runs nothing of its module: what it declares for stand-ins (callable: an init or require function; object: an export object).
  const declaresOnly = (s) => {
    if (s.type === 'FunctionDeclaration') return {callable: [], object: []}
    if (s.type === 'ExpressionStatement' && calls(s.expression, 'export')) return {callable: [], object: []}
    if (s.type !== 'VariableDeclaration' || s.kind !== 'var') return undefined
    const found = {callable: [], object: []}
    for (const d of s.declarations) {
      if (d.id.type !== 'Identifier') return undefined
      if (calls(d.init, 'esm') || calls(d.init, 'commonJS')) found.callable.push(d.id.name)
      else if (d.init?.type === 'ObjectExpression' && d.init.properties.length === 0) found.object.push(d.id.name)
      else if (d.init) return undefined
    }
    return found
  }

  // The modules that move, their sets, and the names what stays reaches them by.
  const reach = (roots) => {
    const seen = new Set(roots)
    const queue = [...roots]
    while (queue.length > 0) {
      for (const i of inputs[queue.pop()]?.imports ?? []) {
        if (i.external || i.kind === 'dynamic-import' || seen.has(i.path)) continue
        seen.add(i.path)
        queue.push(i.path)
      }
    }
    return seen
  }
  const entry = Object.values(metafile.outputs).find((o) => o.entryPoint)?.entryPoint
  const kept = reach([entry, ...Object.keys(inputs).filter((f) => KEPT_IN_MAIN_SCOPE.test(f))])
  const moving = new Set(Object.keys(inputs).filter((f) => !kept.has(f)))
  for (const s of statements) if (moving.has(moduleOf.get(s)) && !declaresOnly(s)) moving.delete(moduleOf.get(s))
  for (let changed = true; changed; ) {
    changed = false
    for (const f of Object.keys(inputs)) {
      if (moving.has(f)) continue
      for (const i of inputs[f].imports) {
        if (i.kind !== 'dynamic-import' && moving.delete(i.path)) changed = true
      }
    }
  }
  const setOf = new Map([...moving].map((f) => [f, f]))
  const root = (f) => (setOf.get(f) === f ? f : root(setOf.get(f)))
  for (const f of moving) for (const i of inputs[f].imports) if (moving.has(i.path)) setOf.set(root(i.path), root(f))
  const reached = new Set() // moved modules an import() of a module that stays loads
  for (const f of Object.keys(inputs)) if (!moving.has(f)) for (const i of inputs[f].imports) if (moving.has(i.path)) reached.add(i.path)

  // The program again: each set's statements inside its function, after esbuild's helpers.
  const imports = importsOf(program).sort((a, b) => a - b)
  let next = 0
  const copy = (start, end) => {
    let text = ''
    while (next < imports.length && imports[next] < start) next++
    let at = start
    for (let i = next; i < imports.length && imports[i] < end; i++) {
      if (code.slice(imports[i], imports[i] + 6) !== 'import') fail(`no import( at ${imports[i]}`)
      text += `${code.slice(at, imports[i])}__conncalcImport`
      at = imports[i] + 6
    }
    return text + code.slice(at, end)
  }
  const sets = new Map()
  const insertAt = preamble.at(-1)?.end ?? 0
  const head = copy(0, insertAt)
  let rest = ''
  let at = insertAt
  for (const s of statements) {
    const f = moduleOf.get(s)
    if (!moving.has(f)) continue
    if (s.start < insertAt) fail(`a moved statement at ${s.start} is among esbuild's helpers`)
    rest += copy(at, s.start)
    at = s.end
    const set = root(f)
    if (!sets.has(set)) sets.set(set, {callable: [], files: new Set(), object: [], text: []})
    const entry = sets.get(set)
    entry.files.add(f)
    entry.text.push(copy(s.start, s.end))
    if (reached.has(f)) {
      const names = declaresOnly(s)
      entry.callable.push(...names.callable)
      entry.object.push(...names.object)
    }
  }
  rest += copy(at, code.length)
  // The moved sets' statements go to a file of their own (dist/cli-lazy.cjs, LAZY_FILE): V8 reads and copies every
  // byte of dist/cli.cjs into a string on every start, and a Rails run never calls these functions. Each set is a
  // method of what that file returns, given an object that reads (and writes) the names of dist/cli.cjs's top level
  // and its wrapper's parameters that the set's code uses (its references to them are rewritten to that object's
  // properties: splitScopes), so each reads the very bindings it read in place.
  const mainNames = new Set(PARAMETER_NAMES)
  const declared = (node, into) => {
    if (!node) return
    if (node.type === 'Identifier') into.add(node.name)
    else if (node.type === 'ObjectPattern') for (const p of node.properties) declared(p.type === 'RestElement' ? p.argument : p.value, into)
    else if (node.type === 'ArrayPattern') for (const e of node.elements) declared(e, into)
    else if (node.type === 'RestElement') declared(node.argument, into)
    else if (node.type === 'AssignmentPattern') declared(node.left, into)
    else fail(`a top-level declaration of a ${node.type}`)
  }
  for (const st of statements) {
    if (moving.has(moduleOf.get(st))) continue
    if (st.type === 'VariableDeclaration') for (const d of st.declarations) declared(d.id, mainNames)
    else if ((st.type === 'FunctionDeclaration' || st.type === 'ClassDeclaration') && st.id) mainNames.add(st.id.name)
  }
  let scopes = ''
  let methods = ''
  let n = 0
  let split = 0
  for (const {callable, files, object, text} of sets.values()) {
    const names = [...callable, ...object]
    if (names.length === 0) fail('a set of moved modules that nothing reaches')
    for (const name of names) mainNames.add(name)
    const make = `__conncalcScope${n++}`
    mainNames.add(make)
    scopes += `var ${names.map((name) => (callable.includes(name) ? `${name} = () => (${make}(), ${name}())` : name)).join(', ')};\n`
    if ([...files].some((f) => INLINE_SCOPES.test(f))) {
      scopes += `function ${make}() {\n({${names.join(', ')}} = (() => {\n${text.join('\n')}\nreturn {${names.join(', ')}};\n})());\n}\n`
      continue
    }
    scopes += `function ${make}() {\n({${names.join(', ')}} = __conncalcLazy().s${split}());\n}\n`
    methods += `s${split++}() {\n${text.join('\n')}\nreturn {${names.join(', ')}};\n},\n`
  }
  if (split === 0) fail('no modules moved to dist/cli-lazy.cjs')
  const prefix = `"use strict";\nmodule.exports = (${BRIDGE}) => ({\n`
  const {lazy, bridged} = splitScopes(`${prefix}${methods}});\n`, prefix.length, mainNames, fail)
  const bridge = bridged.map(({name, written}) => `get ${name}() {\nreturn ${name};\n}${written ? `,\nset ${name}(value) {\n${name} = value;\n}` : ''}`).join(',\n')
  scopes += `var __conncalcLazyScopes;\nfunction __conncalcLazy() {\nreturn __conncalcLazyScopes ??= __conncalcLoad(${JSON.stringify(`./${LAZY_FILE}`)})({\n${bridge}\n});\n}\n`
  const out = `${head}\n${scopes}${rest}`
  const minify = (text) => (process.env.CONNCALC_NO_MINIFY ? text : esbuild.transformSync(text, {format: 'cjs', minify: true}).code)
  return {lazy: minify(lazy), main: minify(out)}
}

/**
 * Sets of moved modules that stay in dist/cli.cjs (in their function, as before): Ruby's, since the process types
 * of a Rails app may run them (the Rails example's worker runs rails-process), and a set there costs a Rails run
 * nothing until it is called, while dist/cli-lazy.cjs would be read whole, with its code cache, for it.
 */
const INLINE_SCOPES = /(^|[\\/])src[\\/]languages[\\/]ruby[\\/]/

/** What the moved sets' code calls the object that gives it dist/cli.cjs's names (not a name esbuild writes). */
const BRIDGE = '__conncalcMain'
/** The file the moved sets are written to, beside dist/cli.cjs. */
const LAZY_FILE = 'cli-lazy.cjs'

/**
 * `program` (the moved sets, as dist/cli-lazy.cjs's text) with each reference from offset `from` on to a name in `kept` (dist/cli.cjs's
 * top-level names and its wrapper's parameters) that no scope of its own declares rewritten to a property of
 * BRIDGE: a read to `(0, BRIDGE.name)` (called, it gets no `this`, as the name's function got none), a write to
 * `BRIDGE.name`, a shorthand property `{name}` to `{name: …}`. Scopes are eslint-scope's (ESLint's own, on espree's
 * tree), in strict mode as the bundle is. Returns the text and the names it reads, each marked if it writes one.
 */
function splitScopes(program, from, kept, fail) {
  const fromEslint = createRequire(createRequire(import.meta.url).resolve('eslint/package.json'))
  const espree = fromEslint('espree')
  const eslintScope = fromEslint('eslint-scope')
  const ast = espree.parse(program, {ecmaVersion: 'latest', range: true, sourceType: 'script'})
  const manager = eslintScope.analyze(ast, {ecmaVersion: 2022, impliedStrict: true, sourceType: 'script'})
  const shorthand = new Set()
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk)
    if (!node || typeof node.type !== 'string') return
    if (node.type === 'Property' && node.shorthand) shorthand.add((node.value.type === 'AssignmentPattern' ? node.value.left : node.value).range[0])
    for (const key of Object.keys(node)) if (key !== 'parent' && node[key] && typeof node[key] === 'object') walk(node[key])
  }
  walk(ast)
  const global = manager.globalScope
  if (global.through.some((r) => r.identifier.name === BRIDGE) || global.set.size > 0) fail(`dist/${LAZY_FILE}'s code declares a global or names ${BRIDGE}`)
  const edits = []
  const bridged = new Map()
  for (const ref of global.through) {
    const {name, range} = ref.identifier
    if (!kept.has(name) || range[0] < from) continue
    const written = ref.isWrite()
    bridged.set(name, (bridged.get(name) ?? false) || written)
    const access = written ? `${BRIDGE}.${name}` : `(0, ${BRIDGE}.${name})`
    edits.push({at: range[0], end: range[1], text: shorthand.has(range[0]) ? `${name}: ${access}` : access})
  }
  // Pieces joined once: splicing each edit into the whole text copied it every time (tens of
  // thousands of edits of a text of megabytes: 33 of a 40 s build on a 2-core machine).
  edits.sort((a, b) => a.at - b.at)
  const pieces = []
  let at = 0
  for (const e of edits) {
    pieces.push(program.slice(at, e.at), e.text)
    at = e.end
  }
  pieces.push(program.slice(at))
  const text = pieces.join('')
  return {bridged: [...bridged].map(([name, written]) => ({name, written})), lazy: text}
}

/**
 * Write a bundle bin/code-cache.js runs. The first line names this build: bin/code-cache.js keys
 * the cache by it, since V8 itself checks only the source's length before it uses cached code.
 * The code is written inside the function bin/code-cache.js calls (its WRAPPER, on the third line),
 * so the file's text is the script V8 compiles, with no copy made to wrap it. Loaded any other way
 * (require(), where `this` is module.exports), the bundle would be a second copy of conncalc
 * beside the first, without __conncalcImport: the second line says so at once instead.
 */
const {PARAMETERS, WRAPPER} = createRequire(import.meta.url)('./bin/code-cache.js')
const PARAMETER_NAMES = PARAMETERS.split(', ')
const writeScript = (name, code) => {
  const build = createHash('sha256').update(code).digest('hex').slice(0, 16)
  const guard = `if (this !== globalThis) throw new Error("dist/${name} runs through bin/code-cache.js (bin/run.js), not require()");`
  writeFileSync(`dist/${name}`, `// conncalc build ${build}\n${guard}\n${WRAPPER}${code}\n})\n`)
}


/**
 * esbuild gives each module that import() loads an export object, filled at the bundle's start with
 * a getter per export (`ns = {}; __export(ns, {name: () => binding, …})`), whether or not the run
 * loads the module. Prism's two are 151 and 154 getters (its node classes, once for nodes.js and
 * once for its index, which re-exports them): each start made 305 closures and defined 305
 * properties one by one, and the code cache held a compiled-function record for each getter
 * (≈ 1.7 M instructions a table, callgrind, a cached Rails plan). Here a table moves to the end of
 * its module's init function, as plain values (`ns = {name: binding, …}`), where that gives the
 * same object to everything that reads it:
 *  - every read of `ns` is esbuild's import() of the module, `Promise.resolve().then(() => (init(), ns))`:
 *    it reads `ns` after its init has run to the end (a microtask, never in the middle of an init);
 *  - each export is a binding of the bundle's top level that only that init's own statements (or a
 *    function declaration) assign, so it no longer changes once the init has run: the value read
 *    then is the one a getter would return ever after.
 * A table whose reads are all such imports but whose exports another module's init assigns (Prism's
 * index re-exports its visitors) moves as it is, getters and all, to the start of the init: made
 * before anything reads it, and only by a run that loads the module. Any other table stays as
 * esbuild wrote it. Names are resolved by scope (eslint-scope, on espree's tree), not by text.
 */
function valueExportTables(program) {
  const fail = (what) => {
    throw new Error(`esbuild.config.js (valueExportTables): ${what}`)
  }
  const fromEslint = createRequire(createRequire(import.meta.url).resolve('eslint/package.json'))
  const espree = fromEslint('espree')
  const eslintScope = fromEslint('eslint-scope')
  // As a function's body (the bundle is one, bin/code-cache.js's WRAPPER): its names are that function's, resolved.
  const ast = espree.parse(program, {ecmaFeatures: {globalReturn: true}, ecmaVersion: 'latest', range: true, sourceType: 'script'})
  const manager = eslintScope.analyze(ast, {ecmaVersion: 2022, impliedStrict: true, nodejsScope: true, sourceType: 'script'})
  const top = manager.globalScope.childScopes[0]
  if (top?.block !== ast) fail('no scope for the program')
  const parents = new Map()
  const walk = (node, parent) => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, parent))
    if (!node || typeof node.type !== 'string') return
    parents.set(node, parent)
    for (const key of Object.keys(node)) if (key !== 'range' && node[key] && typeof node[key] === 'object') walk(node[key], node)
  }
  walk(ast, undefined)
  const text = (node) => program.slice(node.range[0], node.range[1])
  const helper = {}
  for (const statement of ast.body) {
    if (statement.type !== 'VariableDeclaration') continue
    for (const d of statement.declarations) {
      if (d.id.type !== 'Identifier' || !d.init) continue
      for (const key of ['esm', 'export']) if (d.id.name === UNMINIFIED_HELPERS[key] || ESBUILD_HELPERS[key].some((shape) => shapeOf(shape) === shapeOf(text(d.init)))) helper[key] ??= d.id.name
    }
  }
  if (!helper.esm || !helper.export) fail("esbuild's __esm or __export helper is not at dist/cli.cjs's top level (a new esbuild?); update ESBUILD_HELPERS")
  const variable = (name) => top.set.get(name)
  const isCall = (node, name, args) => node?.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === name && node.arguments.length === args
  // `Promise.resolve().then(() => (init(), ns))`: the init's name, else undefined.
  const importedInit = (reference) => {
    const sequence = parents.get(reference.identifier)
    if (sequence?.type !== 'SequenceExpression' || sequence.expressions.length !== 2 || sequence.expressions[1] !== reference.identifier) return undefined
    const [init] = sequence.expressions
    if (init.type !== 'CallExpression' || init.arguments.length > 0 || init.callee.type !== 'Identifier') return undefined
    const arrow = parents.get(sequence)
    const then = parents.get(arrow)
    if (arrow?.type !== 'ArrowFunctionExpression' || arrow.params.length > 0 || arrow.body !== sequence) return undefined
    if (then?.type !== 'CallExpression' || then.arguments.length !== 1 || then.arguments[0] !== arrow || then.callee.type !== 'MemberExpression' || then.callee.property.name !== 'then') return undefined
    const resolved = then.callee.object
    if (!(resolved.type === 'CallExpression' && resolved.arguments.length === 0 && text(resolved.callee) === 'Promise.resolve')) return undefined
    return init.callee.name
  }
  const edits = []
  let moved = 0
  for (const statement of ast.body) {
    const call = statement.type === 'ExpressionStatement' ? statement.expression : undefined
    if (!isCall(call, helper.export, 2) || call.arguments[0].type !== 'Identifier' || call.arguments[1].type !== 'ObjectExpression') continue
    const ns = variable(call.arguments[0].name)
    const declarator = ns?.defs.length === 1 ? ns.defs[0].node : undefined
    if (declarator?.type !== 'VariableDeclarator' || declarator.init?.type !== 'ObjectExpression' || declarator.init.properties.length > 0) continue
    const reads = ns.references.filter((r) => r.identifier !== declarator.id && r.identifier !== call.arguments[0])
    const inits = new Set(reads.map(importedInit))
    if (reads.length === 0 || inits.size !== 1 || inits.has(undefined)) continue
    const init = variable([...inits][0])
    const made = init?.defs.length === 1 ? init.defs[0].node : undefined
    // __esm's argument: the init itself when minified, else an object whose one method (named for the module) it is.
    const given = made?.type === 'VariableDeclarator' && isCall(made.init, helper.esm, 1) ? made.init.arguments[0] : undefined
    const body = given?.type === 'ObjectExpression' && given.properties.length === 1 ? given.properties[0].value : given
    if (!['ArrowFunctionExpression', 'FunctionExpression'].includes(body?.type) || body.body.type !== 'BlockStatement' || init.references.some((r) => r.isWrite() && r.identifier !== made.id)) continue
    const initScope = manager.acquire(body)
    // Each export: `name: () => binding`, a binding assigned only by the init's own statements or declared as a function.
    const values = []
    for (const property of call.arguments[1].properties) {
      const getter = property.value
      if (property.type !== 'Property' || property.computed || getter.type !== 'ArrowFunctionExpression' || getter.params.length > 0 || getter.body.type !== 'Identifier') break
      const binding = variable(getter.body.name)
      if (!binding || binding.defs.length !== 1) break
      const def = binding.defs[0]
      const writes = binding.references.filter((r) => r.isWrite())
      const fixed = def.type === 'FunctionName' ? writes.length === 0 : def.type === 'Variable' && !def.node.init && writes.length === 1 && writes[0].from === initScope
      if (!fixed) break
      values.push(`${text(property.key)}:${getter.body.name}`)
    }
    edits.push({at: statement.range[0], end: statement.range[1], text: ''})
    if (values.length === call.arguments[1].properties.length) edits.push({at: body.body.range[1] - 1, end: body.body.range[1] - 1, text: `;${ns.name}={${values.join(',')}}`})
    // Else the getters as esbuild wrote them, made as the init starts: still before any read.
    else edits.push({at: body.body.range[0] + 1, end: body.body.range[0] + 1, text: `${text(statement).replace(/;?$/, ';')}`})
    moved++
  }
  edits.sort((a, b) => b.at - a.at)
  let out = program
  for (const e of edits) out = out.slice(0, e.at) + e.text + out.slice(e.end)
  return {moved, program: out}
}

const scoped = lazyScopes(ascii(cli.outputFiles[0].text), cli.metafile)
const tables = valueExportTables(ascii(scoped.main))
if (tables.moved === 0) throw new Error('esbuild.config.js (valueExportTables): no export table moved (Prism\'s nodes.js and index have one each)')
let code = tables.program

writeScript('cli.cjs', code)

/**
 * The standalone command table's oclif manifest (src/main.ts's STANDALONE_MANIFEST): made by a run
 * of the bundle just written, then written into it in place of the placeholder, as a string of
 * JSON (non-ASCII as \u escapes). Only the manifest changes; the commands it describes are the
 * same code. If it cannot be made, the bundle keeps the placeholder and oclif makes the manifest
 * on every run, as before.
 */
const MANIFEST_PLACEHOLDER = JSON.stringify('__CONNCALC_STANDALONE_MANIFEST__')
const MANIFEST_SCRIPT = `const {resolve} = require('node:path')
const {pathToFileURL} = require('node:url')
const {standaloneManifest} = require('./bin/code-cache.js').loadBundle(resolve('dist/cli.cjs'), {CONNCALC_CODE_CACHE: '0'})
standaloneManifest({dir: pathToFileURL(resolve('bin/run.js')).href, target: './dist/cli.cjs'}).then((manifest) => process.stdout.write(JSON.stringify(manifest)))`
function withStandaloneManifest(code) {
  if (!code.includes(MANIFEST_PLACEHOLDER)) throw new Error(`esbuild.config.js: dist/cli.cjs no longer holds ${MANIFEST_PLACEHOLDER} (src/main.ts's STANDALONE_MANIFEST)`)
  const env = {...process.env, NO_COLOR: '1'}
  delete env.NODE_OPTIONS
  const made = spawnSync(process.execPath, ['-e', MANIFEST_SCRIPT], {cwd: fileURLToPath(new URL('.', import.meta.url)), encoding: 'utf8', env})
  let manifest
  try {
    manifest = JSON.parse(made.stdout)
  } catch {
    manifest = undefined // not JSON: said below
  }
  if (made.status !== 0 || typeof manifest?.commands !== 'object') {
    process.stderr.write(`esbuild.config.js: the standalone manifest was not made (exited ${made.status}): ${made.stderr}\n`)
    return code
  }
  return code.split(MANIFEST_PLACEHOLDER).join(JSON.stringify(asciiJson(manifest)))
}

code = withStandaloneManifest(code)
writeScript('cli.cjs', code)
for (const file of siblings.outputFiles) writeScript(file.path.replace(/.*[\\/]/, ''), importsReplaced(ascii(file.text), file.path))
writeScript(LAZY_FILE, ascii(scoped.lazy))

/**
 * bin/code-cache.js as bin/run.js runs it (its boot(), with V8's code kept beside it): the same text, its
 * whitespace and comments left out, after a first line that names it for its cache.
 */
{
  const boot = esbuild.transformSync(readFileSync('bin/code-cache.js', 'utf8'), {format: 'cjs', minifyWhitespace: true}).code
  writeFileSync('dist/boot.cjs', `// conncalc build ${createHash('sha256').update(boot).digest('hex').slice(0, 16)}\n${boot}`)
}

/**
 * Prism's WebAssembly compiled ahead (src/util/prism-code.ts): a Node process compiles the module
 * with V8's optimizing compiler, each function as a parse first calls it, parses the Ruby files of
 * the examples and fixtures, and writes V8's serialization of the compiled module beside the
 * bundle, made under the flags a run has when it reads it (--liftoff-only, then
 * --allow-natives-syntax). A second process then reads it as a run does and parses the same texts,
 * and a few that exercise errors, with it and with the module compiled as before: the file is kept
 * only if every parse serializes byte for byte the same. If any step fails (another V8 without
 * those test functions, say), there is no such file and runs compile Prism as before.
 */
const PRISM_CODE_SCRIPT = String.raw`'use strict'
const {readFileSync, writeFileSync} = require('node:fs')
const v8 = require('node:v8')
const {WASI} = require('node:wasi')
const [mode, wasmFile, codeFile, HEADER, ...files] = process.argv.slice(1)
const wire = readFileSync(wasmFile)
async function load(module) {
  const wasi = new WASI({version: 'preview1'})
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject())
  wasi.initialize(instance)
  return instance.exports
}
function serialize(prism, source) {
  const text = prism.calloc(1, Math.max(1, source.length))
  new Uint8Array(prism.memory.buffer, text, source.length).set(source)
  const buffer = prism.calloc(prism.pm_buffer_sizeof(), 1)
  prism.pm_buffer_init(buffer)
  prism.pm_serialize_parse(buffer, text, source.length, 0)
  const bytes = Buffer.from(new Uint8Array(prism.memory.buffer, prism.pm_buffer_value(buffer), prism.pm_buffer_length(buffer)))
  prism.pm_buffer_free(buffer)
  prism.free(text)
  prism.free(buffer)
  return bytes
}
const texts = [
  ...files.map((file) => readFileSync(file)),
  Buffer.from('def x(\n  case [1, {a: 2}]\n  in [Integer => n, {a:}] if n > 0 then <<~EOS\n    #{n} \\u00e9 \\xff\n  EOS\n  end\nclass < ; 0x1f + 1r + 2i + 1e3 ; %w[a b] ; ?a ; =begin\nx\n=end\n__END__\ntail'),
  Buffer.from('# encoding: ascii-8bit\nputs "\\xff" ; BEGIN { } ; END { } ; a &&= b ||= c ; ->(x) { x } ; defined?(@x)'),
]
;(async () => {
  if (mode === 'write') {
    v8.setFlagsFromString('--allow-natives-syntax')
    v8.setFlagsFromString('--no-liftoff')
    const module = await WebAssembly.compile(wire)
    const prism = await load(module)
    for (const text of texts) serialize(prism, text)
    v8.setFlagsFromString('--liftoff')
    v8.setFlagsFromString('--liftoff-only')
    const code = Buffer.from(new Function('m', 'return %SerializeWasmModule(m)')(module))
    writeFileSync(codeFile, Buffer.concat([Buffer.from(HEADER + code.length + '\n'), code]))
  } else {
    v8.setFlagsFromString('--liftoff-only')
    v8.setFlagsFromString('--allow-natives-syntax')
    const file = readFileSync(codeFile)
    const header = file.indexOf('\n') + 1
    if (file.latin1Slice(0, header) !== HEADER + (file.length - header) + '\n') throw new Error('the file does not start with its header')
    const code = file.subarray(header)
    const module = new Function('c', 'w', 'return %DeserializeWasmModule(c, w)')(code.buffer.slice(code.byteOffset, code.byteOffset + code.length), wire)
    if (!module) throw new Error('V8 did not take the code it wrote')
    const ahead = await load(module)
    const own = await load(await WebAssembly.compile(wire))
    for (const [i, text] of texts.entries()) {
      if (!serialize(ahead, text).equals(serialize(own, text))) throw new Error('a parse differs: ' + (files[i] ?? 'text ' + i))
    }
  }
})().catch((error) => {
  process.stderr.write(String(error.stack ?? error) + '\n')
  process.exitCode = 1
})
`
const PRISM_CODE_HEADER = 'conncalc prism code ' // src/util/prism-code.ts's PRISM_CODE_HEADER (a test checks they agree)
function writePrismCode() {
  const root = fileURLToPath(new URL('.', import.meta.url))
  const ruby = (dir) => readdirSafe(join(root, dir)).filter((f) => /\.(rb|ru)$|(^|[\\/])Gemfile$/.test(f)).map((f) => join(root, dir, f))
  const files = [...ruby('examples'), ...ruby('test/fixtures')].sort()
  const file = join('dist', `prism-${PRISM_WASM_HASH}-node${process.versions.node}-v8-${process.versions.v8}-${process.platform}-${process.arch}.code`)
  const env = {...process.env}
  delete env.NODE_OPTIONS // runs have none: V8 takes only code made under the flags it has
  for (const mode of ['write', 'check']) {
    const step = spawnSync(process.execPath, ['--no-warnings', '-e', PRISM_CODE_SCRIPT, mode, 'dist/prism.wasm', file, PRISM_CODE_HEADER, ...files], {cwd: root, encoding: 'utf8', env})
    if (step.status !== 0) {
      rmSync(file, {force: true})
      process.stderr.write(`esbuild.config.js: Prism's WebAssembly not compiled ahead (${mode} exited ${step.status}): ${step.stderr}\n`)
      return
    }
  }
}

function readdirSafe(dir) {
  try {
    return readdirSync(dir, {encoding: 'utf8', recursive: true})
  } catch {
    return []
  }
}

writePrismCode()

// The first code cache, made now by a run of the README's example: the code V8 compiles for a
// `conncalc plan` (the bundle's top level, oclif, a Rails app's analysis and Prism) is in it, so
// a user's first run is as fast as the later ones. A cache is an optimisation only: if this run
// fails, or the user's Node is not this one (V8 then rejects the cache), conncalc makes its own.
// Its Ruby files are parsed with Prism's WebAssembly (a parse cache of its own, in a folder
// removed after, is empty), as on a user's first run of an app.
const parses = mkdtempSync(join(tmpdir(), 'conncalc-build-'))
const env = {...process.env, CONNCALC_CODE_CACHE: fileURLToPath(new URL('dist', import.meta.url)), CONNCALC_PARSE_CACHE: parses, NO_COLOR: '1'}
delete env.NODE_OPTIONS // users run without the build's NODE_OPTIONS: the cache is named for none
const example = ['bin/run.js', 'plan', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--scale', 'web=2', 'worker=1']
const trained = spawnSync(process.execPath, example, {cwd: fileURLToPath(new URL('.', import.meta.url)), encoding: 'utf8', env})
rmSync(parses, {force: true, recursive: true})
if (trained.status !== 0) process.stderr.write(`esbuild.config.js: no code cache made (the example exited ${trained.status}): ${trained.stderr}\n`)

// dist/cli-lazy.cjs's first code cache: the Python and Node analyzers a Django and a Node app run (the test
// fixtures the bench times), in one process as bin/run.js runs each, so that the cache holds both; it is
// written as that process exits, as a run writes one. A run of another language compiles its own code as before.
const LAZY_TRAINING = [
  ['plan', '--procfile', 'test/fixtures/django-gunicorn-celery/Procfile', '--plan', 'essential-0', '--scale', 'web=2', 'worker=1'],
  ['plan', '--procfile', 'test/fixtures/node-knex-throng/Procfile', '--plan', 'essential-0', '--scale', 'web=2'],
]
const root = fileURLToPath(new URL('.', import.meta.url))
const LAZY_TRAINING_SCRIPT = `const {execute} = require(${JSON.stringify(join(root, 'bin', 'code-cache.js'))}).loadBundle(${JSON.stringify(join(root, 'dist', 'cli.cjs'))})
;(async () => {
  for (const args of ${JSON.stringify(LAZY_TRAINING)}) {
    process.argv = [process.execPath, ${JSON.stringify(join(root, 'bin', 'run.js'))}, ...args]
    await execute({dir: ${JSON.stringify(new URL('bin/run.js', import.meta.url).href)}, target: './dist/cli.cjs'})
  }
  process.exitCode = 0
})()
`
// Run as a file, not node -e: the cache is named for the options Node runs with (none, as bin/run.js runs).
const lazyWork = mkdtempSync(join(tmpdir(), 'conncalc-build-'))
writeFileSync(join(lazyWork, 'train.cjs'), LAZY_TRAINING_SCRIPT)
const lazyTrained = spawnSync(process.execPath, [join(lazyWork, 'train.cjs')], {cwd: root, encoding: 'utf8', env: {...env, CONNCALC_PARSE_CACHE: lazyWork}})
rmSync(lazyWork, {force: true, recursive: true})
if (lazyTrained.status !== 0) process.stderr.write(`esbuild.config.js: no code cache made for dist/${LAZY_FILE} (exited ${lazyTrained.status}): ${lazyTrained.stderr}\n`)
