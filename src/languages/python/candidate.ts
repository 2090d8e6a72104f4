import type {EvalValue, MissingEnv} from './values.js'
import type {Candidate} from '../common/setting.js'

import {fromDefault, fromFile, type Source, sourced, type Sourced, unreadAssumption} from '../../model/source.js'
import {asInteger, isCall} from './evaluate.js'
import {append} from '../../util/arrays.js'
/**
 * An evaluated Python value (gunicorn.conf.py:3) as an integer candidate,
 * sourced where the setting is named (`at`, else where the value was written),
 * via the line the value was written on and the env vars and dyno facts it
 * was computed from.
 */
export function pyCandidate(v: EvalValue | undefined, what: string, at?: {file: string; line: number}): Candidate {
  if (!v) return {diagnostics: []}
  const file = at?.file ?? v.file
  const line = at?.line ?? v.line
  const via: Source[] = []
  if (v.line !== line || v.file !== file) via.push(fromFile(v.file, v.line))
  if (v.kind === 'known') append(via, v.via)
  const n = asInteger(v)
  // A fallback the code takes because env vars have no value here (`Number(process.env.PG_MAX || 3)`,
  // `os.environ.get("WORKERS", 3)`) is the app's own number, but the variable that would change it is named.
  if (n !== undefined && v.kind === 'known' && v.missingEnv?.length) via.push(unsetFallback(v.missingEnv))
  if (n !== undefined) return {diagnostics: [], value: sourced(n, fromFile(file, line), via)}
  if (v.missingEnv && v.missingEnv.length > 0) {
    return {
      diagnostics: v.missingEnv.map((m) => ({
        code: 'unresolved-env',
        file: v.file,
        fix: `set ${m.name} (e.g. \`--env ${m.name}=…\` or an env file), or give it a default in ${v.file}`,
        line: m.line,
        message: `${m.name} is not set anywhere and this line reads it without a default, so ${what} is unknown`,
        severity: 'warning' as const,
      })),
    }
  }

  const reason = v.kind === 'unknown' ? v.reason : `the value ${JSON.stringify(typeof v.value === 'object' && v.value !== null ? `<${v.value.kind}>` : v.value)} is not an integer`
  return {diagnostics: [{code: 'unknown-config-value', file: v.file, line: v.line, message: `cannot read ${what}: ${reason}`, severity: 'warning'}]}
}

/** The env vars a value fell back past (they have no value here), where each is read. */
function unsetFallback(missing: readonly MissingEnv[]): Source {
  const names = [...new Set(missing.map((m) => m.name))]
  const at = [...new Set(missing.flatMap((m) => (m.file ? [`${m.file}:${m.line}`] : [])))].join(', ')
  return fromDefault(`${names.join(', ')} ${names.length === 1 ? 'has' : 'have'} no value here, so the app's own fallback is used`, at || 'read by the code')
}

/**
 * The default a number falls back to when the app sets it in a way conncalc cannot read
 * (`pool_size=compute()`, `max: getMax()`, an env var set nowhere): an assumption (`*`), and
 * it says where, so --explain names the file:line. A plain default is only for a value the app
 * does not set at all.
 */
export function assumedDefault(dflt: Sourced<number>, v: EvalValue, what: string): Sourced<number> {
  const reason =
    v.kind === 'unknown' ? v.reason
    : v.missingEnv?.length ? `${v.missingEnv.map((m) => m.name).join(', ')} is not set anywhere`
    : isCall(v) ? `it is what \`${v.value.callee}()\` returns, which conncalc does not compute`
    : 'it is not an integer'
  return {...dflt, via: [...(dflt.via ?? []), unreadAssumption(`the app sets ${what} at ${v.file}:${v.line}, which conncalc cannot read (${reason}); the default ${dflt.value} is assumed`)]}
}
