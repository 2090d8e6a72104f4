/**
 * Go code read with tree-sitter-go (util/tree-sitter.ts, loaded only when a Go app's
 * files are read): the package the Procfile's binary is built from and the in-module
 * packages it imports, searched for what sizes a pool —
 * `db.SetMaxOpenConns(n)` (database/sql, sqlx, GORM's `db.DB()`), pgxpool's
 * `config.MaxConns = n` and `pool_max_conns` in the URL given to `pgxpool.New`/`Connect`/
 * `ParseConfig` — and where pools are opened (`sql.Open`, `sqlx.Connect`, `gorm.Open`,
 * `pgxpool.New…`). A small evaluator reads the values apps write: integer literals,
 * package constants and variables, `int32(x)`, `os.Getenv("X")`, `strconv.Atoi(…)`,
 * `runtime.NumCPU()` (the dyno's CPUs), `flag.Int("name", 10, …)` (the Procfile's
 * `-name=N`, else its default), arithmetic, and fields of config structs filled from the
 * env by struct tags (TaggedFields): kelseyhightower/envconfig `envconfig:"DB_MAX_CONNS"
 * default:"20"` and caarlos0/env `env:"DB_MAX_CONNS" envDefault:"20"`, and spf13/viper's `viper.GetInt(key)`
 * (viper.ts; methods of the app read with their receiver bound to the call's operand). Anything else makes
 * that value unknown. Never runs the code.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Env} from '../../model/env.js'
import type {FileReader} from '../../model/files.js'
import type {Source, Sourced} from '../../model/source.js'
import type {EvalValue} from '../python/values.js'

import {assumed, fromDefault, fromFile, fromFlag} from '../../model/source.js'
import {isExhaustion} from '../../util/exhaustion.js'
import {firstSyntaxError, loadGrammar, type TsNode} from '../../util/tree-sitter.js'
import {append} from '../../util/arrays.js'
import {builtOnLinux} from './build-constraints.js'
import {withNewExpressions} from './go-source.js'

const MAX_FILES = 300
const FLAG_REF = 'https://pkg.go.dev/flag#Int'
// "The precedence for flag value sources is as follows (highest to lowest): 0. Command line option value from user
// 1. Environment variable (if specified) 2. Configuration file (if specified) 3. Default defined on the flag".
const URFAVE_REF = 'https://cli.urfave.org/v2/examples/flags/#precedence'
// "Subcommands … Action" (urfave/cli), cobra's Command.Run: the CLI runs the action of the command its arguments name.
const SUBCOMMAND_REF = 'https://cli.urfave.org/v2/examples/subcommands/'
const isUrfave = (path: string | undefined): boolean => path !== undefined && /^(github\.com\/urfave\/cli|gopkg\.in\/urfave\/cli\.v1)(\/v[23])?$/.test(path)
// process(): `lookupEnv(info.Key)`, then `info.Alt` (the envconfig tag alone), then the `default` tag;
// gatherInfo: Key is the tag (else the field name, snake_cased with split_words), PREFIX_ before it, upper-cased.
const ENVCONFIG_REF = 'https://github.com/kelseyhightower/envconfig/blob/master/envconfig.go'
// env.go: the `env` tag names the variable (Options.Prefix before it), `envDefault` is used when it is unset.
const CAARLOS_ENV_REF = 'https://github.com/caarlos0/env/blob/main/env.go'
// envdecode.go: the env tag's first part names the variable; `default=` is used when it is unset or empty.
const ENVDECODE_REF = 'https://github.com/joeshaw/envdecode/blob/master/envdecode.go'
// configor.go processTags: an `env` tag names the variable as written; a field still blank after the config files and the env
// gets its `default` tag.
const CONFIGOR_REF = 'https://github.com/jinzhu/configor/blob/master/utils.go'
// cleanenv.go: the `env` tag names the variable, `env-default` is used when it is unset (after any config file read).
const CLEANENV_REF = 'https://github.com/ilyakaznacheev/cleanenv/blob/master/cleanenv.go'

/** A struct field filled from the env by its tags. */
interface TaggedField {
  /** The envconfig tag (Alt) or the env tag; undefined for an envconfig field with no tag (its name is the key). */
  key?: string
  default?: string
  file: string
  lib: 'caarlos0/env' | 'cleanenv' | 'configor' | 'envconfig' | 'envdecode'
  line: number
  name: string
  /** An integer field (`int`, `int32`, `uint`…): unset, it keeps Go's zero value 0. */
  numeric?: true
  splitWords: boolean
  struct: string
}

/**
 * Struct fields with env tags in the code read, and the prefixes the app passes
 * (`envconfig.Process("app", &cfg)`, `env.ParseWithOptions(&cfg, env.Options{Prefix: "APP_"})`).
 */
export class TaggedFields {
  readonly byName = new Map<string, TaggedField[]>()
  readonly prefixes = {'caarlos0/env': new Set<string>(), cleanenv: new Set<string>(), configor: new Set<string>(), envconfig: new Set<string>(), envdecode: new Set<string>()}

  add(f: TaggedField): void {
    this.byName.set(f.name, [...(this.byName.get(f.name) ?? []), f])
  }

  /**
   * The field `Type.Name` when the variable's type is known — never another struct's field of
   * the same name (Admin.MaxConns set in code is not Web.MaxConns filled from the env) — else,
   * the type unknown, the only tagged field of that name.
   */
  find(name: string, type?: string): TaggedField | undefined {
    const all = this.byName.get(name) ?? []
    if (type !== undefined) {
      const typed = all.filter((f) => f.struct === type)
      return typed.length === 1 ? typed[0] : undefined
    }

    return all.length === 1 ? all[0] : undefined
  }
}

const snake = (name: string): string => name.replaceAll(/([a-z0-9])([A-Z])/g, '$1_$2').replaceAll(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')

/** Struct tags as Go's reflect.StructTag.Get reads them: `key:"value"` pairs. */
function tagValues(raw: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const m of raw.matchAll(/([A-Za-z_][\w-]*):"((?:[^"\\]|\\.)*)"/g)) out.set(m[1], m[2])
  return out
}

/** `type Config struct { MaxConns int \`envconfig:"DB_MAX_CONNS" default:"20"\` }` fields, and those of its nested anonymous structs (`Database struct { … }`). */
function collectTagged(nodes: readonly TsNode[], path: string, into: TaggedFields): void {
  const fields = (list: TsNode | null | undefined, struct: string): void => {
    for (const field of list?.namedChildren ?? []) {
      if (field?.type !== 'field_declaration') continue
      const type = field.childForFieldName('type')
      // `Database struct { MaxOpenConns int \`env:"…"\` }`: the nested struct's fields are filled the same way.
      if (type?.type === 'struct_type') {
        for (const id of field.childrenForFieldName('name')) if (id) fields(type.namedChildren.find((c) => c?.type === 'field_declaration_list'), `${struct}.${id.text}`)
        continue
      }

      const tag = field.childForFieldName('tag')?.text
      if (!tag) continue
      const tags = tagValues(tag.slice(1, -1))
      const envOptions = (tags.get('env') ?? '').split(',').slice(1)
      // joeshaw/envdecode writes the default inside the env tag (`env:"KEY,default=4,strict"`); caarlos0/env has no such option.
      const decodeDefault = envOptions.find((o) => o.startsWith('default='))
      // cleanenv's `env-default`; jinzhu/configor's `default` beside an `env` tag (envconfig's `default` goes with `envconfig` or alone).
      const lib =
        decodeDefault !== undefined
          ? 'envdecode'
          : tags.has('env-default')
            ? 'cleanenv'
            : tags.has('env') && tags.has('default') && !tags.has('envDefault') && !tags.has('envconfig')
              ? 'configor'
              : tags.has('env') || tags.has('envDefault')
                ? 'caarlos0/env'
                : tags.has('envconfig') || tags.has('default')
                  ? 'envconfig'
                  : undefined
      if (!lib) continue
      const key = lib === 'envconfig' ? tags.get('envconfig') : tags.get('env')?.split(',')[0]
      const dflt = lib === 'envconfig' || lib === 'configor' ? tags.get('default') : lib === 'envdecode' ? decodeDefault!.slice('default='.length) : lib === 'cleanenv' ? tags.get('env-default') : tags.get('envDefault')
      for (const id of field.childrenForFieldName('name')) {
        if (id) into.add({...(key ? {key} : {}), ...(dflt === undefined ? {} : {default: dflt}), file: path, lib, line: line(field), name: id.text, ...(/^u?int(8|16|32|64)?$/.test(type?.text ?? '') ? {numeric: true as const} : {}), splitWords: tags.get('split_words') === 'true', struct})
      }
    }
  }

  for (const n of nodes) {
    if (n.type === 'type_spec' && n.childForFieldName('type')?.type === 'struct_type') {
      fields(n.childForFieldName('type')?.namedChildren.find((c) => c?.type === 'field_declaration_list'), n.childForFieldName('name')?.text ?? '')
    }
  }
}

export interface GoSite {
  file: string
  line: number
  /** What the call or assignment names: "database/sql", "sqlx", "gorm", "pgxpool", "pgx" (v3's ConnPool), "go-pg", "que-go". */
  lib: string
  /** go-pg: the import path the call's package has (its major version decides the default pool). */
  pkg?: string
  value?: EvalValue
  /** pgx v3 `NewConnPool(pgx.ConnPoolConfig{MaxConnections: n})`, go-pg `pg.Connect(&pg.Options{PoolSize: n})`: the size given, when read. */
  max?: EvalValue
  /** The call runs only when a value is one of some strings (driverGuard): `case "postgres":` of `switch cfg.Driver`. */
  guard?: GoGuard
  /** The function declaration the call is in (`file:offset`), when it is one (not a method or a closure). */
  fn?: string
  /**
   * An open in a function declaration (`func setupDatabase() *sql.DB { db, _ := sql.Open(…) }`): where that function is
   * called in the code read, each as the block the call's statement is in (`file:offset`).
   */
  callers?: string[]
}

/**
 * A branch a call runs in only when an expression is one of some strings: `switch profile.Driver { case "postgres": … }`,
 * `if t == "postgres" { … }`, or after `if t != "postgres" { return … }`; in the function itself or in every caller of it.
 */
export interface GoGuard {
  /** The strings the branch runs for. */
  arms: string[]
  file: string
  line: number
  /** The expression compared, as written. */
  operand: string
  /** Its value, when conncalc evaluates it. */
  value?: EvalValue
}

export interface GoCode {
  diagnostics: Diagnostic[]
  files: string[]
  /** `X.MaxConns = n` (pgxpool.Config). */
  maxConns: GoSite[]
  /** `X.SetMaxOpenConns(n)` (database/sql and what wraps it). */
  maxOpen: GoSite[]
  /** Pools opened: `sql.Open`, `sqlx.Connect`, `gorm.Open`, `pgxpool.New…`, pgx v3's `pgx.NewConnPool` (value: the URL given, when read). */
  opened: GoSite[]
  /** `sql.Open("mysql", dsn)`, `sqlx.Connect("sqlite3", …)`: pools opened with another database's driver name (in `driver`). */
  otherOpened: (GoSite & {driver: string})[]
  /** que-go `que.NewWorkerPool(client, workMap, n)`: n workers, each holding one pooled connection while it works a job. */
  queWorkers: GoSite[]
  /** pgx's `stdlib.OpenDBFromPool(pool)`: a database/sql handle over a pgxpool, opening no connection of its own. */
  overPool?: {file: string; line: number}
  /** Where the code read serves HTTP (`os.Getenv("PORT")`, net/http's ListenAndServe/Serve), if it does. */
  serves?: {file: string; line: number}
  /** Every package the files read import (standard library, other modules, the module's own). */
  imports: Set<string>
  /** Every in-module package the binary imports was read, each file parsed without error (not cut at MAX_FILES). */
  complete: boolean
}

/**
 * Where code fills a config struct's field, by the field's path below its variable (`db.maxOpenConns` of
 * `cfg.db.maxOpenConns`): `flag.IntVar(&cfg.db.maxOpenConns, "db-max-open-conns", 25, …)` or an assignment
 * `cfg.db.maxOpenConns = 25`. The struct then travels by value or pointer (`openDB(cfg)`), so a read of the same
 * path on a variable of the same type (a parameter) is that field.
 */
interface FieldSet {
  file: GoFile
  /** The flag.IntVar call, or the assignment's right-hand side. */
  node: TsNode
  kind: 'assign' | 'flag'
  /** The type of the variable the path hangs from, when declared. */
  rootType?: string
}

/** Every file read, with its package folder: to follow a parameter to its callers and a method to its body. */
export interface GoIndex {
  /** `calls`: the file's calls in document order, found the first time a parameter's callers are looked for (parameter). */
  files: {calls?: TsNode[]; dir: string; file: GoFile; root: TsNode}[]
  /** Parameters and methods being evaluated, so a cycle stops. */
  active: Set<string>
  /**
   * A method or function body being read for one call (`config.DatabaseMaxOpenConnections.GetInt()` into `func (k Key)
   * GetInt() int { return viper.GetInt(string(k)) }`): its receiver and parameters stand for the call's operand and
   * arguments, in the caller's file. Keyed by the declaration (file and offset).
   */
  frames: {decl: string; names: Map<string, {file: GoFile; node: TsNode}>}[]
  /** viper's settings in the code read, gathered once when a viper.Get… is first evaluated (viper.ts). */
  viper?: unknown
  /** The CLI's subcommands (urfave/cli, cobra) with their actions, gathered once when callers must be told apart. */
  commands?: CliCommand[]
}

/** A urfave/cli `&cli.Command{Name: "serve", Action: runServe}` or cobra `&cobra.Command{Use: "serve", RunE: …}`. */
interface CliCommand {
  names: string[]
  /** The action's function name (`runServe`, `cmd.Serve`'s `Serve`), or the function literal itself. */
  action: string | TsNode
}

export interface GoReadInput {
  /** Filled by readGoCode: the files read, for parameters and methods. */
  index?: GoIndex
  /** Filled by readGoCode: the env-tagged struct fields of every file read. */
  tagged?: TaggedFields
  /** Filled by readGoCode: config struct fields set in code (flag.IntVar, assignments), by field path. */
  fieldSets?: Map<string, FieldSet[]>
  /** The Procfile command's arguments after the binary (`-max-conns=20`). */
  args: string[]
  /** viper's value for a key (viper.ts), given by go.ts when the module requires spf13/viper. */
  viper?: (file: GoFile, at: TsNode, key: string, numeric: boolean) => EvalValue
  env: Env
  files: FileReader
  /** Package folders to start from (the binary's `cmd/<name>`, the module root). */
  dirs: string[]
  module?: string
  nproc?: Sourced<number>
}

const OPENERS: Record<string, {fns: RegExp; lib: string}> = {
  'database/sql': {fns: /^Open(DB)?$/, lib: 'database/sql'},
  'github.com/jmoiron/sqlx': {fns: /^(Open|Connect|ConnectContext|MustConnect|MustOpen)$/, lib: 'sqlx'},
  'gorm.io/gorm': {fns: /^Open$/, lib: 'gorm'},
  'github.com/jinzhu/gorm': {fns: /^Open$/, lib: 'gorm'},
}
/** pgx before modules (v2, v3: `github.com/jackc/pgx`, gopkg.in's `jackc/pgx.v3`), whose pool is `pgx.NewConnPool`. */
const isPgxV3 = (path: string): boolean => /^(github\.com\/jackc\/pgx|gopkg\.in\/jackc\/pgx\.v[23])$/.test(path)
const isPgxpool = (path: string): boolean => /^github\.com\/jackc\/pgx\/v[45]\/pgxpool$/.test(path)
/** go-pg (`github.com/go-pg/pg`, `/v9`, `/v10`; gopkg.in's `pg.vN`), whose `pg.Connect(&pg.Options{…})` opens a pool. */
export const isGoPg = (path: string): boolean => /^(github\.com\/go-pg\/pg(\/v\d+)?|gopkg\.in\/pg\.v\d+)$/.test(path)

const line = (n: TsNode): number => n.startPosition.row + 1

