import type {Source, Sourced} from '../../model/source.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Env} from '../../model/env.js'

export interface PyList {
  items: EvalValue[]
  kind: 'list'
}

export interface PyDict {
  entries: Map<string, EvalValue>
  kind: 'dict'
  /** Keys set (`d["k"] = …`) only inside an arm of an `if` conncalc could not decide. */
  armed?: Map<string, PyArm>
  /** A `**spread` that could not be read: keys may be missing. */
  partial?: boolean
  /** For a dict built from a database URL (dj-database-url, django-environ): the server it connects to. */
  server?: string
}

/** A function defined in the file: called with known arguments, its body is evaluated (never run). */
export interface PyFunction {
  defaults: Map<string, EvalValue>
  /** Evaluate the body with these arguments (in the file that defines it); `calls`, when given, receives the calls that body makes. */
  invoke: (args: EvalValue[], kwargs: Record<string, EvalValue>, calls?: PyCall[], site?: {file: string; line: number}) => Promise<EvalValue>
  kind: 'function'
  name: string
  /** Parameter names in order; `*args` / `**kw` marked by their prefix, `*` alone for keyword-only. */
  params: string[]
  /** Decorated `@property` / `@cached_property`: reading it on an instance calls it with the instance. */
  property?: true
  /** Decorated `@staticmethod`: called on an instance, it is not given the instance. */
  static?: true
  scope: Scope
}

/** The result of a call conncalc does not compute (`create_engine(...)`), kept for inspection. */
export interface PyCallResult {
  args: EvalValue[]
  callee: string
  kind: 'call'
  /** Each keyword argument as written, for declarations such as django-environ's `Env(DEBUG=(bool, False))`. */
  kwargText?: Record<string, string>
  kwargs: Record<string, EvalValue>
}

export interface PyClass {
  attrs: Map<string, EvalValue>
  bases: string[]
  kind: 'class'
  name: string
  /** A pydantic BaseSettings class: how its fields are read from the environment (evaluate.ts settingsMeta). */
  settings?: PySettingsMeta
}

/**
 * How a pydantic(-settings) BaseSettings class reads its fields: the env var a field is read from (its `alias` /
 * `validation_alias` / v1 `env`, else `env_prefix` + its name, matched without case), and the fields a validator or
 * `__init__` of the class may change after they are read (why, naming the line).
 */
export interface PySettingsMeta {
  changed: Map<string, string>
  env: Map<string, string>
  /** `validation_alias=AliasChoices("DB_POOL", "POOL_SIZE")`: the env vars tried in order, the first one set wins. */
  choices?: Map<string, string[]>
  /** `env_nested_delimiter="__"`: a nested model's fields are read from `PREFIX` + field + delimiter + sub-field. */
  nested?: string
  /** Fields annotated int / float: a numeric env string is read as the number pydantic makes of it. */
  numeric?: Set<string>
  prefix: string
  /** `env_prefix` is set in a way conncalc cannot read: no field's env var is known (why). */
  prefixUnknown?: string
  /** `env_file=".env"` / `(".env", ".env.prod")`: read after the env vars, a later file over an earlier one; where it is set. */
  envFile?: {at: string; files: string[]}
}

export interface PyInstance {
  /**
   * What the app's methods bind on it (`self.concurrency = concurrency` in `__init__`), while they are called with it
   * (evaluate.ts invoke): read before the class's own attributes. Set in a branch or loop: unknown, said.
   */
  attrs?: Map<string, EvalValue>
  cls: PyClass
  /**
   * A nested model of a BaseSettings class with `env_nested_delimiter` (`db: DbSettings = DbSettings()`, delimiter "__"):
   * the env var name its fields are read under, before the field's name ("DB__"), and the delimiter for a model nested
   * in it; pydantic-settings' EnvSettingsSource explode_env_vars.
   */
  nestedEnv?: {delimiter: string; prefix: string}
  kind: 'instance'
}

export type PyValue = boolean | null | number | PyCallResult | PyClass | PyDict | PyFunction | PyInstance | PyList | string

export interface MissingEnv {
  /** The file that reads it (when the evaluator knows: a value may be computed in another module from there). */
  file?: string
  line: number
  name: string
}

export interface KnownValue {
  /** The file the value was written in (a star import brings values from another file). */
  file: string
  kind: 'known'
  line: number
  missingEnv?: MissingEnv[]
  value: PyValue
  /** Env entries and facts (nproc) the value was computed from. */
  via: Source[]
}

