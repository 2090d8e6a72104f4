/**
 * spf13/viper, the Go config library most Go servers read their settings with: `viper.GetInt("database.max_open_conns")`
 * returns the first of (viper.go find()): a value given with `viper.Set`, a bound command-line flag, the env
 * (`AutomaticEnv()`: the prefix set with `SetEnvPrefix`, `_`, the key, upper-cased, through the `SetEnvKeyReplacer`; then
 * the names `BindEnv(key, NAME…)` gives, or the prefixed key for `BindEnv(key)`), the config file `ReadInConfig` found
 * (`SetConfigFile`, else `SetConfigName` (default "config") with a supported extension in each `AddConfigPath` folder),
 * a key/value store, and last `viper.SetDefault(key, value)`. Keys are case-insensitive.
 *
 * The app often wraps these (`func (k Key) setDefault(i interface{}) { viper.SetDefault(string(k), i) }`, called
 * `DatabaseMaxOpenConnections.setDefault(100)`): a Set, SetDefault or BindEnv inside a function or method whose key or
 * value comes from its receiver or parameters is read once per call of that wrapper in the code read.
 */
import type {Source} from '../../model/source.js'
import type {TsNode} from '../../util/tree-sitter.js'
import type {EvalValue} from '../python/values.js'
import type {GoFile} from './go-code.js'

import {assumed, fromDefault} from '../../model/source.js'
import {parseYaml} from '../../util/yaml.js'

// viper.go find(): "Set() override first", "PFlag override next", "Env override next" (automaticEnvApplied:
// getEnv(mergeWithEnvPrefix(key)); then the keys BindEnv bound), "Config file next", "K/V store next", "Default next".
// mergeWithEnvPrefix: strings.ToUpper(envPrefix + "_" + in); getEnv applies envKeyReplacer.Replace first.
const VIPER = 'https://github.com/spf13/viper/blob/master/viper.go'
const VIPER_PKG = 'github.com/spf13/viper'
// viper.go SupportedExts (the config file is SetConfigName plus one of these, in each AddConfigPath folder).
const EXTS = ['json', 'toml', 'yaml', 'yml', 'properties', 'props', 'prop', 'hcl', 'tfvars', 'dotenv', 'env', 'ini']

/** A viper call of the code read; made inside a wrapper, once per call of the wrapper (`via`: that call). */
interface Call {
  args: TsNode[]
  file: GoFile
  node: TsNode
  via?: {call: TsNode; decl: {file: GoFile; node: TsNode}; file: GoFile}
}

interface Setup {
  calls: Map<string, Call[]>
  /** Evaluated keys per call (lower-cased), so each wrapper call is evaluated once. */
  keys: Map<Call, string | undefined>
}

const line = (n: TsNode): number => n.startPosition.row + 1

/** An argument of the call, read in the wrapper call's frame when there is one. */
function arg(c: Call, i: number): EvalValue | undefined {
  const a = c.args[i]
  if (!a) return undefined
  const read = (): EvalValue | undefined => c.file.evaluate(a)
  return c.via ? c.via.file.withCall(c.via.decl, c.via.call, c.via.file, read) : read()
}

const where = (c: Call): {file: string; line: number} => (c.via ? {file: c.via.file.path, line: line(c.via.call)} : {file: c.file.path, line: line(c.node)})

/** The function or method a node is inside, with its receiver's and parameters' names. */
function enclosing(n: TsNode): undefined | {node: TsNode; params: string[]} {
  let fn: TsNode | null = n.parent
  while (fn && fn.type !== 'function_declaration' && fn.type !== 'method_declaration') fn = fn.parent
  if (!fn) return undefined
  const ids = (list: TsNode | null): string[] => (list?.namedChildren ?? []).flatMap((p) => (p ? p.childrenForFieldName('name').map((id) => id?.text ?? '') : []))
  return {node: fn, params: [...ids(fn.childForFieldName('receiver')), ...ids(fn.childForFieldName('parameters'))].filter((x) => x !== '' && x !== '_')}
}

const uses = (n: TsNode, names: string[]): boolean => (n.type === 'identifier' && names.includes(n.text)) || n.namedChildren.some((c) => c !== null && uses(c, names))

