/**
 * The pools one Python process holds: Django's DATABASES when the app has a
 * settings module, else the SQLAlchemy engines and driver pools (asyncpg,
 * psycopg_pool, psycopg2, peewee) its modules create. Nothing
 * found means one connection per thread (the budget's fallback).
 */
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import type {Sourced} from '../../model/source.js'

import {djangoPools, settingsModule} from './django.js'
import {PythonProject} from './modules.js'
import {enginePools} from './sqlalchemy.js'
import {driverPools} from './driver-pools.js'

export interface AppPools {
  diagnostics: Diagnostic[]
  framework?: 'django' | 'sqlalchemy'
  otherServerPools?: PoolEntry[]
  pools?: PoolEntry[]
  /** The Django settings module's file, for settings servers read (CELERY_WORKER_CONCURRENCY). */
  settingsFile?: string
}

/** Files an app is usually entered through, when the command names none. */
const FALLBACK_ENTRIES = ['app.py', 'main.py', 'wsgi.py', 'app/__init__.py', 'app/main.py', 'src/main.py']

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

export async function appPools(ctx: AnalyzerContext, project: PythonProject, entries: string[], threads: Sourced<number>): Promise<AppPools> {
  const start = entries.length > 0 ? entries : FALLBACK_ENTRIES.filter((f) => ctx.files.exists(f))
  const modules = await project.walk([...start, 'manage.py'])
  const settings = settingsModule(project, modules, ctx.env)
  if (settings) {
    const django = await djangoPools(project, settings, threads)
    if (django) {
      return {
        diagnostics: [...project.diagnostics, ...django.diagnostics],
        framework: 'django',
        otherServerPools: django.otherServerPools,
        pools: django.pools.length > 0 ? django.pools : undefined,
        settingsFile: django.settingsFile,
      }
    }
  }

  const engines = enginePools(modules, threads, ctx.files)
  const drivers = driverPools(modules)
  const pools = [...engines.pools, ...drivers.pools]
  return {
    diagnostics: [...project.diagnostics, ...engines.diagnostics, ...drivers.diagnostics],
    framework: pools.length > 0 ? 'sqlalchemy' : undefined,
    pools: pools.length > 0 ? pools : undefined,
  }
}
