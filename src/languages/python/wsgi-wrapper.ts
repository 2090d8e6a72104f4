/**
 * A WSGI app (Flask, Django's WSGIHandler) served by an ASGI server (uvicorn, gunicorn's UvicornWorker, hypercorn) through an
 * adapter: the server's event loop only relays, and every request runs the WSGI app on one of the adapter's threads. A
 * synchronous engine's checkout blocks the thread that makes it, so no more of the pool's connections are in use at once
 * than the adapter has threads. Each adapter, from its source:
 * - a2wsgi's WSGIMiddleware(app, workers=10): its own ThreadPoolExecutor(max_workers=workers)
 *   (https://github.com/abersheeran/a2wsgi/blob/master/a2wsgi/wsgi.py);
 * - Connexion 3's FlaskApp wraps its Flask app in a2wsgi's WSGIMiddleware(self.app.wsgi_app), workers not passed: 10
 *   (connexion/apps/flask.py FlaskASGIApp; Connexion 2's FlaskApp was a WSGI app, which an ASGI server cannot serve);
 * - uvicorn's own WSGIMiddleware(app, workers=10) (uvicorn/middleware/wsgi.py), as a2wsgi's;
 * - Starlette's (and fastapi.middleware.wsgi's) WSGIMiddleware from 0.15 on: anyio.to_thread.run_sync, anyio's default
 *   limiter of 40 threads, shared with the app's other sync work (starlette/middleware/wsgi.py);
 * - asgiref's WsgiToAsgi: run_wsgi_app is `@sync_to_async`, thread-sensitive by default from asgiref 3.3, and with no
 *   ThreadSensitiveContext (only Django's ASGIHandler makes one) it runs on SyncToAsync.single_thread_executor: one
 *   request at a time (asgiref/wsgi.py, asgiref/sync.py); before 3.3 on the loop's default executor.
 */
import type {AnalyzerContext} from '../common/types.js'
import type {PyCall, PyModule} from './values.js'