export interface UnknownValue {
  file: string
  kind: 'unknown'
  line: number
  missingEnv?: MissingEnv[]
  /** Written as a name conncalc does not evaluate: that name, dotted and import-qualified (`NullPool` imported from sqlalchemy.pool → "sqlalchemy.pool.NullPool"). */
  name?: string
  /** Computed from a function's parameter while its body was walked without a caller (the name of that parameter). */
  parameter?: string
  /** With `parameter`: the function it is a parameter of, as "file:line" of its `def` (bound-arguments.ts callerBindings). */
  parameterOf?: string
  /** With `parameter`: a `**name` parameter, whose items are the keyword arguments its caller passes (`options["workers"]`). */
  keywords?: true
  /**
   * One of these values, which one not decided here: a dict of the app's indexed by a key conncalc cannot evaluate
   * (`config[os.getenv("FLASK_CONFIG")]`: the dict's values), or the arms of a conditional expression whose condition it
   * cannot (`DevConfig if get_debug_flag() else ProdConfig`), or the values the arms of an `if` it cannot decide give a name
   * set in each of them (or before it). Not carried to what is computed from the value.
   */
  among?: EvalValue[]
  reason: string
  /**
   * The text a string is known to begin with though its whole is not: `f"postgresql://{user}@{host}/db"`,
   * `"sqlite:///" + path` (a database URL's scheme is then read). Not carried to what is computed from the value.
   */
  textPrefix?: string
}

export type EvalValue = KnownValue | UnknownValue

/** The class a value is, when it is one of the app's classes (a `class` statement's value). */
export const classOf = (v: EvalValue | undefined): PyClass | undefined =>
  v?.kind === 'known' && v.value !== null && typeof v.value === 'object' && !Array.isArray(v.value) && v.value.kind === 'class' ? v.value : undefined

/**
 * The app's own classes whose base is one of `bases` (`class Ticker(threading.Thread)`), by the names a call gives them
 * (import-qualified, `app.jobs.Ticker`, and bare in their own module): their base.
 */
export function subclassesOf(modules: readonly PyModule[], bases: ReadonlySet<string>): Map<string, string> {
  const found = new Map<string, string>()
  for (const m of modules) {
    const dotted = m.file.replace(/\.py$/, '').replace(/\/__init__$/, '').replaceAll('/', '.')
    for (const [name, v] of m.names) {
      const base = classOf(v)?.bases.find((b) => bases.has(b))
      if (base) found.set(`${dotted}.${name}`, base).set(name, base)
    }
  }

  return found
}

/** One arm of an `if` conncalc could not decide (see PyCall.arms). */
export interface PyArm {
  at: string
  branch: number
  /** The `if`'s condition as written, shortened. */
  cond: string
  file: string
  line: number
}

/** A call expression found in the file (anywhere, also inside functions), with its evaluated arguments. */
export interface PyCall {
  /**
   * The callee is a function or class the app defines (its own module's, or one it imports from the app): its body runs
   * with these arguments and its calls are recorded there, so the name it shares with a library's (`create_async_engine`
   * wrapping SQLAlchemy's) says nothing about the library.
   */
  appDefined?: true
  /** Each positional argument's dotted, import-qualified name when it is a name (`config_from_object(settings)` → "django.conf.settings"). */
  argNames?: (string | undefined)[]
  args: EvalValue[]
  /** The plain name the call's value (or a call around it) is assigned to: `_pool = await create_pool(…)` → "_pool". */
  assignedTo?: string
  /** The attribute the call's value is assigned to: `self.runner = Runner(self)` → "runner". */
  assignedAttr?: string
  /** Dotted, import-qualified: `create_engine` imported from sqlalchemy is "sqlalchemy.create_engine". */
  callee: string
  /**
   * The undecided `if`s whose arms hold this call, outermost first: `at` names the `if` (file and offset),
   * `branch` its arm. Calls in different arms of one `if` are alternatives: one arm runs.
   */
  arms?: PyArm[]
  /** Inside an `if` conncalc could not decide, a loop, or a function body. */
  conditional: boolean
  /** Inside a `for`, a `while` or a comprehension of the function (or module) body it is in: it may run many times. */
  loop?: boolean
  kwargs: Record<string, EvalValue>
  /** Each keyword argument as written (`poolclass=NullPool` → "NullPool"). */
  kwargText: Record<string, string>
  line: number
  /** An argument spread conncalc could not read (`**options`, `*args`): any keyword may be set in it. */
  spread?: EvalValue
  /** Keywords from a `**dict` spread whose key is set only in an arm of an undecided `if` (PyDict.armed). */
  armedKwargs?: Record<string, PyArm>
  /** The app's function whose body holds this call (the innermost `def`), with the places it was called from. */
  within?: PyFunctionSites
}

