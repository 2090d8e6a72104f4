import type {Diagnostic} from '../model/diagnostic.js'
import type {LiveRuleInput, Rule, RuleInput} from './types.js'

import {checkBeside} from './beside.js'

import {rule as cpuCountDefault} from './cpu-count-default.js'
import {rule as databasePlanFromManifest} from './database-plan-from-manifest.js'
import {rule as databasePlanUnknown} from './database-plan-unknown.js'
import {rule as databaseUrlMissing} from './database-url-missing.js'
import {rule as deployOverLimit} from './deploy-over-limit.js'
import {rule as deployPlatform} from './deploy-platform.js'
import {rule as duplicateProcessType} from './duplicate-process-type.js'
import {rule as forkDisconnectMissing} from './fork-disconnect-missing.js'
import {rule as formationCommandDiffers} from './formation-command-differs.js'
import {rule as defaultWebProcess} from './default-web-process.js'
import {rule as forkReconnectMissing} from './fork-reconnect-missing.js'
import {rule as greenletConcurrency} from './greenlet-concurrency.js'
import {rule as idleInTransaction} from './idle-in-transaction.js'
import {rule as imageBuiltHere} from './image-built-here.js'
import {rule as envStringTruthy} from './env-string-truthy.js'
import {rule as invalidProcfileLine} from './invalid-procfile-line.js'
import {rule as liveAbovePlan} from './live-above-plan.js'
import {rule as liveNearLimit} from './live-near-limit.js'
import {rule as missingApplicationName} from './missing-application-name.js'
import {rule as missingConfig} from './missing-config.js'
import {rule as nearLimit} from './near-limit.js'
import {rule as neverRuns} from './never-runs.js'
import {rule as notPostgresql} from './not-postgresql.js'
import {rule as pgbouncerClientLimit} from './pgbouncer-client-limit.js'
import {rule as pgbouncerPreparedStatements} from './pgbouncer-prepared-statements.js'
import {rule as pgbouncerSessionFeatures} from './pgbouncer-session-features.js'
import {rule as otherDatabases} from './other-databases.js'
import {rule as otherServerPools} from './other-server-pools.js'
import {rule as overLimit} from './over-limit.js'
import {rule as oversizedPool} from './oversized-pool.js'
import {rule as poolBelowThreads} from './pool-below-threads.js'
import {rule as poolOversized} from './pool-oversized.js'
import {rule as roleLimitBelowPlan} from './role-limit-below-plan.js'
import {rule as scheduledJobs} from './scheduled-jobs.js'
import {rule as serverPoolingClientLimit} from './server-pooling-client-limit.js'
import {rule as serverPoolingUnavailable} from './server-pooling-unavailable.js'
import {rule as staleIdle} from './stale-idle.js'
import {rule as unknownCommand} from './unknown-command.js'
import {rule as unboundedPool} from './unbounded-pool.js'
import {rule as unknownConfigValue} from './unknown-config-value.js'
import {rule as unknownDynoSize} from './unknown-dyno-size.js'
import {rule as unparsableConfig} from './unparsable-config.js'
import {rule as unresolvedEnv} from './unresolved-env.js'

/** Every rule, in the order `conncalc rules` lists them. */
export const rules: Rule[] = [
  overLimit,
  deployOverLimit,
  nearLimit,
  poolBelowThreads,
  oversizedPool,
  cpuCountDefault,
  unboundedPool,
  greenletConcurrency,
  // fork safety and pool sizing (issue 3)
  forkReconnectMissing,
  forkDisconnectMissing,
  poolOversized,
  databaseUrlMissing,
  unresolvedEnv,
  envStringTruthy,
  unknownCommand,
  duplicateProcessType,
  invalidProcfileLine,
  neverRuns,
  unparsableConfig,
  unknownConfigValue,
  unknownDynoSize,
  missingConfig,
  defaultWebProcess,
  scheduledJobs,
  deployPlatform,
  imageBuiltHere,
  notPostgresql,
  otherServerPools,
  databasePlanFromManifest,
  // poolers: the PgBouncer buildpack, Heroku's server-side pooling
  pgbouncerClientLimit,
  pgbouncerPreparedStatements,
  pgbouncerSessionFeatures,
  serverPoolingUnavailable,
  serverPoolingClientLimit,
  // conncalc live and plan --live
  liveNearLimit,
  idleInTransaction,
  staleIdle,
  roleLimitBelowPlan,
  missingApplicationName,
  liveAbovePlan,
  // -a/--app: the Heroku app read from the Platform API
  formationCommandDiffers,
  databasePlanUnknown,
  otherDatabases,
]

/** Rules that check one process at a time: they check the processes that run beside a type's own too (rules/beside.ts). */
const perProcess = new Set<Rule>([poolBelowThreads, oversizedPool, forkReconnectMissing, forkDisconnectMissing, poolOversized, otherServerPools])

export function runRules(input: RuleInput): Diagnostic[] {
  return rules.flatMap((r) => {
    const own = r.check?.(input) ?? []
    return perProcess.has(r) ? [...own, ...checkBeside(r, input, own)] : own
  })
}

export function runLiveRules(input: LiveRuleInput): Diagnostic[] {
  return rules.flatMap((r) => r.checkLive?.(input) ?? [])
}

export function findRule(code: string): Rule | undefined {
  return rules.find((r) => r.code === code)
}
