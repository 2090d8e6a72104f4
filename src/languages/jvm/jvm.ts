/**
 * Spring Boot on the JVM: one process per dyno; HikariCP's pool is
 * spring.datasource.hikari.maximum-pool-size (default 10, HikariConfig.java)
 * and, with minimum-idle defaulting to the maximum, it is opened at start. Tomcat's
 * request threads wait for a pooled connection, so threads per process = the pool.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {fromDefault, type Source, sourced, type Sourced} from '../../model/source.js'
import {SpringConfig} from './spring.js'
import {isJvm} from '../common/matchers.js'

const HIKARI = 'https://github.com/brettwooldridge/HikariCP/blob/dev/src/main/java/com/zaxxer/hikari/HikariConfig.java'

function intProperty(config: SpringConfig, key: string, what: string, diagnostics: Diagnostic[]): Sourced<number> | undefined {
  const v = config.get(key)
  if (!v) return undefined
  const where = v.source.kind === 'file' ? {file: v.source.file, line: v.source.line} : {}
  if (v.unresolved) {
    diagnostics.push({code: 'unresolved-env', ...where, message: `${v.unresolved} is not set anywhere and ${key} reads it without a default, so ${what} is unknown`, severity: 'warning'})
    return undefined
  }

  if (v.value !== undefined && /^\s*\d+\s*$/.test(v.value)) return sourced(Number(v.value), v.source, v.placeholderVia)
  diagnostics.push({code: 'unknown-config-value', ...where, message: `cannot read ${what}: ${key}=${JSON.stringify(v.value)} is not an integer`, severity: 'warning'})
  return undefined
}

export const jvm: ServerAnalyzer = {
  analyze(ctx: AnalyzerContext): ServerAnalysis {
    const config = new SpringConfig(ctx, ctx.command.argv)
    const diagnostics: Diagnostic[] = [...config.diagnostics]
    const max = intProperty(config, 'spring.datasource.hikari.maximum-pool-size', 'the HikariCP pool size', diagnostics) ?? sourced(10, fromDefault('HikariCP default maximumPoolSize', HIKARI))
    const minIdle = intProperty(config, 'spring.datasource.hikari.minimum-idle', 'HikariCP minimum-idle', diagnostics)
    // minimumIdle < 0 or > maximumPoolSize means "= maximumPoolSize" (HikariConfig.validateNumerics).
    const minOpen: Sourced<number> =
      minIdle && minIdle.value >= 0 && minIdle.value <= max.value ? minIdle : sourced(max.value, fromDefault('HikariCP minimumIdle defaults to maximumPoolSize: the pool is filled at start', HIKARI), [max.source])
    const pool: PoolEntry = {database: 'hikari', minOpen, pool: max, server: 'DATABASE_URL'}
    const via: Source[] = [max.source]
    return {
      diagnostics,
      language: 'java',
      pools: [pool],
      processesPerDyno: sourced(1, fromDefault('one JVM per dyno', 'https://devcenter.heroku.com/articles/deploying-spring-boot-apps-to-heroku')),
      server: 'spring-boot',
      threadsPerProcess: sourced(max.value, fromDefault("request threads wait for one of HikariCP's connections; at most the pool size hold one at once", HIKARI), via),
    }
  },
  id: 'jvm',
  matches: isJvm,
}
