/**
 * What a .NET app's own C# says about its database connections, read with
 * tree-sitter-c-sharp (never run): which connection strings it reads
 * (`GetConnectionString("X")`, `Configuration["ConnectionStrings:X"]`),
 * whether it builds one from Heroku's DATABASE_URL, the pool settings it sets
 * (`MaxPoolSize = 20` on an `NpgsqlConnectionStringBuilder`, or
 * `Maximum Pool Size=20` inside a string it builds), and EF Core's
 * `AddDbContextPool`. A setting the evaluator cannot read is unknown, with
 * its line; the rest of the file is still read.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Env} from '../../model/env.js'
import type {FileReader} from '../../model/files.js'

import {entrySources, type EnvEntry} from '../../model/env.js'
import {fromFile, type Source} from '../../model/source.js'
import {isExhaustion, TOO_DEEP} from '../../util/exhaustion.js'
import {firstSyntaxError, loadGrammar, type TsNode} from '../../util/tree-sitter.js'
import {parseConnectionString, type PoolSetting, poolSetting} from './connection-string.js'

export interface CodeSetting {
  file: string
  line: number
  setting: PoolSetting
  /** What the code says, as written ("MaxPoolSize = 20"). */
  text: string
  /** Known value, or a reason it is not. */
  value: {known: true; value: boolean | number; via: Source[]} | {known: false; reason: string}
}

export interface CsharpFacts {
  /** Connection string names the code reads, with the first place each is read. */
  connectionStrings: Map<string, {file: string; line: number}>
  /** Where the code reads DATABASE_URL (to turn Heroku's URL into a connection string). */
  databaseUrl?: {file: string; line: number}
  /** `AddDbContextPool` / `AddPooledDbContextFactory`. */
  contextPool?: {file: string; line: number; method: string}
  /** Calls that create Npgsql connections: UseNpgsql, NpgsqlDataSource, AddNpgsqlDataSource, new NpgsqlConnection. */
  npgsql?: {file: string; line: number}
  settings: CodeSetting[]
  diagnostics: Diagnostic[]
  files: string[]
}

/** At most this many .cs files are read per project (Program.cs, Startup.cs and their neighbours). */
export const MAX_CS_FILES = 40

const HOLE = '\u0000'

type Value = {kind: 'bool'; value: boolean; via: Source[]} | {kind: 'int'; value: number; via: Source[]} | {kind: 'string'; value: string; via: Source[]} | {kind: 'unknown'; reason: string}

const unknown = (reason: string): Value => ({kind: 'unknown', reason})

const ESCAPES: Record<string, string> = {'"': '"', "'": "'", '0': '\0', '\\': '\\', n: '\n', r: '\r', t: '\t'}
const unescape = (e: string): string => ESCAPES[e.slice(1)] ?? e

/** The literal text of a string expression; interpolations become HOLE. Undefined for other nodes. */
function stringText(n: TsNode): string | undefined {
  switch (n.type) {
    case 'string_literal': {
      return n.namedChildren.map((c) => (c?.type === 'escape_sequence' ? unescape(c.text) : (c?.text ?? ''))).join('')
    }

    case 'verbatim_string_literal': {
      return n.text.slice(2, -1).replaceAll('""', '"')
    }

    case 'raw_string_literal': {
      return n.namedChildren.filter((c) => c?.type === 'raw_string_content').map((c) => c!.text).join('')
    }

    case 'interpolated_string_expression': {
      return n.namedChildren.map((c) => (c?.type === 'interpolation' ? HOLE : c?.type === 'string_content' || c?.type === 'escape_sequence' ? c.text : '')).join('')
    }

    default: {
      return undefined
    }
  }
}

/** The name a call or member access ends in: `builder.Configuration.GetConnectionString` → GetConnectionString. */
function lastName(n: TsNode | null): string | undefined {
  if (!n) return undefined
  if (n.type === 'identifier') return n.text
  if (n.type === 'generic_name') return n.namedChildren[0]?.text
  if (n.type === 'member_access_expression') return lastName(n.childForFieldName('name'))
  return undefined
}

const args = (call: TsNode): TsNode[] =>
  (call.childForFieldName('arguments')?.namedChildren ?? []).flatMap((a) => (a?.type === 'argument' && a.namedChildren.at(-1) ? [a.namedChildren.at(-1)!] : []))

class Evaluator {
  constructor(
    private readonly env: Env,
    private readonly file: string,
  ) {}

  private envValue(name: string): Value {
    const e: EnvEntry | undefined = this.env.get(name)
    return e ? {kind: 'string', value: e.value, via: entrySources(e)} : unknown(`${name} is not set anywhere`)
  }

