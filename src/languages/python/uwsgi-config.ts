/**
 * uWSGI's unified options (unbit/uwsgi-docs Configuration.rst, ParsingOrder.rst):
 * every option can be a command-line flag, a `UWSGI_<OPTION>` env var, or a key
 * in an ini / yaml / json file. Options are kept in the order uWSGI assembles
 * them ("top-bottom and expand asap": a file named by `--ini` or `ini =` is
 * spliced in where it is named), then values are expanded: `$(ENV)` (with
 * `:-default` / `-default`), then `%(option)` placeholders (with uWSGI's
 * left-to-right placeholder math) and `%k` (the CPU count). Anything else
 * (`@(file)`, other magic variables, `exec://` configs) is left unread and said.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {AnalyzerContext} from '../common/types.js'

import {fromFile, fromFlag, type Source, sourced, type Sourced} from '../../model/source.js'
import {entrySources} from '../../model/env.js'
import {parseYaml} from '../../util/yaml.js'
import {appPath} from '../common/setting.js'
import {imageFile} from '../../model/image-files.js'
import {append} from '../../util/arrays.js'

export interface UwsgiOption {
  key: string
  /** The option's text as written, before expansion. */
  raw: string
  /** Where it was written: a file line, a flag, or an env var. */
  source: Source
  /** Set by a file: its path and line (for diagnostics). */
  file?: string
  line?: number
}

/** Short flags (core/uwsgi.c) that matter here; `-w` is --module (not workers). */
const SHORT: Record<string, string> = {'-M': 'master', '-T': 'enable-threads', '-L': 'disable-logging', '-p': 'processes', '-s': 'socket', '-w': 'module', '-l': 'listen', '-t': 'harakiri', '-H': 'home', '-b': 'buffer-size', '-z': 'socket-timeout', '-d': 'daemonize'}
/** Options that take no value (so the next word is not theirs). */
const BOOLEAN = new Set([
  'master', 'enable-threads', 'disable-logging', 'die-on-term', 'lazy', 'lazy-apps', 'vacuum', 'single-interpreter', 'need-app', 'strict', 'thunder-lock', 'no-orphans',
  'memory-report', 'log-master', 'honour-stdin', 'close-on-exec', 'gevent-monkey-patch', 'gevent-early-monkey-patch', 'harakiri-verbose', 'auto-procname', 'catch-exceptions',
  'no-default-app', 'py-tracebacker', 'reload-on-exception', 'show-config', 'log-4xx', 'log-5xx', 'log-slow', 'enable-metrics', 'wsgi-env-behaviour', 'manage-script-name',
  'buffer-size-auto', 'cheaper-busyness-verbose', 'py-call-osafterfork', 'no-threads-wait', 'skip-atexit', 'hook-accepting1-once', 'http-keepalive', 'http-auto-chunked', 'add-header',
])
const CONFIG_KEYS = ['ini', 'yaml', 'yml', 'json', 'js', 'xml', 'config']

export interface UwsgiConfig {
  diagnostics: Diagnostic[]
  /** Config files read, for --explain. */
  files: string[]
  options: UwsgiOption[]
}

const MAX_DEPTH = 8

/** Read the uWSGI options of a command: env vars, argv, and the config files they name. */
export function readUwsgiOptions(ctx: AnalyzerContext, args: readonly string[]): UwsgiConfig {
  const out: UwsgiConfig = {diagnostics: [], files: [], options: []}
  // UWSGI_PROCESSES=4 is --processes 4 (Configuration.rst "Environment variables"); taken as the lowest layer.
  const names = new Set(ctx.env.layers.flatMap((l) => [...l.vars.keys()]).filter((n) => n.startsWith('UWSGI_')))
  for (const name of names) {
    const e = ctx.env.get(name)!
    out.options.push({key: name.slice('UWSGI_'.length).toLowerCase().replaceAll('_', '-'), raw: e.value, source: e.source})
  }

  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    let key: string | undefined
    let value: string | undefined
    if (a.startsWith('--')) {
      const eq = a.indexOf('=')
      key = eq === -1 ? a.slice(2) : a.slice(2, eq)
      if (eq !== -1) value = a.slice(eq + 1)
    } else if (/^-[A-Za-z]/.test(a)) {
      key = SHORT[a.slice(0, 2)] ?? a.slice(1, 2)
      if (a.length > 2) value = a.slice(2)
    } else {
      // `uwsgi app.ini` is `uwsgi --ini app.ini` (Configuration.rst); other bare words are apps (`uwsgi app.py`).
      const ext = /\.(ini|ya?ml|json|js|xml)(:[\w-]*)?$/.exec(a)?.[1]
      if (ext) readFile(ctx, out, ext === 'yml' ? 'yaml' : ext === 'js' ? 'json' : ext, a, 0)
      continue
    }

    if (value === undefined && !BOOLEAN.has(key) && args[i + 1] !== undefined && !args[i + 1].startsWith('-')) value = args[++i]
    const written = value === undefined ? a : a.includes('=') || (a.length > 2 && !a.startsWith('--')) ? a : `${a} ${value}`
    if (CONFIG_KEYS.includes(key) && value !== undefined) {
      readFile(ctx, out, key === 'yml' ? 'yaml' : key === 'js' ? 'json' : key, value, 0, written)
      continue
    }

    out.options.push({key, raw: value ?? 'true', source: fromFlag(written)})
  }

  return out
}

