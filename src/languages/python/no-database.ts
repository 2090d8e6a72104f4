/**
 * A script that loads nothing able to reach a database (`python clock.py` whose jobs only put work on an RQ queue in
 * Redis): what it imports when it starts, followed through the app's own modules, names no database library, no
 * database URL and no Django settings. Then its process opens no PostgreSQL connection, whatever the app's other
 * processes use: Django's DATABASES, say, count only in a process that loads Django. Imports inside a function
 * body run only when it is called (a job function passed to a queue runs in the worker): they are followed only for
 * the functions the process runs, those its modules' top-level statements call (`if __name__ == "__main__": main()`),
 * the functions those call, the targets of the Process/Thread it starts (getsentry/freight's bin/web: main() calls
 * web(), whose `from freight.config import create_app` loads the Flask app and its database), and decorated functions,
 * which what decorates them calls (a click command run by `cli()` from the command line).
 * Installed packages are not read: a package that connects on import is not seen (the packages are named).
 */
import type {PyModule} from './values.js'
import type {PythonProject} from './modules.js'

/** Import path segments of database libraries, ORMs and the frameworks that configure them (any segment: `apscheduler.jobstores.sqlalchemy`). */
const DATABASE_SEGMENTS = new Set([
  'sqlalchemy', 'psycopg', 'psycopg2', 'psycopg_pool', 'psycopg2cffi', 'asyncpg', 'aiopg', 'pg8000', 'pg', 'pgdb', 'postgresql', 'peewee', 'playhouse', 'pony',
  'tortoise', 'databases', 'dataset', 'records', 'sqlmodel', 'gino', 'ormar', 'piccolo', 'sqlobject', 'alembic', 'celery', 'dramatiq', 'huey', 'procrastinate', 'pgqueuer',
])
/** Top packages that bring a framework's database setup: django (and django_* apps), flask_sqlalchemy, flask_migrate, … */
const DATABASE_TOP = /^(django|flask_sqlalchemy|flask_migrate|fastapi_sqlalchemy|sqlalchemy_|tortoise_|django_)/
/** Text that reaches a database without a library import conncalc sees: a URL or its env var, Django's settings, a dynamic import. */
const DATABASE_TEXT = /DATABASE_URL|postgres|DJANGO_SETTINGS_MODULE|importlib|__import__|\bexec\s*\(|\beval\s*\(/i
/** The same in a Django command, which runs under the app's settings: the ORM's ways in without an import (`apps.get_model`, a raw cursor) stay. */
const DATABASE_TEXT_IN_DJANGO = /DATABASE_URL|postgres|importlib|__import__|\bexec\s*\(|\beval\s*\(|get_model|\.objects\b|cursor\s*\(|call_command/i

export interface NoDatabase {
  /** The app modules read, the script first. */
  files: string[]
  /** The installed packages it imports (top names), not read. */
  packages: string[]
}

/** A Django app's models module (`from shop.models import Order`, `from . import models`): its ORM classes query. */
export const DJANGO_MODELS = /(^|\.)models$/

/**
 * Django's own modules a management command imports without reaching a database: settings, the command base
 * class, helpers (django.utils), exceptions. Django opens a connection only when code runs a query
 * (BaseDatabaseWrapper.ensure_connection from cursor(), https://github.com/django/django/blob/5.1/django/db/backends/base/base.py);
 * django.db, models, the ORM, the cache (its DatabaseCache) and anything else are taken as able to query.
 */
export const DJANGO_NO_QUERY = /^django\.(conf|core\.management(\.base)?|core\.exceptions|utils(\.\w+)*)$/

export interface NoDatabaseOptions {
  /** Imports of these modules are not a database (a Django command's `django.conf`: DJANGO_NO_QUERY). */
  allow?: RegExp
  /** Imports of these modules, or of these names from a module, are (a Django app's `models`: DJANGO_MODELS). */
  deny?: RegExp
  /** A module whose functions all run (a Django command's, which Django calls): the imports in each are followed. */
  everyFunctionOf?: string
  /** Text allowed in the modules though DATABASE_TEXT names it (a Django command runs under the app's settings). */
  settingsKnown?: boolean
}

/** Undefined when the script (or an app module it loads) may reach a database, or when a module cannot be read. */
export async function loadsNoDatabase(project: PythonProject, read: readonly PyModule[], file: string, options: NoDatabaseOptions = {}): Promise<NoDatabase | undefined> {
  const byFile = new Map(read.map((m) => [m.file, m]))
  // Importing a.b.c runs a/__init__.py and a/b/__init__.py first: the packages on the way are loaded too.
  const packagesOf = (f: string): string[] => {
    const parts = f.split('/').slice(0, -1)
    return parts.map((_, i) => `${parts.slice(0, i + 1).join('/')}/__init__.py`).filter((init) => init !== f && project.files.exists(init))
  }
  const seen = new Set<string>([file])
  const queue = [file]
  const packages = new Set<string>()
  // The functions of each module the process runs (by the name PyImport.within and PyFunctionSites give), and those
  // whose imports have been followed: a module is read again when a later one calls more of its functions.
  const runs = new Map<string, Set<string>>()
  const followed = new Map<string, Set<string>>()
  const run = (f: string, name: string): boolean => {
    const names = runs.get(f) ?? runs.set(f, new Set()).get(f)!
    if (names.has(name)) return false
    names.add(name)
    return true
  }

  while (queue.length > 0) {
    const at = queue.shift()!
    if (!byFile.has(at)) for (const m of await project.walk([at])) byFile.set(m.file, m)
    const module = byFile.get(at)
    if (!module?.parsed) return undefined
    const text = project.files.read(at)?.text ?? ''
    if (options.settingsKnown ? DATABASE_TEXT_IN_DJANGO.test(text) : DATABASE_TEXT.test(text)) return undefined
    // A decorated function (`@cli.command()`, `@app.route(…)`, `@manager.command`) is called by what decorates it — a
    // CLI's dispatch from argv, a web framework — not by the module's own statements: it is taken to run.
    for (const c of module.calls) if (c.within?.decorated && c.within.file === at) run(at, c.within.name)
    // What its top-level statements call, and what the functions called call in turn (the module's own functions by
    // their bare name, another module's by its import-qualified name), to a fixed point.
    for (let grew = true; grew; ) {
      grew = false
      for (const c of module.calls) {
        if (c.within !== undefined && at === options.everyFunctionOf && run(at, c.within.name)) grew = true
        if (c.within !== undefined && !runs.get(at)?.has(c.within.name)) continue
        const targets = [c.callee, ...(/(^|\.)(Process|Thread)$/.test(c.callee) && c.kwargText.target ? [c.kwargText.target] : [])]
        for (const t of targets) {
          const dot = t.lastIndexOf('.')
          const owner = dot === -1 ? at : project.resolve(t.slice(0, dot), 0, at)
          if (owner === undefined || !/^\w+$/.test(t.slice(dot + 1))) continue
          if (run(owner, t.slice(dot + 1)) && owner === at) grew = true
          else if (owner !== at && seen.has(owner) && !queue.includes(owner) && runs.get(owner)!.size > (followed.get(owner)?.size ?? 0)) queue.push(owner)
        }
      }
    }

    followed.set(at, new Set(runs.get(at)))
    for (const imp of module.imports) {
      if (imp.within !== undefined && at !== options.everyFunctionOf && !runs.get(at)?.has(imp.within)) continue
      if (options.deny && (options.deny.test(imp.module) || (Array.isArray(imp.names) && imp.names.some((n) => options.deny!.test(n))))) return undefined
      if (imp.level === 0 && options.allow?.test(imp.module)) continue
      if (imp.level === 0 && (DATABASE_TOP.test(imp.module) || imp.module.split('.').some((s) => DATABASE_SEGMENTS.has(s)))) return undefined
      const names = Array.isArray(imp.names) ? imp.names : []
      if (imp.level === 0 && names.some((n) => DATABASE_SEGMENTS.has(n))) return undefined
      const own = [project.resolve(imp.module, imp.level, at), ...names.map((n) => project.resolve(imp.module ? `${imp.module}.${n}` : n, imp.level, at))].filter((f): f is string => f !== undefined)
      if (own.length === 0) {
        // A relative import that names no file of the app, or a star import: not known.
        if (imp.level > 0 || imp.names === '*') return undefined
        if (imp.module !== '__future__') packages.add(imp.module.split('.')[0])
      }

      for (const f of own.flatMap((o) => [...packagesOf(o), o])) {
        if (!seen.has(f)) {
          seen.add(f)
          queue.push(f)
        }
      }
    }
  }

  return {files: [...seen], packages: [...packages].sort()}
}
