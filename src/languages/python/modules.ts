/**
 * The app's Python modules as Python would find them: dotted names resolved to
 * files in the app (also under `src/`), relative imports, star imports. Only
 * files of the app are read; imports of installed packages stay names.
 */
import type {EvalValue, PyCall, PyCallSite, PyFunctionSites, PyModule, Scope} from './values.js'
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {FileReader} from '../../model/files.js'

import {evaluateModule} from './evaluate.js'
import {type LoadedEnvFile, readShippedEnvFile, withEnvFiles} from './env-files.js'
import {claim, depth, isDirty, MAX_CALL_DEPTH, type PyBudget, PyTrace, type PyRun, STATEMENT_BUDGET, sameAnswer, serially, siteOutcome, SiteView, within} from './shared-eval.js'
import {namedFromRoot} from './module-paths.js'
import {processArgv} from './program.js'
import {walkModules} from '../../util/walk.js'
import {append} from '../../util/arrays.js'

const dirOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '')
const join = (dir: string, rest: string): string => (dir ? `${dir}/${rest}` : rest)


/**
 * Folders other than the root and src/ whose packages pyproject.toml installs at the top level, as the app installed
 * as a package imports them: hatch's wheel `packages = ["src/py/app"]` (the last part is the package's name,
 * https://hatch.pypa.io/latest/plugins/builder/wheel/#options) and poetry's `packages = [{include = "app", from =
 * "src/py"}]` (https://python-poetry.org/docs/pyproject/#packages).
 */