function readFile(ctx: AnalyzerContext, out: UwsgiConfig, kind: string, spec: string, depth: number, flag?: string, from?: {file: string; line: number}): void {
  const [pathPart, section0] = splitSection(spec)
  const where = from ? {file: from.file, line: from.line} : {}
  if (depth > MAX_DEPTH) {
    const chain = out.files.includes(appPath(pathPart)) ? ', and it includes a file already read (a loop)' : ''
    out.diagnostics.push({...where, code: 'unknown-config-value', message: `uWSGI config \`${spec}\` is included more than ${MAX_DEPTH} files deep${chain}; conncalc stops there and does not read its options`, severity: 'warning'})
    return
  }

  if (/^[a-z]+:\/\//.test(pathPart) || pathPart === '-') {
    out.diagnostics.push({...where, code: 'unknown-config-value', message: `uWSGI config \`${spec}\` is not a file in the app; its options are not read`, severity: 'warning'})
    return
  }

  // An absolute path in a container image (`uwsgi --ini /Kiwi/etc/uwsgi.conf` after `COPY ./etc/*.conf /Kiwi/etc/`): the
  // repository file a COPY put there (model/image-files.ts).
  const copied = pathPart.startsWith('/') && ctx.image ? imageFile(ctx.image.image, ctx.image.files, pathPart)?.path : undefined
  const path = pathPart === '' && from ? from.file : (copied ?? appPath(pathPart))
  const section = section0 || 'uwsgi'
  const file = ctx.files.read(path)
  if (!file) {
    out.diagnostics.push({
      ...where,
      code: 'missing-config',
      file: from?.file ?? path,
      message: `${path} (from \`${flag ?? `${kind} = ${spec}`}\`) does not exist; uWSGI would fail to boot, conncalc uses the defaults`,
      processType: ctx.processType,
      severity: 'error',
    })
    return
  }

  if (!out.files.includes(path)) out.files.push(path)
  if (kind === 'ini') readIni(ctx, out, path, file.text, section, depth)
  else if (kind === 'yaml' || kind === 'json') readYamlLike(ctx, out, path, file.text, section, depth)
  else out.diagnostics.push({code: 'unknown-config-value', file: path, message: `uWSGI ${kind} configs are not read; set processes and threads on the command line or in an ini file`, severity: 'warning'})
}

/** `app.ini:section` → [path, section]. */
function splitSection(spec: string): [string, string] {
  const i = spec.lastIndexOf(':')
  return i === -1 ? [spec, ''] : [spec.slice(0, i), spec.slice(i + 1)]
}

/** `if-env` / `if-not-env` / `if-exists` blocks (ConfigLogic.rst): decided when they can be; others are unknown. */
function condition(ctx: AnalyzerContext, key: string, value: string): boolean | undefined {
  const v = value.trim()
  switch (key) {
    case 'if-env': {
      return Boolean(ctx.env.get(v)?.value)
    }

    case 'if-not-env': {
      return !ctx.env.get(v)?.value
    }

    case 'if-exists':
    case 'if-file': {
      return ctx.files.exists(appPath(v))
    }

    case 'if-not-exists':
    case 'if-not-file': {
      return !ctx.files.exists(appPath(v))
    }

    default: {
      return undefined
    }
  }
}

