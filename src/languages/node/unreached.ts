/**
 * Why the code that creates a library's pool was not found from a process's entry, as specifically
 * as the app's files tell: a module that was read imports the library but makes the pool where
 * conncalc does not evaluate; or the files that import it are never imported by a path conncalc
 * follows (loaded at run time); or no file of the app imports it at all. Said in the assumption
 * that takes the library's default, so the user knows what to check and what to pass.
 */
import type {AnalyzerContext} from '../common/types.js'
import type {FileReader} from '../../model/files.js'
import type {JsModule} from './js.js'
import type {PackageJson} from './package-json.js'
import type {NodeProject} from './project.js'

import {builtinModules} from 'node:module'
import {posix} from 'node:path'
import {lockedDependencies} from './package-json.js'

import {filesUnder, searchedText, withinDir} from '../../model/files.js'
import {enclosingFunctionAt, moduleLoads, valueReferenceLines} from './js.js'
import {dependencyNames, findWorkspaces, readPkg} from './workspaces.js'
import {CODE, NOT_LOADED, TEST_CODE} from './project.js'

/** The package name an import specifier names (`@org/x/sub` → `@org/x`, `mongodb/lib` → `mongodb`). */
export const packageOf = (spec: string): string => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/')

/** The packages whose import makes each library's pool (the ORM's own package, its NestJS module, pg's pool). */
const PACKAGES: Record<string, string[]> = {
  knex: ['knex'],
  pg: ['pg', 'pg-pool'],
  'pg-promise': ['pg-promise'],
  'postgres.js': ['postgres'],
  prisma: ['@prisma/client'],
  sequelize: ['sequelize', 'sequelize-typescript', '@nestjs/sequelize'],
  slonik: ['slonik', '@silverhand/slonik'],
  typeorm: ['typeorm', '@nestjs/typeorm'],
  'vercel-postgres': ['@vercel/postgres', '@vercel/postgres-kysely'],
}

/** The packages whose import makes the library's pool. */
export const packagesOf = (lib: string): string[] => PACKAGES[lib] ?? [lib]

/** Files searched for an import of the library, at most (node_modules and dot-folders are never read). */
const MAX_SEARCHED = 3000
const listed = (files: string[]): string => (files.length <= 2 ? files.join(' and ') : `${files.slice(0, 2).join(', ')} and ${files.length - 2} more`)

const importersCache = new WeakMap<object, Map<string, {files: string[]; truncated: boolean}>>()

/** The app's code files that import one of `names`, by their text (no parse): a bounded search, once per app and names. */
export function importersOf(ctx: AnalyzerContext, names: string[]): {files: string[]; truncated: boolean} {
  let byNames = importersCache.get(ctx.files)
  if (!byNames) importersCache.set(ctx.files, (byNames = new Map()))
  const key = names.join('\0')
  const known = byNames.get(key)
  if (known) return known
  const result = searchImporters(ctx, names)
  byNames.set(key, result)
  return result
}

