/**
 * node-config (the `config` package): `require('config')` is the merge of the files in
 * `config/` (NODE_CONFIG_DIR), later over earlier, as node-config loads them
 * (lib/config.js `loadFileConfigs`): `default`, `{NODE_ENV}`, `local`, `local-{NODE_ENV}`,
 * then `custom-environment-variables` maps env vars onto keys (a name, or
 * `{__name, __format: "number"|"json"}`), so a var with a value wins over every file.
 * NODE_ENV is production on Heroku (the Node buildpack sets it). Read: .json, .js, .cjs,
 * .ts (through the same evaluator as the app's code) and .yml/.yaml (the `yaml` package, as
 * node-config parses them with js-yaml; lib/util.js `parseFile` takes both extensions); the
 * other formats are named as not read. Values keep the file and line they were written at.
 */
import type {Env} from '../../model/env.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {EvalValue, KnownValue} from '../python/values.js'
import type {JsModule} from './js.js'

import {asString, entry, isDict} from '../python/evaluate.js'
import {NODE_CONFIG, requiredValue} from './js.js'
import {parseYaml} from '../../util/yaml.js'
import {append} from '../../util/arrays.js'

export const NODE_CONFIG_REF = 'https://github.com/node-config/node-config/wiki/Configuration-Files'
const READ = ['.json', '.js', '.cjs', '.ts', '.yml', '.yaml']
const NOT_READ = ['.json5', '.hjson', '.toml', '.properties', '.xml', '.coffee', '.cson']

export interface NodeConfigInput {
  diagnostics: Diagnostic[]
  env: Env
  exists: (path: string) => boolean
  load: (path: string) => Promise<JsModule | undefined>
  /** A config file's text (YAML files are read here, not through the JS evaluator). */
  read: (path: string) => string | undefined
}

/** A YAML config file as the values the evaluator works with, each at the line its key was written on. */
function yamlValue(text: string, file: string, diagnostics: Diagnostic[]): EvalValue | undefined {
  const doc = parseYaml(text, file)
  append(diagnostics, doc.diagnostics)
  if (doc.errors.length > 0) return undefined
  const walk = (v: unknown, path: (number | string)[]): EvalValue => {
    const line = (path.length > 0 ? doc.lineOf(path) : undefined) ?? 1
    const known = (value: KnownValue['value']): EvalValue => ({file, kind: 'known', line, value, via: []})
    if (Array.isArray(v)) return known({items: v.map((x, i) => walk(x, [...path, i])), kind: 'list'})
    if (typeof v === 'object' && v !== null) return known({entries: new Map(Object.entries(v).map(([k, x]) => [k, walk(x, [...path, k])])), kind: 'dict'})
    if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return known(v)
    return {file, kind: 'unknown', line, reason: 'a YAML value that is not a string, number, boolean, list or mapping'}
  }

  return doc.value === undefined ? undefined : walk(doc.value, [])
}

/** Deep merge as node-config's extendDeep: objects key by key, anything else replaced. */
function merge(a: EvalValue | undefined, b: EvalValue): EvalValue {
  if (!isDict(a) || !isDict(b)) return b
  const entries = new Map(a.value.entries)
  for (const [k, v] of b.value.entries) entries.set(k, merge(entries.get(k), v))
  return {...b, value: {entries, kind: 'dict'}}
}

