/**
 * A connection a process opens while it imports the app, and keeps. SQLAlchemy's MetaData.create_all / drop_all
 * (Flask-SQLAlchemy's `db.create_all()`, `Base.metadata.create_all(bind=engine)`) check a connection out of the
 * engine's pool to run their DDL and give it back; the default QueuePool keeps a returned connection open, idle,
 * for the next checkout ("connections which are returned to the pool are retained", up to pool_size:
 * https://docs.sqlalchemy.org/en/20/core/pooling.html#sqlalchemy.pool.QueuePool). A process that imports such a
 * module and then runs no query of its own (celery beat with a file scheduler), or forks its children after the
 * import (the celery worker's main process, whose prefork children run the tasks), holds that one connection for
 * its lifetime beside what the children open.
 *
 * Read from the syntax tree: the call is a module-level statement of a module the process imports, outside any
 * `if` conncalc cannot decide, or it is in the body of the app's function that such a statement calls (a Flask
 * `create_app()` factory called at import) and runs there when that body is walked with the caller's arguments.
 */
import type {PyCall, PyModule} from './values.js'

import {fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'

const QUEUE_POOL = 'https://docs.sqlalchemy.org/en/20/core/pooling.html#sqlalchemy.pool.QueuePool'
const DDL = /(^|\.)(create_all|drop_all)$/

export interface ImportConnection {
  /** The DDL call (file and line). */
  call: {file: string; line: number}
  /** The module-level statement that runs it at import (the factory's call site), when it is inside a function. */
  site?: {file: string; fn: string; line: number}
}

const ranThere = (c: PyCall, site: {calls: PyCall[]}): boolean => site.calls.some((x) => x.line === c.line && x.callee === c.callee && !x.conditional)

/** How deep a chain of the app's functions is followed from an import-time statement to the DDL (create_app → init_db → create_all). */
const MAX_DEPTH = 4

/**
 * The import-time statement that runs `c` (in the body of `c.within`): a site that runs once at import, or a
 * site inside another of the app's functions that itself runs at import, followed MAX_DEPTH deep.
 */
function importSite(c: PyCall, calls: ReadonlyMap<string, PyCall[]>, files: ReadonlySet<string>, depth: number): {file: string; line: number} | undefined {
  if (!c.within || depth === 0) return undefined
  for (const s of c.within.sites) {
    if (!files.has(s.file) || !ranThere(c, s)) continue
    if (s.once) return {file: s.file, line: s.line}
    // The call that made this site, in the body of the function around it.
    const caller = (calls.get(s.file) ?? []).find((x) => x.line === s.line && x.within && x.callee.split('.').pop() === c.within!.name)
    const outer = caller ? importSite(caller, calls, files, depth - 1) : undefined
    if (outer) return outer
  }

  return undefined
}

/** The first create_all / drop_all the process runs at import, from the modules it imports (`modules`). */
export function importConnection(modules: readonly PyModule[]): ImportConnection | undefined {
  const files = new Set(modules.map((m) => m.file))
  const calls = new Map(modules.map((m) => [m.file, m.calls]))
  for (const m of modules) {
    for (const c of m.calls) {
      if (!DDL.test(c.callee)) continue
      if (!c.within && !c.conditional) return {call: {file: m.file, line: c.line}}
      const site = importSite(c, calls, files, MAX_DEPTH)
      if (site && c.within) return {call: {file: m.file, line: c.line}, site: {...site, fn: c.within.name}}
    }
  }

  return undefined
}

/** The one connection as a sourced count: where it is opened, and why it stays open. */
export function importConnectionCount(found: ImportConnection): Sourced<number> {
  const at = found.site ?? found.call
  const via: Source[] = found.site ? [fromFile(found.call.file, found.call.line)] : []
  const ddl = found.site ? `\`${found.site.fn}()\`, called at import, runs create_all/drop_all` : 'create_all/drop_all runs at import'
  return sourced(1, fromFile(at.file, at.line), [...via, fromDefault(`${ddl}: it checks a connection out of the engine's pool, and QueuePool keeps it open after it is returned`, QUEUE_POOL)])
}
