/**
 * The pools one Python process holds: Django's DATABASES when the app has a
 * settings module, else the SQLAlchemy engines and driver pools (asyncpg,
 * psycopg_pool, psycopg2, peewee) its modules create. Nothing
 * found means one connection per thread (the budget's fallback); a Django app whose DATABASES was not read
 * counts Django's one per thread as an assumption.
 */
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import type {PyModule} from './values.js'
import {assumed, fromDefault, fromFile, sourced, type Sourced} from '../../model/source.js'

import {configurationName, djangoPools, type PostgresChannelLayer, productionSettings, settingsModule, settingsTaken} from './django.js'
import {asString} from './evaluate.js'
import {buildsFlaskApp, flaskConfig} from './flask-config.js'
import {PythonProject} from './modules.js'
import {enginePools, isEngineCall} from './sqlalchemy.js'
import {ddlOnlyEngines, madeInTasksNote, taskOnlyCalls, taskOnlyEngines, taskOnlyNote, type TaskOnlyUse} from './task-only.js'
import {driverPools, isDriverPoolCall} from './driver-pools.js'
import {mainOnlyCalls} from './main-only.js'

export interface AppPools {
  /** A channel layer with PostgreSQL connections of its own (channels_postgres), from the Django settings. */
  channelLayer?: PostgresChannelLayer
  diagnostics: Diagnostic[]
  framework?: 'django' | 'sqlalchemy'
  /** The Django settings name only other databases, written out (django.ts): the process holds no PostgreSQL connection. */
  noPostgres?: {file: string; fix?: string; line: number; why: string}
  otherServerPools?: PoolEntry[]
  pools?: PoolEntry[]
  /** The Django settings module's file, for settings servers read (CELERY_WORKER_CONCURRENCY). */
  settingsFile?: string
}

/** Files an app is usually entered through, when the command names none. */
const FALLBACK_ENTRIES = ['app.py', 'main.py', 'wsgi.py', 'app/__init__.py', 'app/main.py', 'src/main.py']

/**
 * The functions the Procfile's release command calls by name (`release: python -c "from db import
 * init_db_sync; init_db_sync()"`): a pool made only there is the release dyno's, not this process's.
 */