/** Every viper call of the code read, wrappers expanded (one level). */
function gather(file: GoFile): Setup {
  const {index, module} = file.context
  const calls = new Map<string, Call[]>()
  const put = (name: string, c: Call): void => {
    calls.set(name, [...(calls.get(name) ?? []), c])
  }

  for (const {dir, file: f, root} of index) {
    if (!root.text.includes('viper')) continue
    for (const n of root.descendantsOfType('call_expression')) {
      const q = n ? f.qualified(n.childForFieldName('function')) : undefined
      if (!n || !q?.startsWith(`${VIPER_PKG}.`)) continue
      const name = q.slice(VIPER_PKG.length + 1)
      const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is TsNode => a !== null)
      const fn = enclosing(n)
      if (!fn || !args.some((a) => uses(a, fn.params))) {
        put(name, {args, file: f, node: n})
        continue
      }

      // A wrapper: its calls in the code read (a method by name on any operand that is not a package; a function by name
      // in its own package, or qualified by its package's path elsewhere).
      const declName = fn.node.childForFieldName('name')?.text
      if (!declName) continue
      const pkg = module === undefined ? undefined : dir === '' ? module : `${module}/${dir}`
      for (const {dir: d2, file: f2, root: r2} of index) {
        if (!r2.text.includes(declName)) continue
        for (const c of r2.descendantsOfType('call_expression')) {
          const callee = c?.childForFieldName('function')
          if (!c || !callee) continue
          const method = fn.node.type === 'method_declaration' && callee.type === 'selector_expression' && callee.childForFieldName('field')?.text === declName && f2.qualified(callee) === undefined
          const func = fn.node.type === 'function_declaration' && ((callee.type === 'identifier' && callee.text === declName && d2 === dir) || (pkg !== undefined && f2.qualified(callee) === `${pkg}.${declName}`))
          if (method || func) put(name, {args, file: f, node: n, via: {call: c, decl: {file: f, node: fn.node}, file: f2}})
        }
      }
    }
  }

  return {calls, keys: new Map()}
}

function keyOf(setup: Setup, c: Call): string | undefined {
  if (!setup.keys.has(c)) {
    const k = arg(c, 0)
    setup.keys.set(c, k?.kind === 'known' && typeof k.value === 'string' ? k.value.toLowerCase() : undefined)
  }

  return setup.keys.get(c)
}

/** A string argument's value, when it is one. */
const text = (v: EvalValue | undefined): string | undefined => (v?.kind === 'known' && typeof v.value === 'string' ? v.value : undefined)

/** The env var names viper looks up for a key, in its order. */
function envNames(setup: Setup, key: string): string[] {
  const prefixes = (setup.calls.get('SetEnvPrefix') ?? []).map((c) => text(arg(c, 0))).filter((p) => p !== undefined && p !== '')
  const prefix = prefixes.at(-1)
  // strings.NewReplacer(old, new, …) given to SetEnvKeyReplacer.
  const pairs: [string, string][] = []
  for (const c of setup.calls.get('SetEnvKeyReplacer') ?? []) {
    const r = c.args[0]
    if (r?.type !== 'call_expression' || c.file.qualified(r.childForFieldName('function')) !== 'strings.NewReplacer') continue
    const parts = (r.childForFieldName('arguments')?.namedChildren ?? []).map((a) => text(a ? c.file.evaluate(a) : undefined))
    for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i] !== undefined && parts[i + 1] !== undefined) pairs.push([parts[i]!, parts[i + 1]!])
  }

  const replace = (s: string): string => {
    // strings.Replacer: at each position, the first pair (in argument order) whose old string matches.
    let out = ''
    for (let i = 0; i < s.length; ) {
      const hit = pairs.find(([o]) => o !== '' && s.startsWith(o, i))
      if (hit) {
        out += hit[1]
        i += hit[0].length
      } else out += s[i++]
    }

    return out
  }

  const merge = (k: string): string => (prefix ? `${prefix}_${k}` : k).toUpperCase()
  const names: string[] = []
  if ((setup.calls.get('AutomaticEnv') ?? []).length > 0) names.push(replace(merge(key)))
  for (const c of setup.calls.get('BindEnv') ?? []) {
    if (keyOf(setup, c) !== key) continue
    if (c.args.length === 1) names.push(replace(merge(key)))
    for (let i = 1; i < c.args.length; i++) {
      const n = text(arg(c, i))
      if (n) names.push(replace(n))
    }
  }

  return [...new Set(names)]
}

