/**
 * JavaScript/TypeScript config and entry files, read with oxc-parser (a real
 * parser for JS, TS, JSX and TSX: every valid program, prebuilt per platform
 * from the registry, imported lazily) and the same safe-evaluation rules as
 * Python: literals, earlier `const`s, `process.env.X` with `||`/`??` defaults,
 * Number()/parseInt(), `os.cpus().length` (the dyno's nproc), arithmetic.
 * Calls and `new` expressions are collected with their evaluated arguments so
 * analyzers can find `new Pool({max})`, `throng({workers})`, `knex({pool})`.
 * Values share the Python evaluator's shapes (objects are dicts). Never runs code.
 */
import type {ArrowFunctionExpression, Function as JsFunction, Node, ParseResult, ParserOptions, Program} from 'oxc-parser'

import type {Diagnostic} from '../../model/diagnostic.js'
import type {Env, EnvEntry} from '../../model/env.js'
import {assumed, fromDefault, fromFile, type Source, type Sourced} from '../../model/source.js'
import type {EvalValue, KnownValue, PyDict, PyValue} from '../python/values.js'

import {asString, DATABASE_URL_ASSUMED, entry, isCall, isDict, truthy} from '../python/evaluate.js'
import {HEROKU_DATABASE_URL} from '../python/db-url.js'
import {isExhaustion, TOO_DEEP} from '../../util/exhaustion.js'
import {bracketDepth, MAX_NESTING} from '../../util/nesting.js'
import {liftoffOnly} from '../../util/liftoff.js'
import {lineIndex} from '../../util/lines.js'
import {append} from '../../util/arrays.js'
import {maxOf, minOf} from '../../util/numbers.js'
import {addSite, EvalTrace, type Evaluation, MAX_SITES, siteCount, SiteView} from './shared-eval.js'
import {type IdleHolder, idleHolders, memoizingHelper, sqlTagOnlyPools} from './unqueried.js'
import {CLI_LIBRARY, type CliCommand, type CliProgram, leadingWords} from './cli-commands.js'

/** `typeof NAME` in Node for globals an app tests to tell server from browser (https://nodejs.org/api/globals.html has no window or document). */
const NODE_TYPEOF: Record<string, string> = {document: 'undefined', process: 'object', window: 'undefined'}

export interface JsCall {
  args: EvalValue[]
  /** Import-resolved: `new Pool()` with `import {Pool} from "pg"` is "pg.Pool"; `require("knex")(cfg)` is "knex". */
  callee: string
  /** The `if`/`?:` branches the call sits in that conncalc did not take for certain (outermost first). */
  guards?: JsGuard[]
  /** Made inside a function or method body (runs when it is called — once, or once per request — not when the module loads). */
  inFunction?: boolean
  isNew: boolean
  line: number
  /** Where the call is written (its offset in the file), telling apart two calls of one callee on one line (`c ? pg(a) : pg(b)`). */
  start?: number
  /** `sql.listen(…)`: the value `sql` names (a postgres.js instance made elsewhere), when the object is a name in scope. */
  receiver?: EvalValue
  /**
   * `knex('users')` where `const knex = Knex(config)`: the callee is a local name holding what another call made (an
   * instance: knex's query builder), not the package the name happens to spell. That value.
   */
  instance?: EvalValue
  /** The app's own function whose body holds the call: its arguments may come from the places that function is called (sites). */
  within?: JsFunctionSites
  /** A tagged template (`sql\`SELECT 1\``) whose tag is a client's export (TAGGED_CLIENTS), not a call written with parentheses. */
  tagged?: boolean
  /** `Holder.field = new DataSource(…)`: the member the call's result is assigned to, as written (a class's static field). */
  assignedTo?: string
  /** Made by a lazily made singleton (`if (!pool) pool = new Pool(…)`): once per process, however often its function is called. */
  once?: boolean
  /** The singleton's guard (file:line of its `if`): calls under one guard are one pool; under two guards (two singletons), two. */
  onceAt?: string
  /** Made in a class's decorator (`@Module({imports: [TypeOrmModule.forRoot(…)]})`): that class, as classKey gives it, and its name. */
  decorates?: string
  decoratesName?: string
  /** This call as its function's body makes it when called from one place (pools.ts boundCalls): that place; `deferred`: a `new` that runs when the code around it is called. */
  site?: {deferred?: boolean; file: string; line: number; made?: string}
  /**
   * A child Node process it starts (`child_process.fork(file)`, `spawn('node', [file])`, cross-spawn, execaNode): the file,
   * from the module's folder (`path.resolve(__dirname, …)`) or from the process's working directory (a literal); `unread`
   * when the file is not a path conncalc can read.
   */
  script?: ({from: 'cwd' | 'module'; path: string} | {unread: string}) & {waited?: boolean}
}

/**
 * An app function as the calls in its body see it: where it is defined and the places it is
 * called with readable arguments, each with the calls its body makes with those arguments bound
 * (walked again, never run): `function makeKnex(config) { return knex(config) }` called as
 * `makeKnex({pool: {max: 4}})` gives the knex call its options there.
 */
export interface JsFunctionSites {
  file: string
  line: number
  name: string
  /**
   * `deferred`: an instance made (`new C()`) inside a function body or another class's fields, which run when that code is called, not when the module loads.
   * Every evaluation's, in every project that shares the module: read one project's through its SiteView (shared-eval.ts),
   * which also says whether the function is called from more places than conncalc walks (MAX_SITES).
   */
  sites: {calls: JsCall[]; deferred?: boolean; file: string; line: number; made?: string; offset?: number}[]
  /** A class with decorators (`@Injectable()`, `@Service()`): a framework's dependency injection makes its instance. */
  decorated?: boolean
  /** A class: the line its body ends on (its own static factories and self-references lie between `line` and this). */
  endLine?: number
}

/**
 * A branch around a call. `skipped`: the condition reads env vars that have no value, so with
 * this env the branch does not run (a replica pool under `if (process.env.REPLICA_URL)`); its
 * calls are kept only to be named. `undecided`: the condition cannot be evaluated; the arms of
 * one `id` exclude each other, so a pool in each is counted once (the larger), as an assumption.
 */
export interface JsGuard {
  arm: 'else' | 'then'
  /** The file the condition is written in (a call site's branch holds the calls its function's body makes). */
  file: string
  id: number
  kind: 'command' | 'skipped' | 'undecided'
  /** `command`: the call is in the action of this command of a command-line program (cli-commands.ts). */
  command?: CliCommand
  line: number
  /** Env vars with no value that the condition reads (skipped). */
  missing?: string[]
  /** Why the condition cannot be evaluated (undecided). */
  reason?: string
  /** The condition as written, shortened. */
  test: string
}

export interface JsModule {
  calls: JsCall[]
  /** What `module.exports = …` assigned (CommonJS), if anything. */
  cjs?: EvalValue
  diagnostics: Diagnostic[]
  /** `module.exports` / `export default` value, and named exports. */
  exports: Map<string, EvalValue>
  file: string
  /** Module specifiers imported or required, as written ("./db", "pg"). */
  imports: string[]
  /** Folders whose every module it loads at run time (folderLoads): a path from the file's folder, and whether their subfolders too. */
  folders?: Folder[]
  /** `import('./x')` specifiers, wherever written: loaded when that code runs (often inside a function conncalc does not run). */
  lazy?: string[]
  /** How many require()/import() calls name their module by a value built at run time (`require(path.join(dir, name))`). */
  computed?: number
  names: Map<string, EvalValue>
  parsed: boolean
  /** The line of an unconditional top-level `process.exit()` with code below it: nothing below it runs (statements). */
  stopsAt?: number
  /** Module-level bindings holding a PrismaClient nothing in the module reads (unqueried.ts). */
  idle?: IdleHolder[]
  /** Lines of module-level `createPool(…)` (@vercel/postgres) whose pool the module uses only through its sql`…` tag (unqueried.ts). */
  sqlTagOnly?: number[]
  /**
   * The app functions this module names as a CLI command's action (`.action(runCron)`) or calls without arguments inside
   * one (`.action(() => startServer())`), with that command's guard; and those it calls outside any (no guard): the calls
   * their bodies make (read where they are written) run only with that command when every place names the same one.
   */
  cliHandlers?: {guard?: JsGuard; sites: JsFunctionSites}[]
  /**
   * Clients closed once their work is done, in the flow that made them (`const c = makeClient(); try { … } finally { await
   * c.end() }`, `await c.end()` further down, `main().then(() => prisma.$disconnect())`): where each client's value was
   * made (file:line) and where it is closed. A shutdown handler's close (`process.on('SIGTERM', () => pool.end())`) is not one.
   */
  closed?: {at: string; bound?: string; fn?: string; made: string}[]
}

/** callsTo's answers per module and pattern. */
const calleeScans = new WeakMap<JsModule, {byPattern: Map<RegExp, readonly JsCall[]>; n: number}>()

/**
 * A module's calls whose callee `pattern` matches, in order. A module's evaluation is shared by every process type that
 * evaluates it alike (project.ts), and each type's readers scan its calls for the same few callees: scanned once per
 * module and pattern. `pattern` is a module-level constant (the object is the key) without state (no /g or /y).
 */
export function callsTo(m: JsModule, pattern: RegExp): readonly JsCall[] {
  let scans = calleeScans.get(m)
  if (scans?.n !== m.calls.length) calleeScans.set(m, (scans = {byPattern: new Map(), n: m.calls.length}))
  let found = scans.byPattern.get(pattern)
  if (!found) scans.byPattern.set(pattern, (found = m.calls.filter((c) => pattern.test(c.callee))))
  return found
}

export interface Folder {
  deep: boolean
  /** The loader, as `file:line`, for --explain and the cap's diagnostic. */
  at: string
  path: string
}

export interface JsEvalOptions {
  env: Env
  /** The app's own module an import or require names (`./config`, `@/lib/db`), already evaluated; undefined when not followed. */
  imported?: (spec: string) => JsModule | undefined
  /** Why an import is not followed: it closes an import cycle (its module is still being evaluated), or it is a workspace package conncalc does not read. */
  cyclic?: (spec: string) => string | undefined
  nproc?: Sourced<number>
  /** The file's tsconfig keeps every value import (verbatimModuleSyntax, …): only `import type` is removed (elidedImports). */
  keepImports?: boolean
  /** The import declarations removed by the compiler, by offset (set from ParsedJs.elided). */
  elided?: ReadonlySet<number>
  /**
   * NestJS config namespaces registered with `registerAs('database', () => ({…}))` in the modules
   * evaluated so far (shared by one walk): `configService.get('database.maxConnections')` reads them.
   */
  nestConfig?: Map<string, EvalValue>
  /** Records what the evaluation reads and adds beyond its module (shared-eval.ts); a fresh one when not given. */
  trace?: EvalTrace
  /** The project's call sites (shared-eval.ts); a fresh one when not given. */
  view?: SiteView
}

/** A parsed file, before evaluation: the project loads what it imports first, then evaluates it. */
export interface ParsedJs {
  diagnostics: Diagnostic[]
  file: string
  program?: Program
  /** Module specifiers of import/export-from declarations, literal require() and import() calls. */
  specs: string[]
  /** A TypeScript file's import declarations its compiler removes (elidedImports): the module is not loaded for them. */
  elided?: ElidedImport[]
  folders?: Folder[]
  lazy?: string[]
  /** require()/import() calls whose module is not a literal (JsModule.computed). */
  computed?: number
  /** NestJS `ConfigModule.forRoot({load: [configuration]})`: the imported factories, loaded before the file's other imports (nestLoads). */
  nestLoads?: NestLoad[]
  text: string
}

/** A config factory a `ConfigModule.forRoot({load: […]})` names: the module it is imported from and the export. */
export interface NestLoad {
  at: string
  name: string
  spec: string
}

type N = Node

/** Values that stand for a function's parameters in its body (fn). */
const PARAMETERS = new WeakSet<EvalValue>()

/**
 * A URL the app takes apart (pg-connection-string's `parse(url)`, Node's `url.parse(url)`, `new URL(url)`) gives its
 * parts, each known when the URL is and an unset env var when the URL is one; the `host` (`hostname`) part keeps the
 * whole URL here, so a pool given the parts (`new Pool({host, port, database})`) is placed on the URL's server as a
 * pool given the URL is (pools.ts urlOf, model/other-server.ts).
 */
const URL_OF_PART = new WeakMap<object, EvalValue>()

/** The URL a value is the host of, when it is one a URL parse gave (URL_OF_PART). */
export const urlOfHostPart = (v: EvalValue | undefined): EvalValue | undefined => (v ? URL_OF_PART.get(v) : undefined)

const URL_PARSERS = /^(pg-connection-string(\.default)?\.parse|(node:)?url\.parse|URL)$/
/** HEROKU_DATABASE_URL as Heroku Postgres writes it: with a user and a password (their values stand-ins). */
const HEROKU_URL_WITH_CREDENTIALS = 'postgres://user:password@heroku-postgres/DATABASE_URL'

/** An app function's definition, kept so a call with arguments walks its body again with them bound (invoke). */
interface Closure {
  ev: JsEvaluator
  node: ArrowFunctionExpression | JsFunction
  /** Its body makes no calls: a value helper (`toOptionalNumber(v)`), walked for every caller however many. */
  pure: boolean
  sites: JsFunctionSites
}

/** Function values (their `value` object, which survives copies of the EvalValue) → their definition. */
const CLOSURES = new WeakMap<object, Closure>()
/** Every app function's call sites record (JsFunctionSites), by the value the function is (cliHandlers). */
const FUNCTION_SITES = new WeakMap<object, JsFunctionSites>()
/** Values that are a command-line program (`const cli = cac()`), for cliProgram. */
const CLI_VALUES = new WeakSet<object>()
/**
 * Values that are one of commander's subcommands: `new Command('worker')` (and a chain of its own methods on it, which
 * return it), and what `program.command('db')` returns (the new subcommand: commander's Command#command with no
 * description string). Kept across modules: `module.exports = new Command('worker').action(…)` in one file and
 * `program.addCommand(require('./worker'))` in another (https://github.com/tj/commander.js#commands).
 */
const SUBCOMMANDS = new WeakMap<object, CliCommand>()
/** commander's Command class, as js.ts names an import of it. */
const COMMANDER_COMMAND = /^(commander|@commander-js\/extra-typings)(\.default)?\.Command$/

type ClassNode = N & {type: 'ClassDeclaration' | 'ClassExpression'}

/**
 * An app class, kept so `new C(args)` walks what a new instance runs — its base class's
 * construction, its field initializers, its constructor with the parameters bound, its getters —
 * with `this` the instance (construct): a pool a constructor makes is made once per `new`.
 */
interface ClassDef {
  /** The app's own class it extends, if any (`class Repo extends BaseRepo`). */
  base?: ClassDef
  ev: JsEvaluator
  /** The imported class it extends (`PrismaClient`): `super(opts)` is `new Base(opts)`. */
  importedBase?: string
  methods: Map<string, EvalValue>
  node: ClassNode
  sites: JsFunctionSites
}

/** JS built-ins a value helper may call (`parseInt(v, 10)`, `JSON.parse(v)`, `v.split(',')`): they make nothing. */
const BUILTIN = /^(Number|parseInt|parseFloat|String|Boolean|isNaN|JSON\.parse|Math\.\w+|Number\.\w+|[\w$.]*\.(split|trim|toLowerCase|toUpperCase|includes|startsWith|endsWith|replace|replaceAll|map|filter|join|some|every))$/

/** Values that are `process.env` itself (env.ts's `export default withFileSecrets(process.env)`): a key read is that variable. */
const ENV_OBJECTS = new WeakSet<object>()

/**
 * The process's command-line arguments, read by hand (cli-commands.ts, CliProgram.argv): `process.argv` and what
 * `.slice(n)` makes of it (the position in process.argv its first item is); a word of it (`process.argv[2]`, `args[0]`,
 * `const [cmd = 'web'] = process.argv.slice(2)`), an unknown value here, chosen per process; `argv.includes('--worker')`.
 */
const ARGV_LISTS = new WeakMap<object, number>()
const ARGV_WORDS = new WeakMap<object, ArgvWord>()
/**
 * objection's knexSnakeCaseMappers() / knexIdentifierMapping(): knex options holding only wrapIdentifier and
 * postProcessResponse (lib/utils/identifierMapping.js knexIdentifierMappers returns just those two), spread into a knex
 * config (`{...config, ...knexSnakeCaseMappers()}`): they set no pool.
 * https://github.com/Vincit/objection.js/blob/main/lib/utils/identifierMapping.js
 */
const OBJECTION_MAPPERS = /^objection(?:\.default)?\.(knexSnakeCaseMappers|knexIdentifierMapping)$/
/** A template string with `${…}` (not evaluated): its text up to the first `${`, for a caller that needs only its start (`LISTEN ${channel}`). */
export const TEMPLATE_HEADS = new WeakMap<object, string>()
/** A word of the command line: process.argv[index], or with `parsed` the index-th word minimist leaves in `_` of process.argv.slice(parsed). */
type ArgvWord = {fallback?: string; index: number; parsed?: number}
/**
 * minimist / mri / yargs-parser's result for process.argv.slice(n) (the parsed object → n), and its `_` (the words that
 * are not options → n, and how many of them a slice dropped): https://github.com/minimistjs/minimist#var-argv--parseargsargs-opts
 */
const ARGV_PARSED = new WeakMap<object, number>()
const ARGV_POSITIONALS = new WeakMap<object, {from: number; skip: number}>()
/** The packages whose default export parses a list of words into `{_: [positional words], option: value}`. */
const ARGV_PARSERS = /^(minimist|mri|yargs-parser)(\.default)?$/
const ARGV_FLAGS = new WeakMap<object, {flag: string; from: number}>()
type ArgvTest = {names: string[]; negated: boolean; spec: NonNullable<CliProgram['argv']>}

/** A string written as such (`'worker'`, `` `worker` ``). */
function stringLiteral(n: N): string | undefined {
  const a = unwrap(n)
  if (a.type === 'Literal' && typeof a.value === 'string') return a.value
  return a.type === 'TemplateLiteral' && a.expressions.length === 0 ? (a.quasis[0]?.value.cooked ?? undefined) : undefined
}

/** Methods that close a client for good: pg/postgres.js `end`, Prisma `$disconnect`, knex/TypeORM `destroy`, Sequelize/MikroORM `close`. */
const CLOSE_METHOD = /^(end|\$disconnect|destroy|close)$/

/** `c.end()` (awaited or not), as a statement or a call: the name closed. */
function closeOf(n: N): string | undefined {
  let e = unwrap(n.type === 'ExpressionStatement' ? n.expression : n)
  if (e.type === 'AwaitExpression') e = unwrap(e.argument as N)
  if (e.type !== 'CallExpression') return undefined
  const c = unwrap(e.callee)
  return c.type === 'MemberExpression' && !c.computed && CLOSE_METHOD.test(keyName(c.property as N) ?? '') && unwrap(c.object as N).type === 'Identifier' ? (unwrap(c.object as N) as N & {name: string}).name : undefined
}

/**
 * The names a statement list closes after it made them: a later statement `await c.end()`, a later `try`'s `finally` that
 * does, or a later promise chain whose `.then(…)`/`.finally(…)` callback does (`main().then(async () => { await
 * prisma.$disconnect() })`). Each with the closing call. Only those: a close in a listener (`process.on('SIGTERM', …)`)
 * or another function runs when something else happens.
 */
function closedBelow(list: readonly N[]): Map<string, N> {
  const out = new Map<string, N>()
  const body = (f: N): readonly N[] => (f.type === 'BlockStatement' ? f.body : [f])
  for (const s of list) {
    const direct = closeOf(s)
    if (direct) {
      out.set(direct, s)
      continue
    }

    if (s.type === 'TryStatement' && s.finalizer) {
      for (const f of s.finalizer.body) {
        const name = closeOf(f)
        if (name) out.set(name, f)
      }

      continue
    }

    // `main().then(() => prisma.$disconnect()).catch(…)`: walk the chain's calls.
    let e = s.type === 'ExpressionStatement' ? unwrap(s.expression) : undefined
    if (e?.type === 'AwaitExpression') e = unwrap(e.argument as N)
    for (let depth = 0; depth < 16 && e?.type === 'CallExpression'; depth++) {
      const c = unwrap(e.callee)
      if (c.type !== 'MemberExpression') break
      if (/^(then|finally)$/.test(keyName(c.property as N) ?? '')) {
        const cb = e.arguments[0] ? unwrap(e.arguments[0] as N) : undefined
        if (cb && (cb.type === 'ArrowFunctionExpression' || cb.type === 'FunctionExpression') && cb.body) {
          for (const f of body(cb.body as N)) {
            const name = closeOf(f)
            if (name) out.set(name, f)
          }
        }
      }

      e = unwrap(c.object as N)
    }
  }

  return out
}

/** A switch case's statements end by leaving the switch (break, return, throw, continue, process.exit()). */
function leavesCase(list: readonly N[]): boolean {
  const last = list.at(-1)
  if (!last) return false
  if (last.type === 'BlockStatement') return leavesCase(last.body)
  return last.type === 'BreakStatement' || last.type === 'ContinueStatement' || exits(last)
}

/** Class values (the dict of their methods) → their definition. */
const CLASSES = new WeakMap<object, ClassDef>()
/** How deep calls of the app's functions are followed, and from how many places one function is. */
const MAX_CALL_DEPTH = 8
let callDepth = 0
/**
 * The evaluation running now (evaluateParsed; one at a time, synchronously). A call of another module's function is walked
 * by that module's evaluator, which may come from another project's run (shared-eval.ts): what the walk reads (env, CPU
 * count) and the sites it adds are this evaluation's, as they would be had this project evaluated that module itself.
 */
let running: Evaluation | undefined
/**
 * Methods chained on a call's result whose inner call is read (call): an emitter's listener methods, and a promise's
 * then/catch/finally (`NestFactory.create(AppModule).then(app => …)` makes the app as `await` would).
 */
const CHAINED = /^(on|once|addListener|prependListener|prependOnceListener|setMaxListeners|then|catch|finally)$/
/** The emitter methods that return the emitter itself: the chain's value is the inner call's. */
const LISTENERS = /^(on|once|addListener|prependListener|prependOnceListener|setMaxListeners)$/
/** Branch ids, unique across modules and walks: pools.ts settles the arms of one branch together. */
let guardIds = 0

/** Whether a value is, or holds, something computed from a parameter of a function walked without its caller. */
export function fromParameter(v: EvalValue | undefined, depth = 0): boolean {
  if (!v || depth > 8) return false
  if (v.kind === 'unknown') return v.parameter !== undefined
  const x = v.value
  if (typeof x !== 'object' || x === null) return false
  if (x.kind === 'dict') return [...x.entries.values()].some((e) => fromParameter(e, depth + 1))
  if (x.kind === 'list') return x.items.some((e) => fromParameter(e, depth + 1))
  return false
}

/** The callee of a function value: its args[0] is what the function returns. */
const FUNCTION = '(function)'
/** Strapi's config helper, imported from @strapi/utils or passed to config functions as `{env}`. */
const ENV_HELPER = '@strapi/utils.env'
/**
 * AdonisJS's env service: `Env.get('X', d)` (v5, `@ioc:Adonis/Core/Env`) and `env.get('X', d)` (v6,
 * `#start/env` made by `Env.create`) return the variable, else the default
 * (https://docs.adonisjs.com/guides/getting-started/environment-variables).
 */