function searchImporters(ctx: AnalyzerContext, names: string[]): {files: string[]; truncated: boolean} {
  const found = filesUnder(ctx.files, '', (p) => CODE.test(p) && !NOT_LOADED.test(p), {max: MAX_SEARCHED})
  const alt = names.map((n) => n.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')
  const re = new RegExp(String.raw`(?:require\s*\(|from|import\s*\(?)\s*['"\`](?:${alt})(?:/[^'"\`]*)?['"\`]`)
  let unreadable = false
  const files = found.paths.filter((p) => {
    const text = searchedText(ctx.files, p)
    if (typeof text === 'object') unreadable = true
    return typeof text === 'string' && re.test(text)
  })
  // A code file that cannot be read (larger than 1 MiB, no permission) may import it: the search cannot tell, as when cut short.
  return {files, truncated: found.truncated || unreadable}
}

/**
 * The packages of `lib` when no code file of the app imports any of them (the search finished): the dependency is
 * a tool's (drizzle-kit's driver, a migration CLI) or another library's, and the app's code makes no pool with it.
 * Undefined when a file imports one, or the search was cut short.
 */
export function importedNowhere(ctx: AnalyzerContext, lib: string): string[] | undefined {
  const names = PACKAGES[lib] ?? [lib]
  const importers = importersOf(ctx, names)
  const tooling = TOOLING[lib]
  const files = tooling ? importers.files.filter((f) => !tooling.test(f)) : importers.files
  return importers.truncated || files.length > 0 ? undefined : names
}

/** Files that import knex for its CLI, not to open a pool: migrations and seeds (they import its types), the knexfile. */
export const KNEX_TOOLING = /(^|\/)(migrations?|seeds?)\/|(^|\/)knexfile\.[cm]?[jt]s$/
/** Importers that do not count as the app using the library (importedNowhere). */
const TOOLING: Record<string, RegExp> = {knex: KNEX_TOOLING}

/** Programs that run a JS/TS file named as their first argument (`node db/init.js`, `tsx scripts/seed.ts`). */
const FILE_RUNNERS = new Set(['node', 'nodejs', 'ts-node', 'tsx', 'babel-node'])

/**
 * When every code file of the app that imports the library is one a package.json script runs itself (`"db:init": "node
 * db/init.js"`) and none of them was read for this process: that script's one-off process opens the pool, not this one.
 * The scripts, as `name (file:line)`, else undefined (an importer that is not such a file, or the search was cut short).
 */
export function onlyInScripts(ctx: AnalyzerContext, pkg: PackageJson, lib: string, modules: readonly JsModule[]): {files: string[]; scripts: string[]} | undefined {
  const importers = importersOf(ctx, PACKAGES[lib] ?? [lib])
  if (importers.truncated || importers.files.length === 0) return undefined
  const seen = new Set(modules.map((m) => m.file))
  const run = new Map<string, string>()
  for (const [name, script] of Object.entries(pkg.scripts)) {
    for (const cmd of script.split(/&&|\|\||;/)) {
      const file = scriptFile(cmd)
      if (file) run.set(file, `"${name}" (${pkg.path}:${pkg.lineOf(['scripts', name])})`)
    }
  }

  const scripts = importers.files.map((f) => (seen.has(f) ? undefined : (run.get(f) ?? run.get(f.replace(/\.[cm]?[jt]s$/, '')))))
  if (scripts.some((s) => s === undefined)) return undefined
  return {files: importers.files, scripts: [...new Set(scripts as string[])]}
}

export function whyPoolNotFound(ctx: AnalyzerContext, lib: string, modules: readonly JsModule[]): string {
  const tail = 'one pool with the default size assumed'
  const names = PACKAGES[lib] ?? [lib]
  const entry = modules[0]?.file
  if (entry === undefined) return `conncalc read no code for this process, so the code that creates the ${lib} pool was not looked for; ${tail}`
  const reached = modules.find((m) => m.imports.some((s) => names.includes(packageOf(s))))
  if (reached) {
    const from = reached.file === entry ? '' : ` (reached from ${entry})`
    return `${reached.file}${from} imports ${names.find((n) => reached.imports.some((s) => packageOf(s) === n))}, but makes no ${lib} pool conncalc can evaluate: it is made inside a function, a class or a callback conncalc does not run, or from values it cannot read; ${tail}`
  }

  const seen = new Set(modules.map((m) => m.file))
  const importers = importersOf(ctx, names)
  const others = importers.files.filter((f) => !seen.has(f))
  const searched = importers.truncated ? ` (the first ${MAX_SEARCHED} code files searched)` : ''
  if (others.length > 0) {
    return `${listed(others)} import${others.length === 1 ? 's' : ''} ${names[0]}, but no module reached from ${entry} (${modules.length} read) imports ${others.length === 1 ? 'it' : 'them'} by a path conncalc follows: loaded by a path built at run time, a folder read in a variable, dependency injection or a framework's own loading, or not run by this process${searched}; ${tail}`
  }

  return `no code file of the app imports ${names.join(' or ')}${searched}: the dependency is used by a tool (its CLI, migrations) or through another library, or from code built at deploy; ${tail}`
}

/**
 * A process whose whole import graph was read and reaches no database client: every module it loads was parsed, every
 * import of the app's own code resolved to a module read, none names its module by a path built at run time, and every
 * package it imports is a Node built-in or one the lock file shows depends on none of `clients`, directly or through its
 * own dependencies. The modules read and the packages checked; undefined when any of that cannot be told.
 */
export function closedImports(ctx: AnalyzerContext, project: NodeProject, modules: readonly JsModule[], clients: ReadonlySet<string>): {lock?: string; packages: string[]; read: number} | undefined {
  if (modules.length === 0) return undefined
  // A module is named from the app root (m.file); the project resolves from the path its reader knows it by (a process
  // run in a package's folder, `cd packages/dashboard && next start`, reads from there).
  const within = project.within
  const path = (f: string): string => (within === '' ? f : posix.relative(within, f))
  const seen = new Set(modules.map((m) => m.file))
  const packages = new Set<string>()
  for (const m of modules) {
    if (!m.parsed || m.computed) return undefined
    for (const spec of [...m.imports, ...(m.lazy ?? [])]) {
      const target = project.resolve(spec, path(m.file))
      if (target) {
        if (!seen.has(within === '' ? target : posix.join(within, target))) return undefined
        continue
      }

      if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) {
        if (spec.startsWith('node:')) continue
        // A stylesheet, image, font or data file a bundler loads (`import '../styles/index.css'` in a Next page): no code runs.
        if (/\.(?:css|scss|sass|less|styl|pcss|svg|png|jpe?g|gif|webp|avif|ico|bmp|woff2?|ttf|otf|eot|mp4|webm|mp3|wav|md|txt|json|ya?ml|graphql|gql)(?:\?[\w=&-]*)?$/i.test(spec)) continue
        return undefined
      }

      const name = packageOf(spec)
      // @prisma/client's enums and Prisma namespace are plain values: only `new PrismaClient()` (found as a pool when made)
      // opens connections (https://www.prisma.io/docs/orm/prisma-client/setup-and-configuration/databases-connections).
      if (name === '@prisma/client' && prismaValuesOnly(project.parsedOf(m)?.text)) continue
      if (clients.has(name)) return undefined
      if (!builtinModules.includes(name)) packages.add(name)
    }
  }

  if (packages.size === 0) return {packages: [], read: modules.length}
  const lock = lockedDependencies(ctx.files)
  if (!lock) return undefined
  for (const name of packages) {
    // Breadth-first through what the lock file says each package depends on; a package it does not list is not known.
    const queue = [name]
    const done = new Set<string>()
    while (queue.length > 0) {
      const n = queue.shift()!
      if (done.has(n)) continue
      done.add(n)
      if (clients.has(n)) return undefined
      const deps = lock.deps.get(n)
      // The package the code imports must be there; a dependency of it the lock file does not install is an optional
      // or peer one left out (a lock file lists every package installed), so nothing of it loads.
      if (!deps && n === name) return undefined
      if (deps) queue.push(...deps)
    }
  }

  return {lock: lock.file, packages: [...packages], read: modules.length}
}