import {fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {asInteger} from './evaluate.js'
import {pinnedVersion} from './pins.js'
import {versionAtLeast} from '../../util/version.js'
import {executorDefault} from './started-threads.js'

export interface WsgiAdapters {
  /** The adapters' threads together, each from its call; undefined when one's count could not be read. */
  threads?: Sourced<number>
  /** The first adapter, as `a2wsgi.WSGIMiddleware at app.py:12`, for the messages. */
  what: string
  /** An adapter's workers as written, when conncalc could not read it. */
  unread?: Source
  /** Every adapter runs on anyio's threads (Starlette ≥ 0.15): they share the limiter of a Starlette app's own sync work. */
  anyio: boolean
  /** The modules also make an ASGI app of their own (FastAPI(), Starlette(), …): the adapter serves only part of it. */
  native?: string
}

/**
 * The WSGI-to-ASGI adapters the served modules make (outside loops), with their threads; undefined when there are none.
 */
export function wsgiAdapters(ctx: AnalyzerContext, modules: readonly PyModule[]): WsgiAdapters | undefined {
  const A2WSGI = 'https://github.com/abersheeran/a2wsgi/blob/master/a2wsgi/wsgi.py'
  const CONNEXION = 'https://github.com/spec-first/connexion/blob/main/connexion/apps/flask.py'
  const UVICORN = 'https://github.com/encode/uvicorn/blob/master/uvicorn/middleware/wsgi.py'
  const STARLETTE = 'https://github.com/encode/starlette/blob/master/starlette/middleware/wsgi.py'
  const ASGIREF = 'https://github.com/django/asgiref/blob/main/asgiref/wsgi.py'
  const ASGIREF_SYNC = 'https://github.com/django/asgiref/blob/main/asgiref/sync.py'
  const NATIVE = /^(fastapi\.FastAPI|starlette\.applications\.Starlette|starlette\.Starlette|connexion\.AsyncApp|connexion\.apps\.asynchronous\.AsyncApp|litestar\.Litestar|quart\.Quart|django\.core\.asgi\.get_asgi_application|channels\.routing\.ProtocolTypeRouter)$/
  const found: {c: PyCall; file: string; threads?: Sourced<number>; unread?: Source; anyio: boolean; name: string}[] = []
  let native: string | undefined
  for (const m of modules) {
    for (const c of m.calls) {
      if (NATIVE.test(c.callee)) native ??= `${c.callee}() at ${m.file}:${c.line}`
      if (c.loop) continue
      const at = fromFile(m.file, c.line)
      const workers = (ref: string, name: string): void => {
        const given = c.kwargs.workers ?? c.args[1]
        if (given === undefined) {
          found.push({anyio: false, c, file: m.file, name, threads: sourced(10, at, [fromDefault(`${name} runs the WSGI app on a ThreadPoolExecutor of \`workers\` threads, 10 by default`, ref)])})
          return
        }

        const n = asInteger(given)
        if (n !== undefined && n > 0) found.push({anyio: false, c, file: m.file, name, threads: sourced(n, at, [fromDefault(`${name}'s workers: the threads it runs the WSGI app on`, ref)])})
        else found.push({anyio: false, c, file: m.file, name, unread: at})
      }

      switch (c.callee) {
        case 'a2wsgi.WSGIMiddleware':
        case 'a2wsgi.wsgi.WSGIMiddleware': {
          workers(A2WSGI, 'a2wsgi WSGIMiddleware')
          break
        }

        case 'uvicorn.middleware.wsgi.WSGIMiddleware':
        case 'uvicorn.middleware.wsgi._WSGIMiddleware': {
          workers(UVICORN, 'uvicorn WSGIMiddleware')
          break
        }

        case 'connexion.FlaskApp':
        case 'connexion.apps.FlaskApp':
        case 'connexion.apps.flask.FlaskApp': {
          found.push({anyio: false, c, file: m.file, name: 'Connexion FlaskApp', threads: sourced(10, at, [fromDefault('Connexion 3 FlaskApp serves its Flask app through a2wsgi WSGIMiddleware(app.wsgi_app), workers not passed: 10 threads', CONNEXION), fromDefault('a2wsgi WSGIMiddleware runs the WSGI app on a ThreadPoolExecutor of `workers` threads, 10 by default', A2WSGI)])})
          break
        }

        case 'starlette.middleware.wsgi.WSGIMiddleware':
        case 'fastapi.middleware.wsgi.WSGIMiddleware': {
          const pin = pinnedVersion(ctx.files, 'starlette')
          if (pin && !versionAtLeast(pin.version, '0.15')) {
            found.push({anyio: false, c, file: m.file, name: 'Starlette WSGIMiddleware', unread: fromFile(pin.file, pin.line)})
            break
          }

          const why = pin ? [fromFile(pin.file, pin.line)] : []
          found.push({anyio: true, c, file: m.file, name: 'Starlette WSGIMiddleware', threads: sourced(40, at, [fromDefault(`Starlette's WSGIMiddleware (0.15 and later${pin ? `; ${pin.version} pinned` : ''}) runs the WSGI app with anyio.to_thread.run_sync, on anyio's default limiter of 40 threads`, STARLETTE), ...why])})
          break
        }

        case 'asgiref.wsgi.WsgiToAsgi': {
          const pin = pinnedVersion(ctx.files, 'asgiref')
          if (pin && !versionAtLeast(pin.version, '3.3')) {
            const pool = executorDefault(ctx, at, `asgiref ${pin.version} WsgiToAsgi (sync_to_async not thread-sensitive before 3.3: the loop's default executor)`)
            found.push({anyio: false, c, file: m.file, name: 'asgiref WsgiToAsgi', threads: {...pool, via: [...(pool.via ?? []), fromFile(pin.file, pin.line)]}})
            break
          }

          const why = pin ? [fromFile(pin.file, pin.line)] : []
          found.push({anyio: false, c, file: m.file, name: 'asgiref WsgiToAsgi', threads: sourced(1, at, [fromDefault('asgiref WsgiToAsgi runs the WSGI app through @sync_to_async, thread-sensitive by default (asgiref 3.3 and later)', ASGIREF), fromDefault('a thread-sensitive call with no ThreadSensitiveContext runs on SyncToAsync.single_thread_executor, one thread: one request at a time', ASGIREF_SYNC), ...why])})
          break
        }

        default:
      }
    }
  }

  if (found.length === 0) return undefined
  const first = found[0]
  const what = `${first.name} at ${first.file}:${first.c.line}`
  const unread = found.find((f) => f.unread)?.unread
  const anyio = found.every((f) => f.anyio)
  const base = {anyio, what, ...(native ? {native} : {})}
  if (unread) return {...base, unread}
  // Starlette's adapters share one limiter: 40 however many there are; every other adapter has threads of its own.
  const counted = [...found.filter((f) => f.anyio).slice(0, 1), ...found.filter((f) => !f.anyio)]
  const total = counted.reduce((a, f) => a + f.threads!.value, 0)
  const threads = counted.length === 1 ? counted[0].threads! : sourced(total, fromDefault(`${counted.length} WSGI adapters, each running requests on threads of its own: their threads added`, A2WSGI), counted.map((f) => f.threads!.source))
  return {...base, threads}
}
