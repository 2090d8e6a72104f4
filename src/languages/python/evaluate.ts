/**
 * The safe evaluator for Python configs (DESIGN.md, "Never execute the user's
 * code"): it walks tree-sitter-python's syntax tree and computes what settings modules and
 * server configs use — literals, names assigned earlier, `os.environ.get("X", 2)`,
 * `os.environ["X"]`, `os.getenv`, python-decouple `config()`, django-environ
 * `env.int()`, pydantic BaseSettings fields, `int()`, `multiprocessing.cpu_count()`
 * (the dyno's nproc), arithmetic and decidable conditions. Anything else is an
 * explicit Unknown carrying its line. Nothing is ever run.
 */
import type {PyDict, PyList, PyFunction, PyFunctionSites, PyCallResult, PyClass, PySettingsMeta, PyInstance, PyValue, MissingEnv, KnownValue, UnknownValue, EvalValue, PyArm, PyCall, PyItemAssignment, PyImport, PyModule, PyEvalOptions, Scope} from './values.js'
import {capture, CowScope, fork, ModuleScope, release} from './scope.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import {assumed, fromDefault, type Source, uniqueSources} from '../../model/source.js'

import {dbUrlDict, HEROKU_DATABASE_URL, isDbUrlCall} from './db-url.js'
import {callMethod, pyStr} from './methods.js'
import {addArgument, addGroup, ARGPARSE, newParser, PARSER_METHODS, parseArgs, parserOf, type ParserState, setDefaults} from './argparse.js'
import {parsePython, type PyNode} from './parse.js'
import {isExhaustion, TOO_DEEP} from '../../util/exhaustion.js'
import {bracketDepth, MAX_NESTING} from '../../util/nesting.js'
import {append} from '../../util/arrays.js'
import {joinPath} from '../../util/app-path.js'
import {maxOf, minOf} from '../../util/numbers.js'
import {addSite, current, depth, MAX_CALL_DEPTH, STATEMENT_BUDGET, ON_FUNCTION, PyTrace, record, type PyRun, serially, touch, within} from './shared-eval.js'
import {interpolateDotenv} from './env-files.js'
import {entrySources, type Env, type EnvEntry} from '../../model/env.js'
import type {Sourced} from '../../model/source.js'

/** Values that stand for a function's parameters in its body (defineFunction). */
const PARAMETERS = new WeakSet<EvalValue>()

/**
 * Flask before 1.0 redirects `flask.ext.foo` to the extension's own package `flask_foo` (then `flaskext.foo`):
 * `from flask.ext.sqlalchemy import SQLAlchemy` is flask_sqlalchemy's class
 * (https://github.com/pallets/flask/blob/0.12.5/flask/ext/__init__.py, removed in Flask 1.0).
 */
const flaskExt = (name: string): string => name.replace(/^flask\.ext\.(\w+)/, 'flask_$1')

const isObj = (v: PyValue): v is Exclude<PyValue, boolean | null | number | string> => typeof v === 'object' && v !== null

export const isDict = (v: EvalValue | undefined): v is KnownValue & {value: PyDict} => v?.kind === 'known' && isObj(v.value) && v.value.kind === 'dict'
export const isCall = (v: EvalValue | undefined): v is KnownValue & {value: PyCallResult} => v?.kind === 'known' && isObj(v.value) && v.value.kind === 'call'

export function truthy(v: PyValue): boolean {
  if (v === null || v === false || v === 0 || v === '') return false
  if (isObj(v) && v.kind === 'list') return v.items.length > 0
  if (isObj(v) && v.kind === 'dict') return v.entries.size > 0 || Boolean(v.partial)
  return true
}

/**
 * A condition's truth when Python's is certain: scalars, lists, and dicts whose keys are
 * all known (`if dj_database_url.config():` — a dict with ENGINE — is true). A dict with an
 * unread `**spread` and no keys, a call conncalc did not compute, or an instance (which may
 * define `__bool__`) is undecided.
 */
export function knownTruth(v: PyValue): boolean | undefined {
  if (!isObj(v)) return truthy(v)
  if (v.kind === 'list') return v.items.length > 0
  if (v.kind === 'dict') return v.entries.size > 0 ? true : v.partial ? undefined : false
  if (v.kind === 'function' || v.kind === 'class') return true
  // An instance is true unless its class says otherwise (`__bool__`, `__len__`) or may inherit that from a container.
  if (v.kind === 'instance') return v.cls.attrs.has('__bool__') || v.cls.attrs.has('__len__') || v.cls.bases.some((b) => CONTAINER_BASE.test(b)) ? undefined : true
  return undefined
}

/** Builtin and library bases whose instances may be false (empty): an app class deriving from one is not surely true. */
const CONTAINER_BASE = /(?:^|\.)(?:dict|list|set|frozenset|tuple|str|bytes|bytearray|int|float|complex|bool|range|deque|defaultdict|OrderedDict|Counter|ChainMap|UserDict|UserList|UserString|Mapping|MutableMapping|Sequence|MutableSequence|Set|MutableSet|Sized|Collection|Enum|IntEnum|IntFlag|Flag)$/

/** Python's int(str): optional sign and whitespace, digits with underscores. */
export function strictInteger(s: string): number | undefined {
  const m = /^\s*([+-]?\d+(?:_\d+)*)\s*$/.exec(s)
  return m ? Number.parseInt(m[1].replaceAll('_', ''), 10) : undefined
}

export function asInteger(v: EvalValue | undefined): number | undefined {
  if (!v || v.kind !== 'known') return undefined
  if (typeof v.value === 'number') return Number.isInteger(v.value) ? v.value : undefined
  if (typeof v.value === 'boolean') return v.value ? 1 : 0
  if (typeof v.value === 'string') return strictInteger(v.value)
  return undefined
}

export function asString(v: EvalValue | undefined): string | undefined {
  return v?.kind === 'known' && typeof v.value === 'string' ? v.value : undefined
}

/** A dict entry (string key) of a known dict value. */
export const entry = (v: EvalValue | undefined, key: string): EvalValue | undefined => (isDict(v) ? v.value.entries.get(key) : undefined)

function mergeMissing(...vs: (EvalValue | undefined)[]): MissingEnv[] | undefined {
  const all = vs.flatMap((v) => v?.missingEnv ?? [])
  return all.length > 0 ? all : undefined
}

function mergeVia(...vs: (EvalValue | undefined)[]): Source[] {
  return uniqueSources(vs.flatMap((v) => (v?.kind === 'known' ? [v.via] : [])))
}

/**
 * The names to merge after the branches of an undecidable `if` ran in copies of `scope`: a name
 * every branch left as it was (the same value, by identity) merges to itself, so only the others
 * are looked at. A module that star-imports a large one has thousands of names, and merging
 * each of them at every such `if` was most of the evaluation. A branch that deleted a name
 * (`del x`) merges every name, as before.
 */
function namesChanged(scope: Scope, outcomes: Scope[]): Iterable<string> {
  const changed = new Set<string>()
  // Forks still reading through `scope` (scope.ts): the names each set are all it changed (in-place names first or
  // not, only the order of the names `scope` lacks matters to the merge, and theirs is the order they were set in).
  const written = outcomes.map((s) => (s instanceof CowScope ? s.changedFrom(scope) : undefined))
  if (written.every((w) => w !== undefined)) {
    for (const w of written) for (const k of w!) changed.add(k)
    return changed
  }

  for (const s of outcomes) {
    let kept = 0
    for (const [k, v] of s) {
      if (!scope.has(k)) changed.add(k)
      else {
        kept++
        if (v !== scope.get(k)) changed.add(k)
      }
    }

    if (kept < scope.size) return new Set(outcomes.flatMap((o) => [...o.keys()]))
  }

  return changed
}

function sameValue(a: EvalValue | undefined, b: EvalValue | undefined): boolean {
  if (!a || !b || a.kind !== 'known' || b.kind !== 'known') return a === b
  return !isObj(a.value) && a.value === b.value
}

export const DATABASE_URL_ASSUMED: Source = {
  kind: 'assumed',
  why: 'DATABASE_URL is set by Heroku Postgres on every dyno; its value is not known here (pass --env-file with `heroku config -s`)',
}

interface EnvFileLoader {
  /** Whether it expands `${VAR}` in values (python-dotenv's interpolate=True). */
  interpolates: boolean
  lib: string
  /** The positional index of its override flag. */
  overrideAt: number
  overrideKw: string
  pathKw: string
  ref: string
  /** Where it looks with no path: up from the calling file's folder, or next to it only. */
  search: 'here' | 'up'
}

// python-dotenv main.py load_dotenv(dotenv_path=None, stream=None, verbose=False, override=False, interpolate=True):
// with no path, find_dotenv() walks up from the calling file's folder; set variables are kept unless override.
const PYTHON_DOTENV: EnvFileLoader = {interpolates: true, lib: "python-dotenv's load_dotenv()", overrideAt: 3, overrideKw: 'override', pathKw: 'dotenv_path', ref: 'https://github.com/theskumar/python-dotenv/blob/v1.0.1/src/dotenv/main.py', search: 'up'}
// django-dotenv read_dotenv(dotenv=None, override=False): the .env next to the calling file; os.environ.setdefault.
const DJANGO_DOTENV: EnvFileLoader = {interpolates: false, lib: "django-dotenv's read_dotenv()", overrideAt: 1, overrideKw: 'override', pathKw: 'dotenv', ref: 'https://github.com/jpadilla/django-dotenv/blob/1.4.2/dotenv.py', search: 'here'}
// django-environ Env.read_env(env_file=None, overwrite=False, …): the .env next to the calling file; setdefault unless overwrite.
const DJANGO_ENVIRON: EnvFileLoader = {interpolates: false, lib: "django-environ's Env.read_env()", overrideAt: 1, overrideKw: 'overwrite', pathKw: 'env_file', ref: 'https://github.com/joke2k/django-environ/blob/v0.11.2/environ/environ.py', search: 'here'}
const ENV_FILE_LOADERS = new Map<string, EnvFileLoader>([
  ['dotenv.load_dotenv', PYTHON_DOTENV],
  ['dotenv.main.load_dotenv', PYTHON_DOTENV],
  ['dotenv.read_dotenv', DJANGO_DOTENV],
  ['environ.Env.read_env', DJANGO_ENVIRON],
  ['environ.Env().read_env', DJANGO_ENVIRON],
  ['environ.environ.Env.read_env', DJANGO_ENVIRON],
])

/** django-environ's BOOLEAN_TRUE_STRINGS (python-decouple's are a subset plus "t"). */
const BOOLEAN_TRUE = new Set(['true', 'on', 'ok', 'y', 'yes', '1', 't'])

const ENV_GET = new Set(['os.environ.get', 'os.getenv', 'os.environ.setdefault', 'environ.get', 'getenv'])
const SYS_ARGV = 'https://docs.python.org/3/library/sys.html#sys.argv'
const CFENV = 'https://github.com/jmcarp/py-cfenv/blob/master/cfenv/__init__.py'
const CPU_COUNT = new Set(['multiprocessing.cpu_count', 'os.cpu_count', 'psutil.cpu_count', 'billiard.cpu_count'])

