/**
 * What makes a server's import of the app fail at start, read from the modules it imports then (the modules it is
 * given, and what they import at their top level outside a try body or an undecided `if`): a module the app's Python
 * does not compile (rejected-syntax.ts), or a Django model defined before Django is set up. Each is a reason the
 * process exits at start, for server.ts to say and star.
 */
import type {FileReader} from '../../model/files.js'
import type {PythonProject} from './modules.js'
import type {PyImport, PyModule} from './values.js'

import {posix} from 'node:path'

import {gitIgnoredBy} from '../../util/git-ignore.js'
import {walkModules} from '../../util/walk.js'
import {settingsModule} from './django.js'
import {parsePython} from './parse.js'
import {pythonVersion} from './python-version.js'
import {rejectedSyntax} from './rejected-syntax.js'

export interface ImportFailure {
  fix: string
  /** What fails, without the consequence: "daphne imports x.py (…), which …". */
  what: string
  /** The exception and why, for the message: "the import raises SyntaxError (REF)". */
  raises: string
}

// "[SyntaxError] may occur in an import statement": a module that does not compile fails the import that runs it.
const SYNTAX_ERROR_REF = 'https://docs.python.org/3/library/exceptions.html#SyntaxError'
// Apps.check_apps_ready: a model class made before django.setup() populated the registry raises AppRegistryNotReady
// ("Apps aren't loaded yet."), or ImproperlyConfigured when no settings module is configured either.
const APPS_READY_REF = 'https://github.com/django/django/blob/main/django/apps/registry.py'
// Channels' deploying guide: "Initialize Django ASGI application early to ensure the AppRegistry is populated before
// importing code that may import ORM models."
const CHANNELS_ASGI_REF = 'https://channels.readthedocs.io/en/latest/deploying.html'

type Importer = Map<string, {file: string; how?: string; line: number}>

/** Where an import leads in the app: the module and, for `from pkg import name`, the submodule the name may be. */
function targets(project: PythonProject, imp: PyImport, from: string): (string | undefined)[] {
  return [project.resolve(imp.module, imp.level, from), ...(Array.isArray(imp.names) ? imp.names.map((n) => project.resolve(imp.module ? `${imp.module}.${n}` : n, imp.level, from)) : [])]
}

const runsAtImport = (imp: PyImport): boolean => !imp.within && !imp.guarded

/**
 * The packages an import runs before its module, in the app: `import a.b.c` (or `from a.b import c`) imports a, then
 * a.b, each package's __init__.py run first (importlib._bootstrap._find_and_load imports a dotted name's parent before
 * it: https://docs.python.org/3/reference/import.html#regular-packages).
 */
function packagesOf(project: PythonProject, module: string, level: number, from?: string): string[] {
  const parts = module.split('.').filter(Boolean)
  const found: string[] = []
  for (let i = 1; i < parts.length; i++) {
    const pkg = project.resolve(parts.slice(0, i).join('.'), level, from)
    if (pkg && (pkg === '__init__.py' || pkg.endsWith('/__init__.py'))) found.push(pkg)
  }

  return found
}

/**
 * Breadth-first over what `seeds` import when they are imported, to the first module `check` finds wrong. `importer`
 * holds, for the seeds, who imports them (their first link), and is filled as the walk goes (the chain said). With
 * `packages`, a dotted import also leads to the packages it runs first (packagesOf).
 */
async function firstAtStart<T>(project: PythonProject, seeds: string[], importer: Importer, check: (path: string) => Promise<T | undefined>, packages = false): Promise<{file: string; found: T} | undefined> {
  let hit: {file: string; found: T} | undefined
  await walkModules(
    seeds,
    async (path) => {
      if (hit) return undefined
      const found = await check(path)
      if (found !== undefined) {
        hit = {file: path, found}
        return undefined
      }

      return project.load(path)
    },
    (m: PyModule, path) =>
      m.imports.filter(runsAtImport).flatMap((imp) => {
        const to = [...(packages ? packagesOf(project, imp.module, imp.level, path) : []), ...targets(project, imp, path)]
        for (const t of to) if (t && !importer.has(t) && t !== path) importer.set(t, {file: path, line: imp.line})
        return to
      }),
  )
  return hit
}

/** `a.py:3 imports b.py, b.py:5 imports c.py`: how `file` is reached from the walk's start. */
function chainTo(file: string, importer: Importer, start: readonly string[]): string[] {
  const chain: string[] = []
  for (let f = file, seen = new Set<string>(); importer.has(f) && !seen.has(f) && !start.includes(f); f = importer.get(f)!.file) {
    seen.add(f)
    const by = importer.get(f)!
    chain.unshift(`${by.file}:${by.line} ${by.how ?? 'imports'} ${f}`)
  }

  return chain
}

type Env = {get(n: string): {value: string} | undefined}

/**
 * The modules a server imports at start: the entries and, when one sets Django up at its top level, the settings
 * module Django imports then (and that module's packages, imported before it), each noted in `importer`.
 */
