/**
 * An ADO.NET connection string as Npgsql reads it: `key=value` pairs separated
 * by `;`, values optionally in single or double quotes (a doubled quote inside
 * is one quote), keys case-insensitive (DbConnectionStringBuilder). Npgsql
 * knows a keyword by its display name or its property name, nothing else
 * (NpgsqlConnectionStringBuilderSourceGenerator: `displayName.ToUpperInvariant()`,
 * `property.Name.ToUpperInvariant()` and declared synonyms; the pool settings
 * declare none): `Maximum Pool Size`/`MaxPoolSize`, `Minimum Pool Size`/
 * `MinPoolSize`, `Pooling`.
 */
export interface ConnectionPair {
  key: string
  /** Undefined when part of the value is computed (an interpolation in C#). */
  value?: string
}

export type PoolSetting = 'max' | 'min' | 'pooling'

const KEYWORDS: Record<string, PoolSetting> = {
  'MAXIMUM POOL SIZE': 'max',
  MAXPOOLSIZE: 'max',
  'MINIMUM POOL SIZE': 'min',
  MINPOOLSIZE: 'min',
  POOLING: 'pooling',
}

/** Which pool setting a keyword (or a builder property name) sets, if any. */
export const poolSetting = (key: string): PoolSetting | undefined => KEYWORDS[key.trim().toUpperCase()]

/**
 * The pairs of a connection string. `hole` stands for a computed part (a C#
 * interpolation); a value containing it is unknown.
 */
export function parseConnectionString(text: string, hole?: string): ConnectionPair[] {
  const out: ConnectionPair[] = []
  let i = 0
  while (i < text.length) {
    while (i < text.length && (text[i] === ';' || /\s/.test(text[i]))) i++
    const eq = text.indexOf('=', i)
    if (eq === -1) break
    const key = text.slice(i, eq).trim()
    i = eq + 1
    while (i < text.length && text[i] === ' ') i++
    let value = ''
    const q = text[i]
    if (q === '"' || q === "'") {
      i++
      for (; i < text.length; i++) {
        if (text[i] === q && text[i + 1] === q) {
          value += q
          i++
        } else if (text[i] === q) {
          i++
          break
        } else value += text[i]
      }

      while (i < text.length && text[i] !== ';') i++
    } else {
      const end = text.indexOf(';', i)
      value = text.slice(i, end === -1 ? text.length : end).trim()
      i = end === -1 ? text.length : end
    }

    if (key) out.push(hole !== undefined && value.includes(hole) ? {key} : {key, value})
  }

  return out
}

/** Does this look like a PostgreSQL connection string (rather than Redis, SQL Server, a URL)? */
export function looksLikeNpgsql(pairs: ConnectionPair[]): boolean {
  const keys = new Set(pairs.map((p) => p.key.toUpperCase()))
  return (keys.has('HOST') || keys.has('SERVER')) && !keys.has('DATA SOURCE') && !keys.has('INITIAL CATALOG')
}