/** The key's value in a YAML/JSON config document: nested maps, keys compared without case (viper lower-cases them). */
function lookup(doc: unknown, key: string): {path: string[]; value: unknown} | undefined {
  let at: unknown = doc
  const path: string[] = []
  for (const part of key.split('.')) {
    if (!at || typeof at !== 'object' || Array.isArray(at)) return undefined
    const k = Object.keys(at).find((x) => x.toLowerCase() === part)
    if (k === undefined) return undefined
    path.push(k)
    at = (at as Record<string, unknown>)[k]
  }

  return {path, value: at}
}

/** The config file ReadInConfig reads, among the app's files; and the folders it searches outside the app. */
function configFiles(file: GoFile, setup: Setup): {elsewhere: string[]; found: string[]; unread: string[]} {
  const {files} = file.context
  const reads = ['ReadInConfig', 'MergeInConfig'].some((n) => (setup.calls.get(n) ?? []).length > 0)
  if (!reads) return {elsewhere: [], found: [], unread: []}
  const rel = (p: string): string | undefined => (/^[/$~]/.test(p) ? undefined : p.replace(/^\.\/?/, '').replace(/\/+$/, ''))
  const set = (setup.calls.get('SetConfigFile') ?? []).map((c) => ({c, v: text(arg(c, 0))}))
  if (set.length > 0) {
    const named = set.filter((s) => s.v !== undefined).map((s) => s.v!)
    const inApp = named.map((p) => rel(p)).filter((p): p is string => p !== undefined && files.exists(p))
    return {elsewhere: named.filter((p) => rel(p) === undefined), found: inApp, unread: set.filter((s) => s.v === undefined).map((s) => `${s.c.file.path}:${line(s.c.node)}`)}
  }

  const name = (setup.calls.get('SetConfigName') ?? []).map((c) => text(arg(c, 0))).findLast((x) => x !== undefined) ?? 'config'
  const dirs = (setup.calls.get('AddConfigPath') ?? []).map((c) => ({c, v: text(arg(c, 0))}))
  const found: string[] = []
  for (const d of dirs) {
    const r = d.v === undefined ? undefined : rel(d.v)
    if (r === undefined) continue
    for (const ext of EXTS) {
      const p = r === '' ? `${name}.${ext}` : `${r}/${name}.${ext}`
      if (files.exists(p)) {
        found.push(p)
        break
      }
    }
  }

  return {
    elsewhere: dirs.filter((d) => d.v !== undefined && rel(d.v) === undefined).map((d) => `${d.v!.replace(/\/+$/, '')}/${name}.*`),
    found: found.slice(0, 1),
    unread: dirs.filter((d) => d.v === undefined).map((d) => `${d.c.file.path}:${line(d.c.node)}`),
  }
}

function asValue(raw: unknown, numeric: boolean): boolean | number | string | undefined {
  if (typeof raw === 'number' || typeof raw === 'boolean') return raw
  if (typeof raw === 'string') return numeric && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw
  return undefined
}

/**
 * viper's value for `key` as `viper.Get…` returns it (`at`: the call, in `file`). Known from the env, the app's config file or
 * its SetDefault; unknown, said why, when a Set or something conncalc cannot read decides it.
 */
