/**
 * Pyramid's pserve (pyramid/scripts/pserve.py): `pserve CONFIG_URI [name=value …]` loads the server the PasteDeploy ini's
 * `[server:NAME]` section names (`-s/--server-name`, default main; plaster_pastedeploy get_wsgi_server, the name=value
 * words filling `%(name)s` in the ini) and serves the app of `[app:main]` on it, in pserve's own process:
 * - `use = egg:waitress#main` (waitress's paste entry point serve_paste → serve(app, **kw)): one process, `threads` task
 *   threads, default 4 (waitress/adjustments.py);
 * - `use = egg:gunicorn#main` (gunicorn/app/pasterapp.py serve: the section's keys are gunicorn settings): workers
 *   processes, threads and worker_class as gunicorn reads them;
 * - `use = egg:pyramid#wsgiref` (wsgiref's simple server): one process serving one request at a time.
 * An ini conncalc cannot read (built in the image, named by a value it cannot evaluate) or another server: one process of
 * one thread, an assumption, said.
 * Used by server-in-code.ts for pserve run from the app's code (`pserve.main(argv=[…])`: Kinto's `kinto start`).
 */
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'

import {parseIni} from '../../util/ini.js'
import {assumed, fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'

const PSERVE = 'https://github.com/Pylons/pyramid/blob/main/src/pyramid/scripts/pserve.py'
const WAITRESS = 'https://github.com/Pylons/waitress/blob/main/src/waitress/adjustments.py'
const GUNICORN_PASTER = 'https://github.com/benoitc/gunicorn/blob/master/gunicorn/app/pasterapp.py'
const WSGIREF = 'https://docs.python.org/3/library/wsgiref.html#module-wsgiref.simple_server'

/** The server pserve runs, as server-in-code.ts's ServerInCode has it (not imported from there: it imports this module). */
export interface PasteServer {
  diagnostics: Diagnostic[]
  processes: Sourced<number>
  server: string
  threads: Sourced<number>
}

/**
 * The server pserve runs with `words` (its argv, `pserve` first or not; an element conncalc could not evaluate is
 * undefined), the call or command at `at`.
 */
export function pserveServer(ctx: AnalyzerContext, words: (string | undefined)[] | undefined, at: {file: string; line: number; what: string}): PasteServer {
  const here = fromFile(at.file, at.line)
  const diagnostics: Diagnostic[] = []
  const unread = (why: string): PasteServer => {
    diagnostics.push({code: 'unknown-config-value', file: at.file, fix: `say how the server runs: --assume ${ctx.processType}=PROCESSES:THREADS`, line: at.line, message: `${ctx.processType}: ${why}; one process of one thread assumed`, processType: ctx.processType, severity: 'warning'})
    const said = assumed(`${why}: one process of one thread assumed`)
    return {diagnostics, processes: sourced(1, said, [here]), server: 'pserve', threads: sourced(1, said, [here])}
  }

  const args = words ? (words[0] !== undefined && /(?:^|\/)pserve$/.test(words[0]) ? words.slice(1) : words) : undefined
  let config: string | undefined
  let configKnown = args !== undefined
  let serverName = 'main'
  const vars = new Map<string, string | undefined>()
  for (let i = 0; args && i < args.length; i++) {
    const a = args[i]
    if (a === undefined) {
      if (config === undefined) configKnown = false
      continue
    }

    if (a === '-s' || a === '--server-name') serverName = args[++i] ?? '\0'
    else if (a.startsWith('--server-name=')) serverName = a.slice('--server-name='.length)
    else if (a === '-n' || a === '--app-name') i++
    else if (a.startsWith('-')) continue
    else if (config === undefined && configKnown) config = a
    else if (a.includes('=')) vars.set(a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1))
  }

  if (!configKnown || config === undefined) return unread(`${at.what} runs pserve with an ini file conncalc cannot tell (its argv is not known), so the server its [server:main] names is not known`)
  const path = config.replace(/^config:/, '').replace(/#.*$/, '')
  // An absolute path (an image's /etc/…) or one above the app is no file of the app: not read.
  const text = /^\/|(?:^|\/)\.\.(?:\/|$)/.test(path) ? undefined : ctx.files.read(path)?.text
  if (text === undefined) return unread(`${at.what} runs pserve on ${path}, which is not a file of the app (written at build or deploy time?), so the server its [server:${serverName}] names is not known`)
  const sections = new Map(parseIni(text).map((sec) => [sec.name, sec.values]))
  const section = sections.get(`server:${serverName}`)
  if (!section) return unread(`${path} has no [server:${serverName}] section for pserve to serve with`)
  const defaults = sections.get('DEFAULT')
  // A value with `%(name)s` filled from the name=value words, then [DEFAULT]; one it cannot fill is unknown.
  const value = (key: string): {line: number; value?: string} | undefined => {
    const e = section.get(key)
    if (!e) return undefined
    let known = true
    const v = e.value.replaceAll(/%\(([^)]+)\)s/g, (_m, name: string) => {
      const got = vars.get(name) ?? defaults?.get(name.toLowerCase())?.value
      if (got === undefined) known = false
      return got ?? ''
    })
    return {line: e.line, ...(known ? {value: v} : {})}
  }

  const use = value('use')?.value ?? ''
  const via: Source = fromDefault(`${at.what} runs pserve, which serves the app on the server ${path}'s [server:${serverName}] names (use = ${use || 'nothing'})`, PSERVE)
  const count = (key: string, what: string, dflt: Sourced<number>): Sourced<number> => {
    const e = value(key)
    if (!e) return dflt
    const n = e.value !== undefined && /^\d+$/.test(e.value) ? Number(e.value) : undefined
    if (n !== undefined) return sourced(n, fromFile(path, e.line))
    diagnostics.push({code: 'unknown-config-value', file: path, line: e.line, message: `${ctx.processType}: cannot read ${what} (${section.get(key)?.value}); using ${dflt.value}`, processType: ctx.processType, severity: 'warning'})
    return sourced(dflt.value, assumed(`${what} at ${path}:${e.line} is not read: ${dflt.value} assumed`), [dflt.source])
  }

  const one = (why: string, ref: string): Sourced<number> => sourced(1, fromFile(path, value('use')!.line), [fromDefault(why, ref), via])
  if (/^egg:waitress(?:#main)?$/i.test(use)) {
    const threads = count('threads', 'waitress threads', sourced(4, fromFile(path, value('use')!.line), [fromDefault('waitress default threads: requests run on a pool of 4 task threads', WAITRESS)]))
    return {diagnostics, processes: one('waitress serves from one process (it has no worker processes)', WAITRESS), server: 'waitress', threads}
  }

  if (/^egg:gunicorn(?:#main)?$/i.test(use)) {
    // pasterapp.serve: gunicorn's settings from the section's keys; WEB_CONCURRENCY is gunicorn's workers default.
    const envWorkers = ctx.env.get('WEB_CONCURRENCY')?.value
    const workerDefault = envWorkers !== undefined && /^\d+$/.test(envWorkers) ? sourced(Number(envWorkers), fromDefault('gunicorn workers default: $WEB_CONCURRENCY', GUNICORN_PASTER)) : sourced(1, fromDefault('gunicorn default workers when WEB_CONCURRENCY is unset', GUNICORN_PASTER))
    const workerClass = value('worker_class')
    if (workerClass && !/^(?:sync|gthread)$/.test(workerClass.value ?? '')) return unread(`${path}:${workerClass.line} runs gunicorn with worker_class ${section.get('worker_class')?.value}, whose concurrency conncalc does not read from a paste ini`)
    const workers = count('workers', 'gunicorn workers', workerDefault)
    const threads = count('threads', 'gunicorn threads', sourced(1, fromDefault('gunicorn default threads', GUNICORN_PASTER)))
    return {diagnostics, processes: {...workers, via: [...(workers.via ?? []), via]}, server: 'gunicorn', threads}
  }

  if (/^egg:pyramid#wsgiref$/i.test(use)) {
    return {diagnostics, processes: one('wsgiref\'s simple server serves from one process', WSGIREF), server: 'wsgiref', threads: one('wsgiref\'s simple server handles one request at a time', WSGIREF)}
  }

  return unread(`${path}'s [server:${serverName}] uses ${section.get('use')?.value ?? 'no server (no use =)'}, a server conncalc does not read from a paste ini`)
}

/**
 * The module of the app a PasteDeploy ini builds (`gunicorn --paste conf/production.ini`: gunicorn/app/pasterapp.py
 * loads it with paste.deploy's loadapp): the `[app:NAME]` section (NAME from `file.ini#NAME`, default main), or the app
 * a `[pipeline:NAME]` ends with (its last word) or a `[filter-app:NAME]`'s `next` names, to the section whose
 * `use = call:module:factory`, `paste.app_factory = module:factory` or `use = egg:dist#entry` (the distribution's
 * own package: its entry point is in setup.py / pyproject.toml, and a Pyramid app's is its package's `main`) builds it
 * (https://docs.pylonsproject.org/projects/pastedeploy/en/latest/index.html). `config:other.ini` is followed in the same folder. Undefined when the file or a section is not there.
 */
export function pasteAppModule(read: (path: string) => string | undefined, spec: string): {egg?: string; file: string; line: number; module: string} | undefined {
  const bare = spec.replace(/^config:/, '').replace(/^(\.\/)+/, '')
  const hash = bare.indexOf('#')
  let path = hash === -1 ? bare : bare.slice(0, hash)
  let name = hash === -1 ? 'main' : bare.slice(hash + 1) || 'main'
  for (let hops = 0; hops < 8; hops++) {
    const text = /^\/|(?:^|\/)\.\.(?:\/|$)/.test(path) ? undefined : read(path)
    if (text === undefined) return undefined
    const sections = new Map(parseIni(text).map((sec) => [sec.name.replace(/\s+/g, ''), sec]))
    const section = sections.get(`app:${name}`) ?? sections.get(`pipeline:${name}`) ?? sections.get(`filter-app:${name}`) ?? (name === 'main' ? sections.get('app') : undefined)
    if (!section) return undefined
    const at = (key: string): {line: number; value: string} | undefined => section.values.get(key)
    if (section.name.startsWith('pipeline:')) {
      const last = at('pipeline')?.value.split(/\s+/).filter(Boolean).at(-1)
      if (!last) return undefined
      name = last
      continue
    }

    if (section.name.startsWith('filter-app:')) {
      const next = at('next')?.value.trim()
      if (!next) return undefined
      name = next
      continue
    }

    const factory = at('paste.app_factory')
    const use = at('use')
    const call = factory ? /^([A-Za-z_][\w.]*):/.exec(factory.value.trim()) : use ? /^call:\s*([A-Za-z_][\w.]*):/.exec(use.value.trim()) : undefined
    if (call) return {file: path, line: (factory ?? use)!.line, module: call[1]}
    const egg = use ? /^egg:\s*([A-Za-z_][\w.-]*)/.exec(use.value.trim()) : undefined
    if (egg) return {egg: egg[1], file: path, line: use!.line, module: egg[1].replaceAll('-', '_')}
    const other = use ? /^config:\s*([^#\s]+)(?:#(\S+))?/.exec(use.value.trim()) : undefined
    if (!other) return undefined
    path = other[1].startsWith('/') ? other[1] : `${path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : ''}${other[1]}`
    name = other[2] ?? 'main'
  }

  return undefined
}
