/**
 * Heroku's server-side connection pooling (`heroku pg:connection-pooling:attach`)
 * adds DATABASE_CONNECTION_POOL_URL; a process type uses it when its
 * DATABASE_URL is pointed there (the Procfile line
 * `web: DATABASE_URL=$DATABASE_CONNECTION_POOL_URL bundle exec puma …`), or
 * automatically on the JVM buildpack, or when `--pooled TYPE` says so.
 */
import type {Env} from '../model/env.js'
import type {ServerPooling} from '../model/pooler.js'

import {fromDefault} from '../model/source.js'

export const POOL_URL = 'DATABASE_CONNECTION_POOL_URL'
const JDBC = 'https://github.com/heroku/heroku-buildpack-jvm-common/blob/main/opt/jdbc.sh'
const JVM_LANGUAGES = new Set(['clojure', 'java', 'jvm', 'kotlin', 'scala'])

export function detectServerPooling(rawCommand: string, env: Env, language: string): ServerPooling | undefined {
  const databaseUrl = env.get('DATABASE_URL')
  const poolUrl = env.get(POOL_URL)
  if (databaseUrl && new RegExp(`\\bDATABASE_URL=["']?\\$\\{?${POOL_URL}\\b`).test(rawCommand)) return {via: databaseUrl.source}
  if (databaseUrl && poolUrl && poolUrl.value !== '' && databaseUrl.value === poolUrl.value) return {via: databaseUrl.source}
  if (poolUrl && JVM_LANGUAGES.has(language)) {
    return {via: fromDefault(`the JVM buildpack builds JDBC_DATABASE_URL from ${POOL_URL} when it is set`, JDBC)}
  }

  return undefined
}