/** Component files with a script of their own: Astro, Svelte, Vue, MDX. */
const COMPONENT = /\.(?:astro|svelte|vue|mdx)$/

const rootCodeCache = new WeakMap<object, {code: string[]; fromRoot: (path: string) => string; toReader: (path: string) => string; truncated: boolean}>()

/**
 * The whole app's code, from its root (a process run in a workspace folder reads through a reader within it), each path
 * as the reader names it, with fromRoot to name it as from the root, as module files are named. Components whose script
 * runs on the server too (an Astro page's frontmatter, a Svelte or Vue component's script) are code here.
 */
function rootCode(files: FileReader): {code: string[]; fromRoot: (path: string) => string; toReader: (path: string) => string; truncated: boolean} {
  let all = rootCodeCache.get(files)
  if (!all) {
    const up = files.within && !files.within.startsWith('..') ? files.within.split('/').map(() => '..').join('/') : ''
    const found = filesUnder(files, up, (p) => (CODE.test(p) || COMPONENT.test(p)) && !NOT_LOADED.test(p) && !p.includes('node_modules/'), {max: MAX_SEARCHED})
    rootCodeCache.set(files, (all = {code: found.paths, fromRoot: (p) => (up ? p.slice(up.length + 1) : p), toReader: (p) => (up ? `${up}/${p}` : p), truncated: found.truncated}))
  }

  return all
}

const namesCache = new WeakMap<object, {code: string[]; truncated: boolean}>()

/**
 * Whether the app's code file `file` (from the app root) reads `name` as a value (valueReferenceLines: not in a string, a
 * comment, a type, or as a member of a library's import, libraryOf); true when the file cannot be read or parsed, as it may.
 */
export function readsName(files: FileReader, file: string, name: string): boolean {
  const at = rootCode(files).toReader(file)
  const text = searchedText(files, at)
  if (typeof text !== 'string') return text !== undefined
  if (!new RegExp(String.raw`(?<![\w$])${name.replaceAll('$', String.raw`\$`)}(?![\w$])`).test(text)) return false
  const lines = valueReferenceLines(at, text, name, libraryOf(files))
  return lines === undefined || lines.size > 0
}

/**
 * The code files of the reader's folder (besides `except`) whose text names any of `names` as a word, named as from the
 * app root (as module files are), and whether the search was cut short. Text, not parse: a comment or a string naming
 * it counts (the search only ever keeps a client counted).
 */
export function namedIn(files: FileReader, names: string[], except: string): {files: string[]; truncated: boolean} {
  let all = namesCache.get(files)
  if (!all) {
    const found = filesUnder(files, '', (p) => CODE.test(p) && !NOT_LOADED.test(p) && !p.includes('node_modules/'), {max: MAX_SEARCHED})
    namesCache.set(files, (all = {code: found.paths, truncated: found.truncated}))
  }

  const within = files.within && files.within !== '.' ? files.within : ''
  const re = new RegExp(String.raw`(?<![\w$])(?:${names.map((n) => n.replaceAll('$', String.raw`\$`)).join('|')})(?![\w$])`)
  let unreadable = false
  const named: string[] = []
  for (const at of all.code) {
    const p = within ? posix.join(within, at) : at
    if (p === except) continue
    const text = searchedText(files, at)
    if (typeof text === 'object') unreadable = true
    if (typeof text === 'string' && re.test(text)) named.push(p)
  }

  // A code file that cannot be read may name them: the search cannot tell, as when cut short.
  return {files: named, truncated: all.truncated || unreadable}
}

