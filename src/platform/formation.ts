import type {Diagnostic} from '../model/diagnostic.js'
import type {Formation, FormationEntry} from '../model/formation.js'
import type {Source} from '../model/source.js'

import {closest, didYouMean} from '../util/did-you-mean.js'
import {UsageError} from '../util/errors.js'
import {assumed, fromFile, fromFlag, sourced} from '../model/source.js'
import {loadDynoSizes} from './dyno-size-table.js'
import {jsonKeyLine, jsonSyntaxError} from '../util/json-lines.js'
import {MAX_BACKENDS} from '../util/numbers.js'

/**
 * The most dynos of one type conncalc accepts: a formation past PostgreSQL's MAX_BACKENDS is a
 * typo, not a deployment, and totals built on it would pass 2^53, where numbers stop being exact.
 */
export const MAX_DYNOS = MAX_BACKENDS

/**
 * Dyno sizes Heroku accepts, lower case, in the order of plans/dyno-sizes.json
 * (the one table of sizes: memory, nproc and WEB_CONCURRENCY per size).
 * Common Runtime and Private/Shield sizes from
 * https://devcenter.heroku.com/articles/dyno-types; the `*-memory-*` and Fir
 * `dyno-*` names from the cost table of `heroku ps:type`.
 */
const SIZES = loadDynoSizes().sizes
const SIZE_NAMES: readonly string[] = SIZES.map((s) => s.name)

/**
 * Each size's other names, from the table's `aliases`: retired names that
 * `heroku ps:type` still lists, mapped to today's equivalent hardware (1X/2X
 * became Standard-1X/2X, PX "Performance" became Performance-L, Free/Hobby
 * became Eco/Basic).
 */
const ALIASES: ReadonlyMap<string, string> = new Map(SIZES.flatMap((s) => (s.aliases ?? []).map((a) => [a, s.name] as const)))

const KNOWN = new Set(SIZE_NAMES)

/** The canonical lower-case name of a dyno size, or undefined if Heroku has no such size. */
export function normalizeDynoSize(size: string): string | undefined {
  const s = size.trim().toLowerCase()
  if (KNOWN.has(s)) return s
  return ALIASES.get(s)
}

/** Up to three known sizes closest to `size`, for "did you mean". */
export function closestDynoSizes(size: string): string[] {
  const s = size.toLowerCase()
  // A part of a size's name or its initials (`2x`, `pl`) is nearer than any typo.
  return closest(s, SIZE_NAMES, {shortcut: (typed, k) => (k.includes(typed) || abbreviates(typed, k) ? 0.5 : undefined), within: Math.max(2, Math.floor(s.length / 2))})
}

/**
 * The Common Runtime sizes by name, then the Private/Shield suffixes, as the table has them. Made
 * when an unknown size is reported (a function, not a constant every start made).
 */
const sizesHint = (): string =>
  `dyno sizes: ${SIZE_NAMES.filter((n) => !/^(private|shield|dyno)-/.test(n)).join(', ')}, private-*/shield-* (${SIZE_NAMES.filter((n) => n.startsWith('private-')).map((n) => n.slice('private-'.length)).join(', ')}), Fir dyno-<vCPU>c-<GB>gb (e.g. ${SIZE_NAMES.find((n) => n.startsWith('dyno-'))})`

const SCALE_HINT = 'use TYPE=QUANTITY[:SIZE], e.g. --scale web=2 worker=1, --scale web=2:standard-2x, or web=2..10 for an autoscaling range'

/**
 * Read `--scale` values as `heroku ps:scale` takes them: `web=2 worker=1` (one
 * argument or several; commas also separate), `web=2:Standard-2X` (size
 * normalised to lower case), `worker=0`, and `web=2..10` (an autoscaling range:
 * the budget uses the max). Relative changes (`web+1`) need the live formation
 * and are refused. A type named twice keeps the last value.
 * Throws UsageError (exit 2) with a one-line message and a hint.
 */
export function parseScale(args: readonly string[]): Formation {
  const formation: Formation = new Map()
  for (const spec of args.flatMap((a) => a.split(/[\s,]+/)).filter(Boolean)) {
    const [type, entry] = parseScaleSpec(spec)
    formation.set(type, entry)
  }

  return formation
}

/**
 * One `TYPE=QUANTITY[:SIZE]`. `where` names it in errors and sources when it
 * did not come from --scale (a config file's `scale.web` at its line).
 */