/** The value an env var gives a key: a string, or parsed when `__format` says number/json. */
function fromEnv(env: Env, leaf: EvalValue, diagnostics: Diagnostic[]): EvalValue | undefined {
  const name = asString(leaf) ?? asString(entry(leaf, '__name'))
  if (name === undefined) return undefined
  const e = env.get(name)
  if (!e) return undefined
  // Set to a command's output conncalc does not run (`X=$(cmd)`): the key's value is unknown, not the file's.
  if (e.unknown) return {file: leaf.file, kind: 'unknown', line: leaf.line, reason: e.unknown}
  const format = asString(entry(leaf, '__format'))
  let value: boolean | number | string = e.value
  if (format === 'number' || format === 'json') {
    const n = Number(e.value)
    if (format === 'number' && Number.isNaN(n)) {
      diagnostics.push({code: 'unknown-config-value', file: leaf.file, line: leaf.line, message: `${name}=${JSON.stringify(e.value)} is not a number (custom-environment-variables __format "number")`, severity: 'warning'})
      return undefined
    }

    if (!Number.isNaN(n)) value = n
    else if (e.value === 'true' || e.value === 'false') value = e.value === 'true'
  }

  return {file: leaf.file, kind: 'known', line: leaf.line, value, via: [e.source]} satisfies KnownValue
}

/** custom-environment-variables: the keys whose env var has a value, as an object to merge last. */
function envOverrides(env: Env, map: EvalValue, diagnostics: Diagnostic[]): EvalValue | undefined {
  if (!isDict(map)) return fromEnv(env, map, diagnostics)
  if (map.value.entries.has('__name')) return fromEnv(env, map, diagnostics)
  const entries = new Map<string, EvalValue>()
  for (const [k, v] of map.value.entries) {
    const got = envOverrides(env, v, diagnostics)
    if (got) entries.set(k, got)
  }

  return entries.size > 0 ? {...map, value: {entries, kind: 'dict'}} : undefined
}

/** The module `require('config')` returns, or undefined when the app has no config/ files. */
export async function nodeConfigModule(input: NodeConfigInput): Promise<JsModule | undefined> {
  const {env, exists, load} = input
  const dir = (env.get('NODE_CONFIG_DIR')?.value ?? 'config').replace(/^\.\//, '').replace(/\/$/, '')
  const nodeEnv = env.get('NODE_ENV')?.value ?? 'production'
  const instance = env.get('NODE_APP_INSTANCE')?.value
  const stems = ['default', ...(instance ? [`default-${instance}`] : []), nodeEnv, ...(instance ? [`${nodeEnv}-${instance}`] : []), 'local', `local-${nodeEnv}`]
  let merged: EvalValue | undefined
  const read: string[] = []
  for (const stem of [...stems, 'custom-environment-variables']) {
    for (const ext of NOT_READ) {
      if (exists(`${dir}/${stem}${ext}`)) input.diagnostics.push({code: 'unknown-config-value', file: `${dir}/${stem}${ext}`, line: 1, message: `node-config reads ${dir}/${stem}${ext}; conncalc reads only .json, .js, .cjs, .ts and YAML config files, so the values in it are not seen`, severity: 'warning'})
    }

    for (const ext of READ) {
      const path = `${dir}/${stem}${ext}`
      if (!exists(path)) continue
      let value: EvalValue | undefined
      if (ext === '.yml' || ext === '.yaml') {
        const text = input.read(path)
        value = text === undefined ? undefined : yamlValue(text, path, input.diagnostics)
      } else {
        const m = await load(path)
        value = m?.parsed ? requiredValue(m) : undefined
      }

      // An empty file (YAML null) adds nothing: loadFileConfigs merges a file only `if (configObj)`
      // (https://github.com/node-config/node-config/blob/master/lib/config.js).
      if (!value || (value.kind === 'known' && !value.value)) continue
      read.push(path)
      if (stem === 'custom-environment-variables') {
        const over = envOverrides(env, value, input.diagnostics)
        if (over) merged = merge(merged, over)
      } else merged = merge(merged, value)
    }
  }

  if (read.length === 0) return undefined
  const config: EvalValue = isDict(merged) ? merged : {file: read[0], kind: 'known', line: 1, value: {entries: new Map(), kind: 'dict'}, via: []}
  NODE_CONFIG.add(config.value as object)
  return {calls: [], cjs: config, diagnostics: [], exports: new Map([['default', config]]), file: read[0], imports: [], names: new Map(), parsed: true}
}
