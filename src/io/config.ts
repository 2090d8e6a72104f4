import {existsSync, lstatSync, realpathSync} from 'node:fs'
import {dirname, isAbsolute, join, relative, resolve, sep} from 'node:path'

import {type ConncalcConfig, configSchema} from '../model/config.js'
import {InputError} from '../util/errors.js'
import {relativePath} from '../util/relative-path.js'
import {escapeControls} from '../util/control-characters.js'
import {closest, didYouMean} from '../util/did-you-mean.js'
import {parseYaml, type YamlError} from '../util/yaml.js'
import {missingOrEmpty} from '../util/schema-words.js'
import {readTextFile, whyNotText} from './files.js'

/** File names looked for in the app root, in this order; then package.json's `conncalc` key. */
export const CONFIG_FILES = ['conncalc.yml', '.conncalc.yml'] as const

export interface ConfigLocation {
  /** Absolute path. */
  path: string
  /** Where the settings sit inside the file: [] for YAML, ['conncalc'] for package.json. */
  prefix: string[]
}

export interface LoadedConfig {
  data: ConncalcConfig
  /** Absolute folder of the file: relative paths in it start here. */
  dir: string
  /** The path as shown to the user (relative to the working directory). */
  display: string
  /** 1-based line of a key (`['apps', 1, 'scale', 'web']`), for sources and errors. */
  lineOf(path: ReadonlyArray<number | string>): number
}

/**
 * A path as shown to the user (titles, the SVG, messages): relative to the working
 * folder, as they would type it — `../my-app/Procfile` too — so a CI log or a
 * committed chart shows no home folder or runner path. A file more than one
 * folder up (or on another drive) stays absolute, which reads better there.
 */
export const displayPath = (abs: string): string => {
  const rel = relativePath(process.cwd(), abs).replaceAll('\\', '/')
  if (rel === '') return abs
  let up = 0 // the ../ it starts with
  while (`${rel}/`.startsWith('../', up * 3)) up++
  return isAbsolute(rel) || up > 1 ? abs : rel
}

/**
 * The config file of the app whose root is `dir`: conncalc.yml, .conncalc.yml,
 * or a package.json with a `conncalc` key. Only existence checks and (for
 * package.json) a JSON.parse: zod loads only when one exists.
 */
export function findConfig(dir: string): ConfigLocation | null {
  for (const name of CONFIG_FILES) {
    const path = join(dir, name)
    // lstat, not exists: a conncalc.yml that is a link to nothing (or a loop) is the user's config
    // file all the same, and reading it says why it cannot be read; exists() would skip it silently.
    if (existsSync(path) || isLink(path)) return {path, prefix: []}
  }

  const pkg = join(dir, 'package.json')
  if (!existsSync(pkg)) return null
  // readTextFile: a package.json that is a FIFO or device is never opened (it could block).
  const file = readTextFile(pkg)
  if (file.kind !== 'text') return null
  try {
    const data = JSON.parse(file.text) as unknown
    if (typeof data === 'object' && data !== null && 'conncalc' in data) return {path: pkg, prefix: ['conncalc']}
  } catch {
    // A broken package.json is not ours to report; other tools will.
  }

  return null
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink()
  } catch {
    return false
  }
}

/** `--config PATH`: the file must exist; a package.json must have a `conncalc` key. */
export function locateConfigFlag(path: string): ConfigLocation {
  const abs = resolve(path)
  if (!existsSync(abs)) throw new InputError(`config file not found: ${path}`, 'pass --config PATH to a conncalc.yml, or leave it out to use the one in the app root')
  return {path: abs, prefix: /(^|[\\/])package\.json$/.test(abs) ? ['conncalc'] : []}
}