export function parseScaleSpec(spec: string, where?: {hint?: string; label: string; source: Source}): [string, FormationEntry] {
  const label = where?.label ?? `--scale ${spec}`
  const fail = (why: string): never => {
    throw new UsageError(`${label}: ${why}`, where?.hint ?? SCALE_HINT)
  }

  if (/^[\w-]+[+-]\d+$/.test(spec)) fail('relative changes need the current formation; give the number of dynos, e.g. web=3')
  const eq = spec.indexOf('=')
  if (eq === -1) fail('missing =QUANTITY')
  const type = spec.slice(0, eq)
  if (type === '') fail('missing the process type before =')
  // A Cloud Foundry manifest's application named by a variable cf push fills in (`name: ((app_name))-worker`) is a
  // type conncalc shows under that name, and names in its own hints: it can be scaled by it.
  if (!/^(?:[\w-]|\(\([\w.-]+\)\))+$/.test(type)) fail(`"${type}" is not a process type name (letters, digits, _ and -, or a manifest's ((variable)))`)

  const rest = spec.slice(eq + 1)
  const colon = rest.indexOf(':')
  const qty = colon === -1 ? rest : rest.slice(0, colon)
  const sizeText = colon === -1 ? undefined : rest.slice(colon + 1)

  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(qty)
  if (!m) {
    if (qty === '') fail('missing the number of dynos after =')
    if (/^-\d+$/.test(qty)) fail('the number of dynos cannot be negative')
    fail(`"${qty}" is not a number of dynos (a whole number, or MIN..MAX)`)
  }

  const min = Number(m![1])
  const max = m![2] === undefined ? min : Number(m![2])
  if (max < min) fail(`the range ${min}..${max} ends below its start`)
  if (max > MAX_DYNOS) fail(`${max} dynos is more than any PostgreSQL server has connection slots (${MAX_DYNOS}); a typo?`)

  const source = where?.source ?? fromFlag(`--scale ${spec}`)
  const entry: FormationEntry = {quantity: sourced(max, source)}
  if (m![2] !== undefined) entry.range = {max, min}

  if (sizeText !== undefined) {
    if (sizeText === '') fail('missing the dyno size after :')
    const size = normalizeDynoSize(sizeText)
    if (!size) {
      const near = closestDynoSizes(sizeText)
      throw new UsageError(
        `${label}: unknown dyno size "${sizeText}"${near.length > 0 ? `; ${didYouMean(near)}` : ''}`,
        sizesHint(),
      )
    }

    entry.size = sourced(size, source)
  }

  return [type, entry]
}

export interface AppJson {
  /** `addons[]` plans (`"cleardb:ignite"`, or an object's `plan`), in order. */
  addons: string[]
  /** `buildpacks[].url`, in order. */
  buildpacks: string[]
  diagnostics: Diagnostic[]
  formation: Formation
  /** The line of a `formation` object, when there is one (Dokku 0.25+ then ignores DOKKU_SCALE). */
  formationLine?: number
  /** Does a buildpack URL or a `scripts` command mention pgbouncer? */
  mentionsPgbouncer: boolean
}

/**
 * Read the formation of a Heroku app.json (`"formation": {"web": {"quantity": 2,
 * "size": "standard-2x"}}`) with the line of each value, plus its buildpack URLs and add-on plans.
 * Never throws: invalid JSON or values are `unparsable-config` warnings.
 */
export function parseAppJsonFormation(text: string, path = 'app.json'): AppJson {
  const result: AppJson = {addons: [], buildpacks: [], diagnostics: [], formation: new Map(), mentionsPgbouncer: false}
  const warn = (line: number, message: string): void => {
    result.diagnostics.push({code: 'unparsable-config', file: path, line, message, severity: 'warning'})
  }

  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    const e = jsonSyntaxError(text)
    // Nothing of it is read: its env too (platform/app-json-env.ts), so a value only it sets falls back to the default.
    warn(e?.line ?? 1, `${path} is not valid JSON${e ? ` at ${e.line}:${e.col} (${e.message})` : ''}; none of it is used (its env, formation, buildpacks and add-ons), so a value only it sets takes the default here`)
    return result
  }

  if (!isObject(data)) {
    warn(1, `${path} is not a JSON object; none of it is used (its env, formation, buildpacks and add-ons)`)
    return result
  }

  if (Array.isArray(data.buildpacks)) {
    for (const b of data.buildpacks) {
      const url = typeof b === 'string' ? b : isObject(b) && typeof b.url === 'string' ? b.url : undefined
      if (url) result.buildpacks.push(url)
    }
  }

  if (Array.isArray(data.addons)) {
    for (const a of data.addons) {
      const plan = typeof a === 'string' ? a : isObject(a) && typeof a.plan === 'string' ? a.plan : undefined
      if (plan) result.addons.push(plan)
    }
  }

  const scripts = isObject(data.scripts) ? Object.values(data.scripts).filter((s) => typeof s === 'string') : []
  result.mentionsPgbouncer = [...result.buildpacks, ...scripts].some((s) => /pgbouncer/i.test(s))

  if (isObject(data.formation) || Array.isArray(data.formation)) {
    const at = text.indexOf('"formation"')
    result.formationLine = at === -1 ? 1 : text.slice(0, at).split('\n').length
  }

  const size = (value: unknown, type: string, line: number): Diagnostic | FormationEntry['size'] => {
    const name = typeof value === 'string' ? normalizeDynoSize(value) : undefined
    return name ? sourced(name, fromFile(path, line)) : unknownSize(value, path, type, line)
  }

  if (Array.isArray(data.formation)) readFormationList(data.formation, text, path, result, size)
  else readFormation(data.formation, text, path, result, {quantity: 'quantity', size})
  return result
}

