/**
 * Database URLs turned into Django DATABASES entries, as the libraries do:
 * dj-database-url `config(env="DATABASE_URL", default=None, conn_max_age=0,
 * engine=None)` and `parse(url, ...)`, django-environ `env.db(var="DATABASE_URL",
 * default=...)` / `env.db_url()` / `Env.db_url_config(url)`. The result is a
 * dict (ENGINE, CONN_MAX_AGE, …) that remembers which server its URL points at,
 * so `DATABASES["default"].update(...)`, `{**parse(...), "ATOMIC_REQUESTS": True}`
 * and item assignments keep working on it.
 */
import type {EvalValue, KnownValue, PyValue} from './values.js'
import {hostOfUrl, PLATFORM_DATABASE_URLS, unsetUrlServer} from '../../util/pg-url.js'

/** What DATABASE_URL reads as when no env file gives it: a PostgreSQL URL whose parts are not known. */
export const HEROKU_DATABASE_URL = 'postgres://heroku-postgres/DATABASE_URL'

const DJ = new Set(['dj_database_url.config', 'dj_database_url.parse'])
const ENVIRON = /^environ\.Env(\(\))?\.(db|db_url|database_url|db_url_config)$/

export const isDbUrlCall = (callee: string): boolean => DJ.has(callee) || ENVIRON.test(callee)

/** dj-database-url / django-environ scheme → Django ENGINE. */
function engineOf(url: string): string | undefined {
  const scheme = /^([a-z0-9+.-]+):/i.exec(url)?.[1].toLowerCase().split('+')[0]
  if (!scheme) return undefined
  if (['postgres', 'postgresql', 'pgsql', 'psql'].includes(scheme)) return 'django.db.backends.postgresql'
  if (scheme === 'postgis') return 'django.contrib.gis.db.backends.postgis'
  if (scheme === 'cockroach') return 'django_cockroachdb'
  if (scheme === 'sqlite' || scheme === 'spatialite') return 'django.db.backends.sqlite3'
  if (scheme === 'mysql' || scheme === 'mysql2' || scheme === 'mysqlgis') return 'django.db.backends.mysql'
  return scheme
}

export interface DbUrlInput {
  args: EvalValue[]
  callee: string
  kwargs: Record<string, EvalValue>
  /** Reads an env var as the evaluator does (DATABASE_URL is assumed set on Heroku). */
  readEnv: (name: string) => EvalValue
  /** DATABASE_URL's value when the user gave one, to match other URLs to its server. */
  primaryUrl?: string
}

/** The DATABASES entry the call returns, and the values it was computed from. */
export function dbUrlDict(input: DbUrlInput, at: (value: PyValue, ...from: (EvalValue | undefined)[]) => KnownValue): KnownValue {
  const {args, callee, kwargs} = input
  const str = (v: EvalValue | undefined): string | undefined => (v?.kind === 'known' && typeof v.value === 'string' ? v.value : undefined)
  let url: EvalValue | undefined
  let envName: string | undefined
  if (callee.endsWith('.parse') || callee.endsWith('.db_url_config')) {
    url = args[0] ?? kwargs.url
    const fromEnv = url?.kind === 'known' ? url.via.find((s) => s.kind === 'env') : undefined
    envName = fromEnv?.kind === 'env' ? fromEnv.name : str(url) === HEROKU_DATABASE_URL ? 'DATABASE_URL' : undefined
  } else {
    // config(env=…, default=…) / env.db(var=…, default=…): the first positional is the variable's name.
    envName = str(args[0] ?? kwargs.env ?? kwargs.var) ?? 'DATABASE_URL'
    const read = input.readEnv(envName)
    const dflt = (callee.startsWith('dj_database_url') ? kwargs.default : (args[1] ?? kwargs.default)) ?? undefined
    url = read.kind === 'known' && read.value !== null ? read : (dflt ?? read)
  }

  const text = str(url)
  const entries = new Map<string, EvalValue>()
  const scheme = text === undefined ? undefined : engineOf(text)
  if (kwargs.engine) entries.set('ENGINE', kwargs.engine)
  else if (scheme) entries.set('ENGINE', at(scheme, url))
  const age = kwargs.conn_max_age
  if (age) entries.set('CONN_MAX_AGE', age)
  if (kwargs.conn_health_checks) entries.set('CONN_HEALTH_CHECKS', kwargs.conn_health_checks)

  const host = text === HEROKU_DATABASE_URL ? undefined : hostOfUrl(text)
  const primaryHost = hostOfUrl(input.primaryUrl)
  const fromVar = text === HEROKU_DATABASE_URL || (url?.kind === 'known' && url.via.some((s) => s.kind === 'env' && s.name === envName))
  const server =
    envName === 'DATABASE_URL' && (fromVar || text === undefined)
      ? 'DATABASE_URL'
      : host && host === primaryHost
        ? 'DATABASE_URL'
        : fromVar && envName
          ? envName
          : host
            ? `host=${host}`
            : envName && text === undefined && url?.kind === 'known' && url.value === null && !PLATFORM_DATABASE_URLS.test(envName)
              ? // Read from a var other than the platform's that has no value: its server is unknown (model/other-server.ts).
                unsetUrlServer([envName])
              : (envName ?? 'DATABASE_URL')
  return at({entries, kind: 'dict', server}, url, age)
}
