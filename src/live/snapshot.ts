import type {LiveBackend, LiveSnapshot, SslInfo, SslMode} from '../model/live.js'
import type {ConnectionOptions} from 'node:tls'

import type pg from 'pg'

import {UsageError} from '../util/errors.js'
import {readTextFile, whyNotText} from '../io/files.js'
import {connectionError} from './errors.js'
import {type LiveTarget} from './target.js'
import {MAX_BACKENDS} from '../util/numbers.js'
export interface SnapshotOptions {
  connectTimeoutSeconds: number
  statementTimeoutSeconds: number
}

/** How conncalc names its own session, so that it can be told apart (and left out). */
export const APPLICATION_NAME = 'conncalc live'

/**
 * Connect, read the limits and pg_stat_activity, disconnect. The session is
 * read-only (default_transaction_read_only) and every step is bounded by the
 * connect and statement timeouts. Any failure is a UsageError (exit 2) that
 * never contains the password.
 */
export async function takeSnapshot(target: LiveTarget, options: SnapshotOptions): Promise<LiveSnapshot> {
  const client = await connect(target, options)
  try {
    return await read(client, target, options)
  } catch (error) {
    // Database and network failures are the user's to fix (exit 2); anything else is a bug.
    if (isDatabaseFailure(error)) throw connectionError(error, target, options)
    throw error
  } finally {
    await endQuietly(client)
  }
}

/** Close the session without waiting on a server that no longer answers (a CLI must never hang). */
async function endQuietly(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const gaveUp = await Promise.race([
    client.end().then(
      () => false,
      () => false,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), 1000)
    }),
  ])
  clearTimeout(timer)
  if (gaveUp) (client as unknown as {connection?: {stream?: {destroy(): void}}}).connection?.stream?.destroy()
}

async function connect(target: LiveTarget, options: SnapshotOptions): Promise<pg.Client> {
  const tls = tlsOptions(target)
  // libpq's prefer: SSL first, plain if the server has none; allow: the other way round.
  const attempts: (ConnectionOptions | false)[] =
    target.sslMode === 'prefer' ? [tls, false] : target.sslMode === 'allow' ? [false, tls] : [target.sslMode === 'disable' ? false : tls]
  let last: unknown
  // pg costs ~35 ms to load: only `live` and `plan --live` pay for it.
  const {default: {Client}} = await import('pg')
  for (const ssl of attempts) {
    const client = new Client({
      application_name: APPLICATION_NAME,
      connectionTimeoutMillis: options.connectTimeoutSeconds * 1000,
      database: target.database,
      host: target.host,
      password: target.password,
      port: target.port,
      query_timeout: (options.statementTimeoutSeconds + options.connectTimeoutSeconds) * 1000,
      ssl,
      user: target.user,
    })
    // A socket error after connect would otherwise be an unhandled 'error' event.
    client.on('error', () => {})
    try {
      await client.connect()
      return client
    } catch (error) {
      last = error
      await endQuietly(client)
      if (!retryable(error, ssl !== false)) break
    }
  }

  throw connectionError(last, target, options)
}

function isDatabaseFailure(error: unknown): boolean {
  const e = error as {code?: unknown; message?: unknown}
  return typeof e?.code === 'string' || /timeout|terminated|ended unexpectedly/i.test(String(e?.message ?? ''))
}

/** Only the SSL negotiation decides whether the next attempt (with or without SSL) may help. */
function retryable(error: unknown, usedSsl: boolean): boolean {
  const e = error as {code?: string; message?: string}
  if (usedSsl) return e.message === 'The server does not support SSL connections'
  return e.code === '28000' && /no encryption|SSL off/i.test(e.message ?? '')
}

function tlsOptions(target: LiveTarget): ConnectionOptions {
  const file = (path: string | undefined, what: string): string | undefined => {
    if (path === undefined) return undefined
    // readTextFile: a FIFO or /dev/zero is refused before it is opened (no timeout applies yet here).
    const f = readTextFile(path)
    if (f.kind === 'text') return f.text
    throw new UsageError(`cannot read ${what} "${path}" named in the database URL${f.kind === 'missing' ? '' : ` (${whyNotText(f)})`}`, 'check the path (it is relative to the current directory)')
  }

  const ca = file(target.sslFiles.rootCert, 'sslrootcert')
  const cert = file(target.sslFiles.cert, 'sslcert')
  const key = file(target.sslFiles.key, 'sslkey')
  const verify = verifies(target.sslMode, ca !== undefined)
  const tls: ConnectionOptions = {rejectUnauthorized: verify !== 'none'}
  if (ca) tls.ca = ca
  if (cert) tls.cert = cert
  if (key) tls.key = key
  // verify-ca checks the chain, not the host name (libpq's meaning).
  if (verify === 'chain') tls.checkServerIdentity = () => undefined
  return tls
}