/**
 * Whether no code of the app (tests aside) calls or passes on the named function `fn`: its name appears, as a word, only
 * where it is defined, imported or re-exported (`export {fn} from './x'`). A pool its body makes then opens only if code
 * conncalc does not read calls it (another process's script, a framework that calls exports by name). Text, not parse,
 * and cut short at MAX_SEARCHED files (then not said): any other mention (a comment, a string) keeps it counted as called.
 */
export function calledNowhere(files: FileReader, fn: {file: string; line: number; name: string}): boolean {
  const uses = usesOf(files, fn)
  return uses !== 'unsure' && uses.length === 0
}

/**
 * Where app code (tests aside) calls or passes on the named function `fn`, as calledNowhere reads it: the first such line of
 * each file (`every`: each such line); 'unsure' when that cannot be told (a name that is not a plain identifier, or more
 * files than MAX_SEARCHED).
 */
export function usesOf(files: FileReader, fn: {endLine?: number; file: string; line: number; name: string}, every = false): {file: string; inside?: 'top' | {line: number; name: string}; line: number}[] | 'unsure' {
  if (!/^[A-Za-z_$][\w$]*$/.test(fn.name)) return 'unsure'
  const all = rootCode(files)
  if (all.truncated) return 'unsure'
  const word = new RegExp(String.raw`(?<![\w$])${fn.name.replaceAll('$', String.raw`\$`)}(?![\w$])`)
  // A line that only brings the name in or passes it out: `import {fn} from`, `export {fn} from`, `export {fn}`, `export default fn;`,
  // and CommonJS's `const {fn} = require('…')`, `module.exports = {fn}`, `exports.fn = fn`.
  const moving = /^\s*(?:import\b|export\s*(?:type\s*)?\{[^}]*\}(?:\s*from\b|\s*;?\s*$)|export\s+\*|export\s+default\s+[\w$]+\s*;?\s*$|(?:const|let|var)\s*\{[^}]*\}\s*=\s*require\(|(?:module\.)?exports(?:\.[\w$]+)?\s*=\s*(?:\{[^}]*\}|[\w$]+)\s*;?\s*$)/
  const uses: {file: string; inside?: 'top' | {line: number; name: string}; line: number}[] = []
  // `export default Db` beside `export class Db`: the importers of the file's default export, found after the search.
  let defaultOut = false
  for (const at of all.code) {
    const p = all.fromRoot(at)
    if (TEST_CODE.test(p)) continue
    const text = searchedText(files, at)
    // A code file that cannot be read may call it.
    if (typeof text === 'object') return 'unsure'
    if (text === undefined || !word.test(text)) continue
    const lines = text.split('\n')
    // The lines that read the name as a value, from the file's tree: a type annotation, `implements`, a generic argument,
    // a comment or a string naming it is not a use (undefined: the file's text is read as before).
    let values: Set<number> | undefined | null = null
    for (let i = 0; i < lines.length; i++) {
      if (!word.test(lines[i])) continue
      if (p === fn.file && i + 1 === fn.line) {
        // `export default class Db`: importers name it as they like.
        if (fn.endLine !== undefined && /^\s*export\s+default\b/.test(lines[i])) return 'unsure'
        continue
      }

      // A class's own body (its static factory `return new Db(url)`, its methods' types): not a use from outside it.
      if (p === fn.file && fn.endLine !== undefined && i + 1 > fn.line && i + 1 <= fn.endLine) continue
      if (moving.test(lines[i])) {
        // A class passed on under another name (`export {Db as Database}`, `export default Db`): that name's uses are not searched.
        // The class's own file giving it out as its default too (`export default Db;`): whoever imports that default is looked for below.
        if (fn.endLine !== undefined && p === fn.file && new RegExp(String.raw`^\s*export\s+default\s+${fn.name.replaceAll('$', String.raw`\$`)}\s*;?\s*$`).test(lines[i])) {
          defaultOut = true
          continue
        }
        if (fn.endLine !== undefined && (new RegExp(String.raw`(?<![\w$])${fn.name.replaceAll('$', String.raw`\$`)}\s+as\s`).test(lines[i]) || /^\s*export\s+default\b/.test(lines[i]))) return 'unsure'
        continue
      }
      if (values === null) values = valueReferenceLines(at, text, fn.name, every ? libraryOf(files) : undefined)
      if (values && !values.has(i + 1)) continue
      // Another workspace package that cannot load the class's file names a class of its own (bsync's and pds's `Database`).
      if (elsewhere(files, all, fn.file, p, at, text)) break
      if (!every) {
        uses.push({file: p, line: i + 1})
        break
      }

      // `every`: each line, with the app function that holds it (deadThrough in pools.ts).
      const inside = enclosingFunctionAt(at, text, i + 1)
      uses.push({file: p, ...(inside ? {inside} : {}), line: i + 1})
    }
  }

  return defaultOut && defaultImported(files, all, fn.file) ? 'unsure' : uses
}

const libraryCache = new WeakMap<FileReader, (spec: string) => boolean>()

