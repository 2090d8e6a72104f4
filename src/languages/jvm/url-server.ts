/**
 * The server a JVM pool's URL property points at (model/other-server.ts): the env var its `${X}` reads, or
 * the env var that gave the property outright (Spring's relaxed binding, Quarkus's and Micronaut's env form).
 * The URLs the JVM buildpack's .profile.d/jdbc.sh derives from the platform's are the platform's too:
 * JDBC_DATABASE_URL, SPRING_DATASOURCE_URL (unless set already), DATABASE_CONNECTION_POOL_JDBC_URL and
 * HEROKU_POSTGRESQL_<COLOR>_JDBC_URL (heroku/heroku-buildpack-jvm-common opt/jdbc.sh).
 */
import type {Env} from '../../model/env.js'
import type {Source} from '../../model/source.js'

import {serverOfUrlVar} from '../../util/pg-url.js'

export const JDBC_SH = 'https://github.com/heroku/heroku-buildpack-jvm-common/blob/main/opt/jdbc.sh'
const JVM_PLATFORM_URLS = /^(SPRING_DATASOURCE_URL|JDBC_DATABASE_URL|DATABASE_CONNECTION_POOL_JDBC_URL|HEROKU_POSTGRESQL_\w+_JDBC_URL)$/

/** A URL property as the JVM readers hold it: its value, or the placeholder none filled, and the sources that gave it. */
export interface UrlProperty {
  placeholderVia?: Source[]
  source: Source
  unresolved?: string
  value?: string
  via?: Source[]
}

export function jvmUrlServer(url: undefined | UrlProperty, env: Env): string {
  if (!url) return 'DATABASE_URL'
  const name = url.unresolved ?? [url.source, ...(url.placeholderVia ?? []), ...(url.via ?? [])].flatMap((s) => (s.kind === 'env' ? [s.name] : []))[0]
  return name !== undefined && JVM_PLATFORM_URLS.test(name) ? 'DATABASE_URL' : serverOfUrlVar(name, env)
}
