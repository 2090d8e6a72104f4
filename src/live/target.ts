import type {SslMode} from '../model/live.js'

import {UsageError} from '../util/errors.js'
import {redactUrl} from '../util/redact.js'
import {parsePgUrlWithoutFiles} from '../util/pg-url.js'
const SSL_MODES = new Set<SslMode>(['allow', 'disable', 'prefer', 'require', 'verify-ca', 'verify-full'])

/** Where `conncalc live` connects, read from a PostgreSQL URL. Holds the password: never print it. */
export interface LiveTarget {
  database: string
  host: string
  password?: string
  port: number
  /** Paths named by sslrootcert / sslcert / sslkey, read when connecting. */
  sslFiles: {cert?: string; key?: string; rootCert?: string}
  sslMode: SslMode
  /** Whether sslmode came from the URL or is libpq's default. */
  sslModeFrom: 'default' | 'url'
  /** The URL with its password replaced by `***`: the only form that is ever shown. */
  url: string
  user?: string
}

const PG_SCHEME = /^postgres(?:ql)?:\/\//i
/** Query parameters we handle ourselves (pg-connection-string would read files and warn about sslmode). */
const SSL_PARAMS = ['sslmode', 'ssl', 'sslrootcert', 'sslcert', 'sslkey', 'uselibpqcompat']

/**
 * Read a database URL. A URL that is not `postgres://` / `postgresql://` is a
 * usage error (exit 2) whose text shows only the scheme and the redacted URL.
 */
export function parseTarget(url: string, from: string): LiveTarget {
  const shown = redactUrl(url.trim())
  if (!PG_SCHEME.test(url.trim())) {
    // Only a URL is quoted (its password masked): `user:password@host/db` without a scheme is no URL to redact.
    const scheme = /^([a-z][\d+.a-z-]*):\/\//i.exec(url.trim())?.[1]
    throw new UsageError(
      scheme
        ? `${from} is a ${scheme}:// URL, not a PostgreSQL one (${shown})`
        : `${from} is not a PostgreSQL URL (expected postgres://user:password@host:5432/database)`,
      'conncalc live reads PostgreSQL only: pass --database-url postgres://…',
    )
  }

  // libpq's empty host (`postgres://u:pw@/db?host=/var/run/postgresql`, `postgres://u@:5433/db`), which psql and
  // node-postgres take: the URL class refuses credentials without a host, so it is read with localhost there, the host
  // node-postgres connects to when none is given (as for `postgres:///db`), unless ?host= names another.
  const full = url.trim().replace(/^(postgres(?:ql)?:\/\/[^/?#]*@)(?=[/:?#]|$)/i, '$1localhost')
  let params: URLSearchParams
  try {
    params = new URL(full).searchParams
  } catch {
    throw new UsageError(`${from} is not a valid URL (${shown})`, 'the form is postgres://user:password@host:5432/database; percent-encode special characters in the password')
  }

  const mode = sslModeOf(params, from)
  const stripped = stripParams(full, SSL_PARAMS)
  let parsed: ReturnType<typeof parsePgUrlWithoutFiles>
  try {
    parsed = parsePgUrlWithoutFiles(stripped)
  } catch {
    throw new UsageError(`${from} is not a valid PostgreSQL URL (${shown})`, 'the form is postgres://user:password@host:5432/database')
  }

  const host = parsed.host || 'localhost'
  const port = parsed.port ? Number(parsed.port) : 5432
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new UsageError(`${from} has an invalid port "${parsed.port}" (${shown})`)
  }

  return {
    database: parsed.database || parsed.user || 'postgres',
    host,
    password: parsed.password || undefined,
    port,
    sslFiles: {
      cert: params.get('sslcert') ?? undefined,
      key: params.get('sslkey') ?? undefined,
      rootCert: params.get('sslrootcert') ?? undefined,
    },
    sslMode: mode.mode,
    sslModeFrom: mode.from,
    url: shown,
    user: parsed.user || undefined,
  }
}

function sslModeOf(params: URLSearchParams, from: string): {from: 'default' | 'url'; mode: SslMode} {
  const mode = params.get('sslmode')
  if (mode !== null) {
    if (!SSL_MODES.has(mode as SslMode)) {
      throw new UsageError(`${from} has sslmode=${mode}, which PostgreSQL does not know`, `use one of ${[...SSL_MODES].join(', ')}`)
    }

    return {from: 'url', mode: mode as SslMode}
  }

  // node-postgres's own `ssl=true` means "SSL with certificate checks".
  const ssl = params.get('ssl')
  if (ssl === 'true' || ssl === '1') return {from: 'url', mode: 'verify-full'}
  if (ssl === 'false' || ssl === '0') return {from: 'url', mode: 'disable'}
  return {from: 'default', mode: 'prefer'}
}

function stripParams(url: string, names: string[]): string {
  const q = url.indexOf('?')
  if (q === -1) return url
  const kept = url
    .slice(q + 1)
    .split('&')
    .filter((pair) => !names.includes(pair.split('=')[0].toLowerCase()))
  return kept.length > 0 ? `${url.slice(0, q)}?${kept.join('&')}` : url.slice(0, q)
}

/** `host:port/database`, for messages. */
export const targetLabel = (t: LiveTarget): string => `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}/${t.database}`