/**
 * Whether an import specifier names a library, not the app's code: a bare specifier whose package is a dependency in the
 * app's package.json files (the root's, its workspace packages') and is not one of its workspace packages (`@acme/model`
 * is the app's own). Relative paths, path aliases and names no package.json lists are the app's, or may be.
 */
function libraryOf(files: FileReader): (spec: string) => boolean {
  const known = libraryCache.get(files)
  if (known) return known
  const up = files.within && !files.within.startsWith('..') ? files.within.split('/').map(() => '..').join('/') : ''
  const top = up ? withinDir(files, up) : files
  const ws = findWorkspaces(top, '')
  const own = new Set((ws?.packages ?? []).map((p) => p.name).filter((n): n is string => n !== undefined))
  const pkgs = [readPkg(top, ''), ...(ws?.packages ?? [])].filter((p) => p !== undefined)
  const deps = new Set(pkgs.flatMap((p) => dependencyNames(p!)).filter((n) => !own.has(n)))
  const library = (spec: string): boolean => {
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]
    return deps.has(name)
  }
  libraryCache.set(files, library)
  return library
}

/** The folder of the workspace package holding `path` (its nearest package.json, from the app root), '' the root's or none. */
function packageDir(files: FileReader, all: ReturnType<typeof rootCode>, path: string): string {
  for (let dir = posix.dirname(path); dir !== '.' && dir !== ''; dir = posix.dirname(dir)) if (files.exists(all.toReader(`${dir}/package.json`))) return dir
  return ''
}

/**
 * Whether `file` (from the app root) is in a workspace package that the process whose modules are `loaded` cannot load:
 * no loaded module is in it, and it is not among the packages the loaded modules' packages (and the root's) depend on,
 * directly or through other workspace packages (a dev environment that depends on the service, not the other way round).
 * False when the app has no workspaces, or a loaded module is in a folder that is no workspace package.
 */
export function outsideProcess(files: FileReader, loaded: readonly string[], file: string): boolean {
  const all = rootCode(files)
  const up = files.within && !files.within.startsWith('..') ? files.within.split('/').map(() => '..').join('/') : ''
  const ws = findWorkspaces(up ? withinDir(files, up) : files, '')
  if (!ws) return false
  const dir = packageDir(files, all, file)
  const target = ws.packages.find((p) => p.dir === dir)?.name
  if (target === undefined) return false
  const byName = new Map(ws.packages.filter((p) => p.name !== undefined).map((p) => [p.name!, p]))
  const dirs = new Set(loaded.map((f) => packageDir(files, all, f)))
  if (dirs.has(dir)) return false
  const queue: string[] = []
  for (const d of dirs) {
    const pkg = d === '' ? readPkg(up ? withinDir(files, up) : files, '') : ws.packages.find((p) => p.dir === d)
    if (!pkg) return false
    queue.push(...dependencyNames(pkg))
  }
  const seen = new Set<string>()
  while (queue.length > 0) {
    const name = queue.pop()!
    if (seen.has(name)) continue
    seen.add(name)
    const pkg = byName.get(name)
    if (pkg) queue.push(...dependencyNames(pkg))
  }

  return !seen.has(target)
}

/**
 * Whether code file `p` (read as `at`, its text `text`) is in another workspace package than `file`, one that cannot load
 * it: its package.json names the other package in none of its dependencies, its code names that package nowhere (a path
 * alias, an undeclared import), and none of its relative imports leaves its own folder. Its name for a class is then its own.
 */
function elsewhere(files: FileReader, all: ReturnType<typeof rootCode>, file: string, p: string, at: string, text: string): boolean {
  const mine = packageDir(files, all, file)
  const theirs = packageDir(files, all, p)
  if (mine === '' || theirs === '' || mine === theirs || mine.startsWith(`${theirs}/`) || theirs.startsWith(`${mine}/`)) return false
  let name: unknown
  let deps: Record<string, unknown>
  try {
    name = (JSON.parse(files.read(all.toReader(`${mine}/package.json`))?.text ?? '{}') as {name?: unknown}).name
    const pkg = JSON.parse(files.read(all.toReader(`${theirs}/package.json`))?.text ?? '{}') as Record<string, Record<string, unknown> | undefined>
    deps = {...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies}
  } catch {
    return false
  }

  if (typeof name !== 'string' || name === '' || Object.hasOwn(deps, name) || text.includes(name)) return false
  const loads = moduleLoads(at, text)
  if (!loads) return false
  return loads.every(({spec}) => !spec.startsWith('.') || posix.normalize(posix.join(posix.dirname(p), spec)).startsWith(`${theirs}/`))
}

/**
 * Whether a code file of the app (tests aside) may take `file`'s default export, under a name of its own: an import of its
 * default or of its whole module (`import * as ns`, `import()`, `require()`) whose specifier names it (a relative path
 * resolved from the importer; any other, by its last segment). A file that does not parse may.
 */
