/**
 * The Heroku PgBouncer buildpack (heroku/heroku-buildpack-pgbouncer): a Procfile
 * command wrapped in `bin/start-pgbouncer` runs PgBouncer inside each dyno, and the
 * variables named in PGBOUNCER_URLS are rewritten to point at it. PgBouncer keeps
 * one server pool per database and user and opens server connections only as
 * clients ask for them, so per database the dyno opens
 * min(PGBOUNCER_DEFAULT_POOL_SIZE + PGBOUNCER_RESERVE_POOL_SIZE, the client
 * connections its processes can open) — the cap is set here, the budget takes
 * the smaller (defaults from the buildpack's bin/gen-pgbouncer-conf.sh: 1 + 1).
 */
import {parse as parsePgUrl} from 'pg-connection-string'

import type {Diagnostic} from '../model/diagnostic.js'
import type {Env} from '../model/env.js'
import type {PgBouncerModel, SessionFeature} from '../model/pooler.js'
import type {Extra, PoolEntry} from '../model/process.js'
import type {AnalyzerContext} from '../languages/common/types.js'

import {assumed, fromDefault, type Source, sourced, type Sourced} from '../model/source.js'
import {readYamlErb} from '../languages/ruby/erb.js'
import {envCandidate, firstOf, programName} from '../languages/common/setting.js'
import {append} from '../util/arrays.js'

export const PGBOUNCER_WRAPPERS = ['bin/start-pgbouncer', 'bin/start-pgbouncer-stunnel']
const CONF = 'https://github.com/heroku/heroku-buildpack-pgbouncer/blob/main/bin/gen-pgbouncer-conf.sh'
// min_pool_size: "Add more server connections to pool if below this number … Only enforced for pools where … the
// entry in the [database] section for the pool has a value set for the user key (aka forced user), or there is at
// least one client connected to the pool."
const MIN_POOL = 'https://www.pgbouncer.org/config.html#min_pool_size'
const AR_PREPARED = 'https://api.rubyonrails.org/classes/ActiveRecord/ConnectionAdapters/PostgreSQLAdapter.html'
const PRISMA_PGBOUNCER = 'https://www.prisma.io/docs/orm/prisma-client/setup-and-configuration/databases-connections/pgbouncer'

const byDefault = (value: number, name: string): Sourced<number> => sourced(value, fromDefault(`heroku-buildpack-pgbouncer default ${name}`, CONF))

export interface PgBouncerAnalysis {
  diagnostics: Diagnostic[]
  model?: PgBouncerModel
  /** Replaces the type's processes × connections per dyno; absent when no URL it rewrites is on the budgeted server. */
  serverConnectionsPerDyno?: Extra
}

/** What the rest of the pipeline already knows about the process type. */
export interface PgBouncerInput {
  language: string
  pools: PoolEntry[]
  server: string
}

/** A command not run under bin/start-pgbouncer (most types) is answered at once, not through an async call's frame per type. */
export function analyzePgBouncer(ctx: AnalyzerContext, input: PgBouncerInput): PgBouncerAnalysis | Promise<PgBouncerAnalysis> {
  const wrapper = ctx.command.wrappers.find((w) => PGBOUNCER_WRAPPERS.includes(w))
  return wrapper ? pgBouncerOf(ctx, input, wrapper) : {diagnostics: []}
}

