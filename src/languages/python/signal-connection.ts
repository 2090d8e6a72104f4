/**
 * A connection the Celery worker's main process opens in a handler of one of its own start-up signals, and keeps.
 * celeryd_init, celeryd_after_setup, worker_init and worker_ready are sent in the main process (the one that
 * consumes from the broker and supervises the prefork children), not in a child
 * (https://docs.celeryq.dev/en/stable/userguide/signals.html#worker-signals). A handler that queries the database
 * there (Django's `connection.cursor()` or a model manager, a SQLAlchemy session or engine) opens a connection the
 * main process keeps: Django closes its per-thread connection only at the end of a request or, in a worker, around a
 * task (celery/fixups/django.py on_task_prerun / on_task_postrun), and the main process runs neither; a SQLAlchemy
 * QueuePool keeps a returned connection open. So the dyno holds one more, beside the children's.
 *
 * Read from the syntax tree: a function decorated `@worker_ready.connect` (or `@signals.worker_ready.connect`, …) in a
 * module that imports Celery's signals, and the app's functions it calls, followed MAX_DEPTH deep, for a call that
 * queries. Handlers that only publish (`sender.app.send_task`) or touch Redis hold none.
 */
import type {PyCall, PyModule} from './values.js'

import {fromDefault, fromFile, sourced, type Sourced} from '../../model/source.js'

const SIGNALS_REF = 'https://docs.celeryq.dev/en/stable/userguide/signals.html#worker-signals'
const MAIN_PROCESS = /(?:^|\.)(celeryd_init|celeryd_after_setup|worker_init|worker_ready)\.connect$/
/** Calls that run a query: Django's cursor and managers, SQLAlchemy's session, engine and DDL. */
const QUERIES: RegExp[] = [
  /^django\.db\.(?:connection|connections\b.*)\.cursor$/,
  /\.objects\.\w+$/,
  /(?:^|\.)session\.(?:query|execute|scalar|scalars|get|add|add_all|merge|delete|commit|flush)$/,
  /(?:^|\.)engine\.(?:connect|begin|execute)$/,
  /(?:^|\.)(?:create_all|drop_all)$/,
]
/** How deep a chain of the app's functions is followed from the handler to the query (handler → helper → query). */
const MAX_DEPTH = 4

interface Fn {
  file: string
  line: number
  name: string
}

export interface SignalConnection {
  handler: Fn & {signal: string}
  query: {callee: string; file: string; line: number}
}

const importsSignals = (m: PyModule): boolean =>
  m.imports.some((i) => i.module === 'celery.signals' || (i.module === 'celery' && (i.names === '*' || i.names.includes('signals'))))

const same = (a: Fn, b: Fn): boolean => a.file === b.file && a.line === b.line && a.name === b.name

/** The calls in `fn`'s own body. */
function bodyOf(modules: readonly PyModule[], fn: Fn): PyCall[] {
  const m = modules.find((x) => x.file === fn.file)
  return (m?.calls ?? []).filter((c) => c.within && same({file: fn.file, line: c.within.line, name: c.within.name}, fn))
}

/** The app's functions a call may run: those whose (Class.)name the import-qualified callee ends with. */
function targets(modules: readonly PyModule[], callee: string): Fn[] {
  const found: Fn[] = []
  for (const m of modules) {
    for (const c of m.calls) {
      const w = c.within
      if (!w || (callee !== w.name && !callee.endsWith(`.${w.name}`))) continue
      const fn = {file: w.file, line: w.line, name: w.name}
      if (!found.some((f) => same(f, fn))) found.push(fn)
    }
  }

  return found
}

/** The first query a handler runs, itself or through the app's functions it calls. */
function queryFrom(modules: readonly PyModule[], start: Fn): SignalConnection['query'] | undefined {
  const seen: Fn[] = [start]
  let level: Fn[] = [start]
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0; depth++) {
    const next: Fn[] = []
    for (const fn of level) {
      for (const c of bodyOf(modules, fn)) {
        if (QUERIES.some((q) => q.test(c.callee))) return {callee: c.callee, file: fn.file, line: c.line}
        for (const t of targets(modules, c.callee)) {
          if (seen.some((s) => same(s, t))) continue
          seen.push(t)
          next.push(t)
        }
      }
    }

    level = next
  }

  return undefined
}

/** A main-process start-up signal handler in the modules the worker imports that queries the database. */
export function signalConnection(modules: readonly PyModule[]): SignalConnection | undefined {
  for (const m of modules) {
    if (!m.parsed || !importsSignals(m)) continue
    const handlers: (Fn & {signal: string})[] = []
    for (const c of m.calls) {
      const w = c.within
      const signal = w?.decorators?.map((d) => MAIN_PROCESS.exec(d)?.[1]).find(Boolean)
      if (!w || !signal || w.file !== m.file || handlers.some((h) => same(h, w))) continue
      handlers.push({file: w.file, line: w.line, name: w.name, signal})
    }

    for (const handler of handlers) {
      const query = queryFrom(modules, handler)
      if (query) return {handler, query}
    }
  }

  return undefined
}

/** The one connection as a sourced count: the handler, the query it reaches, and why it stays open. */
export function signalConnectionCount(found: SignalConnection): Sourced<number> {
  const {handler, query} = found
  const what = `\`${handler.name}\` handles Celery's ${handler.signal} signal, sent in the worker's main process, and runs \`${query.callee}\` (${query.file}:${query.line}): the main process opens a connection there and keeps it, as no request or task of its own closes it`
  return sourced(1, fromFile(handler.file, handler.line), [fromFile(query.file, query.line), fromDefault(what, SIGNALS_REF)])
}