function packageFolders(files: FileReader): string[] {
  const text = files.read('pyproject.toml')?.text ?? ''
  const section = (name: string): string => new RegExp(String.raw`^\[${name.replaceAll('.', String.raw`\.`)}\][ \t]*$([\s\S]*?)(?=^\[|(?![\s\S]))`, 'm').exec(text)?.[1] ?? ''
  const array = (body: string): string => /^\s*packages\s*=\s*\[([\s\S]*?)\]\s*$/m.exec(body)?.[1] ?? ''
  const hatch = [...array(section('tool.hatch.build.targets.wheel')).matchAll(/["']([^"']+)\/[^"'/]+["']/g)].map((m) => m[1])
  const poetry = [...array(section('tool.poetry')).matchAll(/\bfrom\s*=\s*["']([^"']+)["']/g)].map((m) => m[1])
  const out = [...hatch, ...poetry].map((d) => d.replace(/^\.\//, '').replace(/\/+$/, '')).filter((d) => d !== '' && d !== 'src' && d !== '.' && !d.split('/').includes('..'))
  return [...new Set(out)]
}

/** Each file's evaluations so far, in any project of the run, by its text (shared-eval.ts; a `cd sub` reads another file at the same path). */
const evaluations = new Map<string, {text: string; traces: PyTrace[]}[]>()

/**
 * Each process type's statement budget (STATEMENT_BUDGET), shared by its projects and by every way its command may go: by
 * the type's AnalyzerContext.work, else (a context made apart, in a unit test) by its env.
 */
const budgets = new WeakMap<object, PyBudget>()
function budgetOf(ctx: Pick<AnalyzerContext, 'env' | 'work'>): PyBudget {
  const key = ctx.work ?? ctx.env
  let b = budgets.get(key)
  if (!b) budgets.set(key, (b = {left: STATEMENT_BUDGET, ...(ctx.work ? {work: ctx.work} : {})}))
  return b
}

export class PythonProject {
  readonly diagnostics: Diagnostic[] = []
  /** The call sites of the app's functions as this project's evaluations walked them (shared-eval.ts). */
  readonly view = new SiteView()
  private readonly loaded = new Map<string, Promise<PyModule | undefined>>()
  /** The file each module name resolved to (resolve): the app's files and this project's sys.path do not change in a run. */
  private readonly resolved = new Map<string, string | undefined>()
  private readonly loading = new Set<string>()
  /** This project's views of shared modules, calls, functions and call sites (shown). */
  private readonly shown = new WeakMap<object, object>()
  /** The env files the code loaded into os.environ so far (load_dotenv, read_env), in order (env-files.ts). */
  private readonly envFiles: LoadedEnvFile[] = []

  /** The folders searched for an absolute import, in Python's order (see the constructor). */
  private readonly bases: string[]

  /**
   * @param roots folders Python searches before the app root: gunicorn's
   * `--pythonpath`/`--chdir`, the folder of `python netbox/manage.py`.
   */
  constructor(
    private readonly ctx: Pick<AnalyzerContext, 'dyno' | 'env' | 'files'> & Partial<Pick<AnalyzerContext, 'command' | 'work'>>,
    private readonly roots: string[] = [],
  ) {
    // After `cd sub &&` the command's folder is searched first ('': gunicorn puts the cwd first on sys.path, python
    // the script's folder), then the app root: Heroku's Python buildpack sets PYTHONPATH=${PYTHONPATH:-$HOME}
    // (heroku-buildpack-python .profile.d/python.sh), and PYTHONPATH comes before site-packages (docs.python.org/3/
    // library/sys_path_init.html). An app that sets PYTHONPATH itself keeps its own, so the root is not added then.
    const within = ctx.files.within
    const up = within && !within.split('/').includes('..') && ctx.env.get('PYTHONPATH') === undefined ? within.split('/').map(() => '..').join('/') : undefined
    const packaged = packageFolders(ctx.files)
    this.bases = up === undefined ? [...roots, '', ...packaged, 'src'] : [...roots, '', up, ...packaged, 'src']
  }

  /**
   * The file `module` is found in only through the src/ fallback (the src layout: src/pkg/…), not through a command
   * folder, the cwd or the app root: Python imports it only when something puts src/ on sys.path (the app installed as
   * a package, PYTHONPATH). Undefined when it is found elsewhere first, or not at all.
   */
  onlyUnderSrc(module: string): string | undefined {
    const rel = module.split('.').filter(Boolean).join('/')
    if (!rel) return undefined
    const last = this.bases.length - 1
    for (const [i, base] of this.bases.entries()) {
      const hit = [join(base, `${rel}.py`), join(base, `${rel}/__init__.py`)].find((c) => this.ctx.files.exists(c))
      if (hit) return i === last && base === 'src' ? hit : undefined
    }

    return undefined
  }

  /**
   * Whether this project is the one a new project for `ctx` with `roots` would be (the same process: the same context and
   * sys.path): an analyzer that read the script in it goes on in it rather than reading every module again (werkzeug.ts).
   */
  readsAs(ctx: object, roots: readonly string[]): boolean {
    return this.ctx === ctx && this.roots.length === roots.length && this.roots.every((r, i) => r === roots[i])
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

    // Once per name and folder: every walk resolves every import of every module it loads again (polarsource/polar:
    // 345,451 resolutions of 4,095 names per run, each up to eight file lookups).
    const key = `${bases === this.bases ? '\0' : bases[0]}\0${rel}`
    if (this.resolved.has(key)) return this.resolved.get(key)
    let hit: string | undefined
    for (const base of bases) {
      const candidates = rel ? [join(base, `${rel}.py`), join(base, `${rel}/__init__.py`)] : [join(base, '__init__.py')]
      hit = candidates.find((c) => this.ctx.files.exists(c))
      if (hit) break
    }

    this.resolved.set(key, hit)
    return hit
  }

  /**
   * Evaluate a file once per project (its env decides the values), or reuse another project's evaluation
   * that reads the same here (shared-eval.ts); its functions' callers are this project's (shown).
   */
  async load(path: string): Promise<PyModule | undefined> {
    // One at a time (shared-eval.ts serially): a caller may load several under Promise.all.
    const m = await serially(() => this.loadShared(path))
    return m && this.show(m)
  }

  /** Call `f` (a function of a module this project loaded, invoked after its evaluation: invoke-tasks.ts) with this project's env and imports. */
  call<T>(f: () => Promise<T>): Promise<T> {
    return serially(() => within(this.newRun(false), f))
  }

  private loadShared(path: string): Promise<PyModule | undefined> {
    let p = this.loaded.get(path)
    if (!p) {
      p = this.evaluate(path)
      this.loaded.set(path, p)
    }

    return p
  }

  private newRun(open: boolean): PyRun {
    const argv = processArgv(this.ctx.command?.argv)
    const run: PyRun = {
      ...(argv ? {argv} : {}),
      env: withEnvFiles(this.ctx.env, this.envFiles),
      envFile: (path) => readShippedEnvFile(this.ctx.files, path),
      loadEnvFile: (load) => {
        // Loaded again (a replay taken over, a module run twice): the same variables, already in place.
        if (this.envFiles.some((l) => l.path === load.path && l.override === load.override)) return
        this.envFiles.push(load)
        run.env = withEnvFiles(this.ctx.env, this.envFiles)
      },
      ...(this.ctx.dyno?.nproc ? {nproc: this.ctx.dyno.nproc} : {}),
      open,
      resolve: (module, level, from) => this.namesOf(module, level, from),
      runFile: (included, globals) => this.evaluate(included, globals),
      sites: this.view,
      trace: new PyTrace(),
      budget: budgetOf(this.ctx),
    }
    return run
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
      // An included file runs in the including module's evaluation, and its diagnostics come back through that module.
      if (scope) return await evaluateModule(path, file.text, scope)
      const m = await this.shared(path, file.text)
      append(this.diagnostics, m.diagnostics)
      return m
    } finally {
      this.loading.delete(path)
    }
  }

  /** The module `path` evaluated here, or another project's evaluation of it that reads the same here (shared-eval.ts). */
  private async shared(path: string, text: string): Promise<PyModule> {
    const texts = evaluations.get(path) ?? []
    evaluations.set(path, texts)
    let known = texts.find((k) => k.text === text)
    if (!known) texts.push((known = {text, traces: []}))
    const run = this.newRun(true)
    const reusable = known.traces.find((t) => this.agrees(t))
    if (reusable) {
      const at = await this.replay(reusable, run.trace.startDepth)
      if (at < 0) {
        reusable.types.add(this.ctx.env)
        return reusable.module!
      }

      run.takeover = {at, events: reusable.events}
    }

    try {
      const m = await within(run, () => evaluateModule(path, text))
      const t = run.trace
      t.module = m
      t.types.add(this.ctx.env)
      claim(t, m.names)
      if (!t.unshareable) known.traces.push(t)
      return m
    } finally {
      run.open = false
    }
  }

  /** Whether `t` may be reused here and reads the same env, CPU count and call nesting (the questions that change nothing). */
  private agrees(t: PyTrace): boolean {
    // Not by a project of a process type that uses it already (its projects may still read values a change here would reach).
    if (t.dirty || t.unshareable || t.types.has(this.ctx.env)) return false
    const d = depth.calls
    if (t.maxRel >= 0 && d !== t.startDepth && (t.startDepth + t.maxRel >= MAX_CALL_DEPTH || d + t.maxRel >= MAX_CALL_DEPTH)) return false
    const nproc = this.ctx.dyno?.nproc
    // The env as the evaluation saw it: env files it loaded (an 'envfile' event) change what the later questions read.
    const files = [...this.envFiles]
    let env = withEnvFiles(this.ctx.env, files)
    for (const e of t.events) {
      if (e.kind === 'envfile') {
        files.push(e.load)
        env = withEnvFiles(this.ctx.env, files)
      }

      if (e.kind === 'env' && !sameAnswer(e.got, e.deployer ? env.deployerSets(e.name) : env.get(e.name))) return false
      if (e.kind === 'nproc' && !sameAnswer(e.got, nproc)) return false
      if (e.kind === 'argv' && (e.got ?? []).join('\0') !== (processArgv(this.ctx.command?.argv) ?? []).join('\0')) return false
    }

    return true
  }

  /**
   * Ask `t`'s imports and call sites again here, in order: the imports load what a fresh evaluation would load
   * there, and the sites are kept here. -1 when every answer is the same; else the first event that differs.
   */
  private async replay(t: PyTrace, start: number): Promise<number> {
    for (const [i, e] of t.events.entries()) {
      if (e.kind === 'resolve') {
        const saved = depth.calls
        depth.calls = start + e.rel
        let got: Map<string, EvalValue> | undefined
        try {
          got = await this.namesOf(e.module, e.level, e.from)
        } finally {
          depth.calls = saved
        }

        if (got !== e.got || isDirty(got)) return i
      } else if (e.kind === 'envfile') {
        if (!this.envFiles.some((l) => l.path === e.load.path && l.override === e.load.override)) this.envFiles.push(e.load)
      } else if (e.kind === 'site') {
        if (siteOutcome(this.view, e.fn, e.file, e.line) !== e.outcome) return i
        if (e.outcome === 'add') this.view.list(e.fn).push(e.site)
        else if (e.outcome === 'cut') this.view.cut(e.fn)
      }
    }

    return -1
  }

  private async namesOf(module: string, level: number, from: string): Promise<Map<string, EvalValue> | undefined> {
    const path = this.resolve(module, level, from)
    // An import cycle, as Python would see it: the partly run module has no names yet.
    if (!path || this.loading.has(path)) return undefined
    return (await this.loadShared(path))?.names
  }

  /** `m` as this project sees it: its calls' functions keep the callers this project's evaluations walked (SiteView). */
  private show(m: PyModule): PyModule {
    return this.once(m, () => ({...m, calls: m.calls.map((c) => this.showCall(c))}))
  }

  private showCall(c: PyCall): PyCall {
    const fn = c.within
    return fn ? this.once(c, () => ({...c, within: this.showFunction(fn)})) : c
  }

  private showFunction(fn: PyFunctionSites): PyFunctionSites {
    return this.once(fn, () => {
      const view = this.view
      return Object.defineProperties({...fn}, {
        sites: {configurable: true, enumerable: true, get: () => view.list(fn).map((s) => this.showSite(s))},
        truncated: {configurable: true, enumerable: true, get: () => (view.truncated(fn) ? true : undefined)},
      })
    })
  }

  private showSite(s: PyCallSite): PyCallSite {
    return this.once(s, () => ({...s, calls: s.calls.map((c) => this.showCall(c))}))
  }

  private once<T extends object>(o: T, make: () => T): T {
    let p = this.shown.get(o) as T | undefined
    if (!p) this.shown.set(o, (p = make()))
    return p
  }

  /**
   * The entry files and every app module they import, transitively, to the end of every chain.
   * This is how pools are found: `create_engine(...)` lives where the app builds it.
   */
  async walk(entries: string[]): Promise<PyModule[]> {
    const existing = entries.filter((e) => this.ctx.files.exists(e))
    return walkModules(existing, (path) => this.load(path), (m, path) => [
      ...m.imports.flatMap((imp) => [
        this.resolve(imp.module, imp.level, path),
        // `from . import db` / `from app import models`: the names may be submodules.
        ...(Array.isArray(imp.names) ? imp.names.map((n) => this.resolve(imp.module ? `${imp.module}.${n}` : n, imp.level, path)) : []),
      ]),
      ...pyramidIncludes(m).map((inc) => this.resolve(inc.module, inc.level, path)),
    ])
  }
}

/**
 * Pyramid's `config.include("lms.db")` / `config.include(".models")`: the Configurator imports that module by its
 * dotted name (relative to the configuring package when it starts with a dot) and calls its `includeme(config)`
 * (https://docs.pylonsproject.org/projects/pyramid/en/latest/api/config.html#pyramid.config.Configurator.include), so the module runs as an import does: where a Pyramid app makes its SQLAlchemy engine
 * (`def includeme(config): engine = create_engine(…)`). Read in a module that imports Pyramid or a pyramid_* package;
 * a name that is no module of the app (`pyramid_jinja2`) resolves to nothing.
 */
function pyramidIncludes(m: PyModule): {level: number; module: string}[] {
  if (!m.imports.some((i) => i.level === 0 && /^pyramid(?:[._]|$)/.test(i.module))) return []
  return m.calls.flatMap((c) => {
    if (!/\.include$/.test(c.callee)) return []
    const name = c.args[0]?.kind === 'known' && typeof c.args[0].value === 'string' ? c.args[0].value : undefined
    const dotted = name === undefined ? undefined : /^(\.*)([A-Za-z_][\w.]*)?$/.exec(name.trim())
    return dotted && (dotted[1] !== '' || dotted[2]) ? [{level: dotted[1].length, module: dotted[2] ?? ''}] : []
  })
}

/** `proj.wsgi:application` / `app.main:app` / `main` → the module's file candidates. */
export function moduleOfAppSpec(spec: string | undefined): string | undefined {
  if (!spec) return undefined
  const mod = spec.split(':')[0].trim()
  return /^[A-Za-z_][\w.]*$/.test(mod) ? mod : undefined
}