async function pgBouncerOf(ctx: AnalyzerContext, input: PgBouncerInput, wrapper: string): Promise<PgBouncerAnalysis> {
  const {env} = ctx
  // bin/start-pgbouncer just execs the command when PGBOUNCER_ENABLED is off.
  const enabled = env.get('PGBOUNCER_ENABLED')
  if (enabled && !/^(1|true|yes|on)$/i.test(enabled.value.trim())) return {diagnostics: []}

  const diagnostics: Diagnostic[] = []
  const number = (name: string, fallback: number, what: string): Sourced<number> => {
    const r = firstOf([envCandidate(env, [name], what)], byDefault(fallback, name))
    append(diagnostics, r.diagnostics.map((d) => ({...d, processType: ctx.processType})))
    return r.value
  }

  const defaultPoolSize = number('PGBOUNCER_DEFAULT_POOL_SIZE', 1, 'the PgBouncer pool size')
  const reservePoolSize = number('PGBOUNCER_RESERVE_POOL_SIZE', 1, 'the PgBouncer reserve pool size')
  const maxClientConn = number('PGBOUNCER_MAX_CLIENT_CONN', 100, 'the PgBouncer client limit')
  const minPoolSize = number('PGBOUNCER_MIN_POOL_SIZE', 0, 'the PgBouncer minimum pool size')
  const maxPreparedStatements = number('PGBOUNCER_MAX_PREPARED_STATEMENTS', 0, 'PgBouncer prepared statement tracking')
  const mode = env.get('PGBOUNCER_POOL_MODE')
  const poolMode = mode && mode.value.trim() !== '' ? sourced(mode.value.trim(), mode.source) : sourced('transaction', fromDefault('heroku-buildpack-pgbouncer default PGBOUNCER_POOL_MODE', CONF))
  const urlsEntry = env.get('PGBOUNCER_URLS')
  const urls: Sourced<string[]> =
    urlsEntry && urlsEntry.value.trim() !== ''
      ? sourced([...new Set(urlsEntry.value.trim().split(/\s+/))], urlsEntry.source)
      : sourced(['DATABASE_URL'], fromDefault('heroku-buildpack-pgbouncer default PGBOUNCER_URLS', CONF))

  const counted = countedUrls(urls.value, env)
  const model: PgBouncerModel = {
    countedUrls: counted.names,
    defaultPoolSize,
    maxClientConn,
    maxPreparedStatements,
    minPoolSize,
    poolMode,
    preparedStatementsSafe: preparedStatementsSafe(ctx, input, maxPreparedStatements, urls.value),
    reservePoolSize,
    sessionFeatures: await sessionFeatures(ctx, input),
    urls,
    wrapper,
  }
  if (counted.names.length === 0) return {diagnostics, model}

  const perDatabase = defaultPoolSize.value + reservePoolSize.value
  const n = counted.names.length
  const via: Source[] = [defaultPoolSize.source, reservePoolSize.source, urls.source, ...counted.assumptions]
  // min_pool_size per pool, capped at the pool size; the buildpack's [databases] entries force no user, so
  // PgBouncer keeps them open only while a client is connected to the pool (MIN_POOL), as at the peak.
  const kept = Math.min(minPoolSize.value, defaultPoolSize.value) * n
  const minOpen = kept > 0
    ? sourced(kept, fromDefault(`PGBOUNCER_MIN_POOL_SIZE ${minPoolSize.value}${minPoolSize.value > defaultPoolSize.value ? ` (capped at the pool size ${defaultPoolSize.value})` : ''} × ${n} database${n === 1 ? '' : 's'}: PgBouncer keeps that many server connections open per pool while a client is connected`, MIN_POOL), [minPoolSize.source])
    : undefined
  return {
    diagnostics,
    model,
    serverConnectionsPerDyno: {
      count: sourced(
        perDatabase * n,
        fromDefault(
          `(PGBOUNCER_DEFAULT_POOL_SIZE ${defaultPoolSize.value} + PGBOUNCER_RESERVE_POOL_SIZE ${reservePoolSize.value}) × ${n} database${n === 1 ? '' : 's'} in PGBOUNCER_URLS (${counted.names.join(', ')}): PgBouncer keeps one server pool per database and user`,
          CONF,
        ),
        via,
      ),
      reason: `PgBouncer in each dyno (${wrapper}) caps server connections`,
      ...(minOpen ? {minOpen} : {}),
    },
  }
}

/**
 * The variables of PGBOUNCER_URLS that reach the budgeted server (DATABASE_URL's).
 * Another variable counts when its URL has the same host, port and database, or
 * when its value is not known here (then as an assumption).
 */
function countedUrls(names: string[], env: Env): {assumptions: Source[]; names: string[]} {
  const primary = endpoint(env.get('DATABASE_URL')?.value)
  const out: string[] = []
  const assumptions: Source[] = []
  for (const name of names) {
    if (name === 'DATABASE_URL') {
      out.push(name)
      continue
    }

    const other = endpoint(env.get(name)?.value)
    if (primary && other) {
      if (primary === other) out.push(name)
      continue
    }

    out.push(name)
    assumptions.push(assumed(`${name} is counted on the same server as DATABASE_URL: its value is not known here (give both with --env-file)`))
  }

  return {assumptions, names: out}
}

function endpoint(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    const {database, host, port} = parsePgUrl(url.split('?')[0])
    return host ? `${host}:${port || 5432}/${database ?? ''}` : undefined
  } catch {
    return undefined
  }
}

/**
 * Whether prepared statements can break under transaction pooling: handled by
 * PgBouncer (max_prepared_statements), turned off by the app, on, or null when
 * conncalc does not know how this kind of app prepares statements.
 */