function defaultImported(files: FileReader, all: ReturnType<typeof rootCode>, file: string): boolean {
  const target = file.replace(/\.[cm]?[jt]sx?$/, '')
  const stem = posix.basename(target) === 'index' ? posix.basename(posix.dirname(target)) : posix.basename(target)
  for (const at of all.code) {
    const p = all.fromRoot(at)
    if (p === file || TEST_CODE.test(p)) continue
    const text = searchedText(files, at)
    if (typeof text === 'object') return true
    if (text === undefined || !text.includes(stem)) continue
    const loads = moduleLoads(at, text)?.filter((l) => l.how !== 'named')
    if (!loads) return true
    for (const {spec} of loads) {
      const bare = spec.replace(/\.[cm]?[jt]sx?$/, '').replace(/\/$/, '')
      if (spec.startsWith('.')) {
        const path = posix.normalize(posix.join(posix.dirname(p), bare))
        if (path === target || `${path}/index` === target) return true
      } else if (posix.basename(bare) === stem) return true
    }
  }

  return false
}

/**
 * Names of exported functions that frameworks call themselves, by name, from the module they load by its path (Next.js
 * getServerSideProps, route handlers GET/POST/…, middleware and instrumentation's register; Remix and React Router loader
 * and action; SvelteKit load and handle; AWS Lambda, Netlify and Vercel functions' handler; a module's default export):
 * one no app code calls may still run in the process.
 */
const FRAMEWORK_CALLED = /^(?:default|handler|main|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|loader|action|clientLoader|clientAction|load|handle|middleware|register|getServerSideProps|getStaticProps|getStaticPaths|getInitialProps|generateStaticParams|generateMetadata)$/

/** Whether a framework may call the function by its name though no app code does (FRAMEWORK_CALLED). */
export const frameworkMayCall = (name: string): boolean => FRAMEWORK_CALLED.test(name)

/** Node options that take the next word as their value (`node -r dotenv/config bin/x.js`, `node --import tsx x.ts`). */
const VALUED_OPTIONS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-e', '--eval', '-p', '--print', '--env-file', '--conditions', '-C', '--title'])