  /** Integer, bool and string expressions real configs use; anything else is unknown. */
  eval(n: TsNode | null, depth = 0): Value {
    if (!n) return unknown('nothing to read')
    if (depth > 50) return unknown(TOO_DEEP)
    const at = fromFile(this.file, n.startPosition.row + 1)
    switch (n.type) {
      case 'integer_literal': {
        const v = Number.parseInt(n.text.replaceAll('_', '').replace(/[uUlL]+$/, ''), 10)
        return Number.isSafeInteger(v) && /^\d/.test(n.text) && !/^0[xXbB]/.test(n.text) ? {kind: 'int', value: v, via: []} : unknown(`\`${n.text}\` is not a decimal integer`)
      }

      case 'boolean_literal': {
        return {kind: 'bool', value: n.text === 'true', via: []}
      }

      case 'parenthesized_expression': {
        return this.eval(n.namedChildren[0], depth + 1)
      }

      case 'binary_expression': {
        const op = n.childForFieldName('operator')?.text
        if (op !== '??') break
        const left = this.eval(n.childForFieldName('left'), depth + 1)
        if (left.kind !== 'unknown' || !/is not set anywhere$/.test(left.reason)) return left
        const right = this.eval(n.childForFieldName('right'), depth + 1)
        // `Environment.GetEnvironmentVariable("X") ?? "8"` with X required by app.json and given no value: the deployer sets X.
        const name = /^(\w+) is not set anywhere$/.exec(left.reason)?.[1]
        const deployer = name ? this.env.deployerSets(name) : undefined
        return deployer && right.kind !== 'unknown' ? {...right, via: [...right.via, deployer]} : right
      }

      case 'invocation_expression': {
        const name = lastName(n.childForFieldName('function'))
        const a = args(n)
        if (name === 'GetEnvironmentVariable' && a.length === 1) {
          const key = stringText(a[0])
          return key && !key.includes(HOLE) ? this.envValue(key) : unknown('the variable name is computed')
        }

        if ((name === 'Parse' || name === 'ToInt32') && a.length === 1) {
          const v = this.eval(a[0], depth + 1)
          if (v.kind === 'string' && /^\s*\d+\s*$/.test(v.value)) return {kind: 'int', value: Number(v.value), via: [...v.via, at]}
          if (v.kind === 'int') return v
          return v.kind === 'unknown' ? v : unknown(`${JSON.stringify(v.value)} is not an integer`)
        }

        break
      }

      default: {
        const s = stringText(n)
        if (s !== undefined) return s.includes(HOLE) ? unknown('the string is built at run time') : {kind: 'string', value: s, via: []}
      }
    }

    return unknown(`\`${n.text.length > 60 ? `${n.text.slice(0, 60)}…` : n.text}\` is computed at run time`)
  }
}

function settingFrom(setting: PoolSetting, v: Value, file: string, line: number, text: string): CodeSetting {
  const want = setting === 'pooling' ? 'bool' : 'int'
  // The setting's own line is its source; only other lines and env vars are worth naming again.
  const own = (src: Source): boolean => src.kind === 'file' && src.file === file && src.line === line
  if (v.kind !== 'unknown') v = {...v, via: v.via.filter((x) => !own(x))} as Value
  if (v.kind === want) return {file, line, setting, text, value: {known: true, value: v.value, via: v.via}}
  if (v.kind === 'string' && want === 'int' && /^\s*\d+\s*$/.test(v.value)) return {file, line, setting, text, value: {known: true, value: Number(v.value), via: v.via}}
  if (v.kind === 'string' && want === 'bool' && /^\s*(true|false)\s*$/i.test(v.value)) return {file, line, setting, text, value: {known: true, value: /true/i.test(v.value), via: v.via}}
  return {file, line, setting, text, value: {known: false, reason: v.kind === 'unknown' ? v.reason : `${JSON.stringify(v.value)} is not ${want === 'int' ? 'an integer' : 'true or false'}`}}
}

const CONTEXT_POOL = new Set(['AddDbContextPool', 'AddPooledDbContextFactory'])
const NPGSQL_CALLS = new Set(['UseNpgsql', 'AddNpgsqlDataSource', 'AddNpgsqlDbContext', 'AddNpgsql', 'AddNpgsqlSlimDataSource'])

