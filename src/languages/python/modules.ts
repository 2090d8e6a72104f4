/**
 * The app's Python modules as Python would find them: dotted names resolved to
 * files in the app (also under `src/`), relative imports, star imports. Only
 * files of the app are read; imports of installed packages stay names.
 */
import type {EvalValue, PyModule, Scope} from './values.js'
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {FileReader} from '../../model/files.js'

import {evaluatePython} from './evaluate.js'
import {namedFromRoot} from './module-paths.js'
import {walkModules} from '../../util/walk.js'
import {append} from '../../util/arrays.js'

const dirOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '')
const join = (dir: string, rest: string): string => (dir ? `${dir}/${rest}` : rest)


export class PythonProject {
  readonly diagnostics: Diagnostic[] = []
  private readonly loaded = new Map<string, Promise<PyModule | undefined>>()
  private readonly loading = new Set<string>()

  /**
   * @param roots folders Python searches before the app root: gunicorn's
   * `--pythonpath`/`--chdir`, the folder of `python netbox/manage.py`.
   */
  /** The folders searched for an absolute import, in Python's order (see the constructor). */
  private readonly bases: string[]

  constructor(
    private readonly ctx: Pick<AnalyzerContext, 'dyno' | 'env' | 'files'>,
    roots: string[] = [],
  ) {
    // After `cd sub &&` the command's folder is searched first ('': gunicorn puts the cwd first on sys.path, python
    // the script's folder), then the app root: Heroku's Python buildpack sets PYTHONPATH=${PYTHONPATH:-$HOME}
    // (heroku-buildpack-python .profile.d/python.sh), and PYTHONPATH comes before site-packages (docs.python.org/3/
    // library/sys_path_init.html). An app that sets PYTHONPATH itself keeps its own, so the root is not added then.
    const within = ctx.files.within
    const up = within && !within.split('/').includes('..') && ctx.env.get('PYTHONPATH') === undefined ? within.split('/').map(() => '..').join('/') : undefined
    this.bases = up === undefined ? [...roots, '', 'src'] : [...roots, '', up, 'src']
  }

  /** The app's files, as this project reads them. */
  get files(): FileReader {
    return this.ctx.files
  }

  /** The file a dotted module name lives in: `proj.settings` → proj/settings.py or proj/settings/__init__.py. */
  resolve(module: string, level = 0, from?: string): string | undefined {
    const rel = module.split('.').filter(Boolean).join('/')
    let bases: string[]
    if (level > 0 && from !== undefined) {
      let dir = dirOf(from)
      for (let i = 1; i < level; i++) dir = dirOf(dir)
      bases = [dir]
    } else bases = this.bases

    for (const base of bases) {
      const candidates = rel ? [join(base, `${rel}.py`), join(base, `${rel}/__init__.py`)] : [join(base, '__init__.py')]
      const hit = candidates.find((c) => this.ctx.files.exists(c))
      if (hit) return hit
    }

    return undefined
  }

  /** Evaluate a file once per process type (its env decides the values). */
  load(path: string): Promise<PyModule | undefined> {
    let p = this.loaded.get(path)
    if (!p) {
      p = this.evaluate(path)
      this.loaded.set(path, p)
    }

    return p
  }

  /**
   * Run a file in the given globals (django-split-settings' include()), not cached: what it sets
   * depends on the names before it. Undefined when it is not in the app, or already running (a cycle).
   */
  private async evaluate(path: string, scope?: Scope): Promise<PyModule | undefined> {
    const file = this.ctx.files.read(path)
    if (!file || (scope && this.loading.has(path))) return undefined
    // Read from a `cd`'s folder: the module's values name `path`, relative to it; its path from the root is kept for them.
    if (file.path !== path) namedFromRoot(this.ctx.files).set(path, file.path)
    this.loading.add(path)
    try {
      const m = await evaluatePython(path, file.text, {
        env: this.ctx.env,
        nproc: this.ctx.dyno?.nproc,
        resolveModule: (module, level) => this.namesOf(module, level, path),
        runFile: (included, globals) => this.evaluate(included, globals),
        scope,
      })
      // An included file's diagnostics come back through the module that included it.
      if (!scope) append(this.diagnostics, m.diagnostics)
      return m
    } finally {
      this.loading.delete(path)
    }
  }

  private async namesOf(module: string, level: number, from: string): Promise<Map<string, EvalValue> | undefined> {
    const path = this.resolve(module, level, from)
    // An import cycle, as Python would see it: the partly run module has no names yet.
    if (!path || this.loading.has(path)) return undefined
    return (await this.load(path))?.names
  }

  /**
   * The entry files and every app module they import, transitively, to the end of every chain.
   * This is how pools are found: `create_engine(...)` lives where the app builds it.
   */
  async walk(entries: string[]): Promise<PyModule[]> {
    const existing = entries.filter((e) => this.ctx.files.exists(e))
    return walkModules(existing, (path) => this.load(path), (m, path) =>
      m.imports.flatMap((imp) => [
        this.resolve(imp.module, imp.level, path),
        // `from . import db` / `from app import models`: the names may be submodules.
        ...(Array.isArray(imp.names) ? imp.names.map((n) => this.resolve(imp.module ? `${imp.module}.${n}` : n, imp.level, path)) : []),
      ]),
    )
  }
}

/** `proj.wsgi:application` / `app.main:app` / `main` → the module's file candidates. */
export function moduleOfAppSpec(spec: string | undefined): string | undefined {
  if (!spec) return undefined
  const mod = spec.split(':')[0].trim()
  return /^[A-Za-z_][\w.]*$/.test(mod) ? mod : undefined
}