/** Read, parse and validate a config file. Every problem is an InputError (exit 2) naming the file, line and key. */
export async function loadConfig(location: ConfigLocation): Promise<LoadedConfig> {
  const display = displayPath(location.path)
  const file = readTextFile(location.path)
  if (file.kind !== 'text') {
    const why = file.kind !== 'missing' ? whyNotText(file) : isLink(location.path) ? 'a symbolic link to a file that is not there' : 'missing'
    throw new InputError(`cannot read config file ${display} (${why})`)
  }

  // JSON is YAML: one parser gives lines for package.json too.
  const parsed = parseYaml(file.text, display)
  if (parsed.errors.length > 0) throw syntaxError(display, location.prefix.length > 0 ? 'JSON' : 'YAML', parsed.errors)

  // YAML keeps the last of two equal keys without a word: in the file conncalc owns, say which.
  const twice = parsed.duplicateKeys(location.prefix)[0]
  if (twice) {
    throw new InputError(
      `config file ${display}:${twice.line}: ${escapeControls(twice.key)} is set again (first on line ${twice.first})`,
      'keep one of the two; conncalc does not guess which one you meant',
    )
  }

  let data: unknown = parsed.value
  for (const key of location.prefix) data = (data as Record<string, unknown>)?.[key]
  if (data === null || data === undefined) data = {}

  const lineOf = (path: ReadonlyArray<number | string>): number => {
    const full = [...location.prefix, ...path]
    for (let n = full.length; n > 0; n--) {
      const line = parsed.lineOf(full.slice(0, n))
      if (line !== undefined) return line
    }

    return 1
  }

  // configSchema() imports zod: only now that a config file exists.
  const result = (await configSchema()).safeParse(data)
  if (!result.success) {
    // Every problem of the file at once, in the order of its lines.
    const found = result.error.issues
      .flatMap((issue) => describeIssue(issue, location.prefix, data))
      .map((p) => ({...p, line: lineOf(p.path)}))
      .sort((a, b) => a.line - b.line)
    const shown = found.map(({line, message}) => `  ${escapeControls(display)}:${line}: ${escapeControls(message)}`)
    throw new InputError(`invalid config file ${display}:`, 'conncalc does not run on a config file it cannot use; conncalc schema prints its JSON Schema', shown)
  }

  return {data: result.data as ConncalcConfig, dir: dirname(location.path), display, lineOf}
}

interface Issue {
  code: string
  errors?: Issue[][]
  expected?: unknown
  issues?: Issue[]
  keys?: string[]
  message: string
  path: PropertyKey[]
  values?: unknown[]
}

const KNOWN_KEYS: Record<string, string[]> = {
  app: ['assumptions', 'dockerTarget', 'env', 'envFiles', 'name', 'platform', 'preboot', 'procfile', 'railsEnv', 'scale'],
  assumption: ['pgbouncer', 'pool', 'processes', 'threads'],
  pgbouncer: ['poolSize', 'reservePoolSize'],
  root: ['$schema', 'apps', 'assumptions', 'dockerTarget', 'env', 'envFiles', 'failOn', 'limit', 'plan', 'plansFile', 'platform', 'preboot', 'procfile', 'railsEnv', 'reserve', 'scale', 'warnAt'],
}

function keysAt(path: PropertyKey[]): string[] {
  const last = path.at(-1)
  if (path.length === 0) return KNOWN_KEYS.root
  if (last === 'pgbouncer') return KNOWN_KEYS.pgbouncer
  if (path.at(-2) === 'assumptions') return KNOWN_KEYS.assumption
  if (path.at(-2) === 'apps') return KNOWN_KEYS.app
  return []
}

/** `apps[1].scale.web` */
export function keyPath(path: ReadonlyArray<PropertyKey>, prefix: string[] = []): string {
  return [...prefix, ...path].map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') || '(top level)'
}

/**
 * A file that does not parse: every syntax error the parser found, each at
 * file:line:col with the parser's own reason. conncalc stops (exit 2) rather
 * than run with the file's settings left out.
 */
export function syntaxError(
  display: string,
  language: string,
  errors: YamlError[],
  what = 'config file',
  hint = 'fix the file (conncalc does not run without the settings it holds), or pass --config with another one',
): InputError {
  const at = (e: YamlError) => `${display}:${e.line}:${e.col}`
  if (errors.length === 1) return new InputError(`${at(errors[0])}: ${what} is not valid ${language}: ${errors[0].message}`, hint)
  return new InputError(`${what} ${display} is not valid ${language} (${errors.length} errors):`, hint, errors.map((e) => `  ${at(e)}: ${e.message}`))
}