/** String literal text → value; undefined for f-strings with replacements. */
function stringLiteral(raw: string): string | undefined {
  const m = /^([A-Za-z]*)('''|"""|'|")([\S\s]*)\2$/.exec(raw)
  if (!m) return undefined
  const prefix = m[1].toLowerCase()
  const body = m[3]
  if (prefix.includes('r')) return body
  return body.replaceAll(/\\(.)/gs, (_, c: string) => ({'\n': '', n: '\n', t: '\t', r: '\r', 0: '\0'})[c] ?? c)
}

function numberLiteral(raw: string): number | undefined {
  const t = raw.replaceAll('_', '').toLowerCase()
  if (t.endsWith('j') || t.endsWith('l')) return undefined
  if (/^0[box]/.test(t)) return Number(t)
  const n = Number(t)
  return Number.isNaN(n) ? undefined : n
}

class Evaluator {
  readonly calls: PyCall[] = []
  readonly diagnostics: Diagnostic[] = []
  readonly imports: PyImport[] = []
  readonly itemAssignments: PyItemAssignment[] = []
  readonly attrAssignments: PyItemAssignment[] = []
  /** Local name → dotted import path ("create_engine" → "sqlalchemy.create_engine"). */
  private readonly aliases = new Map<string, string>()
  /** Names bound to a copy of os.environ (`env = os.environ.copy()`), aliased to os.environ in `aliases`. */
  private readonly environCopies = new Set<string>()
  private conditionalDepth = 0
  /** Inside a try body: an import there may fail into its handlers. */
  private tryDepth = 0
  /** The arms of undecided `if`s being walked, outermost first (PyCall.arms). */
  private arms: PyArm[] = []
  /** `container[key] = …` writes made inside undecided arms, for the `if` that walks them (see ifStatement). */
  private armedWrites: {arm: PyArm; armed: Map<string, PyArm>; key: string}[] = []
  /**
   * Inside a call of a function of this file: where its `return` goes, its local scope (the names it binds:
   * what `locals()` lists) and the scope it was defined in.
   */
  private frame: {depth: number; locals?: FrameScope; outer?: Scope; returned?: EvalValue} | undefined
  /** The module's globals (`globals()`), also while a function of the module is called (invoke). */
  moduleScope: Scope | undefined
  /** Bodies walked without being run (loops, `except`, `match`, a `def` at its definition): speculative(). */
  private speculating = 0
  /**
   * A `for` over a known list whose body writes the module's namespace, walked once per item (unrollNamespaceWrites):
   * the conditional depth at its body, and whether each pass surely runs its writes (no `break`, not itself conditional).
   */
  private unroll: {definite: boolean; depth: number} | undefined
  /** Inside the ordinary walk of such a loop: its namespace writes were read per item already. */
  private unrolled = 0
  /**
   * A `raise` in an arm conncalc cannot decide (an undecided `if`, an `except`, a loop body) ends that arm only:
   * the statements after the `if` still run when the other arm is taken (`if not ok: raise …` then `db.create_all()`).
   */
  private armRaised = false
  /** The function whose body is being walked for its calls (PyItemAssignment.within). */
  private functionName: string | undefined
  /** The `def` about to be defined is decorated with functools' cache. */
  private cachedNext = false
  private decoratedNext = false
  /** The decorators of the `def` about to be defined, as written without their arguments (`@app.route("/")` → "app.route"). */
  private decoratorsNext: string[] = []
  /** Loops (`for`, `while`, comprehensions) around the statement being walked, within the current function body. */
  private loopDepth = 0
  /** The bases of the class whose body is being walked, import-qualified. */
  private classBases: string[] = []
  /** The class whose body is being walked: its methods are named `Class.method` where their callers are reported. */
  private className: string | undefined
  /** Calls are recorded once, where the file is walked, not again in each invocation. */
  private recording = true

  /** The evaluation this module ran in: a function of it called when no evaluation runs (invoke-tasks.ts) reads that one's project. */
  private home: PyRun

  constructor(private readonly opts: {file: string}) {
    this.home = current()!
  }

  /** The running evaluation (shared-eval.ts): a function of this module called from another module's evaluation reads that one's env and imports. */
  private run(): PyRun {
    return current() ?? this.home
  }

  private env(name: string): EnvEntry | undefined {
    const run = this.run()
    const got = run.env.get(name)
    record(run, {deployer: false, got, kind: 'env', name})
    return got
  }

  /** os.environ[name] as the process has it, DATABASE_URL being Heroku Postgres's when nothing conncalc reads sets it. */
  private osEnviron(name: string): EnvEntry | undefined {
    return this.env(name) ?? (name === 'DATABASE_URL' ? {name, source: DATABASE_URL_ASSUMED, value: HEROKU_DATABASE_URL} : undefined)
  }

  private deployerSets(name: string): ReturnType<Env['deployerSets']> {
    const run = this.run()
    const got = run.env.deployerSets(name)
    record(run, {deployer: true, got, kind: 'env', name})
    return got
  }

  /** The process's sys.argv (PyRun.argv), asked of the running evaluation: a shared one is reused only where it is the same. */
  private argv(): readonly string[] | undefined {
    const run = this.run()
    record(run, {got: run.argv, kind: 'argv'})
    return run.argv
  }

  private nproc(): Sourced<number> | undefined {
    const run = this.run()
    record(run, {got: run.nproc, kind: 'nproc'})
    return run.nproc
  }

  /** The names of the app's module `module` (relative to this file at `level`), as the running evaluation's project finds it. */
  private async resolveModule(module: string, level: number): Promise<Map<string, EvalValue> | undefined> {
    const run = this.run()
    const rel = depth.calls - run.trace.startDepth
    const got = await run.resolve(module, level, this.opts.file)
    record(run, {from: this.opts.file, got, kind: 'resolve', level, module, rel})
    return got
  }

  line(node: PyNode): number {
    return node.startPosition.row + 1
  }

  private snippet(node: PyNode): string {
    const t = node.text.replaceAll(/\s+/g, ' ').trim()
    return t.length > 60 ? `${t.slice(0, 57)}...` : t
  }

  private known(node: PyNode, value: PyValue, ...from: (EvalValue | undefined)[]): KnownValue {
    const missingEnv = mergeMissing(...from)
    return {file: this.opts.file, kind: 'known', line: this.line(node), value, via: mergeVia(...from), ...(missingEnv ? {missingEnv} : {})}
  }

  private unknown(node: PyNode, reason?: string, ...from: (EvalValue | undefined)[]): UnknownValue {
    const missingEnv = mergeMissing(...from)
    const inner = from.find((v): v is UnknownValue => v?.kind === 'unknown')
    // What is computed from a name is not that name (`NullPool.x`, `NullPool + 1`).
    if (inner) {
      const {among: _among, name: _name, textPrefix: _prefix, ...rest} = inner
      return {...rest, ...(missingEnv ? {missingEnv} : {})}
    }
    return {
      file: this.opts.file,
      kind: 'unknown',
      line: this.line(node),
      reason: reason ?? `\`${this.snippet(node)}\` is not something conncalc evaluates`,
      ...(missingEnv ? {missingEnv} : {}),
    }
  }

  // ---- statements -------------------------------------------------------

  async block(nodes: PyNode[], scope: Scope): Promise<void> {
    for (const node of nodes) {
      if (this.frame?.returned || this.armRaised) return
      await this.statement(node, scope)
    }
  }

  private async each(nodes: PyNode[], scope: Scope): Promise<EvalValue[]> {
    const out: EvalValue[] = []
    for (const n of nodes) out.push(await this.expr(n, scope))
    return out
  }

  /** The statements of a `block` (or of a one-line body). */
  private bodyOf(node: PyNode | null | undefined): PyNode[] {
    return node ? named(node) : []
  }

  private async statement(node: PyNode, scope: Scope): Promise<void> {
    const budget = this.run().budget
    if (budget) budget.left--
    switch (node.type) {
      case 'expression_statement': {
        for (const k of named(node)) await this.exprStatement(k, scope)
        return
      }

      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement': {
        await this.importStatement(node, scope)
        return
      }

      case 'if_statement': {
        await this.ifStatement(node, scope)
        return
      }

      // A try body and its `else:` are what runs when nothing fails, and `finally:` runs either way; an
      // `except` handler may run or not: its calls are collected as conditional (a function called only
      // there still learns its caller), its names are not kept. A with body always runs.
      case 'try_statement': {
        this.tryDepth++
        try {
          await this.block(this.bodyOf(node.childForFieldName('body')), scope)
        } finally {
          this.tryDepth--
        }

        const clauses = named(node)
        const blockOf = (c: PyNode): PyNode | undefined => named(c).find((k) => k.type === 'block')
        await this.speculative(clauses.filter((c) => c.type === 'except_clause' || c.type === 'except_group_clause').map(blockOf), scope)
        for (const c of clauses) {
          if (c.type === 'else_clause') await this.block(this.bodyOf(c.childForFieldName('body')), scope)
          else if (c.type === 'finally_clause') await this.block(this.bodyOf(blockOf(c)), scope)
        }

        return
      }

      case 'with_statement': {
        // `with ThreadPoolExecutor(4) as pool:` calls its context expressions first: record them, bind `as name`.
        const clause = node.namedChildren.find((c) => c?.type === 'with_clause')
        let catchesImport = false
        for (const item of clause?.namedChildren ?? []) {
          const value = item?.type === 'with_item' ? item.childForFieldName('value') : undefined
          if (!value) continue
          const expr = value.type === 'as_pattern' ? value.namedChildren[0] : value
          const alias = value.type === 'as_pattern' ? value.childForFieldName('alias')?.namedChildren[0] : undefined
          const v = expr ? await this.expr(expr, scope) : undefined
          if (v && alias?.type === 'identifier') scope.set(alias.text, v)
          if (expr && this.suppressesImportError(expr)) catchesImport = true
        }

        // `with contextlib.suppress(ImportError):` catches what its body raises, as a try body's handler does.
        if (catchesImport) this.tryDepth++
        try {
          await this.block(this.bodyOf(node.childForFieldName('body')), scope)
        } finally {
          if (catchesImport) this.tryDepth--
        }

        return
      }

      case 'class_definition': {
        await this.classDefinition(node, scope)
        return
      }

      case 'function_definition': {
        await this.defineFunction(node, scope)
        return
      }

      case 'raise_statement': {
        if (this.frame && this.conditionalDepth > this.frame.depth) this.armRaised = true
        else if (this.frame) this.frame.returned = this.unknown(node, `\`${this.snippet(node)}\` raises (line ${this.line(node)})`)
        return
      }

      case 'for_statement':
      case 'while_statement': {
        // Not executed: only the calls inside are collected, as conditional. A `for`'s iterable is evaluated once, before
        // the loop (`for status in pool.map(fetch, pages):` hands the pool its tasks), its value not bound.
        const iterable = node.type === 'for_statement' ? node.childForFieldName('right') : null
        const items = iterable ? await this.expr(iterable, scope) : undefined
        const elseBody = node.childForFieldName('alternative')?.childForFieldName('body')
        // A loop that surely makes no pass (`for x in []:`, `while os.environ.get("UNSET"):`) binds nothing; its `else:` runs.
        const condition = node.type === 'while_statement' ? node.childForFieldName('condition') : null
        const test = condition ? await this.expr(condition, scope) : undefined
        const none = items ? items.kind === 'known' && knownTruth(items.value) === false : test?.kind === 'known' && knownTruth(test.value) === false
        if (none) {
          await this.block(this.bodyOf(elseBody), scope)
          return
        }

        const unrolled = node.type === 'for_statement' && this.unrolled === 0 && (await this.unrollNamespaceWrites(node, scope))
        if (unrolled) this.unrolled++
        // A name the loop binds (`total += 1`, its target) has, after it, the value of however many passes ran, which
        // conncalc does not know: unknown, unless the loop was unrolled (its writes made pass by pass).
        const changed = unrolled ? undefined : new Set<string>()
        this.loopDepth++
        try {
          await this.speculative([node.childForFieldName('body')], scope, changed)
        } finally {
          this.loopDepth--
          if (unrolled) this.unrolled--
        }

        await this.speculative([elseBody], scope, changed)
        this.forgetChanged(node, scope, changed, `the \`${node.type === 'for_statement' ? 'for' : 'while'}\` loop at line ${this.line(node)}, which conncalc does not run`)
        return
      }

      case 'match_statement': {
        await this.matchStatement(node, scope)
        return
      }

      case 'return_statement': {
        const valueNode = named(node)[0]
        if (!this.frame) {
          if (valueNode) await this.exprStatement(valueNode, scope)
          return
        }

        const v = valueNode ? await this.expr(valueNode, scope) : this.known(node, null)
        this.frame.returned =
          this.conditionalDepth === this.frame.depth ? v : this.unknown(node, `it returns inside a loop or an \`if\` conncalc cannot decide (line ${this.line(node)})`, v)
        return
      }

      case 'decorated_definition': {
        // A decorator that is a call runs when the definition does (`@sched.scheduled_job("interval", minutes=3)`): record it.
        for (const d of node.namedChildren) {
          const e = d?.type === 'decorator' ? d.namedChildren[0] : undefined
          if (e?.type === 'call') await this.expr(e, scope)
        }

        const def = node.childForFieldName('definition')
        // `@lru_cache` / `@functools.cache`: calls with equal arguments share one result (one engine, not one per call).
        const cached = node.namedChildren.some((d) => d?.type === 'decorator' && /^(functools\.)?(lru_cache|cache)\b/.test(d.namedChildren[0]?.text ?? ''))
        if (cached) this.cachedNext = true
        this.decoratedNext = true
        this.decoratorsNext = node.namedChildren.flatMap((d) => {
          const e = d?.type === 'decorator' ? d.namedChildren[0] : undefined
          const f = e?.type === 'call' ? e.childForFieldName('function') : e
          return f ? [f.text.replaceAll(/\s+/g, '')] : []
        })
        try {
          if (def) await this.statement(def, scope)
        } finally {
          this.cachedNext = false
          this.decoratedNext = false
          this.decoratorsNext = []
        }

        return
      }

      default: {
        // pass, global, nonlocal, del, assert, type aliases, print/exec (Python 2): nothing that sets a value conncalc reads.
      }
    }
  }

  /**
   * `def f(...)`: its body is walked once to collect its calls (as conditional),
   * and `f` becomes a value that, called with arguments, evaluates the body in a
   * fresh evaluator of this file up to the `return` it reaches.
   */
  private async defineFunction(node: PyNode, scope: Scope): Promise<void> {
    const nameNode = node.childForFieldName('name')
    const paramList = node.childForFieldName('parameters')
    const body = node.childForFieldName('body')
    const params: string[] = []
    const defaults = new Map<string, EvalValue>()
    const defaultText = new Map<string, string>()
    for (const p of paramList ? named(paramList) : []) {
      switch (p.type) {
        case 'identifier': {
          params.push(p.text)
          break
        }

        case 'typed_parameter': {
          // `x: int`, `*args: int`, `**kw: str`
          const inner = named(p)[0]
          if (inner?.type === 'identifier') params.push(inner.text)
          else if (inner?.type === 'list_splat_pattern') params.push(`*${named(inner)[0]?.text ?? ''}`)
          else if (inner?.type === 'dictionary_splat_pattern') params.push(`**${named(inner)[0]?.text ?? ''}`)
          break
        }

        case 'default_parameter':
        case 'typed_default_parameter': {
          const name = p.childForFieldName('name')?.text
          const value = p.childForFieldName('value')
          if (!name) break
          params.push(name)
          if (value) {
            defaults.set(name, await this.expr(value, scope))
            defaultText.set(name, this.snippet(value))
          }

          break
        }

        case 'list_splat_pattern': {
          params.push(`*${named(p)[0]?.text ?? ''}`)
          break
        }

        case 'dictionary_splat_pattern': {
          params.push(`**${named(p)[0]?.text ?? ''}`)
          break
        }

        case 'keyword_separator': {
          params.push('*')
          break
        }

        default: // `/` (positional-only separator)
      }
    }

    // The body is walked once for its calls; there a parameter is the value each caller passes, which is not known
    // (a call with known arguments is evaluated by invoke()), and the reason says so rather than "not defined".
    const fnName = nameNode?.text ?? 'a function'
    const inner: Scope = fork(scope)
    for (const p of params) {
      const bare = p.replace(/^\*+/, '')
      if (bare !== '') inner.set(bare, this.parameter(node, bare, `${this.opts.file}:${this.line(node)}`, `\`${bare}\` is a parameter of \`${fnName}()\` (line ${this.line(node)}): its value comes from the caller, which conncalc does not follow here${defaultText.has(bare) ? ` (its default is \`${defaultText.get(bare)}\`)` : ''}`, p.startsWith('**')))
    }

    // The calls of this body learn where the function is called from (bound-arguments.ts binds their parameters there).
    const sites: PyFunctionSites = {defaults, file: this.opts.file, line: this.line(node), name: this.className ? `${this.className}.${fnName}` : fnName, sites: [], ...(this.cachedNext ? {cached: true} : {}), ...(this.decoratedNext ? {decorated: true} : {}), ...(this.decoratorsNext.length > 0 ? {decorators: this.decoratorsNext} : {}), params, ...(this.className ? {classBases: this.classBases} : {}), returns: returnTexts(node.childForFieldName('body'))}
    this.cachedNext = false
    this.decoratedNext = false
    this.decoratorsNext = []
    const start = this.calls.length
    const outer = this.frame
    const outerClass = this.className
    const outerFunction = this.functionName
    const outerLoops = this.loopDepth
    const outerBases = this.classBases
    this.frame = undefined
    this.className = undefined
    this.classBases = []
    this.functionName = sites.name
    this.loopDepth = 0
    try {
      await this.speculative([body], inner)
    } finally {
      release(inner)
      this.frame = outer
      this.className = outerClass
      this.classBases = outerBases
      this.functionName = outerFunction
      this.loopDepth = outerLoops
    }

    // A nested `def` tagged its own calls first: the innermost function is the one whose parameters they read.
    for (const c of this.calls.slice(start)) c.within ??= sites
    if (!nameNode || !paramList || !body) return
    const name = nameNode.text
    // `@property` / `@cached_property` (pydantic's `@computed_field` stacked on one): reading the attribute calls it.
    const property = (sites.decorators ?? []).some((d) => /(^|\.)(property|cached_property)$/.test(d))
    const isStatic = (sites.decorators ?? []).some((d) => /(^|\.)staticmethod$/.test(d))
    capture(scope)
    const fn: PyFunction = {defaults, invoke: (args, kwargs, calls, site) => this.invoke(fn, sites, node, body, args, kwargs, calls, site), kind: 'function', name, params, scope, ...(property ? {property: true} : {}), ...(isStatic ? {static: true} : {})}
    scope.set(name, this.known(node, fn))
  }

  private async invoke(
    fn: PyFunction,
    sites: PyFunctionSites,
    node: PyNode,
    body: PyNode,
    args: EvalValue[],
    kwargs: Record<string, EvalValue>,
    calls?: PyCall[],
    site?: {file: string; line: number; once?: boolean},
  ): Promise<EvalValue> {
    const run = this.run()
    if (run.open) run.trace.maxRel = Math.max(run.trace.maxRel, depth.calls - run.trace.startDepth)
    if (depth.calls >= MAX_CALL_DEPTH) return this.unknown(node, `calls of \`${fn.name}()\` nest deeper than conncalc follows (${MAX_CALL_DEPTH})`)
    if (run.budget && run.budget.left <= 0) {
      const why = budgetSpent()
      // Said once for the type, at the first call not followed: where it is called when the caller says, else where the function is defined.
      const at = site ? `${site.file}:${site.line}` : `defined at ${this.opts.file}:${this.line(node)}`
      if (run.budget.work) run.budget.work.cut ??= {file: site?.file ?? this.opts.file, line: site?.line ?? this.line(node), message: `stopped following calls of the app's Python functions at \`${fn.name}()\` (${at}): ${why}`}
      const cut = this.unknown(node, `\`${fn.name}()\` is not followed: ${why}`)
      return site ? {...cut, file: site.file, line: site.line} : cut
    }
    // A function that calls itself (or is called again by one it called) with an argument conncalc does not know (an
    // unknown value, or what a call conncalc does not evaluate returned: `json.loads(...)`, `item.get(...)`) recurses on data it cannot see: each such call would be walked again, speculatively, until MAX_CALL_DEPTH, and a
    // body that recurses from several branches (a tree walk's `if` arms) grows as branches^depth. It is not followed.
    if (ACTIVE.has(fn) && [...args, ...Object.values(kwargs)].some(opaque))
      return this.unknown(node, `\`${fn.name}()\` calls itself with an argument conncalc does not know, and the recursion is not followed`)
    const local = FrameScope.fork(fn.scope)
    const used = new Set<string>()
    let next = 0
    let keywordOnly = false
    for (const p of fn.params) {
      if (p === '*') keywordOnly = true
      else if (p.startsWith('**')) {
        const rest = new Map(Object.entries(kwargs).filter(([k]) => !used.has(k)))
        local.set(p.slice(2), this.known(node, {entries: rest, kind: 'dict'}))
      } else if (p.startsWith('*')) {
        local.set(p.slice(1), this.known(node, {items: args.slice(next), kind: 'list'}))
        next = args.length
        keywordOnly = true
      } else {
        used.add(p)
        const v = (!keywordOnly && next < args.length ? args[next++] : undefined) ?? kwargs[p] ?? fn.defaults.get(p)
        local.set(p, v ?? this.unknown(node, `\`${fn.name}()\` is called without its argument \`${p}\``))
      }
    }

    const ev = new Evaluator(this.opts)
    ev.home = this.home
    for (const [k, v] of this.aliases) ev.aliases.set(k, v)
    // The body's calls with these arguments bound are kept with the call site (a pool built from a parameter
    // reads them), and given to the caller that asks (an Invoke task's c.run); the module's own calls are the walk's.
    ev.recording = calls !== undefined || site !== undefined
    ev.frame = {depth: 0, locals: local, outer: fn.scope}
    ev.moduleScope = this.moduleScope
    depth.calls++
    ACTIVE.set(fn, (ACTIVE.get(fn) ?? 0) + 1)
    try {
      await ev.block(ev.bodyOf(body), local)
      return ev.frame.returned ?? this.known(node, null)
    } finally {
      release(local)
      depth.calls--
      const n = ACTIVE.get(fn)! - 1
      if (n === 0) ACTIVE.delete(fn)
      else ACTIVE.set(fn, n)
      if (calls) append(calls, ev.calls)
      // The same caller walked again (its module read twice) is one site; past MAX_SITES the function is said to have more.
      if (site) addSite(run, sites, {calls: ev.calls, file: site.file, line: site.line, ...(site.once ? {once: true} : {})})
    }
  }

  /**
   * `match subject:` over a known str, int, bool or None: the cases are tried in order as Python does, each literal
   * (`"sqlite"`, `-1`, `None`), `|` of them, `_`, a capture name (bound to the subject), `P as name`, then its guard;
   * the first that matches runs, as a decided `if` branch, and none may. From the first case conncalc cannot decide
   * (another pattern, a guard it cannot evaluate, an unknown subject) each remaining case body's calls are collected,
   * as conditional, and a name a case binds is unknown after the `match`.
   */
  private async matchStatement(node: PyNode, scope: Scope): Promise<void> {
    const subjectNode = node.childForFieldName('subject')
    const subject = subjectNode ? await this.expr(subjectNode, scope) : undefined
    const cases = named(node.childForFieldName('body')!).filter((c) => c.type === 'case_clause')
    const scalar = subject?.kind === 'known' && !isObj(subject.value) ? subject : undefined
    let from = 0
    for (const c of scalar ? cases : []) {
      const patterns = named(c).filter((k) => k.type === 'case_pattern')
      const binds = new Map<string, EvalValue>()
      const matches = patterns.length === 1 ? await this.casePattern(patterns[0], scalar!, binds, scope) : undefined
      if (matches === false) {
        from++
        continue
      }

      let taken: boolean | undefined = matches
      const guard = c.childForFieldName('guard')
      if (taken && guard) {
        const s = fork(scope)
        for (const [name, v] of binds) s.set(name, v)
        const g = await this.expr(named(guard)[0] ?? guard, s)
        release(s)
        taken = g.kind === 'known' ? knownTruth(g.value) : undefined
        if (taken === false) {
          from++
          continue
        }
      }

      if (taken === undefined) break
      for (const [name, v] of binds) scope.set(name, v)
      await this.block(this.bodyOf(c.childForFieldName('consequence')), scope)
      return
    }

    if (scalar && from === cases.length) return
    const changed = new Set<string>()
    await this.speculative(cases.slice(from).map((c) => c.childForFieldName('consequence')), scope, changed)
    this.forgetChanged(node, scope, changed, `the \`match\` at line ${this.line(node)}, whose case conncalc does not decide`)
  }

  /** Whether a case pattern matches a known scalar subject, the names it binds added to `binds`; undefined: not decided here. */
  private async casePattern(p: PyNode, subject: KnownValue, binds: Map<string, EvalValue>, scope: Scope): Promise<boolean | undefined> {
    switch (p.type) {
      case 'case_pattern': {
        const inner = named(p)
        if (inner.length === 0) return p.text === '_' ? true : undefined
        return inner.length === 1 ? this.casePattern(inner[0], subject, binds, scope) : undefined
      }

      case 'union_pattern': {
        let undecided = false
        for (const alt of named(p)) {
          const r = await this.casePattern(alt, subject, binds, scope)
          if (r) return true
          if (r === undefined) undecided = true
        }

        return undecided ? undefined : false
      }

      case 'as_pattern': {
        const [inner, alias] = named(p)
        const r = inner ? await this.casePattern(inner, subject, binds, scope) : undefined
        if (r && alias?.type === 'identifier') binds.set(alias.text, subject)
        return r
      }

      case 'dotted_name': {
        // A bare name captures the subject (and always matches); a dotted one is a value pattern, not read here.
        const parts = named(p)
        if (parts.length !== 1 || parts[0].type !== 'identifier') return undefined
        if (parts[0].text !== '_') binds.set(parts[0].text, subject)
        return true
      }

      case 'string':
      case 'concatenated_string':
      case 'integer':
      case 'float':
      case 'true':
      case 'false':
      case 'none': {
        const lit = await this.expr(p, scope)
        if (lit.kind !== 'known' || isObj(lit.value)) return undefined
        let v = lit.value
        if (p.previousSibling?.type === '-') {
          if (typeof v !== 'number') return undefined
          v = -v
        }

        const s = subject.value
        // None, True and False match by identity; a number and a bool compare equal in Python (1 == True): not decided here.
        if (v === null || typeof v === 'boolean' || s === null || typeof s === 'boolean') return typeof v === typeof s || v === null || s === null ? v === s : undefined
        return typeof v === typeof s ? v === s : false
      }

      default: {
        return undefined
      }
    }
  }

  /** Each name in `changed` is unknown from here: `where` may have bound it (or not) to another value. */
  private forgetChanged(node: PyNode, scope: Scope, changed: Set<string> | undefined, where: string): void {
    for (const name of changed ?? []) {
      const before = scope.get(name)
      scope.set(name, this.unknown(node, `\`${name}\` may be changed by ${where}`, before))
    }
  }

  /** A parameter's value while a function body is walked for its calls: unknown, remembered as a parameter's. */
  private parameter(node: PyNode, name: string, of: string, reason: string, keywords?: boolean): EvalValue {
    const v: UnknownValue = {...this.unknown(node, reason), parameter: name, parameterOf: of, ...(keywords ? {keywords: true as const} : {})}
    PARAMETERS.add(v)
    return v
  }

  /** An item of a `**name` parameter: the keyword argument `key` its caller passes, unknown until a caller binds it. */
  private keywordItem(node: PyNode, of: UnknownValue, key: string): EvalValue {
    return this.parameter(node, key, of.parameterOf!, `\`${this.snippet(node)}\` is the keyword argument \`${key}\` the caller passes in \`**${of.parameter}\`, which conncalc does not follow here`)
  }

  /**
   * Walk bodies that may or may not run, in a throwaway scope, to collect their calls. Given `changed`, the names
   * a body binds anew are added to it (what a loop conncalc does not run may have changed).
   */
  private async speculative(bodies: (PyNode | null | undefined)[], scope: Scope, changed?: Set<string>): Promise<void> {
    this.conditionalDepth++
    this.speculating++
    try {
      for (const b of bodies) {
        if (b) {
          const s = fork(scope)
          try {
            await this.block(this.bodyOf(b), s)
            if (changed) for (const name of namesChanged(scope, [s])) changed.add(name)
          } finally {
            release(s)
          }
        }

        this.armRaised = false
      }
    } finally {
      this.conditionalDepth--
      this.speculating--
    }
  }

  private async exprStatement(node: PyNode, scope: Scope): Promise<void> {
    switch (node.type) {
      case 'assignment': {
        await this.assign(node, scope)
        return
      }

      case 'augmented_assignment': {
        const target = node.childForFieldName('left')
        const op = node.childForFieldName('operator')
        const valueNode = node.childForFieldName('right')
        if (!target || !op || !valueNode) return
        const right = await this.expr(valueNode, scope)
        if (target.type !== 'identifier') return
        const name = target.text
        const left = scope.get(name) ?? this.unknown(target, `\`${name}\` is not defined before line ${this.line(target)}`)
        scope.set(name, this.arith(node, op.text.slice(0, -1), left, right))
        return
      }

      case 'call': {
        // `DATABASES["default"].update({...})` mutates a dict in place.
        const callee = node.childForFieldName('function')
        // `globals().update(cfg)` (locals()/vars() at module level): names set in the module's namespace.
        const namespace = callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'update' ? this.namespaceCall(callee.childForFieldName('object')!, scope) : undefined
        if (namespace) {
          const argNode = node.childForFieldName('arguments')
          const {args, kwargs, splat, spread} = argNode?.type === 'argument_list' ? await this.argList(argNode, scope) : {args: [], kwargs: {}, splat: true, spread: undefined}
          const entries = new Map<string, EvalValue>(isDict(args[0]) ? args[0].value.entries : [])
          for (const [k, v] of Object.entries(kwargs)) entries.set(k, v)
          const complete = !splat && spread === undefined && args.length <= 1 && (args.length === 0 || (isDict(args[0]) && !args[0].value.partial))
          this.namespaceWrite(node, namespace, entries, complete, scope)
          return
        }

        if (callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'update') {
          // Not a dict's update (`app.update(pool=loop.run_until_complete(create_pool(…)))`): the call is evaluated
          // below as any other, so the calls recorded here are taken back (a pool made in the argument counts once).
          const mark = this.calls.length
          const target = await this.expr(callee.childForFieldName('object')!, scope)
          const argNode = node.childForFieldName('arguments')
          const {args} = argNode?.type === 'argument_list' ? await this.argList(argNode, scope) : {args: []}
          if (isDict(target) && isDict(args[0])) {
            touch(target.value)
            for (const [k, v] of args[0].value.entries) target.value.entries.set(k, v)
            if (args[0].value.server) target.value.server = args[0].value.server
            return
          }

          this.calls.length = mark
        }

        // `names.append(x)` / `names.extend([...])` on a list bound to a name: a new list under that name
        // (not changed in place, so a branch's copy of the scope keeps its own).
        const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined
        const listName = callee?.type === 'attribute' ? callee.childForFieldName('object') : null
        if ((method === 'append' || method === 'extend') && listName?.type === 'identifier') {
          const list = scope.get(listName.text)
          if (list?.kind === 'known' && isObj(list.value) && list.value.kind === 'list') {
            const argNode = node.childForFieldName('arguments')
            const {args, splat} = argNode?.type === 'argument_list' ? await this.argList(argNode, scope) : {args: [], splat: true}
            const more = method === 'append' ? (args.length === 1 && !splat ? [args[0]] : undefined) : args.length === 1 && args[0].kind === 'known' && isObj(args[0].value) && args[0].value.kind === 'list' ? args[0].value.items : undefined
            scope.set(listName.text, more ? this.known(node, {...list.value, items: [...list.value.items, ...more]}, list) : this.unknown(node, `\`${this.snippet(node)}\` adds what conncalc cannot read`, list, ...args))
            return
          }
        }

        await this.expr(node, scope)
        return
      }

      default: {
        await this.expr(node, scope)
      }
    }
  }

  /** `a = b = value`, `a: int = value`, `x, y = …`, `d["k"] = …`. */
  private async assign(node: PyNode, scope: Scope): Promise<void> {
    const targets: PyNode[] = []
    let cur: PyNode | null = node
    while (cur?.type === 'assignment') {
      const left = cur.childForFieldName('left')
      if (left) targets.push(left)
      cur = cur.childForFieldName('right')
    }

    // `x: int` alone declares without assigning.
    if (!cur) return
    const valueNode = cur
    const start = this.calls.length
    const value = await this.expr(valueNode, scope)
    // Which name holds what the calls made (a pool assigned to a module global twice is one pool at a time).
    const name = targets.length === 1 && targets[0].type === 'identifier' ? targets[0].text : undefined
    if (name) for (const c of this.calls.slice(start)) c.assignedTo ??= name
    const attr = targets.length === 1 && targets[0].type === 'attribute' ? targets[0].childForFieldName('attribute')?.text : undefined
    if (attr) for (const c of this.calls.slice(start)) c.assignedAttr ??= attr
    // `env = os.environ.get` … `env("WORKERS", 4)`: the name calls what it is bound to (a later assignment unbinds it).
    if (name) {
      const getter = valueNode.type === 'attribute' || valueNode.type === 'identifier' ? this.dotted(valueNode) : undefined
      if (getter !== undefined && ENV_GET.has(getter)) this.aliases.set(name, getter)
      else if (ENV_GET.has(this.aliases.get(name) ?? '')) this.aliases.delete(name)
    }

    for (const target of targets) await this.bind(node, target, valueNode, value, scope)
    // `env = os.environ.copy()` / `env = dict(os.environ)`: a snapshot of the environment, read as os.environ is
    // (`env["X"]`, `env.get("X")`, `"X" in env`); another value bound to the name later ends that.
    if (name) {
      if (this.isEnvironCopy(valueNode)) {
        this.aliases.set(name, 'os.environ')
        this.environCopies.add(name)
      } else if (this.environCopies.delete(name)) {
        this.aliases.delete(name)
      }
    }
  }

  private isEnvironCopy(node: PyNode): boolean {
    if (node.type !== 'call') return false
    const callee = node.childForFieldName('function')
    const args = named(node.childForFieldName('arguments') ?? node).filter((a) => a.type !== 'comment')
    const path = callee ? this.dotted(callee) : undefined
    if ((path === 'os.environ.copy' || path === 'environ.copy') && args.length === 0) return true
    return path === 'dict' && args.length === 1 && ['os.environ', 'environ'].includes(this.dotted(args[0]) ?? '')
  }

  private async bind(node: PyNode, target: PyNode, valueNode: PyNode, value: EvalValue, scope: Scope): Promise<void> {
    switch (target.type) {
      case 'identifier': {
        scope.set(target.text, value)
        return
      }

      case 'subscript': {
        // `DATABASES["default"]["CONN_MAX_AGE"] = 60`
        const base = target.childForFieldName('value')!
        // `globals()["workers"] = 4`, `locals()[k] = v` at module level: a name of the module.
        const namespace = this.namespaceCall(base, scope)
        if (namespace) {
          const key = await this.subscriptKey(target, scope)
          this.namespaceWrite(target, namespace, new Map(key === undefined ? [] : [[key, value]]), key !== undefined, scope)
          return
        }

        const container = await this.expr(base, scope)
        const key = await this.subscriptKey(target, scope)
        if (isDict(container) && key !== undefined) {
          this.setItem(container.value, key, value)
        } else if (key !== undefined) {
          const name = valueNode.type === 'identifier' || valueNode.type === 'attribute' ? this.dotted(valueNode) : undefined
          this.itemAssignments.push({key, line: this.line(target), target: this.dotted(base) ?? base.text, value, ...(name ? {name} : {}), ...(this.functionName ? {within: this.functionName} : {}), ...(this.conditionalDepth > 0 ? {conditional: true} : {}), ...(this.arms.length > 0 ? {arm: this.arms.at(-1)} : {})})
        }
        return
      }

      case 'attribute': {
        // `app.conf.worker_concurrency = 2`: kept for the reader of that object (Celery's conf), not modelled here.
        const base = target.childForFieldName('object')
        const attr = target.childForFieldName('attribute')?.text
        const dotted = base ? this.dotted(base) : undefined
        // `self.concurrency = concurrency` in a method called with an instance of the app's class: kept on that instance.
        const self = base?.type === 'identifier' && attr ? instanceOf(scope.get(base.text)) : undefined
        const settingsInstance = self?.cls.bases.some((b) => b.endsWith('BaseSettings'))
        if (self && attr && !settingsInstance) {
          self.attrs ??= new Map()
          self.attrs.set(attr, this.conditionalDepth > 0 || this.loopDepth > 0 ? this.unknown(target, `\`${dotted}\` is set only in a branch or loop (line ${this.line(target)}) conncalc does not follow`) : value)
        } else if (self && attr && base?.text !== 'self' && this.speculating === 0 && this.loopDepth === 0 && this.conditionalDepth === (this.frame?.depth ?? 0)) {
          // A pydantic BaseSettings instance given a field by the code that built it (mealie's app_settings_constructor:
          // `app_settings.DB_PROVIDER = db_provider_factory(…)` after `AppSettings(…)`): pydantic's __setattr__ sets the
          // field, whatever the env said, so it holds that value from then on. Only where the line surely runs: not in a
          // body walked for its calls, a loop or an undecided branch (a settings object is shared: such a write would
          // make every later read unknown).
          self.attrs ??= new Map()
          self.attrs.set(attr, value)
        }

        if (dotted && attr && this.recording && dotted !== 'self' && !dotted.startsWith('self.')) this.attrAssignments.push({key: attr, line: this.line(target), target: dotted, value, ...(this.conditionalDepth > 0 ? {conditional: true} : {}), ...(this.arms.length > 0 ? {arm: this.arms.at(-1)} : {})})
        return
      }

      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern': {
        const items = value.kind === 'known' && isObj(value.value) && value.value.kind === 'list' ? value.value.items : undefined
        const parts = named(target)
        const starred = parts.some((p) => p.type === 'list_splat_pattern')
        for (const [j, n] of parts.entries()) {
          const item = starred ? undefined : items?.[j]
          const v = item ?? this.unknown(node, `cannot unpack \`${this.snippet(valueNode)}\``, value)
          if (n.type === 'list_splat_pattern') {
            const name = named(n)[0]
            if (name?.type === 'identifier') scope.set(name.text, this.unknown(node, `cannot unpack \`${this.snippet(valueNode)}\``, value))
          } else await this.bind(node, n, valueNode, v, scope)
        }

        return
      }

      default: // `a[i:j] = …`, `*a = …`: nothing conncalc reads.
    }
  }

  /** `d[key] = value` on a dict conncalc holds (changed in place: every name bound to it sees the write). */
  private setItem(dict: PyDict, key: string, value: EvalValue): void {
    touch(dict)
    dict.entries.set(key, value)
    // Set only in an arm of an undecided `if` (DATABASES["reports"] = … under `if env(…)`): a reader says so.
    if (this.arms.length > 0) {
      const arm = this.arms.at(-1)!
      ;(dict.armed ??= new Map()).set(key, arm)
      this.armedWrites.push({arm, armed: dict.armed, key})
    } else dict.armed?.delete(key)
  }

  /** `globals()`, `locals()` or `vars()` called with no argument (the builtins, not a name the app binds): which. */
  private namespaceCall(node: PyNode, scope: Scope): Namespace | undefined {
    if (node.type !== 'call') return undefined
    const fn = node.childForFieldName('function')
    const argNode = node.childForFieldName('arguments')
    if (fn?.type !== 'identifier' || !NAMESPACES.has(fn.text) || argNode?.type !== 'argument_list' || named(argNode).length > 0) return undefined
    if (scope.has(fn.text) || this.aliases.has(fn.text)) return undefined
    return fn.text as Namespace
  }

  /**
   * What `globals()` / `locals()` / `vars()` hold where they are called: the module's names; in a function
   * called with its arguments (invoke), `locals()` is the names the function binds (its parameters included).
   */
  private namespaceEntries(which: Namespace, scope: Scope): Map<string, EvalValue> {
    const frame = this.frame
    if (frame && which === 'globals') return new Map(this.moduleScope ?? [])
    if (!frame?.locals) return new Map(scope)
    const {locals, outer} = frame
    return new Map([...scope].filter(([k, v]) => locals.bound.has(k) || outer?.get(k) !== v))
  }

  /**
   * Names written through the namespace (`globals().update(cfg)`, `globals()[k] = v`, and `locals()`/`vars()` at
   * module level, where they are the globals): each name read is set (in a loop or an `except` conncalc does not
   * run, it may be: unknown, with the line); names it cannot read (an unknown dict, a key from a loop variable) are
   * said on the module (ModuleScope.dynamic), and the plain values set before may be replaced by them.
   * A function's `locals()` written to changes nothing (CPython does not write that dict back), nor does a class
   * body's or a function body walked at its definition (it runs when called, and invoke() walks it then).
   */
  private namespaceWrite(node: PyNode, which: Namespace, entries: Map<string, EvalValue>, complete: boolean, scope: Scope): void {
    if (this.unrolled > 0 || (!this.frame && this.functionName !== undefined)) return
    if (which !== 'globals' && (this.frame !== undefined || this.className !== undefined)) return
    const target = this.frame || this.speculating > 0 || this.unroll ? this.moduleScope : scope
    if (!target) return
    const line = this.line(node)
    const text = this.snippet(node.type === 'subscript' ? node.parent ?? node : node)
    const maybe = this.unroll ? !this.unroll.definite || this.conditionalDepth > this.unroll.depth : this.speculating > 0
    touch(target)
    for (const [k, v] of entries) {
      target.set(k, maybe ? {...this.unknown(node, `\`${k}\` may be set by \`${text}\` (line ${line}), which runs in a loop, an \`if\` or an \`except\` conncalc does not decide`), ...(v.missingEnv ? {missingEnv: v.missingEnv} : {})} : v)
    }

    if (complete) return
    const module = this.moduleScope
    if (module) touch(module)
    if (module instanceof ModuleScope) module.dynamic.push({file: this.opts.file, line, text})
    for (const [k, v] of target) {
      if (entries.has(k) || v.kind !== 'known' || (isObj(v.value) && v.value.kind !== 'dict' && v.value.kind !== 'list')) continue
      target.set(k, this.unknown(node, `\`${k}\` may be replaced by \`${text}\` (line ${line}), which sets names conncalc cannot read`))
    }
  }

  /**
   * `for key, value in conf.items(): globals()[key] = value`: a `for` over a known list (a dict's keys, `.items()`)
   * of at most MAX_UNROLL items whose body writes the module's namespace is walked once per item with its target
   * bound, only for those writes (no call is recorded): each name it writes is set, or, behind an `if` conncalc
   * cannot decide, a `break`, or a loop that is itself conditional, may be. False when it is not such a loop.
   */
  private async unrollNamespaceWrites(node: PyNode, scope: Scope): Promise<boolean> {
    const body = node.childForFieldName('body')
    const left = node.childForFieldName('left')
    const right = node.childForFieldName('right')
    if (!body || !left || !right || (!this.frame && this.functionName !== undefined)) return false
    // Every `for` a walk meets asks (a function's at each call): its text is searched first, a tree walk only when a
    // namespace builtin is named in it (a body's calls walked through tree-sitter per loop run was a tenth of a
    // 234-module app's time: pass-culture/pass-culture-api).
    if (!NAMESPACE_NAMED.test(body.text)) return false
    if (!body.descendantsOfType('call').some((c) => this.namespaceCall(c, scope) !== undefined)) return false
    // A `return` or `raise` in the body would end the function or the arm being walked: not unrolled.
    if (body.descendantsOfType(['return_statement', 'raise_statement', 'yield']).length > 0) return false
    const recording = this.recording
    const outer = this.unroll
    this.recording = false
    try {
      const iterable = await this.expr(right, scope)
      const v = iterable.kind === 'known' && isObj(iterable.value) ? iterable.value : undefined
      const items = v?.kind === 'list' ? v.items : v?.kind === 'dict' && !v.partial ? [...v.entries.keys()].map((k) => ({...iterable, value: k}) as EvalValue) : undefined
      if (!items || items.length > MAX_UNROLL) return false
      const exits = body.descendantsOfType(['break_statement', 'continue_statement']).length > 0
      const settled = outer ? outer.definite && this.conditionalDepth === outer.depth : this.speculating === 0 && this.arms.length === 0
      this.unroll = {definite: settled && !exits, depth: this.conditionalDepth}
      for (const item of items) {
        const inner = fork(scope)
        try {
          await this.bind(node, left, right, item, inner)
          await this.block(this.bodyOf(body), inner)
        } finally {
          release(inner)
        }

        this.armRaised = false
      }

      return true
    } finally {
      this.recording = recording
      this.unroll = outer
    }
  }

  /** `xs[1:]`, `xs[1:2]`, `s[:3]` of a known list or string, with integer bounds (no step): the slice, as Python takes it. */
  private async slice(node: PyNode, container: EvalValue, scope: Scope): Promise<EvalValue | undefined> {
    const keys = node.childrenForFieldName('subscript')
    if (keys.length !== 1 || keys[0].type !== 'slice' || container.kind !== 'known') return undefined
    const v = container.value
    const length = typeof v === 'string' ? v.length : isObj(v) && v.kind === 'list' ? v.items.length : undefined
    if (length === undefined) return undefined
    // The bounds are the slice's named children around its colons; a second colon is a step.
    const parts: (PyNode | undefined)[] = [undefined, undefined]
    let at = 0
    for (const c of keys[0].children) {
      if (c.type === ':') at++
      else if (c.isNamed) parts[at] = c
    }

    if (at > 1) return undefined
    const bound = async (n: PyNode | undefined, dflt: number): Promise<number | undefined> => {
      if (!n) return dflt
      const b = await this.expr(n, scope)
      if (b.kind !== 'known' || typeof b.value !== 'number' || !Number.isInteger(b.value)) return undefined
      return b.value < 0 ? Math.max(0, length + b.value) : Math.min(b.value, length)
    }

    const start = await bound(parts[0], 0)
    const stop = await bound(parts[1], length)
    if (start === undefined || stop === undefined) return this.unknown(node, undefined, container)
    if (typeof v === 'string') return this.known(node, v.slice(start, stop), container)
    return this.known(node, {items: (v as PyList).items.slice(start, stop), kind: 'list'}, container)
  }

  private async subscriptKey(subscript: PyNode, scope: Scope): Promise<string | undefined> {
    const key = await this.subscriptKeyValue(subscript, scope)
    return key?.kind === 'known' && (typeof key.value === 'string' || typeof key.value === 'number') ? String(key.value) : undefined
  }

  private async subscriptKeyValue(subscript: PyNode, scope: Scope): Promise<EvalValue | undefined> {
    const keyNode = subscript.childForFieldName('subscript')
    if (!keyNode || subscript.childrenForFieldName('subscript').length > 1) return undefined
    return this.expr(keyNode, scope)
  }

  /**
   * `contextlib.suppress(ImportError)` (or ModuleNotFoundError, Exception, BaseException among its arguments): the with
   * statement swallows the exception an import in its body raises (contextlib's suppress.__exit__ returns True for a
   * subclass of what it was given: https://github.com/python/cpython/blob/main/Lib/contextlib.py).
   */
  private suppressesImportError(expr: PyNode): boolean {
    const callee = expr.type === 'call' ? expr.childForFieldName('function') : undefined
    if (!callee || this.dotted(callee) !== 'contextlib.suppress') return false
    const argList = expr.childForFieldName('arguments')
    return (argList ? named(argList) : []).some((a) => (a.type === 'identifier' || a.type === 'attribute') && ['ImportError', 'ModuleNotFoundError', 'Exception', 'BaseException'].includes((this.dotted(a) ?? '').replace(/^builtins\./, '')))
  }

  /** Where an import runs: in a function (`within`), or where it may not run or its failure is caught (`guarded`). */
  private importSite(): Pick<PyImport, 'guarded' | 'within'> {
    return {...(this.functionName ? {within: this.functionName} : {}), ...(this.conditionalDepth > 0 || this.tryDepth > 0 ? {guarded: true} : {})}
  }

  private async importStatement(node: PyNode, scope: Scope): Promise<void> {
    const line = this.line(node)
    if (node.type === 'import_statement') {
      // import a.b, c as d
      for (const n of node.childrenForFieldName('name')) {
        if (n.type === 'aliased_import') {
          const path = n.childForFieldName('name')?.text.replaceAll(/\s+/g, '') ?? ''
          const alias = n.childForFieldName('alias')?.text
          if (alias) this.aliases.set(alias, path)
          this.imports.push({level: 0, line, module: path, names: [], ...this.importSite()})
        } else {
          const path = n.text.replaceAll(/\s+/g, '')
          const head = path.split('.')[0]
          this.aliases.set(head, head)
          this.imports.push({level: 0, line, module: path, names: [], ...this.importSite()})
        }
      }

      return
    }

    // from ..a.b import x as y, z | from . import x | from a import * | from __future__ import annotations
    const moduleNode = node.childForFieldName('module_name')
    let level = 0
    let module = node.type === 'future_import_statement' ? '__future__' : ''
    if (moduleNode?.type === 'relative_import') {
      const prefix = named(moduleNode).find((k) => k.type === 'import_prefix')
      level = prefix ? prefix.text.replaceAll(/\s+/g, '').length : 0
      module = named(moduleNode).find((k) => k.type === 'dotted_name')?.text.replaceAll(/\s+/g, '') ?? ''
    } else if (moduleNode) module = moduleNode.text.replaceAll(/\s+/g, '')

    const star = named(node).some((k) => k.type === 'wildcard_import')
    const names: [string, string][] = []
    for (const n of node.childrenForFieldName('name')) {
      if (n.type === 'aliased_import') {
        const name = n.childForFieldName('name')?.text
        const alias = n.childForFieldName('alias')?.text
        if (name && alias) names.push([name, alias])
      } else names.push([n.text, n.text])
    }

    this.imports.push({level, line, module, names: star ? '*' : names.map(([n]) => n), ...this.importSite()})
    const resolved = await this.resolveModule(module, level)
    if (star) {
      if (resolved) for (const [k, v] of resolved) scope.set(k, v)
      return
    }

    for (const [name, as] of names) {
      const v = resolved?.get(name)
      if (v) scope.set(as, v)
      else {
        scope.delete(as)
        this.aliases.set(as, `${'.'.repeat(level)}${module ? `${module}.` : ''}${name}`)
      }
    }
  }

  private async ifStatement(node: PyNode, scope: Scope): Promise<void> {
    // if cond: body (elif cond: body)* (else: body)?
    const branches: {body: PyNode | null; cond?: PyNode}[] = [{body: node.childForFieldName('consequence'), cond: node.childForFieldName('condition') ?? undefined}]
    for (const alt of node.childrenForFieldName('alternative')) {
      if (alt.type === 'elif_clause') branches.push({body: alt.childForFieldName('consequence'), cond: alt.childForFieldName('condition') ?? undefined})
      else branches.push({body: alt.childForFieldName('body')})
    }

    for (const [bi, b] of branches.entries()) {
      if (!b.cond) {
        await this.block(this.bodyOf(b.body), scope)
        return
      }

      const c = await this.expr(b.cond, scope)
      const truth = c.kind === 'known' ? knownTruth(c.value) : undefined
      if (truth !== undefined) {
        if (truth) {
          await this.block(this.bodyOf(b.body), scope)
          return
        }

        continue
      }

      // Undecidable: run every remaining branch in its own scope and merge.
      const rest = branches.slice(bi)
      const hasElse = rest.some((r) => !r.cond)
      const outcomes: Scope[] = []
      const arms: Scope[] = []
      const writesFrom = this.armedWrites.length
      const at = `${this.opts.file}:${node.startIndex}`
      let raised = 0
      this.conditionalDepth++
      try {
        for (const [ri, r] of rest.entries()) {
          const s = fork(scope)
          arms.push(s)
          this.arms.push({at, branch: ri, cond: this.snippet(b.cond), file: this.opts.file, line: this.line(node)})
          try {
            await this.block(this.bodyOf(r.body), s)
          } finally {
            this.arms.pop()
          }

          // An arm that raises does not go on past the `if`: its names are not merged.
          if (this.armRaised) raised++
          else outcomes.push(s)
          this.armRaised = false
        }
      } finally {
        this.conditionalDepth--
      }

      // Every arm raises (one of them always runs): so does the `if`.
      if (hasElse && raised === rest.length && rest.length > 0) {
        if (this.frame && this.conditionalDepth > this.frame.depth) this.armRaised = true
        else if (this.frame) this.frame.returned = this.unknown(node, `every branch of the \`if\` at line ${this.line(node)} raises`)
      }

      if (hasElse) this.settledWrites(writesFrom, at, rest.length)
      if (!hasElse) arms.push(fork(scope))
      if (!hasElse) outcomes.push(arms.at(-1)!)
      // Every merged value is worked out before `scope` changes: a change would first copy it into each arm still reading it.
      const merged: [string, EvalValue][] = []
      for (const name of namesChanged(scope, outcomes)) {
        const values = outcomes.map((s) => s.get(name))
        if (values.every((v) => sameValue(v, values[0]))) {
          if (values[0]) merged.push([name, values[0]])
          continue
        }

        // Dicts changed in place are shared objects; keep them.
        if (values.every((v) => v === scope.get(name))) continue
        // Set in every arm that goes on (or before the `if`): one of the arms' values, which one not decided here.
        const among = values.every((v) => v !== undefined) ? values.flatMap((v) => (v!.kind === 'unknown' && v!.among ? v!.among : [v!])) : undefined
        merged.push([
          name,
          {
            file: this.opts.file,
            kind: 'unknown',
            line: this.line(b.cond),
            missingEnv: mergeMissing(c, ...values),
            reason: `\`${name}\` depends on \`if ${this.snippet(b.cond)}\` (line ${this.line(b.cond)}), which conncalc cannot decide`,
            ...(among ? {among} : {}),
          },
        ])
      }

      for (const s of arms) release(s)
      for (const [name, v] of merged) scope.set(name, v)
      return
    }
  }

  /**
   * A key written in every arm of an undecided `if` that has an `else` is set whichever arm runs: this `if`
   * does not condition it, so it is left to the enclosing arm (or to none). Flagsmith's
   * `if URL: DATABASES["task_processor"] = parse(URL) else: DATABASES["task_processor"] = {…}` inside
   * `if URL or NAME:` depends on the outer `if` only.
   */
  private settledWrites(from: number, at: string, arms: number): void {
    const branches = new Map<Map<string, PyArm>, Map<string, Set<number>>>()
    for (const w of this.armedWrites.slice(from)) {
      if (w.arm.at !== at) continue
      const byKey = branches.get(w.armed) ?? new Map<string, Set<number>>()
      branches.set(w.armed, byKey)
      byKey.set(w.key, (byKey.get(w.key) ?? new Set()).add(w.arm.branch))
    }

    const outer = this.arms.at(-1)
    for (const [armed, byKey] of branches) {
      for (const [key, seen] of byKey) {
        if (seen.size < arms) continue
        if (outer) {
          armed.set(key, outer)
          this.armedWrites.push({arm: outer, armed, key})
        } else armed.delete(key)
      }
    }
  }

  private async classDefinition(node: PyNode, scope: Scope): Promise<void> {
    const nameNode = node.childForFieldName('name')
    const body = node.childForFieldName('body')
    if (!nameNode || !body) return
    const bases: string[] = []
    const attrs = new Map<string, EvalValue>()
    const argList = node.childForFieldName('superclasses')
    for (const b of argList ? named(argList) : []) {
      if (b.type !== 'identifier' && b.type !== 'attribute') continue
      const text = b.text.replaceAll(/\s+/g, '')
      bases.push(this.qualify(text))
      const base = scope.get(text)
      if (base?.kind === 'known' && isObj(base.value) && base.value.kind === 'class') {
        for (const [k, v] of base.value.attrs) attrs.set(k, v)
        append(bases, base.value.bases)
      }
    }

    // Class bodies run at import time: evaluate in a scope that sees the module's names.
    const before = fork(scope)
    for (const [k, v] of attrs) before.set(k, v)
    const classScope = fork(before)
    const outerClass = this.className
    const outerBases = this.classBases
    this.className = nameNode.text
    this.classBases = bases
    try {
      await this.block(this.bodyOf(body), classScope)
      for (const [k, v] of classScope) if (before.get(k) !== v || attrs.has(k)) attrs.set(k, v)
    } finally {
      this.className = outerClass
      this.classBases = outerBases
      // Its methods keep it (capture): then it stays, and so does `before`, which it reads through.
      release(classScope)
      release(before)
    }

    const inherited = argList ? named(argList).map((b) => scope.get(b.text.replaceAll(/\s+/g, ''))).find((v) => v?.kind === 'known' && isObj(v.value) && v.value.kind === 'class' && v.value.settings) : undefined
    const settings = bases.some((b) => b.endsWith('BaseSettings')) ? settingsMeta(body, this.opts.file, inherited?.kind === 'known' ? (inherited.value as PyClass).settings : undefined) : undefined
    const cls: PyClass = {attrs, bases, kind: 'class', name: nameNode.text, ...(settings ? {settings} : {})}
    scope.set(cls.name, this.known(node, cls))
  }

  // ---- expressions ------------------------------------------------------

  /** `a.b.c` → "a.b.c" with the first segment import-qualified; undefined for other shapes. */
  private dotted(node: PyNode): string | undefined {
    if (node.type === 'identifier') return this.qualify(node.text)
    if (node.type === 'attribute') {
      const obj = node.childForFieldName('object')
      const base = obj && this.dotted(obj)
      const prop = node.childForFieldName('attribute')
      return base && prop ? flaskExt(`${base}.${prop.text}`) : undefined
    }

    return undefined
  }

  private qualify(text: string): string {
    const [head, ...rest] = text.split('.')
    const full = this.aliases.get(head)
    return flaskExt(full ? [full, ...rest].join('.') : text)
  }

  async expr(node: PyNode, scope: Scope): Promise<EvalValue> {
    switch (node.type) {
      case 'integer':
      case 'float': {
        const n = numberLiteral(node.text)
        return n === undefined ? this.unknown(node) : this.known(node, n)
      }

      case 'string': {
        if (named(node).some((k) => k.type === 'interpolation')) return this.fString(node, scope)
        const s = stringLiteral(node.text)
        return s === undefined ? this.unknown(node) : this.known(node, s)
      }

      case 'concatenated_string': {
        const parts = await this.each(named(node), scope)
        const strs = parts.map((p) => asString(p))
        return strs.every((s) => s !== undefined) ? this.known(node, strs.join(''), ...parts) : this.unknown(node, undefined, ...parts)
      }

      case 'true':
      case 'false': {
        return this.known(node, node.type === 'true')
      }

      case 'none': {
        return this.known(node, null)
      }

      case 'identifier': {
        const name = node.text
        const v = scope.get(name)
        // A parameter read in the body: unknown where it is read (the diagnostic points at the use, not the `def`).
        if (v && PARAMETERS.has(v)) return {...this.unknown(node, v.kind === 'unknown' ? v.reason : undefined), ...(v.kind === 'unknown' && v.parameter ? {parameter: v.parameter, parameterOf: v.parameterOf, ...(v.keywords ? {keywords: true as const} : {})} : {})}
        if (v) return v
        const imported = this.aliases.get(name)
        if (imported === 'sys.argv' && this.argv()) return this.argvValue(node)
        if (!imported && CONVERSIONS.has(name)) {
          const fn: PyFunction = {defaults: new Map(), invoke: async (args) => this.conversion(node, name, args[0]), kind: 'function', name, params: ['x'], scope: new Map()}
          return this.known(node, fn)
        }

        return {...this.unknown(node, imported ? `\`${name}\` is imported from ${imported}, which conncalc does not read` : `\`${name}\` is not defined before line ${this.line(node)}`), name: this.qualify(name)}
      }

      case 'parenthesized_expression': {
        const inner = named(node)[0]
        return inner ? this.expr(inner, scope) : this.unknown(node)
      }

      case 'tuple':
      case 'expression_list':
      case 'list':
      case 'set': {
        const parts = named(node)
        if (parts.some((p) => p.type === 'list_splat')) return this.unknown(node, undefined, ...(await this.each(parts.filter((p) => p.type !== 'list_splat'), scope)))
        return this.known(node, {items: await this.each(parts, scope), kind: 'list'})
      }

      case 'dictionary': {
        return this.dict(node, scope)
      }

      case 'unary_operator': {
        const op = node.childForFieldName('operator')!.text
        const v = await this.expr(node.childForFieldName('argument')!, scope)
        if (v.kind !== 'known') return v
        if (typeof v.value !== 'number') return this.unknown(node, undefined, v)
        return this.known(node, op === '-' ? -v.value : op === '~' ? ~v.value : v.value, v)
      }

      case 'not_operator': {
        const v = await this.expr(node.childForFieldName('argument')!, scope)
        if (v.kind !== 'known') return v
        return isObj(v.value) ? this.unknown(node, undefined, v) : this.known(node, !truthy(v.value), v)
      }

      case 'binary_operator':
      case 'boolean_operator': {
        return this.binary(node, node.childForFieldName('left')!, node.childForFieldName('operator')!.text, node.childForFieldName('right')!, scope)
      }

      case 'comparison_operator': {
        return this.comparison(node, scope)
      }

      case 'conditional_expression': {
        const [a, cond, b] = named(node)
        const c = await this.expr(cond, scope)
        // A list, dict or instance is decided as `if` decides it (knownTruth): `x.url if x.provider else None`.
        const truth = c.kind === 'known' ? knownTruth(c.value) : undefined
        if (c.kind !== 'known' || truth === undefined) {
          const [x, y] = await this.each([a, b], scope)
          if (sameValue(x, y)) return x
          const among = [x, y].flatMap((v) => (v.kind === 'unknown' && v.among ? v.among : [v]))
          return {...this.unknown(node, `\`${this.snippet(node)}\` depends on a condition conncalc cannot decide`, c), among}
        }

        const chosen = await this.expr(truth ? a : b, scope)
        return chosen.kind === 'known' ? {...chosen, via: mergeVia(chosen, c), ...(mergeMissing(chosen, c) ? {missingEnv: mergeMissing(chosen, c)} : {})} : chosen
      }

      case 'named_expression': {
        // `(n := expr)`: the value, and the name bound to it.
        const v = await this.expr(node.childForFieldName('value')!, scope)
        const name = node.childForFieldName('name')
        if (name) scope.set(name.text, v)
        return v
      }

      case 'attribute': {
        return this.attribute(node, scope)
      }

      case 'subscript': {
        return this.subscript(node, scope)
      }

      case 'call': {
        return this.call(node, scope)
      }

      case 'dictionary_comprehension':
      case 'list_comprehension': {
        // Its calls are collected as for any loop (once, conditional); then, over a known list or dict, it is evaluated.
        await this.collectCalls(node, scope)
        const recording = this.recording
        this.recording = false
        try {
          return (await this.comprehension(node, scope)) ?? this.unknown(node)
        } finally {
          this.recording = recording
        }
      }

      default: {
        // Set comprehensions, generators, lambdas, await, yield, …: not evaluated; the calls inside are still collected, as conditional.
        await this.collectCalls(node, scope)
        return this.unknown(node)
      }
    }
  }

  /**
   * `{k: v for k, v in cfg.items() if not k.startswith("_")}`, `[x for x in xs if x]`: evaluated when each `for`
   * runs over a known list or dict (its keys) of at most MAX_COMPREHENSION items, binding its target as an
   * assignment does. An `if` conncalc cannot decide for an item makes a dict partial (that key may be missing)
   * and a list unknown; undefined when an iterable is not known.
   */
  private async comprehension(node: PyNode, scope: Scope): Promise<EvalValue | undefined> {
    const body = node.childForFieldName('body')
    const clauses = named(node).filter((c) => c.type === 'for_in_clause' || c.type === 'if_clause')
    if (!body || clauses[0]?.type !== 'for_in_clause') return undefined
    const isDictBody = node.type === 'dictionary_comprehension'
    const entries = new Map<string, EvalValue>()
    const items: EvalValue[] = []
    const from: EvalValue[] = []
    let partial = false
    let count = 0
    const walk = async (i: number, env: Scope): Promise<boolean> => {
      const clause = clauses[i]
      if (!clause) {
        if (++count > MAX_COMPREHENSION) return false
        if (!isDictBody) {
          items.push(await this.expr(body, env))
          return true
        }

        const keyNode = body.childForFieldName('key')
        const valueNode = body.childForFieldName('value')
        if (body.type !== 'pair' || !keyNode || !valueNode) return false
        const key = await this.expr(keyNode, env)
        if (key.kind === 'known' && (typeof key.value === 'string' || typeof key.value === 'number')) entries.set(String(key.value), await this.expr(valueNode, env))
        else partial = true
        return true
      }

      if (clause.type === 'if_clause') {
        const c = await this.expr(named(clause)[0], env)
        const truth = c.kind === 'known' ? knownTruth(c.value) : undefined
        if (truth === false) return true
        if (truth === undefined) {
          if (!isDictBody) return false
          partial = true
          return true
        }

        from.push(c)
        return walk(i + 1, env)
      }

      const left = clause.childForFieldName('left')
      const right = clause.childForFieldName('right')
      if (!left || !right || named(clause).length > 2) return false
      const iterable = await this.expr(right, env)
      const list = iterable.kind === 'known' && isObj(iterable.value) ? (iterable.value.kind === 'list' ? iterable.value.items : iterable.value.kind === 'dict' && !iterable.value.partial ? [...iterable.value.entries.keys()].map((k) => ({...iterable, value: k})) : undefined) : undefined
      if (!list) return false
      from.push(iterable)
      for (const item of list) {
        const inner = fork(env)
        try {
          await this.bind(clause, left, right, item, inner)
          if (!(await walk(i + 1, inner))) return false
        } finally {
          release(inner)
        }
      }

      return true
    }

    const top = fork(scope)
    try {
      if (!(await walk(0, top))) return undefined
    } finally {
      release(top)
    }

    if (!isDictBody) return this.known(node, {items, kind: 'list'}, ...from)
    return this.known(node, {entries, kind: 'dict', ...(partial ? {partial} : {})}, ...from)
  }

  /** The calls inside an expression conncalc does not evaluate, recorded as conditional. */
  private async collectCalls(node: PyNode, scope: Scope): Promise<void> {
    if (!this.recording) return
    const calls = node.descendantsOfType('call')
    if (calls.length === 0) return
    this.conditionalDepth++
    try {
      // Outermost calls only: each evaluates (and records) its own arguments. A comprehension's calls run once per item.
      for (const c of calls) {
        if (hasAncestorIn(c, node, 'call')) continue
        const loops = COMPREHENSIONS.includes(node.type) || COMPREHENSIONS.some((t) => hasAncestorIn(c, node, t))
        if (loops) this.loopDepth++
        try {
          const s = fork(scope)
          try {
            await this.call(c, s)
          } finally {
            release(s)
          }
        } finally {
          if (loops) this.loopDepth--
        }
      }
    } finally {
      this.conditionalDepth--
    }
  }

  private async dict(node: PyNode, scope: Scope): Promise<EvalValue> {
    const entries = new Map<string, EvalValue>()
    let partial = false
    let server: string | undefined
    for (const part of named(node)) {
      if (part.type === 'dictionary_splat') {
        const spread = await this.expr(named(part)[0], scope)
        if (isDict(spread)) {
          for (const [k, v] of spread.value.entries) entries.set(k, v)
          server = spread.value.server ?? server
        } else partial = true
        continue
      }

      if (part.type !== 'pair') continue
      const key = await this.expr(part.childForFieldName('key')!, scope)
      const value = await this.expr(part.childForFieldName('value')!, scope)
      if (key.kind === 'known' && (typeof key.value === 'string' || typeof key.value === 'number')) entries.set(String(key.value), value)
      else partial = true
    }

    return this.known(node, {entries, kind: 'dict', ...(partial ? {partial} : {}), ...(server ? {server} : {})})
  }

  /** `f"{cmd} --port {port}"`: each replacement is str() of its value; a format spec or !r/!a is not evaluated. */
  private async fString(node: PyNode, scope: Scope): Promise<EvalValue> {
    let prefix = ''
    const parts: string[] = []
    const from: EvalValue[] = []
    for (const k of node.children) {
      if (k.type === 'string_start') prefix = k.text.replace(/["']+$/, '').toLowerCase()
      else if (k.type === 'string_content' || k.type === 'escape_sequence' || k.type === 'escape_interpolation') {
        const text = k.text.replaceAll('{{', '{').replaceAll('}}', '}')
        parts.push(prefix.includes('r') ? text : (stringLiteral(`"${text}"`) ?? text))
      } else if (k.type === 'interpolation') {
        const spec = k.childForFieldName('format_specifier')
        const conversion = k.childForFieldName('type_conversion')
        if (spec || (conversion && conversion.text !== '!s')) return this.unknown(node, `\`${this.snippet(k)}\` in the f-string \`${this.snippet(node)}\` is formatted in a way conncalc does not evaluate`)
        const v = await this.expr(k.childForFieldName('expression')!, scope)
        from.push(v)
        const text = v.kind === 'known' ? pyStr(v.value) : undefined
        if (text === undefined) return this.startingWith(this.unknown(node, `\`${this.snippet(k)}\` in the f-string \`${this.snippet(node)}\` is not a plain value`, v), parts.join(''), v)
        parts.push(text)
      }
    }

    return this.known(node, parts.join(''), ...from)
  }

  /** An unknown string that begins with `known` text, then with `rest`'s own known beginning (a nested f-string). */
  private startingWith(u: UnknownValue, known: string, rest: EvalValue): UnknownValue {
    const prefix = known + (rest.kind === 'unknown' ? (rest.textPrefix ?? '') : '')
    return prefix === '' ? u : {...u, textPrefix: prefix}
  }

  private arith(node: PyNode, op: string, a: EvalValue, b: EvalValue): EvalValue {
    // `"postgresql://" + rest`: the text it begins with is known.
    if (op === '+' && a.kind === 'known' && typeof a.value === 'string' && (b.kind === 'unknown' || isCall(b))) return this.startingWith(this.unknown(node, undefined, a, b), a.value, b)
    if (op === '+' && a.kind === 'unknown' && a.textPrefix !== undefined && (b.kind === 'unknown' || typeof b.value === 'string' || isCall(b))) return this.startingWith(this.unknown(node, undefined, a, b), '', a)
    if (a.kind !== 'known' || b.kind !== 'known') return this.unknown(node, undefined, a, b)
    const x = a.value
    const y = b.value
    // `"gunicorn -w %s" % workers`, `"%s:%d" % (host, port)`: %s, %d, %i and %% only.
    if (typeof x === 'string' && op === '%') {
      const values = isObj(y) && y.kind === 'list' ? y.items : [b]
      let next = 0
      let ok = !/%[^%sdi]/.test(x.replaceAll('%%', ''))
      const text = x.replaceAll(/%([%sdi])/g, (_, c: string) => {
        if (c === '%') return '%'
        const v = values[next++]
        const value = v?.kind === 'known' ? v.value : undefined
        const t = value === undefined || (c !== 's' && !(typeof value === 'number' && Number.isInteger(value))) ? undefined : pyStr(value)
        if (t === undefined) ok = false
        return t ?? ''
      })
      if (ok && next === values.length) return this.known(node, text, a, ...values)
      const u = this.unknown(node, `\`${this.snippet(node)}\` formats with % in a way conncalc does not evaluate`, a, b)
      const cut = x.search(/%(?!%)/)
      return cut > 0 && !x.slice(0, cut).includes('%') ? {...u, textPrefix: x.slice(0, cut)} : u
    }

    if (typeof x === 'string' && typeof y === 'string' && op === '+') return this.known(node, x + y, a, b)
    // `DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS`, `INSTALLED_APPS += [...]`: lists (and tuples) concatenate.
    if (op === '+' && isObj(x) && isObj(y) && x.kind === 'list' && y.kind === 'list') return this.known(node, {items: [...x.items, ...y.items], kind: 'list'}, a, b)
    if (typeof x !== 'number' || typeof y !== 'number') {
      const bad = typeof x === 'number' ? b : a
      const what = bad.kind === 'known' && typeof bad.value === 'string' ? `the string ${JSON.stringify(bad.value)}` : `\`${this.snippet(node)}\``
      return this.unknown(node, `${what} is not a number in \`${this.snippet(node)}\` (missing int()?)`, a, b)
    }

    const ops: Record<string, () => number | undefined> = {
      '%': () => (y === 0 ? undefined : ((x % y) + y) % y),
      '*': () => x * y,
      '**': () => x ** y,
      '+': () => x + y,
      '-': () => x - y,
      '/': () => (y === 0 ? undefined : x / y),
      '//': () => (y === 0 ? undefined : Math.floor(x / y)),
    }
    const r = ops[op]?.()
    return r === undefined || !Number.isFinite(r) ? this.unknown(node, undefined, a, b) : this.known(node, r, a, b)
  }

  private async binary(node: PyNode, left: PyNode, opText: string, right: PyNode, scope: Scope): Promise<EvalValue> {
    const a = await this.expr(left, scope)
    if (opText === 'or' || opText === 'and') {
      if (a.kind !== 'known' || isObj(a.value)) {
        const b = await this.expr(right, scope)
        return this.unknown(node, undefined, a, b)
      }

      const takeLeft = opText === 'or' ? truthy(a.value) : !truthy(a.value)
      if (takeLeft) return a
      const b = await this.expr(right, scope)
      // `os.environ.get("X") or 2`: the env read that fell through still explains the value.
      return b.kind === 'known' ? {...b, via: mergeVia(a, b), ...(mergeMissing(a, b) ? {missingEnv: mergeMissing(a, b)} : {})} : b
    }

    const b = await this.expr(right, scope)
    return this.arith(node, opText, a, b)
  }

  /** `a < b`, `x in y`, `a is not None`; a chain `a < b < c` is each pair, and-ed. */
  private async comparison(node: PyNode, scope: Scope): Promise<EvalValue> {
    const operands = named(node)
    const ops = node.childrenForFieldName('operators').map((o) => o.text.replaceAll(/\s+/g, ' '))
    let result: EvalValue | undefined
    for (const [i, opText] of ops.entries()) {
      const r = await this.compare(node, operands[i], opText, operands[i + 1], scope)
      if (r.kind !== 'known' || r.value === false) return r
      result = result ? this.known(node, true, result, r) : r
    }

    return result ?? this.unknown(node)
  }

  private async compare(node: PyNode, left: PyNode, opText: string, right: PyNode, scope: Scope): Promise<EvalValue> {
    if (opText === 'in' || opText === 'not in') return this.membership(node, left, right, opText === 'not in', scope)
    const a = await this.expr(left, scope)
    const b = await this.expr(right, scope)
    // `type_cast is not None`: any object is not None.
    if ((opText === 'is' || opText === 'is not') && a.kind === 'known' && b.kind === 'known' && (a.value === null || b.value === null)) {
      return this.known(node, (a.value === b.value) === (opText === 'is'), a, b)
    }

    // `sys.argv[1:2] == ["test"]`: lists of known scalars are equal item by item.
    if ((opText === '==' || opText === '!=') && a.kind === 'known' && b.kind === 'known' && isObj(a.value) && isObj(b.value) && a.value.kind === 'list' && b.value.kind === 'list') {
      const xs = a.value.items
      const ys = b.value.items
      const scalar = (i: EvalValue): boolean => i.kind === 'known' && !isObj(i.value)
      if (xs.every(scalar) && ys.every(scalar)) return this.known(node, (xs.length === ys.length && xs.every((x, i) => sameValue(x, ys[i]))) === (opText === '=='), a, b)
    }

    if (a.kind !== 'known' || b.kind !== 'known' || isObj(a.value) || isObj(b.value)) return this.unknown(node, undefined, a, b)
    const x = a.value
    const y = b.value
    const cmp: Record<string, () => boolean | undefined> = {
      '!=': () => x !== y,
      '<': () => (typeof x === 'number' && typeof y === 'number' ? x < y : undefined),
      '<=': () => (typeof x === 'number' && typeof y === 'number' ? x <= y : undefined),
      '==': () => x === y,
      '>': () => (typeof x === 'number' && typeof y === 'number' ? x > y : undefined),
      '>=': () => (typeof x === 'number' && typeof y === 'number' ? x >= y : undefined),
      is: () => x === y,
      'is not': () => x !== y,
    }
    const r = cmp[opText]?.()
    return r === undefined ? this.unknown(node, undefined, a, b) : this.known(node, r, a, b)
  }

  /** `x in y`: a list or tuple, a dict's keys, a substring, or `"X" in os.environ`. */
  private async membership(node: PyNode, left: PyNode, right: PyNode, negate: boolean, scope: Scope): Promise<EvalValue> {
    const a = await this.expr(left, scope)
    const path = this.dotted(right)
    if (path === 'os.environ' || path === 'environ') {
      const name = asString(a)
      if (name === undefined) return this.unknown(node, undefined, a)
      const e = this.env(name)
      const known = e !== undefined || name === 'DATABASE_URL'
      const via = e ? [e.source] : name === 'DATABASE_URL' ? [DATABASE_URL_ASSUMED] : []
      // An env var nobody set is taken as unset, as for os.environ.get without a default.
      return {...this.known(node, known !== negate, a), via: uniqueSources([via])}
    }

    const b = await this.expr(right, scope)
    if (a.kind !== 'known' || b.kind !== 'known') return this.unknown(node, undefined, a, b)
    const x = a.value
    const y = b.value
    let r: boolean | undefined
    if (typeof y === 'string' && typeof x === 'string') r = y.includes(x)
    else if (isObj(y) && y.kind === 'list' && !isObj(x)) r = y.items.every((i) => i.kind === 'known') ? y.items.some((i) => sameValue(i, a)) : undefined
    else if (isObj(y) && y.kind === 'dict' && (typeof x === 'string' || typeof x === 'number')) r = y.entries.has(String(x)) ? true : y.partial ? undefined : false
    return r === undefined ? this.unknown(node, undefined, a, b) : this.known(node, r !== negate, a, b)
  }

  private async subscript(node: PyNode, scope: Scope): Promise<EvalValue> {
    const base = node.childForFieldName('value')!
    const path = this.dotted(base)
    if (path === 'os.environ' || path === 'environ') {
      const key = await this.subscriptKey(node, scope)
      if (key === undefined) return this.unknown(node)
      return this.envRead(node, key, undefined, true)
    }

    const container = await this.expr(base, scope)
    const sliced = await this.slice(node, container, scope)
    if (sliced) return sliced
    const keyValue = await this.subscriptKeyValue(node, scope)
    const key = keyValue && keyValue.kind === 'known' && (typeof keyValue.value === 'string' || typeof keyValue.value === 'number') ? String(keyValue.value) : undefined
    // `options["workers"]` of a `**options` parameter: the keyword argument its caller passes (bound-arguments.ts).
    if (container.kind === 'unknown' && container.keywords && container.parameterOf && key !== undefined) return this.keywordItem(node, container, key)
    if (isDict(container) && key !== undefined) {
      const v = container.value.entries.get(key)
      // The key fell back past env vars with no value here (`config[os.getenv("FLASK_CONFIG") or "default"]`): so did the value.
      const missing = mergeMissing(v, keyValue)
      if (v?.kind === 'known' && missing && !v.missingEnv) return {...v, missingEnv: missing}
      return v ?? this.unknown(node, `${JSON.stringify(key)} is not a key of the dict at line ${container.line}`)
    }

    // A dict of the app's indexed by a key not decided here (`config[config_name]`, `configs[os.environ["ENV"]]`): one of its
    // values, which one unknown; computed from the key's parameter or env var, so a caller or the env may still decide it.
    if (isDict(container) && keyValue && !container.value.partial && container.value.entries.size > 0) {
      const why = keyValue.kind === 'unknown' ? keyValue.reason : keyValue.missingEnv?.length ? `${keyValue.missingEnv.map((m) => m.name).join(', ')} is not set anywhere` : `its key is ${JSON.stringify(keyValue.value)}`
      const {among: _among, name: _name, ...from} = keyValue.kind === 'unknown' ? keyValue : {}
      return {...from, ...this.unknown(node, `\`${this.snippet(node)}\` is one of the values of the dict at line ${container.line}, and which one is not decided here (${why})`), ...(keyValue.missingEnv ? {missingEnv: keyValue.missingEnv} : {}), among: [...container.value.entries.values()]}
    }

    if (container.kind === 'known' && isObj(container.value) && container.value.kind === 'list' && key !== undefined) {
      const i = Number(key)
      const items = container.value.items
      const item = items[i < 0 ? items.length + i : i]
      if (item) return item
    }

    return this.unknown(node, undefined, container)
  }

  private async attribute(node: PyNode, scope: Scope): Promise<EvalValue> {
    const prop = node.childForFieldName('attribute')
    const base = node.childForFieldName('object')
    if (!prop || !base) return this.unknown(node)
    const name = prop.text
    if (name === 'argv' && base.type === 'identifier' && !scope.has(base.text) && this.aliases.get(base.text) === 'sys' && this.argv()) return this.argvValue(node)
    // `from drudge import settings` … `settings.POOL_MAX`: a module of the app imported by name (not a name its
    // package defines) is read for the attribute; an installed package's module stays unknown.
    if (base.type === 'identifier' && !scope.has(base.text)) {
      const imported = this.aliases.get(base.text)
      const dots = imported === undefined ? 0 : /^\.*/.exec(imported)![0].length
      const names = imported === undefined ? undefined : await this.resolveModule(imported.slice(dots), dots)
      const v = names?.get(name)
      if (v) return v
    }

    const obj = base.type === 'identifier' && !scope.has(base.text) ? undefined : await this.expr(base, scope)
    if (obj?.kind === 'known' && isObj(obj.value)) {
      if (obj.value.kind === 'class') return obj.value.attrs.get(name) ?? this.unknown(node, `class ${obj.value.name} has no attribute \`${name}\``)
      if (obj.value.kind === 'instance') {
        // A property of the app's class (`def pool_size(self): return self.workers * 2`): its body, with this instance as self.
        const declared = obj.value.cls.attrs.get(name)
        const getter = declared?.kind === 'known' && isObj(declared.value) && declared.value.kind === 'function' && declared.value.property ? declared.value : undefined
        if (getter && getter.params.length >= 1) return getter.invoke([obj], {})
        return this.instanceAttr(node, obj.value, name)
      }
    }

    // `pool.NullPool`, `sqlalchemy.pool.NullPool` of a module imported by name: unknown, with the name it is written as.
    if (obj === undefined || (obj.kind === 'unknown' && obj.name !== undefined)) {
      const dotted = this.dotted(node)
      return {...this.unknown(node, undefined, obj), ...(dotted ? {name: dotted} : {})}
    }

    return this.unknown(node, undefined, obj)
  }

  /** `sys.argv`: the process's command line (PyEvalOptions.argv), a list of strings. */
  private argvValue(node: PyNode): EvalValue {
    const argv = this.argv() ?? []
    const via: Source[] = [fromDefault(`sys.argv of this process: ${JSON.stringify(argv)} (its command line)`, SYS_ARGV)]
    const item = (s: string): EvalValue => ({file: this.opts.file, kind: 'known', line: this.line(node), value: s, via})
    return {file: this.opts.file, kind: 'known', line: this.line(node), value: {items: argv.map((a) => item(a)), kind: 'list'}, via}
  }

  /**
   * An attribute of an instance; a pydantic BaseSettings field is read from its env var (settingsMeta: `env_prefix` +
   * the name, or its alias; without case, pydantic-settings' case_sensitive=False), else its default; one a validator
   * or `__init__` may change is not known.
   */
  private instanceAttr(node: PyNode, inst: PyInstance, name: string): EvalValue {
    const own = inst.attrs?.get(name)
    if (own) return own
    const declared = inst.cls.attrs.get(name)
    const caseless = (n: string): ReturnType<Evaluator['env']> => this.env(n) ?? this.env(n.toUpperCase()) ?? this.env(n.toLowerCase())
    // A field of a nested model under a BaseSettings with env_nested_delimiter: `DB__POOL_SIZE` over its default.
    const nested = inst.nestedEnv
    if (nested) {
      const e = caseless(`${nested.prefix}${name}`)
      if (e?.unknown) return {file: this.opts.file, kind: 'unknown', line: this.line(node), reason: e.unknown}
      if (e) return {file: this.opts.file, kind: 'known', line: this.line(node), value: e.value, via: [e.source, fromDefault(`pydantic-settings reads a nested model's field from ${`${nested.prefix}${name}`.toUpperCase()} (env_nested_delimiter "${nested.delimiter}")`, PYDANTIC_SETTINGS_SOURCES)]}
      const inner = instanceOf(declared)
      if (declared && inner) return {...declared, value: {...inner, nestedEnv: {delimiter: nested.delimiter, prefix: `${nested.prefix}${name}${nested.delimiter}`}}} as EvalValue
    }

    if (inst.cls.bases.some((b) => b.endsWith('BaseSettings'))) {
      const meta = inst.cls.settings
      const changed = meta?.changed.get(name)
      if (changed) return this.unknown(node, changed)
      if (meta?.prefixUnknown && meta.env.get(name) === undefined && meta.choices?.get(name) === undefined) return this.unknown(node, meta.prefixUnknown)
      const envName = meta?.env.get(name) ?? `${meta?.prefix ?? ''}${name}`
      // AliasChoices: the first of its env vars that is set (pydantic-settings tries them in order).
      const names = meta?.choices?.get(name) ?? [envName]
      const e = names.map((n) => caseless(n)).find((x) => x !== undefined)
      if (e?.unknown) return {file: this.opts.file, kind: 'unknown', line: this.line(node), reason: e.unknown}
      // `threads: int`: pydantic validates the env string into the field's type (a number for int / float fields).
      const value = meta?.numeric?.has(name) && /^\s*-?\d+(\.\d+)?\s*$/.test(e?.value ?? '') ? Number(e!.value) : e?.value
      if (e) return {file: this.opts.file, kind: 'known', line: this.line(node), value: value!, via: names.length > 1 ? [e.source, fromDefault(`${name}'s AliasChoices(${names.join(', ')}): the first one set is read`, PYDANTIC_SETTINGS_SOURCES)] : [e.source]}
      // `env_file`: the settings class reads the file (when the app ships it) for a field no env var sets.
      const fromFile = meta?.envFile ? this.settingsEnvFile(meta.envFile, names) : undefined
      if (fromFile?.unknown) return {file: this.opts.file, kind: 'unknown', line: this.line(node), reason: fromFile.unknown}
      if (fromFile) {
        const v = meta?.numeric?.has(name) && /^\s*-?\d+(\.\d+)?\s*$/.test(fromFile.value) ? Number(fromFile.value) : fromFile.value
        return {file: this.opts.file, kind: 'known', line: this.line(node), value: v, via: [...entrySources(fromFile), fromDefault(`pydantic-settings reads env_file (${meta!.envFile!.at}) for a field no env var sets`, PYDANTIC_SETTINGS_SOURCES)]}
      }

      // A nested model (`db: DbSettings = DbSettings()`) with env_nested_delimiter: its fields are read under `DB__`.
      const inner = instanceOf(declared)
      if (meta?.nested && declared && inner) return {...declared, value: {...inner, nestedEnv: {delimiter: meta.nested, prefix: `${envName}${meta.nested}`}}} as EvalValue
      // `pool_size: int = Field(5, …)` / `Field(default=5)`: the default (pydantic fields.py Field); default_factory is not run.
      const field = declared?.kind === 'known' && isObj(declared.value) && declared.value.kind === 'call' && /(^|\.)Field$/.test(declared.value.callee) ? declared.value : undefined
      if (field) return field.kwargs.default ?? (field.kwargs.default_factory ? this.unknown(node, `${name} comes from its Field's default_factory, which conncalc does not run`) : (field.args[0] ?? this.unknown(node, `${name} has no default and no env var ${envName} sets it`)))
    }

    return declared ?? this.unknown(node, `${inst.cls.name} has no attribute \`${name}\` conncalc can read`)
  }

  /**
   * `load_dotenv(...)`, `read_dotenv(...)`, `Env.read_env(...)` (ENV_FILE_LOADERS): the env file it names (else the one its
   * library looks for), when the app ships it, goes into os.environ for the rest of the process (env-files.ts). A path
   * conncalc cannot evaluate (`os.path.join(BASE_DIR, ".env")`) is taken as the file its string literals name, found
   * in the calling file's folder or one above it (said in each value's source). Not done where the call may not run: a
   * function body walked at its `def`; under an undecided `if` other than a test that the file exists, the file's
   * variables are unknown (set only when that condition holds).
   */
  private async loadEnvFile(node: PyNode, argNode: PyNode, loader: EnvFileLoader, args: EvalValue[], kwargs: Record<string, EvalValue>): Promise<void> {
    const run = this.run()
    if (this.speculating > 0 || !run.envFile || !run.loadEnvFile || kwargs.stream) return
    const at = `${this.opts.file}:${this.line(node)}`
    const dir = this.opts.file.includes('/') ? this.opts.file.slice(0, this.opts.file.lastIndexOf('/')) : ''
    const parents = (from: string): string[] => {
      const out = [from]
      for (let d = from; d !== ''; ) out.push((d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : ''))
      return out
    }

    const ignored: string[] = []
    // The first of `paths` the deploy has (a gitignored one is not on the dyno: the search goes on past it).
    const first = (paths: (string | undefined)[]): {entries: EnvEntry[]; path: string} | undefined => {
      for (const p of paths) {
        if (p === undefined) continue
        const got = run.envFile!(p)
        if (got && 'entries' in got) return got
        if (got) ignored.push(`${got.path} (kept out of git by ${got.ignoredBy})`)
      }

      return undefined
    }

    const argText = named(argNode).find((p) => p.type !== 'keyword_argument' || p.childForFieldName('name')?.text === loader.pathKw)
    const pathNode = argText?.type === 'keyword_argument' ? argText.childForFieldName('value') : argText
    const given = args[0] ?? kwargs[loader.pathKw]
    let found: {entries: EnvEntry[]; path: string} | undefined
    let how: string
    const finder = isCall(given) && /(^|\.)find_dotenv$/.test(given.value.callee) ? given.value : undefined
    if (given === undefined || (given.kind === 'known' && given.value === null) || finder) {
      // python-dotenv: find_dotenv() walks up from the calling file's folder (from the cwd with usecwd=True);
      // django-dotenv and django-environ look next to the calling file only.
      const name = asString(finder?.args[0] ?? finder?.kwargs.filename) ?? '.env'
      const usecwd = finder?.kwargs.usecwd?.kind === 'known' && finder.kwargs.usecwd.value === true
      found = first(usecwd ? [name] : loader.search === 'up' || finder ? parents(dir).map((d) => joinPath(d, name)) : [joinPath(dir, name)])
      how = `the ${name} ${usecwd ? 'in the working folder' : loader.search === 'up' || finder ? `found from ${dir || 'the app root'} upward` : `next to ${this.opts.file}`}`
    } else if (asString(given) !== undefined) {
      // A relative path is opened from the working folder (the app root); Heroku's /app/ is the root.
      const p = asString(given)!.replace(/^\/app\//, '').replace(/^\.\//, '')
      if (p.startsWith('/')) return
      found = first([p])
      how = p
    } else {
      // The string literals of the expression, joined as the path they end with: `BASE_DIR / "config" / ".env"`.
      const literals = pathNode ? [...pathNode.text.matchAll(/(?<![\w}])[rRuU]?(["'])([^"'{}\n]*)\1/g)].map((m) => m[2]).filter((l) => l !== '' && l !== '/') : []
      const fstring = pathNode ? /\}\/?([\w./-]+)["']\s*\)?\s*$/.exec(pathNode.text)?.[1] : undefined
      const rel = fstring ?? (literals.length > 0 ? literals.map((l) => l.replace(/^\/+|\/+$/g, '')).join('/') : undefined)
      if (!rel || rel.startsWith('..')) return
      found = first(parents(dir).map((d) => joinPath(d, rel)))
      how = `\`${pathNode!.text.slice(0, 60)}\`, taken as ${found?.path ?? rel} (the ${rel} found from ${dir || 'the app root'} upward)`
    }

    for (const i of ignored) this.diagnostics.push({code: 'missing-config', file: this.opts.file, line: this.line(node), message: `${at} loads ${i}: a git-based deploy does not have it, so its values are not read`, severity: 'info'})
    if (!found) return
    const override = [kwargs[loader.overrideKw], args[loader.overrideAt]].some((v) => v?.kind === 'known' && v.value === true)
    const maybe = this.arms.filter((a) => !/\b(?:exists|isfile|is_file|access)\s*\(/.test(a.cond))
    const note = fromDefault(`${loader.lib} at ${at} loads ${how} into os.environ${override ? ', replacing variables already set' : '; a variable already set keeps its value'}`, loader.ref)
    const interpolateOff = [kwargs.interpolate, args[4]].some((v) => v?.kind === 'known' && v.value === false)
    const read = loader.interpolates && !interpolateOff ? interpolateDotenv(found.entries, override, found.path, (n) => this.osEnviron(n)) : found.entries
    const entries = read.map((e): EnvEntry => {
      if (e.unknown) return e
      // Loaded under a condition conncalc cannot decide: taken as loaded (the larger case for a pool), and said.
      if (maybe.length > 0) return {...e, source: assumed(`${e.name} from ${e.source.kind === 'env' ? e.source.from : found.path}, which ${at} loads only when \`${maybe[0].cond}\` (${maybe[0].file}:${maybe[0].line}) holds; conncalc cannot decide it and takes the file as loaded`), via: [note]}
      return {...e, via: [...(e.via ?? []), note]}
    })
    const load = {entries, override, path: found.path}
    record(run, {kind: 'envfile', load})
    run.loadEnvFile(load)
  }

  /**
   * A field's value from a settings class's env_file (pydantic-settings DotEnvSettingsSource: the files relative to
   * the working folder, a later one over an earlier, names matched without case): the first of `names` it sets. Not
   * DATABASE_URL, which the platform sets (an env var wins over the file). Files the deploy does not have are skipped.
   */
  private settingsEnvFile(envFile: {at: string; files: string[]}, names: string[]): EnvEntry | undefined {
    const run = this.run()
    if (!run.envFile) return undefined
    for (const f of [...envFile.files].reverse()) {
      const got = run.envFile(f)
      if (!got || !('entries' in got)) continue
      // Read with python-dotenv's dotenv_values() (pydantic-settings DotEnvSettingsSource): interpolated, the file's own values first.
      const entries = got.entries.some((e) => e.value.includes('${')) ? interpolateDotenv(got.entries, true, got.path, (n) => this.osEnviron(n)) : got.entries
      for (const n of names) {
        const e = entries.find((x) => x.name.toLowerCase() === n.toLowerCase() && x.name.toUpperCase() !== 'DATABASE_URL')
        if (e) return e
      }
    }

    return undefined
  }

  /**
   * python-decouple's config(): a name os.environ lacks is read from the repository file AutoConfig finds, walking up
   * from the calling file's folder and taking the first folder holding settings.ini or .env (settings.ini first;
   * decouple.py AutoConfig._find_file). Only .env is read here; DATABASE_URL is the platform's.
   */
  private decoupleFile(name: string): EnvEntry | undefined {
    const run = this.run()
    if (!run.envFile || name === 'DATABASE_URL') return undefined
    let dir = this.opts.file.includes('/') ? this.opts.file.slice(0, this.opts.file.lastIndexOf('/')) : ''
    for (;;) {
      const at = (f: string): string => (dir === '' ? f : `${dir}/${f}`)
      if (run.envFile(at('settings.ini'))) return undefined
      const got = run.envFile(at('.env'))
      if (got && 'entries' in got) {
        const e = got.entries.find((x) => x.name === name)
        return e && {...e, via: [...(e.via ?? []), fromDefault(`python-decouple's config() reads ${got.path} for a variable os.environ lacks`, 'https://github.com/HBNetwork/python-decouple/blob/v3.8/decouple.py')]}
      }

      if (dir === '') return undefined
      dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : ''
    }
  }

  /**
   * django-environ's Env.get_value: a value (or default) that starts with `$` is a proxy, the name of the variable to
   * read instead, with the same cast and default (`FOO=$BAR` reads BAR; environ.py "Resolve any proxied values"). A
   * proxied name set nowhere conncalc reads gives the default, as an assumption (a config var may set it on the dyno);
   * with no default, django-environ raises ImproperlyConfigured: unknown.
   */
  private environRead(node: PyNode, name: string, dflt: EvalValue | undefined, required = !dflt, hops = 0): EvalValue {
    const v = this.envRead(node, name, dflt, required)
    if (v.kind !== 'known' || typeof v.value !== 'string' || !v.value.startsWith('$')) return v
    const target = v.value.replace(/^\$+/, '')
    const line = this.line(node)
    if (hops >= 10 || target === '') return {file: this.opts.file, kind: 'unknown', line, reason: `${name} is \`${v.value.slice(0, 40)}\`, a django-environ proxy conncalc cannot follow`}
    const proxy = fromDefault(`django-environ reads ${target} for ${name}, whose value \`$${target}\` names it`, 'https://github.com/joke2k/django-environ/blob/v0.11.2/environ/environ.py')
    const got = this.environRead(node, target, dflt, !dflt, hops + 1)
    if (got.kind !== 'known') return got.missingEnv ? {...got, reason: `${name} is \`$${target}\` (a django-environ proxy) and ${target} is not set anywhere`} : got
    if (this.env(target) || target === 'DATABASE_URL' || got.via.some((s) => s.kind === 'assumed')) return {...got, via: [...got.via, ...v.via, proxy]}
    // The proxied variable is unset here: its default is taken, as an assumption (a config var may set it on the dyno).
    return {...got, via: [assumed(`${name} is \`$${target}\` (${v.via[0]?.kind === 'env' ? v.via[0].from : 'its default'}), which django-environ reads as ${target}; ${target} is set nowhere conncalc reads, so the default is taken (a config var may set it on the dyno)`), ...got.via, proxy]}
  }

  private envRead(node: PyNode, name: string, dflt: EvalValue | undefined, required: boolean, decouple = false): EvalValue {
    const e = this.env(name) ?? (decouple ? this.decoupleFile(name) : undefined)
    const line = this.line(node)
    // Set to a command's output conncalc does not run (`X=$(cmd)`): neither its value nor the default for an unset variable.
    if (e?.unknown) return {file: this.opts.file, kind: 'unknown', line, reason: e.unknown}
    // app.json requires it with no value: the deployer sets it, so the default (or a fallback after `or`) is assumed.
    const deployer = this.deployerSets(name)
    if (e) return {file: this.opts.file, kind: 'known', line, value: e.value, via: deployer ? [...entrySources(e), deployer] : entrySources(e)}
    // Heroku Postgres sets DATABASE_URL on every dyno: a default written for laptops never applies there.
    if (name === 'DATABASE_URL') return {file: this.opts.file, kind: 'known', line, value: HEROKU_DATABASE_URL, via: [DATABASE_URL_ASSUMED]}
    const missingEnv = [{file: this.opts.file, line, name}]
    // The code's own default (`os.environ.get("X", 3)`): the app's number, with X named as the variable that would change it.
    if (dflt) return dflt.kind === 'known' ? {...dflt, line, missingEnv: [...(dflt.missingEnv ?? []), ...missingEnv], ...(deployer ? {via: [...dflt.via, deployer]} : {})} : dflt
    if (required) return {file: this.opts.file, kind: 'unknown', line, missingEnv, reason: `${name} is not set anywhere`}
    return {file: this.opts.file, kind: 'known', line, missingEnv, value: null, via: deployer ? [deployer] : []}
  }

  private async argList(node: PyNode, scope: Scope): Promise<{args: EvalValue[]; armed?: Record<string, PyArm>; kwargText: Record<string, string>; kwargs: Record<string, EvalValue>; splat: boolean; spread?: EvalValue}> {
    const args: EvalValue[] = []
    const kwargs: Record<string, EvalValue> = {}
    const kwargText: Record<string, string> = {}
    let splat = false
    let unread: EvalValue | undefined
    let armed: Record<string, PyArm> | undefined
    for (const p of named(node)) {
      if (p.type === 'list_splat' || p.type === 'dictionary_splat') {
        const spread = await this.expr(named(p)[0], scope)
        if (p.type === 'dictionary_splat' && isDict(spread)) {
          for (const [k, v] of spread.value.entries) {
            kwargs[k] = v
            const arm = spread.value.armed?.get(k)
            if (arm) (armed ??= {})[k] = arm
            else if (armed) delete armed[k]
          }

          if (spread.value.partial) unread ??= spread
        } else {
          splat = true
          unread ??= spread
        }
      } else if (p.type === 'keyword_argument') {
        const name = p.childForFieldName('name')!.text
        const value = p.childForFieldName('value')!
        kwargs[name] = await this.expr(value, scope)
        kwargText[name] = value.text
        if (armed) delete armed[name]
      } else args.push(await this.expr(p, scope))
    }

    return {args, kwargText, kwargs, splat, ...(unread ? {spread: unread} : {}), ...(armed && Object.keys(armed).length > 0 ? {armed} : {})}
  }

  private async call(node: PyNode, scope: Scope): Promise<EvalValue> {
    const calleeNode = node.childForFieldName('function')!
    const argNode = node.childForFieldName('arguments')
    const none = {args: [] as EvalValue[], kwargText: {} as Record<string, string>, kwargs: {} as Record<string, EvalValue>, spread: undefined as EvalValue | undefined}
    // `f(x for x in xs)`: a generator argument is one value conncalc does not evaluate.
    const {args, armed, kwargText, kwargs, spread} = argNode?.type === 'argument_list' ? await this.argList(argNode, scope) : argNode ? {...none, armed: undefined, args: [await this.expr(argNode, scope)]} : {...none, armed: undefined}
    const local = calleeNode.type === 'identifier' ? scope.get(calleeNode.text) : undefined
    let callee = this.dotted(calleeNode) ?? calleeNode.text
    let receiverCall: PyCallResult | undefined
    // `env.int("X")` where `env = environ.Env()`: name the method on the class.
    const receiverNode = calleeNode.type === 'attribute' ? calleeNode.childForFieldName('object') : null
    if (receiverNode?.type === 'identifier' && !this.environCopies.has(receiverNode.text)) {
      const receiver = scope.get(receiverNode.text)
      if (isCall(receiver)) {
        receiverCall = receiver.value
        callee = `${receiver.value.callee}().${calleeNode.childForFieldName('attribute')!.text}`
      }
    }

    if (isCall(local)) {
      receiverCall = local.value
      callee = `${local.value.callee}()`
    }

    // django-environ's FileAwareEnv (0.10+) is Env reading NAME_FILE's file first when that is set (docker secrets;
    // environ/environ.py FileAwareMapping): with no *_FILE variable, the same values as Env.
    if (callee.startsWith('environ.FileAwareEnv()')) callee = `environ.Env()${callee.slice('environ.FileAwareEnv()'.length)}`

    const argNames = argNode?.type === 'argument_list' ? named(argNode).filter((p) => p.type !== 'keyword_argument' && p.type !== 'list_splat' && p.type !== 'dictionary_splat').map((p) => this.dotted(p)) : undefined
    const appDefined = local?.kind === 'known' && isObj(local.value) && (local.value.kind === 'function' || local.value.kind === 'class')
    if (this.recording) this.calls.push({...(appDefined ? {appDefined: true as const} : {}), args, callee, conditional: this.conditionalDepth > 0, ...(this.loopDepth > 0 ? {loop: true} : {}), kwargText, kwargs, line: this.line(node), ...(spread ? {spread} : {}), ...(this.arms.length > 0 ? {arms: [...this.arms]} : {}), ...(argNames?.some(Boolean) ? {argNames} : {}), ...(armed ? {armedKwargs: armed} : {})})
    if (callee === SPLIT_SETTINGS_INCLUDE && argNode?.type === 'argument_list') return this.splitSettingsInclude(node, argNode, scope)
    const all = [...args, ...Object.values(kwargs)]
    const envName = (): string | undefined => asString(args[0])
    const parsed = this.argparseCall(node, {args, callee, kwargText, kwargs, method: calleeNode.type === 'attribute' ? calleeNode.childForFieldName('attribute')?.text : undefined, receiverCall, spread}, appDefined)
    if (parsed) return parsed

    const site = {file: this.opts.file, line: this.line(node), ...(this.frame === undefined && this.conditionalDepth === 0 ? {once: true} : {})}
    if (local?.kind === 'known' && isObj(local.value) && local.value.kind === 'class') {
      const instance = this.known(node, {cls: local.value, kind: 'instance'})
      // `Database(url, pool_size=5)`: its `__init__` runs with these arguments (a pool it builds reads them).
      const init = local.value.attrs.get('__init__')
      if (init?.kind === 'known' && isObj(init.value) && init.value.kind === 'function') await init.value.invoke([instance, ...args], kwargs, undefined, site)
      return instance
    }

    if (local?.kind === 'known' && isObj(local.value) && local.value.kind === 'function') {
      // A known result is sourced where the app calls the function (settings.py:74 `envint("DB_CONN_MAX_AGE", "0")`).
      const r = await local.value.invoke(args, kwargs, undefined, site)
      return r.kind === 'known' ? {...r, file: this.opts.file, line: this.line(node)} : r
    }

    if (ENV_GET.has(callee)) {
      const name = envName()
      if (name === undefined) return this.unknown(node, undefined, ...all)
      return this.envRead(node, name, args[1] ?? kwargs.default, false)
    }

    // cfenv (Cloud Foundry): `cfenv.AppEnv().get_credential("X", default)` returns the first bound service's credential
    // named X (VCAP_SERVICES, which only Cloud Foundry sets), else os.getenv("X", default) (py-cfenv cfenv/__init__.py).
    if (callee === 'cfenv.AppEnv().get_credential') {
      const name = envName()
      if (name === undefined) return this.unknown(node, undefined, ...all)
      const v = this.envRead(node, name, args[1] ?? kwargs.default, false)
      return v.kind === 'known' ? {...v, via: [...v.via, fromDefault(`cfenv get_credential("${name}") reads a Cloud Foundry service's credentials (VCAP_SERVICES) first, then the env var ${name}`, CFENV)]} : v
    }

    const loader = ENV_FILE_LOADERS.get(callee)
    if (loader && argNode?.type === 'argument_list') {
      await this.loadEnvFile(node, argNode, loader, args, kwargs)
      return this.known(node, {args, callee, kind: 'call', kwargText, kwargs})
    }

    if (isDbUrlCall(callee)) {
      const primaryUrl = this.env('DATABASE_URL')?.value
      // django-environ's env.db() reads its variable through get_value, proxies included.
      const readEnv = (n: string): EvalValue => (callee.startsWith('environ.') ? this.environRead(node, n, undefined, false) : this.envRead(node, n, undefined, false))
      return dbUrlDict({args, callee, kwargs, primaryUrl, readEnv}, (value, ...from) => this.known(node, value, ...from))
    }

    // django-configurations: `DATABASES = values.DatabaseURLValue(default, environ_name=…, alias=…, conn_max_age=…)`
    // is {alias: dj_database_url.parse($environ_name, else default, **its kwargs)} (configurations/values.py
    // DictBackendMixin: alias "default", environ_name "DATABASE_URL", no DJANGO_ prefix).
    if (callee === 'configurations.values.DatabaseURLValue' || callee === 'configurations.DatabaseURLValue') {
      const primaryUrl = this.env('DATABASE_URL')?.value
      const envOff = kwargs.environ?.kind === 'known' && kwargs.environ.value === false
      const url = dbUrlDict(
        {
          args: [],
          callee: 'dj_database_url.config',
          kwargs: {...kwargs, default: args[0] ?? kwargs.default, env: kwargs.environ_name ?? this.known(node, 'DATABASE_URL')},
          primaryUrl,
          readEnv: (n) => (envOff ? {file: this.opts.file, kind: 'known', line: this.line(node), value: null, via: []} : this.envRead(node, n, undefined, false)),
        },
        (value, ...from) => this.known(node, value, ...from),
      )
      return this.known(node, {entries: new Map([[asString(kwargs.alias) ?? 'default', url]]), kind: 'dict'}, url)
    }

    // dj-email-url's config()/parse() (and decouple's `config("EMAIL_URL", cast=dj_email_url.parse)`): a dict of EMAIL_*
    // settings only, which `vars().update(…)` (its README's shortcut) writes into the settings.
    const castText = kwargText.cast === undefined ? undefined : this.qualify(kwargText.cast)
    if (DJ_EMAIL_URL.has(callee) || (callee === 'decouple.config' && castText === 'dj_email_url.parse')) return this.emailConfig(node, all)
    // django-environ's `env.email_url("X", default=…)` (alias `env.email`): Env.email_url_config's dict, the same EMAIL_*
    // keys and OPTIONS for a URL's other query parameters (environ/environ.py).
    if (callee === 'environ.Env().email_url' || callee === 'environ.Env().email') return this.emailConfig(node, all, ['OPTIONS'])

    // environs (sloria/environs, environs/__init__.py Env): `env = Env()`, `env.int("X", 5)`, `env.str("X", default=…)`,
    // `env("X")` (a str, not cast): the variable, else the default given (returned as is), else unset (EnvError at import).
    const environs = /^environs\.Env\(\)(?:\.(int|str|float|bool|list))?$/.exec(callee)
    if (environs) {
      const name = envName()
      if (name === undefined) return this.unknown(node, undefined, ...all)
      const dflt = kwargs.default ?? args[1]
      return this.cast(node, this.envRead(node, name, dflt, !dflt), environs[1])
    }

    // python-decouple config("X", default=5, cast=int); django-environ env("X", default=5) / env.int(...)
    const environ = /^environ\.Env\(\)(?:\.(int|str|float|bool|list))?$/.exec(callee)
    if (callee === 'decouple.config' || environ) {
      const name = envName()
      if (name === undefined) return this.unknown(node, undefined, ...all)
      const method = environ?.[1]
      // django-environ: `Env(DEBUG=(bool, False))` declares a cast and a default per variable.
      const scheme = environ ? receiverCall?.kwargs[name] : undefined
      const schemeDefault = scheme?.kind === 'known' && isObj(scheme.value) && scheme.value.kind === 'list' ? scheme.value.items[1] : undefined
      const dflt = kwargs.default ?? (callee === 'decouple.config' || method ? args[1] : undefined) ?? schemeDefault
      const v = environ ? this.environRead(node, name, dflt) : this.envRead(node, name, dflt, !dflt, true)
      const schemeCast = environ ? /^\(\s*(\w+)/.exec(receiverCall?.kwargText?.[name] ?? '')?.[1] : undefined
      return this.cast(node, v, method ?? kwargText.cast ?? schemeCast ?? (environ ? smartCast(dflt) : undefined))
    }

    // starlette's Config (starlette/config.py): `config = Config(".env")`, then `config("X", cast=int, default=20)` or
    // `config.get(…)` (positional: key, cast, default): os.environ's env_prefix + X, else the env file's, else the
    // default, cast either way (Config.get → _perform_cast); with no default an unset name is a KeyError at import.
    if (callee === 'starlette.config.Config()' || callee === 'starlette.config.Config().get') return this.starletteConfig(node, receiverCall, args, kwargs, kwargText.cast ?? argNames?.[1])

    if (callee === 'importlib.import_module' || callee === 'getattr' || callee === 'hasattr') return this.reflect(node, callee, args)
    const namespace = this.namespaceCall(node, scope)
    if (namespace) return this.known(node, {entries: this.namespaceEntries(namespace, scope), kind: 'dict'})

    if (CPU_COUNT.has(callee) || (callee === 'len' && args[0]?.kind === 'known' && isCall(args[0]) && args[0].value.callee === 'os.sched_getaffinity')) {
      const n = this.nproc()
      if (!n) return this.unknown(node, `\`${this.snippet(node)}\` depends on the dyno's processor count, which is not known`)
      return {file: this.opts.file, kind: 'known', line: this.line(node), value: n.value, via: [n.source, ...(n.via ?? [])]}
    }

    switch (callee) {
      case 'int':
      case 'float':
      case 'str':
      case 'bool':
      case 'list':
      case 'tuple': {
        return this.conversion(node, callee, args[0])
      }

      case 'len': {
        // len() of a known string, list or dict (all its keys known).
        const x = args[0]
        if (args.length === 1 && x?.kind === 'known') {
          const v = x.value
          const n = typeof v === 'string' ? v.length : isObj(v) && v.kind === 'list' ? v.items.length : isObj(v) && v.kind === 'dict' && !v.partial ? v.entries.size : undefined
          if (n !== undefined) return this.known(node, n, x)
        }

        return this.unknown(node, undefined, ...args)
      }

      case 'max':
      case 'min':
      case 'abs':
      case 'round': {
        const nums = args.map((a) => (a.kind === 'known' && typeof a.value === 'number' ? a.value : undefined))
        if (nums.length === 0 || nums.some((n) => n === undefined)) return this.unknown(node, undefined, ...args)
        const ns = nums as number[]
        const r = callee === 'max' ? maxOf(ns) : callee === 'min' ? minOf(ns) : callee === 'abs' ? Math.abs(ns[0]) : Math.round(ns[0])
        return this.known(node, r, ...args)
      }

      case 'dict': {
        return this.known(node, {entries: new Map(Object.entries(kwargs)), kind: 'dict'}, ...all)
      }

      default: {
        const method = calleeNode.type === 'attribute' ? calleeNode.childForFieldName('attribute') : null
        if (method && receiverNode) {
          const receiver = await this.expr(receiverNode, scope)
          // `Engine().get_engine(url=…, pool_size=…)`: a method of the app's class, with the instance as `self`.
          const own = receiver.kind === 'known' && isObj(receiver.value) && receiver.value.kind === 'instance' ? receiver.value.cls.attrs.get(method.text) : undefined
          if (own?.kind === 'known' && isObj(own.value) && own.value.kind === 'function') {
            // A @staticmethod called on the instance (`self.prepare(cursor)`) is not given it.
            const r = await own.value.invoke(own.value.static ? args : [receiver, ...args], kwargs, undefined, site)
            return r.kind === 'known' ? {...r, file: this.opts.file, line: this.line(node)} : r
          }

          // `DATABASES["default"].setdefault("OPTIONS", {})`: the key's value, first set to the default when the dict
          // lacks it (dict.setdefault, https://docs.python.org/3/library/stdtypes.html#dict.setdefault); the dict
          // returned is the one stored, so `…setdefault("OPTIONS", {})["pool"] = …` writes into DATABASES.
          if (method.text === 'setdefault' && isDict(receiver) && args.length >= 1 && args.length <= 2 && Object.keys(kwargs).length === 0) {
            const key = args[0].kind === 'known' && (typeof args[0].value === 'string' || typeof args[0].value === 'number') ? String(args[0].value) : undefined
            const hit = key === undefined ? undefined : receiver.value.entries.get(key)
            if (hit) return hit
            if (key !== undefined && !receiver.value.partial) {
              const value = args[1] ?? this.known(node, null)
              this.setItem(receiver.value, key, value)
              return value
            }
          }

          // `options.get("workers", 4)` of a `**options` parameter: the keyword argument its caller passes, when it passes it.
          const got = method.text === 'get' && receiver.kind === 'unknown' && receiver.keywords && args.length >= 1 && args.length <= 2 && args[0].kind === 'known' && typeof args[0].value === 'string' ? args[0].value : undefined
          if (got !== undefined) return this.keywordItem(node, receiver as UnknownValue, got)
          const r = callMethod(receiver, method.text, args)
          if (r && 'item' in r) return r.item
          if (r) return this.known(node, r.value, receiver, ...args)
          if (receiver.kind === 'known' && !isObj(receiver.value)) return this.unknown(node, undefined, receiver)
        }

        return this.known(node, {args, callee, kind: 'call', kwargText, kwargs})
      }
    }
  }
  /**
   * argparse (argparse.ts): `argparse.ArgumentParser(…)` makes a parser whose options `add_argument` adds (in its groups
   * too); `parse_args()` is the namespace of those options over sys.argv[1:] (or the list given). A parser passed to a
   * call conncalc does not follow, or given an option where it may not run (an undecided `if`, a loop), is unreadable:
   * its namespace is unknown, said. Undefined for other calls (and for add_argument / set_defaults, whose value is the
   * call's as any other).
   */
  private argparseCall(node: PyNode, c: {args: EvalValue[]; callee: string; kwargText: Record<string, string>; kwargs: Record<string, EvalValue>; method?: string; receiverCall?: PyCallResult; spread?: EvalValue}, appDefined: boolean): EvalValue | undefined {
    const at = `${this.opts.file}:${this.line(node)}`
    if (c.callee === 'argparse.ArgumentParser') {
      const made: PyCallResult = {args: c.args, callee: c.callee, kind: 'call', kwargText: c.kwargText, kwargs: c.kwargs}
      const state = newParser(made, this.conditionalDepth, this.loopDepth)
      if (c.spread) state.opaque ??= `its ArgumentParser(…) at ${at} is given arguments conncalc cannot read`
      return this.known(node, made)
    }

    const state = c.method ? parserOf(c.receiverCall) : undefined
    if (!state) {
      // `add_common_options(parser)` of a library, or of the app when conncalc does not run it: options it adds are not seen.
      if (!appDefined) {
        for (const v of [...c.args, ...Object.values(c.kwargs)]) {
          const handed = isCall(v) ? parserOf(v.value) : undefined
          if (handed) handed.opaque ??= `the parser is passed to \`${this.snippet(node)}\` (${at}), which conncalc does not read`
        }
      }

      return undefined
    }

    const method = c.method!
    if (!PARSER_METHODS.has(method)) {
      state.opaque ??= `its ${method}(…) (${at}) is not followed by conncalc`
      return undefined
    }

    const deeper = this.conditionalDepth > state.depth || this.loopDepth > state.loops
    switch (method) {
      case 'add_argument': {
        if (deeper) state.opaque ??= `an option is added at ${at} where conncalc cannot tell that it runs (an undecided \`if\`, a loop)`
        else addArgument(state, {args: c.args, kwText: c.kwargText, kwargs: c.kwargs, spread: c.spread !== undefined}, this.opts.file, this.line(node))
        return undefined
      }

      case 'set_defaults': {
        if (deeper) state.opaque ??= `set_defaults(…) at ${at} is where conncalc cannot tell that it runs`
        else setDefaults(state, c.kwargs, c.spread !== undefined || c.args.length > 0)
        return undefined
      }

      case 'add_argument_group':
      case 'add_mutually_exclusive_group': {
        const group: PyCallResult = {args: c.args, callee: c.callee, kind: 'call', kwargText: c.kwargText, kwargs: c.kwargs}
        // A required exclusive group exits when none of its options is given: not followed.
        if (method === 'add_mutually_exclusive_group' && c.kwargs.required && !(c.kwargs.required.kind === 'known' && c.kwargs.required.value === false)) state.opaque ??= `its required exclusive group (${at}) is not followed by conncalc`
        addGroup(group, state)
        return this.known(node, group)
      }

      case 'parse_args':
      case 'parse_known_args': {
        return this.argparseNamespace(node, state, method, c.args[0] ?? c.kwargs.args, c.kwargs.namespace)
      }

      default: {
        return undefined
      }
    }
  }

  /** The namespace `parser.parse_args(words)` returns (parse_known_args: `[namespace, []]`), or unknown, said. */
  private argparseNamespace(node: PyNode, state: ParserState, method: string, given: EvalValue | undefined, namespace: EvalValue | undefined): EvalValue {
    const call = `\`${this.snippet(node)}\``
    let words: string[]
    let from: Source
    if (namespace) return this.unknown(node, `${call} fills a namespace it is given, which conncalc does not follow`)
    if (given === undefined || (given.kind === 'known' && given.value === null)) {
      const argv = this.argv()
      if (!argv) return this.unknown(node, `${call} reads the process's command line (sys.argv), which is not known here`)
      words = argv.slice(1)
      from = fromDefault(`sys.argv of this process: ${JSON.stringify(argv)} (its command line)`, SYS_ARGV)
    } else {
      const items = given.kind === 'known' && isObj(given.value) && given.value.kind === 'list' ? given.value.items.map((i) => asString(i)) : undefined
      if (!items || items.some((i) => i === undefined)) return this.unknown(node, `${call} parses words conncalc cannot read`, given)
      words = items as string[]
      from = fromDefault(`the words given to ${method}(): ${JSON.stringify(words)}`, ARGPARSE)
    }

    const r = parseArgs(state, words)
    if ('why' in r) return this.unknown(node, `${call} cannot be read: ${r.why}`)
    const attrs = new Map<string, EvalValue>()
    const shown = words.length === 0 ? 'none given' : JSON.stringify(words)
    for (const [dest, p] of r.values) {
      const o = p.option
      const place = {file: o?.file ?? this.opts.file, line: o?.line ?? this.line(node)}
      const name = o ? (o.positional ? o.dest : o.strings[0]) : dest
      if (p.from === 'argv') {
        attrs.set(dest, {...place, kind: 'known', value: p.value, via: [fromDefault(`argparse: \`${p.word}\` on the command line sets ${dest}`, ARGPARSE), from]})
        continue
      }

      const why = fromDefault(`argparse: ${name} is not on the command line (${shown}), so ${dest} is its default`, ARGPARSE)
      const v = p.value
      if (!v) {
        const value = o?.action === 'store_true' ? false : o?.action === 'store_false' ? true : null
        attrs.set(dest, {...place, kind: 'known', value, via: [why, from]})
        continue
      }

      // argparse passes a string default through `type` (_get_values): `type=int, default="4"` is 4.
      const text = v.kind === 'known' && typeof v.value === 'string' && o?.type && o.type !== 'str' ? v.value : undefined
      if (text !== undefined) {
        const n = o!.type === 'int' ? strictInteger(text) : o!.type === 'float' && /^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(text) ? Number(text) : undefined
        attrs.set(dest, n === undefined ? this.unknown(node, `${dest}'s default ${JSON.stringify(text)} goes through its type=, which conncalc does not apply here`, v) : {...(v as KnownValue), value: n, via: [...(v as KnownValue).via, why]})
        continue
      }

      attrs.set(dest, v.kind === 'known' ? {...v, via: [...v.via, why]} : v)
    }

    const ns = this.known(node, {cls: {attrs, bases: [], kind: 'class', name: 'argparse.Namespace'}, kind: 'instance'})
    return method === 'parse_known_args' ? this.known(node, {items: [ns, this.known(node, {items: [], kind: 'list'})], kind: 'list'}) : ns
  }

  /**
   * What dj-email-url's parse() returns: a dict of EMAIL_* settings, whose keys are all known (the names any version sets:
   * dj_email_url.py parse(), `conf.update({'EMAIL_FILE_PATH': …, 'EMAIL_HOST_USER': …, …})`, EMAIL_BACKEND for a known
   * scheme, EMAIL_TIMEOUT / EMAIL_SSL_* from the query in later versions) and values not read; config() returns the
   * same, or {} when the variable is unset. So `vars().update(email_config)` sets those names only.
   */
  private emailConfig(node: PyNode, from: EvalValue[], more: string[] = []): EvalValue {
    const entries = new Map<string, EvalValue>([...EMAIL_URL_KEYS, ...more].map((k) => [k, this.unknown(node, `\`${k}\` comes from an email URL conncalc does not parse`)]))
    return this.known(node, {entries, kind: 'dict'}, ...from)
  }

  /**
   * What starlette's `Config(env_file, env_prefix=…)` instance returns for `config(key, cast, default)`: the variable
   * (prefixed), else the env file's line (the file is read, relative to the process's folder, when Config is built),
   * else the default; `cast=int`/`bool` applied to either (https://github.com/encode/starlette/blob/0.41.3/starlette/config.py).
   */
  private starletteConfig(node: PyNode, made: PyCallResult | undefined, args: EvalValue[], kwargs: Record<string, EvalValue>, cast: string | undefined): EvalValue {
    const key = asString(args[0] ?? kwargs.key)
    if (key === undefined) return this.unknown(node, undefined, ...args)
    const prefixArg = made?.kwargs.env_prefix ?? made?.args[2]
    const prefix = prefixArg === undefined ? '' : asString(prefixArg)
    if (prefix === undefined) return this.unknown(node, `starlette's Config env_prefix (${this.snippet(node)}) is not known here`, prefixArg!)
    const name = prefix + key
    const fileArg = made?.kwargs.env_file ?? made?.args[0]
    const envFile = asString(fileArg)
    const run = this.run()
    const fromFile = (): EnvEntry | undefined => {
      if (envFile === undefined || envFile.startsWith('/') || !run.envFile || name === 'DATABASE_URL') return undefined
      const got = run.envFile(envFile.replace(/^\.\//, ''))
      const e = got && 'entries' in got ? got.entries.find((x) => x.name === name) : undefined
      return e && {...e, via: [...(e.via ?? []), fromDefault(`starlette's Config reads ${got!.path} for a variable os.environ lacks`, 'https://github.com/encode/starlette/blob/0.41.3/starlette/config.py')]}
    }

    const dflt = kwargs.default ?? args[2]
    const file = this.env(name) ? undefined : fromFile()
    const v = file ? {file: this.opts.file, kind: 'known' as const, line: this.line(node), value: file.value, via: entrySources(file)} : this.envRead(node, name, dflt, dflt === undefined)
    return cast === 'int' || cast === 'bool' ? this.cast(node, v, cast) : v
  }

  /** A cast as django-environ / python-decouple apply it to the string they read. */
  private cast(node: PyNode, v: EvalValue, cast: string | undefined): EvalValue {
    if (cast === 'int') return this.toInt(node, v)
    if (cast === 'bool') {
      if (v.kind !== 'known' || (v.value === null && v.missingEnv)) return this.toInt(node, v)
      if (typeof v.value === 'string') return this.known(node, BOOLEAN_TRUE.has(v.value.trim().toLowerCase()), v)
      return isObj(v.value) ? this.unknown(node, undefined, v) : this.known(node, truthy(v.value), v)
    }

    if (cast === 'list' && v.kind === 'known' && typeof v.value === 'string') {
      return this.known(node, {items: v.value.split(',').filter(Boolean).map((item) => ({...v, value: item})), kind: 'list'}, v)
    }

    return v
  }

  /**
   * django-split-settings' `include('base.py', optional('local.py'), *more)`: each file, relative to this
   * one's folder, runs in this module's globals in turn (split_settings/tools.py: `exec(compile(…), scope)`),
   * so it sees and replaces the names set before it. A missing file is an error unless wrapped in
   * `optional()`; a glob pattern matches several files, which conncalc does not list: said, not guessed.
   */
  private async splitSettingsInclude(node: PyNode, argNode: PyNode, scope: Scope): Promise<EvalValue> {
    const items: EvalValue[] = []
    for (const p of named(argNode)) {
      if (p.type === 'keyword_argument') continue
      const v = await this.expr(p.type === 'list_splat' ? named(p)[0] : p, scope)
      if (p.type === 'list_splat' && v.kind === 'known' && isObj(v.value) && v.value.kind === 'list') items.push(...v.value.items)
      else items.push(v)
    }

    const dir = this.opts.file.includes('/') ? this.opts.file.slice(0, this.opts.file.lastIndexOf('/')) : ''
    const say = (message: string) => this.diagnostics.push({code: 'unknown-config-value', file: this.opts.file, line: this.line(node), message, severity: 'warning'})
    for (const item of items) {
      const optional = isCall(item) && item.value.callee === SPLIT_SETTINGS_OPTIONAL
      const name = asString(optional && isCall(item) ? item.value.args[0] : item)
      if (name === undefined) {
        say(`cannot read which file \`${this.snippet(node)}\` includes (django-split-settings); the settings it would set are not read`)
        continue
      }

      if (/[*?[]/.test(name)) {
        say(`\`include(${JSON.stringify(name)})\` (django-split-settings) runs every file the pattern matches, which conncalc does not list; the settings they set are not read`)
        continue
      }

      const path = joinPath(dir, name)
      const run = this.run()
      run.trace.unshareable = true
      const ran = path === undefined ? undefined : await run.runFile?.(path, scope)
      if (ran) {
        for (const c of ran.calls) this.calls.push(this.conditionalDepth > 0 ? {...c, conditional: true} : c)
        append(this.itemAssignments, ran.itemAssignments)
        append(this.attrAssignments, ran.attrAssignments)
        append(this.diagnostics, ran.diagnostics)
      } else if (!optional) say(`\`include(${JSON.stringify(name)})\` (django-split-settings) names a file that is not in the app; the settings it would set are not read`)
    }

    return this.known(node, null)
  }

  /** `importlib.import_module("app.config")`, `getattr(module, "X", default)`, `hasattr(...)`. */
  private async reflect(node: PyNode, callee: string, args: EvalValue[]): Promise<EvalValue> {
    if (callee === 'importlib.import_module') {
      const name = asString(args[0])
      const names = name === undefined ? undefined : await this.resolveModule(name, 0)
      if (!names) return this.unknown(node, name === undefined ? `the module \`${this.snippet(node)}\` imports is not known` : `the module ${name} is not a file of the app`, args[0])
      return this.known(node, {attrs: names, bases: [], kind: 'class', name: `module ${name}`}, args[0])
    }

    const [given, attr, dflt] = args
    const key = asString(attr)
    // `import config` … `getattr(config, f"{ENV}Config")`: a module of the app imported by name, as import_module gives it.
    const moduleName = given?.kind === 'unknown' && key !== undefined ? given.name : undefined
    const module = moduleName === undefined ? undefined : await this.resolveModule(moduleName, 0)
    const obj = module ? this.known(node, {attrs: module, bases: [], kind: 'class', name: `module ${moduleName}`}) : given
    if (obj?.kind !== 'known' || !isObj(obj.value) || key === undefined || (obj.value.kind !== 'class' && obj.value.kind !== 'instance')) return this.unknown(node, undefined, obj, attr)
    const attrs = obj.value.kind === 'class' ? obj.value.attrs : obj.value.cls.attrs
    if (callee === 'hasattr') return this.known(node, attrs.has(key), obj, attr)
    const found = attrs.get(key) ?? dflt
    // The name picked from an env var's fallback (MOBILIC_ENV unset: "dev"): the value says so (flask-config byFallback).
    const missingEnv = found ? mergeMissing(found, attr) : undefined
    return found ? (missingEnv ? {...found, missingEnv} : found) : this.unknown(node, `${obj.value.kind === 'class' ? obj.value.name : obj.value.cls.name} has no attribute \`${key}\``, attr)
  }

  /** `int(x)`, `float(x)`, `str(x)`, `bool(x)`: also when passed as a value (`type_cast=int`). */
  private conversion(node: PyNode, name: string, v: EvalValue | undefined): EvalValue {
    switch (name) {
      case 'int': {
        return v ? this.toInt(node, v) : this.known(node, 0)
      }

      case 'float': {
        if (v?.kind !== 'known') return this.unknown(node, undefined, v)
        const n = typeof v.value === 'number' ? v.value : typeof v.value === 'string' ? Number(v.value) : Number.NaN
        return Number.isNaN(n) ? this.unknown(node, `float(${JSON.stringify(v.value)}) fails`, v) : this.known(node, n, v)
      }

      // `list(THIRD_PARTY_APPS)`, `tuple(x)` of a list or tuple: the same items; `list()`: none.
      case 'list':
      case 'tuple': {
        if (!v) return this.known(node, {items: [], kind: 'list'})
        if (v.kind !== 'known' || !isObj(v.value) || v.value.kind !== 'list') return this.unknown(node, undefined, v)
        return this.known(node, {items: [...v.value.items], kind: 'list'}, v)
      }

      case 'str': {
        if (v?.kind !== 'known' || isObj(v.value)) {
          // What the string begins with stays known: an f-string's text, a pydantic URL's scheme.
          const prefix = v?.kind === 'unknown' ? v.textPrefix : urlBuildPrefix(v)
          const u = this.unknown(node, undefined, v)
          return prefix ? {...u, textPrefix: prefix} : u
        }

        return this.known(node, v.value === null ? 'None' : String(v.value), v)
      }

      default: {
        if (v?.kind !== 'known') return this.unknown(node, undefined, v)
        return this.known(node, truthy(v.value), v)
      }
    }
  }

  private toInt(node: PyNode, v: EvalValue): EvalValue {
    if (v.kind !== 'known') return v
    if (typeof v.value === 'number') return this.known(node, Math.trunc(v.value), v)
    if (typeof v.value === 'string') {
      const n = strictInteger(v.value)
      return n === undefined ? this.unknown(node, `int(${JSON.stringify(v.value)}) raises ValueError`, v) : this.known(node, n, v)
    }

    if (v.value === null && v.missingEnv) return {file: v.file, kind: 'unknown', line: v.line, missingEnv: v.missingEnv, reason: `${v.missingEnv.map((m) => m.name).join(', ')} is not set anywhere`}
    return this.unknown(node, undefined, v)
  }
}

/**
 * pydantic's `PostgresDsn.build(scheme="postgresql+psycopg", …)` / `MultiHostUrl.build(…)` / `AnyUrl.build(…)`: the URL
 * made of its parts, whose str() begins `scheme://` (pydantic_core Url.build / MultiHostUrl.build,
 * https://github.com/pydantic/pydantic-core/blob/v2.27.2/python/pydantic_core/_pydantic_core.pyi).
 */
export function urlBuildPrefix(v: EvalValue | undefined): string | undefined {
  if (!isCall(v) || !/(^|\.)\w*(Url|Dsn)\.build$/.test(v.value.callee)) return undefined
  const scheme = v.value.kwargs.scheme
  return scheme?.kind === 'known' && typeof scheme.value === 'string' ? `${scheme.value}://` : undefined
}

const CONVERSIONS = new Set(['bool', 'float', 'int', 'list', 'str', 'tuple'])

/**
 * django-environ's smart_cast (on by default): with no cast given, a value read from the environment is cast to the
 * type of the default (environ.py get_value: `cast = type(default)`), so `env("WORKERS", default=2)` is a number.
 */
function smartCast(dflt: EvalValue | undefined): string | undefined {
  if (dflt?.kind !== 'known') return undefined
  if (typeof dflt.value === 'boolean') return 'bool'
  return typeof dflt.value === 'number' && Number.isInteger(dflt.value) ? 'int' : undefined
}

/** The expressions a function body's `return` statements give, as written (a bare `return` is "None"); not those of functions or classes inside it. */
function returnTexts(body: PyNode | null): readonly string[] {
  if (!body) return []
  // A module is evaluated again for each process that imports it (and each way a script may run): its functions' bodies walked once.
  const kept = returnsOf.get(body)
  if (kept) return kept
  const out: string[] = []
  const walk = (n: PyNode): void => {
    for (const c of named(n)) {
      if (c.type === 'function_definition' || c.type === 'class_definition' || c.type === 'lambda' || c.type === 'decorated_definition') continue
      if (c.type === 'return_statement') out.push(named(c)[0]?.text ?? 'None')
      else walk(c)
    }
  }

  walk(body)
  returnsOf.set(body, out)
  return out
}

const returnsOf = new WeakMap<PyNode, readonly string[]>()

/** Named children, without comments and line continuations. */
function named(node: PyNode): PyNode[] {
  return node.namedChildren.filter((c) => c.type !== 'comment' && c.type !== 'line_continuation')
}

const COMPREHENSIONS = ['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']
/** How many items a comprehension conncalc evaluates may produce (a settings file's comprehension is small). */
const MAX_COMPREHENSION = 256

/** Why a call past STATEMENT_BUDGET is not followed (a value it made unknown says it, as does the process type once): made only then. */
const budgetSpent = (): string =>
  `the analysis of this process type already walked ${STATEMENT_BUDGET.toLocaleString('en-US')} statements of the app's Python (conncalc's limit: an app whose functions call many others is walked once per definition and per call), and stops following calls of the app's own functions there; what they return or change is unknown`

/** The app's functions being walked now (invoke), each with how many of its calls are open: evaluation is strictly nested. */
const ACTIVE = new Map<PyFunction, number>()

/** A value conncalc cannot look into: unknown, or the result of a call it does not evaluate (a library's). */
const opaque = (v: EvalValue): boolean => v.kind === 'unknown' || isCall(v)
/** How many items a `for` that writes the module's namespace is walked for (unrollNamespaceWrites). */
const MAX_UNROLL = 64

/** The builtins that give a namespace as a dict. */
type Namespace = 'globals' | 'locals' | 'vars'
/** dj-email-url's functions (https://github.com/migonzalvar/dj-email-url, dj_email_url.py) and the settings they return. */
const DJ_EMAIL_URL = new Set(['dj_email_url.config', 'dj_email_url.parse'])
const EMAIL_URL_KEYS = ['EMAIL_FILE_PATH', 'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_USE_SSL', 'EMAIL_USE_TLS', 'EMAIL_BACKEND', 'EMAIL_TIMEOUT', 'EMAIL_SSL_CERTFILE', 'EMAIL_SSL_KEYFILE']
const NAMESPACES = new Set(['globals', 'locals', 'vars'])
/** A text that may call one of NAMESPACES. */
const NAMESPACE_NAMED = /\b(?:globals|locals|vars)\s*\(/

/** A function's local scope while invoke() walks its body: the names it binds (`locals()`). */
class FrameScope extends CowScope {
  readonly bound = new Set<string>()
  override set(name: string, value: EvalValue): this {
    // The defining scope's names it reads through (or was given as a copy) are not the function's.
    this.bound.add(name)
    return super.set(name, value)
  }
}

function hasAncestorIn(node: PyNode, root: PyNode, type: string): boolean {
  for (let p = node.parent; p && !p.equals(root); p = p.parent) if (p.type === type) return true
  return false
}

// django-split-settings (split_settings/tools.py): include(*files, scope=None) and optional(filename).
const SPLIT_SETTINGS_INCLUDE = 'split_settings.tools.include'
const SPLIT_SETTINGS_OPTIONAL = 'split_settings.tools.optional'

/** A module conncalc could not read: no names, one diagnostic saying why. */
function unparsedModule(file: string, line: number, why: string): PyModule {
  return {
    calls: [],
    diagnostics: [{code: 'unparsable-config', file, line, message: `${why}; conncalc reads nothing from this file`, severity: 'warning'}],
    attrAssignments: [],
    file,
    imports: [],
    itemAssignments: [],
    names: new Map(),
    parsed: false,
  }
}

/** Each text's bracket depth: a module is evaluated again for each process type (and project) that imports it. */
const depths = new Map<string, number>()

/**
 * Evaluate a whole Python file on its own: its env, imports (`resolveModule`) and call sites are its own
 * (modules.ts evaluates a project's files with evaluateModule, inside the project's run). Only a file
 * tree-sitter-python rejects gives an unparsed module and a diagnostic.
 */
export async function evaluatePython(file: string, text: string, opts: Omit<PyEvalOptions, 'file'>): Promise<PyModule> {
  const run: PyRun = {
    env: opts.env,
    ...(opts.nproc ? {nproc: opts.nproc} : {}),
    open: true,
    resolve: async (module, level) => opts.resolveModule?.(module, level),
    ...(opts.runFile ? {runFile: opts.runFile} : {}),
    sites: ON_FUNCTION,
    trace: new PyTrace(),
  }
  const go = async (): Promise<PyModule> => {
    try {
      return await within(run, () => evaluateModule(file, text, opts.scope))
    } finally {
      run.open = false
    }
  }

  // One at a time, as a project's (shared-eval.ts serially): a caller may evaluate several files at once.
  return serially(go)
}

/** Evaluate a whole Python file in the running evaluation (shared-eval.ts current), in `scope` when given (runFile). */
export async function evaluateModule(file: string, text: string, given?: Scope): Promise<PyModule> {
  let nesting = depths.get(text)
  if (nesting === undefined) depths.set(text, (nesting = bracketDepth(text, 'python')))
  if (nesting > MAX_NESTING) return unparsedModule(file, 1, `${TOO_DEEP} (brackets nested more than ${MAX_NESTING} deep)`)
  try {
    const parsed = await parsePython(file, text)
    if (parsed.error) return unparsedModule(file, parsed.error.line, `not valid Python (${parsed.error.message})`)
    const ev = new Evaluator({file})
    const scope: Scope = given ?? new ModuleScope()
    ev.moduleScope = scope
    await ev.block(named(parsed.tree.rootNode), scope)
    if (!given && scope instanceof ModuleScope) scope.seal()
    return {attrAssignments: ev.attrAssignments, calls: ev.calls, diagnostics: ev.diagnostics, file, imports: ev.imports, itemAssignments: ev.itemAssignments, names: scope, parsed: true}
  } catch (error) {
    if (!isExhaustion(error)) throw error
    return unparsedModule(file, 1, TOO_DEEP)
  }
}

// pydantic-settings reads each field from the env var `env_prefix` + its name, or from its alias / validation_alias (the
// prefix then not added), matching without case unless case_sensitive (pydantic_settings/sources.py
// EnvSettingsSource._extract_field_info); pydantic v1's BaseSettings the same from `Config.env_prefix` and Field(env=...).
// Validators run after the fields are read and may change them: field_validator/validator for the fields they name,
// model_validator/root_validator (and an `__init__`) for the fields they assign.
const PYDANTIC_SETTINGS_SOURCES = 'https://github.com/pydantic/pydantic-settings/blob/v2.6.1/pydantic_settings/sources.py'

/** The instance a value is (`DbSettings()` of an app class), when it is one. */
function instanceOf(v: EvalValue | undefined): PyInstance | undefined {
  return v?.kind === 'known' && isObj(v.value) && v.value.kind === 'instance' ? v.value : undefined
}

/** The env names and changed fields of a BaseSettings class body (`inherited`: its settings base's). */
function settingsMeta(body: PyNode, file: string, inherited: PySettingsMeta | undefined): PySettingsMeta {
  const text = body.text
  const meta: PySettingsMeta = {changed: new Map(inherited?.changed), env: new Map(inherited?.env), prefix: inherited?.prefix ?? '', ...(inherited?.prefixUnknown ? {prefixUnknown: inherited.prefixUnknown} : {}), ...(inherited?.choices ? {choices: new Map(inherited.choices)} : {}), ...(inherited?.nested ? {nested: inherited.nested} : {}), ...(inherited?.numeric ? {numeric: new Set(inherited.numeric)} : {}), ...(inherited?.envFile ? {envFile: inherited.envFile} : {})}
  const line0 = body.startPosition.row + 1
  const lineOf = (index: number): number => line0 + text.slice(0, index).split('\n').length - 1
  const prefix = /\benv_prefix\b["']?\s*[=:]\s*(.*)/.exec(text)
  if (prefix) {
    const literal = /^[rbuf]?["']([^"'\n]*)["']/.exec(prefix[1].trim())
    if (literal && !prefix[1].trim().startsWith('f')) {
      meta.prefix = literal[1]
      delete meta.prefixUnknown
    } else {
      meta.prefixUnknown = `the settings class sets env_prefix at ${file}:${lineOf(prefix.index)} to \`${prefix[1].trim().slice(0, 60)}\`, which conncalc cannot read, so which env var each field comes from is not known (${PYDANTIC_SETTINGS_SOURCES})`
    }
  }

  // `env_file=".env"`, a tuple or list of them (SettingsConfigDict, model_config dict, v1 `class Config`); an expression's
  // string literals joined (`BASE_DIR / ".env"`), as the loaders' paths are (Evaluator.loadEnvFile).
  const envFile = /\benv_file\b["']?\s*[=:]\s*([^\n]*)/.exec(text)
  if (envFile) {
    // The value up to a comma outside brackets (the next keyword argument) or the call's closing parenthesis.
    let value = ''
    let level = 0
    for (const c of envFile[1].replace(/\s*#.*$/, '')) {
      if ('([{'.includes(c)) level++
      else if (')]}'.includes(c) && --level < 0) break
      else if (c === ',' && level === 0) break
      value += c
    }

    value = value.trim()
    const plain = /^[([]?\s*((?:[rbu]?["'][^"'\n]+["']\s*,?\s*)+)[)\]]?\s*,?$/.exec(value)
    const files = plain ? [...plain[1].matchAll(/["']([^"'\n]+)["']/g)].map((m) => m[1]) : [[...value.matchAll(/["']([^"'{}\n]+)["']/g)].map((m) => m[1].replace(/^\/+|\/+$/g, '')).join('/')].filter((f) => f !== '' && /^(?:None|False)\b/.test(value) === false)
    if (files.length > 0) meta.envFile = {at: `${file}:${lineOf(envFile.index)}`, files: files.map((f) => f.replace(/^\.\//, ''))}
  }

  // `threads: int = 2`, `ratio: float`: fields pydantic validates into numbers.
  for (const m of text.matchAll(/^[ \t]*(\w+)\s*:\s*(?:int|float|PositiveInt|NonNegativeInt|PositiveFloat|NonNegativeFloat)\s*(?:=|$)/gm)) (meta.numeric ??= new Set()).add(m[1])
  // `env_nested_delimiter="__"` (model_config / v1 Config): a nested model's fields from `DB__POOL_SIZE`.
  const delimiter = /\benv_nested_delimiter\b["']?\s*[=:]\s*["']([^"'\n]+)["']/.exec(text)
  if (delimiter) meta.nested = delimiter[1]
  // `name: int = Field(5, alias="POOL")`, `validation_alias=`, v1 `env=`: that env var, without the prefix.
  for (const m of text.matchAll(/^[ \t]*(\w+)\s*:[^=\n]*=\s*Field\(([^\n]*)/gm)) {
    const alias = /\b(?:validation_alias|alias|env)\s*=\s*(.*)/.exec(m[2])
    if (!alias) continue
    const literal = /^["']([^"']+)["']/.exec(alias[1])
    // `validation_alias=AliasChoices("DB_POOL", "POOL_SIZE")` of plain names: each tried in order.
    const choices = /^(?:[\w.]*\.)?AliasChoices\(((?:\s*["'][\w-]+["']\s*,?)+)\)/.exec(alias[1])
    if (choices) (meta.choices ??= new Map()).set(m[1], [...choices[1].matchAll(/["']([\w-]+)["']/g)].map((c) => c[1]))
    else if (literal) meta.env.set(m[1], literal[1])
    else meta.changed.set(m[1], `${m[1]} is read from the env var its Field alias names at ${file}:${lineOf(m.index)} (\`${alias[1].slice(0, 60)}\`), which conncalc cannot read (${PYDANTIC_SETTINGS_SOURCES})`)
  }

  // Validators and __init__: the decorated method's text up to the next line at the class body's indentation.
  const lines = text.split('\n')
  for (const [i, l] of lines.entries()) {
    const deco = /^(\s*)@(?:[\w.]*\.)?(field_validator|validator|model_validator|root_validator)\b\s*(\(([^\n]*))?/.exec(l)
    const init = /^(\s*)def\s+(__init__|model_post_init)\s*\(/.exec(l)
    if (!deco && !init) continue
    const indent = (deco ?? init)![1].length
    // The method runs from its decorators to the first line after its `def` back at the decorators' indentation.
    let def = i
    while (def < lines.length && !/^\s*(?:async\s+)?def\b/.test(lines[def])) def++
    let end = def + 1
    while (end < lines.length && (lines[end].trim() === '' || lines[end].length - lines[end].trimStart().length > indent)) end++
    const method = lines.slice(i, end).join('\n')
    const at = `${file}:${line0 + i}`
    const kind = deco?.[2] ?? init![2]
    if (kind === 'field_validator' || kind === 'validator') {
      for (const f of (deco![4] ?? '').matchAll(/["'](\w+)["']/g)) meta.changed.set(f[1], `${f[1]} goes through the ${kind} at ${at}, which may change the value read; conncalc does not run it (${PYDANTIC_SETTINGS_SOURCES})`)
      continue
    }

    for (const f of method.matchAll(/\b(?:self|cls|values|data|model)\s*(?:\.\s*(\w+)|\[\s*["'](\w+)["']\s*\])\s*=(?!=)/g)) {
      const field = f[1] ?? f[2]
      meta.changed.set(field, `${field} is set by the ${kind === '__init__' || kind === 'model_post_init' ? `settings class's ${kind}` : kind} at ${at} after the env is read; conncalc does not run it (${PYDANTIC_SETTINGS_SOURCES})`)
    }
  }

  return meta
}