/** Read the facts from one parsed file into `facts`. */
function collect(root: TsNode, file: string, env: Env, facts: CsharpFacts): void {
  const ev = new Evaluator(env, file)
  const line = (n: TsNode): number => n.startPosition.row + 1
  const stack: TsNode[] = [root]
  while (stack.length > 0) {
    const n = stack.pop()!
    for (let i = n.namedChildCount - 1; i >= 0; i--) {
      const c = n.namedChild(i)
      if (c) stack.push(c)
    }

    switch (n.type) {
      case 'invocation_expression': {
        const name = lastName(n.childForFieldName('function'))
        const a = args(n)
        const first = a[0] ? stringText(a[0]) : undefined
        if (name === 'GetConnectionString' && first !== undefined && !first.includes(HOLE)) {
          if (!facts.connectionStrings.has(first)) facts.connectionStrings.set(first, {file, line: line(n)})
        } else if (name === 'GetEnvironmentVariable' && first === 'DATABASE_URL') facts.databaseUrl ??= {file, line: line(n)}
        else if (name && CONTEXT_POOL.has(name)) facts.contextPool ??= {file, line: line(n), method: name}
        else if (name && NPGSQL_CALLS.has(name)) facts.npgsql ??= {file, line: line(n)}
        else if (name === 'Create' && lastName(n.childForFieldName('function')?.childForFieldName('expression') ?? null) === 'NpgsqlDataSource') facts.npgsql ??= {file, line: line(n)}
        break
      }

      case 'element_access_expression': {
        // Configuration["ConnectionStrings:X"], Configuration["DATABASE_URL"]
        const sub = n.childForFieldName('subscript')?.namedChildren[0]?.namedChildren.at(-1)
        const key = sub ? stringText(sub) : undefined
        if (!key || key.includes(HOLE)) break
        const m = /^ConnectionStrings:(.+)$/i.exec(key)
        if (m && !facts.connectionStrings.has(m[1])) facts.connectionStrings.set(m[1], {file, line: line(n)})
        if (key === 'DATABASE_URL') facts.databaseUrl ??= {file, line: line(n)}
        break
      }

      case 'object_creation_expression': {
        const type = lastName(n.childForFieldName('type'))
        if (type === 'NpgsqlConnection' || type === 'NpgsqlDataSourceBuilder') facts.npgsql ??= {file, line: line(n)}
        break
      }

      case 'assignment_expression': {
        // `MaxPoolSize = 20` in an initializer, `builder.MaxPoolSize = 20`, `csb["Maximum Pool Size"] = 20`.
        const left = n.childForFieldName('left')
        if (!left) break
        let key = lastName(left)
        if (left.type === 'element_access_expression') {
          const sub = left.childForFieldName('subscript')?.namedChildren[0]?.namedChildren.at(-1)
          key = sub ? stringText(sub) : undefined
        }

        const setting = key ? poolSetting(key) : undefined
        if (setting) facts.settings.push(settingFrom(setting, ev.eval(n.childForFieldName('right')), file, line(n), n.text.split('\n')[0]))
        break
      }

      default: {
        const s = stringText(n)
        if (s === undefined || !s.includes('=')) break
        for (const p of parseConnectionString(s, HOLE)) {
          const setting = poolSetting(p.key)
          if (!setting) continue
          const v: Value = p.value === undefined ? unknown(`${p.key}= is filled in at run time`) : {kind: 'string', value: p.value, via: []}
          facts.settings.push(settingFrom(setting, v, file, line(n), `${p.key}=${p.value ?? '{…}'}`))
        }
      }
    }
  }
}

/** Read the project's own C# files (its folder's *.cs; a file-based app is its one file). */
export async function readCsharp(files: FileReader, paths: string[], env: Env): Promise<CsharpFacts> {
  const facts: CsharpFacts = {connectionStrings: new Map(), diagnostics: [], files: [], settings: []}
  for (const path of paths.slice(0, MAX_CS_FILES)) {
    const f = files.read(path)
    if (!f) continue
    facts.files.push(path)
    try {
      const tree = (await loadGrammar('c-sharp')).parse(f.text)
      if (!tree) continue
      const e = firstSyntaxError(tree)
      if (e) facts.diagnostics.push({code: 'unparsable-config', file: path, line: e.line, message: `${path}:${e.line}: ${e.message}; conncalc reads the rest of the file`, severity: 'warning'})
      collect(tree.rootNode, path, env, facts)
      tree.delete()
    } catch (error) {
      if (!isExhaustion(error)) throw error
      facts.diagnostics.push({code: 'unparsable-config', file: path, message: `${path} is ${TOO_DEEP}`, severity: 'warning'})
    }
  }

  if (paths.length > MAX_CS_FILES) {
    facts.diagnostics.push({code: 'unknown-config-value', file: paths[MAX_CS_FILES], message: `only the first ${MAX_CS_FILES} of ${paths.length} C# files were read; a pool setting in the others is not seen`, severity: 'info'})
  }

  return facts
}