function preparedStatementsSafe(ctx: AnalyzerContext, input: PgBouncerInput, maxPrepared: Sourced<number>, urls: string[]): null | Sourced<boolean> {
  if (maxPrepared.value > 0) return sourced(true, maxPrepared.source)
  if (input.language === 'ruby') {
    const flag = ctx.env.get('PGBOUNCER_PREPARED_STATEMENTS')
    // The buildpack then appends ?prepared_statements=false to the URLs it rewrites.
    if (flag && flag.value.trim() === 'false') return sourced(true, flag.source)
    const on = input.pools.find((p) => p.preparedStatements?.value !== false)
    if (!on) return input.pools.length > 0 ? sourced(true, input.pools[0].preparedStatements!.source) : null
    return on.preparedStatements ?? sourced(false, fromDefault('ActiveRecord prepared_statements defaults to true', AR_PREPARED))
  }

  if (runsNode(ctx, input.language) && usesPrisma(ctx)) {
    for (const name of urls) {
      const e = ctx.env.get(name)
      if (e && /[?&]pgbouncer=true\b/.test(e.value)) return sourced(true, e.source)
    }

    const schema = ctx.files.read('prisma/schema.prisma')
    if (schema && schema.text.includes('pgbouncer=true')) {
      return sourced(true, {file: schema.path, kind: 'file', line: schema.text.slice(0, schema.text.indexOf('pgbouncer=true')).split('\n').length})
    }

    return sourced(false, fromDefault('Prisma uses prepared statements unless the URL says pgbouncer=true', PRISMA_PGBOUNCER))
  }

  return null
}

const NODE_PROGRAMS = new Set(['bun', 'next', 'node', 'npm', 'npx', 'pnpm', 'ts-node', 'tsx', 'yarn'])

function runsNode(ctx: AnalyzerContext, language: string): boolean {
  return language === 'node' || NODE_PROGRAMS.has(programName(ctx.command.argv[0]))
}

function usesPrisma(ctx: AnalyzerContext): boolean {
  const file = ctx.files.read('package.json')
  if (!file) return false
  try {
    const pkg = JSON.parse(file.text) as {dependencies?: Record<string, string>; devDependencies?: Record<string, string>}
    return ['@prisma/client', 'prisma'].some((d) => d in (pkg.dependencies ?? {}) || d in (pkg.devDependencies ?? {}))
  } catch {
    return false
  }
}

const WEB_SERVERS = new Set(['falcon', 'passenger', 'pitchfork', 'puma', 'thin', 'unicorn'])

/** Features that need one server connection for the whole session, which transaction pooling does not give. */
async function sessionFeatures(ctx: AnalyzerContext, input: PgBouncerInput): Promise<SessionFeature[]> {
  const out: SessionFeature[] = []
  // The job runners' own commands say it whatever analyzer read them.
  const program = programName(ctx.command.argv[0])
  if (program === 'good_job' || (WEB_SERVERS.has(input.server) && /^async/i.test(ctx.env.get('GOOD_JOB_EXECUTION_MODE')?.value ?? ''))) {
    out.push({what: 'GoodJob (LISTEN/NOTIFY for new jobs, advisory locks to claim them)'})
  }

  if (program === 'que') out.push({what: 'Que (its locker holds advisory locks and LISTENs)'})
  if (input.language !== 'ruby') return out
  if (ctx.versions.with_advisory_lock) out.push({file: 'Gemfile.lock', what: 'the with_advisory_lock gem (session advisory locks)'})
  if (WEB_SERVERS.has(input.server) || ctx.processType === 'web') {
    const cable = await actionCablePostgres(ctx)
    if (cable) out.push(cable)
  }

  return out
}

/** config/cable.yml with `adapter: postgresql` for the app environment: one LISTEN connection per process. */
async function actionCablePostgres(ctx: AnalyzerContext): Promise<SessionFeature | undefined> {
  const file = ctx.files.read('config/cable.yml')
  if (!file) return undefined
  const doc = await readYamlErb(file, {appEnv: ctx.appEnv, env: ctx.env}, ctx.files)
  const root = doc.yaml.value as Record<string, unknown> | undefined
  const section = root && typeof root === 'object' ? (root[ctx.appEnv] as Record<string, unknown> | undefined) : undefined
  if (!section || typeof section !== 'object' || section.adapter !== 'postgresql') return undefined
  return {file: file.path, line: doc.yaml.lineOf([ctx.appEnv, 'adapter']), what: "Action Cable's PostgreSQL adapter (LISTEN/NOTIFY)"}
}
