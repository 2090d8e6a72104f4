import {parse as parsePgUrl} from 'pg-connection-string'

/** The query parameters pg-connection-string opens as files (readFileSync: `sslrootcert=/dev/zero` never ends). */
const FILE_PARAMS = new Set(['sslcert', 'sslkey', 'sslrootcert'])

/**
 * pg-connection-string's `parse`, but never reading a file: a URL from the app's env, .env or database.yml may name
 * sslcert, sslkey or sslrootcert, which parse reads with readFileSync — a FIFO there blocks forever, /dev/zero eats
 * all memory. Those parameters are left out (a key written percent-encoded too, as the URL class decodes it); if the
 * URL would still name one as parse reads it, its whole query is. Throws as parse throws.
 */
export function parsePgUrlWithoutFiles(url: string, options?: Parameters<typeof parsePgUrl>[1]): ReturnType<typeof parsePgUrl> {
  let safe = url
  const q = url.indexOf('?')
  if (q !== -1) {
    const kept = url
      .slice(q + 1)
      .split('&')
      .filter((pair) => !FILE_PARAMS.has([...new URLSearchParams(pair).keys()][0] ?? ''))
    safe = kept.length > 0 ? `${url.slice(0, q)}?${kept.join('&')}` : url.slice(0, q)
    if (namesFile(safe)) safe = url.slice(0, q)
  }

  return parsePgUrl(safe, options)
}

/** Whether parse would read a file for `url`: its query as parse reads it (pg-connection-string index.js). */
function namesFile(url: string): boolean {
  const str = / |%[^\da-f]|%[\da-f][^\da-f]/i.test(url) ? encodeURI(url).replaceAll(/%25(\d\d)/g, '%$1') : url
  for (const candidate of [str, str.replace('@/', '@___DUMMY___/')]) {
    try {
      return [...new URL(candidate, 'postgres://base').searchParams.keys()].some((k) => FILE_PARAMS.has(k))
    } catch {
      // parse tries the URL again with a dummy host; if that fails too it throws before reading anything
    }
  }

  return false
}

/** "host:port" of a postgres URL, the identity of a server for budgeting; undefined when unknown. */
export function hostOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    const {host, port} = parsePgUrlWithoutFiles(url, {useLibpqCompat: true})
    return host ? `${host}:${port || 5432}` : undefined
  } catch {
    return undefined
  }
}

/** The rule these keys follow: src/model/other-server.ts ("Which server a pool is counted on"). */

/** Env vars the platform sets to the plan's database URL. */
export const PLATFORM_DATABASE_URLS = /^(DATABASE_URL|JDBC_DATABASE_URL|HEROKU_POSTGRESQL_\w+_URL|SCALINGO_POSTGRESQL_URL)$/

/** Whether a database host names this machine (localhost, 127.0.0.1, ::1, a socket folder): on a dyno no server listens there. */
export const isLocalHost = (host: string): boolean => ['localhost', '127.0.0.1', '::1'].includes(host) || host.startsWith('/')

/** The key of a pool whose server cannot be known (a host read from an env var with no value): never the primary's. */
export const unknownServer = (why: string): string => `unknown server: ${why}`

/**
 * The key of a pool that reaches no database server on the platform: a Rails database.yml entry with no url or
 * host that ActiveRecord merges no URL into (it connects to a local socket, where a dyno runs no PostgreSQL). Listed,
 * never counted; the analyzer that makes it says why (database-url-missing).
 */
export const noServer = (why: string): string => `${NO_SERVER}${why}`
export const NO_SERVER = 'no server: '

/** The key of a pool whose URL (or host) is read from env vars that have no value. */
export const unsetUrlServer = (names: readonly string[]): string => {
  const unique = [...new Set(names)]
  return unknownServer(`${unique.join(', ')} ${unique.length === 1 ? 'has' : 'have'} no value`)
}

/**
 * The server key of a pool whose URL is read from the env var `name`, for an analyzer that knows only the var's
 * name (Ecto's `url:`, a Spring/Quarkus/Micronaut `url` property's `${X}`): the platform's var, or none, is
 * DATABASE_URL's server; a var with no value is an unknown server (unsetUrlServer); a value whose host and port
 * differ from DATABASE_URL's (both given) is a server of its own, keyed by the var; else DATABASE_URL's.
 * A JDBC URL (`jdbc:postgresql://h:p/db`) is read without its `jdbc:`.
 */
export function serverOfUrlVar(name: string | undefined, env: {get(name: string): undefined | {value: string}}): string {
  if (name === undefined || PLATFORM_DATABASE_URLS.test(name)) return 'DATABASE_URL'
  const set = env.get(name)
  if (!set) return unsetUrlServer([name])
  const host = hostOfUrl(set.value.replace(/^jdbc:/, ''))
  const primary = hostOfUrl(env.get('DATABASE_URL')?.value)
  return host && primary && host !== primary ? name : 'DATABASE_URL'
}

/** The env vars an unsetUrlServer key names, else undefined (another kind of key). */
export function unsetVarsOf(key: string): string[] | undefined {
  if (!key.startsWith('unknown server: ')) return undefined
  const m = /^unknown server: ([A-Za-z_][\w, ]*?) (?:has|have) no value$/.exec(key)
  return m ? m[1].split(', ') : undefined
}
