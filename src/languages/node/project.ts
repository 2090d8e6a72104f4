/**
 * The app's own JS/TS modules reachable from an entry file, every chain to its
 * end. A module is evaluated after the app modules it imports, so a config
 * object imported from another file (`import {dataSourceOptions} from './config'`,
 * `require('./knexfile')[env]`, `@/lib/db` through tsconfig `paths`) has its
 * value. An import cycle leaves the import that closes it unread (its names are
 * unknown, naming the cycle), never loops. Each file is parsed once per run, and evaluated once per run for every
 * process type that reads it alike (shared-eval.ts).
 */
import type {EvalValue} from '../python/values.js'
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Env, EnvEntry} from '../../model/env.js'

import {evaluateParsed, type Folder, type JsModule, loadedSpecs, mergeNestLoad, type ParsedJs, parseJs} from './js.js'
import {EvalTrace, SiteView} from './shared-eval.js'
import {nodeConfigModule} from './node-config.js'
import {aliasTargets, joinPath, TsconfigAliases} from './tsconfig.js'
import {walkModules} from '../../util/walk.js'
import {append} from '../../util/arrays.js'
import {type FileReader, filesUnder, searchedText, withinDir} from '../../model/files.js'
import {type BuildScripts, builtSource} from './built.js'
import {readPackageJson} from './package-json.js'
import {findWorkspaces, packageDirOf, packagesUsing, packageTargets, upToRoot, workspaceImport, type Workspaces} from './workspaces.js'
import {DATABASE_PACKAGES} from './programs.js'
import {jsonKeyLine} from '../../util/json-lines.js'

// A bundler's imports of styles, images and the like (`import s from './a.module.css'`) are not modules to read.
const MODULE = /\.(?:[cm]?[jt]sx?|json)$/
/** Code a loader loads from a folder: JS/TS modules, not tests, mocks, stories or declarations. */
export const CODE = /\.(?:[cm]?[jt]s|[jt]sx)$/
export const NOT_LOADED = /(?:^|\/)(?:__tests__|__mocks__)\/|\.(?:test|spec|stories|d)\.[^/]+$/
/**
 * Test code: a test/, tests/, spec/, e2e/, __tests__/ or __mocks__/ folder, or a *.test.* / *.spec.* file. Production
 * code may import such a module (a library re-exporting its test helpers), but its functions run from tests.
 */
export const TEST_CODE = /(?:^|\/)(?:__tests__|__mocks__|tests?|specs?|e2e)\/|\.(?:test|spec|e2e)\.[^/]+$/
const MAX_FOLDER_FILES = 2000

const forRootCache = new WeakMap<FileReader, string[]>()

/** The app's code files (not tests) that call a NestJS `ConfigModule.forRoot(` with `load`, by their text; searched once per app. */
function forRootFiles(files: FileReader): string[] {
  let found = forRootCache.get(files)
  if (!found) {
    const code = filesUnder(files, '', (p) => CODE.test(p) && !TEST_CODE.test(p) && !NOT_LOADED.test(p), {max: 3000}).paths
    found = code.filter((p) => {
      const text = searchedText(files, p)
      return typeof text === 'string' && text.includes('forRoot') && text.includes('@nestjs/config') && /\bload\s*:/.test(text)
    })
    forRootCache.set(files, found)
  }

  return found
}
const parses = new WeakMap<FileReader, Map<string, {parsed: Promise<ParsedJs>; text: string}>>()

/**
 * A file's parse, made once per app run and shared by every process type that reads the file (a monorepo's eight
 * types each walk the same libraries): only the parse, never the evaluation, which depends on the type's entry and env.
 * Reused only for the very same text. Kept by the file's path from the app root, through the root's reader: the
 * packages `turbo run start` starts each read through a reader of their own folder (withinDir) and import the same
 * workspace libraries (langfuse/langfuse: web/ and worker/ both read packages/shared/, 954 files parsed twice).
 */