async function withSettings(project: PythonProject, entries: string[], env: Env, importer: Importer): Promise<string[]> {
  const seeds = [...entries]
  // One after another: evaluations are strictly nested (shared-eval.ts depth), never two at once.
  const loaded: PyModule[] = []
  for (const e of entries) {
    const m = await project.load(e)
    if (m) loaded.push(m)
  }

  const setup = loaded.flatMap((m) => m.calls.filter((c) => !c.within && !c.conditional && DJANGO_SETUP.test(c.callee)).map((c) => ({c, m})))[0]
  const settings = setup ? settingsModule(project, loaded, env) : undefined
  const settingsFile = settings ? project.resolve(settings) : undefined
  if (!setup || !settings || !settingsFile) return seeds
  const how = `sets Django up (${setup.c.callee.split('.').at(-1)}()), which imports the settings module ${settings}`
  for (const pkg of packagesOf(project, settings, 0)) {
    if (seeds.includes(pkg)) continue
    seeds.push(pkg)
    importer.set(pkg, {file: setup.m.file, how: `${how} and so its package`, line: setup.c.line})
  }

  if (!seeds.includes(settingsFile)) {
    seeds.push(settingsFile)
    importer.set(settingsFile, {file: setup.m.file, how: `${how},`, line: setup.c.line})
  }

  return seeds
}

/** A module imported at start that the app's Python does not compile. */
export async function rejectedAtStart(project: PythonProject, files: FileReader, entries: string[], env: Env, server: string): Promise<ImportFailure | undefined> {
  const version = pythonVersion(files)
  const importer: Importer = new Map()
  const seeds = await withSettings(project, entries, env, importer)
  const hit = await firstAtStart(project, seeds, importer, async (path) => {
    const text = files.read(path)?.text
    return text === undefined ? undefined : rejectedSyntax(await parsePython(path, text), version)
  }, true)
  if (!hit) return undefined
  const {file, found: rejected} = hit
  const chain = chainTo(file, importer, entries)
  const runs = version ? `${rejected.by} (${version.file}:${version.line})` : `${rejected.by} (the buildpack's default; the app names no version)`
  const newer = typeof rejected.kind === 'object' ? rejected.kind.newer : undefined
  const also = newer && version ? `, or ask for Python 3.${newer} or later in ${version.file}` : rejected.kind === 'python2' ? ' (the code is Python 2: port it to Python 3)' : ''
  return {
    fix: `fix ${file}:${rejected.line} so that ${rejected.by} compiles it (\`python -m py_compile ${file}\` shows the error)${also}`,
    raises: `the import raises SyntaxError (${SYNTAX_ERROR_REF})`,
    what: `${server} imports ${file}${chain.length > 0 ? ` (${chain.join(', ')})` : ''}, which ${runs} does not compile: ${file}:${rejected.line}: ${rejected.what}`,
  }
}

/** The calls that set Django up (populate the app registry) in an ASGI/WSGI module. */
const DJANGO_SETUP = /^(django\.setup|django\.core\.(asgi\.get_asgi_application|wsgi\.get_wsgi_application)|channels\.routing\.get_default_application)$/
/** An app's models module (app/models.py, app/models/…): importing it defines model classes. */
const MODELS_MODULE = /(^|\/)models(\.py|\/)/
/** Django's own apps' models (django.contrib.auth.models): the same. */
const CONTRIB_MODELS = /^django\.contrib\.\w+\.models$/

/**
 * A Django ASGI/WSGI module that, before it calls get_asgi_application() / get_wsgi_application() / django.setup() at
 * its top level, imports (at import time, through any chain) an app's models module or a django.contrib app's models:
 * the model classes are made before the app registry is populated, which raises, so the server's import of the
 * module fails (1155-boni/queueflow's asgi.py: `import queues.routing` → consumers → `from .models import …`, then
 * ProtocolTypeRouter({"http": get_asgi_application(), …})).
 */