const ADONIS_ENV = /^(?:@ioc:Adonis\/Core\/Env|#start\/env|@adonisjs\/core\/services\/env|@adonisjs\/core\/env)(?:\.default)?\.get$/

/** An app class value's place (`file:line` of its declaration, as JsCall.decorates names it), else undefined. */
export function classKey(v: EvalValue | undefined): string | undefined {
  const def = isDict(v) ? CLASSES.get(v.value) : undefined
  return def ? `${def.sites.file}:${def.sites.line}` : undefined
}

/** What a function value returns (`module.exports = ({env}) => ({…})`); any other value as it is. */
export function returnedBy(v: EvalValue | undefined): EvalValue | undefined {
  return v?.kind === 'known' && typeof v.value === 'object' && v.value?.kind === 'call' && v.value.callee === FUNCTION ? v.value.args[0] : v
}

/** The merged objects node-config's `require('config')` returns (node-config.ts): `config.get('a.b')` reads a path of them. */
export const NODE_CONFIG = new WeakSet<object>()
/**
 * The settings a `convict(schema)` object holds, read from its schema (each setting: the env var its
 * `env` names when set, else its `default` — https://github.com/mozilla/node-convict/tree/master/packages/convict#precedence-order),
 * and where the app loads files or objects over them (`config.loadFile(…)`, `config.load(…)`), which conncalc does not read.
 */
const CONVICT = new WeakMap<object, {loads: string[]}>()

// config.service.ts get(): validated env, then process.env, then the internal config (load / registerAs), then the default.
const NEST_CONFIG_REF = 'https://github.com/nestjs/config/blob/master/lib/config.service.ts'
// config.module.ts forRoot: each `load` factory's object is merged into the internal config, under its registerAs token
// when it has one, else at the root (mergeConfigObject: `token ? set(host, token, partial) : Object.assign(host, partial)`).
const NEST_LOAD_REF = 'https://github.com/nestjs/config/blob/master/lib/config.module.ts'

/** Factories `registerAs()` returned: loaded, their object is under their namespace (registered when evaluated), not at the root. */
const REGISTERED_AS = new WeakSet<object>()

/** Per config map: its keys a `load` factory merged at the root (as file:line of the forRoot call), apart from registerAs namespaces. */
const NEST_ROOT_KEYS = new WeakMap<Map<string, EvalValue>, Map<string, string>>()

/**
 * A plain factory a `ConfigModule.forRoot({load: [factory]})` names: what it returns, merged at the root of the
 * config ConfigService.get reads (`get('database.maxConnections')` → its `database` key). A registerAs factory is
 * already under its namespace; a value conncalc cannot read as a function returning an object is left out.
 */
export function mergeNestLoad(config: Map<string, EvalValue>, factory: EvalValue | undefined, at: string): boolean {
  if (factory?.kind !== 'known' || (typeof factory.value === 'object' && factory.value !== null && REGISTERED_AS.has(factory.value))) return false
  const made = returnedBy(factory)
  if (made === factory || !isDict(made)) return false
  let keys = NEST_ROOT_KEYS.get(config)
  if (!keys) NEST_ROOT_KEYS.set(config, (keys = new Map()))
  for (const [key, v] of made.value.entries) {
    config.set(key, v)
    keys.set(key, at)
  }

  return true
}

/** envalid's cleanEnv and the validators conncalc reads (envalid@5.0.0 src/validators.js; the same names in 6-8). */
const ENVALID_CLEAN = /^envalid(\.default)?\.cleanEnv$/
const ENVALID_VALIDATOR = /^(?:envalid|envsafe)(?:\.default)?\.(str|num|bool|url|host|port|email|json)$/
const ENVALID_REF = 'https://github.com/af/envalid/blob/v5.0.0/src/envalidWithoutDotenv.js'

/** envsafe's `envsafe({POOL: num({default: 10})})`: the same validators and defaults as envalid's (https://github.com/KATT/envsafe#readme). */
const ENVSAFE = /^envsafe(\.default)?\.envsafe$/
/**
 * zod schemas (`z.object({DB_POOL_MAX: z.coerce.number().default(10)}).parse(process.env)`) and t3-env's
 * `createEnv({server: {…}, runtimeEnv: process.env})`, read from their code: the call node each schema value was made at.
 */
const SCHEMA_NODES = new WeakMap<object, Node>()
const ZOD_REF = 'https://zod.dev/api#defaults'
const T3_ENV = /^@t3-oss\/env-(core|nextjs|nuxt)(\.default)?\.createEnv$/
/** Methods that check a value and return it unchanged (or only refine its type). */
const ZOD_CHECKS = /^(int|positive|nonnegative|negative|nonpositive|min|max|gt|gte|lt|lte|finite|safe|multipleOf|step|length|nonempty|url|email|uuid|cuid|cuid2|ulid|regex|startsWith|endsWith|includes|ip|datetime|date|time|duration|base64|describe|brand|readonly|refine|superRefine|check|meta|trim|toLowerCase|toUpperCase)$/

/** Template tags that run a query when written as a tag: @vercel/postgres's exported `sql`/`db` (pools.ts). */
const TAGGED_CLIENTS = /^@vercel\/postgres(\.default)?\.(sql|db)$/
/** Identity helpers that return their argument (drizzle-kit, MikroORM, Medusa, Vite, Astro `defineConfig`). */
const IDENTITY = /(^|\.)define(Config|Configuration)$/
/**
 * `Object.freeze(o)`, `Object.seal(o)`, `Object.preventExtensions(o)` change only whether o can be changed and return o
 * itself (ECMA-262 §20.1.2.6, .20, .18: "Return O"): a frozen config object reads as the object.
 */
const RETURNS_OBJECT = /^Object\.(freeze|seal|preventExtensions)$/

/** A module as `import * as x` (or `require`, for an ES module) sees it: its exports as an object. */
export function namespaceOf(m: JsModule, line = 1): EvalValue {
  return {file: m.file, kind: 'known', line, value: {entries: new Map(m.exports), kind: 'dict'}, via: []}
}

/** What `require(spec)` returns: `module.exports`, else the ES module's exports. */
export const requiredValue = (m: JsModule): EvalValue => m.cjs ?? namespaceOf(m)

/** TypeORM's getConnectionOptions() (ConnectionOptionsReader: the ormconfig file or TYPEORM_* variables). */
const TYPEORM_GET_OPTIONS = /^typeorm(\.default)?\.getConnectionOptions$/
/** The key of the dict getConnectionOptions() gives: the connection's name; pools.ts puts the ormconfig's options under the keys beside it. */
export const TYPEORM_ORMCONFIG = '\0typeorm ormconfig'

/**
 * `import * as config from './knexfile'` of a CommonJS module (`module.exports = {…}`): TypeScript's
 * CommonJS output is `require()` (through `__importStar` with esModuleInterop, which copies its
 * properties and adds `default`), so the namespace has the object's keys.
 */
function starOf(m: JsModule, line: number): EvalValue {
  const cjs = m.cjs
  if (!isDict(cjs)) return namespaceOf(m, line)
  const dict = cjs.value as PyDict
  return {...cjs, value: {...(dict.partial ? {partial: true} : {}), entries: new Map([...dict.entries, ['default', cjs]]), kind: 'dict'}}
}

/** TypeScript wrappers that do not change the value: `x as T`, `x satisfies T`, `x!`, `<T>x`, `f<T>`, `(x)`. */
const TRANSPARENT = new Set(['ParenthesizedExpression', 'TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TSTypeAssertion', 'TSInstantiationExpression', 'ChainExpression'])

/** Keys of a node that hold types only: never walked for values or calls. */
const TYPE_KEYS = new Set(['typeAnnotation', 'returnType', 'typeParameters', 'typeArguments', 'superTypeArguments', 'implements', 'parent'])

/** A statement that always leaves its function (or module): `return`, `throw`, `process.exit()`, or a block ending in one. */
function exits(node: N): boolean {
  if (node.type === 'ReturnStatement' || node.type === 'ThrowStatement') return true
  if (node.type === 'BlockStatement') return node.body.length > 0 && exits(node.body.at(-1)!)
  if (node.type === 'ExpressionStatement' && node.expression.type === 'CallExpression') {
    const callee = node.expression.callee
    return callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier' && callee.object.name === 'process' && callee.property.type === 'Identifier' && callee.property.name === 'exit'
  }

  return false
}

/** A call's result the evaluator kept as the call (not a `new`, a function or a module): its value, and truthiness, are not known. */
const unevaluatedCall = (v: EvalValue): boolean => isCall(v) && v.value.callee !== FUNCTION && v.value.callee !== 'require' && SCHEMA_NODES.get(v.value as object)?.type !== 'NewExpression'

/** Whether a statement that exits (exits) does so by `return` (a block ending in one). */
const returns = (node: N): boolean => node.type === 'ReturnStatement' || (node.type === 'BlockStatement' && node.body.length > 0 && returns(node.body.at(-1)!))

/** `process.exit(…)` as a statement of its own. */
const isProcessExit = (node: N): boolean => node.type === 'ExpressionStatement' && exits(node)

/**
 * A lazily made singleton: `if (!pool) pool = new Pool()`, `if (pool == null) …`, `typeof pool === 'undefined'`
 * (`unset`), or `if (pool) return pool` followed by `pool = new Pool()` (set). Returns the tested
 * reference (`pool`, `this.pool`, `globalThis.db`) and which way the test reads.
 */
function singletonTest(test: N, text: (n: N) => string): {ref: string; unset: boolean} | undefined {
  const t = unwrap(test)
  const isRef = (n: N): boolean => n.type === 'Identifier' || (n.type === 'MemberExpression' && !n.computed)
  const nullish = (n: N): boolean => (n.type === 'Literal' && n.value === null) || (n.type === 'Identifier' && n.name === 'undefined') || (n.type === 'UnaryExpression' && n.operator === 'void')
  if (isRef(t)) return {ref: text(t), unset: false}
  if (t.type === 'UnaryExpression' && t.operator === '!') {
    const inner = singletonTest(t.argument, text)
    return inner && {ref: inner.ref, unset: !inner.unset}
  }

  if (t.type !== 'BinaryExpression' || !['!=', '!==', '==', '==='].includes(t.operator)) return undefined
  const equal = t.operator.startsWith('=')
  const [l, r] = [unwrap(t.left), unwrap(t.right)]
  for (const [ref, other] of [
    [l, r],
    [r, l],
  ]) {
    if (isRef(ref) && nullish(other)) return {ref: text(ref), unset: equal}
    // typeof pool === 'undefined'
    if (ref.type === 'UnaryExpression' && ref.operator === 'typeof' && isRef(unwrap(ref.argument)) && other.type === 'Literal' && other.value === 'undefined') {
      return {ref: text(unwrap(ref.argument)), unset: equal}
    }
  }

  return undefined
}

/** Whether statements (not functions inside them) assign `ref`: `ref = …`, `ref ??= …`, `ref ||= …`. */
function assigns(nodes: N[], ref: string, text: (n: N) => string): boolean {
  return nodes.some((n) => {
    if (n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression' || n.type === 'ClassDeclaration') return false
    if (n.type === 'AssignmentExpression' && ['=', '??=', '||='].includes(n.operator) && text(unwrap(n.left as N)) === ref) return true
    return assigns(children(n), ref, text)
  })
}

/** The child nodes of any node (ESTree keys are in source order), types left out. */
function children(node: N): N[] {
  const out: N[] = []
  for (const key in node) {
    if (TYPE_KEYS.has(key)) continue
    const value = (node as unknown as Record<string, unknown>)[key]
    if (Array.isArray(value)) {
      for (const v of value) if (v && typeof v === 'object' && typeof (v as N).type === 'string') out.push(v as N)
    } else if (value && typeof value === 'object' && typeof (value as N).type === 'string') out.push(value as N)
  }

  return out
}

/** `x as T`, `(x)`, `x!`: the expression inside. */
function unwrap(node: N): N {
  let n = node
  while (TRANSPARENT.has(n.type) && 'expression' in n && n.expression) n = n.expression as N
  return n
}

/** The name an object key or import/export name is written as (`max`, `"max"`, `[1]`); undefined when computed. */
function keyName(key: N, computed = false): string | undefined {
  if (!computed && key.type === 'Identifier') return key.name
  if (key.type === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number')) return String(key.value)
  return undefined
}

/**
 * A module's names (JsEvaluator.names) with an undo log: while a mark is open, each write records the value it
 * replaced, so undo(mark) puts back the names as they were at the mark, and written(mark) gives the names written
 * since, in work that grows with the names written rather than with the names in scope (issue #19: the arms of an
 * undecided branch and each call site a function body is walked for copied the module's whole scope: 11 M entries
 * copied on langfuse). Marks nest (the innermost is undone or released first). A name an undo puts back after a
 * `delete` moves to the end of the iteration order: nothing reads the names in order.
 */
class Names extends Map<string, EvalValue> {
  private readonly log: {key: string; old: EvalValue | undefined}[] = []
  private open = 0

  override clear(): void {
    if (this.open > 0) for (const [key, old] of this) this.log.push({key, old})
    super.clear()
  }

  override delete(key: string): boolean {
    if (this.open > 0 && super.has(key)) this.log.push({key, old: super.get(key)})
    return super.delete(key)
  }

  /** Starts logging writes (if not already): undo(mark) and written(mark) go back to now. release() ends it. */
  mark(): number {
    this.open += 1
    return this.log.length
  }

  /** Ends the innermost mark; the writes stay (an outer mark may undo them); the log is dropped when none is open. */
  release(): void {
    this.open -= 1
    if (this.open === 0) this.log.length = 0
  }

  override set(key: string, value: EvalValue): this {
    if (this.open > 0) this.log.push({key, old: super.get(key)})
    return super.set(key, value)
  }

  /** The names as they were at the mark. */
  undo(mark: number): void {
    const {log} = this
    for (let i = log.length - 1; i >= mark; i--) {
      const {key, old} = log[i]
      if (old === undefined) super.delete(key)
      else super.set(key, old)
    }

    if (log.length > mark) log.length = mark
  }

  /** The names written since the mark, in the order first written, with what they hold now (undefined: deleted). */
  written(mark: number): Map<string, EvalValue | undefined> {
    const out = new Map<string, EvalValue | undefined>()
    for (let i = mark; i < this.log.length; i++) {
      const {key} = this.log[i]
      if (!out.has(key)) out.set(key, super.get(key))
    }

    return out
  }
}

class JsEvaluator {
  readonly calls: JsCall[] = []
  /** `import('./x')` written in top-level code a known value keeps from running (a case or arm not taken): deadLazy. */
  readonly deadImports: N[] = []
  cjs?: EvalValue
  readonly exports = new Map<string, EvalValue>()
  /** The class being read and what it extends, so `super(opts)` in its constructor is `new Base(opts)`. */
  private readonly superclasses: string[] = []
  /** The constructions being walked (instantiate), innermost last: `this` is the instance, `super(…)` the class's base. */
  private readonly frames: {def: ClassDef; instance: KnownValue}[] = []
  readonly imports: string[] = []
  readonly names = new Names()
  /** Names declared as an array literal (`const args = [file]`), by name: the list a child process is started with (childScript). */
  private readonly lists = new Map<string, N>()
  /** How many `new Promise(…)` executors the walk is in. */
  private promiseDepth = 0
  /** The start-up exits read past (`if (!process.env.X) throw …` with X unset here), said once per module (loadNotes). */
  private readonly startExits: {line: number; missing: string[]; test: string; what: 'exits' | 'throws'}[] = []
  /** The module's own top-level statements (program). */
  private topList?: N[]
  /** The line of an unconditional top-level `process.exit()` with code below it, which is not read. */
  private stopExit?: number
  get stopsAt(): number | undefined {
    return this.stopExit
  }

  /**
   * What the module does as it loads that the report says: one info line for its start-up exits read past (a config
   * module that checks five variables in turn is one thing to tell, not five), at the first one's line.
   */
  loadNotes(): Diagnostic[] {
    const exits = this.startExits
    const stop: Diagnostic[] = this.stopExit === undefined ? [] : [{code: 'unknown-config-value', file: this.file, line: this.stopExit, message: 'this module calls process.exit() at its top level, under no condition: the process stops there, and conncalc does not read the statements below it (their pools are not counted)', severity: 'info'}]
    if (exits.length === 0) return stop
    const missing = [...new Set(exits.flatMap((e) => e.missing))]
    const them = missing.length === 1 ? 'it' : 'them'
    const have = `${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no value here: a process that loads it exits at start unless the deploy sets ${them}; conncalc reads on as if it does`
    const message = exits.length === 1
      ? `this module ${exits[0].what} as it loads when \`${exits[0].test}\` holds, and ${have}`
      : `this module ${[...new Set(exits.map((e) => e.what))].join(' or ')} as it loads at ${exits.length} checks (lines ${exits.map((e) => e.line).join(', ')}), and ${have}`
    return [...stop, {code: 'unknown-config-value', file: this.file, line: exits[0].line, message, severity: 'info'}]
  }
  private readonly aliases = new Map<string, string>()
  /** The `return` values seen in each function being evaluated, innermost last. */
  private readonly returns: EvalValue[][] = []
  private readonly lineOf: (offset: number) => number
  /** The branches enclosing what is being read now, outermost first. */
  private readonly guards: JsGuard[] = []
  /** How many function bodies enclose what is being read now (an IIFE's body runs when the module loads: not counted). */
  private functionDepth = 0
  /** The app functions whose bodies enclose what is being read now, innermost last (their calls learn it: JsCall.within). */
  private readonly within: JsFunctionSites[] = []
  /** While a function body is walked again for one call site (bound): where its calls go, instead of the module's. */
  private capture?: JsCall[]
  /** How many lazily made singletons (`if (!pool) pool = …`) enclose what is being read now. */
  private lazyDepth = 0
  /** The innermost lazy-singleton guard being read (file:line), with lazyDepth. */
  private lazyAt: string | undefined
  /** The class whose decorators are being read now (classKey, name), for JsCall.decorates. */
  private decorating?: {key: string; name?: string}
  /**
   * Function declarations of the statement lists being read whose place is not reached yet (hoist): their value
   * made beforehand, so a name used above its `function f` is that function, as JS binds it before any statement runs.
   */
  private readonly hoisted = new Map<N, {made: KnownValue; sites: JsFunctionSites}>()
  /** The module's function declarations, made beforehand (hoist), whose place at the top level is not reached yet. */
  private readonly belowTop = new WeakSet<object>()
  /** Calls whose result is assigned to a member (`A.b = new X()`), by the call's offset: JsCall.assignedTo. */
  private readonly assignedAt = new Map<number, string>()
  /** Names the module's top-level statements declare (`const`, `let`, `var`, `class`, `function`, exported or not). */
  private readonly topNames = new Set<string>()
  /** Whether the module's top level has been read (program). */
  private topDone = false
  /**
   * Calls in function bodies read before the module's top level is done whose arguments read a top-level name bound
   * further down (`new Pool({max: settings.max})`, `const settings = …` below; `max: poolSize()`, a function declared
   * below): the function runs later, when the name is bound (a function is called once the module has loaded), so the
   * call is recorded then, its arguments read again with the names in scope where it is written (program).
   */
  private readonly postponed: {at: N; call: JsCall; scope: Map<string, EvalValue>}[] = []
  /** The command-line programs of this module by how they are written, and the commands declared on them, by their `.command(…)` call. */
  private readonly programs = new Map<string, CliProgram>()
  private readonly commands = new WeakMap<N, CliCommand>()
  /** commander's `program.addCommand(new Command('worker').action(…))`: each subcommand's `new Command(name)` → the program it is added to (addedCommands). */
  private readonly added = new Map<N, {isDefault: boolean; name: string; parent: N}>()
  readonly cliHandlers: {guard?: JsGuard; sites: JsFunctionSites}[] = []
  readonly closed: {at: string; bound?: string; fn?: string; made: string}[] = []
  /** A call chained on another's result (`knex(o).withSchema(s)`): the inner call, read first, and its value while the outer one is read. */
  private readonly chainDone = new Map<N, EvalValue>()
  /**
   * Calls in function bodies of the app's own functions that the module defines below them (program): made when the
   * body runs, after the top level is read, so they are followed then, with the module's final names.
   */
  private readonly later: {args: EvalValue[]; at: N; decorating?: {key: string; name?: string}; depth: number; functionDepth: number; guards: JsGuard[]; isNew: boolean; lazyAt?: string; lazyDepth: number; name?: string; own?: EvalValue; scope?: Map<string, EvalValue>}[] = []

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly opts: JsEvalOptions,
  ) {
    this.lineOf = lineIndex(text)
  }

  private line(node: N): number {
    return this.lineOf(node.start)
  }

  private t(node: N): string {
    return this.text.slice(node.start, node.end)
  }

  private known(node: N, value: PyValue, ...from: (EvalValue | undefined)[]): KnownValue {
    const via = from.flatMap((v) => (v?.kind === 'known' ? v.via : []))
    const missing = from.flatMap((v) => v?.missingEnv ?? [])
    return {file: this.file, kind: 'known', line: this.line(node), value, via, ...(missing.length > 0 ? {missingEnv: missing} : {})}
  }

  private unknown(node: N, reason?: string, ...from: (EvalValue | undefined)[]): EvalValue {
    const inner = from.find((v) => v?.kind === 'unknown')
    // What is computed from a value that is one of several (`among`) is not one of them.
    if (inner) {
      if (inner.kind !== 'unknown' || !inner.among) return inner
      const {among: _among, ...rest} = inner
      return rest
    }

    const snippet = this.t(node).replaceAll(/\s+/g, ' ').slice(0, 60)
    return {file: this.file, kind: 'unknown', line: this.line(node), reason: reason ?? `\`${snippet}\` is not something conncalc evaluates`}
  }

  visit(node: N): void {
    switch (node.type) {
      case 'VariableDeclaration': {
        for (const d of node.declarations) {
          if (!d.init) continue
          // `const createPool = async () => {…}`: the function is known by the name it is bound to (as a declaration's).
          const value = (d.init.type === 'ArrowFunctionExpression' || d.init.type === 'FunctionExpression') && !('id' in d.init && d.init.id) && d.id.type === 'Identifier' ? this.fn(d.init, false, undefined, d.id.name) : this.expr(d.init)
          this.bindPattern(d.id, d.init, value)
          // A list held in a name (`const args = [path.resolve(__dirname, 'worker.js')]`), for a child process started with it (childScript).
          if (d.id.type === 'Identifier' && unwrap(d.init).type === 'ArrayExpression') this.lists.set(d.id.name, unwrap(d.init))
        }

        return
      }

      case 'ImportDeclaration': {
        // `import type {X}`, or an import whose names are used only as types: the compiled file does not load it.
        if (this.opts.elided?.has(node.start)) return
        const spec = node.source.value
        this.imports.push(spec)
        const mod = this.opts.imported?.(spec)
        const bind = (local: string, exported: string | undefined, at: N): void => {
          const cycle = mod ? undefined : this.opts.cyclic?.(spec)
          if (cycle) this.names.set(local, this.unknown(at, cycle))
          if (!mod) return
          // `import {config} from './config'` of a CommonJS module (`module.exports = {config}`): TypeScript and bundlers
          // compile it to `require('./config').config`, a property of module.exports.
          const v = exported === undefined ? starOf(mod, this.line(at)) : (mod.exports.get(exported) ?? (isDict(mod.cjs) ? mod.cjs.value.entries.get(exported) : undefined))
          this.names.set(local, v ?? this.unknown(at, `\`${exported}\` is not an export of ${mod.file} conncalc can read`))
        }

        for (const s of node.specifiers ?? []) {
          const local = s.local.name
          if (s.type === 'ImportSpecifier') {
            const imported = keyName(s.imported) ?? local
            this.aliases.set(local, `${spec}.${imported}`)
            bind(local, imported, s)
          } else {
            this.aliases.set(local, spec) // default or `* as x`
            bind(local, s.type === 'ImportNamespaceSpecifier' ? undefined : 'default', s)
          }
        }

        return
      }

      case 'FunctionDeclaration': {
        const pre = this.hoisted.get(node)
        this.hoisted.delete(node)
        const value = this.fn(node, false, pre)
        if (pre) this.belowTop.delete(pre.made.value as object)
        if (node.id) this.names.set(node.id.name, value)
        return
      }

      case 'ClassDeclaration':
      case 'ClassExpression': {
        const {def, methods, statics} = this.classBody(node)
        // `class TypeOrmConfigService { createTypeOrmOptions() {…} }`: the name holds its methods, each what it returns,
        // so `useClass: TypeOrmConfigService` reads the options the framework gets from it; and its static fields.
        const entries = statics.size > 0 ? new Map([...methods, ...statics]) : methods
        const value: KnownValue = {file: this.file, kind: 'known', line: this.line(node), value: {entries, kind: 'dict'}, via: []}
        CLASSES.set(value.value as object, def)
        if (node.id) this.names.set(node.id.name, value)
        return
      }

      case 'ExportDefaultDeclaration': {
        const d = node.declaration as N
        let v: EvalValue | undefined
        if (d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') {
          this.visit(d)
          v = d.id ? this.names.get(d.id.name) : d.type === 'FunctionDeclaration' ? this.fn(d) : undefined
        } else if (d.type !== 'TSInterfaceDeclaration') v = this.expr(d)
        this.exports.set('default', v ?? this.unknown(d))
        return
      }

      case 'ExportAllDeclaration': {
        // `export * from './x'` (default excluded), `export * as ns from './x'`.
        const spec = node.source.value
        this.imports.push(spec)
        const from = this.opts.imported?.(spec)
        if (!from) return
        const ns = node.exported ? keyName(node.exported) : undefined
        if (ns) this.exports.set(ns, namespaceOf(from, this.line(node)))
        else for (const [k, v] of from.exports) if (k !== 'default') this.exports.set(k, v)
        return
      }

      case 'ExportNamedDeclaration': {
        const spec = node.source?.value
        if (spec !== undefined) this.imports.push(spec)
        const from = spec === undefined ? undefined : this.opts.imported?.(spec)
        for (const s of node.specifiers) {
          const local = keyName(s.local)
          const exported = keyName(s.exported)
          if (local === undefined || exported === undefined) continue
          const v = spec === undefined ? this.names.get(local) : from?.exports.get(local)
          if (v) this.exports.set(exported, v)
        }

        const d = node.declaration
        if (!d) return
        this.visit(d)
        // `export const a = …, b = …`, `export function f`, `export class C`: named exports.
        const defs = d.type === 'VariableDeclaration' ? d.declarations.flatMap((x) => boundNames(x.id)) : 'id' in d && d.id && d.id.type === 'Identifier' ? [d.id.name] : []
        for (const name of defs) {
          const v = this.names.get(name)
          if (v) this.exports.set(name, v)
        }

        return
      }

      case 'TSExportAssignment': {
        // `export = {…}` (TypeScript CommonJS)
        const v = this.expr(node.expression)
        this.exports.set('default', v)
        this.cjs = v
        return
      }

      case 'ExpressionStatement': {
        this.expr(node.expression)
        return
      }

      case 'ReturnStatement': {
        // A bare `return;` gives undefined (`if (!str) return` in a parse helper: bluesky-social/atproto's maybeParseInt).
        const v = node.argument ? this.expr(node.argument) : this.known(node, null)
        this.returns.at(-1)?.push(v)
        return
      }

      case 'Decorator': {
        // `@Module({imports: [TypeOrmModule.forRoot({…})]})`: the decorator's call and its arguments.
        this.expr(node.expression)
        return
      }

      case 'IfStatement': {
        const {alternate} = node
        // `if (!pool) pool = new Pool(…)`: made on the first call, once per process: read, nothing undecided.
        const lazy = alternate ? undefined : singletonTest(node.test, (n) => this.t(n))
        const once = lazy?.unset && assigns([node.consequent], lazy.ref, (n) => this.t(n)) ? 'then' : undefined
        const c = this.branch(node.test, () => this.visit(node.consequent), alternate ? () => this.visit(alternate) : undefined, once, undefined, [!exits(node.consequent), !alternate || !exits(alternate)])
        if (this.functionDepth === 0 && !once && decidable(c) && !c.missingEnv?.length) this.notRun([truthy(c.value) ? alternate : node.consequent])
        return
      }

      case 'BlockStatement': {
        this.statements(node.body)
        return
      }

      case 'SwitchStatement': {
        const word = this.argvOf(node.discriminant as N)?.word
        if (word) return this.argvSwitch(node, word)
        this.switchStatement(node)
        return
      }

      default: {
        // Blocks, ifs, loops, try, switch, namespaces, labels: the statements inside (types left out).
        if (node.type.startsWith('TS') && node.type !== 'TSModuleDeclaration' && node.type !== 'TSModuleBlock') return
        for (const k of children(node)) this.visit(k)
      }
    }
  }

  /**
   * A list of statements. After `if (test) { …; return }` with no else (an early return or
   * throw), the statements that follow run only when the test is false: they are read as the
   * if's else branch, so `if (!process.env.REPLICA_URL) return client` leaves the replica pool
   * below it to the branch that does not run here. A singleton's `if (pool) return pool` is not a
   * branch: what follows makes the pool on the first call.
   */
  statements(list: N[], hoist = true): void {
    if (hoist) this.hoist(list)
    const closes = closedBelow(list)
    for (let i = 0; i < list.length; i++) {
      const s = list[i]
      if (closes.size > 0 && i > 0) this.noteClosed(list[i - 1], closes)
      // `process.exit()` at the module's top level, under no condition: Node stops there, and no statement after it runs
      // (https://nodejs.org/api/process.html#processexitcode: "the process exits as quickly as possible"). Its import
      // declarations were loaded before any statement ran (ESM hoists them) and are read; nothing else below is.
      if (list === this.topList && isProcessExit(s) && i < list.length - 1) {
        const rest = list.slice(i + 1)
        for (const r of rest) if (r.type === 'ImportDeclaration' || ((r.type === 'ExportAllDeclaration' || r.type === 'ExportNamedDeclaration') && r.source)) this.visit(r)
        if (rest.some((r) => r.type !== 'ImportDeclaration' && r.type !== 'FunctionDeclaration' && !r.type.startsWith('TS') && r.type !== 'EmptyStatement')) this.stopExit = this.line(s)
        return
      }

      if (s.type === 'IfStatement' && !s.alternate && exits(s.consequent) && i < list.length - 1) {
        const rest = list.slice(i + 1)
        // `if (!process.env.SECRET) throw …` as the module loads, with SECRET set nowhere here: the process would exit
        // at start, so a deploy that runs sets it; the module is read on (its exports bound), and that is said.
        const pre = this.functionDepth === 0 && !this.capture ? this.condition(s.test) : undefined
        // A `return` leaves the module only at its top level (CommonJS); in a function run as the module loads (an IIFE:
        // `const max = (() => { if (!raw) return 20; … })()`) it gives that function's value, read as the branch below.
        const leaves = list === this.topList || !returns(s.consequent)
        const missing = leaves && pre && decidable(pre) && truthy(pre.value) ? [...new Set((pre.missingEnv ?? []).map((m) => m.name))] : []
        if (missing.length > 0) {
          const what = s.consequent.type === 'ThrowStatement' || (s.consequent.type === 'BlockStatement' && s.consequent.body.at(-1)?.type === 'ThrowStatement') ? 'throws' : 'exits'
          this.startExits.push({line: this.line(s), missing, test: this.t(s.test).replaceAll(/\s+/g, ' ').slice(0, 80), what})
          continue
        }

        // `if (pool) return pool` then `pool = new Pool(…)`: the rest runs on the first call.
        const lazy = singletonTest(s.test, (n) => this.t(n))
        const once = lazy && !lazy.unset && assigns(rest, lazy.ref, (n) => this.t(n)) ? 'else' : undefined
        this.branch(s.test, () => this.visit(s.consequent), () => this.statements(rest, false), once, pre, [false, true])
        return
      }

      this.visit(s)
      if (s.type === 'TryStatement' && s.finalizer) this.noteAssignedClosed(s)
    }

    if (closes.size > 0 && list.length > 0) this.noteClosed(list.at(-1)!, closes)
  }

  /**
   * `let c; try { c = await makeClient(); … } finally { await c?.end() }`: a name assigned in the try's own block and
   * closed in its finally holds a client closed once that block's work is done, as for a `const` (noteClosed).
   */
  private noteAssignedClosed(s: N & {type: 'TryStatement'}): void {
    const assigned = new Set<string>()
    for (const st of s.block.body) {
      let e = st.type === 'ExpressionStatement' ? unwrap(st.expression) : undefined
      if (e?.type === 'AwaitExpression') e = unwrap(e.argument as N)
      if (e?.type === 'AssignmentExpression' && e.operator === '=' && e.left.type === 'Identifier') assigned.add(e.left.name)
    }

    for (const f of s.finalizer?.body ?? []) {
      const name = closeOf(f)
      const v = name !== undefined && assigned.has(name) ? this.names.get(name) : undefined
      if (!v || v.kind !== 'known') continue
      const fn = this.functionDepth > 0 ? (this.within.at(-1)?.name ?? '') : undefined
      this.closed.push({at: `${this.file}:${this.line(f)}`, made: `${v.file}:${v.line}`, ...(fn === undefined ? {} : {fn})})
    }
  }

  /** After `const c = …` is read, a client it holds that a later statement closes (closedBelow): where its value was made. */
  private noteClosed(s: N, closes: Map<string, N>): void {
    if (s.type !== 'VariableDeclaration') return
    for (const d of s.declarations) {
      const found = d.id.type === 'Identifier' ? closes.get(d.id.name) : undefined
      const close = found && found.start > s.end ? found : undefined
      const v = close && d.id.type === 'Identifier' ? this.names.get(d.id.name) : undefined
      // In a function: its name, so the process is known to call it as it starts (pools.ts beforeTheRest).
      const fn = this.functionDepth > 0 ? (this.within.at(-1)?.name ?? '') : undefined
      // bound: where the name took its value (`const setup = makeDb(url)`), which tells apart two clients one factory makes.
      if (close && v) this.closed.push({at: `${this.file}:${this.line(close)}`, bound: `${this.file}:${this.line(d)}`, made: `${v.file}:${v.line}`, ...(fn === undefined ? {} : {fn})})
    }
  }

  /**
   * The module's statements: read top to bottom, then the calls its function bodies make of functions it defines
   * below them (later) are followed, as they run once the top level has run: every top-level name is bound then.
   */
  program(list: N[]): void {
    for (const s of list) {
      const d = (s.type === 'ExportNamedDeclaration' || s.type === 'ExportDefaultDeclaration') && s.declaration ? (s.declaration as N) : s
      if (d.type === 'VariableDeclaration') for (const x of d.declarations) for (const n of boundNames(x.id)) this.topNames.add(n)
      else if ((d.type === 'ClassDeclaration' || d.type === 'FunctionDeclaration') && d.id) this.topNames.add(d.id.name)
    }

    this.topList = list
    if (this.text.includes('addCommand(')) this.addedCommands(list)
    this.statements(list)
    this.topDone = true
    for (const p of this.postponed.splice(0)) this.calls.push({...p.call, args: this.reread(p.at, p.scope)})
    for (const d of this.later.splice(0)) {
      const own = d.own ?? (d.name !== undefined && this.topNames.has(d.name) ? this.names.get(d.name) : undefined)
      const cls = d.isNew && isDict(own) ? CLASSES.get(own.value) : undefined
      if (!own || (!cls && (d.isNew || returnedBy(own) === own))) continue
      const guards = this.guards.splice(0, this.guards.length, ...d.guards)
      const {decorating, functionDepth, lazyAt, lazyDepth} = this
      const depth = callDepth
      this.decorating = d.decorating
      this.functionDepth = d.functionDepth
      this.lazyDepth = d.lazyDepth
      this.lazyAt = d.lazyAt
      callDepth = d.depth
      try {
        const args = d.scope ? this.reread(d.at, d.scope) : d.args
        if (cls) this.instantiate(cls, args, d.at)
        else this.invoke(own, args, d.at)
      } finally {
        callDepth = depth
        this.decorating = decorating
        this.functionDepth = functionDepth
        this.lazyDepth = lazyDepth
        this.lazyAt = lazyAt
        this.guards.splice(0, this.guards.length, ...guards)
      }
    }
  }

  /**
   * JS binds a scope's function declarations (`function f`, `export function f`, `export default function f`) before
   * any of its statements runs: each is made now (its body is read at its place, fn), so a use above it is that
   * function (https://tc39.es/ecma262/#sec-functiondeclarationinstantiation).
   */
  private hoist(list: N[]): void {
    const top = this.functionDepth === 0 && !this.capture
    for (const s of list) {
      const d = (s.type === 'ExportNamedDeclaration' || s.type === 'ExportDefaultDeclaration') && s.declaration ? (s.declaration as N) : s
      if (d.type !== 'FunctionDeclaration' || !d.id || !d.body) continue
      const sites: JsFunctionSites = {file: this.file, line: this.line(d), name: d.id.name, sites: []}
      const made = this.known(d, {args: [], callee: FUNCTION, kind: 'call', kwargs: {}})
      if (d.params.length > 0) CLOSURES.set(made.value as object, {ev: this, node: d, pure: false, sites})
      FUNCTION_SITES.set(made.value as object, sites)
      this.hoisted.set(d, {made, sites})
      if (top) this.belowTop.add(made.value as object)
      this.names.set(d.id.name, made)
    }
  }

  /**
   * A call in a function body (it runs once the module's top level has run) of the app's function or class that the
   * module defines below the body, before the top level is read: kept to be followed then (program).
   */
  private defer(callee: N, own: EvalValue | undefined, args: EvalValue[], at: N, isNew: boolean): boolean {
    if (this.topDone || this.functionDepth === 0 || args.some((a) => fromParameter(a))) return false
    const below = own?.kind === 'known' && typeof own.value === 'object' && own.value !== null && this.belowTop.has(own.value)
    const unbound = !own && callee.type === 'Identifier' && this.topNames.has(callee.name) && !this.names.has(callee.name) && !this.aliases.has(callee.name)
    if (!(below && !isNew) && !unbound) return false
    // An argument that reads a top-level name bound below (`makePool(POOL_MAX)`, `const POOL_MAX = …` further down) is read
    // again then, with the names in scope here (the body's own, its parameters) over the module's final ones.
    const reads = (n: N): boolean => (n.type === 'Identifier' && this.topNames.has(n.name) && !this.names.has(n.name)) || children(n).some((k) => reads(k))
    const scope = (at as N & {arguments: N[]}).arguments.some((a) => reads(a)) ? new Map(this.names) : undefined
    this.later.push({args, at, depth: callDepth, functionDepth: this.functionDepth, guards: [...this.guards], isNew, lazyAt: this.lazyAt, lazyDepth: this.lazyDepth, ...(this.decorating ? {decorating: this.decorating} : {}), ...(below ? {own} : {}), ...(unbound ? {name: (callee as N & {name: string}).name} : {}), ...(scope ? {scope} : {})})
    return true
  }

  /** A deferred call's arguments read again (program): `scope`'s names over the module's final ones, the calls in them not kept again. */
  private reread(at: N, scope: Map<string, EvalValue>): EvalValue[] {
    const restore = this.saveModule()
    const {capture} = this
    for (const [k, v] of scope) this.names.set(k, v)
    this.capture = []
    try {
      return (at as N & {arguments: N[]}).arguments.map((a) => this.expr(a.type === 'SpreadElement' ? (a.argument as N) : a))
    } finally {
      this.capture = capture
      restore()
    }
  }

  /**
   * `if (test) … else …` and `test ? a : b`, read as the process would run them: a condition
   * conncalc can evaluate takes its branch only. When env vars with no value decided it, the
   * other branch is still read, in a sandbox (its names and exports do not leak), so the pools
   * it would create are named as not counted. A condition it cannot evaluate reads both arms,
   * each marked, so a pool in each is counted once. `once`: the arm that makes a singleton when
   * the condition cannot be evaluated (`if (!pool) pool = …`): it runs on the first call, so it
   * is read alone, with nothing undecided. Returns the condition's value.
   */
  private branch(test: N, then: () => void, otherwise?: () => void, once?: 'else' | 'then', pre?: EvalValue, flows: [boolean, boolean] = [true, true]): EvalValue {
    // `if (process.argv[2] === 'worker')`: which arm runs is each process's, chosen by its command line (cli-commands.ts).
    const argv = this.argvTest(test)
    if (argv) {
      this.argvArms(test, argv, then, otherwise)
      return this.unknown(test, `\`${this.t(test).replaceAll(/\s+/g, ' ').slice(0, 60)}\` reads the process's command line`)
    }

    const c = pre ?? this.condition(test)
    const text = this.t(test).replaceAll(/\s+/g, ' ').slice(0, 60)
    const line = this.line(test)
    // In a function, `if (!pool) pool = …` makes it on the first call whatever `pool` holds when read here
    // (another function's `pool = undefined` seen first): once per process, read as the singleton.
    if (decidable(c) && !(once && this.functionDepth > 0)) {
      const take = truthy(c.value)
      ;(take ? then : otherwise)?.()
      const skipped = take ? otherwise : then
      const missing = [...new Set((c.missingEnv ?? []).map((m) => m.name))]
      if (skipped && missing.length > 0) {
        this.sandboxed(() => this.guarded({arm: take ? 'else' : 'then', file: this.file, id: ++guardIds, kind: 'skipped', line, missing, test: text}, skipped))
      }

      return c
    }

    if (once) {
      const outer = this.lazyAt
      this.lazyDepth += 1
      this.lazyAt = `${this.file}:${line}`
      try {
        ;(once === 'then' ? then : otherwise)?.()
      } finally {
        this.lazyDepth -= 1
        this.lazyAt = outer
      }

      return c
    }

    const id = ++guardIds
    const reason = c.kind === 'unknown' ? c.reason : 'its value is an object or a call'
    this.undecidedArms(
      [
        {flows: flows[0], read: () => this.guarded({arm: 'then', file: this.file, id, kind: 'undecided', line, reason, test: text}, then)},
        {flows: flows[1], read: () => otherwise && this.guarded({arm: 'else', file: this.file, id, kind: 'undecided', line, reason, test: text}, otherwise)},
      ],
      `\`${text}\` (line ${line}), which conncalc cannot decide`,
    )
    return c
  }

  /**
   * The arms of a branch conncalc cannot decide, each read from the names as they were before it (not after the
   * arm read before it). A name the arms that carry on past the branch leave holding different numbers, strings or
   * booleans is unknown after it, as a ternary's value is: `let client; switch (cfg.type) { case 'postgres': client =
   * 'pg'; break; case 'sqlite': client = 'sqlite3' }` is one of them, not the last one written. Objects and
   * functions keep the value the last such arm gave them (the pools they make are guarded by the arm).
   */
  private undecidedArms(arms: {flows: boolean; read: () => void}[], why: string): void {
    // Each arm's writes are logged and undone before the next (Names), not the whole scope copied per arm.
    const {names} = this
    const mark = names.mark()
    try {
      const outs: Map<string, EvalValue | undefined>[] = []
      for (const [i, arm] of arms.entries()) {
        if (i > 0) names.undo(mark)
        arm.read()
        if (arm.flows) outs.push(names.written(mark))
      }

      // Every arm leaves (returns, throws, exits): nothing after the branch runs; the names stay as the last arm left them.
      if (outs.length === 0) return
      names.undo(mark)
      // A name no arm that carries on wrote holds what it held before in each of them: unchanged.
      const keys = new Set(outs.flatMap((o) => [...o.keys()]))
      for (const k of keys) {
        const prior = names.get(k)
        const values = outs.map((o) => (o.has(k) ? o.get(k) : prior)).filter((v): v is EvalValue => v !== undefined)
        const last = values.at(-1)
        if (!last) {
          names.delete(k)
          continue
        }

        const scalar = (v: EvalValue): boolean => v.kind === 'unknown' || v.value === null || typeof v.value !== 'object'
        const same = values.every((v) => v === last || (v.kind === 'known' && last.kind === 'known' && (v.value === null || typeof v.value !== 'object') && v.value === last.value))
        // An object each arm writes its own keys onto (`knexOb.client = 'pg'; knexOb.pool = webPool` in one arm, `knexOb.client
        // = 'better-sqlite3'` in another): every arm's writes kept, a key the arms disagree on unknown (mergeArmDicts).
        if (!same && values.length === outs.length && values.every((v) => isDict(v))) {
          names.set(k, this.mergeArmDicts(values, k, why))
          continue
        }

        // An object in some arms and null in the others (`let workerOb = null; … else if (pg) workerOb = {…}`): the object
        // (merged as above when several arms write one), not whichever arm happens to be last: a test of the name stays
        // undecided (an object is no scalar), so what the object arm makes is read, guarded, and counted as the larger arm.
        const objects = values.filter((v) => isDict(v))
        if (!same && values.length === outs.length && objects.length > 0 && values.every((v) => isDict(v) || (v.kind === 'known' && v.value === null && !v.missingEnv))) {
          names.set(k, objects.length === 1 ? objects[0] : this.mergeArmDicts(objects, k, why))
          continue
        }

        if (same || values.length < outs.length || !values.every((v) => scalar(v))) {
          names.set(k, last)
          continue
        }

        const shown = [...new Set(values.map((v) => (v.kind === 'known' ? `${JSON.stringify(v.value)} (line ${v.line})` : 'a value conncalc cannot read')))]
        names.set(k, {file: this.file, kind: 'unknown', line: last.line, reason: `\`${k}\` is ${shown.join(' or ')}, depending on ${why}`})
      }
    } finally {
      names.release()
    }
  }

  /**
   * The objects the arms of an undecided branch leave in one name, as one: each key any arm has (so a pool's options one
   * arm adds, `pool: webPool`, are kept), the value the arms agree on, nested objects merged alike, and a key whose
   * numbers, strings or booleans differ unknown, naming them (`client` is 'pg' or 'better-sqlite3'); other values, the
   * last arm's.
   */
  private mergeArmDicts(values: EvalValue[], name: string, why: string): EvalValue {
    const last = values.at(-1)!
    const dicts = values.map((v) => ((v as EvalValue & {kind: 'known'}).value as {entries: Map<string, EvalValue>; partial?: boolean}))
    const entries = new Map<string, EvalValue>()
    for (const key of new Set(dicts.flatMap((d) => [...d.entries.keys()]))) {
      const present = dicts.map((d) => d.entries.get(key)).filter((v): v is EvalValue => v !== undefined)
      const l = present.at(-1)!
      const plain = (v: EvalValue): boolean => v.kind === 'unknown' || v.value === null || typeof v.value !== 'object'
      if (present.every((v) => v === l || (v.kind === 'known' && l.kind === 'known' && (v.value === null || typeof v.value !== 'object') && v.value === l.value))) entries.set(key, l)
      else if (present.every((v) => isDict(v))) entries.set(key, this.mergeArmDicts(present, `${name}.${key}`, why))
      else if (present.every((v) => plain(v))) {
        const shown = [...new Set(present.map((v) => (v.kind === 'known' ? `${JSON.stringify(v.value)} (line ${v.line})` : 'a value conncalc cannot read')))]
        entries.set(key, {file: this.file, kind: 'unknown', line: l.line, reason: `\`${name}.${key}\` is ${shown.join(' or ')}, depending on ${why}`})
      } else entries.set(key, l)
    }

    const partial = dicts.some((d) => d.partial)
    return {...(last as EvalValue & {kind: 'known'}), value: {entries, kind: 'dict', ...(partial ? {partial} : {})}}
  }

  /**
   * `switch (x) { case 'a': …; break; default: … }`: with x and the cases' values known, the matching case runs (on
   * into the next until a break or exit), else default; otherwise each case is an arm of a chain of undecided `if`s
   * (`x === 'a'`, else `x === 'b'`, …, else default), so a pool in each is counted once, the larger (pools.ts).
   */
  private switchStatement(node: N & {type: 'SwitchStatement'}): void {
    const cases = node.cases as (N & {type: 'SwitchCase'})[]
    const body = (c: N & {type: 'SwitchCase'}): N[] => (c.consequent.length === 1 && c.consequent[0].type === 'BlockStatement' ? c.consequent[0].body : c.consequent) as N[]
    // The statements that run from case i: its own, then the next cases' until a `break` (left out) or an exit.
    const from = (i: number): {flows: boolean; list: N[]} => {
      const list: N[] = []
      for (let j = i; j < cases.length; j++) {
        const b = body(cases[j])
        const brk = b.findIndex((x) => x.type === 'BreakStatement')
        if (brk >= 0) return {flows: true, list: [...list, ...b.slice(0, brk)]}
        list.push(...b)
        if (b.length > 0 && exits(b.at(-1)!)) return {flows: false, list}
      }

      return {flows: true, list}
    }

    const disc = this.expr(node.discriminant as N)
    const tests = cases.map((c) => (c.test ? this.expr(c.test as N) : undefined))
    const dflt = cases.findIndex((c) => !c.test)
    const text = this.t(node.discriminant as N).replaceAll(/\s+/g, ' ').slice(0, 40)
    if (decidable(disc) && tests.every((t) => t === undefined || decidable(t))) {
      const hit = tests.findIndex((t) => t !== undefined && t.kind === 'known' && t.value === disc.value)
      const i = hit >= 0 ? hit : dflt
      const ran = i >= 0 ? from(i).list : []
      if (i >= 0) this.statements(ran, false)
      if (this.functionDepth === 0 && !disc.missingEnv?.length) this.notRun(cases.flatMap((c) => body(c)).filter((x) => !ran.includes(x)))
      // `switch (process.env.DATABASE_TYPE)` with it set nowhere: the cases not taken are read apart (as an if's skipped
      // arm, branch()), so a pool one of them would make is named with the env var that would choose it.
      const missing = [...new Set((disc.missingEnv ?? []).map((m) => m.name))]
      for (const [j, c] of cases.entries()) {
        if (missing.length === 0 || j === i || !c.test || (j > 0 && body(cases[j - 1]).length === 0)) continue
        const test = `${text} === ${this.t(c.test as N).slice(0, 30)}`
        this.sandboxed(() => this.guarded({arm: 'then', file: this.file, id: ++guardIds, kind: 'skipped', line: this.line(c as N), missing, test}, () => this.statements(from(j).list, false)))
      }

      return
    }

    const reason = disc.kind === 'unknown' ? disc.reason : 'a case is not a value conncalc reads'
    const order = [...cases.keys()].filter((i) => i !== dflt)
    const arms: {flows: boolean; read: () => void}[] = []
    const chain = (k: number, read: () => void): (() => void) => {
      // Arm k is `else` of every case test before it and `then` of its own.
      let wrapped = read
      for (let j = Math.min(k, order.length - 1); j >= 0; j--) {
        const i = order[j]
        const inner = wrapped
        const arm = j === k ? 'then' : 'else'
        const id = ids[j]
        wrapped = () => this.guarded({arm, file: this.file, id, kind: 'undecided', line: this.line(cases[i] as N), reason, test: `${text} === ${this.t(cases[i].test as N).slice(0, 30)}`}, inner)
      }

      return wrapped
    }

    const ids = order.map(() => ++guardIds)
    for (const [k, i] of order.entries()) {
      const {flows, list} = from(i)
      arms.push({flows, read: chain(k, () => this.statements(list, false))})
    }

    // No case matches: default's statements, or none.
    const rest = dflt >= 0 ? from(dflt) : {flows: true, list: []}
    arms.push({flows: rest.flows, read: chain(order.length, () => this.statements(rest.list, false))})
    this.undecidedArms(arms, `\`switch (${text})\` (line ${this.line(node)}), which conncalc cannot decide`)
  }

  /** Statements a known value keeps from running: the `import()`s written in them (their modules are not loaded by them). */
  private notRun(nodes: (N | null | undefined)[]): void {
    const stack = nodes.filter((n): n is N => Boolean(n))
    while (stack.length > 0) {
      const n = stack.pop()!
      if (n.type === 'ImportExpression') this.deadImports.push(n)
      append(stack, children(n))
    }
  }

  /**
   * A condition's value. A key the object does not have is `undefined` in JS, so falsy:
   * `if (config.use_env_variable)` on a sequelize-cli section without it takes the else branch
   * (elsewhere a missing key stays unknown, so the value that needed it is named).
   */
  private condition(test: N): EvalValue {
    const t = unwrap(test)
    // `x && y` / `x || y`: its truthiness, decided by either side where JS decides it (logical()).
    if (t.type === 'LogicalExpression' && t.operator !== '??') return this.logical(t, t.left as N, t.operator, t.right, (n) => this.condition(n), true)

    if (t.type === 'MemberExpression' && !t.computed && t.property.type === 'Identifier') {
      const obj = this.expr(unwrap(t.object))
      if (isDict(obj) && !obj.value.partial && !obj.value.entries.has(t.property.name)) return this.known(t, null, obj)
    }

    return this.expr(test)
  }

  private guarded(guard: JsGuard, read: () => void): void {
    this.guards.push(guard)
    try {
      read()
    } finally {
      this.guards.pop()
    }
  }

  /** Saves the module's names, exports and module kind; the function returned puts them back. */
  private saveModule(): () => void {
    // The names' writes are logged from here and undone (Names), not the whole scope copied per call site.
    const mark = this.names.mark()
    const exports = new Map(this.exports)
    const {cjs} = this
    return () => {
      this.names.undo(mark)
      this.names.release()
      this.exports.clear()
      for (const [k, v] of exports) this.exports.set(k, v)
      this.cjs = cjs
    }
  }

  /**
   * Enters code walked for one call site (a function's body, a class's constructor): its calls go
   * to `calls`, the branches around the site are its guards; the function returned puts back the
   * module's state, the capture, the guards and the enclosing branches.
   */
  private enterSite(calls: JsCall[], around: JsGuard[]): () => void {
    const restoreModule = this.saveModule()
    const {capture} = this
    const guards = this.guards.splice(0, this.guards.length, ...around)
    const within = this.within.splice(0)
    this.capture = calls
    return () => {
      this.capture = capture
      this.guards.splice(0, this.guards.length, ...guards)
      this.within.push(...within)
      restoreModule()
    }
  }

  /** Read code whose assignments must not change what the rest of the file sees (a branch that does not run). */
  private sandboxed(read: () => void): void {
    const restore = this.saveModule()
    this.returns.push([])
    try {
      read()
    } finally {
      this.returns.pop()
      restore()
    }
  }

  /** A call as seen here, with the branches around it. */
  private record(call: JsCall): void {
    ;(this.capture ?? this.calls).push(this.placed(call))
  }

  /** A call with where it is: in which function, under which branches, in a singleton's arm, in a decorator. */
  private placed(call: JsCall): JsCall {
    const fn = this.within.at(-1)
    // One copy of the call, its fields set in turn (as spreads would place them), not a copy per field (issue #19).
    const placed: JsCall = {...call}
    const assigned = call.start === undefined ? undefined : this.assignedAt.get(call.start)
    if (assigned !== undefined) placed.assignedTo = assigned
    if (this.functionDepth > 0) placed.inFunction = true
    if (fn) placed.within = fn
    if (this.lazyDepth > 0) {
      placed.once = true
      if (this.lazyAt) placed.onceAt = this.lazyAt
    }

    if (this.decorating) {
      placed.decorates = this.decorating.key
      if (this.decorating.name) placed.decoratesName = this.decorating.name
    }

    if (this.guards.length > 0) placed.guards = [...this.guards]
    return placed
  }

  /** Whether an expression reads a top-level name not bound yet, or calls a function declared further down (postponed). */
  private readsBelow(n: N): boolean {
    if (n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression') return false
    if (n.type === 'Identifier') {
      if (this.topNames.has(n.name) && !this.names.has(n.name) && !this.aliases.has(n.name)) return true
      const v = this.names.get(n.name)
      return v?.kind === 'known' && typeof v.value === 'object' && v.value !== null && this.belowTop.has(v.value)
    }

    // `a.b`: the object only (a property name is not a variable).
    if (n.type === 'MemberExpression' && !n.computed) return this.readsBelow(n.object as N)
    // A class field with no initializer (`x: number`) has a null value.
    if ((n.type === 'Property' || n.type === 'PropertyDefinition') && !n.computed) return n.value ? this.readsBelow(n.value as N) : false
    return children(n).some((k) => this.readsBelow(k))
  }

  private postpone(at: N, call: JsCall): void {
    this.postponed.push({at, call: this.placed(call), scope: new Map(this.names)})
  }

  /**
   * A class: its decorators and members are read; one that extends an imported client is that client.
   * Its field initializers and constructor are read once here as code that runs later (each `new`
   * walks them again, construct), their calls placed in the class (JsCall.within).
   */
  private classBody(node: ClassNode): {def: ClassDef; methods: Map<string, EvalValue>; statics: Map<string, EvalValue>} {
    const decorating = this.decorating
    this.decorating = {key: `${this.file}:${this.line(node)}`, ...(node.id ? {name: node.id.name} : {})}
    try {
      for (const d of node.decorators ?? []) this.visit(d)
    } finally {
      this.decorating = decorating
    }

    const superClass = node.superClass ? unwrap(node.superClass) : undefined
    const own = superClass?.type === 'Identifier' ? this.names.get(superClass.name) : undefined
    const ownBase = isDict(own) ? CLASSES.get(own.value) : undefined
    const base = superClass && !ownBase ? this.dotted(superClass) : undefined
    const methods = new Map<string, EvalValue>()
    // Static fields are evaluated once, when the class is declared: `Config.max` reads them.
    const statics = new Map<string, EvalValue>()
    const def: ClassDef = {...(ownBase ? {base: ownBase} : {}), ...(base ? {importedBase: base} : {}), ev: this, methods, node, sites: {...((node.decorators?.length ?? 0) > 0 ? {decorated: true} : {}), endLine: this.lineOf(node.end), file: this.file, line: this.line(node), name: node.id ? `new ${node.id.name}` : 'a class', sites: []}}
    const members = (): void => {
      for (const m of node.body.body) {
        for (const d of 'decorators' in m ? (m.decorators ?? []) : []) this.visit(d)
        if ((m.type === 'PropertyDefinition' || m.type === 'AccessorProperty') && m.value) {
          const value = m.value
          if (m.static) {
            const v = this.expr(value)
            const key = keyName(m.key, m.computed)
            if (key !== undefined) statics.set(key, v)
          } else this.inBody(() => this.expr(value))
        } else if (m.type === 'MethodDefinition' || m.type === 'TSAbstractMethodDefinition') {
          for (const p of m.value.params) for (const d of 'decorators' in p ? (p.decorators ?? []) : []) this.visit(d)
          const name = m.kind === 'method' && !m.computed ? keyName(m.key) : undefined
          if (name !== undefined && m.value.body) methods.set(name, this.fn(m.value))
          else if (m.value.body && m.kind === 'constructor' && base) this.inBody(() => this.withDefaults(m.value.params, () => this.visit(m.value.body!)))
          else if (m.value.body) this.inBody(() => this.visit(m.value.body!))
        } else if (m.type === 'StaticBlock') for (const s of m.body) this.visit(s)
      }
    }

    this.within.push(def.sites)
    try {
      if (!base) {
        members()
        return {def, methods, statics}
      }

      // A class that extends an imported client (`class PrismaService extends PrismaClient`) is that client,
      // made by the framework's DI: `super(opts)` is `new Base(opts)`, and no constructor is `new Base()`.
      const before = (this.capture ?? this.calls).length
      this.superclasses.push(base)
      members()
      this.superclasses.pop()
      if (!(this.capture ?? this.calls).slice(before).some((c) => c.callee === base && c.isNew)) this.record({args: [], callee: base, isNew: true, line: this.line(node)})
      return {def, methods, statics}
    } finally {
      this.within.pop()
    }
  }

  /**
   * `new C(args)` of the app's own class, at `site`: what a new instance runs, walked with `this` the
   * instance and its calls kept with the site in C's (and its base classes') JsFunctionSites, so a
   * pool its constructor makes counts once per `new`. Returns the instance: its fields, what its
   * constructor assigns to `this`, its getters' values, its methods. Undefined when not followed.
   */
  private instantiate(def: ClassDef, args: EvalValue[], at: N): EvalValue | undefined {
    if (args.some((a) => fromParameter(a)) || callDepth >= MAX_CALL_DEPTH) return undefined
    const chain: ClassDef[] = []
    for (let d: ClassDef | undefined = def; d; d = d.base) chain.push(d)
    // Every class of the chain is counted (each count is a check the trace records), then any at the cap stops the walk.
    if (chain.map((d) => siteCount(this.run(), d.sites) >= MAX_SITES).some(Boolean)) {
      for (const d of chain) this.run().trace.cut.add(d.sites)
      return undefined
    }

    const entries = new Map<string, EvalValue>()
    const instance = this.known(at, {entries, kind: 'dict', partial: true})
    const calls: JsCall[] = []
    callDepth++
    try {
      def.ev.construct(def, args, instance, calls, this.guards, this.functionDepth > 0)
    } finally {
      callDepth--
    }

    const deferred = this.functionDepth > 0
    const made = `new ${def.node.id?.name ?? 'a class'}()`
    // Two `new`s on one line are two instances: the offset tells them apart.
    for (const d of chain) addSite(this.run(), d.sites, {calls, ...(deferred ? {deferred} : {}), file: this.file, line: this.line(at), made, offset: at.start})
    return instance
  }

  /** One class's part of a construction (instantiate), walked in the module that declares it; `super(…)` constructs its base. */
  private construct(def: ClassDef, args: EvalValue[], instance: KnownValue, calls: JsCall[], around: JsGuard[], deferred: boolean): void {
    const {functionDepth} = this
    const restore = this.enterSite(calls, around)
    // The constructor runs when `new` does: at load when the `new` is, else when the code around it is called.
    this.functionDepth = deferred ? 1 : 0
    this.frames.push({def, instance})
    this.returns.push([])
    const entries = (instance.value as {entries: Map<string, EvalValue>}).entries
    try {
      const members = def.node.body.body
      const ctor = members.find((m) => m.type === 'MethodDefinition' && m.kind === 'constructor') as (N & {type: 'MethodDefinition'}) | undefined
      // A derived class without a constructor passes its arguments to its base's.
      if (!ctor && def.base) def.base.ev.construct(def.base, args, instance, calls, this.guards, deferred)
      if (!ctor && def.importedBase) this.record({args, callee: def.importedBase, isNew: true, line: this.line(def.node)})
      if (def.importedBase) this.superclasses.push(def.importedBase)
      // Methods live on the prototype: `this.toNumber(…)` works in field initializers and the constructor.
      for (const [key, fn] of def.methods) if (!entries.has(key)) entries.set(key, fn)
      for (const m of members) {
        if (m.type !== 'PropertyDefinition' || m.static || !m.value) continue
        const key = keyName(m.key, m.computed)
        const v = this.expr(m.value)
        if (key !== undefined) entries.set(key, v)
      }

      if (ctor?.value.body) {
        for (const [i, p] of ctor.value.params.entries()) this.bindParameter((p.type === 'TSParameterProperty' ? p.parameter : p) as N, args[i])
        this.visit(ctor.value.body)
      }

      for (const m of members) {
        if (m.type !== 'MethodDefinition' || m.static || m.computed) continue
        const key = keyName(m.key)
        if (key === undefined || entries.has(key)) continue
        if (m.kind === 'get' && m.value.body) {
          // A getter is what it returns, read with this instance.
          this.returns.push([])
          this.sandboxed(() => this.visit(m.value.body!))
          const got = this.returns.pop()?.at(-1)
          if (got) entries.set(key, got)
        }
      }
    } finally {
      if (def.importedBase) this.superclasses.pop()
      this.returns.pop()
      this.frames.pop()
      this.functionDepth = functionDepth
      restore()
    }
  }

  /** `const x = …`, `const {Pool} = require("pg")`, `const {max} = config`, `const [a] = …`; `nested`: a pattern inside one (`{connection: {url, ...conf}}`), bound from its part of the value. */
  private bindPattern(pattern: N, init: N, value: EvalValue, nested = false): void {
    if (pattern.type === 'Identifier' && nested) {
      this.names.set(pattern.name, value)
      return
    }

    if (pattern.type === 'Identifier') {
      this.names.set(pattern.name, value)
      // `const Sequelize = require('sequelize')`: calls through the name are the package's, as after `import Sequelize from 'sequelize'`.
      const required = this.requireOf(unwrap(init))
      if (required !== undefined && !this.opts.imported?.(required)) this.aliases.set(pattern.name, required)
      return
    }

    // `const [cmd] = minimist(process.argv.slice(2))._`: the words that are not options.
    const positionals = pattern.type === 'ArrayPattern' && isDict(value) ? ARGV_POSITIONALS.get(value.value) : undefined
    if (pattern.type === 'ArrayPattern' && positionals !== undefined) {
      for (const [i, e] of pattern.elements.entries()) {
        const fallback = e?.type === 'AssignmentPattern' ? stringLiteral(e.right as N) : undefined
        if (e?.type === 'Identifier') this.names.set(e.name, this.argvWord(e, positionals.skip + i, undefined, positionals.from))
        else if (e?.type === 'AssignmentPattern' && e.left.type === 'Identifier' && fallback !== undefined) this.names.set(e.left.name, this.argvWord(e, positionals.skip + i, fallback, positionals.from))
        else if (e) for (const name of boundNames(e)) this.names.set(name, this.unknown(e, `\`${name}\` is destructured from the process's command line`))
      }

      return
    }

    // `const [cmd = 'web', ...rest] = process.argv.slice(2)`, `const [, , cmd] = process.argv`: words of the command line.
    const argvFrom = pattern.type === 'ArrayPattern' && isDict(value) ? ARGV_LISTS.get(value.value) : undefined
    if (pattern.type === 'ArrayPattern' && argvFrom !== undefined) {
      for (const [i, e] of pattern.elements.entries()) {
        const fallback = e?.type === 'AssignmentPattern' ? stringLiteral(e.right as N) : undefined
        if (e?.type === 'Identifier') this.names.set(e.name, this.argvWord(e, argvFrom + i))
        else if (e?.type === 'AssignmentPattern' && e.left.type === 'Identifier' && fallback !== undefined) this.names.set(e.left.name, this.argvWord(e, argvFrom + i, fallback))
        else if (e?.type === 'RestElement' && e.argument.type === 'Identifier') this.names.set(e.argument.name, this.argvList(e, argvFrom + i))
        else if (e) for (const name of boundNames(e)) this.names.set(name, this.unknown(e, `\`${name}\` is destructured from the process's command line`))
      }

      return
    }

    if (pattern.type !== 'ObjectPattern') {
      for (const name of boundNames(pattern)) this.names.set(name, this.unknown(pattern, `\`${name}\` is destructured from \`${this.t(init).replaceAll(/\s+/g, ' ').slice(0, 60)}\`, which conncalc does not evaluate`, value))
      return
    }

    // `const {Pool} = require('pg')`, and `const {Pool} = pg` after `import pg from 'pg'` or `const pg = require('pg')`: names of the package.
    const source = unwrap(init)
    const held = source.type === 'Identifier' ? this.names.get(source.name) : undefined
    const required = nested ? undefined : (this.requireOf(source) ?? (source.type === 'Identifier' && (!held || (isCall(held) && held.value.callee === 'require')) ? this.aliases.get(source.name) : undefined))
    const keys = pattern.properties.map((p) => (p.type === 'RestElement' ? null : keyName(p.key, p.computed)))
    for (const prop of pattern.properties) {
      if (prop.type === 'RestElement') {
        // `{url, ...conf}` of an object conncalc read whole: conf is its other entries.
        if (isDict(value) && !value.value.partial && prop.argument.type === 'Identifier' && !keys.includes(undefined)) {
          const entries = new Map([...value.value.entries].filter(([k]) => !keys.includes(k)))
          this.names.set(prop.argument.name, {...value, value: {entries, kind: 'dict'}})
          continue
        }

        for (const name of boundNames(prop)) this.names.set(name, this.unknown(prop, `\`${name}\` collects the rest of \`${this.t(init).replaceAll(/\s+/g, ' ').slice(0, 60)}\``, value))
        continue
      }

      const key = keyName(prop.key, prop.computed)
      const target = prop.value.type === 'AssignmentPattern' ? prop.value.left : prop.value
      // `{connection: {url, ...conf}} = config`: the inner pattern takes the entry (or its `= default`).
      if ((target.type === 'ObjectPattern' || (nested && target.type === 'Identifier')) && key !== undefined && isDict(value)) {
        const fallback = prop.value.type === 'AssignmentPattern' ? prop.value.right : undefined
        const got = value.value.entries.get(key) ?? (fallback ? this.expr(fallback) : value.value.partial ? undefined : this.unknown(prop, `no "${key}" in the object at line ${value.line}`))
        if (got) {
          this.bindPattern(target, init, got, true)
          continue
        }
      }

      if (target.type !== 'Identifier' || key === undefined) {
        for (const name of boundNames(prop.value)) this.names.set(name, this.unknown(prop, undefined, value))
        continue
      }

      const local = target.name
      if (required !== undefined) this.aliases.set(local, `${required}.${key}`)
      const fallback = prop.value.type === 'AssignmentPattern' ? prop.value.right : undefined
      if (isDict(value) && ENV_OBJECTS.has(value.value)) {
        // `const {CLUSTER, POOL_MAX = 3} = process.env`: each name is that variable; the default only when it has no value.
        const e = this.env(prop, key)
        const unset = e.kind === 'known' && e.value === null && e.missingEnv !== undefined
        const d = unset && fallback ? this.expr(fallback) : undefined
        this.names.set(local, d ? (d.kind === 'known' ? {...d, missingEnv: [...(e.missingEnv ?? []), ...(d.missingEnv ?? [])]} : d) : e)
      } else if (isDict(value)) {
        const got = value.value.entries.get(key)
        this.names.set(local, got ?? (fallback ? this.expr(fallback) : this.unknown(prop, `no "${key}" in the object at line ${value.line}`)))
      } else if (required === undefined || value.kind === 'unknown') this.names.set(local, this.unknown(prop, `\`${local}\` is destructured from \`${this.t(init).replaceAll(/\s+/g, ' ').slice(0, 60)}\`, which conncalc does not evaluate`, value))
    }
  }

  private requireOf(node: N): string | undefined {
    if (node.type !== 'CallExpression' || node.callee.type !== 'Identifier' || node.callee.name !== 'require') return undefined
    const spec = requireSpec(node.arguments[0] as N | undefined)
    // `require('./server').start()`: the module is loaded (and its pools made) as surely as with `const s = require(…)`.
    if (spec !== undefined && !this.imports.includes(spec)) this.imports.push(spec)
    return spec
  }

  /** Dotted, import-resolved name of a callee. */
  private dotted(node: N): string | undefined {
    if (node.type === 'Identifier') return this.aliases.get(node.name) ?? node.name
    if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier') {
      const base = this.dotted(unwrap(node.object))
      return base ? `${base}.${node.property.name}` : undefined
    }

    if (node.type === 'Super') return 'super'
    return this.requireOf(node)
  }

  /**
   * `parse(url)` / `new URL(url)` of a URL conncalc reads (a string, or an env var with no value): its parts as a dict,
   * named as pg-connection-string (host, port, database, user, password) and the WHATWG URL (hostname, port, pathname,
   * username, password) give them. Undefined for a URL it cannot read (the call stays unknown, as before).
   */
  private urlParts(node: N, callee: string, url: EvalValue): EvalValue | undefined {
    if (url.kind !== 'known') return undefined
    const unset = url.value === null && url.missingEnv !== undefined && url.missingEnv.length > 0
    if (!unset && typeof url.value !== 'string') return undefined
    // Node's legacy url.parse() gives `auth` ("user:password"), `protocol`, `path`, `search`/`query` and `hash` as well
    // (https://nodejs.org/api/url.html#legacy-urlobject); the WHATWG URL `protocol`, `search`, `hash` and `href`.
    const legacy = /^(node:)?url\.parse$/.test(callee)
    let parts: Record<string, null | string> = {database: null, host: null, hostname: null, password: null, pathname: null, port: null, user: null, username: null, protocol: null, href: null, search: null, hash: null, ...(legacy ? {auth: null, path: null, query: null} : {})}
    if (typeof url.value === 'string') {
      try {
        // DATABASE_URL with no value here is Heroku Postgres's, which always names a user and a password
        // (postgres://USER:PASSWORD@HOST:5432/DATABASE, https://devcenter.heroku.com/articles/heroku-postgresql):
        // a check that the URL has them (`if (!url.parse(DATABASE_URL).auth) throw …`) passes, as it does on a dyno.
        const u = new URL(url.value === HEROKU_DATABASE_URL ? HEROKU_URL_WITH_CREDENTIALS : url.value)
        const database = decodeURIComponent(u.pathname.replace(/^\//, ''))
        const user = decodeURIComponent(u.username)
        const password = decodeURIComponent(u.password)
        parts = {database, host: callee === 'URL' ? u.host : u.hostname, hostname: u.hostname, password, pathname: u.pathname, port: u.port, user, username: user, protocol: u.protocol, href: url.value, search: legacy && u.search === '' ? null : u.search, hash: legacy && u.hash === '' ? null : u.hash}
        if (legacy) Object.assign(parts, {auth: user === '' ? null : password === '' ? user : `${user}:${password}`, path: `${u.pathname}${u.search}`, query: u.search === '' ? null : u.search.slice(1)})
      } catch {
        return undefined
      }
    }

    const entries = new Map<string, EvalValue>()
    for (const [k, v] of Object.entries(parts)) {
      const part: EvalValue = unset ? {file: this.file, kind: 'known', line: this.line(node), missingEnv: url.missingEnv, value: null, via: []} : {file: this.file, kind: 'known', line: this.line(node), value: v, via: url.via}
      if (k === 'host' || k === 'hostname') URL_OF_PART.set(part, url)
      entries.set(k, part)
    }

    return {file: this.file, kind: 'known', line: this.line(node), value: {entries, kind: 'dict'}, via: url.via}
  }

  /** The running evaluation (evaluateParsed sets it; a module's functions walked for another module's call run in that one's). */
  private run(): Evaluation {
    return running!
  }

  /** The env variable `name` of the running evaluation's process, recorded in its trace. */
  private envEntry(name: string): EnvEntry | undefined {
    const run = this.run()
    const got = run.env.get(name)
    run.trace.env.push({deployer: false, got, name})
    return got
  }

  /** Whether the deployer sets `name` (Env.deployerSets), for the running evaluation, recorded in its trace. */
  private deployerSets(name: string): Source | undefined {
    const run = this.run()
    const got = run.env.deployerSets(name)
    run.trace.env.push({deployer: true, got, name})
    return got
  }

  private env(node: N, name: string): EvalValue {
    const e = this.envEntry(name)
    const line = this.line(node)
    // Set to a command's output conncalc does not run (`X=$(cmd)`): neither its value nor unset.
    if (e?.unknown) return this.unknown(node, e.unknown)
    // app.json requires it with no value: unset here (or set only below it), but a fallback after `||`/`??` is assumed (the via travels with it).
    const deployer = this.deployerSets(name)
    if (e) return {file: this.file, kind: 'known', line, value: e.value, via: deployer ? [e.source, deployer] : [e.source]}
    // Heroku Postgres sets DATABASE_URL on every dyno: a `||` default or an `if` written for laptops never applies there.
    if (name === 'DATABASE_URL') return {file: this.file, kind: 'known', line, value: HEROKU_DATABASE_URL, via: [DATABASE_URL_ASSUMED]}
    return {file: this.file, kind: 'known', line, missingEnv: [{file: this.file, line, name}], value: null, via: deployer ? [deployer] : []}
  }

  expr(node: N): EvalValue {
    switch (node.type) {
      case 'Literal': {
        const v = node.value
        return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? this.known(node, v) : this.unknown(node)
      }

      case 'TemplateLiteral': {
        if (node.expressions.length > 0) {
          for (const e of node.expressions) this.expr(e)
          const u = this.unknown(node, 'a template string with ${…} is not evaluated')
          TEMPLATE_HEADS.set(u, node.quasis[0]?.value.cooked ?? '')
          return u
        }

        const cooked = node.quasis[0]?.value.cooked
        return cooked === null || cooked === undefined ? this.unknown(node) : this.known(node, cooked)
      }

      case 'Identifier': {
        const v = this.names.get(node.name)
        if (!v && node.name === 'undefined') return this.known(node, null)
        // A parameter read in the body: unknown where it is read, so a diagnostic points at the use.
        if (v?.kind === 'unknown' && PARAMETERS.has(v)) return {file: this.file, kind: 'unknown', line: this.line(node), reason: v.reason, ...(v.parameter ? {parameter: v.parameter} : {})}
        if (v) return v
        // A package's export used as a value (`drizzle(sql)` with `import {sql} from '@vercel/postgres'`): unknown, named.
        const alias = this.aliases.get(node.name)
        const u = this.unknown(node, `\`${node.name}\` is not defined in this file`)
        return alias !== undefined && !alias.startsWith('.') && u.kind === 'unknown' ? {...u, name: alias} : u
      }

      case 'ParenthesizedExpression':
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'TSInstantiationExpression':
      case 'ChainExpression': {
        return this.expr(node.expression)
      }

      case 'ObjectExpression': {
        // `{...process.env}`: a copy of the environment, whose reads are the variables' (as process.env's are).
        const only = node.properties.length === 1 && node.properties[0].type === 'SpreadElement' ? this.expr(node.properties[0].argument) : undefined
        if (isDict(only) && ENV_OBJECTS.has(only.value)) {
          const copy = this.known(node, {entries: new Map(), kind: 'dict', partial: true})
          ENV_OBJECTS.add(copy.value as object)
          return copy
        }

        const entries = new Map<string, EvalValue>()
        let partial = false
        for (const prop of node.properties) {
          if (prop.type === 'SpreadElement') {
            const s = this.expr(prop.argument)
            const mappers = isCall(s) ? OBJECTION_MAPPERS.exec(s.value.callee) : null
            if (isDict(s)) for (const [k, v] of s.value.entries) entries.set(k, v)
            else if (mappers) for (const k of ['wrapIdentifier', 'postProcessResponse']) entries.set(k, this.unknown(prop, `a function objection's ${mappers[1]}() returns`))
            else partial = true
            continue
          }

          let key = keyName(prop.key, prop.computed)
          if (key === undefined && prop.computed) {
            const k = this.expr(prop.key)
            if (k.kind === 'known' && (typeof k.value === 'string' || typeof k.value === 'number')) key = String(k.value)
          }

          if (key === undefined || prop.kind !== 'init') {
            partial = true
            if (prop.kind === 'init') this.expr(prop.value)
            continue
          }

          entries.set(key, this.expr(prop.value)) // a shorthand `{max}` is the Identifier `max`
        }

        return this.known(node, {entries, kind: 'dict', ...(partial ? {partial} : {})})
      }

      case 'ArrayExpression': {
        const items: EvalValue[] = []
        for (const e of node.elements) {
          if (!e) continue
          if (e.type === 'SpreadElement') {
            const s = this.expr(e.argument)
            return this.unknown(node, undefined, s)
          }

          items.push(this.expr(e))
        }

        return this.known(node, {items, kind: 'list'})
      }

      case 'UnaryExpression': {
        // `typeof document` / `typeof window` on the server: browser globals Node does not define (an isBrowser guard,
        // `typeof window === 'undefined'`); `typeof process` is 'object'. Only for a name no code here binds.
        if (node.operator === 'typeof' && node.argument.type === 'Identifier' && !this.names.has(node.argument.name)) {
          const global = NODE_TYPEOF[node.argument.name]
          if (global) return this.known(node, global)
        }

        // `!x` reads x as a condition (read once): `!!(x && false)` is true whatever x is.
        const v = node.operator === '!' ? this.condition(node.argument) : this.expr(node.argument)
        if (v.kind !== 'known') return v
        // The result of a call conncalc does not evaluate (`!u.searchParams.has('x')`, `!fs.existsSync(p)`) may be falsy:
        // its negation is not known (an object a `new` made, or a function, is always truthy).
        if (node.operator === '!' && unevaluatedCall(v)) return this.unknown(node, `\`${this.t(node.argument).replaceAll(/\s+/g, ' ').slice(0, 60)}\` is a call conncalc does not evaluate`)
        if (node.operator === '!') return this.known(node, !truthy(v.value), v)
        if (node.operator === 'typeof') {
          // Known scalars and objects only: null stands for both null and undefined, except an unset variable.
          const x = v.value
          const type = typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? typeof x : x === null ? (v.missingEnv ? 'undefined' : undefined) : x.kind === 'dict' || x.kind === 'list' ? 'object' : undefined
          return type === undefined ? this.unknown(node, undefined, v) : this.known(node, type, v)
        }

        if (node.operator !== '-' && node.operator !== '+') return this.unknown(node, undefined, v)
        // `+process.env.X` with X unset is +undefined, NaN: falsy, so `+process.env.X || 5` is 5, as Number(…) is (below).
        if (v.value === null && v.missingEnv) return v
        const n = typeof v.value === 'number' ? v.value : typeof v.value === 'string' ? Number(v.value) : Number.NaN
        if (Number.isNaN(n)) return this.unknown(node, undefined, v)
        return this.known(node, node.operator === '-' ? -n : n, v)
      }

      case 'BinaryExpression':
      case 'LogicalExpression': {
        // `const isWorker = process.argv.indexOf('--worker') !== -1`: the flag test, as `.includes('--worker')` makes it.
        const test = node.type === 'BinaryExpression' ? this.argvTest(node) : undefined
        if (test?.spec.kind === 'flag' && !test.negated) {
          const marker = {...this.unknown(node, `\`${this.t(node).replaceAll(/\s+/g, ' ').slice(0, 60)}\` reads the process's command line`)}
          ARGV_FLAGS.set(marker, {flag: test.spec.flag, from: test.spec.from})
          return marker
        }

        return this.binary(node, node.left as N, node.operator, node.right)
      }

      case 'ConditionalExpression': {
        // Each arm keeps its own value: the arm not taken is still read (sandboxed, to name what it would
        // open), and must not replace the taken arm's value — `process.env.X ? parseInt(process.env.X) : 100`
        // with X unset is 100.
        let yes: EvalValue | undefined
        let no: EvalValue | undefined
        const c = this.branch(
          node.test,
          () => (yes = this.expr(node.consequent)),
          () => (no = this.expr(node.alternate)),
        )
        const out = decidable(c) ? (truthy(c.value) ? yes : no) : undefined
        // The arm taken keeps what decided it: the env vars with no value (`v ? v : undefined` with v unset still says
        // which) and the sources of the ones set (`isProduction ? 40 : 6`, isProduction from RAILWAY_ENVIRONMENT_NAME).
        if (out?.kind === 'known' && c.kind === 'known' && (c.missingEnv || c.via.length > 0)) {
          return {
            ...out,
            via: [...out.via, ...c.via.filter((s) => !out.via.includes(s))],
            ...(c.missingEnv ? {missingEnv: [...(out.missingEnv ?? []), ...c.missingEnv.filter((m) => !out.missingEnv?.includes(m))]} : {}),
          }
        }

        if (out) return out
        // Both arms numbers (`env === 'test' ? 10 : 100` with env unread): one of them, which one not decided here. Said at
        // the ternary, with the arms as `among` (a pool option counts the larger, pools.ts option); what is computed
        // from it does not carry them (unknown()).
        const numbers = [yes, no].every((v) => v?.kind === 'known' && typeof v.value === 'number' && Number.isInteger(v.value))
        if (numbers && c.kind !== 'known') {
          const snippet = this.t(node).replaceAll(/\s+/g, ' ').slice(0, 60)
          return {file: this.file, kind: 'unknown', line: this.line(node), ...(c.missingEnv ? {missingEnv: c.missingEnv} : {}), among: [yes!, no!], reason: `\`${snippet}\` depends on a condition conncalc cannot decide: ${c.reason} (${c.file}:${c.line})`}
        }

        return this.unknown(node, 'a condition conncalc cannot decide', c)
      }

      case 'AssignmentExpression': {
        const right = unwrap(node.right as N)
        const made = right.type === 'AwaitExpression' ? unwrap(right.argument as N) : right
        if (node.operator === '=' && node.left.type === 'MemberExpression' && (made.type === 'NewExpression' || made.type === 'CallExpression')) {
          const holder = this.dotted(unwrap(node.left as N))
          if (holder !== undefined) this.assignedAt.set(made.start, holder)
        }
        const v = this.expr(node.right)
        if (node.operator !== '=') return this.unknown(node, undefined, v)
        const target = node.left as N
        const name = this.t(target).replaceAll(/\s+/g, '')
        if (name === 'module.exports') {
          this.exports.set('default', v)
          this.cjs = v
        } else if (name.startsWith('exports.') || name.startsWith('module.exports.')) this.exports.set(name.split('.').pop()!, v)
        else if (target.type === 'Identifier') this.names.set(target.name, v)
        else if (target.type === 'MemberExpression' && unwrap(target.object).type === 'ThisExpression' && this.frames.length > 0) {
          // `this.db = knex(config)` in a constructor being walked: a field of the instance.
          const key = target.computed ? undefined : keyName(target.property)
          if (key !== undefined) (this.frames.at(-1)!.instance.value as {entries: Map<string, EvalValue>}).entries.set(key, v)
        } else if (target.type === 'MemberExpression') this.assignKey(target, v)

        return v
      }

      case 'SequenceExpression': {
        let last: EvalValue | undefined
        for (const e of node.expressions) last = this.expr(e)
        return last ?? this.unknown(node)
      }

      case 'MemberExpression': {
        return this.member(node)
      }

      case 'CallExpression':
      case 'NewExpression': {
        return this.call(node)
      }

      case 'AwaitExpression': {
        return this.expr(node.argument)
      }

      case 'ArrowFunctionExpression':
      case 'FunctionExpression': {
        return this.fn(node)
      }

      case 'ClassExpression': {
        this.classBody(node)
        return this.unknown(node, 'a class')
      }

      case 'ThisExpression': {
        return this.frames.at(-1)?.instance ?? this.unknown(node, '`this` outside a construction conncalc follows')
      }

      default: {
        // JSX, tagged templates, `this`, `yield`, …: not evaluated; the calls and functions inside are still read.
        // A template tag that is a database client's export (@vercel/postgres's `sql\`SELECT …\``) runs a query: recorded as its call.
        if (node.type === 'TaggedTemplateExpression') {
          const tag = this.dotted(unwrap(node.tag as N))
          if (tag !== undefined && TAGGED_CLIENTS.test(tag)) this.record({args: [], callee: tag, isNew: false, line: this.line(node), tagged: true})
        }

        for (const k of children(node)) {
          if (k.type === 'CallExpression' || k.type === 'NewExpression' || k.type === 'ArrowFunctionExpression' || k.type === 'FunctionExpression') this.expr(k)
          else if (k.type.startsWith('JSX')) this.expr(k)
        }

        return this.unknown(node)
      }
    }
  }

  /**
   * `options.postgresUri = process.env.POSTGRES_URI` / `config.pool.max = 20`: a key set on an object a name holds (a
   * parameter bound to its caller's object, a module's const), as JS sets it, so the object passed on or read after this
   * line has it. The name gets a copy with the key set, never the object itself changed: a branch that does not run, a
   * call site walked for another caller, another process type's evaluation of the module keep what they saw. So only a
   * later read through the same name (or an export of it, at the top of the module) sees the key — an alias made
   * before the assignment keeps the old object. A key conncalc cannot read makes the copy partial (any key may be set);
   * an object that stands for something else (process.env, a config library's, a class, a function) is left alone.
   */
  private assignKey(target: N & {type: 'MemberExpression'}, v: EvalValue): void {
    const keys: (string | undefined)[] = []
    let n: N = target
    while (n.type === 'MemberExpression') {
      let key = n.computed ? undefined : keyName(n.property as N)
      if (n.computed) {
        const k = this.expr(n.property as N)
        if (k.kind === 'known' && (typeof k.value === 'string' || typeof k.value === 'number')) key = String(k.value)
      }

      keys.unshift(key)
      n = unwrap(n.object as N)
    }

    if (n.type !== 'Identifier') return
    const root = this.names.get(n.name)
    const special = (d: object): boolean =>
      ENV_OBJECTS.has(d) || NODE_CONFIG.has(d) || CONVICT.has(d) || REGISTERED_AS.has(d) || CLASSES.has(d) || CLI_VALUES.has(d) || SUBCOMMANDS.has(d) || ARGV_PARSED.has(d) || URL_OF_PART.has(d) || this.belowTop.has(d)
    const set = (d: EvalValue | undefined, path: (string | undefined)[]): EvalValue | undefined => {
      if (!isDict(d) || special(d.value)) return undefined
      const [key, ...rest] = path
      const entries = new Map(d.value.entries)
      let partial = Boolean(d.value.partial)
      if (key === undefined) partial = true
      else if (rest.length === 0) entries.set(key, v)
      else {
        const inner = set(entries.get(key), rest)
        if (!inner) return undefined
        entries.set(key, inner)
      }

      const dict: PyDict = {...(d.value as PyDict), entries, ...(partial ? {partial} : {})}
      return {...d, value: dict}
    }

    const copy = set(root, keys)
    if (!copy) return
    this.names.set(n.name, copy)
    if (this.functionDepth === 0) for (const [k, e] of this.exports) if (e === root) this.exports.set(k, copy)
  }

  /** A parameter's value while a function body is read: unknown, remembered as a parameter's. */
  private parameter(node: N, name: string, reason: string): EvalValue {
    const u = this.unknown(node, reason)
    const v: EvalValue = u.kind === 'unknown' ? {...u, parameter: name} : u
    PARAMETERS.add(v)
    return v
  }

  /**
   * `read()` with the parameters that have a default bound to it: the constructor of a class a framework's container makes
   * (a LoopBack 4 datasource's `constructor(@inject('datasources.config.db', {optional: true}) dsConfig: object = config)`),
   * which passes no argument unless the app binds one to the parameter's key.
   */
  private withDefaults(params: JsFunction['params'], read: () => void): void {
    const saved = new Map<string, EvalValue | undefined>()
    for (const p of params) {
      if (p.type !== 'AssignmentPattern' || p.left.type !== 'Identifier' || saved.has(p.left.name)) continue
      saved.set(p.left.name, this.names.get(p.left.name))
      this.names.set(p.left.name, this.expr(p.right as N))
    }

    try {
      read()
    } finally {
      for (const [name, v] of saved) {
        if (v === undefined) this.names.delete(name)
        else this.names.set(name, v)
      }
    }
  }

  private inBody(read: () => void): void {
    this.functionDepth += 1
    try {
      read()
    } finally {
      this.functionDepth -= 1
    }
  }

  /**
   * A function is kept as what it returns (its expression body, or its last
   * `return`): config factories — Strapi's `({env}) => ({…})`, NestJS
   * `useFactory: () => ({…})` — are read through `returnedBy()`. A destructured
   * `{env}` parameter is Strapi's env helper (`env('X', d)`, `env.int('X', d)`).
   */
  private fn(node: ArrowFunctionExpression | JsFunction, runsNow = false, pre?: {made: KnownValue; sites: JsFunctionSites}, boundTo?: string): EvalValue {
    for (const p of node.params) {
      if (p.type !== 'ObjectPattern') continue
      for (const prop of p.properties) if (prop.type === 'Property' && prop.shorthand && keyName(prop.key) === 'env') this.aliases.set('env', ENV_HELPER)
    }

    // In the body a parameter is what each caller passes, which is not known here: said so, rather than "not defined".
    const own = 'id' in node && node.id ? node.id.name : boundTo
    const named = own ? `\`${own}()\`` : 'a function'
    const saved = new Map<string, EvalValue | undefined>()
    for (const p of node.params) {
      const id = p.type === 'Identifier' ? p : p.type === 'AssignmentPattern' && p.left.type === 'Identifier' ? p.left : undefined
      // `({pool, url}) => …`: each name is a parameter too (Strapi's `{env}` helper stays the helper).
      const names = id ? [id.name] : p.type === 'ObjectPattern' ? boundNames(p).filter((n) => n !== 'env' || this.aliases.get('env') !== ENV_HELPER) : []
      for (const name of names) {
        if (saved.has(name)) continue
        saved.set(name, this.names.get(name))
        const dflt = p.type === 'AssignmentPattern' ? ` (its default is \`${this.t(p.right)}\`)` : ''
        this.names.set(name, this.parameter(p, name, `\`${name}\` is a parameter of ${named} (line ${this.line(node)}): its value comes from the caller, which conncalc does not follow here${dflt}`))
      }
    }

    const sites: JsFunctionSites = pre?.sites ?? {file: this.file, line: this.line(node), name: own ?? 'a function', sites: []}
    this.within.push(sites)

    const body = node.body
    this.returns.push([])
    let value: EvalValue | undefined
    const made0 = (this.capture ?? this.calls).length
    const read = (): void => {
      if (body?.type === 'BlockStatement') this.visit(body)
      else if (body) value = this.expr(body)
    }

    try {
      if (runsNow) read()
      else this.inBody(read)
    } finally {
      this.within.pop()
      for (const [name, v] of saved) {
        if (v === undefined) this.names.delete(name)
        else this.names.set(name, v)
      }
    }

    value ??= this.returns.at(-1)?.at(-1)
    this.returns.pop()
    const made = pre?.made ?? this.known(node, {args: [], callee: FUNCTION, kind: 'call', kwargs: {}})
    // A hoisted declaration's value, made before its place (hoist), is filled in here: uses above it hold the same object.
    if (value && isCall(made)) made.value.args.splice(0, made.value.args.length, value)
    if (!runsNow && node.params.length > 0 && node.body) CLOSURES.set(made.value as object, {ev: this, node, pure: (this.capture ?? this.calls).slice(made0).every((c) => !c.isNew && BUILTIN.test(c.callee)), sites})
    if (!runsNow) FUNCTION_SITES.set(made.value as object, sites)
    return made
  }

  /**
   * A call of the app's own function with arguments: its body walked again with its parameters
   * bound to them (nothing runs), its calls kept with this call site (JsFunctionSites) and what it
   * returns given back. Undefined when it is not followed (not the app's function, an argument
   * that is itself a parameter of a function being walked without its caller, too deep, too many
   * call sites): the caller falls back to the body's value read once where it is written.
   */
  private invoke(own: EvalValue, args: EvalValue[], at: N): EvalValue | undefined {
    const closure = own.kind === 'known' && typeof own.value === 'object' && own.value !== null ? CLOSURES.get(own.value) : undefined
    if (!closure || args.some((a) => fromParameter(a)) || callDepth >= MAX_CALL_DEPTH) return undefined
    // A helper that makes no calls (`toOptionalNumber(process.env.X)`) has no pools to place: walked for every caller.
    const keep = siteCount(this.run(), closure.sites) < MAX_SITES
    if (!keep && !closure.pure) {
      this.run().trace.cut.add(closure.sites)
      return undefined
    }

    callDepth++
    try {
      return closure.ev.bound(closure, args, {file: this.file, line: this.line(at)}, this.guards, keep)
    } finally {
      callDepth--
    }
  }

  /** Walk a function's body for one call site: parameters bound to `args`, the module's names, exports and branches untouched. */
  private bound(closure: Closure, args: EvalValue[], site: {file: string; line: number}, around: JsGuard[], keep = true): EvalValue {
    const {node, sites} = closure
    const calls: JsCall[] = []
    // The branches around the call site hold the body's calls too (a replica made only when its URL is set).
    const restore = this.enterSite(calls, around)
    this.returns.push([])
    let value: EvalValue | undefined
    try {
      for (const [i, p] of node.params.entries()) this.bindParameter(p as N, args[i])
      const body = node.body
      this.inBody(() => {
        if (body?.type === 'BlockStatement') this.visit(body)
        else if (body) value = this.expr(body)
      })
      value ??= this.returns.at(-1)?.at(-1)
    } finally {
      this.returns.pop()
      restore()
      if (keep) addSite(this.run(), sites, {calls, file: site.file, line: site.line})
    }

    return value ?? this.unknown(node, `\`${sites.name}()\` returns nothing conncalc can read`)
  }

  /** A parameter given `arg` (undefined: not passed): `x`, `x = d`, `{max, pool = {}}`, as JS binds them. */
  private bindParameter(p: N, arg: EvalValue | undefined): void {
    if (p.type === 'Identifier') {
      this.names.set(p.name, arg ?? this.known(p, null))
      return
    }

    if (p.type === 'AssignmentPattern') {
      // The default applies when the argument is undefined — not passed, or an env var with no value — not for null.
      const missing = arg === undefined || (arg.kind === 'known' && arg.value === null && arg.missingEnv !== undefined)
      this.bindParameter(p.left as N, missing ? this.expr(p.right) : arg)
      return
    }

    if (p.type === 'ObjectPattern' && (arg === undefined || isDict(arg))) {
      for (const prop of p.properties) {
        if (prop.type === 'RestElement') {
          for (const name of boundNames(prop)) this.names.set(name, this.unknown(prop, `\`${name}\` collects the rest of an argument`))
          continue
        }

        const key = keyName(prop.key, prop.computed)
        const got = key === undefined || !arg ? undefined : arg.value.entries.get(key)
        if (key === undefined || (got === undefined && arg?.value.partial)) {
          for (const name of boundNames(prop.value)) this.names.set(name, this.unknown(prop, undefined))
          continue
        }

        this.bindParameter(prop.value as N, got)
      }

      return
    }

    for (const name of boundNames(p)) this.names.set(name, arg?.kind === 'unknown' ? arg : this.unknown(p, `\`${name}\` is destructured from an argument conncalc does not see into`))
  }

  /** A convict schema's settings as the object `config.get('pg.pool.max')` reads (CONVICT). */
  private convict(node: N, schema: EvalValue): EvalValue {
    const loads: string[] = []
    const settings = (s: EvalValue): EvalValue => {
      const entries = new Map<string, EvalValue>()
      if (!isDict(s)) return s
      for (const [key, v] of s.value.entries) {
        if (!isDict(v)) continue
        const dflt = v.value.entries.get('default')
        if (!dflt) {
          entries.set(key, settings(v))
          continue
        }

        const name = asString(v.value.entries.get('env'))
        const set = name === undefined ? undefined : this.envEntry(name)
        if (set?.unknown) entries.set(key, {file: this.file, kind: 'unknown', line: v.line, reason: set.unknown})
        else if (set) {
          // convict coerces the variable by the setting's format; a number default means a numeric format.
          const n = Number(set.value)
          const value = dflt.kind === 'known' && typeof dflt.value === 'number' && set.value.trim() !== '' && !Number.isNaN(n) ? n : set.value
          entries.set(key, {file: this.file, kind: 'known', line: v.line, value, via: [set.source]})
        } else entries.set(key, name !== undefined && dflt.kind === 'known' ? {...dflt, missingEnv: [...(dflt.missingEnv ?? []), {file: v.file, line: v.line, name}]} : dflt)
      }

      const out = this.known(node, {entries, kind: 'dict'})
      CONVICT.set(out.value as object, {loads})
      return out
    }

    return settings(schema)
  }

  /** The value a callee names when it is a name in scope or a member of an object in scope (`db.makePool`), else undefined. */
  private ownValue(node: N): EvalValue | undefined {
    return node.type === 'Identifier' ? this.names.get(node.name) : undefined
  }

  private ownFunction(callee: N): EvalValue | undefined {
    if (callee.type === 'Identifier') return this.names.get(callee.name)
    if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return undefined
    const object = unwrap(callee.object)
    const holder = object.type === 'Identifier' ? this.names.get(object.name) : object.type === 'ThisExpression' ? this.frames.at(-1)?.instance : undefined
    return isDict(holder) ? holder.value.entries.get(callee.property.name) : undefined
  }

  /**
   * envalid's `cleanEnv(process.env, {DB_MAX_POOL: num({default: 10}), …})`: each key is the env variable of that name
   * parsed by its validator; unset, the validator's `devDefault` when NODE_ENV is set to something other than
   * production, else its `default` (also parsed); with neither, envalid stops the app at start. Heroku's Node buildpack
   * sets NODE_ENV=production, so an unset NODE_ENV reads as production. envalid@5.0.0 src/envalidWithoutDotenv.js
   * cleanEnv (`usingDevDefault = env.NODE_ENV !== 'production' && spec.hasOwnProperty('devDefault')`,
   * `if (rawValue === undefined) rawValue = devDefault === undefined ? spec.default : devDefault`, then
   * validateVar → spec._parse); src/validators.js num (`+input`), bool (true/t/1, false/f/0).
   */
  private envalid(node: N, specs: KnownValue & {value: PyDict}, lib: 'envalid' | 'envsafe' = 'envalid'): EvalValue {
    const fn = lib === 'envalid' ? "envalid's cleanEnv()" : "envsafe's envsafe()"
    const entries = new Map<string, EvalValue>()
    const nodeEnv = this.envEntry('NODE_ENV')
    const devEnv = nodeEnv !== undefined && !nodeEnv.unknown && nodeEnv.value !== 'production'
    for (const [key, spec] of specs.value.entries) {
      const kind = isCall(spec) ? ENVALID_VALIDATOR.exec(spec.value.callee)?.[1] : undefined
      if (!kind || !isCall(spec)) {
        entries.set(key, this.unknown(node, `\`${key}\` in ${fn} is not one of ${lib}'s validators conncalc reads`))
        continue
      }

      const v = this.env(node, key)
      if (v.kind === 'known' && v.value !== null) {
        entries.set(key, this.envalidParse(node, key, kind, v))
        continue
      }

      if (v.kind !== 'known') {
        entries.set(key, v)
        continue
      }

      const opts = spec.value.args[0]
      const given = isDict(opts) ? opts.value.entries : undefined
      const which = devEnv && given?.has('devDefault') ? 'devDefault' : 'default'
      const dflt = given?.get(which)
      if (dflt?.kind !== 'known') {
        entries.set(key, dflt ?? v)
        continue
      }

      const parsed = dflt.value === null ? dflt : this.envalidParse(node, key, kind, dflt)
      entries.set(key, parsed.kind === 'known' ? {...parsed, missingEnv: [...(v.missingEnv ?? []), ...(parsed.missingEnv ?? [])], via: [...parsed.via, fromDefault(`${key} is not set, so ${fn} gives the validator's \`${which}\``, lib === 'envalid' ? ENVALID_REF : 'https://github.com/KATT/envsafe#readme')]} : parsed)
    }

    return this.known(node, {entries, kind: 'dict'})
  }

  /**
   * `schema.parse(process.env)` (and safeParse, parseAsync) of a zod object schema: each key is the env variable of that
   * name run through its field's schema, as zod does (zod v3 src/types.ts: ZodDefault gives `defaultValue()` for an
   * undefined input, then the inner schema parses it; z.coerce.number() is `Number(input)`, z.coerce.boolean()
   * `Boolean(input)`; ZodEffects' transform runs on the parsed value; optional() lets undefined through). A key the
   * schema requires that has no value here is unknown (zod throws at start). Undefined when the schema is not one read.
   */
  private zodParse(node: N, schemaNode: N, safe: boolean): EvalValue | undefined {
    const fields = this.zodObject(schemaNode)
    if (!fields) return undefined
    const entries = new Map<string, EvalValue>()
    for (const [key, field] of fields) entries.set(key, this.zodField(node, key, field, this.env(node, key)))
    const data = this.known(node, {entries, kind: 'dict'})
    if (!safe) return data
    const ok = [...entries.values()].every((v) => v.kind === 'known')
    return this.known(node, {entries: new Map<string, EvalValue>([['data', data], ['success', ok ? this.known(node, true) : this.unknown(node, 'whether the zod schema accepts the environment: a value it needs is not known here')]]), kind: 'dict'})
  }

  /** The fields of a zod object schema node (`z.object({…})`, a name holding one, `.extend({…})`, `.merge(other)`, `.strict()`…). */
  private zodObject(n: N, depth = 0): Map<string, N> | undefined {
    if (depth > 8) return undefined
    const node = unwrap(n)
    if (node.type === 'Identifier') {
      const v = this.names.get(node.name)
      const made = v?.kind === 'known' && typeof v.value === 'object' && v.value !== null ? SCHEMA_NODES.get(v.value) : undefined
      return made ? this.zodObject(made as N, depth + 1) : undefined
    }

    if (node.type !== 'CallExpression' || node.callee.type !== 'MemberExpression' || node.callee.computed || node.callee.property.type !== 'Identifier') return undefined
    const method = node.callee.property.name
    const first = node.arguments[0] ? unwrap(node.arguments[0] as N) : undefined
    if (method === 'object' && /^(zod\.)?(z|zod)(\.default)?\.object$|^zod(\.default)?\.(z\.)?object$/.test(this.dotted(unwrap(node.callee)) ?? '')) {
      return first?.type === 'ObjectExpression' ? this.zodShape(first) : undefined
    }

    const base = () => this.zodObject(node.callee.type === 'MemberExpression' ? (node.callee.object as N) : node, depth + 1)
    if (/^(strict|passthrough|strip|required|describe)$/.test(method)) return base()
    if (method === 'extend' && first?.type === 'ObjectExpression') {
      const got = base()
      const more = this.zodShape(first)
      return got && more ? new Map([...got, ...more]) : undefined
    }

    if (method === 'merge' && first) {
      const got = base()
      const more = this.zodObject(first, depth + 1)
      return got && more ? new Map([...got, ...more]) : undefined
    }

    return undefined
  }

  /**
   * An object literal's keys and their schema nodes; undefined with a computed key or a spread conncalc cannot map. A
   * spread of a name holding an object of schemas (`z.object({...coreFields, ...authFields})`, the field maps often kept
   * in modules of their own) gives its keys, each the schema it was made with, in order (a later key wins, as in any
   * object literal).
   */
  private zodShape(obj: N & {type: 'ObjectExpression'}): Map<string, N> | undefined {
    const out = new Map<string, N>()
    for (const p of obj.properties) {
      if (p.type === 'SpreadElement') {
        const arg = unwrap(p.argument as N)
        const held = arg.type === 'Identifier' ? this.names.get(arg.name) : undefined
        if (!isDict(held)) return undefined
        for (const [key, v] of held.value.entries) {
          const made = v.kind === 'known' && typeof v.value === 'object' && v.value !== null ? SCHEMA_NODES.get(v.value) : undefined
          if (!made) return undefined
          out.delete(key)
          out.set(key, made as N)
        }

        continue
      }

      if (p.type !== 'Property' || p.computed) return undefined
      const key = p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : undefined
      if (key === undefined) return undefined
      out.set(key, p.value as N)
    }

    return out
  }

  /** One field's value: `input` (the variable, or what an outer layer passes in) run through the field's schema node. */
  private zodField(at: N, key: string, field: N, input: EvalValue, depth = 0): EvalValue {
    const node = unwrap(field)
    const where = `${this.file}:${this.line(node)}`
    const cannot = (why: string): EvalValue => this.unknown(node, `${key}: ${why} (${where})`, input)
    if (depth > 16) return cannot('the zod schema is nested too deep to read')
    if (input.kind !== 'known') return input
    if (node.type === 'Identifier') {
      const v = this.names.get(node.name)
      const made = v?.kind === 'known' && typeof v.value === 'object' && v.value !== null ? SCHEMA_NODES.get(v.value) : undefined
      return made ? this.zodField(at, key, made as N, input, depth + 1) : cannot(`its schema \`${node.name}\` is not one conncalc reads`)
    }

    if (node.type !== 'CallExpression' || node.callee.type !== 'MemberExpression' || node.callee.computed || node.callee.property.type !== 'Identifier') return cannot(`\`${this.t(node).slice(0, 60)}\` is not a zod schema conncalc reads`)
    const method = node.callee.property.name
    const inner = unwrap(node.callee.object as N)
    const arg = node.arguments[0] ? unwrap(node.arguments[0] as N) : undefined
    const unset = input.value === null || input.value === undefined
    const dotted = this.dotted(unwrap(node.callee)) ?? ''
    const zodBase = /^(zod\.)?(z|zod)(\.default)?\.(coerce\.)?\w+$|^zod(\.default)?\.(z\.)?(coerce\.)?\w+$/.test(dotted)
    if (zodBase && !/\)/.test(dotted)) {
      const coerce = /\.coerce\.\w+$/.test(dotted)
      const required = (): EvalValue => cannot(`the zod schema requires it and it is not set here (zod's parse throws at start)`)
      switch (method) {
        case 'string':
        case 'enum':
        case 'nativeEnum':
        case 'literal':
        case 'any':
        case 'unknown': {
          if (unset) return method === 'any' || method === 'unknown' ? input : required()
          return coerce && typeof input.value !== 'string' ? this.known(node, String(input.value), input) : input
        }

        case 'number':
        case 'bigint': {
          if (typeof input.value === 'number') return input
          if (!coerce) return unset ? required() : cannot(`z.number() refuses the string ${JSON.stringify(input.value)} the environment gives (zod's parse throws at start; z.coerce.number() converts)`)
          const n = unset ? Number.NaN : Number(input.value)
          return Number.isNaN(n) ? (unset ? required() : cannot(`${JSON.stringify(input.value)} is not a number`)) : this.known(node, n, input)
        }

        case 'boolean': {
          if (typeof input.value === 'boolean') return input
          // z.coerce.boolean() is Boolean(input): any non-empty string is true ("false" too), undefined false.
          if (coerce) return this.known(node, unset ? false : String(input.value) !== '', input)
          return unset ? required() : cannot(`z.boolean() refuses the string ${JSON.stringify(input.value)} the environment gives (zod's parse throws at start)`)
        }

        case 'stringbool': {
          if (unset) return required()
          const v = String(input.value).toLowerCase()
          const b = ['true', '1', 'yes', 'on', 'y', 'enabled'].includes(v) ? true : ['false', '0', 'no', 'off', 'n', 'disabled'].includes(v) ? false : undefined
          return b === undefined ? cannot(`${JSON.stringify(input.value)} is not one of z.stringbool()'s spellings`) : this.known(node, b, input)
        }

        case 'preprocess': {
          const fn = arg ? this.zodTransform(arg, input) : undefined
          const schema = node.arguments[1] as N | undefined
          return fn && schema ? this.zodField(at, key, schema, fn, depth + 1) : cannot('its z.preprocess() function is not one conncalc evaluates')
        }

        default: {
          return cannot(`z.${method}() is not a zod schema conncalc reads`)
        }
      }
    }

    if (method === 'default' || method === 'catch' || method === 'prefault') {
      if (method === 'catch' && !unset) return this.zodField(at, key, inner, input, depth + 1)
      if (!unset) return this.zodField(at, key, inner, input, depth + 1)
      const d = arg ? this.expr(arg) : undefined
      if (d?.kind !== 'known') return cannot(`its .${method}() value is not one conncalc evaluates`)
      const missing = {...d, missingEnv: [...(input.missingEnv ?? []), ...(d.missingEnv ?? [])], via: [...d.via, fromDefault(`${key} is not set, so the zod schema's .${method}(${this.t(arg!).slice(0, 30)}) at ${where} gives it`, ZOD_REF)]}
      // The default is parsed by the inner schema (zod 3; zod 4 returns it as is: the same value for a default of the field's type).
      const parsed = this.zodField(at, key, inner, missing, depth + 1)
      return parsed.kind === 'known' ? {...parsed, missingEnv: missing.missingEnv, via: [...missing.via, ...parsed.via.filter((v) => !missing.via.includes(v))]} : parsed
    }

    if (/^(optional|nullish|nullable)$/.test(method)) {
      if (unset && method !== 'nullable') return input
      return this.zodField(at, key, inner, input, depth + 1)
    }

    if (ZOD_CHECKS.test(method)) return this.zodField(at, key, inner, input, depth + 1)
    const parsed = this.zodField(at, key, inner, input, depth + 1)
    if (parsed.kind !== 'known') return parsed
    if (method === 'transform') return (arg ? this.zodTransform(arg, parsed) : undefined) ?? cannot('its .transform() function is not one conncalc evaluates')
    if (method === 'pipe' && arg) return this.zodField(at, key, arg, parsed, depth + 1)
    return cannot(`.${method}() on a zod schema is not something conncalc evaluates`)
  }

  /** A transform/preprocess function conncalc evaluates: Number, parseInt, parseFloat, Boolean, String, `(v) => Number(v)`, `(v) => v === 'true'`. */
  private zodTransform(fn: N, v: KnownValue): EvalValue | undefined {
    const f = unwrap(fn)
    const apply = (name: string): EvalValue | undefined => {
      const x = v.value
      if (name === 'String') return x === null ? undefined : this.known(f, String(x), v)
      if (name === 'Boolean') return this.known(f, Boolean(x), v)
      if (x === null || x === undefined) return name === 'Number' ? undefined : undefined
      const n = name === 'Number' ? (String(x).trim() === '' ? 0 : Number(x)) : name === 'parseFloat' || name === 'Number.parseFloat' ? Number.parseFloat(String(x)) : Number.parseInt(String(x), 10)
      return Number.isNaN(n) ? undefined : this.known(f, n, v)
    }

    const known = /^(Number|parseInt|Number\.parseInt|parseFloat|Number\.parseFloat|Boolean|String)$/
    if ((f.type === 'Identifier' || f.type === 'MemberExpression') && known.test(this.t(f))) return apply(this.t(f))
    if ((f.type === 'ArrowFunctionExpression' || f.type === 'FunctionExpression') && f.params.length >= 1 && f.params[0].type === 'Identifier') {
      const p = f.params[0].name
      const body = !f.body ? undefined : f.body.type === 'BlockStatement' ? (f.body.body.length === 1 && f.body.body[0].type === 'ReturnStatement' ? f.body.body[0].argument : undefined) : f.body
      const e = body ? unwrap(body as N) : undefined
      if (!e) return undefined
      if (e.type === 'CallExpression' && known.test(this.t(e.callee as N)) && e.arguments.length >= 1 && this.t(e.arguments[0] as N) === p) return apply(this.t(e.callee as N))
      if (e.type === 'UnaryExpression' && e.operator === '+' && this.t(e.argument as N) === p) return apply('Number')
      if (e.type === 'BinaryExpression' && /^(===|==|!==|!=)$/.test(e.operator)) {
        const [l, r] = [unwrap(e.left as N), unwrap(e.right as N)]
        const lit = l.type === 'Literal' ? l : r.type === 'Literal' ? r : undefined
        const other = lit === l ? r : l
        if (lit && this.t(other) === p) {
          const eq = v.value === lit.value
          return this.known(f, e.operator.startsWith('!') ? !eq : eq, v)
        }
      }
    }

    return undefined
  }

  /**
   * t3-env's `createEnv({server: {…}, client: {…}, shared: {…}, runtimeEnv: process.env})`: each key of those objects is
   * a zod schema for the variable of that name, read from runtimeEnv (process.env, or an object naming each variable)
   * and parsed as zod does (https://env.t3.gg/docs/core; @t3-oss/env-core src/index.ts: `runtimeEnv[key]` parsed by
   * the merged shape). Undefined keys the schema requires are unknown (createEnv throws at start).
   */
  private t3Env(node: N, obj: N & {type: 'ObjectExpression'}, opts: KnownValue & {value: PyDict}): EvalValue {
    const runtime = opts.value.entries.get('runtimeEnv') ?? opts.value.entries.get('runtimeEnvStrict') ?? opts.value.entries.get('experimental__runtimeEnv')
    const entries = new Map<string, EvalValue>()
    for (const p of obj.properties) {
      if (p.type !== 'Property' || p.computed || p.key.type !== 'Identifier' || !/^(server|client|shared)$/.test(p.key.name)) continue
      const shape = unwrap(p.value as N)
      const fields = shape.type === 'ObjectExpression' ? this.zodShape(shape) : undefined
      if (!fields) continue
      for (const [key, field] of fields) {
        const input = runtime === undefined || (isDict(runtime) && ENV_OBJECTS.has(runtime.value)) ? this.env(node, key) : isDict(runtime) ? (runtime.value.entries.get(key) ?? this.known(node, null)) : this.unknown(node, `createEnv's runtimeEnv is not an object conncalc reads`)
        entries.set(key, this.zodField(node, key, field, input))
      }
    }

    return this.known(node, {entries, kind: 'dict'})
  }

  /** An envalid validator's parse of a set value (or a default): num/port a number, bool its spellings, others as given. */
  private envalidParse(node: N, key: string, kind: string, v: KnownValue): EvalValue {
    if ((typeof v.value === 'object' && v.value !== null) || (typeof v.value === 'number' && (kind === 'num' || kind === 'port'))) return v
    if (kind === 'num' || kind === 'port') {
      const n = Number(String(v.value))
      return Number.isNaN(n) ? this.unknown(node, `${key}=${JSON.stringify(v.value)} is not a number (envalid stops the app)`, v) : this.known(node, n, v)
    }

    if (kind === 'bool') {
      const b = ['true', 't', '1'].includes(String(v.value)) ? true : ['false', 'f', '0'].includes(String(v.value)) ? false : undefined
      return b === undefined ? this.unknown(node, `${key}=${JSON.stringify(v.value)} is not one of envalid's booleans`, v) : this.known(node, b, v)
    }

    return v
  }

  /** `env('X', d)`, `env.int('X', d)`, `env.bool(…)`: the variable, else the default, as `process.env.X ?? d` would. */
  private envHelper(node: N, kind: string, args: EvalValue[]): EvalValue {
    const name = asString(args[0])
    if (name === undefined) return this.unknown(node, 'an env() call without a literal variable name')
    const v = this.env(node, name)
    if (v.kind === 'known' && v.value !== null) {
      if (kind === 'int' || kind === 'float') {
        const n = Number(v.value)
        return Number.isNaN(n) ? this.unknown(node, `${name}=${JSON.stringify(v.value)} is not a number`) : this.known(node, kind === 'int' ? Math.trunc(n) : n, v)
      }

      return kind === 'bool' ? this.known(node, v.value === 'true', v) : v
    }

    const d = args[1]
    if (!d) return v
    return d.kind === 'known' ? {...d, missingEnv: [...(v.missingEnv ?? []), ...(d.missingEnv ?? [])]} : d
  }

  private member(node: N & {type: 'MemberExpression'}): EvalValue {
    const base = unwrap(node.object)
    const prop = node.computed ? undefined : node.property.type === 'Identifier' ? node.property.name : undefined
    const baseText = this.t(base).replaceAll(/\s+/g, '')
    // `import {env} from 'node:process'`, `import process from 'process'`: the same env object.
    // `process.env` itself, as a value (passed to a function, wrapped, kept in a name): reads through it are env reads.
    if (prop === 'env' && !node.computed && (this.t(base) === 'process' || /^(node:)?process(\.default)?$/.test(this.dotted(base) ?? ''))) {
      const marker = this.known(node, {entries: new Map(), kind: 'dict', partial: true})
      ENV_OBJECTS.add(marker.value as object)
      return marker
    }

    if (baseText === 'process.env' || baseText === 'import.meta.env' || /^(node:)?process(\.default)?\.env$/.test(this.dotted(base) ?? '')) {
      if (prop !== undefined) return this.env(node, prop)
      const name = asString(this.expr(node.property))
      return name ? this.env(node, name) : this.unknown(node)
    }

    if (prop === 'length' && base.type === 'CallExpression' && /(^|\.)cpus$/.test(this.dotted(unwrap(base.callee)) ?? '')) return this.cpus(node)
    if (prop === 'argv' && (this.t(base) === 'process' || /^(node:)?process(\.default)?$/.test(this.dotted(base) ?? ''))) return this.argvList(node, 0)

    const obj = this.expr(base)
    const list = isDict(obj) ? ARGV_LISTS.get(obj.value) : undefined
    if (list !== undefined && node.computed) {
      const at = unwrap(node.property)
      if (at.type === 'Literal' && typeof at.value === 'number' && Number.isInteger(at.value)) return this.argvWord(node, list + at.value)
    }

    // `argv._` of minimist(process.argv.slice(2)), and `argv._[0]`: the words that are not options, and one of them.
    const parsedFrom = isDict(obj) ? ARGV_PARSED.get(obj.value) : undefined
    if (parsedFrom !== undefined && prop === '_') return this.argvPositionals(node, parsedFrom, 0)
    const positional = isDict(obj) ? ARGV_POSITIONALS.get(obj.value) : undefined
    if (positional !== undefined && node.computed) {
      const at = unwrap(node.property)
      if (at.type === 'Literal' && typeof at.value === 'number' && Number.isInteger(at.value)) return this.argvWord(node, positional.skip + at.value, undefined, positional.from)
    }

    let keyVia: Source[] = []
    let key = prop
    if (node.computed) {
      const v = this.expr(node.property)
      if (v.kind === 'known') keyVia = v.via
      key = v.kind === 'known' && (typeof v.value === 'string' || typeof v.value === 'number') ? String(v.value) : undefined
    }

    // `options?.readOnly` with options undefined (a parameter no caller passes, an unset variable): undefined, as JS gives.
    if (node.optional && obj.kind === 'known' && obj.value === null) return this.known(node, null, obj)
    if (isDict(obj) && key !== undefined && ENV_OBJECTS.has(obj.value)) return this.env(node, key)
    if (isDict(obj) && key !== undefined) {
      // `config[process.env.NODE_ENV]`: the section is picked by that variable, and says so.
      const got = obj.value.entries.get(key)
      if (got?.kind === 'known' && keyVia.length > 0) return {...got, via: [...got.via, ...keyVia]}
      return got ?? this.unknown(node, obj.value.partial ? `the object at line ${obj.line} may hold "${key}" (it gets keys conncalc cannot read)` : `no "${key}" in the object at line ${obj.line}`)
    }

    // `parts[0]` of a list (`url.split('://')[0]`): that item; past its end, unknown.
    if (node.computed && key !== undefined && /^\d+$/.test(key) && obj.kind === 'known' && typeof obj.value === 'object' && obj.value?.kind === 'list') {
      const got = obj.value.items[Number(key)]
      return got ? (keyVia.length > 0 && got.kind === 'known' ? {...got, via: [...got.via, ...keyVia]} : got) : this.unknown(node, `no item ${key} in the list at line ${obj.line}`, obj)
    }

    return this.unknown(node, undefined, obj)
  }

  /** `process.argv.slice(2)` (a list from that position), `args.includes('--worker')` (a test of the process's arguments). */
  private argvCall(node: N & {arguments: N[]}, callee: N & {type: 'MemberExpression'}): EvalValue | undefined {
    const method = keyName(callee.property as N)
    if ((method !== 'slice' && method !== 'includes') || node.arguments.length !== 1) return undefined
    const object = unwrap(callee.object as N)
    if (!/^process\.argv\b/.test(this.t(object)) && !this.argvNamed(object)) return undefined
    const list = this.argvOf(object)?.list
    if (list === undefined) return undefined
    const a = unwrap(node.arguments[0])
    if (method === 'slice') return a.type === 'Literal' && typeof a.value === 'number' && Number.isInteger(a.value) && a.value >= 0 ? this.argvList(node, list + a.value) : undefined
    const flag = stringLiteral(a)
    if (flag === undefined) return undefined
    const v = this.unknown(node, `\`${this.t(node).replaceAll(/\s+/g, ' ').slice(0, 60)}\` reads the process's command line`)
    const marker = {...v}
    ARGV_FLAGS.set(marker, {flag, from: list})
    return marker
  }

  /** `process.argv`, or a slice of it starting at position `from`. */
  private argvList(node: N, from: number): EvalValue {
    const marker = this.known(node, {entries: new Map(), kind: 'dict', partial: true})
    ARGV_LISTS.set(marker.value as object, from)
    return marker
  }

  /**
   * The word at `index` of process.argv (`fallback` when there is none), or with `parsed` the index-th of the words
   * minimist leaves in `_`: each process's own, so unknown while its module is read.
   */
  private argvWord(node: N, index: number, fallback?: string, parsed?: number): EvalValue {
    const v = {file: this.file, kind: 'unknown' as const, line: this.line(node), reason: `\`${this.t(node).replaceAll(/\s+/g, ' ').slice(0, 60)}\` is a word of the process's command line (${parsed === undefined ? `process.argv[${index}]` : `the word ${index} of those that are not options`})`}
    ARGV_WORDS.set(v, {...(fallback === undefined ? {} : {fallback}), index, ...(parsed === undefined ? {} : {parsed})})
    return v
  }

  /** minimist's `_` of process.argv.slice(from): the words that are not options (the first `skip` of them dropped). */
  private argvPositionals(node: N, from: number, skip: number): EvalValue {
    const marker = this.known(node, {entries: new Map(), kind: 'dict', partial: true})
    ARGV_POSITIONALS.set(marker.value as object, {from, skip})
    return marker
  }

  /**
   * `minimist(process.argv.slice(2))` (mri, yargs-parser): an object whose `_` holds the words that are not options
   * (argvPositionals); `hideBin(process.argv)` (yargs/helpers) is process.argv.slice(2).
   */
  private argvParse(node: N & {arguments: N[]}, callee: N): EvalValue | undefined {
    const name = this.dotted(callee)
    const hideBin = name === 'yargs/helpers.hideBin'
    if (name === undefined || (!hideBin && !ARGV_PARSERS.test(name)) || node.arguments[0] === undefined) return undefined
    const arg = unwrap(node.arguments[0])
    if (!/^process\.argv\b/.test(this.t(arg)) && !this.argvNamed(arg)) return undefined
    const list = this.argvOf(arg)?.list
    if (list === undefined) return undefined
    if (hideBin) return this.argvList(node, list + 2)
    const marker = this.known(node, {entries: new Map(), kind: 'dict', partial: true})
    ARGV_PARSED.set(marker.value as object, list)
    return marker
  }

  /** What an expression holds of process.argv, read only when reading it makes no call: a list, a word or an includes() test. */
  private argvOf(n: N): {flag?: {flag: string; from: number}; list?: number; word?: {fallback?: string; index: number}} | undefined {
    const a = unwrap(n)
    const plain = (x: N): boolean => {
      const y = unwrap(x)
      if (y.type === 'Identifier') return true
      if (y.type === 'MemberExpression') return plain(y.object as N) && (!y.computed || unwrap(y.property as N).type === 'Literal')
      if (y.type === 'CallExpression') {
        const c = unwrap(y.callee)
        return c.type === 'MemberExpression' && !c.computed && /^(slice|includes)$/.test(keyName(c.property as N) ?? '') && plain(c.object as N) && y.arguments.every((g) => unwrap(g as N).type === 'Literal')
      }

      return false
    }

    if (!plain(a)) return undefined
    if (a.type === 'CallExpression' && !/^process\.argv\b/.test(this.t(a)) && !this.argvNamed(a)) return undefined
    const v = this.expr(a)
    if (isDict(v) && ARGV_LISTS.has(v.value)) return {list: ARGV_LISTS.get(v.value)}
    const word = ARGV_WORDS.get(v)
    if (word) return {word}
    const flag = ARGV_FLAGS.get(v)
    return flag ? {flag} : undefined
  }

  /** Whether an expression's leftmost name holds process.argv or a part of it. */
  private argvNamed(n: N): boolean {
    let a = unwrap(n)
    for (let i = 0; i < 16 && a.type !== 'Identifier'; i++) a = unwrap(a.type === 'MemberExpression' ? (a.object as N) : a.type === 'CallExpression' ? (a.callee as N) : a)
    if (a.type !== 'Identifier') return false
    const v = this.names.get(a.name)
    return v !== undefined && ((isDict(v) && ARGV_LISTS.has(v.value)) || ARGV_WORDS.has(v) || ARGV_FLAGS.has(v))
  }

  /**
   * A condition on the process's command line written by hand: `process.argv[2] === 'worker'`, `cmd !== 'web'`,
   * `cmd === 'a' || cmd === 'b'`, `process.argv.includes('--worker')`, `!isWorker`. Only a word compared with a string as
   * written, or an includes() of one.
   */
  private argvTest(test: N): ArgvTest | undefined {
    const t = unwrap(test)
    if (t.type === 'UnaryExpression' && t.operator === '!') {
      const inner = this.argvTest(t.argument as N)
      return inner && {...inner, negated: !inner.negated}
    }

    if (t.type === 'LogicalExpression' && t.operator !== '??') {
      const a = this.argvTest(t.left as N)
      const b = a ? this.argvTest(t.right as N) : undefined
      const same = a && b && a.negated === b.negated && a.spec.kind === b.spec.kind && (a.spec.kind === 'flag' ? a.spec.from === (b.spec as typeof a.spec).from : a.spec.index === (b.spec as typeof a.spec).index && a.spec.parsed === (b.spec as typeof a.spec).parsed)
      // `a || b` of two matches, `!a && !b` of two mismatches (De Morgan): one test of either word.
      if (same && (t.operator === '||') === !a.negated) return {...a, names: [...a.names, ...b.names]}
      return undefined
    }

    // `process.argv.indexOf('--worker') !== -1` (`> -1`, `>= 0`; `=== -1`, `< 0` the flag's absence): an includes() test.
    if (t.type === 'BinaryExpression') {
      const index = this.argvIndexOf(t.left as N)
      const n = unwrap(t.right as N)
      const num = n.type === 'Literal' && typeof n.value === 'number' ? n.value : n.type === 'UnaryExpression' && n.operator === '-' && unwrap(n.argument as N).type === 'Literal' ? -Number((unwrap(n.argument as N) as N & {value: unknown}).value) : undefined
      const present = num === -1 ? ({'!=': true, '!==': true, '<=': false, '==': false, '===': false, '>': true} as Record<string, boolean>)[t.operator] : num === 0 ? ({'<': false, '>=': true} as Record<string, boolean>)[t.operator] : undefined
      if (index && present !== undefined) return {names: [index.flag], negated: !present, spec: {kind: 'flag', ...index}}
    }

    if (t.type === 'BinaryExpression' && /^[!=]==?$/.test(t.operator)) {
      for (const [w, l] of [[t.left, t.right], [t.right, t.left]] as [N, N][]) {
        const lit = stringLiteral(l)
        const word = lit === undefined ? undefined : this.argvOf(w)?.word
        if (word && lit !== undefined) return {names: [lit], negated: t.operator.startsWith('!'), spec: {kind: 'word', ...word}}
      }

      return undefined
    }

    const flag = this.argvOf(t)?.flag
    return flag ? {names: [flag.flag], negated: false, spec: {kind: 'flag', ...flag}} : undefined
  }

  /** `process.argv.indexOf('--worker')` (or of a slice or a name holding one): the flag and where its list starts. */
  private argvIndexOf(n: N): {flag: string; from: number} | undefined {
    const a = unwrap(n)
    if (a.type !== 'CallExpression' || a.arguments.length !== 1) return undefined
    const callee = unwrap(a.callee)
    if (callee.type !== 'MemberExpression' || callee.computed || keyName(callee.property as N) !== 'indexOf') return undefined
    const object = unwrap(callee.object as N)
    if (!/^process\.argv\b/.test(this.t(object)) && !this.argvNamed(object)) return undefined
    const list = this.argvOf(object)?.list
    const flag = stringLiteral(a.arguments[0] as N)
    return list === undefined || flag === undefined ? undefined : {flag, from: list}
  }

  /** The program a hand-written argv test or switch is (one per node, kept across the reads of its function). */
  private argvProgram(node: N, text: string, spec: NonNullable<CliProgram['argv']>): CliProgram {
    const key = `argv:${node.start}`
    let program = this.programs.get(key)
    if (!program) this.programs.set(key, (program = {argv: spec, commands: [], file: this.file, id: ++guardIds, line: this.line(node), text}))
    return program
  }

  /** `if (process.argv[2] === 'worker') … else …`: each arm a command of its own program, the compared words' and the default. */
  private argvArms(test: N, argv: ArgvTest, then: () => void, otherwise?: () => void): void {
    const text = this.t(test).replaceAll(/\s+/g, ' ').slice(0, 60)
    const program = this.argvProgram(test, text, argv.spec)
    const line = this.line(test)
    if (program.commands.length === 0) {
      program.commands.push({isDefault: false, line, names: argv.names.map((n) => [n]), open: false, program, text: `\`${text}\``}, {isDefault: true, line, names: [], open: false, program, text: `the else arm of \`${text}\``})
    }

    const [named, other] = program.commands
    const arms: [typeof then | undefined, CliCommand, 'else' | 'then'][] = [
      [then, argv.negated ? other : named, 'then'],
      [otherwise, argv.negated ? named : other, 'else'],
    ]
    for (const [read, command, arm] of arms) if (read) this.guarded({arm, command, file: this.file, id: ++guardIds, kind: 'command', line, test: text}, read)
  }

  /** `switch (process.argv[2]) { case 'worker': … }`: each case a command (with the cases that fall into it), `default:` the default. */
  private argvSwitch(node: N & {type: 'SwitchStatement'}, word: {fallback?: string; index: number}): void {
    const text = `switch (${this.t(node.discriminant).replaceAll(/\s+/g, ' ').slice(0, 50)})`
    const program = this.argvProgram(node, text, {kind: 'word', ...word})
    const fresh = program.commands.length === 0
    const byCase: (CliCommand | undefined)[] = []
    let names: string[][] = []
    let isDefault = false
    let open = false
    for (const [i, c] of node.cases.entries()) {
      if (c.test) {
        const v = stringLiteral(c.test as N) ?? asString(this.expr(c.test as N))
        if (v === undefined) open = true
        else names.push([v])
      } else isDefault = true

      if (c.consequent.length === 0) continue
      const label = [...names.map((n) => `case '${n[0]}':`), ...(open && c.test ? [`case ${this.t(c.test as N).slice(0, 40)}:`] : []), ...(isDefault ? ['default:'] : [])].join(' ')
      if (fresh) program.commands.push({isDefault, line: this.line(c as N), names: [...names], open, program, text: `\`${label}\``})
      byCase[i] = program.commands[byCase.filter(Boolean).length]
      if (leavesCase(c.consequent as N[])) {
        names = []
        isDefault = false
        open = false
      }
    }

    for (const [i, c] of node.cases.entries()) {
      const command = byCase[i]
      if (command) this.guarded({arm: 'then', command, file: this.file, id: ++guardIds, kind: 'command', line: command.line, test: text}, () => this.statements(c.consequent as N[]))
    }
  }

  /** node-config's `config.get('db.pool.max')` (which throws on a missing key) and `config.has('x')`. */
  private nodeConfigGet(callee: N, args: EvalValue[]): EvalValue | undefined {
    if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier' || !/^(get|has)$/.test(callee.property.name)) return undefined
    const obj = this.expr(unwrap(callee.object))
    const convict = isDict(obj) ? CONVICT.get(obj.value) : undefined
    if (!isDict(obj) || (!NODE_CONFIG.has(obj.value) && !convict)) return undefined
    const path = asString(args[0])
    if (path === undefined) return this.unknown(callee, `\`${this.t(callee)}()\` without a literal key`)
    let v: EvalValue | undefined = obj
    for (const key of path.split('.')) v = isDict(v) ? v.value.entries.get(key) : undefined
    if (callee.property.name === 'has') return this.known(callee, v !== undefined)
    if (!v) return this.unknown(callee, convict ? `"${path}" is not a setting of the convict schema read` : `"${path}" is in none of node-config's files read (config.get() throws on it)`)
    // A file or object loaded over the schema (`config.loadFile(…)`) may set it: not read, so the schema's value is an assumption.
    if (convict && convict.loads.length > 0 && v.kind === 'known') return {...v, via: [...v.via, assumed(`the convict schema's value for "${path}"; config.load/loadFile at ${convict.loads.join(', ')} may set it from a file or object conncalc does not read`)]}
    return v
  }

  /**
   * NestJS `configService.get('database.maxConnections', {infer: true})` (and getOrThrow), as
   * @nestjs/config's ConfigService.get looks: the env variable of that name, then the config the
   * app loaded (a `registerAs('database', …)` namespace, read in an earlier module), then the
   * default given as the second argument.
   */
  private nestConfigGet(node: N, callee: string, args: EvalValue[]): EvalValue | undefined {
    const nest = this.run().nestConfig
    if (!/(^|\.)configService\.(get|getOrThrow)$/i.test(callee) || !nest) return undefined
    this.run().trace.nest = true
    const key = asString(args[0])
    if (key === undefined) return this.unknown(node, `\`${callee}()\` without a literal key`)
    const e = this.envEntry(key)
    if (e?.unknown) return this.unknown(node, e.unknown)
    if (e) return {file: this.file, kind: 'known', line: this.line(node), value: e.value, via: [e.source]}
    // ConfigService.get reads process.env before the loaded config: Heroku Postgres sets DATABASE_URL on every dyno, as
    // for `process.env.DATABASE_URL` (env()).
    if (key === 'DATABASE_URL') return this.env(node, key)
    const [ns, ...path] = key.split('.')
    let v: EvalValue | undefined = nest.get(ns)
    const loadedAt = NEST_ROOT_KEYS.get(nest)?.get(ns)
    for (const k of path) v = isDict(v) ? v.value.entries.get(k) : undefined
    if (v && loadedAt) return v.kind === 'known' ? {...v, via: [...(v.file === this.file ? [] : [fromFile(v.file, v.line)]), ...v.via, fromDefault(`ConfigService.get('${key}') reads what the \`load\` factory of ConfigModule.forRoot (${loadedAt}) returns, merged at the root of the config`, NEST_LOAD_REF)]} : v
    if (v && path.length > 0) return v.kind === 'known' ? {...v, via: [...v.via, fromDefault(`ConfigService.get('${key}') reads the '${ns}' namespace the app registers with registerAs()`, NEST_CONFIG_REF)]} : v
    const dflt = args[1]
    // The default stands in for an env variable with no value here (as `process.env.X ?? d`): it says which.
    if (dflt?.kind === 'known' && !isDict(dflt)) return path.length > 0 ? dflt : {...dflt, missingEnv: [...(dflt.missingEnv ?? []), {file: this.file, line: this.line(node), name: key}]}
    return this.unknown(node, path.length > 0 ? `\`${callee}('${key}')\`: no registerAs('${ns}', …) or ConfigModule.forRoot({load}) factory with '${ns}' was read before this module, and ${key} is not an env variable` : `\`${callee}('${key}')\`: ${key} has no value and no default is given`)
  }

  /** `['mongodb'].includes(x)` / `list.includes(x)` / `'a,b'.includes(x)` on known values: a boolean a condition can decide. */
  private includes(node: N, callee: N, args: EvalValue[]): EvalValue | undefined {
    if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier' || callee.property.name !== 'includes') return undefined
    const object = unwrap(callee.object)
    if (object.type !== 'ArrayExpression' && object.type !== 'Identifier' && !(object.type === 'Literal' && typeof object.value === 'string')) return undefined
    const list = this.expr(object)
    const x = args[0]
    if (list.kind !== 'known' || x?.kind !== 'known' || (typeof x.value === 'object' && x.value !== null)) return undefined
    if (typeof list.value === 'string' && typeof x.value === 'string') return this.known(node, list.value.includes(x.value), list, x)
    if (typeof list.value !== 'object' || list.value === null || list.value.kind !== 'list') return undefined
    const items = list.value.items
    if (!items.every((i) => i.kind === 'known' && (typeof i.value !== 'object' || i.value === null))) return undefined
    // The answer rests on the items: `[USER, HOST].includes(undefined)` is true because those variables are unset here (a
    // start-up guard, Jellystat's db.js), so it carries what they miss.
    return this.known(node, items.some((i) => i.kind === 'known' && i.value === x.value), list, x, ...items)
  }

  /**
   * `a || b`, `a ?? b`, `a && b`, each side read by `side` (expr for a value, condition for a branch's test). For a test
   * (`truthiness`), JS decides it even when the left cannot be read: `x && y` is x when x is falsy, else y, so falsy
   * whenever y is (`Boolean(databaseUrl && useDb)` with useDb false); `x || y` is truthy whenever y is. Only the
   * truthiness is known then (the value may be x's), so the result is the boolean.
   */
  private logical(node: N, left: N, op: '&&' | '??' | '||', right: N, side: (n: N) => EvalValue, truthiness = false): EvalValue {
    // `opts.max ?? 10` with `opts` an object whose keys are all known and `max` not among them (`initDB(opts = {})` called
    // with none): JS reads a missing key as undefined, so the right side is the value (as condition() does for a test).
    const absent = op !== '&&' && !truthiness ? this.absentKey(left) : undefined
    const a = absent ?? side(left)
    // `process.argv[2] || 'web'`: the word, or that one when the command line has none.
    const word = !truthiness && op !== '&&' ? ARGV_WORDS.get(a) : undefined
    const fallback = word ? stringLiteral(right) : undefined
    if (word && fallback !== undefined) return this.argvWord(node, word.index, fallback, word.parsed)
    if (truthiness && op !== '??' && !decidable(a)) {
      const b = side(right)
      if (decidable(b) && truthy(b.value) === (op === '||')) return this.known(node, op === '||', b)
      return this.unreadLeft(node, left, op, a, b)
    }

    if (a.kind !== 'known' && op !== '&&') return this.unreadLeft(node, left, op, a, side(right))
    if (a.kind !== 'known') return this.unknown(node, undefined, a)
    // An object (`configs[env] || configs.development` with the env's section there) is truthy and not nullish:
    // `||` and `??` give it, `&&` gives the right side, as JavaScript does (ECMA-262 ToBoolean: every Object is true).
    if (typeof a.value === 'object' && a.value !== null) {
      if (op !== '&&') return a
      const b = side(right)
      return b.kind === 'known' ? {...b, via: [...a.via, ...b.via]} : b
    }

    const takeLeft = op === '||' ? truthy(a.value) : op === '??' ? a.value !== null : !truthy(a.value)
    if (takeLeft) return a
    const b = side(right)
    return b.kind === 'known' ? {...b, via: [...a.via, ...b.via], ...(a.missingEnv || b.missingEnv ? {missingEnv: [...(a.missingEnv ?? []), ...(b.missingEnv ?? [])]} : {})} : b
  }

  /** `obj.key` (obj a name or a chain of names) on an object whose keys are all known and lack `key`: undefined (JS), as a known null. */
  private absentKey(left: N): EvalValue | undefined {
    const t = unwrap(left)
    if (t.type !== 'MemberExpression' || t.computed || t.property.type !== 'Identifier') return undefined
    let o = unwrap(t.object)
    while (o.type === 'MemberExpression' && !o.computed) o = unwrap(o.object)
    if (o.type !== 'Identifier' && o.type !== 'ThisExpression') return undefined
    const obj = this.expr(unwrap(t.object))
    return isDict(obj) && !obj.value.partial && !obj.value.entries.has(t.property.name) ? this.known(t, null, obj) : undefined
  }

  /**
   * `connectionLimit ?? 20` where the left cannot be read, `globalThis.prisma || new PrismaClient()`: the right side is
   * the app's own fallback (and its calls are seen); taken, and labelled an assumption. After `&&`, or with a left that
   * is an object or a call, the result is not known.
   */
  private unreadLeft(node: N, left: N, op: string, a: EvalValue, b: EvalValue): EvalValue {
    if (a.kind === 'known' || op === '&&' || b.kind !== 'known') return this.unknown(node, undefined, a)
    const l = this.t(left).replaceAll(/\s+/g, ' ').slice(0, 40)
    return {...b, via: [...b.via, assumed(`\`${l}\` at ${this.file}:${a.line} cannot be read (${a.reason}); the value after \`${op}\` assumed`)]}
  }

  private cpus(node: N): EvalValue {
    const run = this.run()
    const n = run.nproc
    run.trace.nproc = {got: n}
    if (!n) return this.unknown(node, "depends on the dyno's CPU count, which is not known")
    return {file: this.file, kind: 'known', line: this.line(node), value: n.value, via: [n.source, ...(n.via ?? [])]}
  }

  private binary(node: N, left: N, op: string, right: N): EvalValue {
    if (op === '||' || op === '??' || op === '&&') return this.logical(node, left, op, right, (n) => this.expr(n))
    const a = this.expr(left)
    const b = this.expr(right)
    if (a.kind !== 'known' || b.kind !== 'known') return this.unknown(node, undefined, a, b)
    const x = a.value
    const y = b.value
    if (typeof x === 'number' && typeof y === 'number') {
      const r = ({'%': x % y, '*': x * y, '**': x ** y, '+': x + y, '-': x - y, '/': x / y} as Record<string, number>)[op]
      if (r !== undefined && Number.isFinite(r)) return this.known(node, r, a, b)
      // `parsed >= 0` (an env helper's check of a number it read)
      const c = ({'<': x < y, '<=': x <= y, '>': x > y, '>=': x >= y} as Record<string, boolean>)[op]
      if (c !== undefined) return this.known(node, c, a, b)
    }

    // `process.env.DATABASE_URL + '?ssl=true'`: a string joined with a string or a number.
    if (op === '+' && ((typeof x === 'string' && (typeof y === 'string' || typeof y === 'number')) || (typeof x === 'number' && typeof y === 'string'))) return this.known(node, `${x}${y}`, a, b)
    const equality = op === '===' || op === '==' || op === '!==' || op === '!='
    // `config.get('env') === 'production'`, `hostname() === 'ci'`: what a call conncalc does not compute returns may be
    // that string at run time; the comparison is not decided (it was read as false: an object is never a string).
    const call = isCall(a) ? a : isCall(b) ? b : undefined
    if (equality && call) {
      const snippet = this.t(node).replaceAll(/\s+/g, ' ').slice(0, 60)
      return this.unknown(node, `\`${snippet}\` compares what \`${call.value.callee}()\` returns, which conncalc does not compute`)
    }

    if (op === '===' || op === '==') return this.known(node, x === y, a, b)
    if (op === '!==' || op === '!=') return this.known(node, x !== y, a, b)
    return this.unknown(node, undefined, a, b)
  }

  /**
   * `Object.assign(target, ...sources)`: the target with each source's own keys copied over it, left to right; a null or
   * undefined source is skipped, one conncalc cannot read makes the result partial (it may set any key). When the target
   * is a name (`Object.assign(configs, configs[env])`), the name holds the merged object from here on. The object is
   * copied, not changed in place, so a branch read in a sandbox does not leak into the rest of the file.
   */
  private objectAssign(node: N & {type: 'CallExpression' | 'NewExpression'}, args: EvalValue[]): EvalValue {
    const [target, ...sources] = args
    if (!isDict(target)) return this.unknown(node, `Object.assign() onto a value conncalc cannot read`, target)
    const entries = new Map(target.value.entries)
    let partial = Boolean(target.value.partial)
    for (const s of sources) {
      if (isDict(s)) {
        for (const [k, v] of s.value.entries) entries.set(k, v)
        partial ||= Boolean(s.value.partial)
      } else if (!(s.kind === 'known' && s.value === null)) partial = true
    }

    const merged = this.known(node, {entries, kind: 'dict', ...(partial ? {partial} : {})}, ...args)
    const first = unwrap(node.arguments[0] as N)
    if (first.type === 'Identifier' && this.names.has(first.name)) this.names.set(first.name, merged)
    return merged
  }

  /**
   * A call on another call's result (`knex(o).withSchema(s)`, `cli.command('cron').option(…).action(fn)`): JS makes the
   * inner call first, whatever the outer method then does with its result, so the inner one is read (and recorded) first;
   * while the outer one is read, the inner node gives that value again rather than being read twice. Also a method of a
   * property of the result (`knex(o).migrate.latest()`: knex's migrator is `instance.migrate`). Not a `new X()`
   * whose method is called (`new DataSource(o).initialize()` in a framework's factory, counted by the framework; see
   * call's `$extends`).
   */
  private call(node: N & {type: 'CallExpression' | 'NewExpression'}): EvalValue {
    const done = this.chainDone.get(node)
    if (done) return done
    const calleeNode = unwrap(node.callee)
    let object = calleeNode.type === 'MemberExpression' ? unwrap(calleeNode.object) : undefined
    for (let depth = 0; depth < 16 && object?.type === 'MemberExpression'; depth++) object = unwrap(object.object)
    const chained = object?.type === 'CallExpression' && !this.chainDone.has(object) ? object : undefined
    if (chained) this.chainDone.set(chained, this.expr(chained))
    try {
      const v = this.callOf(node)
      // `const cli = cac()`, `const app = breadc('x').option(…)`: the name holds the program (cliProgram).
      if (this.cliRoot(node)) CLI_VALUES.add(v)
      const sub = this.subcommandOf(node)
      if (sub) SUBCOMMANDS.set(v, sub)
      return v
    } finally {
      if (chained) this.chainDone.delete(chained)
    }
  }

  /**
   * The commander subcommand a call's value is (SUBCOMMANDS): `new Command('worker')` (same-module addCommand's, else one
   * of its own until an addCommand adds it to a program), a chain of its methods (they return it; `.command(…)` aside), or
   * `x.command('db')` on a commander program (the new subcommand, declared on x's program).
   */
  private subcommandOf(node: N): CliCommand | undefined {
    const n = unwrap(node)
    if (n.type === 'NewExpression') {
      const known = this.commands.get(n)
      if (known) return known
      if (!COMMANDER_COMMAND.test(this.dotted(unwrap(n.callee)) ?? '')) return undefined
      const name = n.arguments[0] ? stringLiteral(n.arguments[0] as N) : undefined
      if (name === undefined) return undefined
      if (this.added.has(n)) return this.addedCommand(n)
      const text = `new Command('${name}')`
      const program: CliProgram = {commands: [], detached: true, file: this.file, id: ++guardIds, line: this.line(n), text}
      const command: CliCommand = {isDefault: false, line: this.line(n), names: [leadingWords(name)].filter((w) => w.length > 0), open: false, program, text}
      program.commands.push(command)
      this.commands.set(n, command)
      return command
    }

    if (n.type !== 'CallExpression') return undefined
    const c = unwrap(n.callee)
    if (c.type !== 'MemberExpression' || c.computed) return undefined
    const method = keyName(c.property as N)
    if (method === 'command') {
      // commander's `.command('db')` returns the new subcommand; `.command('db', 'description')` (a stand-alone
      // executable) returns the program. Only on a commander program.
      const declared = this.commands.get(n)
      const desc = n.arguments[1] ? unwrap(n.arguments[1] as N) : undefined
      const onCommander = declared !== undefined && (declared.program.commander === true || declared.program.detached === true || declared.program.parent !== undefined)
      return onCommander && (desc === undefined || stringLiteral(desc) === undefined) ? declared : undefined
    }

    if (method === 'addCommand' || method === 'parse' || method === 'parseAsync') return undefined
    const object = unwrap(c.object as N)
    if (object.type === 'Identifier') {
      const v = this.names.get(object.name)
      return v ? SUBCOMMANDS.get(v) : undefined
    }

    return object.type === 'NewExpression' || object.type === 'CallExpression' ? this.subcommandOf(object) : undefined
  }

  /**
   * `program.addCommand(worker, {isDefault: true})` where worker is a subcommand made apart (another module's
   * `new Command('worker')`): it becomes a command of the program, so its actions run only when the process names it.
   */
  private attachCommand(node: N & {arguments: N[]}, callee: N & {type: 'MemberExpression'}, arg: EvalValue | undefined): void {
    const sub = arg ? SUBCOMMANDS.get(arg) : undefined
    if (!sub?.program.detached) return
    const program = this.cliProgram(callee.object as N)
    if (!program || program === sub.program) return
    const opts = node.arguments[1] ? this.expr(node.arguments[1]) : undefined
    const isDefault = entry(opts, 'isDefault')
    sub.program.commands = sub.program.commands.filter((c) => c !== sub)
    sub.program = program
    sub.isDefault = isDefault?.kind === 'known' && isDefault.value === true
    program.commands.push(sub)
  }

  /** The node a chain of calls and members starts from when it is a command-line library's program (see cliProgram). */
  private cliRoot(object: N): N | undefined {
    const lib = (n: N): boolean => CLI_LIBRARY.test(this.dotted(n) ?? '')
    let n = unwrap(object)
    for (let depth = 0; depth < 64; depth++) {
      if (n.type === 'CallExpression' || n.type === 'NewExpression') {
        const c = unwrap(n.callee)
        if (lib(c)) return n
        if (c.type !== 'MemberExpression') return undefined
        n = unwrap(c.object)
      } else if (n.type === 'MemberExpression') {
        if (lib(n)) return n
        n = unwrap(n.object)
      } else if (n.type === 'Identifier') {
        const v = this.names.get(n.name)
        return lib(n) || (v !== undefined && CLI_VALUES.has(v)) ? n : undefined
      } else return undefined
    }

    return undefined
  }

  /**
   * The program a `.command(…)` is declared on, when it is a command-line library's (`cac()`, `new Command()`,
   * `yargs(hideBin(process.argv))`, commander's `program`, or a name holding one, through chained `.option(…)` calls).
   */
  private cliProgram(object: N): CliProgram | undefined {
    // A commander subcommand's own subcommands (`db.command('migrate')` with `const db = program.command('db')` or
    // `new Command('db')`): a program of its own, under the command it is (CliProgram.parent).
    const o = unwrap(object)
    const held = o.type === 'Identifier' ? this.names.get(o.name) : undefined
    const parent = held ? SUBCOMMANDS.get(held) : o.type === 'CallExpression' || o.type === 'NewExpression' ? this.subcommandOf(o) : undefined
    if (parent) {
      const key = `sub:${parent.program.id}:${parent.line}:${parent.text}`
      let program = this.programs.get(key)
      if (!program) this.programs.set(key, (program = {commander: true, commands: [], file: this.file, id: ++guardIds, line: this.line(o), parent, text: this.t(o).replaceAll(/\s+/g, ' ').slice(0, 60)}))
      return program
    }

    const n = this.cliRoot(object)
    if (!n) return undefined
    const text = this.t(n).replaceAll(/\s+/g, ' ').slice(0, 60)
    let program = this.programs.get(text)
    if (!program) {
      const lib = this.dotted(unwrap(n.type === 'CallExpression' || n.type === 'NewExpression' ? n.callee : n)) ?? ''
      const named = n.type === 'Identifier' ? (this.aliases.get(n.name) ?? '') : ''
      const commander = /^(commander|@commander-js\/extra-typings)\b/.test(lib) || /^(commander|@commander-js\/extra-typings)\b/.test(named)
      this.programs.set(text, (program = {...(commander ? {commander: true} : {}), commands: [], file: this.file, id: ++guardIds, line: this.line(n), text}))
    }

    return program
  }

  /**
   * commander's subcommands made apart and added to a program: `program.addCommand(new Command('worker').action(fn))`, or
   * `program.addCommand(worker, {isDefault: true})` with `const worker = new Command('worker')…` in the same module
   * (https://github.com/tj/commander.js#commands: addCommand). Found before the module is read, since the action may be
   * declared above the addCommand that names it; cliAt gives each its command.
   */
  private addedCommands(list: N[]): void {
    const adds: (N & {type: 'CallExpression'})[] = []
    const inits = new Map<string, N>()
    const stack: N[] = [...list]
    while (stack.length > 0) {
      const n = stack.pop()!
      if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && !n.callee.computed && keyName(n.callee.property as N) === 'addCommand') adds.push(n)
      if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.init && !inits.has(n.id.name)) inits.set(n.id.name, n.init as N)
      stack.push(...children(n))
    }

    for (const a of adds) {
      const arg = a.arguments[0] ? unwrap(a.arguments[0] as N) : undefined
      let n = arg?.type === 'Identifier' ? inits.get(arg.name) : arg
      for (let depth = 0; depth < 64 && n?.type === 'CallExpression'; depth++) {
        const c = unwrap(n.callee as N)
        n = c.type === 'MemberExpression' ? unwrap(c.object as N) : undefined
      }

      const name = n?.type === 'NewExpression' && n.arguments[0] ? stringLiteral(n.arguments[0] as N) : undefined
      const opts = a.arguments[1] ? unwrap(a.arguments[1] as N) : undefined
      const isDefault = opts?.type === 'ObjectExpression' && opts.properties.some((p) => p.type === 'Property' && keyName(p.key as N, p.computed) === 'isDefault' && unwrap(p.value as N).type === 'Literal' && (unwrap(p.value as N) as N & {value: unknown}).value === true)
      if (n && name !== undefined && a.callee.type === 'MemberExpression') this.added.set(n, {isDefault, name, parent: a.callee.object as N})
    }
  }

  /** The command a subcommand added with addCommand is on its program (once per `new Command(name)`). */
  private addedCommand(node: N): CliCommand | undefined {
    const known = this.commands.get(node)
    if (known) return known
    const added = this.added.get(node)
    const program = added ? this.cliProgram(added.parent) : undefined
    if (!added || !program) return undefined
    const command: CliCommand = {isDefault: added.isDefault, line: this.line(node), names: [leadingWords(added.name)].filter((w) => w.length > 0), open: false, program, text: `new Command('${added.name}')`}
    program.commands.push(command)
    this.commands.set(node, command)
    return command
  }

  /** The names a `.command(…)` or `.alias(…)` argument gives (leadingWords), and whether a part is built at run time. */
  private commandSpecs(arg: N | undefined): {open: boolean; specs: string[]} {
    if (!arg) return {open: false, specs: []}
    const a = unwrap(arg)
    if (a.type === 'ArrayExpression') {
      const each = a.elements.map((e) => this.commandSpecs((e ?? undefined) as N | undefined))
      return {open: each.some((e) => e.open), specs: each.flatMap((e) => e.specs)}
    }

    if (a.type === 'ObjectExpression') {
      // yargs' command module: `{command: 'serve [port]', aliases: ['s'], handler}`.
      const prop = (k: string): N | undefined => (a.properties.find((p) => p.type === 'Property' && keyName(p.key as N, p.computed) === k) as (N & {value: N}) | undefined)?.value
      const cmd = this.commandSpecs(prop('command'))
      const aliases = this.commandSpecs(prop('aliases'))
      return {open: cmd.open || aliases.open || prop('command') === undefined, specs: [...cmd.specs, ...aliases.specs]}
    }

    const value = this.expr(a)
    const v = asString(value)
    if (v !== undefined) return {open: false, specs: [v]}
    // A yargs command module required or imported (`exports.command = 'worker'`, `import * as worker from './worker'`).
    // Its `command` (a string, or a list: the command then its aliases) and `aliases`.
    const names = (x: EvalValue | undefined): (string | undefined)[] => {
      if (x === undefined) return []
      if (asString(x) !== undefined) return [asString(x)]
      const list = x.kind === 'known' && typeof x.value === 'object' && x.value !== null && x.value.kind === 'list' ? x.value.items : undefined
      return list ? list.map((i) => asString(i)) : [undefined]
    }

    const named = isDict(value) ? names(entry(value, 'command')) : []
    if (named.length > 0 && named[0] !== undefined) {
      const all = [...named, ...names(entry(value, 'aliases'))]
      return {open: all.some((m) => m === undefined), specs: all.filter((m): m is string => m !== undefined)}
    }

    // `admin fetch ${provider}`: the words before the first value built at run time, and the rest unknown.
    if (a.type === 'TemplateLiteral') return {open: true, specs: [a.quasis[0]?.value.cooked ?? '']}
    return {open: true, specs: ['']}
  }

  /** The command a `.command(…)` call declares on a command-line program (once per call node), or undefined when it is not one. */
  private declareCommand(node: N & {arguments: N[]}, callee: N & {type: 'MemberExpression'}): CliCommand | undefined {
    const known = this.commands.get(node)
    if (known) return known
    const program = this.cliProgram(callee.object as N)
    if (!program) return undefined
    const {open, specs} = this.commandSpecs(node.arguments[0])
    const names = specs.map((s) => leadingWords(s))
    // commander `command(name, {isDefault: true})`, `command(name, desc, {isDefault: true})`; sade `command(usage, desc, {default: true})`.
    const flagged = node.arguments.slice(1, 3).some((o) => {
      const v = o.type === 'ObjectExpression' ? this.expr(o) : undefined
      return [entry(v, 'isDefault'), entry(v, 'default')].some((x) => x?.kind === 'known' && x.value === true)
    })
    const text = `.command(${this.t(node.arguments[0] ?? node).replaceAll(/\s+/g, ' ').slice(0, 40)})`
    const command: CliCommand = {isDefault: flagged || (!open && names.some((w) => w.length === 0)), line: this.line(node), names: open ? names : names.filter((w) => w.length > 0), open, program, text}
    program.commands.push(command)
    this.commands.set(node, command)
    return command
  }

  /**
   * A call that hands code to a command of a command-line program: `.action(fn)` chained on `.command(…)` (cac, commander,
   * sade, breadc), or yargs' `.command(name, description, builder, handler)` / `.command({command, handler})`: the command
   * and which arguments run only with it. `.alias(…)` adds a name to its command.
   */
  private cliAt(node: N & {arguments: N[]}, callee: N & {type: 'MemberExpression'}, method: string): {command: CliCommand; guarded: (i: number) => boolean} | undefined {
    if (method === 'command') {
      const command = this.declareCommand(node, callee)
      const a0 = node.arguments[0] ? unwrap(node.arguments[0]) : undefined
      // A yargs command module (`.command(require('./cmds/worker'))`): its handler, read where its module is, runs only with it.
      const module = a0 !== undefined && a0.type !== 'ObjectExpression' && node.arguments.length === 1 && command && !command.program.commander
      return command ? {command, guarded: (i) => i >= 2 || (i === 0 && (a0?.type === 'ObjectExpression' || module === true))} : undefined
    }

    if (method !== 'action' && method !== 'alias' && method !== 'aliases') return undefined
    let n = unwrap(callee.object as N)
    // `new Command('worker').description(…).action(fn)`, added to a program with addCommand (addedCommands).
    const added = (root: N): {command: CliCommand; guarded: (i: number) => boolean} | undefined => {
      const sub = root.type === 'NewExpression' && this.added.has(root) ? this.addedCommand(root) : undefined
      if (!sub || method === 'action') return sub && {command: sub, guarded: () => true}
      for (const a of node.arguments) for (const s of this.commandSpecs(a).specs) if (leadingWords(s).length > 0) sub.names.push(leadingWords(s))
      return undefined
    }

    // `worker.action(fn)` with `const worker = new Command('worker')` (or a chain on it, or `program.command('db')`).
    const own = (sub: CliCommand | undefined): {command: CliCommand; guarded: (i: number) => boolean} | undefined => {
      if (!sub || method === 'action') return sub && {command: sub, guarded: () => true}
      for (const a of node.arguments) for (const s of this.commandSpecs(a).specs) if (leadingWords(s).length > 0) sub.names.push(leadingWords(s))
      return undefined
    }

    if (n.type === 'Identifier') {
      const v = this.names.get(n.name)
      return own(v ? SUBCOMMANDS.get(v) : undefined)
    }

    if (n.type === 'NewExpression') return this.added.has(n) ? added(n) : own(this.commands.get(n))
    for (let depth = 0; depth < 64 && n.type === 'CallExpression'; depth++) {
      const c = unwrap(n.callee)
      if (c.type !== 'MemberExpression') return undefined
      const root = unwrap(c.object as N)
      if (root.type === 'NewExpression' && this.added.has(root)) return added(root)
      if (root.type === 'NewExpression' && this.commands.has(root)) return own(this.commands.get(root))
      if (root.type === 'Identifier' && !c.computed && keyName(c.property as N) !== 'command') {
        const v = this.names.get(root.name)
        const sub = v ? SUBCOMMANDS.get(v) : undefined
        if (sub) return own(sub)
      }

      if (!c.computed && keyName(c.property as N) === 'command') {
        const command = this.declareCommand(n, c)
        if (!command) return undefined
        if (method !== 'action') {
          for (const a of node.arguments) for (const s of this.commandSpecs(a).specs) if (leadingWords(s).length > 0) command.names.push(leadingWords(s))
          return undefined
        }

        return {command, guarded: () => true}
      }

      n = unwrap(c.object)
    }

    return undefined
  }

  /** An app function named as a command's action, or called with no arguments (its body read where it is written): noted for cliHandlers. */
  private noteHandler(v: EvalValue | undefined, guard?: JsGuard): void {
    const sites = v?.kind === 'known' && typeof v.value === 'object' && v.value !== null ? FUNCTION_SITES.get(v.value) : undefined
    if (!sites) return
    const g = guard ?? this.guards.findLast((x) => x.kind === 'command')
    this.cliHandlers.push(g ? {guard: g, sites} : {sites})
  }

  private callOf(node: N & {type: 'CallExpression' | 'NewExpression'}): EvalValue {
    const isNew = node.type === 'NewExpression'
    const calleeNode = unwrap(node.callee)
    const argv = !isNew && calleeNode.type === 'MemberExpression' && !calleeNode.computed ? this.argvCall(node, calleeNode) : !isNew ? this.argvParse(node as N & {arguments: N[]}, calleeNode) : undefined
    if (argv) return argv
    // `new PrismaClient().$extends({…})` (Prisma client extensions): the client is made first and the extended one shares
    // its engine and pool. Only `$extends`: another method on a new instance (`new DataSource(o).initialize()` in a
    // TypeORM dataSourceFactory) may be the pool a framework already counts.
    const made = calleeNode.type === 'MemberExpression' && unwrap(calleeNode.object).type === 'NewExpression' && this.t(calleeNode.property as N) === '$extends' ? unwrap(calleeNode.object) : undefined
    if (made) this.expr(made)
    // A listener chained on what another call makes: `new Pool(o).on('error', …)`, `knex(o).on('query', …)` (an
    // EventEmitter's on() returns the emitter itself: https://nodejs.org/api/events.html#emitteronEventname-listener):
    // the inner call runs first, and is read.
    const method = !isNew && calleeNode.type === 'MemberExpression' && !calleeNode.computed && calleeNode.property.type === 'Identifier' ? calleeNode.property.name : undefined
    const inner = method !== undefined && CHAINED.test(method) && calleeNode.type === 'MemberExpression' ? unwrap(calleeNode.object) : undefined
    if (inner && (inner.type === 'CallExpression' || inner.type === 'NewExpression')) {
      const first = this.expr(inner)
      if (LISTENERS.test(method!)) {
        for (const a of node.arguments) this.expr(a.type === 'SpreadElement' ? a.argument : a)
        return first
      }
    }
    // `pgp()(cn)`, `makeClient(opts)(x)`: the function called is what the inner call returns. JavaScript evaluates the
    // callee before the arguments (https://tc39.es/ecma262/#sec-function-calls-runtime-semantics-evaluation), so the inner
    // call runs first and is read; its value is the outer call's `instance`. (`require('knex')(cfg)` names the package.)
    const produced = !isNew && calleeNode.type === 'CallExpression' && this.requireOf(calleeNode) === undefined ? this.expr(calleeNode) : undefined
    let spread = false
    const args: EvalValue[] = []
    // Boolean(x) reads x as a condition: `Boolean(databaseUrl && useDb)` is false when useDb is, whatever databaseUrl is.
    const toBoolean = !isNew && calleeNode.type === 'Identifier' && calleeNode.name === 'Boolean'
    // A command-line program's command (cliAt): what its action or handler does runs only when the process names it.
    const cli = method !== undefined && calleeNode.type === 'MemberExpression' ? this.cliAt(node as N & {arguments: N[]}, calleeNode, method) : undefined
    // `new Promise((resolve) => { … })`: the code in it is awaited (a child process started there is waited for: childScript).
    const promise = isNew && calleeNode.type === 'Identifier' && calleeNode.name === 'Promise'
    if (promise) this.promiseDepth++
    for (const [i, a] of node.arguments.entries()) {
      const guard: JsGuard | undefined = cli?.guarded(i) ? {arm: 'then', command: cli.command, file: this.file, id: ++guardIds, kind: 'command', line: cli.command.line, test: cli.command.text} : undefined
      if (guard) this.guards.push(guard)
      try {
        if (a.type === 'SpreadElement') {
          this.expr(a.argument)
          spread = true
        } else {
          args.push(toBoolean ? this.condition(a) : this.expr(a))
          if (guard && a.type !== 'ArrowFunctionExpression' && a.type !== 'FunctionExpression') this.noteHandler(args.at(-1), guard)
          // yargs' command module: `{command, handler}` made in another module, its handler named here.
          const handler = guard && method === 'command' && a.type !== 'ObjectExpression' && isDict(args.at(-1)) ? entry(args.at(-1), 'handler') : undefined
          if (guard && handler) this.noteHandler(handler, guard)
        }
      } finally {
        if (guard) this.guards.pop()
      }
    }

    if (promise) this.promiseDepth--
    if (method === 'addCommand' && calleeNode.type === 'MemberExpression') this.attachCommand(node as N & {arguments: N[]}, calleeNode, args[0])
    const callee = this.dotted(calleeNode) ?? this.t(calleeNode)
    if (callee === 'require') {
      const spec = requireSpec(node.arguments[0] as N | undefined)
      if (spec !== undefined) this.imports.push(spec)
      const mod = spec === undefined ? undefined : this.opts.imported?.(spec)
      const cycle = mod || spec === undefined ? undefined : this.opts.cyclic?.(spec)
      if (cycle) return this.unknown(node, cycle)
      return mod ? requiredValue(mod) : this.known(node, {args, callee: 'require', kind: 'call', kwargs: {}})
    }

    const frame = this.frames.at(-1)
    if (callee === 'super' && frame?.def.base) {
      // `super(…)` of a class whose base is the app's own: the base's part of the same instance.
      frame.def.base.ev.construct(frame.def.base, args, frame.instance, this.capture ?? this.calls, this.guards, this.functionDepth > 0)
      return this.unknown(node, 'a constructor call')
    }

    if (callee === 'super' && this.superclasses.length > 0) {
      this.record({args, callee: this.superclasses.at(-1)!, isNew: true, line: this.line(node)})
      return this.unknown(node, 'a constructor call')
    }

    // Calls on a function's result (`require('knex')(cfg)`, `app.use(...)`) and IIFEs: the function's body was read where it is written.
    if (calleeNode.type === 'ArrowFunctionExpression' || calleeNode.type === 'FunctionExpression') return returnedBy(this.fn(calleeNode, true)) ?? this.unknown(node)
    const object = calleeNode.type === 'MemberExpression' ? unwrap(calleeNode.object) : undefined
    const receiver = object?.type === 'Identifier' ? this.names.get(object.name) : undefined
    const held = calleeNode.type === 'Identifier' && !this.aliases.has(calleeNode.name) ? this.names.get(calleeNode.name) : undefined
    // `knex(table)` where `knex` is the function's parameter (`seed = async (knex: Knex) => …`): what the caller passes, not the package.
    const fromCall = isCall(produced) && produced.value.callee !== 'require' && produced.value.callee !== FUNCTION ? produced : undefined
    const instance = (isCall(held) && held.value.callee !== 'require' && held.value.callee !== FUNCTION) || (held !== undefined && fromParameter(held)) ? held : fromCall
    const found = childScript(callee, node.arguments as N[], args, (name) => this.lists.get(name))
    const script = found && this.promiseDepth > 0 ? {...found, waited: true} : found
    const call: JsCall = {args, callee, isNew, line: this.line(node), start: node.start, ...(receiver ? {receiver} : {}), ...(instance ? {instance} : {}), ...(script ? {script} : {})}
    if (!spread && !this.topDone && this.functionDepth > 0 && !this.capture && (node.arguments as N[]).some((a) => this.readsBelow(a))) this.postpone(node, call)
    else this.record(call)
    // `fastify.register(plugin, opts)`: Fastify calls the plugin with opts (https://fastify.dev/docs/latest/Reference/Plugins/);
    // a plugin that is a package (`import fastifyPostgres from '@fastify/postgres'`) is recorded as that package called with opts.
    const plugin = !isNew && /(^|\.)register$/.test(callee) && node.arguments[0] ? unwrap(node.arguments[0] as N) : undefined
    const pluginName = plugin ? (this.requireOf(plugin) ?? (plugin.type === 'Identifier' && !this.names.has(plugin.name) ? this.aliases.get(plugin.name) : undefined)) : undefined
    if (pluginName !== undefined && !pluginName.startsWith('.')) this.record({args: args.slice(1), callee: pluginName, isNew: false, line: this.line(node)})
    if (spread) return this.unknown(node, `\`${callee}(…)\` is called with spread arguments`)
    if (IDENTITY.test(callee) && args.length === 1) return args[0]
    if (RETURNS_OBJECT.test(callee) && args.length >= 1) return args[0]
    if (callee === 'Object.assign' && args.length > 0) return this.objectAssign(node, args)
    // TypeORM's `await getConnectionOptions(name?)`: the options of the app's ormconfig, which pools.ts reads (typeormConfig);
    // here a dict holding only the connection's name, under a key no JS object can have, for spreads and Object.assign to carry.
    if (!isNew && TYPEORM_GET_OPTIONS.test(callee)) return this.known(node, {entries: new Map([[TYPEORM_ORMCONFIG, args[0] ?? this.known(node, 'default')]]), kind: 'dict'})
    if (ENVALID_CLEAN.test(callee) && isDict(args[1])) return this.envalid(node, args[1])
    if (ENVSAFE.test(callee) && isDict(args[0])) return this.envalid(node, args[0], 'envsafe')
    if (T3_ENV.test(callee) && isDict(args[0]) && node.arguments[0]?.type === 'ObjectExpression') return this.t3Env(node, node.arguments[0] as N & {type: 'ObjectExpression'}, args[0])
    if (method !== undefined && /^(safe)?[pP]arse(Async)?$/.test(method) && calleeNode.type === 'MemberExpression' && isDict(args[0]) && ENV_OBJECTS.has(args[0].value)) {
      const parsed = this.zodParse(node, unwrap(calleeNode.object), method.toLowerCase().startsWith('safe'))
      if (parsed) return parsed
    }
    // Joi.attempt(value, schema) returns the value once it validates (https://joi.dev/api/#attemptvalue-schema-message-options);
    // its conversions (a numeric string to a number) are the ones conncalc's own reads make.
    if (/^joi(\.default)?\.attempt$/.test(callee) && args.length >= 2) return args[0]
    if (/^convict(\.default)?$/.test(callee) && isDict(args[0])) return this.convict(node, args[0])
    const loaded = calleeNode.type === 'MemberExpression' && !calleeNode.computed && calleeNode.property.type === 'Identifier' && /^load(File)?$/.test(calleeNode.property.name) ? this.ownValue(unwrap(calleeNode.object)) : undefined
    if (isDict(loaded) && CONVICT.has(loaded.value)) CONVICT.get(loaded.value)!.loads.push(`${this.file}:${this.line(node)}`)
    // The app's own function (`getConfig()`, `db.makePool(cfg)`): with arguments, its body walked with them bound;
    // else what it returns, read once where it is defined.
    // `new Proxy(target, handler)`: reads give the target's values when the handler passes them through (a lazy
    // secret-file fallback, logging); taken as the target.
    if (isNew && callee === 'Proxy' && args[0] && !spread) return args[0]
    const own = this.ownFunction(calleeNode)
    // An app function called with no arguments: its body, read where it is written, runs from here (cliHandlers).
    if (!isNew && own && args.length === 0 && !spread) this.noteHandler(own)
    if (!spread && this.defer(calleeNode, own, args, node, isNew)) return this.unknown(node, `\`${callee}()\` is defined below the function that calls it: followed once the module is read`)
    const cls = isNew && isDict(own) ? CLASSES.get(own.value) : undefined
    if (cls && !spread) {
      const made = this.instantiate(cls, args, node)
      if (made) return made
    }

    if (!isNew && own && returnedBy(own) !== own) {
      const bound = this.invoke(own, args, node)
      if (bound) return bound
      return returnedBy(own) ?? this.unknown(node, `\`${callee}()\` returns nothing conncalc can read`)
    }
    const nodeConfig = this.nodeConfigGet(calleeNode, args)
    if (nodeConfig) return nodeConfig
    if (callee === '@nestjs/config.registerAs' && asString(args[0]) !== undefined) {
      const made = returnedBy(args[1])
      const nest = this.run().nestConfig
      if (made && nest) {
        this.run().trace.nest = true
        nest.set(asString(args[0])!, made)
      }
      // registerAs returns the factory itself (with a KEY added): `databaseConfig()` is the namespace's object.
      if (args[1]) {
        if (args[1].kind === 'known' && typeof args[1].value === 'object' && args[1].value !== null) REGISTERED_AS.add(args[1].value)
        return args[1]
      }
    }

    const includes = this.includes(node, calleeNode, args)
    if (includes) return includes

    const nest = this.nestConfigGet(node, callee, args)
    if (nest) return nest
    const helper = callee.startsWith(ENV_HELPER) ? /^(?:\.(int|float|bool|json|array))?$/.exec(callee.slice(ENV_HELPER.length)) : null
    if (helper) return this.envHelper(node, helper[1] ?? 'string', args)
    if (ADONIS_ENV.test(callee)) return this.envHelper(node, 'string', args)
    const first = args[0]
    if (URL_PARSERS.test(callee) && (callee === 'URL') === isNew && first) {
      const parts = this.urlParts(node, callee, first)
      if (parts) return parts
    }

    if (callee === 'Number' || callee === 'parseInt' || callee === 'Number.parseInt') {
      if (first?.kind !== 'known') return first ?? this.unknown(node)
      if (typeof first.value === 'number') return this.known(node, Math.trunc(first.value), first)
      if (typeof first.value === 'string') {
        const n = callee === 'Number' ? (first.value.trim() === '' ? 0 : Number(first.value)) : Number.parseInt(first.value, 10)
        return Number.isNaN(n) ? this.unknown(node, `${callee}(${JSON.stringify(first.value)}) is NaN`, first) : this.known(node, n, first)
      }

      // Number(undefined) is NaN: falsy, so `Number(process.env.X) || 4` is 4; alone it stays an unset variable.
      if (first.value === null && first.missingEnv) return first
      return this.unknown(node, undefined, first)
    }

    // `Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback` (an env helper): the test of a known scalar.
    if (/^(Number\.isFinite|Number\.isInteger|Number\.isNaN|isNaN|isFinite)$/.test(callee) && !isNew && first?.kind === 'known' && (typeof first.value !== 'object' || first.value === null)) {
      const x = first.value
      const got = callee === 'Number.isFinite' ? Number.isFinite(x) : callee === 'Number.isInteger' ? Number.isInteger(x) : callee === 'Number.isNaN' ? Number.isNaN(x) : callee === 'isNaN' ? Number.isNaN(Number(x)) : Number.isFinite(Number(x))
      return this.known(node, got, first)
    }

    // `url.split('://')[0]`: a known string's parts; DATABASE_URL's stand-in (its value not given) has none conncalc knows.
    const splits = method === 'split' && calleeNode.type === 'MemberExpression' ? unwrap(calleeNode.object) : undefined
    // Only a name, a property of one or a literal is read again here: nothing it evaluates makes a call.
    if (splits && /^(Identifier|MemberExpression|Literal)$/.test(splits.type) && !this.t(splits).includes('(') && typeof asString(first) === 'string' && args.length === 1) {
      const target = this.expr(splits)
      if (target.kind === 'known' && typeof target.value === 'string') {
        if (target.via.includes(DATABASE_URL_ASSUMED)) return this.unknown(node, `\`${this.t(node).slice(0, 40)}\` splits DATABASE_URL, whose value is not given here (give it with --env)`)
        return this.known(node, {items: target.value.split(asString(first)!).map((part) => this.known(node, part, target)), kind: 'list'}, target, first)
      }
    }

    // `String(process.env.DB_HOST ?? 'localhost')`: a known scalar's text; an unset variable stays said as unset.
    if (callee === 'String' && !isNew && first?.kind === 'known' && (typeof first.value === 'string' || typeof first.value === 'number' || typeof first.value === 'boolean')) return typeof first.value === 'string' ? first : this.known(node, String(first.value), first)
    // `Boolean(url && useDb)`: a scalar's truthiness (an unset variable's null is false, and stays said as unset).
    if (callee === 'Boolean' && !isNew && first?.kind === 'known' && (typeof first.value !== 'object' || first.value === null)) return this.known(node, first.value !== null && first.value !== undefined && truthy(first.value), first)
    if (/(^|\.)availableParallelism$/.test(callee) && /^(node:)?os\b/.test(callee)) return this.cpus(node)
    if (/^Math\.(floor|ceil|round|trunc)$/.test(callee) && first?.kind === 'known' && typeof first.value === 'number') return this.known(node, Math[callee.slice(5) as 'floor'](first.value), first)
    if (callee === 'Math.max' || callee === 'Math.min') {
      const ns = args.map((a) => (a.kind === 'known' && typeof a.value === 'number' ? a.value : undefined))
      if (ns.length > 0 && ns.every((n) => n !== undefined)) return this.known(node, callee === 'Math.max' ? maxOf(ns as number[]) : minOf(ns as number[]), ...args)
    }

    const value = this.known(node, {args, callee, kind: 'call', kwargs: {}})
    SCHEMA_NODES.set(value.value as object, node)
    return value
  }
}

/** A condition's value that decides a branch: a known scalar (objects and calls are not evaluated). */
const decidable = (c: EvalValue): c is KnownValue => c.kind === 'known' && (typeof c.value !== 'object' || c.value === null)

/**
 * The module a require() names: a string literal, or a path built from `__dirname` as
 * sequelize-cli's models/index.js writes it (`require(__dirname + '/../config/config.json')`,
 * `path.join(__dirname, '..', 'config', 'config.json')`), as a relative specifier.
 */
function requireSpec(arg: N | undefined): string | undefined {
  if (!arg) return undefined
  const a = unwrap(arg)
  if (a.type === 'Literal' && typeof a.value === 'string') return a.value
  const isDirname = (n: N): boolean => n.type === 'Identifier' && n.name === '__dirname'
  const str = (n: N): string | undefined => (n.type === 'Literal' && typeof n.value === 'string' ? n.value : n.type === 'TemplateLiteral' && n.expressions.length === 0 ? (n.quasis[0]?.value.cooked ?? undefined) : undefined)
  if (a.type === 'BinaryExpression' && a.operator === '+' && isDirname(a.left as N)) {
    const rest = str(a.right)
    return rest === undefined ? undefined : `./${rest}`.replaceAll(/\/+/g, '/')
  }

  // path.join(…), `join(…)` imported from 'path' (`import {join} from 'path'`), and TypeScript's CommonJS output of it,
  // `(0, path_1.join)(…)`: the first argument __dirname makes it the path module's (a join of the module's own folder).
  const callee = a.type === 'CallExpression' ? (a.callee.type === 'SequenceExpression' ? (a.callee.expressions.at(-1) as N) : (a.callee as N)) : undefined
  const fn = callee?.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' ? callee.property.name : callee?.type === 'Identifier' ? callee.name : undefined
  if (a.type === 'CallExpression' && fn !== undefined && /^(join|resolve)$/.test(fn)) {
    const [first, ...rest] = a.arguments as N[]
    if (!first || !isDirname(first)) return undefined
    const parts = rest.map((r) => str(r))
    // path.join(__dirname, '/../config/config.json') is <dir>/../config/config.json: join concatenates every segment
    // (https://nodejs.org/api/path.html#pathjoinpaths); only path.resolve starts again at an absolute one.
    const resolve = fn === 'resolve'
    if (parts.some((p) => p === undefined || (resolve && p.startsWith('/')))) return undefined
    return ['.', ...(parts as string[])].join('/').replaceAll(/\/+/g, '/')
  }

  return undefined
}

/**
 * The file a call starts as a child Node process: `fork(modulePath)` (node:child_process: "spawns a new Node.js process",
 * https://nodejs.org/api/child_process.html#child_processforkmodulepath-args-options), execa's execaNode, or `spawn`
 * (and cross-spawn's) of `node` or `process.execPath` with the file first among the arguments. A literal path is
 * resolved from the process's working directory, `path.resolve(__dirname, …)`/`path.join(__dirname, …)` from the module's folder.
 */
function childScript(callee: string, argNodes: N[], args: EvalValue[], listOf: (name: string) => N | undefined): JsCall['script'] | undefined {
  // Not the forms that wait for the child to exit (spawnSync, execFile's callback, `await execa(…)`): a one-shot run, not a process beside.
  const how = /^(?:node:)?child_process(?:\.default)?\.(fork|spawn)$|^(cross-spawn)(?:\.default|\.spawn)?$|^(execa)\.execaNode$/.exec(callee)
  if (!how) return undefined
  const fork = how[1] === 'fork' || callee.endsWith('execaNode')
  let target: N | undefined
  if (fork) target = argNodes[0]
  else {
    const program = unwrap(argNodes[0] ?? {type: 'Null'})
    const value = args[0]
    const isNode = (value?.kind === 'known' && typeof value.value === 'string' && /^(?:.*\/)?(?:node|nodejs)$/.test(value.value)) || (program.type === 'MemberExpression' && !program.computed && program.object.type === 'Identifier' && program.object.name === 'process' && program.property.type === 'Identifier' && program.property.name === 'execPath')
    if (!isNode) return undefined
    const named = argNodes[1] ? unwrap(argNodes[1]) : undefined
    const list = named?.type === 'Identifier' ? listOf(named.name) : named
    if (list?.type !== 'ArrayExpression') return {unread: 'its arguments are not a list conncalc reads'}
    // The first argument that is not an option (`node --max-old-space-size=400 worker.js`).
    target = (list.elements as (N | null)[]).find((e): e is N => e !== null && !(e.type === 'Literal' && typeof e.value === 'string' && e.value.startsWith('-')))
  }

  if (!target) return {unread: 'it names no file'}
  const t = unwrap(target)
  // `fork(__filename)`: the module runs itself again (a hand-made cluster), left to the process count.
  if (t.type === 'Identifier' && t.name === '__filename') return undefined
  const literal = t.type === 'Literal' && typeof t.value === 'string' ? t.value : t.type === 'TemplateLiteral' && t.expressions.length === 0 ? (t.quasis[0]?.value.cooked ?? undefined) : undefined
  if (literal !== undefined) return {from: 'cwd', path: literal}
  const spec = requireSpec(t)
  return spec === undefined ? {unread: 'its file is not a literal or a path built from __dirname'} : {from: 'module', path: spec}
}

/** The names a binding pattern declares (`a`, `{a, b: c}`, `[a, ...rest]`). */
function boundNames(pattern: N): string[] {
  switch (pattern.type) {
    case 'Identifier': {
      return [pattern.name]
    }

    case 'ObjectPattern': {
      return pattern.properties.flatMap((p) => boundNames(p.type === 'RestElement' ? p : p.value))
    }

    case 'ArrayPattern': {
      return pattern.elements.flatMap((e) => (e ? boundNames(e) : []))
    }

    case 'AssignmentPattern': {
      return boundNames(pattern.left)
    }

    case 'RestElement': {
      return boundNames(pattern.argument)
    }

    default: {
      return []
    }
  }
}

/** Packages that load every module of a folder: require-all (`{dirname, recursive}`, recursive by default), require-directory (recursive by default), require-dir (one level unless `{recurse: true}`). */
const FOLDER_LOADERS: Record<string, boolean> = {'require-all': true, 'require-dir': false, 'require-directory': true}
/** Fastify plugins that load a folder's modules: `fastify.register(AutoLoad, {dir: path.join(__dirname, 'plugins')})`, every level (maxDepth unset). https://github.com/fastify/fastify-autoload#global-configuration */
const REGISTERED_LOADERS = new Set(['@fastify/autoload', 'fastify-autoload'])

/** A folder named from `__dirname` (`__dirname`, `path.join(__dirname, 'routes')`, `__dirname + '/models'`), or a relative literal when `literal`, as a path from the file's folder. */
function folderSpec(arg: N | undefined, literal: boolean): string | undefined {
  if (!arg) return undefined
  const a = unwrap(arg)
  if (a.type === 'Identifier' && a.name === '__dirname') return '.'
  if (a.type === 'Literal') return literal && typeof a.value === 'string' && a.value.startsWith('.') ? a.value : undefined
  return requireSpec(a)
}

/**
 * Folders a module loads every file of at run time, which no import names: sequelize-cli's
 * models/index.js and route loaders (`fs.readdirSync(path.join(__dirname, 'routes'))` then a
 * require of each), `requireAll({dirname: path.join(__dirname, 'routes')})`,
 * `requireDirectory(module, './routes')`, `requireDir('./models')`. The folder must be named from
 * `__dirname` or, for those packages, a relative literal; one held in a variable is not followed.
 */
function folderLoads(program: Program, text: string, file: string): Folder[] {
  if (!/readdir|require-all|require-dir|autoload/.test(text)) return []
  const loaders = new Map<string, boolean>()
  const plugins = new Set<string>()
  const calls: Extract<N, {type: 'CallExpression'}>[] = []
  const stack: N[] = [program]
  const loaderOf = (n: N): boolean | undefined => {
    const u = unwrap(n)
    if (u.type !== 'CallExpression' || u.callee.type !== 'Identifier' || u.callee.name !== 'require') return undefined
    const spec = requireSpec(u.arguments[0] as N | undefined)
    return spec === undefined ? undefined : FOLDER_LOADERS[spec]
  }

  while (stack.length > 0) {
    const n = stack.pop()!
    if (n.type === 'CallExpression') calls.push(n)
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.init && loaderOf(n.init) !== undefined) loaders.set(n.id.name, loaderOf(n.init)!)
    if (n.type === 'ImportDeclaration' && Object.hasOwn(FOLDER_LOADERS, n.source.value)) {
      for (const sp of n.specifiers) if (sp.type !== 'ImportSpecifier') loaders.set(sp.local.name, FOLDER_LOADERS[n.source.value])
    }

    if (n.type === 'ImportDeclaration' && REGISTERED_LOADERS.has(n.source.value)) for (const sp of n.specifiers) if (sp.type !== 'ImportSpecifier') plugins.add(sp.local.name)
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.init) {
      const u = unwrap(n.init)
      if (u.type === 'CallExpression' && u.callee.type === 'Identifier' && u.callee.name === 'require' && REGISTERED_LOADERS.has(requireSpec(u.arguments[0] as N | undefined) ?? '')) plugins.add(n.id.name)
    }

    append(stack, children(n))
  }

  const out: Folder[] = []
  const lineOf = (n: N): number => text.slice(0, n.start).split('\n').length
  for (const c of calls) {
    const callee = unwrap(c.callee as N)
    const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' ? callee.property.name : undefined
    const first = c.arguments[0] ? unwrap(c.arguments[0] as N) : undefined
    const registered = name === 'register' && first !== undefined && ((first.type === 'Identifier' && plugins.has(first.name)) || (first.type === 'CallExpression' && first.callee.type === 'Identifier' && first.callee.name === 'require' && REGISTERED_LOADERS.has(requireSpec(first.arguments[0] as N | undefined) ?? '')))
    const pkg = registered ? true : callee.type === 'Identifier' && loaders.has(callee.name) ? loaders.get(callee.name) : loaderOf(callee)
    if (pkg === undefined && name !== 'readdirSync' && name !== 'readdir') continue
    for (const arg of (registered ? c.arguments.slice(1) : c.arguments) as N[]) {
      const a = unwrap(arg)
      let deep = pkg ?? false
      let values: N[] = [a]
      if (a.type === 'ObjectExpression') {
        values = []
        for (const p of a.properties) {
          if (p.type !== 'Property') continue
          const key = keyName(p.key as N, p.computed)
          if (key === 'dirname' || key === 'dir') values.push(p.value as N)
          if ((key === 'recursive' || key === 'recurse') && p.value.type === 'Literal' && typeof p.value.value === 'boolean') deep = p.value.value
        }
      }

      for (const v of values) {
        const path = folderSpec(v, pkg !== undefined)
        if (path !== undefined) out.push({at: `${file}:${lineOf(c as N)}`, deep, path})
      }
    }
  }

  return out
}