function parsedOnce(files: FileReader, file: string, text: string): Promise<ParsedJs> {
  const app = files.root ?? files
  let byFile = parses.get(app)
  if (!byFile) parses.set(app, (byFile = new Map()))
  const hit = byFile.get(file)
  if (hit && hit.text === text) return hit.parsed
  const parsed = parseJs(file, text)
  byFile.set(file, {parsed, text})
  return parsed
}

/** Each parse's evaluations so far, in any project of the run: the modules it imported, the cycles it met, and its trace. */
const evaluations = new WeakMap<ParsedJs, {cycles: Map<string, string>; deps: Map<string, JsModule>; keepImports: boolean; module: JsModule; trace: EvalTrace}[]>()

/** Each reader's node-config modules so far (NodeProject.sharedNodeConfig): the env variables read, the config modules loaded, in order. */
interface NodeConfigRun {
  env: {got: EnvEntry | undefined; name: string}[]
  loads: {got: JsModule | undefined; path: string}[]
  module?: JsModule
  /** It gave diagnostics of its own. */
  said: boolean
}

const nodeConfigs = new WeakMap<FileReader, NodeConfigRun[]>()

const sameEntry = (a: EnvEntry | undefined, b: EnvEntry | undefined): boolean => a === b || (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b))

const sameMap = <V>(a: Map<string, V>, b: Map<string, V>): boolean => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v)

/**
 * NodeProject.existing's answers per reader, by the bases asked: they depend on the files alone, so every project of the
 * run (one per process type) shares them. A monorepo's types resolve the same imports again and again.
 */
const existingAnswers = new WeakMap<FileReader, Map<string, string | undefined>>()

// Node's own (https://nodejs.org/api/modules.html#all-together), then the TypeScript and bundler ones (.tsx/.jsx files and
// folders whose index is one: `export * from './Input'` with Input/index.tsx, as tsc's and webpack's resolution find it).
const EXTS = ['', '.ts', '.js', '.mjs', '.cjs', '.tsx', '.mts', '.cts', '.json', '/index.ts', '/index.js', '/index.mjs', '.jsx', '/index.tsx', '/index.jsx', '/index.cjs']

/** The first of `bases` that is a module file of `files` (with Node's extensions and index files). */
function firstModule(files: FileReader, bases: string[]): string | undefined {
  // `@/db/` (a folder named with its trailing slash) is the folder's index: one module, one path, however it is written.
  for (const base of bases.map((b) => b.replace(/\/+$/, ''))) {
    for (const stem of [base, base.replace(/\.([cm]?)js$/, '')]) for (const ext of EXTS) if (MODULE.test(stem + ext) && files.exists(stem + ext)) return stem + ext
  }

  return undefined
}

export class NodeProject {
  readonly diagnostics: Diagnostic[] = []
  /** The call sites of the app's functions as this project's evaluations walked them (shared-eval.ts). */
  readonly view = new SiteView()
  private readonly aliases: TsconfigAliases
  private readonly cache = new Map<string, Promise<JsModule | undefined>>()
  /** The parse each module read was evaluated from (its syntax tree, for at-once.ts). */
  private readonly parses = new WeakMap<JsModule, ParsedJs>()
  /** NestJS `registerAs()` namespaces of the modules evaluated so far (js.ts nestConfigGet). */
  private readonly nestConfig = new Map<string, EvalValue>()
  /** Settled once the `load` factories of ConfigModule.forRoot are read (nestConfigLoads); the modules read meanwhile are theirs. */
  private nestReady?: Promise<void>
  private preloading = false
  private nodeConfig?: Promise<JsModule | undefined>
  /** The monorepo's workspace packages, read once, with the path back to the app root from this reader's folder. */
  private workspaces?: {up: string; using: Set<string>; ws?: Workspaces}
  private readonly packageFiles = new Map<string, string | undefined>()
  /** Workspace packages not read, and why (an import of one is an unknown value that says so). */
  private readonly unread = new Map<string, string>()