export async function modelsBeforeSetup(project: PythonProject, entries: string[], server: string): Promise<ImportFailure | undefined> {
  for (const entry of entries) {
    const m = await project.load(entry)
    const setup = m?.calls.filter((c) => !c.within && !c.conditional && DJANGO_SETUP.test(c.callee)).sort((a, b) => a.line - b.line)[0]
    if (!m || !setup) continue
    const early = m.imports.filter((imp) => runsAtImport(imp) && imp.line < setup.line)
    const importer: Importer = new Map()
    const contrib = (mod: PyModule | undefined): PyImport | undefined => mod?.imports.find((imp) => runsAtImport(imp) && imp.level === 0 && (CONTRIB_MODELS.test(imp.module) || (Array.isArray(imp.names) && imp.names.includes('models') && /^django\.contrib\.\w+$/.test(imp.module))))
    const direct = early.find((imp) => imp.level === 0 && CONTRIB_MODELS.test(imp.module))
    let file: string | undefined
    let models: string | undefined
    if (direct) {
      file = entry
      models = direct.module
      importer.set(direct.module, {file: entry, line: direct.line})
    } else {
      const seeds: string[] = []
      for (const imp of early) {
        for (const t of targets(project, imp, entry)) {
          if (!t || t === entry) continue
          if (!importer.has(t)) importer.set(t, {file: entry, line: imp.line})
          seeds.push(t)
        }
      }

      const hit = await firstAtStart(project, seeds, importer, async (path) => {
        if (MODELS_MODULE.test(path)) return path
        const c = contrib(await project.load(path))
        return c ? c.module : undefined
      })
      if (!hit) continue
      file = hit.file
      models = hit.found
    }

    const chain = direct ? [`${entry}:${direct.line} imports ${direct.module}`] : chainTo(file, importer, [entry])
    const which = models === file ? file : `${models}${file === entry ? '' : ` (${file} imports it)`}`
    const setupName = setup.callee.split('.').at(-1)!
    return {
      fix: `in ${entry}, call ${setupName}() before importing what imports models (\`django_asgi_app = get_asgi_application()\`, then \`import …routing\`, as Channels' deploying guide does: ${CHANNELS_ASGI_REF})`,
      raises: `the model classes are made before django.setup() has populated the app registry, which raises AppRegistryNotReady ("Apps aren't loaded yet", or ImproperlyConfigured with no settings module; ${APPS_READY_REF} Apps.check_apps_ready), so the import fails`,
      what: `${server} imports ${entry}, which imports ${which} (${chain.join(', ')}) before it calls ${setupName}() at ${entry}:${setup.line}`,
    }
  }

  return undefined
}

// gunicorn util.import_app, Django's import_module(DJANGO_SETTINGS_MODULE): importlib, which fails on a missing module.
const IMPORT_REF = 'https://docs.python.org/3/library/importlib.html#importlib.import_module'

/** The files an import would be, in the app, when it resolves nowhere: relative to the importer, or under an app package. */
function wouldBe(project: PythonProject, imp: PyImport, from: string): string[] {
  const rel = imp.module.split('.').filter(Boolean).join('/')
  if (imp.level > 0) {
    let dir = posix.dirname(from)
    for (let i = 1; i < imp.level; i++) dir = posix.dirname(dir)
    const base = dir === '.' ? '' : `${dir}/`
    return rel ? [`${base}${rel}.py`, `${base}${rel}/__init__.py`] : []
  }

  // `import settings.local` / `from proj.settings.local import *`: its package is the app's.
  const top = imp.module.split('.')[0]
  const pkg = imp.module.includes('.') ? project.resolve(top) : undefined
  if (!pkg) return []
  const root = pkg.endsWith('/__init__.py') ? pkg.slice(0, -`${top}/__init__.py`.length) : pkg.slice(0, -`${top}.py`.length)
  return [`${root}${rel}.py`, `${root}${rel}/__init__.py`]
}

/**
 * A module the server imports at start (the modules it is given, what they import at their top level, and the Django
 * settings module they set Django up with) imports, unguarded, a module of the app's own packages that is not in the
 * repository because .gitignore keeps it out (front_alerts' `from .local import *`, settings/local.py ignored by a `*` pattern): a
 * developer's own file, never pushed, so the import raises ModuleNotFoundError on a dyno. Not said when a build hook
 * (bin/pre_compile, bin/post_compile) or a Dockerfile may write it.
 */
export async function gitignoredAtStart(project: PythonProject, files: FileReader, entries: string[], env: Env, server: string): Promise<ImportFailure | undefined> {
  const importer: Importer = new Map()
  const seeds = await withSettings(project, entries, env, importer)
  const hit = await firstAtStart(project, seeds, importer, async (path) => {
    const m = await project.load(path)
    for (const imp of m?.imports.filter(runsAtImport) ?? []) {
      if (targets(project, imp, path).some(Boolean)) continue
      for (const candidate of wouldBe(project, imp, path)) {
        const by = gitIgnoredBy(files, candidate)
        if (by) return {by, candidate, imp}
      }
    }

    return undefined
  })
  if (!hit) return undefined
  if (['bin/pre_compile', 'bin/post_compile'].some((f) => files.exists(f)) || files.list('').some((f) => /^Dockerfile/.test(f) && (files.read(f)?.text ?? '').includes(posix.basename(hit.found.candidate)))) return undefined
  const {by, candidate, imp} = hit.found
  const chain = chainTo(hit.file, importer, entries)
  const named = imp.level > 0 ? '.'.repeat(imp.level) + imp.module : imp.module
  return {
    fix: `if the dynos set what makes the code import another module (an env var an \`if\` around line ${imp.line} reads), pass it (--env NAME=VALUE, or --env-file with \`heroku config -s\`); else commit the module the dynos need, or guard the import (try: … except ImportError: pass)`,
    raises: `on a dyno the import raises ModuleNotFoundError (${IMPORT_REF})`,
    what: `${server} imports ${hit.file}${chain.length > 0 ? ` (${chain.join(', ')})` : ''}, whose line ${imp.line} imports ${named}: ${candidate} is not in the repository, ${by} keeps it out of git (a developer's own file, never pushed)`,
  }
}
