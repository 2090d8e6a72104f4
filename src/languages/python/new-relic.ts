/**
 * The New Relic Python agent (`newrelic-admin run-program gunicorn …`) runs EXPLAIN for the slow SQL it traced, on
 * a connection of its own: at each harvest (every minute) the application's harvest makes
 * `SQLConnections(agent_limits.max_sql_connections)` and, for each slow statement kept for an explain plan, opens
 * `database.connect(*args, **kwargs)` with the app's own connect arguments, closing them when the harvest ends
 * (newrelic/core/application.py harvest, newrelic/core/database_utils.py SQLConnections.connection). So each process
 * the agent runs in can hold one connection beside its pool, as the Ruby agent's explain does (ruby/new-relic.ts):
 * +1 per process, counted outside the pool and labelled an assumption (it is opened only when a statement ran longer
 * than transaction_tracer.explain_threshold, 0.5 s by default).
 *
 * Explain plans are made through the DB-API hooks that know PostgreSQL's EXPLAIN (psycopg2, psycopg: their
 * `_nr_explain_query`); asyncpg's hook has none, so an app that installs neither gets no +1. Off when the config file
 * the agent reads (NEW_RELIC_CONFIG_FILE: newrelic-admin reads no other) says `monitor_mode = false`,
 * `transaction_tracer.explain_enabled = false` or `transaction_tracer.record_sql = off`, or NEW_RELIC_MONITOR_MODE
 * is false.
 */
import type {AddonAnalysis, AnalyzerContext, ProcessAddon, ServerAnalysis} from '../common/types.js'
import type {Source} from '../../model/source.js'

import {assumed, fromDefault, fromFile} from '../../model/source.js'
import {parseIni} from '../../util/ini.js'
import {installedRequirementFiles} from './installed.js'

const DATABASE_UTILS = 'https://github.com/newrelic/newrelic-python-agent/blob/main/newrelic/core/database_utils.py'
const CONFIG_REF = 'https://docs.newrelic.com/docs/apm/agents/python-agent/configuration/python-agent-configuration/#txn-tracer-explain-enabled'

/** The files the Python buildpack installs from, read for a PostgreSQL DB-API driver the agent explains through. */
const DEPENDENCY_FILES = ['requirements.txt', 'requirements/base.txt', 'requirements/production.txt', 'requirements/prod.txt', 'Pipfile', 'Pipfile.lock', 'pyproject.toml', 'poetry.lock', 'uv.lock', 'setup.py']
const EXPLAINING_DRIVER = /(^|[^\w-])(psycopg2|psycopg2-binary|psycopg|psycopg-binary)([^\w-]|$)/im

const isFalse = (v: string): boolean => ['false', 'off', 'no', '0'].includes(v.trim().toLowerCase())

/** The ini setting that turns explain plans off, in [newrelic] or the [newrelic:ENV] section NEW_RELIC_ENVIRONMENT names. */
function offInConfig(ctx: AnalyzerContext, file: string): Source | undefined {
  const text = ctx.files.read(file)?.text
  if (!text) return undefined
  const env = ctx.env.get('NEW_RELIC_ENVIRONMENT')?.value
  const sections = parseIni(text).filter((s) => s.name === 'newrelic' || (env !== undefined && s.name === `newrelic:${env}`))
  const setting = (key: string): {line: number; value: string} | undefined => sections.map((s) => s.values.get(key)).filter((v) => v !== undefined).at(-1)
  for (const key of ['monitor_mode', 'transaction_tracer.explain_enabled']) {
    const v = setting(key)
    if (v && isFalse(v.value)) return fromFile(file, v.line)
  }

  const sql = setting('transaction_tracer.record_sql')
  return sql?.value.trim().toLowerCase() === 'off' ? fromFile(file, sql.line) : undefined
}

export const pythonNewRelic: ProcessAddon = {
  analyze(ctx: AnalyzerContext, server: ServerAnalysis): AddonAnalysis {
    const wrapper = ctx.command.wrappers.find((w) => w.startsWith('newrelic-admin run-'))
    if (!wrapper || server.language !== 'python' || server.threadsPerProcess.value === 0 || !(server.pools ?? []).some((p) => p.pool.value > 0)) return {diagnostics: []}
    // The usual dependency files, else the files requirements.txt includes or the image's pip install reads.
    const driverFile = DEPENDENCY_FILES.find((f) => EXPLAINING_DRIVER.test(ctx.files.read(f)?.text ?? '')) ?? installedRequirementFiles(ctx).find((f) => EXPLAINING_DRIVER.test(f.text))?.file
    if (!driverFile) return {diagnostics: []}
    const monitor = ctx.env.get('NEW_RELIC_MONITOR_MODE')
    if (monitor && isFalse(monitor.value)) return {diagnostics: []}
    const configFile = ctx.env.get('NEW_RELIC_CONFIG_FILE')?.value.replace(/^\/app\//, '')
    if (configFile && offInConfig(ctx, configFile)) return {diagnostics: []}
    const read = configFile && ctx.files.exists(configFile) ? `reads ${configFile} (NEW_RELIC_CONFIG_FILE), which leaves explain plans on` : 'runs from NEW_RELIC_* env vars with its defaults (newrelic-admin reads a config file only where NEW_RELIC_CONFIG_FILE names one)'
    return {
      diagnostics: [],
      extrasPerProcess: [
        {
          count: {
            source: fromDefault('New Relic Python agent: transaction_tracer.explain_enabled defaults to true; each harvest opens a connection of its own (database.connect with the app\'s connect arguments) to explain the slow SQL it kept', DATABASE_UTILS),
            value: 1,
            via: [
              fromDefault(`\`${wrapper}\` starts the agent in each process, and ${driverFile} installs a driver it explains through (psycopg2/psycopg)`, CONFIG_REF),
              assumed(`the agent ${read}; the explain connection is open only during a harvest that has a statement slower than transaction_tracer.explain_threshold (0.5 s by default): counted outside the pool`),
            ],
          },
          kind: 'new-relic-explain',
          reason: 'New Relic agent explain-plan connection',
        },
      ],
    }
  },
  id: 'new_relic_python',
}