  /** NODE_PATH's folders and babel-plugin-module-resolver's `root`s, from the app root (absolute ones are outside the app and skipped). */
  private readonly nodePath: string[]
  private pkg?: {deps: Set<string>; scripts?: BuildScripts}
  private readonly built = new Map<string, string | undefined>()
  /** Sources run as a copy elsewhere (`cp server/main.js build/server/main.js`): the copy's path, whose folder their relative imports resolve from. */
  private readonly copies = new Map<string, string>()

  constructor(private readonly ctx: AnalyzerContext, nodePath?: string) {
    this.aliases = new TsconfigAliases(ctx.files)
    const dirs = [...(nodePath ?? '').split(':'), ...babelResolverRoots(ctx.files)]
    this.nodePath = [...new Set(dirs.map((d) => d.trim()).filter((d) => d !== '' && !d.startsWith('/') && !d.includes('$') && !d.includes('*')).map((d) => joinPath('', d)))]
  }

  /** A file of the folder this project reads from (the package a `cd` entered). */
  read(path: string): ReturnType<FileReader['read']> {
    return this.ctx.files.read(path)
  }

  /** The folder this project's reader reads from, from the app root ('' for the root): modules are named from the root. */
  get within(): string {
    const w = this.ctx.files.within
    return w && w !== '.' ? w : ''
  }

  /** The package's dependencies (a bare import of one is node_modules', before NODE_PATH) and build scripts. */
  private ownPackage(): {deps: Set<string>; scripts?: BuildScripts} {
    if (!this.pkg) {
      const pkg = readPackageJson(this.ctx.files).pkg
      this.pkg = {deps: new Set(Object.keys(pkg?.dependencies ?? {})), ...(pkg ? {scripts: pkg} : {})}
    }

    return this.pkg
  }

  /**
   * A module path that is not in the repository because the deploy builds it (`require('./dist/server/app')`,
   * NODE_PATH=./dist): its source, as the package's build script or tsconfig outDir maps it (built.ts).
   */
  private builtModule(path: string): string | undefined {
    if (this.built.has(path)) return this.built.get(path)
    const from = /\.(?:[cm]?js)?$|\/[^./]+$/.test(path) ? builtSource(this.ctx.files, this.ownPackage().scripts, path) : undefined
    if (from?.runsAt) this.runsAt(from.file, from.runsAt)
    this.built.set(path, from?.file)
    return from?.file
  }

  /** `source` runs as a copy at `copy` (bundlers.ts): its relative imports resolve from the copy's folder. */
  runsAt(source: string, copy: string): void {
    this.copies.set(source, copy)
  }

  /**
   * One name per module of this reader: an import from outside its folder that names a file back in it (shared/lib/x.ts's
   * `@server/prisma`, `../server/prisma.ts` from server/) is the module `prisma.ts` already read, not a second instance of
   * it (Node keys its module cache by the resolved file: https://nodejs.org/api/modules.html#caching).
   */
  private keyOf(path: string): string {
    const within = this.within
    if (within === '' || !path.startsWith('../')) return path
    const full = joinPath(within, path)
    return full.startsWith(`${within}/`) ? full.slice(within.length + 1) : path
  }

  load(given: string, stack: readonly string[] = []): Promise<JsModule | undefined> {
    const path = this.keyOf(given)
    let p = this.cache.get(path)
    if (!p) {
      // The first module read waits for the NestJS config the app builds before its providers run (nestConfigLoads).
      const preload = this.preloading
      if (this.nestReady === undefined) this.nestReady = this.ownPackage().deps.has('@nestjs/config') ? this.nestConfigLoads() : Promise.resolve()
      p = preload ? this.evaluate(path, stack) : this.nestReady.then(() => this.evaluate(path, stack))
      this.cache.set(path, p)
    }

    return p
  }