export class GoFile {
  readonly imports = new Map<string, string>() // local name → import path
  readonly names = new Map<string, TsNode>() // name → expression it was given (package and function scope alike)
  /** name → the value an `if` gives it when the env var it was read from is unset (`if x == "" { x = "10" }`, `if err != nil { n = 10 }`). */
  readonly fallbacks = new Map<string, {line: number; value: TsNode}>()
  readonly types = new Map<string, string>() // name → the struct type it is declared with (`var cfg Config`, `cfg *config.Config`)
  private readonly evaluating = new Set<string>()

  constructor(
    readonly path: string,
    private readonly input: GoReadInput,
  ) {}

  /** What viper.ts reads beside this file: the env, the app's files, every file read (with its package folder) and the module path. */
  get context(): {env: Env; files: FileReader; index: GoIndex['files']; module?: string; viper: GoIndex | undefined} {
    return {env: this.input.env, files: this.input.files, index: this.input.index?.files ?? [], module: this.input.module, viper: this.input.index}
  }

  private known(n: TsNode, value: boolean | null | number | string, via: Source[] = [], from: EvalValue[] = []): EvalValue {
    const missing = from.flatMap((f) => f.missingEnv ?? [])
    return {file: this.path, kind: 'known', line: line(n), value, via: [...from.flatMap((f) => (f.kind === 'known' ? f.via : [])), ...via], ...(missing.length > 0 ? {missingEnv: missing} : {})}
  }

  unknown(n: TsNode, reason?: string, from: EvalValue[] = []): EvalValue {
    const inner = from.find((f) => f.kind === 'unknown')
    if (inner) return inner
    const missing = from.flatMap((f) => f.missingEnv ?? [])
    return {file: this.path, kind: 'unknown', line: line(n), reason: reason ?? `\`${n.text.replaceAll(/\s+/g, ' ').slice(0, 60)}\` is not something conncalc evaluates`, ...(missing.length > 0 ? {missingEnv: missing} : {})}
  }

  tagPrefix(lib: 'caarlos0/env' | 'envconfig', prefix: string): void {
    if (prefix !== '') this.input.tagged?.prefixes[lib].add(prefix)
  }

  /** `pkg.Fn` as "import/path.Fn" when pkg is an import of this file. */
  qualified(fn: TsNode | null): string | undefined {
    if (fn?.type !== 'selector_expression') return undefined
    const operand = fn.childForFieldName('operand')
    const field = fn.childForFieldName('field')?.text
    if (operand?.type !== 'identifier' || !field) return undefined
    const path = this.imports.get(operand.text)
    return path ? `${path}.${field}` : undefined
  }

  evaluate(n: TsNode | null): EvalValue | undefined {
    if (!n) return undefined
    switch (n.type) {
      case 'int_literal': {
        const v = Number(n.text.replaceAll('_', ''))
        return Number.isInteger(v) ? this.known(n, v) : this.unknown(n)
      }

      case 'interpreted_string_literal':
      case 'raw_string_literal': {
        const body = n.text.slice(1, -1)
        return this.known(n, n.type === 'raw_string_literal' ? body : body.replaceAll(/\\(.)/g, '$1'))
      }

      case 'parenthesized_expression': {
        return this.evaluate(n.namedChildren[0] ?? null)
      }

      case 'identifier': {
        const bound = this.bound(n)
        if (bound) return this.guarded(`bound ${bound.file.path}:${bound.node.startIndex}`, n, () => bound.file.evaluate(bound.node)) ?? this.unknown(n)
        const chosen = this.switchChosen(n)
        if (chosen) return chosen
        const expr = this.names.get(n.text)
        if (!expr) {
          const param = this.parameter(n)
          if (param) return param
        }

        if (!expr || this.evaluating.has(n.text)) return this.unknown(n, `\`${n.text}\` is not given a value conncalc can read in ${this.path}`)
        const branch = conditionalAssignment(expr, n)
        if (branch) return this.unknown(n, `\`${n.text}\` is given \`${expr.text.slice(0, 40)}\` at ${this.path}:${line(expr)} only when the ${branch} at ${this.path}:${line(branchNode(expr)!)} runs, and keeps the value it had before otherwise`)
        this.evaluating.add(n.text)
        try {
          const v = this.evaluate(expr)
          const fallback = this.fallbacks.get(n.text)
          // Read from an env var that is unset (os.Getenv's "", strconv.Atoi's error): the app's own `if` gives the value.
          if (!fallback || v?.kind !== 'known' || v.value !== null || !v.missingEnv?.length) return v
          const f = this.evaluate(fallback.value)
          if (f?.kind !== 'known' || (typeof f.value !== 'number' && typeof f.value !== 'string')) return f ?? v
          const names = [...new Set(v.missingEnv.map((m) => m.name))]
          // app.json requiring the variable with no value: the deployer sets it, so the app's fallback is an assumption.
          const deployer = names.map((name) => this.input.env.deployerSets(name)).filter((x): x is Source => x !== undefined)
          // The unset variables stay named (missingEnv): they are what would change the value.
          return this.known(n, f.value, [fromFile(this.path, fallback.line), ...deployer], [f, v])
        } finally {
          this.evaluating.delete(n.text)
        }
      }

      case 'unary_expression': {
        const op = n.childForFieldName('operator')?.text
        const v = this.evaluate(n.childForFieldName('operand'))
        if (!v) return this.unknown(n)
        if (op === '*' || op === '+') return v // `*maxConns` of a flag.Int pointer
        if (op === '-' && v.kind === 'known' && typeof v.value === 'number') return this.known(n, -v.value, [], [v])
        return this.unknown(n, undefined, [v])
      }

      case 'binary_expression': {
        const a = this.evaluate(n.childForFieldName('left'))
        const b = this.evaluate(n.childForFieldName('right'))
        const op = n.childForFieldName('operator')?.text
        if (a?.kind !== 'known' || b?.kind !== 'known' || typeof a.value !== 'number' || typeof b.value !== 'number') return this.unknown(n, undefined, [a, b].filter((x): x is EvalValue => Boolean(x)))
        const r = ({'*': a.value * b.value, '+': a.value + b.value, '-': a.value - b.value, '/': b.value === 0 ? Number.NaN : Math.trunc(a.value / b.value)} as Record<string, number>)[op ?? '']
        return r === undefined || Number.isNaN(r) ? this.unknown(n) : this.known(n, r, [], [a, b])
      }

      case 'call_expression': {
        return this.call(n)
      }

      case 'selector_expression': {
        return this.field(n)
      }

      default: {
        return this.unknown(n)
      }
    }
  }

  /**
   * A variable the function it is read in gives a value in the arms of a switch (`switch s { case "mysql": driver = MYSQL
   * … default: driver = MYSQL }`, photoview's DatabaseDriverFromEnv): the value of the arm the switch's tag picks — the
   * first case one of whose values equals it, else `default:` (Go spec, Expression switches); an unset variable's tag is
   * "". Undefined when no switch of the function assigns it, or the arm taken does not (the value before the switch);
   * unknown when the tag is not read.
   */
  private switchChosen(n: TsNode): EvalValue | undefined {
    let fn: null | TsNode = n.parent
    while (fn && !['function_declaration', 'method_declaration', 'func_literal'].includes(fn.type)) fn = fn.parent
    const body = fn?.childForFieldName('body')
    if (!body || !body.text.includes(`${n.text} =`) || !body.text.includes('switch')) return undefined
    const assigned = (arm: TsNode): TsNode | undefined => {
      for (const st of arm.namedChildren) {
        const list = st?.type === 'statement_list' ? st.namedChildren : [st]
        for (const a of list) {
          if (a?.type !== 'assignment_statement' || a.childForFieldName('operator')?.text !== '=') continue
          const left = a.childForFieldName('left')?.namedChildren ?? []
          const at = left.findIndex((l) => l?.type === 'identifier' && l.text === n.text)
          if (at !== -1) return a.childForFieldName('right')?.namedChildren[at] ?? undefined
        }
      }

      return undefined
    }

    const switches = body.descendantsOfType('expression_switch_statement').filter((sw): sw is TsNode => sw !== null && sw.startIndex < n.startIndex && sw.namedChildren.some((c) => c !== null && /^(expression|default)_case$/.test(c.type) && assigned(c) !== undefined))
    if (switches.length !== 1) return undefined
    const sw = switches[0]
    const tagNode = sw.childForFieldName('value')
    const tag = tagNode ? this.evaluate(tagNode) : undefined
    const where = fromFile(this.path, line(sw))
    if (tag?.kind !== 'known' || (typeof tag.value !== 'string' && tag.value !== null)) return this.unknown(n, `\`${n.text}\` is given a value in the arm of the switch at ${this.path}:${line(sw)} that \`${tagNode?.text ?? ''}\` picks, and that is not read`, tag ? [tag] : [])
    const text = tag.value ?? ''
    const arms = sw.namedChildren.filter((c): c is TsNode => c !== null && /^(expression|default)_case$/.test(c.type))
    const picked =
      arms.find((c) => c.type === 'expression_case' && (c.childForFieldName('value')?.namedChildren ?? []).some((v) => {
        const x = v ? this.evaluate(v) : undefined
        return x?.kind === 'known' && (x.value ?? '') === text
      })) ?? arms.find((c) => c.type === 'default_case')
    // No arm taken, or one that leaves the variable alone (`fallthrough`): the value it had before the switch.
    const value = picked ? assigned(picked) : undefined
    if (!value) return undefined
    const v = this.evaluate(value)
    if (v?.kind !== 'known' || (v.value !== null && typeof v.value === 'object')) return v ?? this.unknown(value)
    return this.known(n, v.value, [where], [v, tag])
  }

  /** The struct type a name holds: declared (`var cfg Config`, a parameter) or given (`Config{…}`, `&Config{}`, `new(Config)`). */
  private typeOf(name: string): string | undefined {
    const declared = this.types.get(name)
    if (declared) return declared.replace(/^\*/, '').split('.').pop()
    let expr = this.names.get(name)
    if (expr?.type === 'unary_expression') expr = expr.childForFieldName('operand') ?? undefined
    if (expr?.type === 'composite_literal') return expr.childForFieldName('type')?.text.split('.').pop()
    if (expr?.type === 'call_expression' && expr.childForFieldName('function')?.text === 'new') return expr.childForFieldName('arguments')?.namedChildren[0]?.text.replace(/^\*/, '').split('.').pop()
    return undefined
  }

  /** `cfg.MaxConns` where MaxConns is filled from the env by its struct tags: the variable's value, else the tag's default. */
  private field(n: TsNode): EvalValue {
    const operand = n.childForFieldName('operand')
    if (operand?.type === 'index_expression') return this.tableEntry(n, operand)
    const name = n.childForFieldName('field')?.text
    // `config.PoolSize`: a package-level variable or constant of another package of the module.
    const pkgPath = operand?.type === 'identifier' ? this.imports.get(operand.text) : undefined
    if (pkgPath !== undefined && name) {
      const declared = this.packageFiles(pkgPath).find((f) => f.file.names.has(name))
      if (declared) return this.guarded(`var ${pkgPath}.${name}`, n, () => declared.file.evaluate(declared.file.names.get(name)!)) ?? this.unknown(n)
    }

    const type = operand?.type === 'identifier' ? this.typeOf(operand.text) : undefined
    const tagged = name ? this.input.tagged?.find(name, type) : undefined
    const set = tagged ? undefined : this.setInCode(n)
    // An unreadable value set in code says where; beside a same-named tagged field of another struct, that is the clearer reason.
    if (set && (set.kind === 'known' || !(name && this.input.tagged?.byName.has(name)))) return set
    // `cfg.MaxConns` of `cfg := config.Load()` whose one `return Config{MaxConns: …}` gives it (or of a literal itself).
    const literal = !tagged && name && operand?.type === 'identifier' ? this.literalOf(operand.text) : undefined
    const given = literal && name ? keyed(literal.node, name) : undefined
    if (literal && given) return this.guarded(`field ${literal.file.path}:${line(literal.node)}.${name}`, n, () => literal.file.evaluate(given)) ?? this.unknown(n)
    // `config.GetDatabase().MaxOpenConns`, `c.Database.MaxOpenConns` in a method of c's type: the struct the module's
    // constructor builds (`NewConfig()`'s `&config{Database: NewDatabaseConfig()}`, whose `&DatabaseConfig{MaxOpenConns: 100}`).
    const built = !tagged && name && operand && (operand.type !== 'identifier' || this.isParameter(operand)) ? this.structOf(operand) : undefined
    const start = built && name ? keyed(built.node, name) : undefined
    if (built && start && name) return this.constructed(n, built, name, start)
    if (!tagged) {
      const others = name ? (this.input.tagged?.byName.get(name) ?? []) : []
      if (type !== undefined && others.length > 0) return this.unknown(n, `\`${n.text}\` is the ${name} field of ${type}, which no env struct tag fills (the tagged ${name} is ${[...new Set(others.map((f) => f.struct))].join(', ')}'s); its value is set by code conncalc does not follow`)
      return this.unknown(n)
    }
    const prefixes = [...(this.input.tagged?.prefixes[tagged.lib] ?? [])]
    if (prefixes.length > 1) return this.unknown(n, `${tagged.struct}.${tagged.name} is read with the prefixes ${prefixes.join(', ')}; which applies here is not known`)
    const prefix = prefixes[0] ?? ''
    const where = fromFile(tagged.file, tagged.line)
    const keys =
      tagged.lib === 'envconfig'
        ? [...new Set([(prefix ? `${prefix}_` : '') + (tagged.key ?? (tagged.splitWords ? snake(tagged.name) : tagged.name)), ...(tagged.key ? [tagged.key] : [])].map((k) => k.toUpperCase()))]
        : [`${prefix}${tagged.key ?? ''}`]
    for (const key of keys.filter((k) => k !== '')) {
      const e = this.input.env.get(key)
      if (!e) continue
      return /^\s*-?\d+\s*$/.test(e.value) ? this.known(n, Number(e.value), [e.source, where]) : this.unknown(n, `${key}=${JSON.stringify(e.value)} is not an integer (${tagged.struct}.${tagged.name})`)
    }

    const ref = {'caarlos0/env': CAARLOS_ENV_REF, cleanenv: CLEANENV_REF, configor: CONFIGOR_REF, envconfig: ENVCONFIG_REF, envdecode: ENVDECODE_REF}[tagged.lib]
    if (tagged.default !== undefined && /^-?\d+$/.test(tagged.default.trim())) {
      const tagName = {'caarlos0/env': '`envDefault` tag', cleanenv: '`env-default` tag', configor: '`default` tag', envconfig: '`default` tag', envdecode: '`env` tag\'s `default=`'}[tagged.lib]
      // configor and cleanenv read config files (YAML, JSON, TOML) before the env: a file the app loads may set the field.
      const files = tagged.lib === 'configor' || tagged.lib === 'cleanenv' ? [assumed(`${tagged.lib} also reads the config files the app loads before the env; a value a file sets for ${tagged.struct}.${tagged.name} is not read`)] : []
      return this.known(n, Number(tagged.default), [where, fromDefault(`${tagged.lib} fills ${tagged.struct}.${tagged.name} from its ${tagName} when ${keys.join(' and ')} ${keys.length === 1 ? 'is' : 'are'} unset`, ref), ...files])
    }

    // No value and no default: the field stays Go's zero value, which the app's own code then decides on.
    // Every key it looks up (envconfig: PREFIX_KEY, then the tag alone): a URL field tagged DATABASE_URL reads the platform's URL.
    const missing = keys.filter((k) => k !== '')
    return {file: this.path, kind: 'known', line: line(n), missingEnv: (missing.length > 0 ? missing : [tagged.name]).map((name) => ({file: this.path, line: tagged.line, name})), value: null, via: []}
  }

  /** The files read of an in-module package by its import path, or of this file's own package when the path is undefined. */
  private packageFiles(path?: string): GoIndex['files'] {
    const index = this.input.index
    if (!index) return []
    if (path === undefined) {
      const self = index.files.find((f) => f.file === this)
      return self ? index.files.filter((f) => f.dir === self.dir) : []
    }

    const mod = this.input.module
    const dir = mod === undefined ? undefined : path === mod ? '' : path.startsWith(`${mod}/`) ? path.slice(mod.length + 1) : undefined
    return dir === undefined ? [] : index.files.filter((f) => f.dir === dir)
  }

