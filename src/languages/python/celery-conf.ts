/**
 * A Celery app's own configuration, read as the worker reads one setting (celery@v5.3.6):
 *
 * - Changes: `Celery(…, key=v)`, `app.conf.update(…)`, `app.conf.key = v`, `app.conf["key"] = v` write to the
 *   app's pending changes (`_preconf`, app/base.py:270,325; PendingConfiguration.update/__setitem__ :94-118),
 *   the last write of a key winning.
 * - Source: `app.config_from_object(obj, namespace=…)` (base.py:564) replaces the config source; the last call wins.
 *   It is read when the app is configured (base.py:988 _load_config), under the changes:
 *   `Settings(preconf, [conf, defaults], prefix=namespace)` (app/utils.py:281).
 * - Lookup (utils/collections.py ConfigurationView.__getitem__ :384): with a namespace the key `NAMESPACE_KEY`
 *   (match_case: upper for an upper-case namespace) is tried in every layer first, then the plain key;
 *   defaults hold the plain key, so an old name (CELERYD_CONCURRENCY) is never reached there. Without a
 *   namespace the plain key, else the old name (a configuration of old names, detect_settings :232).
 *   In the changes, old and new names are one setting (detect_settings converts them, :279).
 *
 * A write conncalc cannot read (`app.conf.update(app.config)`) may set the key: said, and the value used
 * is an assumption. Undefined when no Celery app is found in the modules read.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {EvalValue, PyArm, PyCall, PyModule} from './values.js'
import type {PythonProject} from './modules.js'

import {assumed, fromDefault, type Source} from '../../model/source.js'
import {asString, isCall, isDict} from './evaluate.js'
import {classOf} from './values.js'
import {buildsFlaskApp, type FlaskConfig, flaskConfig} from './flask-config.js'


interface Write {
  arm?: PyArm
  conditional: boolean
  file: string
  keys: ReadonlySet<string> | 'any'
  line: number
  /** Undefined for a write conncalc cannot read (`keys` is then 'any'). */
  value?: EvalValue
  /** Why the write cannot be read. */
  why?: string
  /** How the value got here, when not written on the app (the Flask config copied by `conf.update(app.config)`). */
  via?: string
}

interface ConfigSource {
  conditional: boolean
  file: string
  line: number
  namespace?: string
  /** The names the source defines; undefined when conncalc cannot read it (`why`). */
  names?: ReadonlyMap<string, EvalValue>
  why?: string
}

/** What the app sets a key to: the value and where, and why it may be another. */
export interface CeleryConfValue {
  at?: {file: string; line: number}
  diagnostics: Diagnostic[]
  /** Writes conncalc cannot read or decide that may set the key instead. */
  doubts: Source[]
  /** The key as Celery looks it up where it was found (`CELERY_WORKER_CONCURRENCY`). */
  key?: string
  /** How the value reached the Celery app, when not written on it (a Flask config key copied by `conf.update(app.config)`). */
  notes?: Source[]
  value?: EvalValue
}

export interface CeleryConf {
  get(key: string, oldKey: string): CeleryConfValue
}

const FLASK_CONFIG = 'https://github.com/pallets/flask/blob/3.0.3/src/flask/config.py'
/** Celery()'s keyword arguments that are settings under another name (celery/app/base.py). */
const CTOR_KEYS: Record<string, string> = {backend: 'result_backend', broker: 'broker_url'}

const escape = (s: string): string => s.replaceAll(/[$()*+.?[\\\]^{|}]/g, String.raw`\$&`)

const isCelery = (callee: string): boolean => callee === 'celery.Celery' || callee === 'Celery'

/**
 * The Celery app the worker runs: the one `-A module:attr` names, else the module's `app`, else its `celery`
 * (celery/app/utils.py find_app), else the first built outside a function, else the first. Other apps the
 * modules build (a second Celery() per vhost) have their own configuration.
 */
function mainApp(modules: readonly PyModule[], attr: string | undefined): {call: PyCall; file: string} | undefined {
  const all = modules.flatMap((m) => m.calls.filter((c) => isCelery(c.callee) && c.assignedTo).map((call) => ({call, file: m.file})))
  const named = (n: string | undefined) => (n ? all.find((a) => a.call.assignedTo === n) : undefined)
  return named(attr) ?? named('app') ?? named('celery') ?? all.find((a) => !a.call.within) ?? all[0]
}

