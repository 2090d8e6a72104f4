import {UsageError} from '../util/errors.js'
import {MASK} from '../util/redact.js'
import {type LiveTarget, targetLabel} from './target.js'

/** What pg and Node put on a failed connection or query. */
interface PgLikeError {
  code?: string
  message?: string
}

/**
 * `text` with `password` (and its percent-encoded form) replaced by the mask. One shorter than 4
 * characters is masked only where it stands apart, not inside words the message needs.
 */
export function withoutPassword(text: string, password: string | undefined): string {
  if (!password) return text
  let out = text
  for (const form of new Set([password, encodeURIComponent(password)])) {
    if (form.length >= 4) out = out.replaceAll(form, MASK)
    else out = out.replaceAll(new RegExp(`(?<![\\p{L}\\p{N}])${form.replaceAll(/[$()*+.?[\\\]^{|}]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'gu'), MASK)
  }

  return out
}

const HEROKU_CREDENTIALS = 'on Heroku, credentials rotate: `heroku config:get DATABASE_URL -a APP` prints the current URL'

/**
 * One clear line and a hint for a database we could not use (exit 2). The
 * message names the host, port, database and user, never the password; the
 * server's own text is kept where it helps, with the password conncalc connected with
 * removed from it (as written and percent-encoded): a server, a proxy or a pooler in front of
 * it may quote it back, where no URL or `password=` marks it for the general redaction.
 */
export function connectionError(error: unknown, target: LiveTarget, opts: {connectTimeoutSeconds: number}): UsageError {
  const e = (error ?? {}) as PgLikeError
  const code = e.code ?? ''
  const text = withoutPassword(e.message ?? String(error), target.password)
  const at = targetLabel(target)
  const user = target.user ? ` as "${target.user}"` : ''

  switch (code) {
    case 'ECONNREFUSED': {
      return new UsageError(`could not connect to ${at}: connection refused`, 'is PostgreSQL running there and listening on that port? Check the host and port in the URL')
    }

    case 'ENOENT': {
      // A socket folder as the host (`?host=/var/run/postgresql`): pg connects to FOLDER/.s.PGSQL.PORT, which is not there.
      const socket = /\/\S*\.s\.PGSQL\.\d+/.exec(text)?.[0]
      return new UsageError(
        `could not connect to ${at}: no PostgreSQL socket ${socket ? `at ${socket}` : 'in that folder'}`,
        'is PostgreSQL running on this machine, and is that the folder of its socket (unix_socket_directories)? For a server on the network, give its host name in the URL',
      )
    }

    case 'ENOTFOUND':
    case 'EAI_AGAIN': {
      return new UsageError(`could not connect to ${at}: host "${target.host}" not found`, 'check the host name in the URL (and your network or VPN)')
    }

    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
    case 'ECONNRESET': {
      return new UsageError(`could not connect to ${at}: ${code === 'ECONNRESET' ? 'the connection was reset' : 'host unreachable'}`, 'check that the host is reachable from this machine (firewall, VPN, trusted sources)')
    }

    case '28P01': {
      return new UsageError(`password authentication failed for user "${target.user ?? '?'}" on ${at}`, `check the password in the URL (conncalc never prints it); ${HEROKU_CREDENTIALS}`)
    }

    case '28000': {
      if (/no encryption|SSL off/i.test(text)) {
        return new UsageError(`${at} refused a connection without SSL${user}`, 'the server requires SSL (Heroku Postgres does): remove sslmode=disable from the URL')
      }

      return new UsageError(`${at} refused the connection${user}: ${text}`, HEROKU_CREDENTIALS)
    }

    case '3D000': {
      return new UsageError(`database "${target.database}" does not exist on ${target.host}:${target.port}`, 'check the database name (the path of the URL)')
    }

    case '53300': {
      return new UsageError(`${at} refused the connection: ${text}`, 'the database is out of connection slots right now: `conncalc plan` shows which process types take them; `heroku pg:killall` frees them')
    }

    case '57P03': {
      return new UsageError(`${at} is not accepting connections yet: ${text}`, 'the server is starting up or shutting down; try again in a moment')
    }

    case '57014': {
      return new UsageError(`a query on ${at} was cancelled by the statement timeout`, 'the server is busy; raise --statement-timeout')
    }

    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'CERT_HAS_EXPIRED': {
      return new UsageError(
        `could not verify the SSL certificate of ${at} (sslmode=${target.sslMode}): ${text}`,
        "Heroku Postgres certificates do not verify against public CAs: use sslmode=require (encrypted, certificate not checked), or sslrootcert=FILE with the server's CA",
      )
    }
  }

  if (text === 'The server does not support SSL connections') {
    return new UsageError(`${at} does not accept SSL, but sslmode=${target.sslMode} requires it`, 'for a local server without SSL use sslmode=prefer or sslmode=disable')
  }

  if (/timeout expired|connection timeout|Query read timeout/i.test(text)) {
    return new UsageError(
      `timed out after ${opts.connectTimeoutSeconds} s waiting for ${at}`,
      'check that the host and port are right and reachable from here, or raise --connect-timeout',
    )
  }

  // pg's words when the answer to its SSL request is neither S nor N (pg/lib/connection.js): another service on that port, or an ErrorResponse.
  if (/error establishing an SSL connection/i.test(text)) {
    return new UsageError(`${at} answered the SSL request with neither yes nor no: it is not a PostgreSQL server, or one that failed before start-up`, 'check the host and port in the URL (another service, HTTP or a proxy, may listen there); if they are right, try again')
  }

  if (/terminated unexpectedly|ended unexpectedly/i.test(text)) {
    return new UsageError(`${at} closed the connection during start-up: is it a PostgreSQL server?`, 'check the host and port in the URL')
  }

  if (/^[\dA-Z]{5}$/.test(code)) return new UsageError(`${at} refused${user}: ${text}`)
  return new UsageError(`could not connect to ${at}: ${text}`, 'check the URL, and that the database is reachable from this machine')
}