  /** A function declared in a package of the module (this file's, or the import path's): its declaration and file. */
  private funcDecl(name: string, pkgPath?: string): undefined | {file: GoFile; node: TsNode} {
    for (const {file, root} of this.packageFiles(pkgPath)) {
      if (!root.text.includes(name)) continue
      for (const d of root.namedChildren) if (d?.type === 'function_declaration' && d.childForFieldName('name')?.text === name) return {file, node: d}
    }

    return undefined
  }

  /** The function a call names when it is the module's own (`load()`, `config.Load()`). */
  private calledDecl(call: TsNode): undefined | {file: GoFile; node: TsNode} {
    const fn = call.childForFieldName('function')
    if (fn?.type === 'identifier') return this.funcDecl(fn.text)
    if (fn?.type !== 'selector_expression') return undefined
    const op = fn.childForFieldName('operand')
    const path = op?.type === 'identifier' ? this.imports.get(op.text) : undefined
    const field = fn.childForFieldName('field')?.text
    return path && field ? this.funcDecl(field, path) : undefined
  }

  /**
   * The composite literal a variable holds: given as one (`Config{…}`, `&Config{…}`), or returned by the one `return` of the
   * module's function it is the result of (`cfg := config.Load()` with `return Config{MaxConns: …}`).
   */
  private literalOf(name: string): undefined | {file: GoFile; node: TsNode} {
    let expr = this.names.get(name)
    if (expr?.type === 'unary_expression') expr = expr.childForFieldName('operand') ?? undefined
    if (expr?.type === 'composite_literal') return {file: this, node: expr}
    if (expr?.type !== 'call_expression') return undefined
    const decl = this.calledDecl(expr)
    if (!decl) return undefined
    const returns = returnsOf(decl.node)
    let value = returns.length === 1 ? returns[0].namedChildren[0] : undefined
    if (value?.type === 'expression_list') value = value.namedChildren[0] ?? undefined
    if (value?.type === 'unary_expression') value = value.childForFieldName('operand') ?? undefined
    if (value?.type === 'composite_literal') return {file: decl.file, node: value}
    // `var cfg Config; cfg.MaxConns = …; return cfg`: not followed.
    return value?.type === 'identifier' ? decl.file.literalOf(value.text) : undefined
  }

  /**
   * An env helper of the module (`getEnvInt("DB_MAX_CONNS", 12)`, `config.IntFromEnv(…)`): a function that reads the env
   * variable one parameter names (os.Getenv/os.LookupEnv of it) and returns another parameter, its fallback, on some path.
   * The variable's value where it is set here, else the fallback; undefined for any other function.
   */
  private envHelper(n: TsNode, decl: {file: GoFile; node: TsNode}, args: TsNode[]): EvalValue | undefined {
    const params = (decl.node.childForFieldName('parameters')?.namedChildren ?? []).flatMap((p) => (p?.type === 'parameter_declaration' ? p.childrenForFieldName('name').map((id) => id?.text ?? '') : ['']))
    const body = decl.node.childForFieldName('body')
    if (!body || params.length < 2) return undefined
    const reads = params.findIndex((p) => p !== '' && new RegExp(`\\bos\\.(?:Getenv|LookupEnv)\\(\\s*${p}\\s*\\)`).test(body.text))
    const returned = returnsOf(decl.node).map((r) => r.namedChildren[0]?.text)
    const fallback = params.findIndex((p, i) => i !== reads && p !== '' && returned.includes(p))
    if (reads === -1 || fallback === -1 || !args[reads] || !args[fallback]) return undefined
    const key = this.evaluate(args[reads])
    if (key?.kind !== 'known' || typeof key.value !== 'string') return this.unknown(n, `the variable ${decl.node.childForFieldName('name')?.text}(…) reads is not named by a literal conncalc can read`)
    const helper = fromFile(decl.file.path, line(decl.node))
    const fb = this.evaluate(args[fallback]) ?? this.unknown(args[fallback])
    const e = this.input.env.get(key.value)
    if (e) {
      if (fb.kind === 'known' && typeof fb.value === 'number') return /^\s*-?\d+\s*$/.test(e.value) ? this.known(n, Number(e.value), [e.source, helper]) : this.unknown(n, `${key.value}=${JSON.stringify(e.value)} is not an integer`)
      return this.known(n, e.value, [e.source, helper])
    }

    if (fb.kind !== 'known' || (typeof fb.value !== 'number' && typeof fb.value !== 'string')) return fb
    const deployer = this.input.env.deployerSets(key.value)
    return this.known(n, fb.value, [helper, ...(deployer ? [deployer] : [])], [fb])
  }

  /** `cfg.db.maxOpenConns` → {path: 'db.maxOpenConns', root: 'cfg'}; undefined unless the chain ends in a plain variable. */
  fieldPath(n: TsNode): undefined | {path: string; root: string} {
    const fields: string[] = []
    let at: TsNode | null = n
    while (at?.type === 'selector_expression') {
      fields.unshift(at.childForFieldName('field')?.text ?? '')
      at = at.childForFieldName('operand')
    }

    return at?.type === 'identifier' && !this.imports.has(at.text) && fields.length > 0 ? {path: fields.join('.'), root: at.text} : undefined
  }

  /** The struct type a variable is declared or built with, as its bare name. */
  rootType(name: string): string | undefined {
    return this.typeOf(name)
  }

  /**
   * A config field read through another variable of the struct's type (a parameter: `func openDB(cfg config)`)
   * that code sets once: `flag.IntVar(&cfg.db.maxOpenConns, …)` or `cfg.db.maxOpenConns = 25`. Several places that
   * set it to different values, or a field path whose variable types disagree, are not taken.
   */
  private setInCode(n: TsNode): EvalValue | undefined {
    const at = this.fieldPath(n)
    if (!at) return undefined
    const type = this.rootType(at.root)
    // A bare `cfg.maxConns` could be any struct's: the variable's type must be known on both sides; a deeper path must agree when known.
    const sets = (this.input.fieldSets?.get(at.path) ?? []).filter((f) => (type !== undefined && f.rootType !== undefined ? f.rootType === type : at.path.includes('.')))
    if (sets.length === 0) return undefined
    const values = sets.map((f) => (f.kind === 'flag' ? f.file.flagVar(f.node) : f.file.evaluate(f.node) ?? f.file.unknown(f.node)))
    const known = values.filter((v) => v.kind === 'known' && typeof v.value === 'number')
    if (known.length === values.length && new Set(known.map((v) => v.kind === 'known' && v.value)).size === 1) return values[0]
    if (values.length === 1) return values[0]
    const places = values.map((v) => `${v.file}:${v.line}`).sort((a, b) => a.localeCompare(b, 'en', {numeric: true}))
    return this.unknown(n, `\`${n.text}\` is set in ${values.length} places (${places.join(', ')}) that conncalc cannot tell apart`)
  }

  /**
   * An integer field an env struct tag fills, whose variables are unset and which has no default tag (`v`: its value, null
   * with the variables named): Go's zero value 0, when no code read sets the field — what the app's own test of it
   * (`if dc.SetMaxOpenConnections <= 0 { return DefaultMaxOpenConnections }`, frain-dev/convoy) then decides on. A config
   * file the app decodes into the struct first could set it: assumed, said. Any other value is `v` itself.
   */
  zeroIfUnset(n: TsNode, v: EvalValue | undefined): EvalValue | undefined {
    if (v?.kind !== 'known' || v.value !== null || !v.missingEnv?.length || n.type !== 'selector_expression') return v
    const operand = n.childForFieldName('operand')
    const name = n.childForFieldName('field')?.text
    const tagged = name ? this.input.tagged?.find(name, operand?.type === 'identifier' ? this.typeOf(operand.text) : undefined) : undefined
    if (!tagged?.numeric || this.setInCode(n)) return v
    const names = [...new Set(v.missingEnv.map((m) => m.name))].join(' and ')
    return this.known(n, 0, [fromFile(tagged.file, tagged.line), assumed(`${names} ${names.includes(' and ') ? 'are' : 'is'} unset and ${tagged.struct}.${tagged.name} has no default tag: it keeps Go's zero value 0 (no code read sets it; a config file the app loads into the struct could)`)], [v])
  }

  /** `flag.IntVar(&x, "name", 25, usage)`: the Procfile's `-name=N`, else the default. */
  flagVar(n: TsNode): EvalValue {
    const args = n.childForFieldName('arguments')?.namedChildren ?? []
    return this.flagInt(n, args[1] ?? null, args[2] ?? null)
  }

  private flagInt(n: TsNode, nameArg: TsNode | null, dfltArg: TsNode | null): EvalValue {
    const name = this.evaluate(nameArg)
    const dflt = this.evaluate(dfltArg)
    if (name?.kind === 'known' && typeof name.value === 'string') {
      const given = flagValue(this.input.args, name.value)
      if (given !== undefined) return /^-?\d+$/.test(given) ? this.known(n, Number(given), [fromFlag(`-${name.value}=${given} (command line)`)]) : this.unknown(n, `-${name.value}=${given} is not an integer`)
      if (dflt?.kind === 'known' && typeof dflt.value === 'number') return this.known(n, dflt.value, [fromDefault(`the default of flag -${name.value} (the command does not pass it)`, FLAG_REF)], [dflt])
    }

    return dflt ?? this.unknown(n)
  }

  private call(n: TsNode): EvalValue {
    const fn = n.childForFieldName('function')
    const args = n.childForFieldName('arguments')?.namedChildren ?? []
    const q = this.qualified(fn)
    // Conversions: int32(x), int(x), int64(x), uint(x).
    if (fn?.type === 'identifier' && /^u?int(8|16|32|64)?$/.test(fn.text) && args.length === 1) return this.evaluate(args[0]) ?? this.unknown(n)
    // string(k) of a string (a named string type's value, `type Key string`): the same string.
    if (fn?.type === 'identifier' && fn.text === 'string' && args.length === 1) {
      const v = this.evaluate(args[0])
      return v?.kind === 'known' && typeof v.value === 'string' ? v : this.unknown(n, undefined, v ? [v] : [])
    }

    // viper.GetInt("database.max_open_conns"): Set, the env, the config file, SetDefault, in viper's order (viper.ts).
    if (q?.startsWith('github.com/spf13/viper.') && /^Get(Int(32|64)?|Uint(32|64)?|String)?$/.test(q.slice(q.lastIndexOf('.') + 1)) && args.length === 1 && this.input.viper) {
      const key = this.evaluate(args[0])
      if (key?.kind !== 'known' || typeof key.value !== 'string') return this.unknown(n, `the key given to ${q.slice(q.lastIndexOf('/') + 1)} is not a string conncalc can read`, key ? [key] : [])
      return this.input.viper(this, n, key.value, !/GetString$/.test(q))
    }
    if (q === 'os.Getenv' || q === 'os.LookupEnv') {
      const name = this.evaluate(args[0] ?? null)
      if (name?.kind !== 'known' || typeof name.value !== 'string') return this.unknown(n, 'an os.Getenv without a literal name')
      const e = this.input.env.get(name.value)
      if (e) return this.known(n, e.value, [e.source])
      return {file: this.path, kind: 'known', line: line(n), missingEnv: [{file: this.path, line: line(n), name: name.value}], value: null, via: []}
    }

    // fmt.Sprint of one string is that string (`fmt.Sprint(os.Getenv("DATABASE_URL"))`).
    if (q === 'fmt.Sprint' && args.length === 1) {
      const s = this.evaluate(args[0] ?? null)
      return s?.kind === 'known' && (typeof s.value === 'string' || s.value === null) ? s : this.unknown(n)
    }

    // strings.ToLower(os.Getenv("DB_DRIVER")): the string changed; an unset variable stays unset ("" either way).
    if ((q === 'strings.ToLower' || q === 'strings.ToUpper' || q === 'strings.TrimSpace') && args.length === 1) {
      const s = this.evaluate(args[0] ?? null)
      if (s?.kind !== 'known' || typeof s.value !== 'string') return s?.kind === 'known' && s.value === null ? s : this.unknown(n, undefined, s ? [s] : [])
      return {...s, value: q === 'strings.ToLower' ? s.value.toLowerCase() : q === 'strings.ToUpper' ? s.value.toUpperCase() : s.value.trim()}
    }

    if (q === 'strconv.Atoi' || q === 'strconv.ParseInt' || q === 'strconv.ParseUint') {
      const s = this.evaluate(args[0] ?? null)
      if (s?.kind !== 'known') return s ?? this.unknown(n)
      if (s.value === null) return s // an env var with no value: Atoi fails, and the app's own fallback decides
      const v = typeof s.value === 'string' && /^\s*-?\d+\s*$/.test(s.value) ? Number(s.value) : undefined
      return v === undefined ? this.unknown(n, `${q}(${JSON.stringify(s.value)}) is not an integer`, [s]) : this.known(n, v, [], [s])
    }

    if (q === 'runtime.NumCPU') {
      const cpus = this.input.nproc
      return cpus ? this.known(n, cpus.value, [cpus.source, ...(cpus.via ?? [])]) : this.unknown(n, "runtime.NumCPU() depends on the dyno's CPU count, which is not known")
    }

    // Ory's sqlcon.ParseConnectionOptions(l, dsn) (github.com/ory/x/sqlcon, vendored by Hydra as oryx/sqlcon): its first
    // result, the pool Ory's services give pop, is the DSN's max_conns, else maxParallelism() * 2 = 2 × min(GOMAXPROCS,
    // NumCPU) (https://github.com/ory/x/blob/master/sqlcon/parse_opts.go, connector.go). A DSN not read here is starred.
    if (q && /^(?:github\.com\/ory\/x|[\w.-]+(?:\/[\w.-]+)*\/oryx)\/sqlcon\.ParseConnectionOptions$/.test(q) && args.length === 2) return this.orySqlconPool(n, args[1]!)
    if (q && /^flag\.(Int|Int64|Uint)$/.test(q)) return this.flagInt(n, args[0] ?? null, args[1] ?? null)
    // urfave/cli's `cmd.Int("max-db-conn")` (v3's *cli.Command, v1/v2's *cli.Context): the flag's value.
    if (!q && fn?.type === 'selector_expression' && args.length === 1) {
      const flag = this.cliFlag(n, fn, args[0]!)
      if (flag) return flag
    }

    // The module's own env helper (`getEnvInt("DB_MAX_CONNS", 12)`): the variable's value, else its fallback.
    const decl = fn?.type === 'identifier' || (fn?.type === 'selector_expression' && q) ? this.calledDecl(n) : undefined
    const helper = decl ? this.envHelper(n, decl, args.filter((a): a is TsNode => Boolean(a))) : undefined
    if (helper) return helper
    // `drivers.DatabaseDriverFromEnv()`: a function of the module with one `return x`, x read in its body (a variable
    // given a value in the arm of a switch the function takes: switchChosen).
    const returned = decl ? returnsOf(decl.node) : []
    const results = returned.length === 1 ? returned[0].namedChildren.flatMap((r) => (r?.type === 'expression_list' ? r.namedChildren : [r])) : []
    const single = results.length === 1 ? results[0] : undefined
    if (decl && single && single.type !== 'composite_literal' && single.type !== 'unary_expression') {
      const v = this.guarded(`return ${decl.file.path}:${decl.node.startIndex}`, n, () => this.withCall(decl, n, this, () => decl.file.evaluate(single)))
      if (v) return v
    }
    // `config.Opts.DatabaseMaxConns()`: a method of the app whose body is one `return <expr>`.
    if (!q && fn?.type === 'selector_expression' && args.length === 0) {
      const method = this.method(n, fn.childForFieldName('field')?.text ?? '')
      if (method) return method
    }

    return this.unknown(n, `\`${(fn?.text ?? '').slice(0, 40)}(…)\` is not a call conncalc evaluates`)
  }