/** One place the app calls its own function with arguments conncalc evaluated: the calls its body made with them bound. */
export interface PyCallSite {
  calls: PyCall[]
  file: string
  line: number
  /** The call is a module's (or class body's) own statement outside any `if` or loop conncalc could not decide: it runs once, at import. */
  once?: boolean
}

/** A function of the app as the calls in its body see it: where it is defined, its parameters' defaults, and its callers. */
export interface PyFunctionSites {
  defaults: Map<string, EvalValue>
  file: string
  line: number
  name: string
  sites: PyCallSite[]
  /** Decorated with functools' `cache`/`lru_cache`: calls with equal arguments return one result. */
  cached?: boolean
  /** Decorated (`@app.on_event("startup")`, `@task`): something other than the app's own calls may call it. */
  decorated?: boolean
  /** Its decorators as written without their arguments (`@bp.route("/x")` → "bp.route"). */
  decorators?: string[]
  /** Its parameters in order (`self` included for a method). */
  params?: string[]
  /** For a method: its class's bases, import-qualified. */
  classBases?: string[]
  /** More callers than conncalc keeps (MAX_SITES): the sites are a sample. */
  truncated?: boolean
  /** What its `return` statements give, as written (`payday`, `Payday(self)`; "None" for a bare `return`); [] when it has none. */
  returns?: readonly string[]
}

/** `app.config["X"] = v` (or `app.conf.x = v`, PyModule.attrAssignments) where the container is not a dict conncalc knows. */
export interface PyItemAssignment {
  /** The innermost undecided `if` arm it is in (PyCall.arms). */
  arm?: PyArm
  /** Inside an `if` conncalc could not decide, a loop, or a function body: it may not run. */
  conditional?: boolean
  key: string
  line: number
  /** The value as a dotted name, import-qualified (`NullPool` → "sqlalchemy.pool.NullPool"), when it is written as one. */
  name?: string
  target: string
  value: EvalValue
  /** The function whose body it is in, as PyFunctionSites names it ("Class.method" for a method). */
  within?: string
}

export interface PyImport {
  /** In a try body or an arm conncalc cannot decide: it may not run, or its failure may be caught. */
  guarded?: boolean
  level: number
  line: number
  module: string
  /** Imported names, or "*". Empty for `import a.b`. */
  names: string[] | '*'
  /** The function whose body holds the import (as PyFunctionSites names it): it runs only when that function is called. */
  within?: string
}

export interface PyModule {
  /** `obj.attr = v` on a dotted name conncalc does not model (`app.conf.worker_concurrency = 2`): target "app.conf", key "worker_concurrency". */
  attrAssignments: PyItemAssignment[]
  calls: PyCall[]
  diagnostics: Diagnostic[]
  file: string
  imports: PyImport[]
  itemAssignments: PyItemAssignment[]
  names: Map<string, EvalValue>
  /** False when the file had syntax errors: names and calls are then empty. */
  parsed: boolean
}

export interface PyEvalOptions {
  env: Env
  file: string
  /** Processors on the dyno, for cpu_count(); unknown when absent. */
  nproc?: Sourced<number>
  /** Names a project module defines (for `from .base import *` and `from app.config import settings`). */
  resolveModule?: (module: string, level: number) => Promise<Map<string, EvalValue> | undefined>
  /**
   * Run another file of the app in this module's globals (django-split-settings' `include()`):
   * `path` relative to the app root; undefined when the file is not in the app.
   */
  runFile?: (path: string, scope: Scope) => Promise<PyModule | undefined>
  /** The globals to run in, when this file is run inside another module's (runFile). */
  scope?: Scope
}

export type Scope = Map<string, EvalValue>

/** A write to a module's namespace whose names conncalc cannot read (`globals().update(cfg)` with cfg unknown). */
export interface DynamicWrite {
  file: string
  line: number
  /** The statement as written, shortened. */
  text: string
}