/** As libpq: require with a root certificate behaves like verify-ca. */
function verifies(mode: SslMode, hasRootCert: boolean): 'chain' | 'full' | 'none' {
  if (mode === 'verify-full') return 'full'
  if (mode === 'verify-ca' || (mode === 'require' && hasRootCert)) return 'chain'
  return 'none'
}

const ACTIVITY = `
SELECT pid, datname, usename, application_name, host(client_addr) AS client_addr, state,
       EXTRACT(EPOCH FROM (clock_timestamp() - state_change))::float8 AS state_seconds
FROM pg_stat_activity
WHERE pid <> pg_backend_pid() AND %FILTER%
ORDER BY pid
LIMIT 100000`

async function read(client: pg.Client, target: LiveTarget, options: SnapshotOptions): Promise<LiveSnapshot> {
  await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY')
  await client.query(`SET statement_timeout = ${Math.round(options.statementTimeoutSeconds * 1000)}`)

  const settings = await client.query<{name: string; setting: string}>(
    `SELECT name, setting FROM pg_settings
     WHERE name IN ('max_connections', 'superuser_reserved_connections', 'reserved_connections', 'server_version', 'server_version_num')`,
  )
  const setting = (name: string): string | undefined => settings.rows.find((r) => r.name === name)?.setting
  const versionNum = Number(setting('server_version_num') ?? 0)

  const role = await client.query<{rolconnlimit: number; rolname: string; rolsuper: boolean}>(
    'SELECT rolname, rolconnlimit, rolsuper FROM pg_roles WHERE rolname = current_user',
  )
  const reservedRole =
    versionNum >= 160_000
      ? (await client.query<{member: boolean}>("SELECT pg_has_role(current_user, 'pg_use_reserved_connections', 'MEMBER') AS member")).rows[0]?.member
      : false

  const ssl = await client.query<{ssl: boolean | null}>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')
  // backend_type (PostgreSQL 10+) separates client sessions from background workers.
  // The server hides it (and the state) for other roles' sessions unless we may see
  // them all (pg_read_all_stats); a hidden row with a user and a database is counted
  // as a client (launchers and other background processes have no database).
  const filter =
    versionNum >= 100_000
      ? "(backend_type = 'client backend' OR (backend_type IS NULL AND usename IS NOT NULL AND datid IS NOT NULL))"
      : 'datid IS NOT NULL'
  const activity = await client.query<{
    application_name: null | string
    client_addr: null | string
    datname: null | string
    pid: number
    state: null | string
    state_seconds: null | number
    usename: null | string
  }>(ACTIVITY.replace('%FILTER%', filter))

  const r = role.rows[0]
  const backends: LiveBackend[] = activity.rows.map((row) => ({
    applicationName: row.application_name ?? '',
    clientAddr: row.client_addr,
    database: row.datname,
    pid: row.pid,
    state: row.state,
    stateSeconds: row.state_seconds === null ? null : Math.max(0, Math.floor(row.state_seconds)),
    user: row.usename,
  }))

  const maxConnections = Number(setting('max_connections'))
  // A server (or something answering as one) that reports a limit PostgreSQL cannot have
  // would make every figure after it meaningless.
  if (!Number.isInteger(maxConnections) || maxConnections < 1 || maxConnections > MAX_BACKENDS) {
    throw new UsageError(`the server reported max_connections ${JSON.stringify(setting('max_connections') ?? null)}, which PostgreSQL does not allow (1 to ${MAX_BACKENDS})`, 'check that the URL points at a PostgreSQL server')
  }

  return {
    backends,
    maxConnections,
    reservedConnections: setting('reserved_connections') === undefined ? null : Number(setting('reserved_connections')),
    role: {
      canUseReserved: Boolean(reservedRole),
      connectionLimit: r && r.rolconnlimit >= 0 ? r.rolconnlimit : null,
      name: r?.rolname ?? target.user ?? '',
      superuser: Boolean(r?.rolsuper),
    },
    serverVersion: setting('server_version') ?? 'unknown',
    ssl: sslInfo(target, Boolean(ssl.rows[0]?.ssl)),
    superuserReservedConnections: Number(setting('superuser_reserved_connections') ?? 0),
    url: target.url,
  }
}

function sslInfo(target: LiveTarget, encrypted: boolean): SslInfo {
  const verify = verifies(target.sslMode, target.sslFiles.rootCert !== undefined)
  const mode = `sslmode=${target.sslMode}${target.sslModeFrom === 'default' ? " (libpq's default)" : ''}`
  let note: string
  if (!encrypted) note = `not encrypted (${mode})`
  else if (verify === 'none') {
    note = `encrypted, server certificate not verified (${mode}): Heroku Postgres requires SSL but its certificates do not verify against public CAs; use sslmode=verify-full with sslrootcert to check one`
  } else note = `encrypted, server certificate verified (${mode})`
  return {encrypted, mode: target.sslMode, modeFrom: target.sslModeFrom, note, verified: encrypted && verify !== 'none'}
}