  /** sqlcon.ParseConnectionOptions's max connections: the DSN's `max_conns`, else 2 × the dyno's CPUs (see call()). */
  private orySqlconPool(n: TsNode, dsnArg: TsNode): EvalValue {
    const ref = 'https://github.com/ory/x/blob/master/sqlcon/parse_opts.go'
    const dsn = this.evaluate(dsnArg)
    const url = dsn?.kind === 'known' && typeof dsn.value === 'string' ? dsn.value : undefined
    const given = url === undefined ? undefined : /[?&]max_conns=([^&#]*)/.exec(url)?.[1]
    if (given !== undefined) return /^\d+$/.test(given) ? this.known(n, Number(given), [fromDefault('sqlcon.ParseConnectionOptions takes max_conns from the DSN', ref)], [dsn!]) : this.unknown(n, `max_conns=${given} in the DSN is not a number`)
    const cpus = this.input.nproc
    if (!cpus) return this.unknown(n, "sqlcon's default pool is 2 × the CPU count, which is not known here")
    const why = url === undefined ? [assumed(`the DSN given to sqlcon.ParseConnectionOptions (${this.path}:${line(n)}) is not read here: a max_conns=N in it sets the pool; without one, the default`)] : []
    return this.known(n, 2 * cpus.value, [fromDefault("ory/x sqlcon's default max connections: maxParallelism() * 2, maxParallelism = min(GOMAXPROCS, NumCPU)", ref), cpus.source, ...(cpus.via ?? []), ...why])
  }

  /**
   * `cmd.Int("max-db-conn")` on a urfave/cli `*cli.Command` (v3) or `*cli.Context` (v1, v2): the flag declared with that
   * name (`&cli.IntFlag{Name: "max-db-conn", Value: 40, Sources: cli.EnvVars("MAX_DB_CONNECTIONS")}`) in the code read,
   * valued as urfave/cli does: the command line, then its env vars in order, then Value (Go's zero value without one).
   */
  private cliFlag(n: TsNode, fn: TsNode, arg: TsNode): EvalValue | undefined {
    const method = fn.childForFieldName('field')?.text ?? ''
    const operand = fn.childForFieldName('operand')
    if (!/^(Int|Int64|Int32|Uint|Uint64|Uint32|String)$/.test(method) || operand?.type !== 'identifier') return undefined
    const type = /^\*?(\w+)\.(Command|Context)$/.exec(this.types.get(operand.text) ?? '')
    if (!type || !isUrfave(this.imports.get(type[1]))) return undefined
    const key = this.evaluate(arg)
    if (key?.kind !== 'known' || typeof key.value !== 'string') return this.unknown(n, 'a urfave/cli flag read without a literal name')
    const name = key.value
    const found: {file: GoFile; node: TsNode; names: string[]}[] = []
    for (const {file, root} of this.input.index?.files ?? []) {
      if (!root.text.includes(`"${name}`) && !root.text.includes(`${name}"`)) continue
      for (const lit of root.descendantsOfType('composite_literal')) {
        const t = /^(\w+)\.\w*Flag$/.exec(lit?.childForFieldName('type')?.text ?? '')
        if (!lit || !t || !isUrfave(file.imports.get(t[1]))) continue
        const str = (el: TsNode | undefined): string | undefined => {
          const v = el ? file.evaluate(el) : undefined
          return v?.kind === 'known' && typeof v.value === 'string' ? v.value : undefined
        }
        const aliases = keyed(lit, 'Aliases')?.childForFieldName('body')?.namedChildren.map((e) => str((e?.type === 'literal_element' ? e.namedChildren[0] : e) ?? undefined)) ?? []
        // v1 writes aliases in the name: `Name: "max-db-conn, m"`.
        const names = [...(str(keyed(lit, 'Name'))?.split(',') ?? []), ...aliases].filter((x): x is string => Boolean(x)).map((x) => x.trim())
        if (names.includes(name)) found.push({file, names, node: lit})
      }
    }

    if (found.length === 0) return this.unknown(n, `no urfave/cli flag named ${JSON.stringify(name)} was found in the code read`)
    const values = found.map((f) => f.file.flagLiteralValue(n, f.node, f.names, method !== 'String'))
    const known = values.filter((v) => v.kind === 'known')
    if (values.length === 1 || (known.length === values.length && new Set(known.map((v) => v.kind === 'known' && v.value)).size === 1)) return values[0]
    return this.unknown(n, `${found.length} urfave/cli flags are named ${JSON.stringify(name)} (${found.map((f) => `${f.file.path}:${line(f.node)}`).join(', ')}); which one this command has is not followed`)
  }

  /** A urfave/cli flag literal's value (cliFlag), read in the file that declares it; `at` is where the value is read. */
  flagLiteralValue(at: TsNode, lit: TsNode, names: string[], numeric: boolean): EvalValue {
    const where = fromFile(this.path, line(lit))
    for (const flag of names) {
      const given = flagValue(this.input.args, flag)
      if (given === undefined) continue
      if (!numeric) return this.known(at, given, [fromFlag(`--${flag} ${given} (command line)`), where])
      return /^-?\d+$/.test(given) ? this.known(at, Number(given), [fromFlag(`--${flag}=${given} (command line)`), where]) : this.unknown(at, `--${flag}=${given} is not an integer`)
    }

    // v2 `EnvVars: []string{"A", "B"}`, v1 `EnvVar: "A,B"`, v3 `Sources: cli.EnvVars("A", "B")`.
    const envNames: string[] = []
    const strings = (node: TsNode | undefined): void => {
      for (const el of node?.type === 'interpreted_string_literal' ? [node] : (node?.descendantsOfType('interpreted_string_literal') ?? [])) if (el) envNames.push(...el.text.slice(1, -1).split(',').map((x) => x.trim()).filter(Boolean))
    }
    strings(keyed(lit, 'EnvVars'))
    strings(keyed(lit, 'EnvVar'))
    const sources = keyed(lit, 'Sources')
    const envSources = sources?.type === 'call_expression' && /\.EnvVars?$/.test(sources.childForFieldName('function')?.text ?? '')
    if (envSources) strings(sources.childForFieldName('arguments') ?? undefined)
    for (const env of envNames) {
      const e = this.input.env.get(env)
      if (!e) continue
      if (!numeric) return this.known(at, e.value, [e.source, where])
      return /^\s*-?\d+\s*$/.test(e.value) ? this.known(at, Number(e.value), [e.source, where]) : this.unknown(at, `${env}=${JSON.stringify(e.value)} is not an integer (urfave/cli flag --${names[0]})`)
    }

    // Another value source (a config file through cli-altsrc, cli.Files): not read.
    const other = (sources && !envSources) || keyed(lit, 'FilePath') ? [assumed(`the flag --${names[0]} (${this.path}:${line(lit)}) also takes its value from a source conncalc does not read (${(sources ?? keyed(lit, 'FilePath'))!.text.slice(0, 60)})`)] : []
    const unset = envNames.length > 0 ? `; ${envNames.join(', ')} ${envNames.length === 1 ? 'is' : 'are'} unset` : ''
    const valueNode = keyed(lit, 'Value')
    if (!valueNode) {
      if (!numeric) return {file: this.path, kind: 'known', line: line(lit), missingEnv: (envNames.length > 0 ? envNames : [`--${names[0]}`]).map((name) => ({file: this.path, line: line(lit), name})), value: null, via: []}
      return this.known(at, 0, [where, fromDefault(`the urfave/cli flag --${names[0]} has no Value: Go's zero value 0 (the command line does not pass it${unset})`, URFAVE_REF), ...other])
    }

    const v = this.evaluate(valueNode) ?? this.unknown(valueNode)
    if (v.kind !== 'known') return v
    return {...v, via: [...v.via, fromDefault(`the default (Value) of the urfave/cli flag --${names[0]}: the command line does not pass it${unset}`, URFAVE_REF), ...other]}
  }

  /** The caller's expression a receiver or parameter stands for while its function is read for one call (GoIndex.frames). */
  private bound(n: TsNode): undefined | {file: GoFile; node: TsNode} {
    const frames = this.input.index?.frames
    if (!frames?.length) return undefined
    for (let fn: TsNode | null = n.parent; fn; fn = fn.parent) {
      if (fn.type !== 'function_declaration' && fn.type !== 'method_declaration') continue
      const key = `${this.path}:${fn.startIndex}`
      for (let i = frames.length - 1; i >= 0; i--) if (frames[i].decl === key) return frames[i].names.get(n.text)
      return undefined
    }

    return undefined
  }

  /**
   * `fn` with the declaration's receiver and parameters standing for the call's operand and arguments (in `caller`):
   * `k` of `func (k Key) setDefault(i interface{})` is `DatabaseMaxOpenConnections` of `DatabaseMaxOpenConnections.setDefault(100)`.
   */
  withCall<T>(decl: {file: GoFile; node: TsNode}, call: TsNode, caller: GoFile, fn: () => T): T {
    const frames = this.input.index?.frames
    if (!frames) return fn()
    const names = new Map<string, {file: GoFile; node: TsNode}>()
    const ids = (list: TsNode | null): string[] => (list?.namedChildren ?? []).flatMap((p) => (p?.type === 'parameter_declaration' || p?.type === 'variadic_parameter_declaration' ? p.childrenForFieldName('name').map((id) => id?.text ?? '') : ['']))
    const callee = call.childForFieldName('function')
    const operand = callee?.type === 'selector_expression' ? callee.childForFieldName('operand') : null
    const receiver = decl.node.type === 'method_declaration' ? ids(decl.node.childForFieldName('receiver'))[0] : undefined
    if (receiver && operand) names.set(receiver, {file: caller, node: operand})
    const args = call.childForFieldName('arguments')?.namedChildren ?? []
    for (const [i, p] of ids(decl.node.childForFieldName('parameters')).entries()) if (p && args[i]) names.set(p, {file: caller, node: args[i]!})
    frames.push({decl: `${decl.file.path}:${decl.node.startIndex}`, names})
    try {
      return fn()
    } finally {
      frames.pop()
    }
  }

  /** Runs `fn` once per key at a time: a parameter or method that leads back to itself is unknown. */
  private guarded(key: string, n: TsNode, fn: () => EvalValue | undefined): EvalValue | undefined {
    const active = this.input.index?.active
    if (!active) return undefined
    if (active.has(key) || active.size > 8) return this.unknown(n, `\`${n.text.slice(0, 60)}\` depends on itself through the calls conncalc follows`)
    active.add(key)
    try {
      return fn()
    } finally {
      active.delete(key)
    }
  }

  /** The calls of this file's package's function `fnName` in the code read: by name in its package, qualified elsewhere. */
  callsOf(fnName: string): {call: TsNode; file: GoFile}[] {
    const index = this.input.index
    const self = index?.files.find((f) => f.file === this)
    if (!index || !self) return []
    const pkg = this.input.module ? (self.dir === '' ? this.input.module : `${this.input.module}/${self.dir}`) : undefined
    const out: {call: TsNode; file: GoFile}[] = []
    for (const entry of index.files) {
      if (!entry.root.text.includes(fnName)) continue
      for (const c of (entry.calls ??= entry.root.descendantsOfType('call_expression'))) {
        const callee = c?.childForFieldName('function')
        const same = callee?.type === 'identifier' && callee.text === fnName && entry.dir === self.dir
        if (c && (same || (pkg !== undefined && entry.file.qualified(callee ?? null) === `${pkg}.${fnName}`))) out.push({call: c, file: entry.file})
      }
    }

    return out
  }

  /**
   * A function's parameter (`maxConnections` of `NewConnectionPool(dsn string, min, max int)`): the argument its callers in
   * the code read pass at that position — one caller, or several passing the same value; otherwise unknown, naming them.
   */
  private parameter(n: TsNode): EvalValue | undefined {
    let fnNode: TsNode | null = n.parent
    while (fnNode && !['function_declaration', 'method_declaration', 'func_literal'].includes(fnNode.type)) fnNode = fnNode.parent
    if (fnNode?.type !== 'function_declaration') return undefined
    const fnName = fnNode.childForFieldName('name')?.text
    const names = (fnNode.childForFieldName('parameters')?.namedChildren ?? []).flatMap((p) => (p?.type === 'parameter_declaration' ? p.childrenForFieldName('name').map((id) => id?.text ?? '') : ['']))
    const at = names.indexOf(n.text)
    const index = this.input.index
    if (!fnName || at === -1 || !index) return undefined
    const self = index.files.find((f) => f.file === this)
    if (!self) return undefined
    const pkg = this.input.module ? (self.dir === '' ? this.input.module : `${this.input.module}/${self.dir}`) : undefined
    return this.guarded(`param ${pkg ?? self.dir}.${fnName}.${at}`, n, () => {
      const values: EvalValue[] = []
      const calls: string[] = []
      const sites: TsNode[] = []
      for (const entry of index.files) {
        const {dir, file, root} = entry
        // Only files that name the function (a text test first: the tree walk is the costly part), each walked once
        // whatever the parameters looked for (Permify/permify: 304 walks of its files).
        if (!root.text.includes(fnName)) continue
        for (const c of (entry.calls ??= root.descendantsOfType('call_expression'))) {
          const callee = c?.childForFieldName('function')
          const same = callee?.type === 'identifier' && callee.text === fnName && dir === self.dir
          if (c && (same || (pkg !== undefined && file.qualified(callee ?? null) === `${pkg}.${fnName}`))) {
            const arg = c.childForFieldName('arguments')?.namedChildren[at]
            values.push(arg ? (file.evaluate(arg) ?? file.unknown(arg)) : file.unknown(c))
            calls.push(`${file.path}:${line(c)}`)
            sites.push(c)
          }
        }
      }

      if (values.length === 0) return this.unknown(n, `\`${n.text}\` is a parameter of ${fnName}, which nothing in the code read calls`)
      const agree = (vs: EvalValue[]): boolean => {
        const known = vs.filter((v) => v.kind === 'known' && typeof v.value === 'number')
        return vs.length === 1 || (known.length === vs.length && new Set(known.map((v) => v.kind === 'known' && v.value)).size === 1)
      }

      if (agree(values)) return values[0]
      // Callers in the actions of other subcommands (`relay pull-hosts` beside `relay serve`) do not run in this process.
      const running = runningCommand(index, this.input.args)
      if (running) {
        const kept = values.filter((_, i) => !elsewhereAction(sites[i], running, index.commands ?? []))
        if (kept.length > 0 && kept.length < values.length && agree(kept)) {
          const v = kept[0]
          return v.kind === 'known' ? {...v, via: [...v.via, fromDefault(`the process runs the \`${running.names[0]}\` subcommand: the ${values.length - kept.length} other call${values.length - kept.length === 1 ? '' : 's'} of ${fnName} ${values.length - kept.length === 1 ? 'is' : 'are'} in other subcommands' actions`, SUBCOMMAND_REF)]} : v
        }
      }

      const places = calls.sort((a, b) => a.localeCompare(b, 'en', {numeric: true}))
      return this.unknown(n, `\`${n.text}\` is a parameter of ${fnName}, called in ${values.length} places (${places.join(', ')}) that conncalc cannot tell apart`)
    })
  }

  /**
   * The struct literal an expression stands for, followed through the module's code: a literal (`&T{…}`), a variable given
   * one, a field of such a literal, what a module function or a getter method (one `return`) returns, and a method's
   * receiver, which is built by its type's one constructor (a function, not a method, that returns `&T{…}`).
   */
  structOf(n: TsNode | null | undefined, depth = 0): undefined | {file: GoFile; node: TsNode} {
    if (!n || depth > 12) return undefined
    switch (n.type) {
      case 'composite_literal': {
        return {file: this, node: n}
      }

      case 'parenthesized_expression': {
        return this.structOf(n.namedChildren[0], depth + 1)
      }

      case 'unary_expression': {
        return n.childForFieldName('operator')?.text === '&' ? this.structOf(n.childForFieldName('operand'), depth + 1) : undefined
      }

      case 'identifier': {
        const bound = this.bound(n)
        const viaBound = bound ? bound.file.structOf(bound.node, depth + 1) : undefined
        if (viaBound) return viaBound
        const expr = this.names.get(n.text)
        if (expr && !this.evaluating.has(n.text)) {
          this.evaluating.add(n.text)
          try {
            const s = this.structOf(expr, depth + 1)
            if (s) return s
          } finally {
            this.evaluating.delete(n.text)
          }
        }

        // A parameter: the struct every caller in the code read passes (one literal for them all).
        const passed = this.parameterStruct(n, depth)
        if (passed) return passed
        // The receiver of the method being read: a value of its type, as the type's constructor builds it.
        let fn: TsNode | null = n.parent
        while (fn && !['function_declaration', 'method_declaration', 'func_literal'].includes(fn.type)) fn = fn.parent
        const receiver = fn?.type === 'method_declaration' ? fn.childForFieldName('receiver')?.namedChildren.find((p) => p?.type === 'parameter_declaration') : undefined
        if (receiver?.childForFieldName('name')?.text !== n.text) return undefined
        const type = receiver.childForFieldName('type')?.text.replace(/^\*/, '').split('.').pop()
        return type ? this.constructorOf(type) : undefined
      }

      case 'selector_expression': {
        const inner = this.structOf(n.childForFieldName('operand'), depth + 1)
        const field = n.childForFieldName('field')?.text
        const value = inner && field ? keyed(inner.node, field) : undefined
        if (value) return inner!.file.structOf(value, depth + 1)
        // A field promoted from an embedded struct (`Config{ApplicationConfig: DefaultApplicationConfig()}`, `cfg.Database`).
        for (const el of inner && field ? (inner.node.childForFieldName('body')?.namedChildren ?? []) : []) {
          const key = el?.type === 'keyed_element' ? el.namedChildren[0] : undefined
          const keyName = (key?.type === 'literal_element' ? key.namedChildren[0] : key)?.text ?? ''
          if (!/^[A-Z]\w*$/.test(keyName) || keyName === field) continue
          const v = el!.namedChildren[1]
          const embedded = inner!.file.structOf(v?.type === 'literal_element' ? v.namedChildren[0] : v, depth + 1)
          const promoted = embedded ? keyed(embedded.node, field!) : undefined
          if (promoted) return embedded!.file.structOf(promoted, depth + 1)
        }

        return undefined
      }

      case 'call_expression': {
        const fn = n.childForFieldName('function')
        const decl = this.calledDecl(n) ?? (fn?.type === 'selector_expression' && !this.qualified(fn) ? this.getter(fn.childForFieldName('field')?.text ?? '') : undefined)
        if (!decl) return undefined
        const returned = returnsOf(decl.node)
          .map((r) => (r.namedChildren[0]?.type === 'expression_list' ? r.namedChildren[0].namedChildren[0] : r.namedChildren[0]))
          .filter((v): v is TsNode => Boolean(v) && v!.text !== 'nil')
        if (returned.length !== 1) return undefined
        const key = `struct ${decl.file.path}:${decl.node.startIndex}`
        const active = this.input.index?.active
        if (!active || active.has(key)) return undefined
        active.add(key)
        try {
          return this.withCall(decl, n, this, () => decl.file.structOf(returned[0], depth + 1))
        } finally {
          active.delete(key)
        }
      }

      default: {
        return undefined
      }
    }
  }

  /** Whether an identifier is a parameter of the function declaration it is in. */
  private isParameter(n: TsNode): boolean {
    let fn: TsNode | null = n.parent
    while (fn && !['function_declaration', 'method_declaration', 'func_literal'].includes(fn.type)) fn = fn.parent
    return fn?.type === 'function_declaration' && (fn.childForFieldName('parameters')?.namedChildren ?? []).some((p) => p?.type === 'parameter_declaration' && p.childrenForFieldName('name').some((id) => id?.text === n.text))
  }

  /** A parameter's struct: the literal every call of its function in the code read passes at that position, when all agree. */
  private parameterStruct(n: TsNode, depth: number): undefined | {file: GoFile; node: TsNode} {
    let fnNode: TsNode | null = n.parent
    while (fnNode && !['function_declaration', 'method_declaration', 'func_literal'].includes(fnNode.type)) fnNode = fnNode.parent
    const fnName = fnNode?.type === 'function_declaration' ? fnNode.childForFieldName('name')?.text : undefined
    const at = (fnNode?.childForFieldName('parameters')?.namedChildren ?? []).flatMap((p) => (p?.type === 'parameter_declaration' ? p.childrenForFieldName('name').map((id) => id?.text ?? '') : [''])).indexOf(n.text)
    const index = this.input.index
    const self = index?.files.find((f) => f.file === this)
    if (!fnName || at === -1 || !index || !self) return undefined
    const pkg = this.input.module ? (self.dir === '' ? this.input.module : `${this.input.module}/${self.dir}`) : undefined
    const key = `pstruct ${pkg ?? self.dir}.${fnName}.${at}`
    if (index.active.has(key)) return undefined
    index.active.add(key)
    try {
      const found: {file: GoFile; node: TsNode}[] = []
      for (const {dir, file, root} of index.files) {
        if (!root.text.includes(fnName)) continue
        for (const c of root.descendantsOfType('call_expression')) {
          const callee = c?.childForFieldName('function')
          const same = callee?.type === 'identifier' && callee.text === fnName && dir === self.dir
          if (!c || !(same || (pkg !== undefined && file.qualified(callee ?? null) === `${pkg}.${fnName}`))) continue
          const s = file.structOf(c.childForFieldName('arguments')?.namedChildren[at], depth + 1)
          if (!s) return undefined
          found.push(s)
        }
      }

      return found.length > 0 && found.every((f) => f.node.id === found[0].node.id) ? found[0] : undefined
    } finally {
      index.active.delete(key)
    }
  }

  /** The one method of the code read named `name` (a getter such as `GetDatabase`), when only one is. */
  private getter(name: string): undefined | {file: GoFile; node: TsNode} {
    const found: {file: GoFile; node: TsNode}[] = []
    for (const {file, root} of this.input.index?.files ?? []) {
      if (!name || !root.text.includes(name)) continue
      for (const d of root.namedChildren) if (d?.type === 'method_declaration' && d.childForFieldName('name')?.text === name) found.push({file, node: d})
    }

    return found.length === 1 ? found[0] : undefined
  }

  /** The literal of type `type` that the module's one constructor returns (`func NewConfig() *config { return &config{…} }`). */
  private constructorOf(type: string): undefined | {file: GoFile; node: TsNode} {
    const found: {file: GoFile; node: TsNode}[] = []
    for (const {file, root} of this.input.index?.files ?? []) {
      if (!root.text.includes(`${type}{`)) continue
      for (const d of root.namedChildren) {
        if (d?.type !== 'function_declaration') continue
        for (const r of returnsOf(d)) {
          let v: TsNode | null | undefined = r.namedChildren[0]
          if (v?.type === 'expression_list') v = v.namedChildren[0]
          if (v?.type === 'unary_expression') v = v.childForFieldName('operand')
          if (v?.type === 'composite_literal' && v.childForFieldName('type')?.text.split('.').pop() === type) found.push({file, node: v})
        }
      }
    }

    return found.length === 1 ? found[0] : undefined
  }

  /**
   * A field's value as the module's constructor writes it (`MaxOpenConns: 100` in NewDatabaseConfig): the value the
   * config starts with. Code that assigns the field elsewhere makes it unknown (which runs is not followed); a
   * command-line flag named after the field's yaml/json/toml tag or name (`--database.max_open_conns=50`) replaces it.
   */
  private constructed(n: TsNode, built: {file: GoFile; node: TsNode}, name: string, start: TsNode): EvalValue {
    const v = this.guarded(`field ${built.file.path}:${line(built.node)}.${name}`, n, () => built.file.evaluate(start)) ?? this.unknown(n)
    if (v.kind !== 'known' || typeof v.value !== 'number') return v
    const type = built.node.childForFieldName('type')?.text.replace(/^\*/, '').split('.').pop() ?? ''
    const assigned = [...(this.input.fieldSets?.entries() ?? [])].filter(([path]) => path === name || path.endsWith(`.${name}`)).flatMap(([, sets]) => sets.map((s) => `${s.file.path}:${line(s.node)}`))
    if (assigned.length > 0) return this.unknown(n, `${type}.${name} starts as ${v.value} (${built.file.path}:${line(start)}) and is also set at ${assigned.slice(0, 3).join(', ')}; which value runs is not followed`)
    const tags = structFieldTags(this.input.index?.files ?? [], type, name)
    const names = new Set([name, ...['yaml', 'json', 'toml', 'mapstructure', 'koanf'].map((k) => tags.get(k)?.split(',')[0] ?? '')].filter((x) => x !== '' && x !== '-').map((x) => x.toLowerCase().replaceAll('-', '_')))
    for (const [i, a] of this.input.args.entries()) {
      const m = /^--?([^=]+)(?:=(.*))?$/.exec(a)
      const flag = m?.[1].toLowerCase().replaceAll('-', '_')
      if (!m || !flag || !names.has(flag.split('.').pop()!)) continue
      const given = m[2] ?? this.input.args[i + 1] ?? ''
      return /^-?\d+$/.test(given) ? this.known(n, Number(given), [fromFlag(`${a}${m[2] === undefined ? ` ${given}` : ''} (command line)`)]) : this.unknown(n, `${a} ${m[2] === undefined ? given : ''} is not an integer`.trim())
    }

    const fileTags = ['yaml', 'json', 'toml', 'mapstructure', 'koanf'].filter((k) => tags.has(k))
    const loaded = fileTags.length > 0 ? `; a config file the app may load into ${type} (its ${fileTags.join('/')} tags) is not read` : ''
    const args = this.input.args.length > 0 ? [assumed(`the command passes ${this.input.args.join(' ')}, which conncalc does not read as setting ${type}.${name}${loaded}`)] : []
    // The app fills its config from the env too (kelseyhightower/envconfig, caarlos0/env, sethvargo/go-envconfig): a variable
    // set where it runs may replace the constructor's value, and which one maps to this field is not worked out.
    const envLoader = (this.input.index?.files ?? []).flatMap(({file, root}) => {
      if (!/envconfig|caarlos0\/env/.test(root.text)) return []
      return root.descendantsOfType('call_expression').filter((c) => /^(github\.com\/kelseyhightower\/envconfig\.(Must)?Process|github\.com\/sethvargo\/go-envconfig\.Process|github\.com\/caarlos0\/env(\/v\d+)?\.Parse\w*)$/.test(file.qualified(c?.childForFieldName('function') ?? null) ?? '')).map((c) => `${file.path}:${line(c!)}`)
    })[0]
    if (envLoader) args.push(assumed(`the app also fills its config from the env (${envLoader}); a variable set where it runs may change ${type}.${name}, and which one is not worked out`))
    return {...v, via: [...v.via, fromDefault(`${type}.${name} as the app's constructor builds it (${built.file.path}:${line(built.node)}); the command passes no flag that sets it${loaded}`, `${built.file.path}:${line(start)}`), ...args]}
  }

  /** A method named `name` of the code read whose body is one `return <expr>`: that expression, in its file. */
  private method(n: TsNode, name: string): EvalValue | undefined {
    const index = this.input.index
    if (!index || !name) return undefined
    const found: {file: GoFile; node: TsNode}[] = []
    for (const {file, root} of index.files) {
      if (!root.text.includes(name)) continue
      for (const d of root.namedChildren) if (d?.type === 'method_declaration' && d.childForFieldName('name')?.text === name) found.push({file, node: d})
    }

    if (found.length !== 1) return found.length > 1 ? this.unknown(n, `${found.length} methods are named ${name} in the code read; which one runs is not known`) : undefined
    const returns: TsNode[] = []
    const stack: TsNode[] = [found[0].node.childForFieldName('body')!].filter(Boolean)
    while (stack.length > 0) {
      const c = stack.pop()!
      if (c.type === 'return_statement') returns.push(c)
      else if (c.type !== 'func_literal') append(stack, c.namedChildren.filter((x): x is TsNode => Boolean(x)))
    }

    const expr = returns.length === 1 ? returns[0].namedChildren[0] : undefined
    const value = expr?.type === 'expression_list' ? expr.namedChildren[0] : expr
    const defaulted = value ? undefined : defaultedReturn(found[0].node)
    if (!value && !defaulted) return this.unknown(n, `the method ${name} (${found[0].file.path}:${line(found[0].node)}) is not one \`return\` conncalc can follow`)
    return this.guarded(`method ${found[0].file.path}.${name}`, n, () =>
      this.withCall(found[0], n, this, () => {
        if (value) return found[0].file.evaluate(value)
        // `if x <= 0 { return Default }; return x`: the comparison decides which is returned.
        const {left, op, otherwise, right, then} = defaulted!
        const a = found[0].file.zeroIfUnset(left, found[0].file.evaluate(left))
        const b = found[0].file.zeroIfUnset(right, found[0].file.evaluate(right))
        if (a?.kind !== 'known' || b?.kind !== 'known' || typeof a.value !== 'number' || typeof b.value !== 'number') return found[0].file.unknown(left, `the method ${name} (${found[0].file.path}:${line(found[0].node)}) returns by \`${left.text} ${op} ${right.text}\`, which conncalc cannot decide`, [a, b].filter((x): x is EvalValue => Boolean(x)))
        const holds = ({'!=': a.value !== b.value, '<': a.value < b.value, '<=': a.value <= b.value, '==': a.value === b.value, '>': a.value > b.value, '>=': a.value >= b.value} as Record<string, boolean>)[op]
        const picked = found[0].file.evaluate(holds ? then : otherwise)
        if (picked?.kind !== 'known') return picked ?? found[0].file.unknown(holds ? then : otherwise)
        // The default taken: what decided it (the setting's source) is named too; the setting itself already carries it.
        if (!holds) return picked
        return {...picked, via: [...picked.via, fromFile(found[0].file.path, line(defaulted!.at)), ...a.via], ...(a.missingEnv ? {missingEnv: [...(picked.missingEnv ?? []), ...a.missingEnv]} : {})}
      }),
    )
  }

  /**
   * `c.options["DATABASE_MAX_CONNS"].parsedIntValue`: a field of an entry of a map literal the app keys by env var name
   * (`options: map[string]*option{"DATABASE_MAX_CONNS": {parsedIntValue: 20, …}}`). When the package that declares the
   * table reads os.Environ() (its own config parser fills the table by key), the variable set here replaces the entry's
   * value (an integer); otherwise the entry is the value.
   */
  private tableEntry(n: TsNode, indexed: TsNode): EvalValue {
    const keyNode = indexed.childForFieldName('index')
    const key = keyNode ? this.evaluate(keyNode) : undefined
    const mapField = indexed.childForFieldName('operand')
    const mapName = mapField?.type === 'selector_expression' ? mapField.childForFieldName('field')?.text : mapField?.text
    const fieldName = n.childForFieldName('field')?.text
    const index = this.input.index
    if (key?.kind !== 'known' || typeof key.value !== 'string' || !mapName || !fieldName || !index) return this.unknown(n)
    const literal = (el: TsNode | null | undefined): TsNode | undefined => (el?.type === 'literal_element' ? (el.namedChildren[0] ?? undefined) : (el ?? undefined))
    for (const {dir, file, root} of index.files) {
      if (!root.text.includes(key.value)) continue
      for (const c of root.descendantsOfType('keyed_element')) {
        // `options: map[string]*option{…}` inside a struct literal.
        if (!c || literal(c.namedChildren[0])?.text !== mapName) continue
        const table = literal(c.namedChildren[1])
        if (table?.type !== 'composite_literal' || !table.childForFieldName('type')?.text.startsWith('map[')) continue
        const entry = table.childForFieldName('body')?.namedChildren.find((e) => e?.type === 'keyed_element' && literal(e.namedChildren[0])?.text.slice(1, -1) === key.value)
        const body = literal(entry?.namedChildren[1])
        const inner = body?.type === 'composite_literal' ? body.childForFieldName('body') : body
        const fieldEl = inner?.namedChildren.find((e) => e?.type === 'keyed_element' && literal(e.namedChildren[0])?.text === fieldName)
        const valueNode = literal(fieldEl?.namedChildren[1])
        if (!valueNode) return this.unknown(n, `${key.value} has no ${fieldName} in the ${mapName} table (${file.path})`)
        const dflt = file.evaluate(valueNode) ?? file.unknown(valueNode)
        const parser = index.files.filter((f) => f.dir === dir).find((f) => /\bos\.Environ\(\)/.test(f.root.text))
        if (!parser) return dflt
        const e = this.input.env.get(key.value)
        if (!e) return dflt.kind === 'known' ? {...dflt, via: [...dflt.via, fromDefault(`${key.value} is not set here: the entry's ${fieldName} stands (${parser.file.path} fills the table from os.Environ() by key)`, 'https://pkg.go.dev/os#Environ')]} : dflt
        return /^\s*-?\d+\s*$/.test(e.value) ? this.known(n, Number(e.value), [e.source, fromFile(file.path, line(valueNode)), fromDefault(`${parser.file.path} fills the ${mapName} table from os.Environ() by key`, 'https://pkg.go.dev/os#Environ')]) : this.unknown(n, `${key.value}=${JSON.stringify(e.value)} is not an integer`)
      }
    }

    return this.unknown(n, `no ${mapName} table with a ${JSON.stringify(key.value)} entry was found in the code read`)
  }
}

/** The CLI's subcommands in the code read (urfave/cli `Command{Name, Aliases, Action}`, cobra `Command{Use, Aliases, Run/RunE}`), gathered once. */
function cliCommands(index: GoIndex): CliCommand[] {
  if (index.commands) return index.commands
  const out: CliCommand[] = []
  for (const {file, root} of index.files) {
    if (!root.text.includes('Command{')) continue
    // `&cli.Command{…}`, and the elements of a `[]*cli.Command{{…}, {…}}` whose type is elided.
    const literals = root.descendantsOfType(['composite_literal', 'literal_value']).map((lit) => {
      if (lit?.type !== 'literal_value' || lit.parent?.type !== 'literal_element') return {lit, type: lit?.type === 'composite_literal' ? lit.childForFieldName('type')?.text : undefined}
      const outer = lit.parent.parent?.parent
      const slice = outer?.type === 'composite_literal' ? /^\[\]\*?(\w+\.Command)$/.exec(outer.childForFieldName('type')?.text ?? '') : null
      return {lit, type: slice?.[1]}
    })
    for (const {lit, type} of literals) {
      const t = /^(\w+)\.Command$/.exec(type ?? '')
      const path = t ? file.imports.get(t[1]) : undefined
      const cobra = path === 'github.com/spf13/cobra'
      if (!lit || !t || (!cobra && !isUrfave(path))) continue
      const str = (el: TsNode | undefined): string | undefined => (el?.type === 'interpreted_string_literal' ? el.text.slice(1, -1) : undefined)
      const aliases = (keyed(lit, 'Aliases')?.childForFieldName('body')?.namedChildren ?? []).map((e) => str((e?.type === 'literal_element' ? e.namedChildren[0] : e) ?? undefined))
      const first = cobra ? str(keyed(lit, 'Use'))?.trim().split(/\s+/)[0] : str(keyed(lit, 'Name'))
      const names = [first, ...aliases].filter((x): x is string => Boolean(x))
      const action = cobra ? (keyed(lit, 'RunE') ?? keyed(lit, 'Run')) : keyed(lit, 'Action')
      if (names.length === 0 || !action) continue
      out.push({action: action.type === 'func_literal' ? action : action.type === 'selector_expression' ? (action.childForFieldName('field')?.text ?? '') : action.text, names})
    }
  }

  index.commands = out
  return out
}

/** The subcommand the process runs: the first word of its arguments that names one of the CLI's commands. */
function runningCommand(index: GoIndex, args: string[]): CliCommand | undefined {
  const commands = cliCommands(index)
  for (const a of args) {
    if (a.startsWith('-')) continue
    const c = commands.find((x) => x.names.includes(a))
    if (c) return c
  }

  return undefined
}

/** Whether a call sits in the action of a subcommand other than `running` (its function literal, or the function it names). */
function elsewhereAction(call: TsNode, running: CliCommand, commands: CliCommand[]): boolean {
  const owner = (fn: TsNode): CliCommand | undefined => commands.find((c) => (typeof c.action === 'string' ? (fn.type === 'function_declaration' || fn.type === 'method_declaration') && fn.childForFieldName('name')?.text === c.action : c.action.id === fn.id))
  for (let up = call.parent; up; up = up.parent) {
    if (up.type !== 'func_literal' && up.type !== 'function_declaration' && up.type !== 'method_declaration') continue
    const c = owner(up)
    if (c) return c !== running && !c.names.some((x) => running.names.includes(x))
  }

  return false
}

/** The struct tags of field `name` in `type T struct { … }` among the files read. */
function structFieldTags(files: GoIndex['files'], type: string, name: string): Map<string, string> {
  for (const {root} of files) {
    if (!root.text.includes(`type ${type} struct`)) continue
    for (const spec of root.descendantsOfType('type_spec')) {
      if (spec?.childForFieldName('name')?.text !== type || spec.childForFieldName('type')?.type !== 'struct_type') continue
      for (const field of spec.childForFieldName('type')!.descendantsOfType('field_declaration')) {
        if (!field?.childrenForFieldName('name').some((id) => id?.text === name)) continue
        const tag = field.childForFieldName('tag')?.text
        return tag ? tagValues(tag.slice(1, -1)) : new Map()
      }
    }
  }

  return new Map()
}

/**
 * A function body of two statements, `if L OP R { return A }` then `return B` (a default for an unset or zero setting:
 * `if c.MaxOpen <= 0 { return DefaultMaxOpen }; return c.MaxOpen`), with OP a comparison: its parts, else undefined.
 */
function defaultedReturn(decl: TsNode): undefined | {at: TsNode; left: TsNode; op: string; otherwise: TsNode; right: TsNode; then: TsNode} {
  const list = decl.childForFieldName('body')?.namedChildren.find((c) => c?.type === 'statement_list')
  const statements = (list?.namedChildren ?? []).filter((c) => c?.type !== 'comment')
  const [first, second] = statements
  if (statements.length !== 2 || first?.type !== 'if_statement' || second?.type !== 'return_statement') return undefined
  if (first.childForFieldName('initializer') || first.childForFieldName('alternative')) return undefined
  const cond = first.childForFieldName('condition')
  const op = cond?.type === 'binary_expression' ? cond.childForFieldName('operator')?.text : undefined
  const inner = (first.childForFieldName('consequence')?.namedChildren.find((c) => c?.type === 'statement_list')?.namedChildren ?? []).filter((c) => c?.type !== 'comment')
  const one = (r: TsNode | null | undefined): TsNode | undefined => {
    const e = r?.type === 'return_statement' && r.namedChildren.length === 1 ? r.namedChildren[0] : undefined
    return e?.type === 'expression_list' ? (e.namedChildren.length === 1 ? (e.namedChildren[0] ?? undefined) : undefined) : (e ?? undefined)
  }

  const then = inner.length === 1 ? one(inner[0]) : undefined
  const otherwise = one(second)
  const left = cond?.childForFieldName('left')
  const right = cond?.childForFieldName('right')
  if (!op || !['!=', '<', '<=', '==', '>', '>='].includes(op) || !then || !otherwise || !left || !right) return undefined
  return {at: first, left, op, otherwise, right, then}
}

/** The `return` statements of a function's own body (not of the function literals inside it). */
function returnsOf(decl: TsNode): TsNode[] {
  const out: TsNode[] = []
  const stack: TsNode[] = [decl.childForFieldName('body')!].filter(Boolean)
  while (stack.length > 0) {
    const c = stack.pop()!
    if (c.type === 'return_statement') out.push(c)
    else if (c.type !== 'func_literal') append(stack, c.namedChildren.filter((x): x is TsNode => Boolean(x)))
  }

  return out
}

/** `-name=N`, `--name=N`, `-name N`, `--name N` among the command's arguments. */
function flagValue(args: string[], name: string): string | undefined {
  for (const [i, a] of args.entries()) {
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(a)
    if (m?.[1] === name) return m[2] ?? args[i + 1]
  }

  return undefined
}

/**
 * The name an unaliased import is used by: its path's last element (before a `/vN` major version). An element that is not
 * a Go identifier names a package declared otherwise; the usual spellings are taken: `que-go` and `go-que` declare `que`,
 * gopkg.in's `pgx.v3` declares `pgx`.
 */
function packageName(path: string): string {
  const last = path.split('/').filter((p) => !/^v\d+$/.test(p)).pop()!
  if (/^[A-Za-z_]\w*$/.test(last)) return last
  const bare = last.replace(/\.v\d+$/, '').replace(/^go-/, '').replace(/[-.]go$/, '')
  return /^[A-Za-z_]\w*$/.test(bare) ? bare : last
}

/**
 * The nodes the passes below read (bindNames, collectTagged, collectPrefixes, collectFieldSets, collect), in the order a
 * stack walk of namedChildren visits them (a node, then its children last first): the order decides which of two
 * bindings of a name is kept. One descendantsOfType (the walk done inside tree-sitter, a Node made only for these types)
 * instead of five walks making a Node for every node of the file (heroiclabs/nakama: 300 files, 75% of the run in them).
 * Its document order (a node before what it holds, left before right) reversed as a postorder is that stack walk's order.
 */
function walkedNodes(root: TsNode): TsNode[] {
  const found = root.descendantsOfType(['assignment_statement', 'call_expression', 'const_spec', 'if_statement', 'import_spec', 'parameter_declaration', 'short_var_declaration', 'type_spec', 'var_spec'])
  // Whether `n` (after `a` in document order) is inside `a`: by their offsets, or by its parents for an empty node (an
  // empty node at a's end may be a's next sibling).
  const holds = (a: TsNode, n: TsNode): boolean => {
    if (n.startIndex < a.startIndex || n.endIndex > a.endIndex) return false
    if (n.startIndex < n.endIndex) return true
    for (let p = n.parent; p; p = p.parent) if (p.id === a.id) return true
    return false
  }

  const postorder: TsNode[] = []
  const open: TsNode[] = []
  for (const n of found) {
    if (!n) continue
    while (open.length > 0 && !holds(open.at(-1)!, n)) postorder.push(open.pop()!)
    open.push(n)
  }

  while (open.length > 0) postorder.push(open.pop()!)
  return postorder.reverse()
}

/** The statements a Go branch runs only sometimes: an `if`'s arms, a switch's or select's cases, a loop's body (Go spec, Statements). */
const BRANCH: Record<string, string> = {communication_case: 'case', default_case: 'case', expression_case: 'case', for_statement: 'loop', if_statement: '`if`', type_case: 'case'}

/** The innermost `if`, case or loop below the function body that a plain `x = v` giving `expr` sits in, if any. */
function branchNode(expr: TsNode): TsNode | undefined {
  const list = expr.parent
  const assign = list?.type === 'expression_list' ? list.parent : undefined
  if (assign?.type !== 'assignment_statement' || assign.childForFieldName('operator')?.text !== '=') return undefined
  for (let at: null | TsNode = assign.parent; at && !['function_declaration', 'method_declaration', 'func_literal', 'source_file'].includes(at.type); at = at.parent) {
    if (!(at.type in BRANCH)) continue
    // The condition or initializer of an `if` runs whenever the `if` does: only its consequence and alternative are branches.
    if (at.type === 'if_statement' && ![at.childForFieldName('consequence'), at.childForFieldName('alternative')].some((b) => b !== null && b.startIndex <= assign.startIndex && assign.endIndex <= b.endIndex)) continue
    return at
  }

  return undefined
}

/**
 * When the value a name is read with was given by a plain `x = v` inside an `if`, a case or a loop that the read is not in
 * (`if dialect == "sqlite" { dialect = "sqlite3" }` then `gorm.Open(dialect, …)`): that value holds only when the branch ran,
 * the name keeps its earlier value (a parameter's, a zero value) otherwise, so it is not the value. The branch's kind, else
 * undefined (an unconditional assignment, or a read inside the same branch after it).
 */
function conditionalAssignment(expr: TsNode, read: TsNode): string | undefined {
  const b = branchNode(expr)
  if (!b || (b.startIndex <= read.startIndex && read.endIndex <= b.endIndex)) return undefined
  return BRANCH[b.type]
}

/** Names given values anywhere in the file: const/var specs, `x := …`, `x = …` (the first name of `n, err := …`). */
function bindNames(nodes: readonly TsNode[], file: GoFile): void {
  const errors = new Map<string, string>() // `err` → the name its call also gave (`n, err := strconv.Atoi(…)`)
  const ifs: TsNode[] = []
  for (const n of nodes) {
    if (n.type === 'import_spec') {
      const path = n.childForFieldName('path')?.text.slice(1, -1)
      const name = n.childForFieldName('name')?.text
      if (path) file.imports.set(name && name !== '_' && name !== '.' ? name : packageName(path), path)
    } else if (n.type === 'const_spec' || n.type === 'var_spec') {
      const names = n.childrenForFieldName('name')
      const values = n.childForFieldName('value')?.namedChildren ?? []
      const type = n.childForFieldName('type')?.text
      for (const [i, id] of names.entries()) {
        if (id && values[i]) file.names.set(id.text, values[i])
        if (id && type) file.types.set(id.text, type)
      }
    } else if (n.type === 'parameter_declaration') {
      const type = n.childForFieldName('type')?.text
      for (const id of n.childrenForFieldName('name')) if (id && type) file.types.set(id.text, type)
    } else if (n.type === 'if_statement') {
      ifs.push(n)
    } else if (n.type === 'short_var_declaration' || n.type === 'assignment_statement') {
      const left = n.childForFieldName('left')?.namedChildren ?? []
      const right = n.childForFieldName('right')?.namedChildren ?? []
      // `n, err := strconv.Atoi(…)`: an `if err != nil { n = 10 }` is n's fallback.
      if (n.type === 'short_var_declaration' && left.length === 2 && left[0]?.type === 'identifier' && left[1]?.type === 'identifier' && right[0]?.type === 'call_expression') errors.set(left[1].text, left[0].text)
      // `n, err := strconv.Atoi(…)`: the call's first result is n. A later plain `x = 8` (an error fallback) is not taken over it.
      if (left[0]?.type === 'identifier' && right[0] && (n.type === 'short_var_declaration' || !file.names.has(left[0].text))) file.names.set(left[0].text, right[0])
      for (const [i, id] of left.entries()) if (i > 0 && id?.type === 'identifier' && right[i]) file.names.set(id.text, right[i])
    }
  }

  // In source order, after every binding is known (the walk visits later statements first): the first fallback of a name wins.
  for (const n of ifs.sort((a, b) => a.startIndex - b.startIndex)) {
    const fallback = envFallback(n, errors)
    if (fallback && !file.fallbacks.has(fallback.name)) file.fallbacks.set(fallback.name, {line: line(n), value: fallback.value})
  }
}

/**
 * An `if` whose body first gives a variable a value when it holds nothing: `if x == "" { x = "10" }` (also `"" == x`,
 * `len(x) == 0`) for `x := os.Getenv("X")`, and `if err != nil { n = 10 }` for `n, err := strconv.Atoi(…)`.
 */
function envFallback(n: TsNode, errors: Map<string, string>): undefined | {name: string; value: TsNode} {
  if (n.childForFieldName('initializer')) return undefined
  const cond = n.childForFieldName('condition')
  if (cond?.type !== 'binary_expression') return undefined
  const op = cond.childForFieldName('operator')?.text
  const a = cond.childForFieldName('left')
  const b = cond.childForFieldName('right')
  const empty = (x: TsNode | null): boolean => x?.type === 'interpreted_string_literal' && x.text === '""'
  let name: string | undefined
  if (op === '==') {
    const id = empty(b) ? a : empty(a) ? b : undefined
    if (id?.type === 'identifier') name = id.text
    // len(x) == 0
    else if (a?.type === 'call_expression' && a.childForFieldName('function')?.text === 'len' && b?.text === '0') {
      const arg = a.childForFieldName('arguments')?.namedChildren[0]
      if (arg?.type === 'identifier') name = arg.text
    }
  } else if (op === '!=' && b?.text === 'nil' && a?.type === 'identifier') name = errors.get(a.text)

  if (!name) return undefined
  // The body's first statement (tree-sitter-go nests a block's statements in a statement_list).
  const body = n.childForFieldName('consequence')
  const list = body?.namedChildren.find((c) => c?.type === 'statement_list') ?? body
  const first = list?.namedChildren.find((c) => c?.type !== 'comment')
  if (first?.type !== 'assignment_statement' || first.childForFieldName('operator')?.text !== '=') return undefined
  const left = first.childForFieldName('left')?.namedChildren ?? []
  const right = first.childForFieldName('right')?.namedChildren ?? []
  return left.length === 1 && left[0]?.text === name && right[0] ? {name, value: right[0]} : undefined
}

const FLAG_VARS = /^flag\.(IntVar|Int64Var|UintVar|Uint64Var)$/

/** Config struct fields set in code (FieldSet): `flag.IntVar(&cfg.a.b, …)` and `cfg.a.b = v`. */
function collectFieldSets(nodes: readonly TsNode[], file: GoFile, into: Map<string, FieldSet[]>): void {
  const put = (sel: TsNode | null | undefined, node: TsNode, kind: FieldSet['kind']): void => {
    const at = sel ? file.fieldPath(sel) : undefined
    if (!at) return
    const rootType = file.rootType(at.root)
    into.set(at.path, [...(into.get(at.path) ?? []), {file, kind, node, ...(rootType ? {rootType} : {})}])
  }

  for (const n of nodes) {
    if (n.type === 'call_expression' && FLAG_VARS.test(file.qualified(n.childForFieldName('function')) ?? '')) {
      const target = n.childForFieldName('arguments')?.namedChildren[0]
      if (target?.type === 'unary_expression' && target.childForFieldName('operator')?.text === '&') put(target.childForFieldName('operand'), n, 'flag')
    } else if (n.type === 'assignment_statement' && n.childForFieldName('operator')?.text === '=') {
      const left = n.childForFieldName('left')?.namedChildren ?? []
      const right = n.childForFieldName('right')?.namedChildren ?? []
      if (left.length === right.length) for (const [i, l] of left.entries()) if (l?.type === 'selector_expression' && right[i]) put(l, right[i]!, 'assign')
    }
  }
}

/** The prefixes `envconfig.Process("app", &cfg)` and caarlos0/env's `Options{Prefix: "APP_"}` put before every key. */
function collectPrefixes(nodes: readonly TsNode[], file: GoFile): void {
  for (const n of nodes) {
    const q = n.type === 'call_expression' ? file.qualified(n.childForFieldName('function')) : undefined
    if (q) {
      const args = n.childForFieldName('arguments')?.namedChildren ?? []
      const pkg = q.slice(0, q.lastIndexOf('.'))
      const fnName = q.slice(q.lastIndexOf('.') + 1)
      if (pkg === 'github.com/kelseyhightower/envconfig' && /^(Must)?Process$/.test(fnName)) {
        const prefix = file.evaluate(args[0] ?? null)
        if (prefix?.kind === 'known' && typeof prefix.value === 'string') file.tagPrefix('envconfig', prefix.value)
      } else if (/^github\.com\/caarlos0\/env(\/v\d+)?$/.test(pkg) && /Options$/.test(fnName)) {
        const opts = args.find((a) => a?.type === 'composite_literal')
        const prefix = opts?.childForFieldName('body')?.namedChildren.find((el) => el?.namedChildren[0]?.text === 'Prefix')?.namedChildren[1]
        const v = prefix ? file.evaluate(prefix.type === 'literal_element' ? (prefix.namedChildren[0] ?? null) : prefix) : undefined
        if (v?.kind === 'known' && typeof v.value === 'string') file.tagPrefix('caarlos0/env', v.value)
      }
    }
  }
}

function collect(nodes: readonly TsNode[], file: GoFile, out: GoCode): void {
  const pgxpoolFile = [...file.imports.values()].some(isPgxpool)
  for (const n of nodes) {
    if (n.type === 'call_expression') {
      const fn = n.childForFieldName('function')
      const args = n.childForFieldName('arguments')?.namedChildren ?? []
      const q = file.qualified(fn)
      const field = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : undefined
      if (field === 'SetMaxOpenConns' && !q) {
        // A cap set only for another database's driver (`if driver == "sqlite" { db.SetMaxOpenConns(1) }`, TwiN/gatus)
        // does not size the PostgreSQL pool.
        if (!otherDriverBranch(n)) out.maxOpen.push({file: file.path, lib: 'database/sql', line: line(n), value: file.evaluate(args[0] ?? null), ...guardOf(file, n), ...enclosing(file, n)})
      } else if (q) {
        const pkg = q.slice(0, q.lastIndexOf('.'))
        const fnName = q.slice(q.lastIndexOf('.') + 1)
        const opener = OPENERS[pkg]
        // sql.Open(driver, dsn), sqlx.Connect(driver, dsn): the DSN, to tell the platform's URL from a local one.
        const driver = opener?.fns.test(fnName) && args.length === 2 && args[0]?.type === 'interpreted_string_literal' ? args[0].text.slice(1, -1) : undefined
        // A driver name or GORM dialector given by a variable or an expression (chosenDatabase): what picks the database.
        const chosen = opener?.fns.test(fnName) && driver === undefined && args[0] && (pkg === 'gorm.io/gorm' || args.length === 2) ? chosenDatabase(file, n, args[0], pkg) : undefined
        if (driver !== undefined && OTHER_SQL_DRIVERS.test(driver)) out.otherOpened.push({driver, file: file.path, lib: opener!.lib, line: line(n)})
        else if (chosen?.other !== undefined) out.otherOpened.push({driver: chosen.other, file: file.path, lib: opener!.lib, line: line(n)})
        else if (opener?.fns.test(fnName)) out.opened.push({file: file.path, lib: opener.lib, line: line(n), ...(args.length === 2 && args[1] ? {value: file.evaluate(args[1])} : {}), ...guardOf(file, n, chosen?.guard), ...enclosing(file, n)})
        else if (/^github\.com\/jackc\/pgx\/v[45]\/stdlib$/.test(pkg) && fnName === 'OpenDBFromPool') out.overPool ??= {file: file.path, line: line(n)}
        else if (isPgxV3(pkg) && fnName === 'NewConnPool') out.opened.push({file: file.path, lib: 'pgx', line: line(n), ...connPoolConfig(file, n, args[0])})
        else if (isGoPg(pkg) && fnName === 'Connect') out.opened.push({file: file.path, lib: 'go-pg', line: line(n), pkg, ...poolSizeOf(file, n, args[0])})
        // gobuffalo/pop's `pop.NewConnection(&pop.ConnectionDetails{Pool: n})`: Open calls SetMaxOpenConns(Pool) (pop.ts).
        // Ory's fork github.com/ory/pop/v6 keeps it: Pool != 0 → SetMaxOpenConns(Pool) (its connection.go; a DSN with
        // pool_min_conns= makes a pgxpool instead, not read here).
        else if (/^github\.com\/(?:gobuffalo|ory)\/pop(\/v\d+)?$/.test(pkg) && fnName === 'NewConnection') out.opened.push({file: file.path, lib: 'pop', line: line(n), ...detailsPool(file, n, args[0])})
        else if (pkg === 'github.com/bgentry/que-go' && fnName === 'NewWorkerPool') out.queWorkers.push({file: file.path, lib: 'que-go', line: line(n), value: file.evaluate(args[2] ?? null)})
        else if ((pkg === 'net/http' && /^(ListenAndServe|ListenAndServeTLS|Serve|ServeTLS)$/.test(fnName)) || ((q === 'os.Getenv' || q === 'os.LookupEnv') && args[0]?.text === '"PORT"')) out.serves ??= {file: file.path, line: line(n)}
        else if (isPgxpool(pkg) && /^(New|Connect|ParseConfig)$/.test(fnName)) {
          // New(ctx, url), Connect(ctx, url), ParseConfig(url): the URL may carry pool_max_conns.
          const url = args[fnName === 'ParseConfig' ? 0 : 1] ?? null
          out.opened.push({file: file.path, lib: 'pgxpool', line: line(n), value: file.evaluate(url), ...guardOf(file, n)})
        }
      }
    } else if (n.type === 'assignment_statement' && pgxpoolFile) {
      // `X.MaxConns = n` is pgxpool.Config's only in a file that imports pgxpool (to parse or name the config): other
      // libraries have a MaxConns too (an SMTP or HTTP client pool's settings).
      const left = n.childForFieldName('left')?.namedChildren ?? []
      const right = n.childForFieldName('right')?.namedChildren ?? []
      for (const [i, l] of left.entries()) {
        if (l?.type === 'selector_expression' && l.childForFieldName('field')?.text === 'MaxConns' && right[i]) out.maxConns.push({file: file.path, lib: 'pgxpool', line: line(n), value: file.evaluate(right[i])})
      }
    }
  }
}

/** PostgreSQL's database/sql driver names (lib/pq "postgres", pgx/stdlib "pgx" and "pgx/v5", Cloud SQL's connector). */
const isPgDriverName = (name: string): boolean => /^(postgres(ql)?|pgx(\/v5)?|cloudsqlpostgres|nrpostgres)$/.test(name)

/**
 * What a pool opener's first argument says of the database, when it is not a string literal: a GORM dialector
 * (`gorm.Open(dialect, cfg)`, `gorm.io/driver/postgres.Open(dsn)` or mysql's, sqlite's…) or a database/sql driver name
 * (`sql.Open(driverName, dsn)`), given in place or by a variable of the function assigned once per arm of a switch or an
 * `if` on the database's kind (`case drivers.POSTGRES: dialect = postgres.Open(…)`). `other`: every value names another
 * database (that one's name). `guard`: the PostgreSQL values are given only on branches on one expression (driverGuard),
 * which then guard the open too. A driver name read from config the evaluator cannot read guards it with the names
 * PostgreSQL's drivers register, so an undecided kind is said (go.ts).
 */
function chosenDatabase(file: GoFile, call: TsNode, arg: TsNode, pkg: string): undefined | {guard?: GoGuard; other?: string} {
  // GORM v2 takes a dialector; v1 (jinzhu/gorm) a driver name, as database/sql.
  const gorm = pkg === 'gorm.io/gorm'
  // The database one value names: 'pg', another's name, or undefined (not known).
  const kind = (v: TsNode): string | undefined => {
    while (v.type === 'parenthesized_expression' && v.namedChildren[0]) v = v.namedChildren[0]
    if (gorm) {
      const q = v.type === 'call_expression' ? file.qualified(v.childForFieldName('function')) : undefined
      const pkg = q?.slice(0, q.lastIndexOf('.'))
      if (!pkg) return undefined
      if (/^gorm\.io\/driver\/postgres$/.test(pkg)) return 'pg'
      const other = /^(?:gorm\.io\/driver\/(mysql|sqlite|sqlserver|clickhouse)|github\.com\/glebarez\/(sqlite)|github\.com\/ncruces\/go-sqlite3\/gormlite()|gorm\.io\/driver\/(bigquery))$/.exec(pkg)
      return other ? (other.slice(1).find((x) => x !== undefined) || 'sqlite') : undefined
    }

    const value = file.evaluate(v)
    if (value?.kind !== 'known' || typeof value.value !== 'string') return undefined
    return isPgDriverName(value.value) ? 'pg' : OTHER_SQL_DRIVERS.test(value.value) ? value.value : undefined
  }

  // `sql.Open(cfg.Driver, dsn)`: PostgreSQL's names, unless the value read is another's.
  const named = (): undefined | {guard?: GoGuard; other?: string} => {
    const k = kind(arg)
    if (gorm) return k === undefined || k === 'pg' ? undefined : {other: k}
    if (k === 'pg') return undefined
    if (k !== undefined) return {other: k}
    const value = file.evaluate(arg)
    return {guard: {arms: ['postgres', 'pgx'], file: file.path, line: line(call), operand: arg.text, ...(value ? {value} : {})}}
  }

  if (arg.type !== 'identifier') return named()
  // The variable's assignments in the function the open is in.
  let fn: null | TsNode = call.parent
  while (fn && !['function_declaration', 'method_declaration', 'func_literal'].includes(fn.type)) fn = fn.parent
  const body = fn?.childForFieldName('body')
  if (!body || !body.text.includes(`${arg.text} =`)) return named()
  const given: TsNode[] = []
  const stack: TsNode[] = [body]
  while (stack.length > 0) {
    const c = stack.pop()!
    if (c.type === 'func_literal') continue
    if (c.type === 'assignment_statement' || c.type === 'short_var_declaration' || c.type === 'var_spec') {
      const left = c.type === 'var_spec' ? c.childrenForFieldName('name') : (c.childForFieldName('left')?.namedChildren ?? [])
      const right = c.childForFieldName(c.type === 'var_spec' ? 'value' : 'right')?.namedChildren ?? []
      const at = left.findIndex((l) => l?.type === 'identifier' && l.text === arg.text)
      if (at !== -1 && right[at]) given.push(right[at]!)
    }

    append(stack, c.namedChildren.filter((x): x is TsNode => Boolean(x)))
  }

  const kinds = given.map((g) => ({kind: kind(g), node: g}))
  if (kinds.length < 2) return named()
  // Only when every value given is known: one unread value could be PostgreSQL's.
  if (kinds.some((k) => k.kind === undefined)) return undefined
  const pg = kinds.filter((k) => k.kind === 'pg')
  if (pg.length === 0) return {other: kinds[0].kind}
  if (pg.length === kinds.length) return undefined
  const guards = pg.map((k) => driverGuard(file, k.node, 0))
  const first = guards[0]
  if (!first || guards.some((g) => !g || g.operand.text !== first.operand.text)) return undefined
  const value = first.file.evaluate(first.operand)
  return {guard: {arms: [...new Set(guards.flatMap((g) => g!.arms))], file: first.file.path, line: line(first.at), operand: first.operand.text, ...(value ? {value} : {})}}
}

/** The function declaration a call is in, as a GoSite's `fn` (`file:offset`); none in a method or a closure. */
function enclosing(file: GoFile, call: TsNode): {fn?: string} {
  let at: TsNode | null = call.parent
  while (at && !['function_declaration', 'method_declaration', 'func_literal'].includes(at.type)) at = at.parent
  return at?.type === 'function_declaration' ? {fn: `${file.path}:${at.startIndex}`} : {}
}

/**
 * Where each open's function is called (GoSite `callers`): every call of that function's name in its package (or
 * qualified by the package's import path elsewhere), as the block or case the calling statement is in.
 */
function openCallers(out: GoCode, read: {file: GoFile; root: TsNode}[], module: string | undefined): void {
  const dirOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '')
  for (const site of out.opened) {
    if (!site.fn) continue
    const r = read.find((x) => x.file.path === site.file)
    const offset = Number(site.fn.slice(site.fn.lastIndexOf(':') + 1))
    const decl = r?.root.namedChildren.find((c) => c?.type === 'function_declaration' && c.startIndex === offset)
    const name = decl?.childForFieldName('name')?.text
    if (!r || !name) continue
    const dir = dirOf(site.file)
    const pkg = module === undefined ? undefined : dir === '' ? module : `${module}/${dir}`
    const callers: string[] = []
    for (const {file, root} of read) {
      if (!root.text.includes(name)) continue
      for (const c of root.descendantsOfType('call_expression')) {
        const callee = c?.childForFieldName('function') ?? null
        const same = callee?.type === 'identifier' && callee.text === name && dirOf(file.path) === dir
        if (!c || !(same || (pkg !== undefined && file.qualified(callee) === `${pkg}.${name}`))) continue
        let at: TsNode | null = c.parent
        while (at && !['block', 'statement_list', 'expression_case', 'default_case', 'type_case', 'communication_case', 'func_literal', 'source_file'].includes(at.type)) at = at.parent
        callers.push(`${file.path}:${at?.startIndex ?? -1}`)
      }
    }

    site.callers = callers
  }
}

/** A call's driverGuard, with its operand evaluated, as a GoSite's `guard`. */
function guardOf(file: GoFile, call: TsNode, otherwise?: GoGuard): {guard?: GoGuard} {
  const g = driverGuard(file, call, 0)
  if (!g) return otherwise ? {guard: otherwise} : {}
  const value = g.file.evaluate(g.operand)
  return {guard: {arms: g.arms, file: g.file.path, line: line(g.at), operand: g.operand.text, ...(value ? {value} : {})}}
}

/**
 * The branch a call runs in only when an expression is one of some string literals (GoGuard): a `case "a", "b":` of a
 * switch on it, the consequence of `if X == "a"` (either side), or a statement after `if X != "a" { … return }` in the
 * same block. Not found in the call's function, it is its callers' (a function declaration of the module, called by name
 * in the code read), when every caller is in such a branch on the same expression (up to three calls up).
 */
function driverGuard(file: GoFile, call: TsNode, depth: number): undefined | {arms: string[]; at: TsNode; file: GoFile; operand: TsNode} {
  const compared = (cond: TsNode | null, op: '==' | '!='): undefined | {arm: string; operand: TsNode} => {
    while (cond?.type === 'parenthesized_expression') cond = cond.namedChildren[0] ?? null
    if (cond?.type !== 'binary_expression' || cond.childForFieldName('operator')?.text !== op) return undefined
    const a = cond.childForFieldName('left')
    const b = cond.childForFieldName('right')
    if (b?.type === 'interpreted_string_literal' && a && a.type !== 'interpreted_string_literal') return {arm: b.text.slice(1, -1), operand: a}
    if (a?.type === 'interpreted_string_literal' && b && b.type !== 'interpreted_string_literal') return {arm: a.text.slice(1, -1), operand: b}
    return undefined
  }

  const returns = (body: TsNode | null): boolean => {
    const list = body?.namedChildren.find((c) => c?.type === 'statement_list') ?? body
    const last = list?.namedChildren.filter((c) => c?.type !== 'comment').at(-1)
    return last?.type === 'return_statement' || (last?.type === 'expression_statement' && /^(log\.Fatal|panic\(|os\.Exit\()/.test(last.text))
  }

  let child: TsNode = call
  for (let up = call.parent; up; child = up, up = up.parent) {
    if (up.type === 'expression_case') {
      const tag = up.parent?.type === 'expression_switch_statement' ? up.parent.childForFieldName('value') : null
      // String literals, or constants that are (`case storage.TypePostgres:` with `TypePostgres Type = "postgres"`).
      const values = (up.childForFieldName('value')?.namedChildren ?? []).map((v) => (v?.type === 'interpreted_string_literal' ? v.text.slice(1, -1) : file.evaluate(v)))
      const arms = values.length > 0 && values.every((v) => typeof v === 'string' || (v?.kind === 'known' && typeof v.value === 'string')) ? values.map((v) => (typeof v === 'string' ? v : String((v as {value: string}).value))) : undefined
      if (tag && arms) return {arms, at: up, file, operand: tag}
    }

    if (up.type === 'if_statement' && up.childForFieldName('consequence')?.id === child.id) {
      const c = compared(up.childForFieldName('condition'), '==')
      if (c) return {arms: [c.arm], at: up, file, operand: c.operand}
    }

    if (up.type === 'statement_list' || up.type === 'block') {
      // `if t != "postgres" { return … }` before this statement: what follows runs only for "postgres".
      for (let prev = child.previousNamedSibling; prev; prev = prev.previousNamedSibling) {
        if (prev.type !== 'if_statement' || prev.childForFieldName('alternative')) continue
        const c = compared(prev.childForFieldName('condition'), '!=')
        if (c && returns(prev.childForFieldName('consequence'))) return {arms: [c.arm], at: prev, file, operand: c.operand}
      }
    }

    if (up.type === 'method_declaration' || up.type === 'func_literal') return undefined
    if (up.type === 'function_declaration') {
      const name = up.childForFieldName('name')?.text
      if (!name || name === 'main' || depth >= 3) return undefined
      const callers = file.callsOf(name)
      if (callers.length === 0) return undefined
      const guards = callers.map((c) => driverGuard(c.file, c.call, depth + 1))
      const first = guards[0]
      if (!first || guards.some((g) => !g || g.operand.text !== first.operand.text)) return undefined
      return {...first, arms: [...new Set(guards.flatMap((g) => g!.arms))]}
    }
  }

  return undefined
}

/**
 * Whether a call runs only when a value equals another database's driver name: inside the consequence of
 * `if X == "sqlite3"` (or `"sqlite3" == X`, either side of an `&&`), or in a `case "mysql":` of a switch.
 */
function otherDriverBranch(call: TsNode): boolean {
  const names = (cond: TsNode | null): string[] => {
    if (!cond) return []
    if (cond.type === 'parenthesized_expression') return names(cond.namedChildren[0] ?? null)
    if (cond.type !== 'binary_expression') return []
    const op = cond.childForFieldName('operator')?.text
    if (op === '&&') return [...names(cond.childForFieldName('left')), ...names(cond.childForFieldName('right'))]
    if (op !== '==') return []
    return [cond.childForFieldName('left'), cond.childForFieldName('right')].filter((side) => side?.type === 'interpreted_string_literal').map((side) => side!.text.slice(1, -1))
  }

  let child: TsNode = call
  for (let up = call.parent; up; child = up, up = up.parent) {
    if (['function_declaration', 'method_declaration', 'func_literal'].includes(up.type)) return false
    if (up.type === 'if_statement' && up.childForFieldName('consequence')?.id === child.id && names(up.childForFieldName('condition')).some((d) => OTHER_SQL_DRIVERS.test(d))) return true
    if (up.type === 'expression_case') {
      const values = up.childForFieldName('value')?.namedChildren ?? []
      if (values.length > 0 && values.every((v) => v?.type === 'interpreted_string_literal' && OTHER_SQL_DRIVERS.test(v.text.slice(1, -1)))) return true
    }
  }

  return false
}

/**
 * database/sql driver names of other databases (each driver's sql.Register: go-sql-driver/mysql "mysql",
 * mattn/go-sqlite3 "sqlite3", modernc.org/sqlite "sqlite", microsoft/go-mssqldb "sqlserver"/"mssql", ClickHouse,
 * godror, snowflake, DuckDB, libSQL): `sql.Open(name, dsn)` with one of them opens no PostgreSQL connection.
 */
const OTHER_SQL_DRIVERS = /^(mysql|sqlite3?|sqlserver|mssql|clickhouse|godror|oracle|oci8|snowflake|duckdb|libsql|firebirdsql|spanner)$/

/** The keyed element `key` of a composite literal's body (`pgx.ConnPoolConfig{MaxConnections: 8}`). */
function keyed(literal: TsNode, key: string): TsNode | undefined {
  const unwrap = (el: TsNode | null | undefined): TsNode | undefined => (el?.type === 'literal_element' ? (el.namedChildren[0] ?? undefined) : (el ?? undefined))
  // An element literal whose type is elided (`[]*cli.Command{{Name: "serve"}}`) is its own body.
  const el = (literal.type === 'literal_value' ? literal : literal.childForFieldName('body'))?.namedChildren.find((e) => e?.type === 'keyed_element' && unwrap(e.namedChildren[0])?.text === key)
  return unwrap(el?.namedChildren[1])
}

/** pop's `pop.NewConnection(&pop.ConnectionDetails{Pool: n})` (or a variable given that literal, or `d.Pool = n` before the call). */
function detailsPool(file: GoFile, call: TsNode, arg: TsNode | null | undefined): {max?: EvalValue} {
  const {fields, lit} = configLiteral(file, call, arg)
  const size = fields.get('Pool') ?? (lit?.type === 'composite_literal' ? keyed(lit, 'Pool') : undefined)
  return size ? {max: file.evaluate(size) ?? file.unknown(size)} : {}
}

/** go-pg's `pg.Connect(&pg.Options{PoolSize: n})` (or a variable given that literal, or `opts.PoolSize = n` before the call). */
function poolSizeOf(file: GoFile, call: TsNode, arg: TsNode | null | undefined): {max?: EvalValue} {
  const {fields, lit} = configLiteral(file, call, arg)
  const size = fields.get('PoolSize') ?? (lit?.type === 'composite_literal' ? keyed(lit, 'PoolSize') : undefined)
  return size ? {max: file.evaluate(size) ?? file.unknown(size)} : {}
}

/**
 * The composite literal a config argument is (`&T{…}`, `T{…}`, or a variable given one), and the fields the function that
 * makes the pool sets on that variable before the call (`cfg.X = n`).
 */
function configLiteral(file: GoFile, call: TsNode, arg: TsNode | null | undefined): {fields: Map<string, TsNode>; lit: TsNode | undefined} {
  let lit = arg ?? undefined
  if (lit?.type === 'unary_expression') lit = lit.childForFieldName('operand') ?? undefined
  const fields = new Map<string, TsNode>()
  if (lit?.type === 'identifier') {
    const name = lit.text
    let fn: TsNode | null = call.parent
    while (fn && !['function_declaration', 'method_declaration', 'func_literal'].includes(fn.type)) fn = fn.parent
    for (const a of fn?.descendantsOfType('assignment_statement') ?? []) {
      const left = a?.childForFieldName('left')?.namedChildren ?? []
      const right = a?.childForFieldName('right')?.namedChildren ?? []
      for (const [i, l] of left.entries()) {
        const field = l?.type === 'selector_expression' && l.childForFieldName('operand')?.text === name ? l.childForFieldName('field')?.text : undefined
        if (field && right[i] && a!.startIndex < call.startIndex) fields.set(field, right[i]!)
      }
    }

    lit = file.names.get(name)
    if (lit?.type === 'unary_expression') lit = lit.childForFieldName('operand') ?? undefined
  }

  return {fields, lit}
}

/**
 * `pgx.NewConnPool(pgx.ConnPoolConfig{ConnConfig: c, MaxConnections: n})` (or a variable given that literal): n, and the URL
 * the ConnConfig was parsed from (`c, _ := pgx.ParseURI(url)`, ParseConnectionString, ParseDSN), for which server it is on.
 */
function connPoolConfig(file: GoFile, call: TsNode, arg: TsNode | null | undefined): {max?: EvalValue; value?: EvalValue} {
  // A config variable: its literal, and `cfg.MaxConnections = n` / `cfg.ConnConfig = c` in the function that makes the pool.
  const {fields, lit} = configLiteral(file, call, arg)
  if (lit?.type !== 'composite_literal' && fields.size === 0) return {}
  const maxNode = fields.get('MaxConnections') ?? (lit?.type === 'composite_literal' ? keyed(lit, 'MaxConnections') : undefined)
  let conn = fields.get('ConnConfig') ?? (lit?.type === 'composite_literal' ? keyed(lit, 'ConnConfig') : undefined)
  if (conn?.type === 'identifier') conn = file.names.get(conn.text)
  const parse = conn?.type === 'call_expression' ? file.qualified(conn.childForFieldName('function')) : undefined
  const urlArg = parse && /\.(ParseURI|ParseConnectionString|ParseDSN)$/.test(parse) && isPgxV3(parse.slice(0, parse.lastIndexOf('.'))) ? conn!.childForFieldName('arguments')?.namedChildren[0] : undefined
  const url = urlArg ? file.evaluate(urlArg) : undefined
  return {...(maxNode ? {max: file.evaluate(maxNode) ?? file.unknown(maxNode)} : {}), ...(url ? {value: url} : {})}
}

const isSource = (name: string): boolean => name.endsWith('.go') && !name.endsWith('_test.go')

/** Read the packages reachable from `dirs` (in-module imports followed), never vendor/ or Godeps/. */
export async function readGoCode(input: GoReadInput): Promise<GoCode> {
  const out: GoCode = {complete: false, diagnostics: [], files: [], imports: new Set(), maxConns: [], maxOpen: [], opened: [], otherOpened: [], queWorkers: []}
  let clean = true
  const seen = new Set<string>()
  const queue = [...input.dirs]
  const tagged = new TaggedFields()
  const fieldSets = new Map<string, FieldSet[]>()
  const read: {file: GoFile; nodes: TsNode[]; root: TsNode; tree: {delete(): void}}[] = []
  const index: GoIndex = {active: new Set(), files: [], frames: []}
  const reader = {...input, fieldSets, index, tagged}
  try {
    // First every file (in-module imports followed), so a config struct's tags and prefix are known wherever its fields are read.
    while (queue.length > 0 && out.files.length < MAX_FILES) {
      const dir = queue.shift()!
      if (seen.has(dir) || /(^|\/)(vendor|Godeps|testdata)(\/|$)/.test(dir)) continue
      seen.add(dir)
      for (const name of input.files.list(dir).filter((f) => isSource(f))) {
        const path = dir === '' ? name : `${dir}/${name}`
        const f = input.files.read(path)
        if (!f) continue
        // A file `go build` leaves out on linux/amd64 (`//go:build ignore`, `_windows.go`): not the binary's code.
        if (!builtOnLinux(name, f.text).built) continue
        out.files.push(path)
        try {
          // A file whose last line has no newline (`}` or `)` at EOF, as some editors save it) is valid Go: the scanner inserts
          // the semicolon at EOF too (go/scanner Scan: `case -1: if s.insertSemi … return … token.SEMICOLON, "\n"`), but
          // tree-sitter-go reports a type or var declaration there as an error. Parsed with the newline; no offset moves.
          const source = f.text.endsWith('\n') ? f.text : `${f.text}\n`
          const parser = await loadGrammar('go')
          let tree = parser.parse(source)
          if (!tree) continue
          // Go 1.26's new(expr), which tree-sitter-go 0.25 reads as a syntax error: read with those calls renamed (go-source.ts).
          if (tree.rootNode.hasError) {
            const renamed = withNewExpressions(source)
            const again = renamed === source ? null : parser.parse(renamed)
            if (again && !again.rootNode.hasError) {
              tree.delete()
              tree = again
            } else again?.delete()
          }

          const e = firstSyntaxError(tree)
          if (e) out.diagnostics.push({code: 'unparsable-config', file: path, line: e.line, message: `${path}:${e.line}: ${e.message}; conncalc reads the rest of the file`, severity: 'warning'})
          if (e) clean = false
          const file = new GoFile(path, reader)
          const nodes = walkedNodes(tree.rootNode)
          bindNames(nodes, file)
          for (const p of file.imports.values()) out.imports.add(p)
          collectTagged(nodes, path, tagged)
          collectPrefixes(nodes, file)
          collectFieldSets(nodes, file, fieldSets)
          read.push({file, nodes, root: tree.rootNode, tree})
          index.files.push({dir, file, root: tree.rootNode})
          // The module's own packages this file imports: their folders are read too.
          // The module root itself too (`qe "github.com/acme/app"` from cmd/app-web): its folder is ''.
          if (input.module) for (const p of file.imports.values()) if (p === input.module || p.startsWith(`${input.module}/`)) queue.push(p.slice(input.module.length + 1))
        } catch (error) {
          if (!isExhaustion(error)) throw error
          clean = false
          out.diagnostics.push({code: 'unparsable-config', file: path, line: 1, message: `${path} nests too deeply to read; conncalc reads nothing from it`, severity: 'warning'})
        }
      }
    }

    out.complete = clean && queue.every((d) => seen.has(d))

    // Package main declares main once: in two files of the binary's package (no build constraint between them) `go build`
    // stops with "main redeclared in this block", and no binary is built.
    for (const dir of input.dirs) {
      const mains = read.filter((r) => (r.file.path.includes('/') ? r.file.path.slice(0, r.file.path.lastIndexOf('/')) : '') === dir).flatMap((r) => r.root.namedChildren.filter((c) => c?.type === 'function_declaration' && c.childForFieldName('name')?.text === 'main').map((c) => ({file: r.file.path, line: c!.startPosition.row + 1})))
      if (mains.length > 1) {
        out.diagnostics.push({code: 'missing-config', file: mains[1].file, fix: 'give the other programs their own folder (cmd/NAME/main.go) or a `//go:build ignore` line, then `go build` makes one binary', line: mains[1].line, message: `func main is declared ${mains.length} times in package ${dir || '.'} (${mains.map((m) => `${m.file}:${m.line}`).join(', ')}): \`go build\` stops with "main redeclared in this block", so the binary is not built and the deploy fails; conncalc counts the package's code as if it built`, severity: 'warning'})
      }
    }

    for (const {file, nodes} of read) {
      try {
        collect(nodes, file, out)
      } catch (error) {
        if (!isExhaustion(error)) throw error
        out.diagnostics.push({code: 'unparsable-config', file: file.path, line: 1, message: `${file.path} nests too deeply to read; conncalc reads nothing from it`, severity: 'warning'})
      }
    }

    if (out.opened.filter((o) => o.fn).length > 1) openCallers(out, read, input.module)
  } finally {
    for (const r of read) r.tree.delete()
  }

  return out
}