/**
 * Heroku's first app.json formation was a list, `[{"process": "web", "quantity": 1, "size": "1X"}]`: the form of Heroku's
 * own app.json library (app-json/app.json lib/schema.js, whose validator still asks for an array: its issue #26, 2016), which
 * the Heroku Button applied (atmos/heaven issue #157, 2015: its list's size "1X" failed once Heroku renamed the sizes).
 * Heroku's schema now documents an object keyed by process type (https://devcenter.heroku.com/articles/app-json-schema#formation),
 * so whether today's app setup still reads a list is not documented: each count is read, starred with that reason.
 */
function readFormationList(
  list: unknown[],
  text: string,
  path: string,
  result: {diagnostics: Diagnostic[]; formation: Formation},
  size: (size: unknown, type: string, line: number) => Diagnostic | FormationEntry['size'],
): void {
  const from = Math.max(0, text.indexOf('"formation"'))
  const lineOf = (offset: number): number => text.slice(0, offset).split('\n').length
  const why = `${path} writes formation as a list of {process, quantity, size}, Heroku's first app.json form (app-json/app.json lib/schema.js); Heroku's schema now documents an object keyed by process type, so that Heroku still reads the list is assumed`
  let after = from
  for (const [i, item] of list.entries()) {
    const name = isObject(item) && typeof item.process === 'string' ? item.process : undefined
    const found = name === undefined ? -1 : text.slice(after).search(new RegExp(`"process"\\s*:\\s*${JSON.stringify(name).replaceAll(/[$()*+.?[\\\]^{|}]/g, '\\$&')}`))
    const at = found === -1 ? after : after + found
    if (!name || !isObject(item)) {
      result.diagnostics.push({code: 'unparsable-config', file: path, line: lineOf(at), message: `${path}: formation[${i}] names no process type ("process"); not used`, severity: 'warning'})
      continue
    }

    after = at + 1
    const next = (key: string): number => {
      const k = text.slice(at).search(new RegExp(`"${key}"\\s*:`))
      return k === -1 ? lineOf(at) : lineOf(at + k)
    }

    const count = item.quantity
    let quantity
    if (count === undefined) quantity = sourced(1, assumed(`${path} formation[${i}] (${name}) has no quantity; 1 dyno assumed`))
    else if (typeof count === 'number' && Number.isInteger(count) && count >= 0 && count <= MAX_DYNOS) quantity = sourced(count, fromFile(path, next('quantity')), [assumed(why)])
    else {
      result.diagnostics.push({code: 'unparsable-config', file: path, line: next('quantity'), message: `${path}: formation[${i}].quantity (${name}) is not a whole number of dynos from 0 to ${MAX_DYNOS}; not used`, severity: 'warning'})
      continue
    }

    const entry: FormationEntry = {quantity}
    if (item.size !== undefined) {
      const sized = size(item.size, name, next('size'))
      if (sized && 'code' in sized) result.diagnostics.push(sized)
      else if (sized) entry.size = sized
    }

    result.formation.set(name, entry)
  }
}

/**
 * Read the `formation` of Scalingo's scalingo.json (`"formation": {"web": {"amount": 2, "size": "L"}}`,
 * https://doc.scalingo.com/platform/app/app-manifest): `amount` is the container count. Its sizes
 * are Scalingo's containers, not Heroku dynos: a known one is said (with its memory) and the type is
 * sized as conncalc's default dyno; the count is used either way. Never throws.
 */
export function parseScalingoFormation(text: string, path = 'scalingo.json'): {diagnostics: Diagnostic[]; formation: Formation} {
  const result = {diagnostics: [] as Diagnostic[], formation: new Map() as Formation}
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    const e = jsonSyntaxError(text)
    result.diagnostics.push({code: 'unparsable-config', file: path, line: e?.line ?? 1, message: `${path} is not valid JSON${e ? ` at ${e.line}:${e.col} (${e.message})` : ''}; its formation is not used`, severity: 'warning'})
    return result
  }

  if (!isObject(data)) return result
  readFormation(data.formation, text, path, result, {quantity: 'amount', size: (size, type, line) => scalingoSize(size, path, type, line)})
  return result
}