function describeIssue(issue: Issue, prefix: string[], data: unknown): {message: string; path: (number | string)[]}[] {
  const path = issue.path.filter((p): p is number | string => typeof p !== 'symbol')
  if (issue.code === 'unrecognized_keys') {
    return (issue.keys ?? []).map((key) => {
      const known = keysAt(path)
      // warn-at and warn_at are warnAt: the keys are camelCase.
      const near = didYouMean(closest(key.replaceAll(/[-_]/g, ''), known, {limit: 1}))
      const hint = near ? `; ${near}` : known.length > 0 ? `; known keys: ${known.join(', ')}` : ''
      return {message: `${keyPath([...path, key], prefix)}: unknown key${hint}`, path: [...path, key]}
    })
  }

  const value = valueAt(data, path)
  let message = missingOrEmpty(issue, value, path.length === 0, 'a config file is a mapping of settings (conncalc schema prints them)') ?? issue.message
  if (issue.code === 'invalid_key' && issue.issues?.[0]) message = `invalid name: ${issue.issues[0].message}`
  if (issue.code === 'invalid_union' && issue.errors) {
    // Prefer what the matching branch said over "Invalid input" (e.g. the scale value's format).
    const inner = issue.errors.flat().find((e) => e.code !== 'invalid_type')
    message = inner?.message ?? `expected ${issue.errors.flat().map((e) => /expected (\w+)/.exec(e.message)?.[1]).filter(Boolean).join(' or ')}`
  }

  const hint = commonMistake(value, path)
  return [{message: `${keyPath(path, prefix)}: ${message}${hint ? `; ${hint}` : ''}`, path}]
}

const valueAt = (data: unknown, path: ReadonlyArray<number | string>): unknown =>
  path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), data)

/** YAML 1.1's booleans: YAML 1.2 (what conncalc, like the yaml package, reads) takes them as text. */
const YAML11_BOOLEANS = /^(?:y|yes|n|no|on|off)$/i

/**
 * What the user most likely meant, for the mistakes config files show:
 * YAML 1.1 booleans (`preboot: yes`, `worker: on`) and formation typos
 * (`web: 2..x`, `web: 2 standard-2x`, `web: 2-10`, `web: 2...10`).
 */
export function commonMistake(value: unknown, path: ReadonlyArray<number | string>): string | undefined {
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  if (YAML11_BOOLEANS.test(text)) {
    const truthy = /^(?:y|yes|on)$/i.test(text)
    return `"${text}" is a YAML 1.1 boolean, which YAML 1.2 reads as text: write ${truthy ? 'true' : 'false'}${path.includes('scale') ? ' — or, for a dyno count, a number' : ''}`
  }

  if (/^-?\d+(?:\.\d+)?$/.test(text) && !path.includes('env')) return `write ${text} without quotes: quoted, it is text`
  if (!path.includes('scale')) return undefined
  let m = /^(\d+)\s*(?:\.{2,}|-|–|to)\s*(\d+)$/.exec(text)
  if (m) return `did you mean "${m[1]}..${m[2]}"? (a range is two numbers joined by two dots)`
  m = /^(\d+)\s*\.{2,}\s*(.*)$/.exec(text)
  if (m) return `a range needs a dyno count on both sides of "..", e.g. "${m[1]}..${Number(m[1]) + 8}"`
  m = /^(\d+)\s*[\s,;x×*]\s*([a-z][\w.-]*)$/i.exec(text)
  if (m) return `did you mean "${m[1]}:${m[2]}"? (a count and a dyno size are joined by a colon)`
  return undefined
}

/**
 * A path the config file names (`procfile`, `apps[].procfile`, `envFiles`, `plansFile`),
 * resolved against its folder — and kept inside that folder's tree, symlinks included, as
 * the app's own files are: `procfile: ../home/.pgpass` would otherwise print a password
 * file's lines into a CI log as "commands".
 */
export function configPath(config: LoadedConfig, value: string, key: ReadonlyArray<number | string>): string {
  const abs = resolve(config.dir, value)
  const real = (p: string): string => {
    try {
      return realpathSync(p)
    } catch {
      return p // missing: reading it says so
    }
  }

  const root = real(config.dir)
  const rel = relative(root, real(abs))
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    const name = key.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('').replace(/^\./, '')
    throw new InputError(
      `${config.display}:${config.lineOf(key)}: ${name} points outside the config file's folder (${JSON.stringify(value)})`,
      'paths in the config file stay inside its folder; pass a file elsewhere with the matching flag (--procfile, --env-file, --plans-file)',
    )
  }

  return abs
}