function readIni(ctx: AnalyzerContext, out: UwsgiConfig, path: string, text: string, section: string, depth: number): void {
  let current: string | undefined
  // A stack of enclosing conditions: true (taken), false (skipped), undefined (unknown: skipped and said).
  const conds: {line: number; taken: boolean | undefined; text: string}[] = []
  const lines = text.split(/\r?\n/)
  for (const [idx, rawLine] of lines.entries()) {
    const line = idx + 1
    const t = rawLine.trim()
    if (!t || t.startsWith(';') || t.startsWith('#')) continue
    const sec = /^\[(.+)\]$/.exec(t)
    if (sec) {
      current = sec[1].trim()
      continue
    }

    if (current !== section) continue
    const eq = t.indexOf('=')
    const key = (eq === -1 ? t : t.slice(0, eq)).trim()
    const value = eq === -1 ? 'true' : t.slice(eq + 1).trim()
    if (key === 'endif' || key.startsWith('end-if')) {
      conds.pop()
      continue
    }

    if (key.startsWith('if-')) {
      conds.push({line, taken: condition(ctx, key, value), text: t})
      continue
    }

    const skippedBy = conds.find((c) => c.taken !== true)
    if (skippedBy) {
      if (skippedBy.taken === undefined && COUNTED.has(key)) {
        out.diagnostics.push({
          code: 'unknown-config-value',
          file: path,
          line,
          message: `\`${t}\` is inside \`${skippedBy.text}\` (${path}:${skippedBy.line}), a condition conncalc cannot decide; it is not used`,
          severity: 'warning',
        })
      }

      continue
    }

    if (CONFIG_KEYS.includes(key)) {
      readFile(ctx, out, key === 'yml' ? 'yaml' : key === 'js' ? 'json' : key, value, depth + 1, undefined, {file: path, line})
      continue
    }

    out.options.push({file: path, key, line, raw: value, source: fromFile(path, line)})
  }
}

function readYamlLike(ctx: AnalyzerContext, out: UwsgiConfig, path: string, text: string, section: string, depth: number): void {
  // JSON is YAML 1.2: one parser, and it knows the lines.
  const doc = parseYaml(text, path)
  append(out.diagnostics, doc.diagnostics)
  const root = (doc.value as Record<string, unknown> | undefined)?.[section]
  if (!root || typeof root !== 'object' || Array.isArray(root)) {
    if (doc.value !== undefined) out.diagnostics.push({code: 'unknown-config-value', file: path, message: `${path} has no \`${section}\` section; uWSGI reads nothing from it`, severity: 'warning'})
    return
  }

  for (const [key, v] of Object.entries(root)) {
    const line = doc.lineOf([section, key]) ?? 1
    for (const item of Array.isArray(v) ? v : [v]) {
      const raw = item === true ? 'true' : item === false ? 'false' : String(item)
      if (CONFIG_KEYS.includes(key)) readFile(ctx, out, key === 'yml' ? 'yaml' : key === 'js' ? 'json' : key, raw, depth + 1, undefined, {file: path, line})
      else out.options.push({file: path, key, line, raw, source: fromFile(path, line)})
    }
  }
}

/** Options whose values decide connections. */
export const COUNTED = new Set(['processes', 'workers', 'threads', 'gevent', 'async', 'cheaper'])

/** The last value of an option (uWSGI: a later single-value option overrides an earlier one). */
export function lastOption(options: readonly UwsgiOption[], keys: readonly string[]): UwsgiOption | undefined {
  return options.findLast((o) => keys.includes(o.key))
}

export interface Expanded {
  /** Why the value cannot be known (an unset env var, `@(file)`, a magic variable). */
  unknown?: {code: 'unknown-config-value' | 'unresolved-env'; reason: string; fix?: string}
  value?: string
  via: Source[]
}

/**
 * An option's value with `$(ENV)`, `%(placeholder)` and `%k` expanded
 * (ParsingOrder.rst: env first, then files, then placeholders).
 */
export function expandOption(ctx: AnalyzerContext, options: readonly UwsgiOption[], opt: UwsgiOption, depth = 0): Expanded {
  const via: Source[] = []
  let unknown: Expanded['unknown']
  const fail = (u: NonNullable<Expanded['unknown']>): string => {
    unknown ??= u
    return ''
  }

  let s = opt.raw.replaceAll(/\$\(([A-Za-z_]\w*)(?:(:?-)([^)]*))?\)/g, (_m, name: string, op: string | undefined, dflt: string | undefined) => {
    const e = ctx.env.get(name)
    if (e && (op !== ':-' || e.value !== '')) {
      append(via, entrySources(e))
      return e.value
    }

    if (op) return dflt ?? ''
    return fail({code: 'unresolved-env', fix: `set ${name} (e.g. \`--env ${name}=…\` or an env file), or write \`$(${name}:-N)\``, reason: `${name} is not set anywhere and \`${opt.raw}\` reads it without a default`})
  })
  if (/@\(/.test(s)) fail({code: 'unknown-config-value', reason: `\`${opt.raw}\` includes a file's contents (@(...)), which conncalc does not read`})
  s = s.replaceAll(/%\(([^)]*)\)/g, (_m, expr: string) => {
    const r = placeholderMath(ctx, options, opt, expr.trim(), depth)
    append(via, r.via)
    if (r.unknown) return fail(r.unknown)
    return r.value ?? ''
  })
  s = s.replaceAll(/%([A-Za-z0-9[])/g, (m, c: string) => {
    if (c === 'k') {
      const n = ctx.dyno?.nproc
      if (n) {
        append(via, [n.source, ...(n.via ?? [])])
        return String(n.value)
      }

      return fail({code: 'unknown-config-value', reason: '`%k` is the CPU count, and the dyno size is unknown'})
    }

    return fail({code: 'unknown-config-value', reason: `\`${opt.raw}\` uses the magic variable ${m}, which conncalc does not expand`})
  })
  return unknown ? {unknown, via} : {value: s, via}
}