/**
 * `ConfigModule.forRoot({load: [configuration, databaseConfig]})` (ConfigModule imported from @nestjs/config): each factory
 * named by an identifier the file imports, as the module and export it comes from. The project loads those modules first,
 * so the config they return is known to every ConfigService.get in the modules loaded after (NestJS builds the config
 * before any provider's factory runs).
 */
function nestLoads(program: Program, text: string, file: string): NestLoad[] {
  if (!text.includes('@nestjs/config') || !text.includes('load')) return []
  const imported = new Map<string, {name: string; spec: string}>()
  const modules = new Set<string>()
  for (const st of program.body) {
    if (st.type !== 'ImportDeclaration') continue
    for (const sp of st.specifiers) {
      const name = sp.type === 'ImportDefaultSpecifier' ? 'default' : sp.type === 'ImportSpecifier' ? keyName(sp.imported as N) : undefined
      if (name) imported.set(sp.local.name, {name, spec: st.source.value})
      if (st.source.value === '@nestjs/config' && name === 'ConfigModule') modules.add(sp.local.name)
    }
  }

  if (modules.size === 0) return []
  const out: NestLoad[] = []
  const stack: N[] = [program]
  while (stack.length > 0) {
    const n = stack.pop()!
    append(stack, children(n))
    if (n.type !== 'CallExpression') continue
    const callee = unwrap(n.callee as N)
    if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier' || callee.property.name !== 'forRoot') continue
    const object = unwrap(callee.object as N)
    const options = n.arguments[0] ? unwrap(n.arguments[0] as N) : undefined
    if (object.type !== 'Identifier' || !modules.has(object.name) || options?.type !== 'ObjectExpression') continue
    for (const p of options.properties) {
      if (p.type !== 'Property' || keyName(p.key as N, p.computed) !== 'load') continue
      const list = unwrap(p.value as N)
      if (list.type !== 'ArrayExpression') continue
      for (const el of list.elements) {
        const id = el ? unwrap(el as N) : undefined
        const from = id?.type === 'Identifier' ? imported.get(id.name) : undefined
        if (from) out.push({at: `${file}:${text.slice(0, n.start).split('\n').length}`, ...from})
      }
    }
  }

  return out
}

