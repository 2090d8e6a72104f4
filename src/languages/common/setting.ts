/**
 * The "number with a documented default" pattern every server analyzer
 * shares: take the first source that gives a readable integer (flag, config
 * file, env var), and fall back to the framework default, explaining with a
 * diagnostic any source that decided the value but could not be read.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {entrySources, type Env} from '../../model/env.js'
import {describeSourced, fromFile, fromFlag, type Source, sourced, type Sourced, unreadAssumption} from '../../model/source.js'
import {type ErbTag, tagsOnLine, unknownTag, type YamlErb} from '../ruby/erb.js'
import {asInteger, type EvalValue} from '../ruby/evaluate.js'
import type {YamlPath} from '../../util/yaml.js'
import type {AnalyzerContext, ParsedCommand} from './types.js'
import {readFlag} from './argv.js'
import {append} from '../../util/arrays.js'

/** One place a setting may come from: a value, or diagnostics saying why it could not be read. */
export interface Candidate {
  diagnostics: Diagnostic[]
  value?: Sourced<number>
  /**
   * The source has no value here but the deployer gives it one (app.json requires the variable
   * with no value, Env.deployerSets): whatever is used after it is an assumption.
   */
  assumption?: Source
}

/** A value-taking flag as written in the Procfile: `written` is "-c 15", "-c15" or "--concurrency=15". */
export interface FoundFlag {
  value: string
  /** The variables the value was expanded from (`-c $SIDEKIQ_CONCURRENCY`). */
  via?: Source[]
  written: string
}

/** A flag in `argv`; give `command` to trace a value expanded from a variable back to it. */
export function findFlag(argv: readonly string[], names: readonly string[], command?: ParsedCommand): FoundFlag | undefined {
  const f = readFlag(argv, names)
  if (!f) return undefined
  const token = argv[f.index]
  const via = (command?.expanded ?? []).filter((e) => e.value !== '' && f.value.includes(e.value)).flatMap((e) => entrySources(e))
  const written = names.includes(token) ? `${token} ${f.value}` : token
  return via.length > 0 ? {value: f.value, via, written} : {value: f.value, written}
}

/**
 * A numeric flag (`--max-pool-size 3`), or the flag with nothing after it when it ends the command:
 * `--max-pool-size $PASSENGER_MAX_POOL_SIZE` with the variable unset expands to a bare
 * `--max-pool-size`. The app sets the number there, so it is not the documented default:
 * flagCandidate reports it unreadable and the default used instead is an assumption.
 */
export function numericFlag(argv: readonly string[], names: readonly string[], command?: ParsedCommand): FoundFlag | undefined {
  const found = findFlag(argv, names, command)
  if (found) return found
  const end = argv.indexOf('--')
  const last = (end < 0 ? argv : argv.slice(0, end)).at(-1)
  return last !== undefined && names.includes(last) ? {value: '', written: last} : undefined
}

export {appPath, onPlatformAppRoot} from '../../util/app-path.js'

/** The program name without its directory: "bin/rails" → "rails". */
export const programName = (argv0: string | undefined): string => (argv0 === undefined ? '' : argv0.slice(argv0.lastIndexOf('/') + 1))

const none: Candidate = {diagnostics: []}

const strictInt = (s: string): number | undefined => (/^\s*\d+\s*$/.test(s) ? Number.parseInt(s, 10) : undefined)

/** The file a command-line flag's diagnostic names until analyze-app puts the line that has the command (Procfile, script, supervisord.conf). */
export const COMMAND_LINE = 'Procfile'

/** A numeric command-line flag (`-c 15`). */
export function flagCandidate(found: FoundFlag | undefined, what: string, file = COMMAND_LINE): Candidate {
  if (!found) return none
  const n = strictInt(found.value)
  if (n !== undefined) return {diagnostics: [], value: sourced(n, fromFlag(found.written), found.via)}
  const bare = found.value === '' ? ' (nothing follows it: a variable after it expands to nothing)' : ''
  return {
    diagnostics: [
      {
        code: 'unknown-config-value',
        file,
        message: `cannot read ${what} from \`${found.written}\`${bare}`,
        severity: 'warning',
      },
    ],
  }
}

/** The first of `names` set in env, as an integer (Puma reads PUMA_MAX_THREADS, then MAX_THREADS). */
export function envCandidate(env: Env, names: readonly string[], what: string): Candidate {
  for (const name of names) {
    const e = env.get(name)
    const deployer = env.deployerSets(name)
    if (!e) {
      if (deployer) return {assumption: deployer, diagnostics: []}
      continue
    }

    if (e.unknown) return {diagnostics: [{code: 'unknown-config-value', message: `cannot use ${name} for ${what}: ${e.unknown}`, severity: 'warning'}]}
    const n = strictInt(e.value)
    if (n !== undefined) return {diagnostics: [], value: sourced(n, e.source, deployer ? [...(e.via ?? []), deployer] : e.via)}
    return {
      diagnostics: [
        {
          code: 'unknown-config-value',
          message: `${name}=${JSON.stringify(e.value)} (${describeSourced({source: e.source, value: e.value})}) is not an integer; cannot use it for ${what}`,
          severity: 'warning',
        },
      ],
    }
  }

  return none
}

/**
 * An evaluated Ruby argument (config/puma.rb:3) as an integer. Sourced at the
 * call's line, via the line the value was written on and the env entries read.
 */
