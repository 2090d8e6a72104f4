/**
 * SQLAlchemy engines found where the app builds them: `create_engine(url,
 * pool_size=…, max_overflow=…)` (QueuePool defaults 5 + 10), NullPool (no pool),
 * and Flask-SQLAlchemy's SQLALCHEMY_ENGINE_OPTIONS / `SQLAlchemy(engine_options=…)`.
 */
import type {EvalValue, PyCall, PyModule} from './values.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'

import {fromDefault, fromFile, sourced, type Sourced} from '../../model/source.js'
import {assumedDefault, pyCandidate} from './candidate.js'
import {asString, entry, isDict} from './evaluate.js'
import {append} from '../../util/arrays.js'
const POOL_REF = 'https://github.com/sqlalchemy/sqlalchemy/blob/main/lib/sqlalchemy/pool/impl.py'
const FLASK_REF = 'https://flask-sqlalchemy.readthedocs.io/en/stable/config/#flask_sqlalchemy.config.SQLALCHEMY_ENGINE_OPTIONS'

const ENGINE = /(^|\.)create(_async)?_engine$/
const isEngineCall = (c: PyCall): boolean => ENGINE.test(c.callee) && (!c.callee.includes('.') || /^(sqlalchemy|sqlmodel)\b/.test(c.callee))

export interface EnginePools {
  diagnostics: Diagnostic[]
  pools: PoolEntry[]
}

/** The server a pool's URL names: the env var it is read from (another server's key), else DATABASE_URL's. */
export function engineServer(url: EvalValue | undefined): string {
  const env = url?.kind === 'known' ? url.via.find((s) => s.kind === 'env') : undefined
  return env?.kind === 'env' ? env.name : 'DATABASE_URL'
}

/** pool_size + max_overflow from keyword arguments or an options dict, each with its source. */
function engineEntry(
  file: string,
  line: number,
  database: string,
  get: (k: string) => {line: number; v: EvalValue} | undefined,
  poolclass: string | undefined,
  server: string,
  threads: Sourced<number>,
  diagnostics: Diagnostic[],
): PoolEntry | undefined {
  if (poolclass && /(NullPool|StaticPool|SingletonThreadPool)$/.test(poolclass)) {
    // NullPool opens a connection per checkout: one per thread at a time.
    return {database, pool: sourced(threads.value, fromFile(file, line), [fromDefault(`${poolclass.split('.').pop()}: no pool, one connection per thread in use`, POOL_REF), threads.source]), server}
  }

  const read = (k: string, dflt: number): Sourced<number> => {
    const found = get(k)
    const c = found ? pyCandidate(found.v, `SQLAlchemy ${k}`) : {diagnostics: []}
    append(diagnostics, c.diagnostics)
    if (c.value) return c.value
    const fallback = sourced(dflt, fromDefault(`SQLAlchemy QueuePool default ${k}`, POOL_REF))
    return found ? assumedDefault(fallback, found.v, `SQLAlchemy ${k}`) : fallback
  }

  const size = read('pool_size', 5)
  const overflow = read('max_overflow', 10)
  if (overflow.value < 0 || size.value === 0) {
    diagnostics.push({
      code: 'unbounded-pool',
      file,
      fix: 'set pool_size and max_overflow to non-negative numbers',
      line,
      message: `this SQLAlchemy engine's pool has no upper bound (${overflow.value < 0 ? 'max_overflow=-1' : 'pool_size=0'}); conncalc counts one connection per thread`,
      severity: 'warning',
    })
    return {database, pool: sourced(threads.value, fromFile(file, line), [threads.source]), server}
  }

  return {database, pool: sourced(size.value + overflow.value, fromFile(file, line), [size.source, ...(size.via ?? []), overflow.source, ...(overflow.via ?? [])]), server}
}

function flaskOptions(modules: PyModule[]): {file: string; line: number; value: EvalValue} | undefined {
  let found: {file: string; line: number; value: EvalValue} | undefined
  for (const m of modules) {
    const top = m.names.get('SQLALCHEMY_ENGINE_OPTIONS')
    if (top) found = {file: top.file, line: top.line, value: top}
    for (const v of m.names.values()) {
      if (v.kind === 'known' && typeof v.value === 'object' && v.value?.kind === 'class') {
        const opt = v.value.attrs.get('SQLALCHEMY_ENGINE_OPTIONS')
        if (opt) found ??= {file: opt.file, line: opt.line, value: opt}
      }
    }

    for (const a of m.itemAssignments) if (a.key === 'SQLALCHEMY_ENGINE_OPTIONS') found = {file: m.file, line: a.line, value: a.value}
    for (const c of m.calls) {
      if (c.callee.endsWith('config.update') && c.kwargs.SQLALCHEMY_ENGINE_OPTIONS) found = {file: m.file, line: c.line, value: c.kwargs.SQLALCHEMY_ENGINE_OPTIONS}
    }
  }

  return found
}

export function enginePools(modules: PyModule[], threads: Sourced<number>): EnginePools {
  const diagnostics: Diagnostic[] = []
  const pools: PoolEntry[] = []
  for (const m of modules) {
    for (const c of m.calls) {
      if (!isEngineCall(c)) continue
      const url = c.args[0] ?? c.kwargs.url
      if (asString(url)?.startsWith('sqlite')) continue
      const e = engineEntry(m.file, c.line, `engine ${m.file}:${c.line}`, (k) => (c.kwargs[k] ? {line: c.kwargs[k].line, v: c.kwargs[k]} : undefined), c.kwargText.poolclass, engineServer(url), threads, diagnostics)
      if (e) pools.push(e)
    }
  }

  const flask = modules.flatMap((m) => m.calls.filter((c) => c.callee === 'flask_sqlalchemy.SQLAlchemy').map((c) => ({c, m})))
  if (flask.length > 0) {
    const {c, m} = flask[0]
    const opts = c.kwargs.engine_options ? {file: c.kwargs.engine_options.file, line: c.kwargs.engine_options.line, value: c.kwargs.engine_options} : flaskOptions(modules)
    const file = opts?.file ?? m.file
    const get = (k: string): {line: number; v: EvalValue} | undefined => {
      const v = entry(opts?.value, k)
      return v ? {line: v.line, v} : undefined
    }

    if (opts && !isDict(opts.value)) {
      diagnostics.push({code: 'unknown-config-value', file, line: opts.line, message: `cannot read SQLALCHEMY_ENGINE_OPTIONS; using SQLAlchemy's pool defaults`, severity: 'warning'})
    }

    const e = engineEntry(file, opts?.line ?? c.line, 'flask-sqlalchemy', get, undefined, 'DATABASE_URL', threads, diagnostics)
    if (e) {
      e.pool.via = [...(e.pool.via ?? []), fromDefault('Flask-SQLAlchemy passes SQLALCHEMY_ENGINE_OPTIONS to create_engine', FLASK_REF)]
      pools.push(e)
    }
  }

  return {diagnostics, pools}
}