  private async evaluate(path: string, stack: readonly string[]): Promise<JsModule | undefined> {
    const file = this.ctx.files.read(path)
    if (!file) return undefined
    // A JSON file (ecosystem.config.json, a required config.json) is an object literal: read as `module.exports = {…}`, lines unchanged.
    // Named by its path from the app root (a workspace package's apps/api/src/db.ts), resolved from `path` (relative to the package).
    const parsed = await parsedOnce(this.ctx.files, file.path, path.endsWith('.json') ? `module.exports = ${file.text}` : file.text)
    const deps = new Map<string, JsModule>()
    const cycles = new Map<string, string>()
    const inner = [...stack, path]
    const keepImports = parsed.elided ? this.keepsImports(path) : false
    for (const spec of new Set(loadedSpecs(parsed, keepImports))) {
      // `require('config')`: node-config's merged files, unless the app has a module it resolves to
      // (tsconfig `paths` pointing `config` at a .d.ts only types it: opencollective-api does).
      const own = spec === 'config' ? this.resolve(spec, path) : undefined
      if (spec === 'config' && (!own || /\.d\.[cm]?ts$/.test(own))) {
        this.nodeConfig ??= this.sharedNodeConfig(inner)
        const m = await this.nodeConfig
        if (m) deps.set(spec, m)
        continue
      }

      const resolved = this.resolve(spec, path)
      const target = resolved === undefined ? undefined : this.keyOf(resolved)
      // A module still being evaluated up the stack is an import cycle: its values are not known yet
      // (Node gives a CommonJS require the exports assigned so far, often none), and the reason says so.
      if (target && inner.includes(target)) {
        const chain = [...inner.slice(inner.indexOf(target)), target]
        cycles.set(spec, `'${spec}' is ${target}, which is still loading when ${path} imports it (an import cycle: ${chain.join(' → ')}), so what it exports is not known here`)
        continue
      }

      if (!target) {
        const why = this.unread.get(spec)
        if (why) cycles.set(spec, why)
        continue
      }

      const m = await this.load(target, inner)
      if (m) deps.set(spec, m)
    }

    // Evaluated already, in this run, with the very same imports and cycles, and reading the same here (shared-eval.ts).
    const done = evaluations.get(parsed) ?? []
    const nproc = this.ctx.dyno?.nproc
    // The same imports kept or elided as types (the tsconfig that compiles the file, as this project finds it).
    const same = done.find((e) => e.keepImports === keepImports && sameMap(e.deps, deps) && sameMap(e.cycles, cycles) && this.view.agrees(e.trace, this.ctx.env, nproc))
    if (same) {
      this.parses.set(same.module, parsed)
      this.view.admit(same.trace)
      append(this.diagnostics, same.module.diagnostics)
      return same.module
    }

    const trace = new EvalTrace()
    const m = evaluateParsed(parsed, {cyclic: (spec) => cycles.get(spec), env: this.ctx.env, imported: (spec) => deps.get(spec), keepImports, nestConfig: this.nestConfig, nproc, trace, view: this.view})
    this.view.admit(trace)
    done.push({cycles, deps, keepImports, module: m, trace})
    this.parses.set(m, parsed)
    evaluations.set(parsed, done)
    append(this.diagnostics, m.diagnostics)
    return m
  }

  /** Whether the tsconfig that compiles `path` keeps imports used only as types (PathAliases.keepImports). */
  private keepsImports(path: string): boolean {
    const keep = this.aliases.for(path)?.keepImports === true
    append(this.diagnostics, this.aliases.diagnostics.splice(0))
    return keep
  }