export function rubyCandidate(v: EvalValue | undefined, file: string, callLine: number, what: string): Candidate {
  if (!v) return none
  const via: Source[] = []
  if (v.line !== callLine) via.push(fromFile(file, v.line))
  if (v.kind === 'known') append(via, v.via)
  // A value an unset variable flowed into (`ENV["X"].to_i` is 0) is unresolved, not 0.
  const n = v.missingEnv && v.missingEnv.length > 0 ? undefined : asInteger(v)
  if (n !== undefined) return {diagnostics: [], value: sourced(n, fromFile(file, callLine), via)}

  if (v.missingEnv && v.missingEnv.length > 0) {
    return {
      diagnostics: v.missingEnv.map((m) => ({
        code: 'unresolved-env',
        file,
        fix: `Set ${m.name} (e.g. \`--env ${m.name}=…\` or an env file), or give it a default in ${file}.`,
        line: m.line,
        message: `${m.name} is not set anywhere and ${file}:${m.line} reads it without a default, so ${what} is unknown`,
        severity: 'warning' as const,
      })),
    }
  }

  const reason = v.kind === 'unknown' ? v.reason : `the value ${JSON.stringify(v.value)} is not an integer`
  return {
    diagnostics: [
      {
        code: 'unknown-config-value',
        file,
        line: v.line,
        message: `cannot read ${what} at ${file}:${v.line}: ${reason}`,
        severity: 'warning',
      },
    ],
  }
}

/**
 * The first candidate with a value, else `fallback`. Diagnostics of the
 * candidates that were tried before it are kept, and say what was used instead.
 */
export function firstOf(candidates: readonly Candidate[], fallback: Sourced<number>): {diagnostics: Diagnostic[]; value: Sourced<number>} {
  const diagnostics: Diagnostic[] = []
  let value = fallback
  let assumption: Source | undefined
  for (const c of candidates) {
    if (c.value) {
      value = c.value
      break
    }

    assumption ??= c.assumption
    append(diagnostics, c.diagnostics)
  }

  // A variable the deployer sets (app.json) came before what is used: the value used is assumed.
  if (assumption) value = {...value, via: [...(value.via ?? []), assumption]}

  // Most settings have nothing unreadable before the value used: no message to build (per process type).
  if (diagnostics.length === 0) return {diagnostics, value}
  const used = `; using ${value.value} (${describeSourced(value)})`
  // The app sets the value (a higher-precedence source) but it cannot be read: what is used instead
  // is not what the app runs with, so it is an assumption, never a plain default (issue 11).
  return {diagnostics: diagnostics.map((d) => ({...d, message: d.message + used})), value: unreadFallback(diagnostics, value)}
}

/**
 * `value`, used because the app sets the number in a way conncalc cannot read (an
 * `unknown-config-value` or `unresolved-env` in `diagnostics`): then it is not what the app
 * runs with, so it is labelled an assumption naming that file:line (issue 11), never shown as a
 * plain default. Unchanged when nothing was unreadable.
 */
export function unreadFallback<T>(diagnostics: readonly Diagnostic[], value: Sourced<T>): Sourced<T> {
  const unread = diagnostics.find((d) => UNREAD.has(d.code))
  if (!unread) return value
  const where = unread.file ? `${unread.file}${unread.line ? `:${unread.line}` : ''}` : 'the command line or the env'
  const why = `${where} sets this in a way conncalc cannot read; ${String(value.value)} used instead`
  // Said once: a value already starred for the same line (gunicorn's threads behind an unread worker_class) is kept.
  if (value.via?.some((s) => s.kind === 'assumed' && s.why === why)) return value
  return {...value, via: [...(value.via ?? []), unreadAssumption(why)]}
}

/** Diagnostics that mean "the app sets this value, conncalc cannot read it". */
const UNREAD = new Set(['unknown-config-value', 'unresolved-env'])

/**
 * A YAML value (`pool: 5`, `:concurrency: <%= ENV.fetch("X", 10) %>`) as an
 * integer, sourced at the key's line; ERB on that line is followed to its env vars.
 */
export function yamlCandidate(doc: YamlErb, path: YamlPath, raw: unknown, what: string): Candidate {
  if (raw === undefined) return none
  if (raw === null) {
    // `pool: <%= ENV["DB_POOL"] %>` with DB_POOL unset writes nothing, so the key is nil and the library uses its
    // default: the app meant to set it from the variable, so that is said (unresolved-env), and what is used assumed.
    const at = doc.yaml.lineOf(path)
    const tag = at === undefined ? undefined : tagsOnLine(doc.erb, at).at(-1)
    return tag && tag.value.kind === 'known' && tag.value.value === null && (tag.value.missingEnv?.length ?? 0) > 0 ? rubyCandidate(tag.value, doc.file, at!, what) : none
  }

  const line = doc.yaml.lineOf(path) ?? 1
  const tag: ErbTag | undefined = unknownTag(doc.erb, raw) ?? tagsOnLine(doc.erb, line).at(-1)
  if (tag) return rubyCandidate(tag.value, doc.file, line, what)
  const n = typeof raw === 'number' && Number.isInteger(raw) ? raw : typeof raw === 'string' ? strictInt(raw) : undefined
  if (n !== undefined) return {diagnostics: [], value: sourced(n, fromFile(doc.file, line))}
  return {
    diagnostics: [
      {code: 'unknown-config-value', file: doc.file, line, message: `cannot read ${what} at ${doc.file}:${line}: ${JSON.stringify(raw)} is not an integer`, severity: 'warning'},
    ],
  }
}

/** The app environment a Ruby server runs in: its -e flag, else APP_ENV/RACK_ENV/RAILS_ENV, else ctx.appEnv. */
export function rubyEnvironment(ctx: AnalyzerContext, flag: string | undefined): string {
  if (flag) return flag
  for (const name of ['APP_ENV', 'RACK_ENV', 'RAILS_ENV']) {
    const v = ctx.env.get(name)?.value
    if (v) return v
  }

  return ctx.appEnv
}