export async function celeryConf(project: PythonProject, modules: readonly PyModule[], djangoSettings: PyModule | undefined, attr?: string): Promise<CeleryConf | undefined> {
  const main = mainApp(modules, attr)
  const name = main?.call.assignedTo
  if (!main || !name) return undefined
  // `app.conf.update`, `proj.celery.app.conf.update` (the app imported by its module's path).
  const on = (suffix: string) => new RegExp(`(^|\\.)${escape(name)}${escape(suffix)}$`)
  const isUpdate = on('.conf.update')
  const isConf = on('.conf')
  const byName = on('.config_from_object')
  // A method called on the name itself is named after the call that made it (`celery.Celery().config_from_object`):
  // the main app's when it is in the same file and function.
  const isSource = (c: PyCall, file: string) => byName.test(c.callee) || (/^(celery\.)?Celery\(\)\.config_from_object$/.test(c.callee) && file === main.file && c.within === main.call.within)
  const writes: Write[] = []
  let source: ConfigSource | undefined
  let ctorNamespace: string | undefined
  let flask: FlaskConfig | undefined
  const one = (k: string): ReadonlySet<string> => new Set([k])

  for (const m of modules) {
    // A module's statements in the order they run: calls and assignments by line.
    const events: {line: number; run: () => Promise<void> | void}[] = []
    for (const c of m.calls) {
      const conditional = c.conditional
      const arm = c.arms?.at(-1)
      if (c === main.call) {
        ctorNamespace = asString(c.kwargs.namespace) ?? ctorNamespace
        events.push({line: c.line, run() {
          // Celery(broker=…, backend=…) are the settings broker_url and result_backend (celery@v5.6.3 app/base.py:392-393
          // Celery.__init__: `self.__autoset('broker_url', broker)`, `self.__autoset('result_backend', backend)`).
          for (const [k, v] of Object.entries(c.kwargs)) writes.push({arm, conditional, file: m.file, keys: one(CTOR_KEYS[k] ?? k), line: c.line, value: v})
        }})
      } else if (isUpdate.test(c.callee)) {
        events.push({line: c.line, async run() {
          const d = c.args[0]
          if (d && isDict(d)) {
            for (const [k, v] of d.value.entries) writes.push({arm: d.value.armed?.get(k) ?? arm, conditional: conditional || d.value.armed?.has(k) === true, file: m.file, keys: one(k), line: c.line, value: v})
            if (d.value.partial) writes.push({arm, conditional, file: m.file, keys: 'any', line: c.line, why: 'a `**` spread in its dict conncalc cannot read'})
          } else if (d && c.argNames?.[0]?.endsWith('.config') && buildsFlaskApp(modules)) {
            // `celery.conf.update(app.config)`: the Flask app's config, every key of it (flask-config.ts).
            flask ??= await flaskConfig(project, modules)
            for (const [k, vs] of flask.keys) for (const v of vs) writes.push({arm, conditional, file: v.file, keys: one(k), line: v.line, value: v.value, via: `the Flask config copied at ${m.file}:${c.line}`})
            for (const u of flask.unread) writes.push({arm, conditional, file: u.file, keys: 'any', line: u.line, why: `the Flask config copied at ${m.file}:${c.line} may take keys from here: ${u.why}`})
            // A config class of several, which one not decided (flask-config.ts FlaskConfigChoice): a key one of them sets may be set.
            for (const ch of flask.choices) {
              for (const o of ch.options) for (const [k, vs] of o.keys) for (const v of vs) writes.push({arm, conditional: true, file: v.file, keys: one(k), line: v.line, value: v.value, via: `the Flask config copied at ${m.file}:${c.line}, if config.from_object at ${ch.file}:${ch.line} loads ${o.name} (${ch.why})`})
            }
          } else if (d) writes.push({arm, conditional, file: m.file, keys: 'any', line: c.line, why: d.kind === 'unknown' ? d.reason : isCall(d) ? `it is what \`${d.value.callee}()\` returns, which conncalc does not compute` : 'its argument is not a dict'})
          for (const [k, v] of Object.entries(c.kwargs)) writes.push({arm: c.armedKwargs?.[k] ?? arm, conditional: conditional || c.armedKwargs?.[k] !== undefined, file: m.file, keys: one(k), line: c.line, value: v})
          if (c.spread) writes.push({arm, conditional, file: m.file, keys: 'any', line: c.line, why: 'a `**` spread conncalc cannot read'})
        }})
      } else if (isSource(c, m.file)) {
        events.push({line: c.line, async run() {
          source = {conditional, file: m.file, line: c.line, namespace: asString(c.kwargs.namespace), ...(await sourceNames(project, c.args[0], c.argNames?.[0], djangoSettings))}
        }})
      }
    }

    for (const a of [...m.attrAssignments, ...m.itemAssignments]) {
      if (!isConf.test(a.target)) continue
      events.push({line: a.line, run() {
        writes.push({arm: a.arm, conditional: a.conditional === true, file: m.file, keys: one(a.key), line: a.line, value: a.value})
      }})
    }

    events.sort((x, y) => x.line - y.line)
    for (const e of events) await e.run()
  }

  const namespace = source?.namespace ?? ctorNamespace
  return {
    get(key, oldKey) {
      const prefix = namespace ? `${namespace.replace(/_+$/, '')}_` : undefined
      const prefixed = prefix ? (prefix === prefix.toUpperCase() ? `${prefix}${key}`.toUpperCase() : `${prefix}${key}`.toLowerCase()) : undefined
      const keys = prefixed ? [prefixed, key] : [key, oldKey]
      // Old and new names are one setting in the changes (detect_settings converts them).
      const inChanges = (k: string) => (k === key || k === oldKey ? [key, oldKey] : [k])
      const doubts: Source[] = []
      const diagnostics: Diagnostic[] = []
      const unread = (file: string, line: number, why: string) => {
        doubts.push(assumed(`${file}:${line} may set ${keys[0]} in the Celery app's configuration (${why}); conncalc cannot read it`))
        diagnostics.push({code: 'unknown-config-value', file, line, message: `cannot read whether this sets Celery's ${key}: ${why}`, severity: 'warning'})
      }

      for (const k of keys) {
        const ks = inChanges(k)
        let found: number | undefined
        for (let i = writes.length - 1; i >= 0; i--) {
          const w = writes[i]
          if (w.keys !== 'any' && ks.some((x) => (w.keys as ReadonlySet<string>).has(x))) {
            found = i
            break
          }
        }

        // Unreadable writes after the one found (or anywhere, when none is) may replace it.
        for (const w of writes.slice(found === undefined ? 0 : found + 1)) if (w.keys === 'any') unread(w.file, w.line, w.why ?? 'not readable')
        if (found !== undefined) {
          const w = writes[found]
          if (w.conditional) doubts.push(assumed(`${w.file}:${w.line} sets ${k} only ${w.arm ? `when \`${w.arm.cond}\` (${w.arm.file}:${w.arm.line}), which conncalc cannot decide` : 'in a function, loop or branch that may not run'}`))
          const notes = w.via ? [fromDefault(`${w.via}: Celery's conf.update takes every key of it (Flask's Config is a dict)`, FLASK_CONFIG)] : undefined
          return {at: {file: w.file, line: w.line}, diagnostics, doubts, key: k, value: w.value, ...(notes ? {notes} : {})}
        }

        if (source?.names) {
          const v = source.names.get(k)
          if (v) {
            if (source.conditional) doubts.push(assumed(`config_from_object at ${source.file}:${source.line} may not run (in a function, loop or branch conncalc cannot decide)`))
            return {at: {file: v.file, line: v.line}, diagnostics, doubts, key: k, value: v}
          }
        } else if (source) {
          unread(source.file, source.line, source.why ?? 'its configuration object is not readable')
          return {diagnostics, doubts}
        }

        if (doubts.length > 0) return {diagnostics, doubts}
      }

      return {diagnostics, doubts}
    },
  }
}

/** What `config_from_object(obj)` reads: a module's or class's names, the Django settings, or why not. */
async function sourceNames(project: PythonProject, arg: EvalValue | undefined, argName: string | undefined, djangoSettings: PyModule | undefined): Promise<{names?: ReadonlyMap<string, EvalValue>; why?: string}> {
  const written = asString(arg)
  const path = written ?? argName
  if (path === 'django.conf:settings' || path === 'django.conf.settings') {
    return djangoSettings ? {names: djangoSettings.names} : {why: 'the Django settings module is not known (DJANGO_SETTINGS_MODULE)'}
  }

  const cls = classOf(arg)
  if (cls) return {names: cls.attrs}
  if (arg && isDict(arg) && !arg.value.partial) return {names: arg.value.entries}
  if (path !== undefined) {
    // "proj.celeryconfig", "proj.config:CeleryConfig" (celery.utils.imports.symbol_by_name), or an imported module.
    const [mod, attr] = path.split(':')
    const file = project.resolve(mod)
    const m = file ? await project.load(file) : undefined
    if (m && attr === undefined) return {names: m.names}
    const inner = m && attr ? classOf(m.names.get(attr)) : undefined
    if (inner) return {names: inner.attrs}
    if (m && attr && isDict(m.names.get(attr))) return {names: (m.names.get(attr) as EvalValue & {value: {entries: Map<string, EvalValue>}}).value.entries}
    return {why: `\`${path}\` is not a module or class of the app conncalc can read`}
  }

  return {why: arg?.kind === 'unknown' ? arg.reason : 'its argument is not a module or class conncalc can read'}
}