export function viperValue(file: GoFile, at: TsNode, key: string, numeric: boolean): EvalValue {
  const ctx = file.context
  const holder = ctx.viper as (undefined | {viper?: unknown})
  const setup = (holder?.viper as Setup | undefined) ?? gather(file)
  if (holder) holder.viper = setup
  const lkey = key.toLowerCase()
  const unknown = (reason: string, missing: string[] = []): EvalValue => ({file: file.path, kind: 'unknown', line: line(at), reason, ...(missing.length > 0 ? {missingEnv: missing.map((name) => ({file: file.path, line: line(at), name}))} : {})})
  const sets = (setup.calls.get('Set') ?? []).filter((c) => keyOf(setup, c) === lkey)
  if (sets.length > 0) return unknown(`viper.Set("${key}", …) at ${sets.map((c) => `${where(c).file}:${where(c).line}`).join(', ')} overrides every other source, in code conncalc does not follow`)
  const flags = (setup.calls.get('BindPFlag') ?? []).filter((c) => keyOf(setup, c) === lkey)
  const names = envNames(setup, lkey)
  for (const name of names) {
    const e = ctx.env.get(name)
    // getEnv: an empty value counts as unset (AllowEmptyEnv off).
    if (!e || e.value === '') continue
    const v = asValue(e.value, numeric)
    return {file: file.path, kind: 'known', line: line(at), value: v ?? e.value, via: [e.source, fromDefault(`viper reads "${key}" from ${name} (${names.length > 1 ? `the first set of ${names.join(', ')}` : 'AutomaticEnv/BindEnv'})`, VIPER)]}
  }

  const config = configFiles(file, setup)
  for (const path of config.found) {
    const source = ctx.files.read(path)
    if (!source) return unknown(`viper reads ${path}, which cannot be read`)
    if (!/\.(ya?ml|json)$/.test(path)) return unknown(`viper reads the config file ${path}, whose format conncalc does not read; "${key}" may be set there`)
    const parsed = parseYaml(source.text, path)
    if (parsed.errors.length > 0) return unknown(`${path} (viper's config file) does not parse: ${parsed.errors[0].message}`)
    const found = lookup(parsed.value, lkey)
    if (found) {
      const v = asValue(found.value, numeric)
      if (v === undefined) return unknown(`"${key}" in ${path} is not a plain value`)
      return {file: path, kind: 'known', line: parsed.lineOf(found.path) ?? 1, value: v, via: [fromDefault(`viper reads "${key}" from its config file ${path} (no env var ${names.join(', ') || 'bound'} is set)`, VIPER)]}
    }
  }

  const defaults = (setup.calls.get('SetDefault') ?? []).filter((c) => keyOf(setup, c) === lkey).map((c) => ({c, v: arg(c, 1)}))
  const notes: Source[] = []
  if (flags.length > 0) notes.push(assumed(`"${key}" is bound to a command-line flag (${flags.map((c) => `${where(c).file}:${where(c).line}`).join(', ')}); the command is read as not passing it`))
  if (config.unread.length > 0) notes.push(assumed(`viper also looks for its config file where ${config.unread.join(', ')} says, which conncalc cannot read; a file there could set "${key}"`))
  if (config.elsewhere.length > 0) notes.push(fromDefault(`viper also reads ${config.elsewhere.join(', ')} outside the app: a file the deploy puts there would set "${key}"`, VIPER))
  if (defaults.length === 0) return unknown(`no viper.SetDefault, env var${names.length > 0 ? ` (${names.join(', ')})` : ''} or config file in the app gives "${key}"; viper returns the zero value`, names)
  const values = defaults.map((d) => ({...d, x: d.v?.kind === 'known' ? asValue(d.v.value, numeric) : undefined}))
  const distinct = new Set(values.map((v) => v.x))
  if (values.some((v) => v.x === undefined) || distinct.size > 1) {
    const list = values.map((v) => `${where(v.c).file}:${where(v.c).line}${v.x === undefined ? '' : ` (${String(v.x)})`}`).join(', ')
    return unknown(`viper.SetDefault("${key}", …) is called at ${list}; ${values.some((v) => v.x === undefined) ? 'a value there is not one conncalc can read' : 'which runs last is not known'}`)
  }

  const d = values[0]
  const w = where(d.c)
  const missing = names.map((name) => ({...w, name}))
  return {
    file: w.file,
    kind: 'known',
    line: w.line,
    ...(missing.length > 0 ? {missingEnv: missing} : {}),
    value: d.x!,
    via: [...(d.v?.kind === 'known' ? d.v.via : []), fromDefault(`viper.SetDefault: "${key}" takes this default when no viper.Set, env var${names.length > 0 ? ` (${names.join(', ')})` : ''} or config file${config.found.length > 0 ? ` (${config.found.join(', ')} has no such key)` : ' in the app'} gives it`, VIPER), ...notes],
  }
}