  /**
   * node-config's module (nodeConfigModule), made once per run for every project that reads it alike: the same env
   * variables, and the same config modules loaded (the very same evaluations). One that said something of its own
   * (a format it does not read, a YAML error) is made again, so its diagnostics come in their place.
   */
  private async sharedNodeConfig(inner: readonly string[]): Promise<JsModule | undefined> {
    const done = nodeConfigs.get(this.ctx.files) ?? []
    nodeConfigs.set(this.ctx.files, done)
    for (const run of done) {
      if (run.said || !run.env.every((r) => sameEntry(r.got, this.ctx.env.get(r.name)))) continue
      let same = true
      for (const l of run.loads) if ((await this.load(l.path, inner)) !== l.got) same = false
      if (same) return run.module
    }

    const run: NodeConfigRun = {env: [], loads: [], said: false}
    const own = this.ctx.env
    const env = Object.assign(Object.create(own) as Env, {get: (name: string) => {
      const got = own.get(name)
      run.env.push({got, name})
      return got
    }})
    const diagnostics: Diagnostic[] = []
    const say = (): void => {
      if (diagnostics.length > 0) run.said = true
      append(this.diagnostics, diagnostics.splice(0))
    }

    const load = async (path: string): Promise<JsModule | undefined> => {
      say()
      const got = await this.load(path, inner)
      run.loads.push({got, path})
      return got
    }

    run.module = await nodeConfigModule({diagnostics, env, exists: (p) => this.ctx.files.exists(p), load, read: (p) => this.ctx.files.read(p)?.text})
    say()
    done.push(run)
    return run.module
  }

  /**
   * `./db.js` from src/server.ts → src/db.ts (TypeScript ESM imports name the compiled file);
   * `@/lib/db` or `~/server/db` through the nearest tsconfig/jsconfig `paths` and `baseUrl`.
   * Packages (`pg`, `@prisma/client`) resolve to nothing.
   */
  resolve(spec: string, from: string): string | undefined {
    const copy = this.copies.get(from)
    if (copy !== undefined && spec.startsWith('.')) {
      // A copied file's `./x.js` is next to the copy (often another build's output): there, or its source.
      const base = joinPath(copy.includes('/') ? copy.slice(0, copy.lastIndexOf('/')) : '', spec)
      const found = this.existing([base]) ?? (base.startsWith('..') ? undefined : this.builtModule(base))
      if (found) return found
    }

    const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/')) : ''
    let bases: string[]
    if (spec.startsWith('.')) bases = [joinPath(dir, spec)]
    // SvelteKit's `$lib` alias is src/lib (kit.files.lib, https://svelte.dev/docs/kit/$lib); its generated tsconfig is not in the repo.
    else if (spec === '$lib' || spec.startsWith('$lib/')) bases = [joinPath('src/lib', spec.slice(5) || '.')]
    else {
      const aliases = this.aliases.for(from)
      append(this.diagnostics, this.aliases.diagnostics.splice(0))
      bases = aliases ? aliasTargets(aliases, spec) : []
    }

    const found = this.existing(bases)
    if (found) return found
    // `require('./dist/server/app')` where dist/ is built at deploy: the source it is built from.
    if (spec.startsWith('.')) return bases[0].startsWith('..') ? undefined : this.builtModule(bases[0])
    // A workspace package's name (`@acme/db`): npm, yarn and pnpm link it into node_modules, so Node loads its code
    // (https://docs.npmjs.com/cli/using-npm/workspaces), with or without a tsconfig; then NODE_PATH.
    return this.workspacePackage(spec) ?? this.onNodePath(spec)
  }

  /** The first of `bases` that is a module file (with Node's extensions and index files). */
  private existing(bases: string[]): string | undefined {
    let answers = existingAnswers.get(this.ctx.files)
    if (!answers) existingAnswers.set(this.ctx.files, (answers = new Map()))
    const key = bases.join('\0')
    if (answers.has(key)) return answers.get(key)
    const found = firstModule(this.ctx.files, bases)
    answers.set(key, found)
    return found
  }

