/**
 * What a Flask app's `app.config` holds, as the app's own code writes it (flask@3.0 src/flask/config.py Config):
 * `config.from_object(obj)` takes obj's UPPER-case attributes (a class, a module, or an import string
 * "pkg.module:Class" / "pkg.module.Class", imported by werkzeug's import_string), `config.update(…)` and
 * `config["KEY"] = v` set keys as written, `config.from_mapping(…)` its UPPER-case keys, `config.from_pyfile("path")`
 * the UPPER-case names of that file when the app holds it (pyfileConfig). `from_envvar`, `from_file`,
 * `from_prefixed_env` and any other `from_pyfile` read files or env vars at run time: not read here, and neither is a
 * `from_object`/`update` argument conncalc cannot evaluate — each is kept as a source that may set any key. Every
 * Flask config of the modules is one (an app has one Flask app; its config classes are all kept, since which one a
 * deployment picks is often an env var).
 */
import type {EvalValue, MissingEnv, PyCall, PyModule} from './values.js'
import type {PythonProject} from './modules.js'

import {appPath, joinPath, onPlatformAppRoot} from '../../util/app-path.js'
import {asString, isCall, isDict} from './evaluate.js'
import {classOf} from './values.js'

export interface FlaskConfigKey {
  file: string
  line: number
  value: EvalValue
}

/**
 * `config.from_object(x)` where x is one of several config classes (or modules) and which one is not decided here
 * (`config[os.getenv("FLASK_CONFIG")]`, `DevConfig if get_debug_flag() else ProdConfig`): each candidate's keys.
 */
export interface FlaskConfigChoice {
  file: string
  line: number
  options: {keys: Map<string, FlaskConfigKey[]>; name: string}[]
  why: string
}

export interface FlaskConfig {
  /** from_object calls whose object was picked by the app's own fallback because env vars have no value here. */
  byFallback: {file: string; line: number; missing: readonly MissingEnv[]; name: string}[]
  /** Undecided from_object calls, each with its candidates' keys (not in `keys`). */
  choices: FlaskConfigChoice[]
  /** A from_object call was read as one of the app's classes (or several): other config classes are not the config. */
  fromClass: boolean
  keys: Map<string, FlaskConfigKey[]>
  /** Sources conncalc cannot read, which may set any key. */
  unread: {file: string; line: number; why: string}[]
}

const CONFIG = /(^|\.)config\.(from_object|update|from_mapping|from_pyfile|from_envvar|from_file|from_prefixed_env)$/
const upper = (k: string): boolean => k === k.toUpperCase()

/** Whether the modules build a Flask app (`Flask(__name__)`), so `x.config` may be its config. */
export const buildsFlaskApp = (modules: readonly PyModule[]): boolean => modules.some((m) => m.calls.some((c) => c.callee === 'flask.Flask'))

const dirOf = (file: string): string => (file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '')

/**
 * The file of the app `config.from_pyfile(filename)` runs, as flask@3.0.3 src/flask/config.py from_pyfile does it:
 * `os.path.join(self.root_path, filename)` executed as Python (whatever its extension) in a fresh module, whose
 * UPPER-case names from_object takes. The config's root_path is the app's (Flask.make_config): the folder of the
 * module `Flask(__name__)` is called in (helpers.get_root_path; a package's own folder). Undefined — a source that may
 * set any key — when the name is not a string, the Flask() call is not found or is one of several, the config is
 * relative to the instance folder (`instance_relative_config=True`, outside the repository), or the file leaves the
 * app or is not in it (written at deploy, or a local override `silent=True` skips when absent).
 */
async function pyfileConfig(project: PythonProject, modules: readonly PyModule[], call: PyCall, from: string): Promise<{file: string; module: PyModule} | undefined> {
  const name = asString(call.args[0] ?? call.kwargs.filename)
  if (name === undefined) return undefined
  const flasks = modules.flatMap((m) => m.calls.filter((c) => c.callee === 'flask.Flask').map((c) => ({c, file: m.file})))
  const own = flasks.filter((f) => f.file === from)
  const app = own.length > 0 ? own[0] : flasks.length === 1 ? flasks[0] : undefined
  if (!app || app.c.kwargs.instance_relative_config || app.c.kwargs.root_path || app.c.spread) return undefined
  const file = name.startsWith('/') ? (onPlatformAppRoot(name) ? appPath(name) : undefined) : joinPath(dirOf(app.file), name)
  if (file === undefined || !project.files.exists(file)) return undefined
  const module = await project.load(file)
  return module ? {file, module} : undefined
}