/** The file a script's command runs with node, tsx, ts-node or babel-node (as FILE_RUNNERS), if it runs one. */
function scriptFile(command: string): string | undefined {
  const words = command.trim().split(/\s+/).filter((w) => !/^\w+=/.test(w))
  if (!FILE_RUNNERS.has(words[0] ?? '')) return undefined
  for (let i = 1; i < words.length; i++) {
    const w = words[i]
    if (VALUED_OPTIONS.has(w)) i++
    else if (!w.startsWith('-')) return w.replace(/^\.\//, '')
  }

  return undefined
}

/**
 * How the app file `path` (from the app root) is a program's entry of its own, else undefined: a script of the
 * package.json of its folder or a folder above runs it (`"start": "node bin/server.js"`, with node, tsx, ts-node or
 * babel-node; a compiled `dist/…js` named for its `src/…ts`), or its first line is a `#!` line (an executable script).
 * No module imports such a file: what only it calls runs in that program, not in a process that does not load it.
 */
export function programEntry(files: FileReader, path: string): string | undefined {
  const up = files.within && !files.within.startsWith('..') ? files.within.split('/').map(() => '..').join('/') : ''
  const fromRoot = (p: string): string => (up ? `${up}/${p}` : p)
  const text = searchedText(files, fromRoot(path))
  if (typeof text === 'string' && text.startsWith('#!')) return `${path} starts with a #! line: a program of its own`
  const parts = path.split('/')
  const bare = (p: string): string => p.replace(/\.[cm]?[jt]sx?$/, '')
  for (let i = parts.length - 1; i >= 0; i--) {
    const dir = parts.slice(0, i).join('/')
    const pkgPath = dir === '' ? 'package.json' : `${dir}/package.json`
    const pkgText = files.read(fromRoot(pkgPath))?.text
    if (pkgText === undefined) continue
    let scripts: Record<string, unknown> = {}
    try {
      const data = JSON.parse(pkgText) as {scripts?: unknown}
      if (data && typeof data.scripts === 'object' && data.scripts !== null) scripts = data.scripts as Record<string, unknown>
    } catch {
      continue
    }

    const rest = bare(parts.slice(i).join('/'))
    // A compiled entry (`node dist/bin/x.js`) runs the output of this source file (`src/bin/x.ts`).
    const same = (file: string): boolean => bare(file) === rest || bare(file).replace(/^(?:dist|build|out|lib)\//, 'src/') === rest
    for (const [name, script] of Object.entries(scripts)) {
      if (typeof script !== 'string') continue
      const file = script.split(/&&|\|\||;/).map((cmd) => scriptFile(cmd)).find((f) => f !== undefined && same(f))
      if (file) return `${pkgPath}'s "${name}" script runs it (\`${script.trim()}\`)`
    }
  }

  return undefined
}

/**
 * Whether `next start`'s own config loads no database client: next.config.{js,mjs,cjs,ts} (the files Next loads at start,
 * next/dist/shared/lib/constants CONFIG_FILES) absent, or importing only packages that are no PostgreSQL client and none
 * of the app's own modules (those are not read here). Next's server loads the app's code from its routes, middleware and
 * instrumentation (read as entries), and its config: with both closed, the process's import graph is closed.
 */
export function nextConfigClosed(project: NodeProject, clients: ReadonlySet<string>): boolean {
  for (const name of ['next.config.js', 'next.config.mjs', 'next.config.cjs', 'next.config.ts']) {
    const text = project.read(name)?.text
    if (text === undefined) continue
    for (const m of text.matchAll(/(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|^\s*import\s+)["'`]([^"'`]+)["'`]/gm)) {
      const spec = m[1]
      if (spec.startsWith('.') || spec.startsWith('/') || clients.has(packageOf(spec))) return false
    }
  }

  return true
}

/** An oxc ESTree node, as far as closedAfterUse reads it. */
interface EsNode {
  [key: string]: unknown
  end: number
  start: number
  type: string
}

const FUNCTION_NODES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression'])

/**
 * A client made at `start` (`new Pool(…)`, `new Client(…)`) that the code closes after use: held only while one function
 * runs. Either the function makes it into a variable of its own and calls `.end()` on it (`const pool = new Pool(cfg); …
 * await pool.end()`: CyferShepard/Jellystat's restore route), or it is made once for the module and the one function that
 * connects it also ends it (`await client.connect(); … finally { await client.end() }`). The variable's name and the
 * function's line, else undefined. node-postgres: `pool.end()` "will drain the pool of all active clients, disconnect
 * them" and `client.end()` closes the connection (https://node-postgres.com/apis/pool#poolend).
 */
export function closedAfterUse(program: unknown, text: string, start: number): undefined | {line: number; name: string} {
  const root = program as EsNode
  // The path from the program down to the `new` at `start`.
  const path = pathTo(root, start, 'NewExpression')
  if (!path) return undefined
  // `const x = new Pool(…)` / `const x = await new …` (the declarator just above, through an await).
  let i = path.length - 2
  if (path[i]?.type === 'AwaitExpression') i--
  const decl = path[i]
  const id = decl?.type === 'VariableDeclarator' ? (decl.id as EsNode) : undefined
  if (id?.type !== 'Identifier') return undefined
  const name = id.name as string
  // Calls in the function's own body: one in a callback it passes on (a shutdown hook's `() => pool.end()`) runs later, if ever.
  const calls = (n: EsNode, method: string, deep = false): EsNode[] => {
    const out: EsNode[] = []
    const walk = (x: EsNode): void => {
      if (!deep && x !== n && FUNCTION_NODES.has(x.type)) return
      if (x.type === 'CallExpression') {
        const callee = x.callee as EsNode
        const object = callee.type === 'MemberExpression' ? (callee.object as EsNode) : undefined
        if (object?.type === 'Identifier' && object.name === name && (callee.property as EsNode)?.name === method) out.push(x)
      }

      for (const key in x) {
        const v = x[key]
        for (const c of Array.isArray(v) ? v : [v]) if (c && typeof c === 'object' && typeof (c as EsNode).type === 'string') walk(c as EsNode)
      }
    }

    walk(n)
    return out
  }

  const fn = path.slice(0, i).findLast((n) => FUNCTION_NODES.has(n.type))
  const lineOf = (n: EsNode): number => text.slice(0, n.start).split('\n').length
  if (fn) return calls(fn, 'end').length > 0 ? {line: lineOf(fn), name} : undefined
  // Made for the module: every connect() is in a function that also ends it.
  const fns: EsNode[] = []
  const collect = (x: EsNode): void => {
    if (FUNCTION_NODES.has(x.type)) fns.push(x)
    for (const key in x) {
      const v = x[key]
      for (const c of Array.isArray(v) ? v : [v]) if (c && typeof c === 'object' && typeof (c as EsNode).type === 'string') collect(c as EsNode)
    }
  }

  collect(root)
  const connects = calls(root, 'connect', true)
  if (connects.length === 0) return undefined
  const owner = (c: EsNode): EsNode | undefined => fns.filter((f) => f.start <= c.start && c.end <= f.end).sort((a, b) => a.end - a.start - (b.end - b.start))[0]
  const owners = connects.map((c) => owner(c))
  return owners.every((f) => f !== undefined && calls(f, 'end').length > 0) ? {line: lineOf(owners[0]!), name} : undefined
}

/**
 * A knex instance made only to run the migrations (`knex(config).migrate.latest()`, or `const k = knex(config)` at the
 * module's top level whose every use is `k.migrate.…`, not exported): the call at `start`'s `.migrate.METHOD` line and
 * name, else undefined. The shape of the HMPPS Node template's server.ts (ministryofjustice/use-of-force, licences):
 * migrate, then listen, the instance never queried again (nor destroyed).
 */
export function migrateOnly(program: unknown, text: string, start: number): undefined | {line: number; method: string; name?: string} {
  const path = pathTo(program as EsNode, start, 'CallExpression')
  if (!path) return undefined
  // A chain starts where its first call does (`knex(c).migrate.latest().then(…)`): the call at `start` is the innermost,
  // reached down the methods' objects, through properties of a call's result (`.migrate`) too; not into a callee that is
  // itself a call (`require('knex')(c)`: the call at `start` is the outer one).
  for (let last = path.at(-1)!; ; ) {
    const callee = last.type === 'CallExpression' ? (last.callee as EsNode) : undefined
    const next = callee?.type === 'MemberExpression' ? callee : last.type === 'MemberExpression' ? (last.object as EsNode) : undefined
    if (!next || next.start !== start || (next.type !== 'MemberExpression' && next.type !== 'CallExpression')) break
    path.push(next)
    last = next
  }

  while (path.length > 0 && path.at(-1)!.type !== 'CallExpression') path.pop()
  if (path.length === 0) return undefined
  const lineOf = (n: EsNode): number => text.slice(0, n.start).split('\n').length
  const prop = (n: EsNode | undefined): string | undefined => (n?.type === 'MemberExpression' && !n.computed ? ((n.property as EsNode).name as string | undefined) : undefined)
  // `X.migrate.METHOD(…)`, given X's ancestors nearest first.
  const migrating = (x: EsNode, [mig, meth, call]: (EsNode | undefined)[]): undefined | {line: number; method: string} =>
    mig?.type === 'MemberExpression' && mig.object === x && prop(mig) === 'migrate' && meth?.type === 'MemberExpression' && meth.object === mig && prop(meth) && call?.type === 'CallExpression' && call.callee === meth ? {line: lineOf(call), method: prop(meth)!} : undefined
  const made = path.length - 1
  const ancestors = (k: number): EsNode[] => path.slice(Math.max(0, k - 3), k).reverse()
  // Chained: `knex(config).migrate.latest()`.
  const chained = migrating(path[made], ancestors(made))
  if (chained) return chained
  // `const k = knex(config)` at the top level: every other mention of k is `k.migrate.METHOD(…)`.
  const decl = path[made - 1]
  const id = decl?.type === 'VariableDeclarator' && decl.init === path[made] ? (decl.id as EsNode) : undefined
  if (id?.type !== 'Identifier' || path.slice(0, made - 1).some((p) => FUNCTION_NODES.has(p.type) || p.type === 'ExportNamedDeclaration')) return undefined
  const name = id.name as string
  let found: undefined | {line: number; method: string}
  let other = false
  const trail: EsNode[] = []
  const walk = (x: EsNode): void => {
    if (other) return
    if (x.type === 'Identifier' && x.name === name && x !== id) {
      const parent = trail.at(-1)
      // A property or key spelled like it is not a use of it.
      if ((parent?.type === 'MemberExpression' && parent.property === x && !parent.computed) || (parent?.type === 'Property' && parent.key === x && !parent.shorthand)) return
      const use = migrating(x, trail.slice(-3).reverse())
      if (use) found ??= use
      else other = true
      return
    }

    trail.push(x)
    for (const key in x) {
      if (key === 'parent') continue
      const v = x[key]
      for (const c of Array.isArray(v) ? v : [v]) if (c && typeof c === 'object' && typeof (c as EsNode).type === 'string') walk(c as EsNode)
    }

    trail.pop()
  }

  walk(program as EsNode)
  return !other && found ? {...found, name} : undefined
}

/**
 * Whether a module's every import of @prisma/client names only its other exports (enums such as `Role`, the `Prisma`
 * namespace): named imports without PrismaClient, no namespace or default import, no require() of it whole.
 */
function prismaValuesOnly(text: string | undefined): boolean {
  if (text === undefined) return false
  let found = false
  for (const m of text.matchAll(/\bimport\s+(type\s+)?([^;]*?)\s+from\s*["']@prisma\/client["']|\brequire\s*\(\s*["']@prisma\/client["']\s*\)/g)) {
    found = true
    if (m[1]) continue
    const clause = m[2]
    if (clause === undefined || !/^\{[^}]*\}$/.test(clause.trim()) || /\bPrismaClient\b/.test(clause)) return false
  }

  return found
}

/** The nodes from `root` down to the node of type `type` that starts at `start` (it last), else undefined. */
function pathTo(root: EsNode, start: number, type: string): EsNode[] | undefined {
  const path: EsNode[] = []
  const down = (n: EsNode): boolean => {
    if (n.start > start || n.end <= start) return false
    path.push(n)
    if (n.start === start && n.type === type) return true
    for (const key in n) {
      if (key === 'parent') continue
      const v = n[key]
      for (const c of Array.isArray(v) ? v : [v]) if (c && typeof c === 'object' && typeof (c as EsNode).type === 'string' && down(c as EsNode)) return true
    }

    path.pop()
    return false
  }

  return down(root) ? path : undefined
}
