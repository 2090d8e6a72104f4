import {parse as parsePgUrl} from 'pg-connection-string'

/** "host:port" of a postgres URL, the identity of a server for budgeting; undefined when unknown. */
export function hostOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    const {host, port} = parsePgUrl(url, {useLibpqCompat: true})
    return host ? `${host}:${port || 5432}` : undefined
  } catch {
    return undefined
  }
}

/** The key of a pool whose server cannot be known (a host read from an env var with no value): never the primary's. */
export const unknownServer = (why: string): string => `unknown server: ${why}`