/** The object `from_object` is given, when it is one of the app's classes or modules (or an import string naming one): its UPPER-case names. */
async function objectNames(project: PythonProject, value: EvalValue | undefined, argName: string | undefined, from?: string): Promise<{file: string; line: number; name: string; names: ReadonlyMap<string, EvalValue>} | undefined> {
  const cls = classOf(value)
  if (cls) return {file: value!.file, line: value!.line, name: cls.name, names: cls.attrs}
  // A module of the app passed by name, or an import string.
  const path = asString(value) ?? argName
  const [mod, attr] = path?.includes(':') ? path.split(':') : [path, undefined]
  // `from . import settings` in a package its own __init__ is still importing (formspree: __init__ imports create_app,
  // which imports `.settings`): the name stays an import of ".settings", relative to the module that calls from_object.
  const level = from && !asString(value) ? (/^\.+/.exec(mod ?? '')?.[0].length ?? 0) : 0
  const file = mod ? project.resolve(mod.slice(level), level, from) : undefined
  const loaded = file ? await project.load(file) : undefined
  const inner = loaded && attr ? classOf(loaded.names.get(attr)) : undefined
  if (loaded && !attr) return {file: file!, line: 1, name: path!, names: loaded.names}
  if (inner) return {file: file!, line: 1, name: path!, names: inner.attrs}
  if (path && !attr && path.includes('.')) {
    // "pkg.settings.ProductionConfig": a class of an app module.
    const dot = path.lastIndexOf('.')
    const owner = project.resolve(path.slice(0, dot))
    const cls2 = owner ? classOf((await project.load(owner))?.names.get(path.slice(dot + 1))) : undefined
    if (cls2) return {file: owner!, line: 1, name: path, names: cls2.attrs}
  }

  return undefined
}