  /**
   * A bare specifier (`server/models`) that Node finds in a NODE_PATH folder (tried after node_modules, so a
   * dependency's name is never one): the file there, or — a folder built at deploy — its source.
   * https://nodejs.org/api/modules.html#loading-from-the-global-folders
   */
  private onNodePath(spec: string): string | undefined {
    if (this.nodePath.length === 0 || this.ownPackage().deps.has(spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/'))) return undefined
    for (const dir of this.nodePath) {
      const base = joinPath(dir, spec)
      const found = this.existing([base]) ?? this.builtModule(base)
      if (found) return found
    }

    return undefined
  }

  /**
   * `@org/db` (or `@org/db/client`) that is a package of the app's own workspaces: its code, as the
   * package manager links it into node_modules — the file its package.json `exports`/`main` names,
   * or, when that is built at deploy (dist/index.js), the source its build script or tsconfig
   * outDir maps it back to. Returned as a path from this reader's folder (`../db/src/index.ts`).
   */
  private workspacePackage(spec: string): string | undefined {
    if (this.packageFiles.has(spec)) return this.packageFiles.get(spec)
    const found = this.findWorkspacePackage(spec)
    this.packageFiles.set(spec, found)
    return found
  }

  private findWorkspacePackage(spec: string): string | undefined {
    if (!this.workspaces) {
      const dir = packageDirOf(this.ctx.files)
      const up = upToRoot(dir)
      const root: FileReader = up === '' ? this.ctx.files : withinDir(this.ctx.files, up)
      const ws = findWorkspaces(root, dir)
      this.workspaces = {up, using: ws ? packagesUsing(ws, DATABASE_PACKAGES) : new Set(), ws}
    }

    const {up, using, ws} = this.workspaces
    const hit = ws ? workspaceImport(ws, spec) : undefined
    if (!hit) return undefined
    const dir = [up, hit.pkg.dir].filter(Boolean).join('/')
    // A package that depends on no database library, even through its workspace dependencies, opens no pool: not walked
    // when large (a domain package can be thousands of modules); a value imported from it is unknown, and says why. A small
    // one is read: it may hold the config helper a database package sizes its pool with (`envNumber("DB_POOL_MAX", 3)`
    // from @ragtime/core, render-examples/answer-arena).
    if (!using.has(hit.pkg.name!)) {
      const code = filesUnder(this.ctx.files, dir, (p) => CODE.test(p) && !NOT_LOADED.test(p) && !p.includes('node_modules/') && !/(^|\/)(dist|build)\//.test(p), {max: 40})
      if (code.truncated) {
        this.unread.set(spec, `'${spec}' is the workspace package ${hit.pkg.dir}, which depends on no database library and has more than 40 code files; conncalc does not read it`)
        return undefined
      }
    }

    const files = withinDir(this.ctx.files, dir)
    const scripts = {lineOf: (path: string[]) => jsonKeyLine(hit.pkg.text, path), path: hit.pkg.file, scripts: hit.pkg.scripts}
    for (const target of packageTargets(hit.pkg, hit.subpath)) {
      const stem = target.replace(/\.d\.[cm]?ts$/, '')
      for (const ext of EXTS) if (MODULE.test(stem + ext) && !/\.d\.[cm]?ts$/.test(stem + ext) && files.exists(stem + ext)) return `${dir}/${stem}${ext}`
      const built = builtSource(files, scripts, target)
      if (built) return `${dir}/${built.file}`
    }

    return undefined
  }

  /** The parse a module this project read was evaluated from. */
  parsedOf(m: JsModule): ParsedJs | undefined {
    return this.parses.get(m)
  }

  async walk(entries: string[]): Promise<JsModule[]> {
    const key = (path: string | undefined): string | undefined => (path === undefined ? undefined : this.keyOf(path))
    return walkModules(entries.map((e) => this.keyOf(e)), (path) => this.load(path), (m, path) => [...[...m.imports, ...(m.lazy ?? [])].map((spec) => key(this.resolve(spec, path))), ...(m.folders ?? []).flatMap((f) => this.folderModules(f, path).map((p) => this.keyOf(p)))])
  }

  /**
   * NestJS builds its config before any provider's factory runs: the `load` factories of the app's
   * `ConfigModule.forRoot({load: […]})` are read first, whatever order the entry imports its modules in, and what
   * they return is merged where ConfigService.get looks (js.ts mergeNestLoad). Test files are not searched.
   */
  private async nestConfigLoads(): Promise<void> {
    this.preloading = true
    try {
      await this.readNestLoads()
    } finally {
      this.preloading = false
    }
  }

  private async readNestLoads(): Promise<void> {
    for (const file of forRootFiles(this.ctx.files)) {
      const text = this.ctx.files.read(file)?.text
      if (text === undefined) continue
      const parsed = await parsedOnce(this.ctx.files, file, text)
      for (const l of parsed.nestLoads ?? []) {
        const target = this.resolve(l.spec, file)
        const m = target ? await this.load(target) : undefined
        if (m) mergeNestLoad(this.nestConfig, l.name === 'default' ? (m.exports.get('default') ?? m.cjs) : m.exports.get(l.name), l.at)
      }
    }
  }

  /** The modules of a folder a module loads at run time (js.ts folderLoads), at most MAX_FOLDER_FILES, said when cut. */
  private folderModules(folder: Folder, from: string): string[] {
    const dir = joinPath(from.includes('/') ? from.slice(0, from.lastIndexOf('/')) : '', folder.path)
    if (dir.startsWith('..') || dir.split('/').includes('node_modules')) return []
    const found = filesUnder(this.ctx.files, dir, (p) => CODE.test(p) && !NOT_LOADED.test(p), {max: MAX_FOLDER_FILES, maxDepth: folder.deep ? 32 : 0})
    if (found.truncated) {
      const [file, line] = [folder.at.slice(0, folder.at.lastIndexOf(':')), Number(folder.at.slice(folder.at.lastIndexOf(':') + 1))]
      this.diagnostics.push({code: 'unknown-config-value', file, line, message: `the loader here reads every module of ${dir === '' ? 'the app folder' : `${dir}/`}, more than ${MAX_FOLDER_FILES}; conncalc followed the first ${MAX_FOLDER_FILES} for database pools`, severity: 'info'})
    }

    return found.paths
  }
}

/**
 * babel-plugin-module-resolver's `root` folders, from a JSON Babel config (.babelrc, .babelrc.json, babel.config.json, package.json
 * `babel`): Babel rewrites a bare import (`src/jobs`) to the file under a root when one exists, as Node would find it on NODE_PATH.
 * https://github.com/tleunen/babel-plugin-module-resolver/blob/master/DOCS.md#root
 */
function babelResolverRoots(files: FileReader): string[] {
  const configs: unknown[] = []
  for (const name of ['.babelrc', '.babelrc.json', 'babel.config.json', 'package.json']) {
    const text = files.read(name)?.text
    if (text === undefined || !text.includes('module-resolver')) continue
    try {
      const json: unknown = JSON.parse(text)
      configs.push(name === 'package.json' ? (json as {babel?: unknown}).babel : json)
    } catch {
      // A Babel config with comments (JSON5) or a broken one: its roots are not read.
    }
  }

  const roots: string[] = []
  for (const config of configs) {
    const plugins = (config as {plugins?: unknown} | undefined)?.plugins
    if (!Array.isArray(plugins)) continue
    for (const p of plugins) {
      if (!Array.isArray(p) || !/^(babel-plugin-)?module-resolver$/.test(String(p[0]))) continue
      const root = (p[1] as {root?: unknown} | undefined)?.root
      for (const r of Array.isArray(root) ? root : [root]) if (typeof r === 'string') roots.push(r)
    }
  }

  return roots
}