/** `%(name)`, or uWSGI's pipeline math `%(foo + bar + 3)` (evaluated left to right, spaces required). */
function placeholderMath(ctx: AnalyzerContext, options: readonly UwsgiOption[], at: UwsgiOption, expr: string, depth: number): Expanded {
  const tokens = expr.split(/\s+/).filter(Boolean)
  const via: Source[] = []
  const operand = (tok: string): Expanded => {
    if (/^-?\d+$/.test(tok)) return {value: tok, via: []}
    // The placeholder as set before this line (top-bottom), else anywhere.
    const idx = options.indexOf(at)
    const before = options.slice(0, idx === -1 ? options.length : idx)
    const ph = lastOption(before, [tok]) ?? lastOption(options, [tok])
    if (!ph) {
      const env = ctx.env.get(tok)
      if (env) return {value: env.value, via: entrySources(env)}
      return {unknown: {code: 'unknown-config-value', reason: `the placeholder %(${tok}) is not set`}, via: []}
    }

    if (depth > MAX_DEPTH) {
      const loop = ph === at || ph.raw.includes(`%(${tok})`)
      return {unknown: {code: 'unknown-config-value', reason: loop ? `placeholder %(${tok}) refers to itself` : `placeholders nest more than ${MAX_DEPTH} deep at %(${tok})`}, via: []}
    }
    const r = expandOption(ctx, options, ph, depth + 1)
    return {...r, via: [ph.source, ...r.via]}
  }

  if (tokens.length === 1) return operand(tokens[0])
  let acc: number | undefined
  let op: string | undefined
  for (const tok of tokens) {
    if (['+', '-', '*', '/'].includes(tok)) {
      op = tok
      continue
    }

    if (tok === '++' || tok === '--') {
      if (acc !== undefined) acc += tok === '++' ? 1 : -1
      continue
    }

    const r = operand(tok)
    append(via, r.via)
    if (r.unknown) return {unknown: r.unknown, via}
    const n = /^-?\d+$/.test(r.value ?? '') ? Number(r.value) : undefined
    if (n === undefined) return {unknown: {code: 'unknown-config-value', reason: `%(${expr}) does math on ${JSON.stringify(r.value)}, which is not a number`}, via}
    if (acc === undefined) acc = n
    else if (op === '+') acc += n
    else if (op === '-') acc -= n
    else if (op === '*') acc *= n
    else if (op === '/') acc = n === 0 ? 0 : Math.trunc(acc / n)
    else return {unknown: {code: 'unknown-config-value', reason: `%(${expr}) concatenates values, which conncalc does not follow`}, via}
    op = undefined
  }

  return {value: String(acc ?? ''), via}
}

/** An option as an integer, sourced where it is written and via what it was expanded from. */
export function uwsgiInteger(ctx: AnalyzerContext, options: readonly UwsgiOption[], opt: UwsgiOption | undefined, what: string): {diagnostics: Diagnostic[]; value?: Sourced<number>} {
  if (!opt) return {diagnostics: []}
  const r = expandOption(ctx, options, opt)
  const where = opt.file ? {file: opt.file, line: opt.line} : {}
  if (r.unknown) {
    return {diagnostics: [{...where, code: r.unknown.code, ...(r.unknown.fix ? {fix: r.unknown.fix} : {}), message: `cannot read uWSGI ${what}: ${r.unknown.reason}`, processType: ctx.processType, severity: 'warning'}]}
  }

  if (r.value !== undefined && /^\s*\d+\s*$/.test(r.value)) return {diagnostics: [], value: sourced(Number.parseInt(r.value, 10), opt.source, r.via.length > 0 ? r.via : undefined)}
  return {diagnostics: [{...where, code: 'unknown-config-value', message: `cannot read uWSGI ${what}: \`${opt.key} = ${opt.raw}\` is ${JSON.stringify(r.value)}, not an integer`, processType: ctx.processType, severity: 'warning'}]}
}