/** A formation object's types (app.json's and scalingo.json's share the shape, with their own count key and sizes). */
function readFormation(
  formation: unknown,
  text: string,
  path: string,
  result: {diagnostics: Diagnostic[]; formation: Formation},
  keys: {quantity: 'amount' | 'quantity'; size: (size: unknown, type: string, line: number) => Diagnostic | FormationEntry['size']},
): void {
  const warn = (line: number, message: string): void => {
    result.diagnostics.push({code: 'unparsable-config', file: path, line, message, severity: 'warning'})
  }

  if (formation === undefined) return
  if (!isObject(formation)) {
    warn(jsonKeyLine(text, ['formation']), `${path}: formation is not an object of process types; not used`)
    return
  }

  const q = keys.quantity
  for (const [type, spec] of Object.entries(formation)) {
    const typeLine = jsonKeyLine(text, ['formation', type])
    if (!isObject(spec)) {
      warn(typeLine, `${path}: formation.${type} is not an object; not used`)
      continue
    }

    let quantity
    const count = spec[q]
    if (count === undefined) {
      quantity = sourced(1, assumed(`${path} formation.${type} has no ${q}; 1 dyno assumed`))
    } else if (typeof count === 'number' && Number.isInteger(count) && count >= 0 && count <= MAX_DYNOS) {
      quantity = sourced(count, fromFile(path, jsonKeyLine(text, ['formation', type, q])))
    } else {
      warn(jsonKeyLine(text, ['formation', type, q]), `${path}: formation.${type}.${q} is not a whole number of dynos from 0 to ${MAX_DYNOS}; not used`)
      continue
    }

    const entry: FormationEntry = {quantity}
    if (spec.size !== undefined) {
      const size = keys.size(spec.size, type, jsonKeyLine(text, ['formation', type, 'size']))
      if (size && 'code' in size) result.diagnostics.push(size)
      else if (size) entry.size = size
    }

    result.formation.set(type, entry)
  }
}

/** Scalingo's container sizes and their memory (doc.scalingo.com/platform/internals/container-sizes). */
const SCALINGO_SIZES: Record<string, number> = {'2XL': 4096, L: 1024, M: 512, S: 256, XL: 2048}

/** A scalingo.json size: Scalingo's container, said with its memory; the type keeps conncalc's default dyno size. */
function scalingoSize(size: unknown, path: string, type: string, line: number): Diagnostic {
  const mb = typeof size === 'string' ? SCALINGO_SIZES[size.toUpperCase()] : undefined
  return {
    code: 'unknown-dyno-size',
    file: path,
    fix: `to size it on Heroku's table, give a dyno size with --scale ${type}=N:SIZE (standard-1x has 512 MB, as Scalingo's M)`,
    line,
    message: mb
      ? `${path}: formation.${type}.size ${JSON.stringify(size)} is a Scalingo container (${mb} MB, https://doc.scalingo.com/platform/internals/container-sizes); conncalc sizes dynos on Heroku's table, so memory- and CPU-based defaults use standard-1x; the container count is used`
      : `${path}: formation.${type}.size ${JSON.stringify(size)} is not a Scalingo container size (S, M, L, XL, 2XL); the size is ignored (the container count is used)`,
    severity: mb ? 'info' : 'warning',
  }
}

/** A size that parses but is not Heroku's: said as what it is, not as an unparsable file. */
function unknownSize(size: unknown, path: string, type: string, line: number): Diagnostic {
  const mb = typeof size === 'string' ? SCALINGO_SIZES[size.toUpperCase()] : undefined
  const what = mb
    ? `${JSON.stringify(size)} is a Scalingo container size (${mb} MB, https://doc.scalingo.com/platform/internals/container-sizes), not a Heroku dyno size`
    : `${JSON.stringify(size)} is not a Heroku dyno size`
  return {
    code: 'unknown-dyno-size',
    file: path,
    fix: `give the size with --scale ${type}=N:SIZE (a Heroku dyno size), or leave it to the default standard-1x`,
    line,
    message: `${path}: formation.${type}.size ${what}; the size is ignored (the dyno count is used)`,
    severity: mb ? 'info' : 'warning',
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** `pl` for performance-l (initials), `perf-m` or `std-2x` (each part a subsequence of the size's part). */
function abbreviates(input: string, size: string): boolean {
  const parts = size.split('-')
  if (input === parts.map((p) => p[0]).join('')) return true
  const given = input.split(/[_-]/)
  return given.length === parts.length && given.every((g, i) => g[0] === parts[i][0] && isSubsequence(g, parts[i]))
}

function isSubsequence(a: string, b: string): boolean {
  let j = 0
  for (const c of b) if (c === a[j]) j++
  return j === a.length
}