function releaseCalls(ctx: AnalyzerContext): Set<string> {
  const procfile = ctx.origin ? ctx.files.read(ctx.origin.file)?.text : undefined
  const line = procfile?.split(/\r?\n/).find((l) => /^release:/.test(l))
  return new Set(line ? [...line.matchAll(/([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]) : [])
}

/** Module names (`proj.wsgi`, `app.main`) to files; unknown modules are skipped. */
export function entryFiles(project: PythonProject, modules: (string | undefined)[]): string[] {
  const out: string[] = []
  for (const m of modules) {
    if (!m) continue
    if (m.endsWith('.py')) out.push(m.replace(/^\.\//, ''))
    else {
      const f = project.resolve(m)
      if (f) out.push(f)
    }
  }

  return out
}

/** The Flask app module `flask` loads: --app, else FLASK_APP (env, .env, .flaskenv: flask/cli.py load_dotenv), else wsgi.py / app.py. */
export function flaskAppEntries(ctx: AnalyzerContext, project: PythonProject, app: string | undefined): string[] {
  const dotenv = ['.env', '.flaskenv'].map((f) => /^[ \t]*(?:export[ \t]+)?FLASK_APP[ \t]*=[ \t]*["']?([^"'\s#]+)/m.exec(ctx.files.read(f)?.text ?? '')?.[1]).find(Boolean)
  const spec = app ?? ctx.env.get('FLASK_APP')?.value ?? dotenv
  return spec ? entryFiles(project, [spec.endsWith('.py') ? spec : spec.split(':')[0]]) : ['wsgi.py', 'app.py'].filter((f) => ctx.files.exists(f)).slice(0, 1)
}

/** SQLAlchemy engines this process imports but never connects (used only by task bodies a worker runs), keyed `file:line`. */
async function idleEngines(ctx: AnalyzerContext, project: PythonProject, modules: PyModule[], server: string): Promise<Map<string, TaskOnlyUse>> {
  const engines = modules.flatMap((module) => module.calls.filter((call) => isEngineCall(call)).map((call) => ({call, module})))
  if (engines.length === 0) return new Map()
  return taskOnlyEngines({files: ctx.files, modules, resolve: (m, level, from) => project.resolve(m, level, from), server}, engines)
}

const QUEUE_POOL = 'https://docs.sqlalchemy.org/en/20/core/pooling.html#sqlalchemy.pool.QueuePool'

/** Django without OPTIONS "pool": each thread opens its own connection per database alias. */
const DJANGO_PER_THREAD = 'https://docs.djangoproject.com/en/stable/ref/databases/#persistent-connections'

/**
 * Django runs, but conncalc read no PostgreSQL alias from its DATABASES (a warning says why: no settings module, one that
 * is not in the app, a DATABASES it cannot evaluate or that names no PostgreSQL database with this env). The count is
 * Django's one connection per thread for one alias on the plan's server: an assumption, starred, not a plain default.
 */
function unreadDatabases(threads: Sourced<number>, why: string): PoolEntry[] {
  const source = assumed(`${why}: one PostgreSQL database alias (default) without a pool is assumed, Django's one connection per thread per alias (${DJANGO_PER_THREAD})`)
  return [{database: 'default', pool: sourced(threads.value, source, [threads.source]), server: 'DATABASE_URL'}]
}

/** Engines used only by create_all / drop_all at import (task-only.ts ddlOnlyEngines): the one connection that DDL leaves in the pool. */
async function ddlOnly(ctx: AnalyzerContext, project: PythonProject, modules: PyModule[], pools: PoolEntry[]): Promise<PoolEntry[]> {
  const engines = modules.flatMap((module) => module.calls.filter((call) => isEngineCall(call)).map((call) => ({call, module})))
  if (engines.length === 0) return pools
  const only = await ddlOnlyEngines({files: ctx.files, modules, resolve: (m, level, from) => project.resolve(m, level, from)}, engines)
  if (only.size === 0) return pools
  return pools.map((p) => {
    const key = p.database.startsWith('engine ') ? p.database.slice('engine '.length) : undefined
    if (!key || !only.has(key) || p.pool.value < 1) return p
    const [file, line] = [key.slice(0, key.lastIndexOf(':')), Number(key.slice(key.lastIndexOf(':') + 1))]
    const one = sourced(1, fromFile(file, line), [fromDefault(`this engine is used only by create_all/drop_all at import: the process checks one connection out for that DDL and QueuePool keeps it open; no request or job uses the rest of its pool (${p.pool.value})`, QUEUE_POOL)])
    return {...p, minOpen: one, pool: one}
  })
}

/**
 * The settings modules the file that defines this process type names for other commands: `--settings=x.y` /
 * `--settings x.y` of a management command, `DJANGO_SETTINGS_MODULE=x.y` before a command (Procfile, fly.toml, …).
 */
function settingsNamedIn(ctx: AnalyzerContext): string[] {
  const text = ctx.origin ? ctx.files.read(ctx.origin.file)?.text : undefined
  if (!text || !/--settings|DJANGO_SETTINGS_MODULE=/.test(text)) return []
  return [...new Set([...text.matchAll(/(?:--settings[= ]|\bDJANGO_SETTINGS_MODULE=)["']?([A-Za-z_][\w.]*)/g)].map((m) => m[1]))]
}

/** Where the code names the settings module (`os.environ.setdefault("DJANGO_SETTINGS_MODULE", …)`), as file:line. */
function settingsOrigin(modules: readonly PyModule[]): string | undefined {
  for (const m of modules) {
    const a = m.itemAssignments.find((x) => x.key === 'DJANGO_SETTINGS_MODULE' && (x.target === 'os.environ' || x.target === 'environ'))
    if (a) return `${m.file}:${a.line}`
    const c = m.calls.find((x) => (x.callee === 'os.environ.setdefault' || x.callee === 'environ.setdefault') && asString(x.args[0]) === 'DJANGO_SETTINGS_MODULE')
    if (c) return `${m.file}:${c.line}`
  }

  return undefined
}

/** Servers that import the app's modules (none of them runs as `__main__`): pools made only as a program are not theirs. */
const IMPORTING = new Set(['arq', 'celery', 'celery-beat', 'celery-events', 'celery-flower', 'daphne', 'dramatiq', 'granian', 'gunicorn', 'huey', 'hypercorn', 'rq', 'rq-scheduler', 'rq-worker-pool', 'uvicorn', 'uwsgi', 'waitress'])

/**
 * @param server the process's server (gunicorn, celery, …): a web server never runs task bodies (task-only.ts).
 * @param main the file Python runs as `__main__` (a script); without it, an importing server's modules are none.
 */
export async function appPools(ctx: AnalyzerContext, project: PythonProject, entries: string[], threads: Sourced<number>, server?: string, main?: string): Promise<AppPools> {
  const start = entries.length > 0 ? entries : FALLBACK_ENTRIES.filter((f) => ctx.files.exists(f))
  const modules = await project.walk([...start, 'manage.py'])
  const settings = settingsModule(project, modules, ctx.env)
  if (settings) {
    // manage.py's setdefault("DJANGO_CONFIGURATION", "Development") is for its own commands, not the server's.
    const own = modules.filter((m) => !/(^|\/)manage\.py$/.test(m.file) || start.some((f) => /(^|\/)manage\.py$/.test(f)))
    const django = await djangoPools(project, settings, threads, configurationName(own, ctx.env), ctx.env.get('DJANGO_SETTINGS_MODULE') !== undefined, settingsNamedIn(ctx), ctx.env.get('DJANGO_SETTINGS_MODULE') === undefined ? settingsOrigin(modules) : undefined)
    if (django) {
      // Nothing read on any server (and nothing written out as another database): the warning django.ts gave says why.
      const unread = django.pools.length === 0 && django.otherServerPools.length === 0 && !django.noPostgres
      return {
        ...(django.channelLayer ? {channelLayer: django.channelLayer} : {}),
        diagnostics: [...project.diagnostics, ...django.diagnostics],
        framework: 'django',
        ...(django.noPostgres ? {noPostgres: django.noPostgres} : {}),
        otherServerPools: django.otherServerPools,
        pools: django.pools.length > 0 ? django.pools : unread ? unreadDatabases(threads, `no PostgreSQL database of DATABASES in ${django.settingsFile} was read`) : undefined,
        settingsFile: django.settingsFile,
      }
    }
  }

  // A Django app whose settings conncalc could not find: DATABASES is not read, and that is said.
  const django = modules.find((m) => m.imports.some((i) => i.level === 0 && (i.module === 'django' || i.module.startsWith('django.'))))
  // Named nowhere (no env var, no setdefault): the app's one production settings module (the README's, else the one named
  // production/prod/heroku that reads DATABASE_URL) is what the dyno's config var most likely names: read, starred, said.
  const prod = django && !settings ? productionSettings(project, '') : undefined
  const guessed = prod ? await djangoPools(project, prod.module, threads, configurationName(modules, ctx.env), false, settingsNamedIn(ctx)) : undefined
  if (django && prod && guessed && guessed.pools.length > 0) {
    const why = `${django.file} runs Django, and no deploy file or code names its settings module (DJANGO_SETTINGS_MODULE); ${prod.module} (${prod.why}) is taken as the settings the dyno runs with`
    const taken = settingsTaken(guessed, prod, why)
    return {
      ...(guessed.channelLayer ? {channelLayer: guessed.channelLayer} : {}),
      diagnostics: [...project.diagnostics, taken.told, ...guessed.diagnostics],
      framework: 'django',
      otherServerPools: guessed.otherServerPools,
      pools: taken.pools,
      settingsFile: guessed.settingsFile,
    }
  }

  const unread: Diagnostic[] = django
    ? [
        {
          code: 'unknown-config-value',
          file: django.file,
          fix: 'name the settings module: --env DJANGO_SETTINGS_MODULE=project.settings (or set it with os.environ.setdefault in manage.py or the WSGI/ASGI file)',
          message: settings
            ? `${ctx.processType}: DJANGO_SETTINGS_MODULE is ${settings}, which is no module of the app; DATABASES is not read, so one connection per thread is counted`
            : `${ctx.processType}: ${django.file} runs Django, but its settings module is not named anywhere conncalc reads (DJANGO_SETTINGS_MODULE in the env, or os.environ.setdefault with a string); DATABASES is not read, so one connection per thread is counted`,
          processType: ctx.processType,
          severity: 'warning',
        },
      ]
    : []

  const idle = server ? await idleEngines(ctx, project, modules, server) : new Map<string, TaskOnlyUse>()
  // A Flask app's config as its `config.from_object("app.settings")`, `from_pyfile(…)` calls load it (flask-config.ts).
  const flask = buildsFlaskApp(modules) ? await flaskConfig(project, modules) : undefined
  // Made only under `if __name__ == "__main__":` of a module this process imports (main-only.ts): never run here.
  const asProgram = main !== undefined ? mainOnlyCalls(modules, main) : server !== undefined && IMPORTING.has(server) ? mainOnlyCalls(modules) : new Set<string>()
  const engines0 = enginePools(modules, threads, ctx.files, new Set([...idle.keys(), ...asProgram]), flask)
  const engines = {...engines0, pools: await ddlOnly(ctx, project, modules, engines0.pools)}
  // Driver pools made in a function only task bodies reach (`await Tortoise.init(...)` in a task's async helper).
  const driverCalls = modules.flatMap((module) => module.calls.filter((call) => call.within !== undefined && isDriverPoolCall(call)).map((call) => ({call, module})))
  const idleDrivers = server && driverCalls.length > 0 ? await taskOnlyCalls({files: ctx.files, modules, resolve: (m, level, from) => project.resolve(m, level, from), server}, driverCalls) : new Map<string, TaskOnlyUse>()
  const drivers = driverPools(modules, releaseCalls(ctx), new Set([...idleDrivers.keys(), ...asProgram]))
  const notes = server ? [...(idle.size > 0 ? [taskOnlyNote(idle, server)] : []), ...(idleDrivers.size > 0 ? [madeInTasksNote(idleDrivers, server)] : [])] : []
  const pools = [...engines.pools, ...drivers.pools].map((p) => (notes.length > 0 ? {...p, pool: {...p.pool, via: [...(p.pool.via ?? []), ...notes]}} : p))
  if (django && pools.length === 0) {
    const why = settings ? `DJANGO_SETTINGS_MODULE is ${settings}, which is no module of the app, so DATABASES was not read` : `${django.file} runs Django, but its settings module is named nowhere conncalc reads, so DATABASES was not read`
    return {diagnostics: [...project.diagnostics, ...engines.diagnostics, ...drivers.diagnostics, ...unread], pools: unreadDatabases(threads, why)}
  }

  return {
    diagnostics: [...project.diagnostics, ...engines.diagnostics, ...drivers.diagnostics],
    framework: pools.length > 0 ? 'sqlalchemy' : undefined,
    pools: pools.length > 0 ? pools : undefined,
  }
}