let loading: Promise<typeof import('oxc-parser')> | undefined
/** oxc-parser once parseJs has loaded it, for readers that run after the parse (valueReferenceLines). */
let loaded: typeof import('oxc-parser') | undefined

/** How oxc reads a file of this name: TS or JS (JSX allowed in .js, as bundlers do), ES module or CommonJS. */
function optionsFor(file: string): ParserOptions {
  if (/\.d\.[cm]?ts$/.test(file)) return {lang: 'dts', sourceType: 'module'}
  const ext = /\.([cm]?[jt]sx?|json)$/.exec(file)?.[1] ?? 'js'
  const lang = ext === 'tsx' ? 'tsx' : ext.endsWith('ts') ? 'ts' : 'jsx'
  const sourceType = ext.startsWith('c') ? 'commonjs' : ext.startsWith('m') ? 'module' : 'unambiguous'
  return {lang, sourceType}
}

/** The literal specifiers of a file's `import()` expressions (oxc's module record). */
function dynamicSpecs(result: ParseResult, text: string): string[] {
  const out: string[] = []
  for (const d of result.module.dynamicImports) {
    const m = /^\s*(['"`])([^'"`$]*)\1\s*$/.exec(text.slice(d.moduleRequest.start, d.moduleRequest.end))
    if (m) out.push(m[2])
  }

  return out
}

/**
 * The `import()` specifiers a module may still load: those written somewhere a known value does not keep from running
 * (`switch (process.env.SERVER) { case 'EXPRESS': await import('./express.js'); break; case 'HAPI': await import('./hapi.js') }`
 * with SERVER=EXPRESS loads only the first). A specifier written in code that runs too, or in a function, is kept.
 */
function liveLazy(lazy: string[], program: N, text: string, dead: readonly N[]): string[] {
  const spec = (n: N): string | undefined => {
    const src = (n as N & {source: N}).source
    return /^\s*(['"`])([^'"`$]*)\1\s*$/.exec(text.slice(src.start, src.end))?.[2]
  }
  const deadStarts = new Set(dead.map((n) => n.start))
  const live = new Set<string>()
  const stack: N[] = [program]
  while (stack.length > 0) {
    const n = stack.pop()!
    if (n.type === 'ImportExpression' && !deadStarts.has(n.start)) {
      const s = spec(n)
      if (s !== undefined) live.add(s)
    }
    append(stack, children(n))
  }

  const gone = new Set(dead.map(spec).filter((s) => s !== undefined && !live.has(s)))
  return lazy.filter((s) => !gone.has(s))
}

/** How many require() and import() calls name their module by something other than a literal (loaded by a path built at run time). */
function computedLoads(result: ParseResult, text: string): number {
  let n = result.module.dynamicImports.length - dynamicSpecs(result, text).length
  if (!text.includes('require')) return n
  const stack: N[] = [result.program]
  while (stack.length > 0) {
    const c = stack.pop()!
    if (c.type === 'CallExpression' && c.callee.type === 'Identifier' && c.callee.name === 'require' && requireSpec(c.arguments[0] as N | undefined) === undefined) n++
    append(stack, children(c))
  }

  return n
}

/** An import declaration a TypeScript compiler removes: `always` for `import type`, else only where unused imports are (elidedImports). */
export interface ElidedImport {
  always: boolean
  spec: string
  start: number
}

/** TS nodes that are code at run time (everything else starting with TS is a type, erased). */
const RUNTIME_TS = new Set(['TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TSTypeAssertion', 'TSInstantiationExpression', 'TSEnumDeclaration', 'TSEnumBody', 'TSEnumMember', 'TSModuleDeclaration', 'TSModuleBlock', 'TSExportAssignment', 'TSImportEqualsDeclaration', 'TSExternalModuleReference', 'TSParameterProperty'])

/** A name called (`x(`, `x.y?.z (`) or constructed (`new X`): elidedImports's test of one name, for every name at once. */
const CALLED = /(?<![\w$.])([\w$]+)(?:\??\.[\w$]+)*\s*\(|\bnew\s+([\w$]+)/g

/**
 * The import declarations of a TypeScript file that its compiler removes, so the module they name is not loaded for
 * them: `import type …` (always), and one whose every name is a `type` specifier or is used only in type positions
 * (`typeof prisma`, `let db: PrismaClient`, an interface) or not at all — tsc's default import elision, which esbuild
 * (tsx, tsup), swc and Babel's TypeScript preset follow; a tsconfig that keeps value imports (verbatimModuleSyntax,
 * preserveValueImports, importsNotUsedAsValues) keeps those (JsEvalOptions.keepImports).
 * https://www.typescriptlang.org/tsconfig/#verbatimModuleSyntax, https://esbuild.github.io/content-types/#typescript-caveats
 * A class with decorators counts its members' type annotations as uses: emitDecoratorMetadata writes them as values
 * (NestJS's `constructor(private db: DbService)`). A side-effect import (`import './x'`) is never removed.
 */
function elidedImports(program: Program, text: string): ElidedImport[] {
  const out: ElidedImport[] = []
  const candidates: {locals: string[]; node: N}[] = []
  for (const st of program.body as N[]) {
    if (st.type !== 'ImportDeclaration' || st.specifiers.length === 0) continue
    if (st.importKind === 'type') out.push({always: true, spec: st.source.value, start: st.start})
    else candidates.push({locals: st.specifiers.filter((s) => !(s.type === 'ImportSpecifier' && s.importKind === 'type')).map((s) => s.local.name), node: st})
  }

  if (candidates.length === 0) return out
  // Most imports are called somewhere (`x(`, `new X`, `db.users.find(`): a call can only be a value, so those are kept
  // without walking the tree (the walk costs more than the parse). A name so written in a string is kept too, as before;
  // one written only after `//` or `*` on its line (`// seedDb();`, a commented-out call) is left to the walk, which
  // reads identifiers only. The tree is walked only for the others, and only until each is found used.
  const code = text.slice(Math.max(...candidates.map((c) => c.node.end)))
  // Every name so written, in one pass over the code (an identifier of [\w$] only; any other is looked for on its own).
  const called = new Set<string>()
  for (const m of code.matchAll(CALLED)) {
    const name = m[1] ?? m[2]
    if (called.has(name)) continue
    const before = code.slice(code.lastIndexOf('\n', m.index) + 1, m.index)
    if (!before.includes('//') && !/^\s*\*|\/\*/.test(before)) called.add(name)
  }
  const used = new Set<string>()
  for (const c of candidates) {
    for (const l of c.locals) {
      const name = l.replaceAll('$', String.raw`\$`)
      if (/^[\w$]+$/.test(l) ? called.has(l) : new RegExp(String.raw`(?<![\w$.])${name}(?:\??\.[\w$]+)*\s*\(|\bnew\s+${name}(?![\w$])`).test(code)) used.add(l)
    }
  }

  const open = new Set(candidates.flatMap((c) => (c.locals.some((l) => used.has(l)) ? [] : c.locals)))
  if (open.size === 0) return out
  const walk = (n: N, types: boolean): void => {
    if (open.size === 0) return
    if (n.type === 'ImportDeclaration') return
    if ((n as {declare?: boolean}).declare === true) return
    if (!types && n.type.startsWith('TS') && !RUNTIME_TS.has(n.type)) return
    // `export type {X}`, `export {type X}`: types, gone from the output.
    if ((n.type === 'ExportNamedDeclaration' || n.type === 'ExportSpecifier') && n.exportKind === 'type') return
    if (n.type === 'Identifier' || n.type === 'JSXIdentifier') {
      used.add(n.name)
      open.delete(n.name)
    }

    // A class with decorators: emitDecoratorMetadata writes its members' types as values; read them too.
    const withTypes = types || ((n.type === 'ClassDeclaration' || n.type === 'ClassExpression') && text.slice(n.start, n.end).includes('@'))
    for (const key in n) {
      if (!withTypes && TYPE_KEYS.has(key)) continue
      if (key === 'parent') continue
      // `a.prisma`, `{prisma: 1}`, `class {prisma = 1}`: a name written as a property, not a reference.
      if (key === 'property' && n.type === 'MemberExpression' && !n.computed) continue
      if (key === 'key' && (n.type === 'Property' || n.type === 'PropertyDefinition' || n.type === 'MethodDefinition') && !n.computed && !(n.type === 'Property' && n.shorthand)) continue
      const value = (n as unknown as Record<string, unknown>)[key]
      if (Array.isArray(value)) {
        for (const v of value) if (v && typeof v === 'object' && typeof (v as N).type === 'string') walk(v as N, withTypes)
      } else if (value && typeof value === 'object' && typeof (value as N).type === 'string') walk(value as N, withTypes)
    }
  }

  walk(program as unknown as N, false)
  for (const c of candidates) if (!c.locals.some((l) => used.has(l))) out.push({always: false, spec: (c.node as N & {source: {value: string}}).source.value, start: c.node.start})
  return out
}

/**
 * A file parsed again by readers that run after parseJs (it loaded oxc), as parseJs reads it: CommonJS when an
 * unambiguous file without import/export only parses so, TypeScript's grammar for a .js file with type annotations.
 * Undefined when oxc is not loaded yet or the file does not parse.
 */
function reparsed(file: string, text: string): ParseResult | undefined {
  if (!loaded) return undefined
  const oxc = loaded
  const options = optionsFor(file)
  const parse = (o: ParserOptions): ParseResult => {
    const r = oxc.parseSync(file, text, o)
    return r.errors.length > 0 && o.sourceType === 'unambiguous' && !r.module.hasModuleSyntax ? oxc.parseSync(file, text, {...o, sourceType: 'commonjs'}) : r
  }

  let result = parse(options)
  if (result.errors.length > 0 && options.lang === 'jsx') result = parse({...options, lang: 'tsx'})
  return result.errors.some((e) => e.severity === 'Error') ? undefined : result
}

/**
 * The modules a file loads, with what it takes: another's default export (`import D from`, `import {default as D} from`,
 * `export {default} from`): `default`; the whole module object, whose `default` it may read (`import * as ns`, `export *
 * as ns from`, `import()`, `require()`): `whole`; else `named` (`import {x} from`, `export * from`, `import 'x'`). Literal
 * specifiers only. Undefined when oxc is not loaded yet or the file does not parse.
 */
export function moduleLoads(file: string, text: string): {how: 'default' | 'named' | 'whole'; spec: string}[] | undefined {
  const result = reparsed(file, text)
  if (!result) return undefined
  const out: {how: 'default' | 'named' | 'whole'; spec: string}[] = []
  for (const i of result.module.staticImports) {
    if (i.entries.length === 0) out.push({how: 'named', spec: i.moduleRequest.value})
    for (const e of i.entries) {
      if (e.importName.kind === 'Default' || (e.importName.kind === 'Name' && e.importName.name === 'default')) out.push({how: 'default', spec: i.moduleRequest.value})
      else if (e.importName.kind === 'NamespaceObject') out.push({how: 'whole', spec: i.moduleRequest.value})
      else out.push({how: 'named', spec: i.moduleRequest.value})
    }
  }
  for (const x of result.module.staticExports) {
    for (const e of x.entries) {
      if (!e.moduleRequest) continue
      if (e.importName.kind === 'Name' && e.importName.name === 'default') out.push({how: 'default', spec: e.moduleRequest.value})
      else if (e.importName.kind === 'All') out.push({how: 'whole', spec: e.moduleRequest.value})
      else out.push({how: 'named', spec: e.moduleRequest.value})
    }
  }
  for (const spec of [...dynamicSpecs(result, text), ...requireSpecs(result.program as unknown as N)]) out.push({how: 'whole', spec})
  return out
}

/** The literal specifiers of a tree's `require()` calls. */
function requireSpecs(program: N): string[] {
  const specs: string[] = []
  const stack: N[] = [program]
  while (stack.length > 0) {
    const n = stack.pop()!
    if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'require') {
      const spec = requireSpec(n.arguments[0] as N | undefined)
      if (spec !== undefined) specs.push(spec)
    }

    append(stack, children(n))
  }

  return specs
}

type Decorated = {decorators?: unknown[]; params?: Decorated[]; parameter?: Decorated; value?: Decorated}
const hasDecorators = (n: Decorated | null | undefined): boolean => (n?.decorators?.length ?? 0) > 0
/** A class with a decorator on it, a member or a parameter (the tree's, not an `@` in a comment or a string). */
function decoratedClass(n: N & {type: 'ClassDeclaration' | 'ClassExpression'}): boolean {
  if (hasDecorators(n as Decorated)) return true
  return n.body.body.some((m) => {
    const member = m as unknown as Decorated
    return hasDecorators(member) || (member.value?.params ?? []).some((p) => hasDecorators(p) || hasDecorators(p.parameter))
  })
}

/**
 * The lines of `text` where `name` is read as a value: an identifier in an expression, `new`, `extends`, JSX, a
 * decorator, a member of a namespace (`ns.Db`); not a type (`db: Db`, `implements Db`, `Promise<Db>`, `typeof Db` in a
 * type, an interface or a `declare`), an import, a key (`{Db: 1}`) or a comment or string. The walk is elidedImports's (what the compiler
 * keeps); a decorated class's member types count, as emitDecoratorMetadata writes them as values. Undefined when oxc is
 * not loaded yet or the file does not parse: the caller keeps its own reading.
 */
export function valueReferenceLines(file: string, text: string, name: string, foreign?: (spec: string) => boolean): Set<number> | undefined {
  const result = reparsed(file, text)
  if (!result) return undefined
  const lineOf = lineIndex(text)
  const lines = new Set<number>()
  // `foreign`: the local names the file binds to an import or require() of such a specifier (a library's, not the app's):
  // `swaggerUi.setup(…)` with `import swaggerUi from 'swagger-ui-express'` reads the library's `setup`, not the app's.
  const outside = new Set<string>()
  if (foreign) {
    for (const st of (result.program as unknown as {body: N[]}).body) {
      if (st.type === 'ImportDeclaration' && foreign(st.source.value)) for (const sp of st.specifiers) outside.add(sp.local.name)
      if (st.type !== 'VariableDeclaration') continue
      for (const d of st.declarations) {
        const init = d.init ? unwrap(d.init) : undefined
        const spec = init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require' && init.arguments[0]?.type === 'Literal' ? init.arguments[0].value : undefined
        if (typeof spec === 'string' && foreign(spec) && d.id.type === 'Identifier') outside.add(d.id.name)
      }
    }
  }
  const walk = (n: N, types: boolean): void => {
    if (n.type === 'ImportDeclaration') return
    if (outside.size > 0 && n.type === 'MemberExpression' && !n.computed && n.object.type === 'Identifier' && outside.has(n.object.name)) return
    if ((n as {declare?: boolean}).declare === true) return
    if (!types && n.type.startsWith('TS') && !RUNTIME_TS.has(n.type)) return
    if ((n.type === 'ExportNamedDeclaration' || n.type === 'ExportSpecifier') && n.exportKind === 'type') return
    if ((n.type === 'Identifier' || n.type === 'JSXIdentifier') && n.name === name) lines.add(lineOf(n.start))
    const withTypes = types || ((n.type === 'ClassDeclaration' || n.type === 'ClassExpression') && decoratedClass(n))
    for (const key in n) {
      if (!withTypes && TYPE_KEYS.has(key)) continue
      if (key === 'parent') continue
      // `{Db: 1}`, `class {Db = 1}`: a name written as a key. `ns.Db` stays a use: a module's namespace object holds the class.
      if (key === 'key' && (n.type === 'Property' || n.type === 'PropertyDefinition' || n.type === 'MethodDefinition') && !n.computed && !(n.type === 'Property' && n.shorthand)) continue
      const value = (n as unknown as Record<string, unknown>)[key]
      if (Array.isArray(value)) {
        for (const v of value) if (v && typeof v === 'object' && typeof (v as N).type === 'string') walk(v as N, withTypes)
      } else if (value && typeof value === 'object' && typeof (value as N).type === 'string') walk(value as N, withTypes)
    }
  }

  walk(result.program as unknown as N, false)
  return lines
}

/**
 * The app function whose body holds line `line` of the file: the nearest enclosing function with a name of its own
 * (`function seed() {…}`, `const seed = async () => {…}`), passing over callbacks and methods (they exist only once it
 * runs); 'top' when none encloses it (a module's top level). Undefined when the file does not parse.
 */
export function enclosingFunctionAt(file: string, text: string, line: number): 'top' | undefined | {line: number; name: string} {
  const result = reparsed(file, text)
  if (!result) return undefined
  const lineOf = lineIndex(text)
  let found: 'top' | {line: number; name: string} = 'top'
  const walk = (n: N, named?: string): void => {
    if (lineOf(n.start) > line || lineOf(n.end) < line) return
    const fn = n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression'
    const name = n.type === 'FunctionDeclaration' && n.id ? n.id.name : fn ? named : undefined
    if (fn && name !== undefined) found = {line: lineOf(n.start), name}
    // `const seed = async () => {…}`: the declarator names the function it is given.
    const names = n.type === 'VariableDeclarator' && n.id.type === 'Identifier' ? n.id.name : undefined
    for (const key in n) {
      if (key === 'parent' || TYPE_KEYS.has(key)) continue
      const value = (n as unknown as Record<string, unknown>)[key]
      const pass = key === 'init' ? names : undefined
      if (Array.isArray(value)) {
        for (const v of value) if (v && typeof v === 'object' && typeof (v as N).type === 'string') walk(v as N)
      } else if (value && typeof value === 'object' && typeof (value as N).type === 'string') walk(value as N, pass)
    }
  }

  walk(result.program as unknown as N)
  return found
}

/**
 * The modules a parsed file loads, as its compiled code does: the specifiers of the import declarations its compiler
 * removes (elidedImports) are left out, one per declaration (another import or require() of the same module stays).
 */
export function loadedSpecs(parsed: ParsedJs, keepImports = false): string[] {
  const drop = parsed.elided?.filter((e) => e.always || !keepImports)
  if (!drop?.length) return parsed.specs
  const specs = [...parsed.specs]
  for (const e of drop) {
    const i = specs.indexOf(e.spec)
    if (i !== -1) specs.splice(i, 1)
  }

  return specs
}

/** Module specifiers a file loads: import/export … from and import() (from oxc's module record), literal require(). */
function specsOf(result: ParseResult, text: string): string[] {
  const {staticExports, staticImports} = result.module
  const specs = staticImports.map((i) => i.moduleRequest.value)
  for (const e of staticExports) for (const entry of e.entries) if (entry.moduleRequest) specs.push(entry.moduleRequest.value)
  append(specs, dynamicSpecs(result, text))

  if (text.includes('require')) append(specs, requireSpecs(result.program))
  return specs
}

/** Parse a JS/TS file and list what it imports; only a file oxc rejects is a diagnostic and no tree. */
export async function parseJs(file: string, text: string): Promise<ParsedJs> {
  // V8's --liftoff-only once oxc-parser is loaded, for its WebAssembly build (a platform without its native binding),
  // not before: the flag makes Node compile every module it loads after it from source, not take it from its own code
  // cache, and import() loads Node's ES module loader (≈ 25 modules). Set before the import, a plan of the Node fixture
  // (test/fixtures/node-knex-throng) was 318.9 M instructions, set after it 294.8 M (callgrind, main thread). A
  // WebAssembly build compiled as it loads, before the flag, may be recompiled in the background (liftoff.ts).
  loading ??= import('oxc-parser').then((oxc) => {
    liftoffOnly()
    loaded = oxc
    return oxc
  })
  if (bracketDepth(text, 'js') > MAX_NESTING) {
    return {diagnostics: [{code: 'unparsable-config', file, line: 1, message: `${TOO_DEEP} (brackets nested more than ${MAX_NESTING} deep); conncalc reads nothing from this file`, severity: 'warning'}], file, specs: [], text}
  }

  const {parseSync} = await loading
  const options = optionsFor(file)
  let result = parseSync(file, text, options)
  // A .js file without import/export is CommonJS to Node, where a top-level `return` is valid.
  if (result.errors.length > 0 && options.sourceType === 'unambiguous' && !result.module.hasModuleSyntax) {
    const cjs = parseSync(file, text, {...options, sourceType: 'commonjs'})
    if (cjs.errors.length === 0) result = cjs
  }

  // A .js file with type annotations (`function f(x: number)`, `type Props = {…}`: Flow, or TypeScript that Babel's
  // preset strips at build, MoveOn/Spoke's shape) is not JavaScript Node runs but what the build turns into it: read
  // with TypeScript's grammar (JSX too), which takes those annotations, when JavaScript's rejects the file.
  let typed = false
  if (result.errors.length > 0 && options.lang === 'jsx') {
    const asTs = parseSync(file, text, {...options, lang: 'tsx'})
    const retried = asTs.errors.length > 0 && options.sourceType === 'unambiguous' && !asTs.module.hasModuleSyntax ? parseSync(file, text, {lang: 'tsx', sourceType: 'commonjs'}) : asTs
    if (retried.errors.length === 0) {
      result = retried
      typed = true
    }
  }

  const error = result.errors.find((e) => e.severity === 'Error')
  if (error) {
    const at = error.labels[0]?.start ?? 0
    const line = lineIndex(text)(at)
    const ts = options.lang === 'ts' || options.lang === 'tsx'
    return {diagnostics: [{code: 'unparsable-config', file, line, message: `not valid ${ts ? 'TypeScript' : 'JavaScript'} (${error.message}); conncalc reads nothing from this file`, severity: 'warning'}], file, specs: [], text}
  }

  const folders = folderLoads(result.program, text, file)
  const lazy = dynamicSpecs(result, text)
  const loads = nestLoads(result.program, text, file)
  const computed = computedLoads(result, text)
  const elided = typed || options.lang === 'ts' || options.lang === 'tsx' ? elidedImports(result.program, text) : []
  return {diagnostics: [], ...(elided.length > 0 ? {elided} : {}), file, ...(folders.length > 0 ? {folders} : {}), ...(lazy.length > 0 ? {lazy} : {}), ...(computed > 0 ? {computed} : {}), ...(loads.length > 0 ? {nestLoads: loads} : {}), program: result.program, specs: specsOf(result, text), text}
}

export function evaluateParsed(parsed: ParsedJs, options: JsEvalOptions): JsModule {
  const {file, program, text} = parsed
  const none = (diagnostics: Diagnostic[]): JsModule => ({calls: [], diagnostics, exports: new Map(), file, imports: [], names: new Map(), parsed: false})
  if (!program) return none([...parsed.diagnostics])
  const elided = parsed.elided?.filter((e) => e.always || !options.keepImports)
  const opts = elided?.length ? {...options, elided: new Set(elided.map((e) => e.start))} : options
  const ev = new JsEvaluator(file, text, opts)
  const outer = running
  running = {env: opts.env, nestConfig: opts.nestConfig, nproc: opts.nproc, trace: opts.trace ?? new EvalTrace(), view: opts.view ?? new SiteView()}
  try {
    ev.program(program.body)
  } catch (error) {
    if (!isExhaustion(error)) throw error
    return none([{code: 'unparsable-config', file, line: 1, message: `${TOO_DEEP}; conncalc reads nothing from this file`, severity: 'warning'}])
  } finally {
    running = outer
  }

  // A helper the module calls by name (its own, or imported from the app) that only caches what its factory returns.
  const memoizes = (callee: N): boolean => {
    const v = callee.type === 'Identifier' ? ev.names.get(callee.name) : undefined
    const closure = v?.kind === 'known' && typeof v.value === 'object' && v.value !== null ? CLOSURES.get(v.value) : undefined
    return closure !== undefined && memoizingHelper(closure.node)
  }

  const idle = text.includes('PrismaClient') ? idleHolders(program, lineIndex(text), memoizes) : []
  const lazy = parsed.lazy && ev.deadImports.length > 0 ? liveLazy(parsed.lazy, program, text, ev.deadImports) : parsed.lazy
  const sqlOnly = text.includes('createPool') && text.includes('.sql`') ? sqlTagOnlyPools(program, lineIndex(text)) : []
  return {...(sqlOnly.length > 0 ? {sqlTagOnly: sqlOnly} : {}), calls: ev.calls, ...(ev.cjs ? {cjs: ev.cjs} : {}), ...(ev.stopsAt === undefined ? {} : {stopsAt: ev.stopsAt}), diagnostics: ev.loadNotes(), exports: ev.exports, file, ...(idle.length > 0 ? {idle} : {}), ...(parsed.folders?.length ? {folders: parsed.folders} : {}), ...(lazy?.length ? {lazy} : {}), ...(parsed.computed ? {computed: parsed.computed} : {}), imports: ev.imports, names: ev.names, parsed: true, ...(ev.cliHandlers.length > 0 ? {cliHandlers: ev.cliHandlers} : {}), closed: ev.closed}
}

export async function evaluateJs(file: string, text: string, opts: JsEvalOptions): Promise<JsModule> {
  return evaluateParsed(await parseJs(file, text), opts)
}