export async function flaskConfig(project: PythonProject, modules: readonly PyModule[]): Promise<FlaskConfig> {
  const keys = new Map<string, FlaskConfigKey[]>()
  const unread: FlaskConfig['unread'] = []
  const choices: FlaskConfigChoice[] = []
  const byFallback: FlaskConfig['byFallback'] = []
  let fromClass = false
  const addTo = (to: Map<string, FlaskConfigKey[]>, k: string, v: FlaskConfigKey) => to.set(k, [...(to.get(k) ?? []), v])
  const add = (k: string, v: FlaskConfigKey) => addTo(keys, k, v)
  const names = (from: ReadonlyMap<string, EvalValue>, file: string, line: number, to = keys) => {
    for (const [k, v] of from) if (upper(k) && /^[A-Z]/.test(k)) addTo(to, k, {file: v.file ?? file, line: v.line ?? line, value: v})
  }

  for (const m of modules) {
    for (const c of m.calls) {
      const found = CONFIG.exec(c.callee)
      if (!found) continue
      const method = found[2]
      const arg = c.args[0]
      const why = (v: EvalValue | undefined) => (v?.kind === 'unknown' ? v.reason : isCall(v) ? `it is what \`${v.value.callee}()\` returns, which conncalc does not compute` : 'conncalc cannot read its argument')
      if (method === 'from_object') {
        // `def create_app(config_class=Config)`: a parameter is what the app's calls of the factory give it (the body as
        // each caller's site evaluated it: `app = create_app()` gives the default), when they all give one config; a
        // factory no module of the app calls is the server's (gunicorn "app:create_app()", FLASK_APP=app), which calls
        // it with no argument: its default.
        const fn = c.within
        const param = arg?.kind === 'unknown' ? arg.parameter : undefined
        const readable = (v: EvalValue | undefined): boolean => v !== undefined && (asString(v) !== undefined || classOf(v) !== undefined)
        const reached = param && fn && !fn.truncated ? fn.sites.map((site) => site.calls.find((x) => x.line === c.line && x.callee === c.callee)) : []
        // `if config_class: app.config.from_object(config_class)` when every caller passes none (`create_app()`): it does not run.
        if (reached.length > 0 && reached.every((x) => x === undefined)) continue
        const atSites = reached.filter((x) => x !== undefined).map((x) => x.args[0])
        const same = atSites.length > 0 && atSites.every((v) => readable(v) && (asString(v) ?? classOf(v)) === (asString(atSites[0]) ?? classOf(atSites[0])))
        const dflt = param && fn && fn.sites.length === 0 && !fn.truncated ? fn.defaults.get(param) : undefined
        const given = same ? atSites[0] : dflt && readable(dflt) ? dflt : undefined
        const value = given ?? arg
        const one = await objectNames(project, value, given ? undefined : c.argNames?.[0], m.file)
        if (one) {
          names(one.names, one.file, one.line)
          if (value?.missingEnv?.length) byFallback.push({file: m.file, line: c.line, missing: value.missingEnv, name: one.name})
          fromClass ||= classOf(value) !== undefined
          continue
        }

        // One of several classes, which one not decided here: `config[config_name]` (the dict's values; the callers may
        // pass different names), `DevConfig if get_debug_flag() else ProdConfig`. Each candidate's keys are kept apart.
        const among = (v: EvalValue | undefined): EvalValue[] | undefined => {
          if (v === undefined) return undefined
          if (readable(v)) return [v]
          return v.kind === 'unknown' && v.among?.every((x) => readable(x)) ? v.among : undefined
        }
        const fromSites = atSites.length > 0 && !same ? atSites.map(among) : []
        const candidates = fromSites.length > 0 && fromSites.every((x) => x !== undefined) ? fromSites.flat() : among(arg)
        const options: (FlaskConfigChoice['options'][number] & {value: unknown})[] = []
        for (const v of new Set(candidates ?? [])) {
          if (options.some((o) => o.value === (classOf(v) ?? asString(v)))) continue
          const got = await objectNames(project, v, undefined)
          if (!got) break
          const to = new Map<string, FlaskConfigKey[]>()
          names(got.names, got.file, got.line, to)
          options.push({keys: to, name: got.name, value: classOf(v) ?? asString(v)})
        }

        if (candidates && options.length > 0 && options.length === new Set(candidates.map((v) => classOf(v) ?? asString(v))).size) {
          const siteWhy = fromSites.length > 0 ? atSites.find((v) => v?.kind === 'unknown') : undefined
          choices.push({file: m.file, line: c.line, options: options.map(({keys: k, name}) => ({keys: k, name})), why: why(siteWhy ?? arg)})
          fromClass ||= candidates.some((v) => classOf(v) !== undefined)
          continue
        }

        unread.push({file: m.file, line: c.line, why: asString(value) ? `config.from_object(${asString(value)}) is not a class or module of the app conncalc can read` : `config.from_object: ${why(arg)}`})
      } else if (method === 'update' || method === 'from_mapping') {
        const keep = (k: string) => method === 'update' || upper(k)
        if (arg && isDict(arg)) {
          for (const [k, v] of arg.value.entries) if (keep(k)) add(k, {file: m.file, line: c.line, value: v})
          if (arg.value.partial) unread.push({file: m.file, line: c.line, why: `config.${method}: a \`**\` spread in its dict conncalc cannot read`})
        } else if (arg) unread.push({file: m.file, line: c.line, why: `config.${method}: ${why(arg)}`})
        for (const [k, v] of Object.entries(c.kwargs)) if (keep(k)) add(k, {file: m.file, line: c.line, value: v})
        if (c.spread) unread.push({file: m.file, line: c.line, why: `config.${method}: a \`**\` spread conncalc cannot read`})
      } else {
        const got = method === 'from_pyfile' ? await pyfileConfig(project, modules, c, m.file) : undefined
        if (got) names(got.module.names, got.file, 1)
        else unread.push({file: m.file, line: c.line, why: `config.${method}() reads ${method === 'from_prefixed_env' ? 'FLASK_* environment variables' : 'a file'} when the app starts`})
      }
    }

    for (const a of m.itemAssignments) if (/(^|\.)config$/.test(a.target)) add(a.key, {file: m.file, line: a.line, value: a.value})
  }

  return {byFallback, choices, fromClass, keys, unread}
}
