/**
 * The source of a file that is built at deploy (`node dist/index.js` where dist/ is not in the
 * repo), read from how the app builds it:
 *
 * - Babel: a script `babel server -d ./dist` (or `--out-dir`) compiles each file of the source
 *   folder to the same path under the out folder (babel-cli, "Compile Directories"); swc the same
 *   (`swc src -d dist --strip-leading-paths`; without that flag @swc/cli ≥ 0.3 writes dist/src/…);
 * - TypeScript: `tsc` (or `tsc -p tsconfig.server.json`, `-b`) writes every input file to
 *   `outDir` at its path under `rootDir` — the longest common folder of the inputs when rootDir
 *   is not set (TypeScript's outDir and rootDir docs); `extends` is followed for both.
 *
 * A file neither maps back is tried in the usual layout (dist/, build/, lib/, out/ mirroring
 * src/ or the package's top folder). Whichever way, the caller says which source it read.
 */
import {type FileReader, filesUnder} from '../../model/files.js'

import {fromDefault, type Source} from '../../model/source.js'
import {gitIgnoredBy} from '../../util/git-ignore.js'
import {fromBundles} from './bundlers.js'
import {joinPath, stripJsonc} from './tsconfig.js'
import {isObject} from '../../util/objects.js'

export interface BuiltFrom {
  file: string
  /** How a built file was mapped back to this source; absent when the file itself is there. */
  how?: Source
  /** A copy of the source (`cp server/main.js build/server/main.js`) runs from here: its relative imports resolve from this file's folder. */
  runsAt?: string
}

/** What of a package.json this needs: its scripts and where each is written. */
export interface BuildScripts {
  lineOf(path: string[]): number
  path: string
  scripts: Record<string, string>
}

const BABEL = 'https://babeljs.io/docs/babel-cli#compile-directories'
const TSC = 'https://www.typescriptlang.org/tsconfig/#outDir'
const SWC = 'https://swc.rs/docs/usage/cli#--strip-leading-paths'
// buildEsbuildOptions: bundled, one outfile OUTPUT/<main's name>.js; not bundled (node, cjs), OUTPUT/<main's name>.js is a
// generated entry that `require('./<main's folder>/<main's name>.js')`, every file mirrored at its workspace path.
const NX_ESBUILD = 'https://github.com/nrwl/nx/blob/019e705623418da74fb9ba5cd28cab6cc7983049/packages/esbuild/src/executors/esbuild/lib/build-esbuild-options.ts'
// Webpack and rspack executors name their one entry `main` (or outputFileName's name) and write [name].js: OUTPUT/main.js,
// whatever main's own file name is (apply-base-config.ts: `mainEntry = options.outputFileName ? path.parse(…).name : 'main'`).
const NX_WEBPACK = 'https://github.com/nrwl/nx/blob/d66b64236ef698cd552eaf296399054d536172f9/packages/webpack/src/plugins/nx-webpack-plugin/lib/apply-base-config.ts'
const EXTS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx']
const MAX_EXTENDS = 4

const clean = (p: string): string => joinPath('', p.replace(/^['"]|['"]$/g, ''))
const dirOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '')

/** A source file for a built path without its extension: the stem with a source extension, or its index. */
function sourceFile(files: FileReader, stem: string): string | undefined {
  for (const base of [stem, `${stem}/index`]) for (const ext of EXTS) if (files.exists(base + ext)) return base + ext
  return undefined
}

/** dist/server/index.js under `out` → server/index (the built file's path inside the out folder, without .js). */
function under(file: string, out: string): string | undefined {
  const f = clean(file)
  const o = clean(out)
  if (o === '' || !f.startsWith(`${o}/`)) return undefined
  return f.slice(o.length + 1).replace(/\.[cm]?js$/, '')
}

/** Each command of a script as words (`a && b; c` → [[a], [b], [c]]), quotes dropped. */
const commands = (script: string): string[][] => script.split(/&&|\|\||;/).map((c) => c.trim().split(/\s+/).filter(Boolean).map((w) => w.replace(/^['"]|['"]$/g, '')))

/** The word index of a program in a command (`npx babel`, `node_modules/.bin/tsc`), or -1. */
const programAt = (words: string[], name: string): number => words.findIndex((w) => w === name || w.endsWith(`/${name}`))

/**
 * `babel SRC -d OUT` and `swc SRC -d OUT`: each file of SRC is written to the same path under OUT.
 * swc (@swc/cli ≥ 0.3) keeps SRC's own folder in the output path (dist/src/x.js) unless
 * `--strip-leading-paths` is given; a file not found that way is tried without it, as @swc/cli 0.2 wrote it (swc-project/cli#283).
 */
function fromCompiler(files: FileReader, scripts: BuildScripts, file: string, program: 'babel' | 'swc'): BuiltFrom | undefined {
  for (const [name, script] of Object.entries(scripts.scripts)) {
    for (const words of commands(script)) {
      const at = programAt(words, program)
      if (at < 0) continue
      const args = words.slice(at + 1)
      const d = args.findIndex((w) => w === '-d' || w === '--out-dir' || w.startsWith('--out-dir='))
      if (d < 0) continue
      const out = args[d].startsWith('--out-dir=') ? args[d].slice('--out-dir='.length) : args[d + 1]
      const rest = out === undefined ? undefined : under(file, out)
      if (rest === undefined) continue
      const flag = args.findIndex((w) => w.startsWith('-'))
      const sources = args.slice(0, flag === -1 ? args.length : flag)
      const strip = program === 'babel' || args.includes('--strip-leading-paths')
      for (const src of sources) {
        // swc without --strip-leading-paths: dist/src/x.js comes from src/x.ts.
        const kept = !strip && rest.startsWith(`${clean(src)}/`) ? sourceFile(files, rest) : undefined
        const found = kept ?? sourceFile(files, joinPath(clean(src), rest))
        if (found) return {file: found, how: fromDefault(`${file} is built at deploy by \`${program} ${src} … -d ${out}\` (${scripts.path}:${scripts.lineOf(['scripts', name])}), which compiles ${clean(src)}/ to ${clean(out)}/: conncalc read its source ${found}`, program === 'babel' ? BABEL : SWC)}
      }
    }
  }

  return undefined
}

interface TsOptions {
  config: string
  include?: string[]
  outDir?: string
  rootDir?: string
}

/** outDir, rootDir and include of a tsconfig, `extends` followed (each path relative to the config that sets it). */
function readTsconfig(files: FileReader, path: string, depth = 0): TsOptions | undefined {
  const text = files.read(path)?.text
  if (text === undefined) return undefined
  let data: unknown
  try {
    data = JSON.parse(stripJsonc(text))
  } catch {
    return undefined // the alias reader (tsconfig.ts) reports an invalid tsconfig
  }

  if (!isObject(data)) return undefined
  const base = typeof data.extends === 'string' && data.extends.startsWith('.') && depth < MAX_EXTENDS ? readTsconfig(files, joinPath(dirOf(path), data.extends.endsWith('.json') ? data.extends : `${data.extends}.json`), depth + 1) : undefined
  const options = isObject(data.compilerOptions) ? data.compilerOptions : {}
  const rel = (v: unknown): string | undefined => (typeof v === 'string' ? joinPath(dirOf(path), v) : undefined)
  const include = Array.isArray(data.include) ? data.include.filter((x): x is string => typeof x === 'string').map((x) => joinPath(dirOf(path), x)) : base?.include
  const outDir = rel(options.outDir) ?? base?.outDir
  const rootDir = rel(options.rootDir) ?? base?.rootDir
  return {config: path, ...(include ? {include} : {}), ...(outDir === undefined ? {} : {outDir}), ...(rootDir === undefined ? {} : {rootDir})}
}

/** rootDir when it is not set: the non-declaration inputs' longest common folder, taken from `include` (its literal leading folders), else the config's folder. */
function rootDirs(ts: TsOptions, files: FileReader): string[] {
  if (ts.rootDir !== undefined) return [ts.rootDir]
  const here = dirOf(ts.config)
  // Declaration files (`global.d.ts`) are not emitted and do not count: rootDir is the common folder of the non-declaration inputs.
  // Without `include`, the inputs are every TypeScript file below the config's folder but node_modules and outDir
  // (https://www.typescriptlang.org/tsconfig/#include: default `**/*`; #exclude: node_modules, outDir): their folders.
  const inputs =
    ts.include === undefined
      ? filesUnder(files, here, (p) => /\.([cm]?ts|tsx)$/.test(p) && !/\.d\.[cm]?ts$/.test(p) && (ts.outDir === undefined || under(p, ts.outDir) === undefined), {max: 2000}).paths.map((p) => dirOf(p))
      : ts.include
  const heads = inputs.filter((p) => !/\.d\.[cm]?ts$/.test(p)).map((p) => p.split('/').filter((s) => s !== '' && !/[*?{]/.test(s) && !/\.[cm]?[jt]sx?$/.test(s)))
  if (heads.length === 0) return [here]
  const common: string[] = []
  for (let i = 0; heads.every((h) => h[i] !== undefined && h[i] === heads[0][i]); i++) common.push(heads[0][i])
  const root = common.join('/')
  return root === here ? [here] : [root, here]
}

function fromTsc(files: FileReader, scripts: BuildScripts, file: string, guess = true): BuiltFrom | undefined {
  const configs: {path: string; script?: string}[] = []
  for (const [name, script] of Object.entries(scripts.scripts)) {
    for (const words of commands(script)) {
      const at = programAt(words, 'tsc')
      if (at < 0) continue
      const args = words.slice(at + 1)
      const named = args.flatMap((w, i) => (['-p', '--project', '-b', '--build'].includes(args[i - 1] ?? '') && !w.startsWith('-') ? [w] : []))
      for (const p of named.length > 0 ? named : ['tsconfig.json']) {
        const path = /\.json$/.test(p) ? clean(p) : joinPath(clean(p), 'tsconfig.json')
        configs.push({path, script: `${scripts.path}:${scripts.lineOf(['scripts', name])}`})
      }
    }
  }

  // `tsc --outDir dist/server src/server/*.ts`: files on the command line ignore tsconfig.json (TypeScript's tsc CLI docs);
  // each is written under --outDir at its path from --rootDir, else from the inputs' common folder.
  for (const [name, script] of Object.entries(scripts.scripts)) {
    for (const words of commands(script)) {
      const at = programAt(words, 'tsc')
      if (at < 0) continue
      const args = words.slice(at + 1)
      const flag = (n: string): string | undefined => {
        const i = args.findIndex((w) => w.toLowerCase() === n.toLowerCase())
        return i >= 0 ? args[i + 1] : undefined
      }
      const outDir = flag('--outDir')
      const inputs = args.filter((w, i) => /\.(?:[cm]?ts|tsx)$/.test(w) && !(args[i - 1] ?? '').startsWith('-'))
      if (outDir === undefined || inputs.length === 0) continue
      const rest = under(file, outDir)
      if (rest === undefined) continue
      const heads = inputs.map((p) => clean(p).split('/').slice(0, -1).filter((x) => !/[*?{]/.test(x)))
      const common: string[] = []
      for (let i = 0; heads.every((h) => h[i] !== undefined && h[i] === heads[0][i]); i++) common.push(heads[0][i])
      const root = flag('--rootDir') === undefined ? common.join('/') : clean(flag('--rootDir')!)
      const found = sourceFile(files, joinPath(root, rest))
      if (found) return {file: found, how: fromDefault(`${file} is built at deploy by \`tsc --outDir ${outDir} ${inputs.join(' ')}\` (${scripts.path}:${scripts.lineOf(['scripts', name])}), which writes each file under ${clean(outDir)}/ at its path from ${root === '' ? 'the package folder' : `${root}/`}: conncalc read its source ${found}`, TSC)}
    }
  }

  // Without a script naming one, the usual tsconfig files (a file not in the app was built somehow).
  if (guess) for (const path of ['tsconfig.build.json', 'tsconfig.json']) configs.push({path})
  for (const {path, script} of configs) {
    const ts = readTsconfig(files, path)
    if (ts?.outDir === undefined) continue
    const rest = under(file, ts.outDir)
    if (rest === undefined) continue
    for (const root of rootDirs(ts, files)) {
      const found = sourceFile(files, joinPath(root, rest))
      if (found) return {file: found, how: fromDefault(`${file} is built at deploy by tsc${script ? ` (${script})` : ''} from ${path}, whose outDir ${ts.outDir}/ mirrors ${root === '' ? 'the package folder' : `${root}/`}: conncalc read its source ${found}`, TSC)}
    }

    // Without rootDir, inputs outside the config's folder (a `paths` alias to ../shared, a relative import
    // of a sibling package) move tsc's common root up: dist/api/src/main.js ← api/src/main.ts.
    if (ts.rootDir !== undefined) continue
    // The config's folder from the app root (a reader scoped to a workspace package still names files from there).
    const real = dirOf(files.read(ts.config)?.path ?? ts.config).split('/').filter(Boolean)
    for (let n = real.length - 1; n >= 0; n--) {
      const inside = `${real.slice(n).join('/')}/`
      const found = rest.startsWith(inside) ? sourceFile(files, joinPath(dirOf(ts.config), rest.slice(inside.length))) : undefined
      const root = real.slice(0, n).join('/')
      if (found) return {file: found, how: fromDefault(`${file} is built at deploy by tsc${script ? ` (${script})` : ''} from ${path}, whose outDir ${ts.outDir}/ mirrors ${root === '' ? 'the app folder' : `${root}/`}: with no rootDir, tsc writes each input under the common folder of all inputs, and inputs outside ${real.join('/')}/ (a \`paths\` alias or an import of a sibling folder) put it there; conncalc read its source ${found}`, TSC)}
    }
  }

  return undefined
}

/**
 * An Nx project's build (`apps/api/project.json`: a target whose options have `outputPath` and `main`,
 * as @nx/esbuild, @nx/webpack and @nx/js write them): OUTPUT/<main's name>.js runs `main`; a file
 * at its workspace path under OUTPUT (esbuild without bundling) or at its project path (@nx/js:tsc)
 * is that file's build. `{projectRoot}` and `{workspaceRoot}` in outputPath are replaced.
 */
function fromNx(files: FileReader, file: string): BuiltFrom | undefined {
  const f = clean(file)
  // The project's folder is one the built file is in (apps/api/dist/main.js), or one it mirrors under dist/ (dist/apps/api/main.js).
  const dirs = new Set<string>()
  for (const start of [dirOf(f), dirOf(f).split('/').slice(1).join('/')]) for (let d = start; d !== ''; d = dirOf(d)) dirs.add(d)
  for (const root of dirs) {
    const path = `${root}/project.json`
    const text = files.exists(path) ? files.read(path)?.text : undefined
    if (text === undefined) continue
    let data: unknown
    try {
      data = JSON.parse(stripJsonc(text))
    } catch {
      continue
    }

    const targets = isObject(data) && isObject(data.targets) ? data.targets : {}
    for (const [name, target] of Object.entries(targets)) {
      const options = isObject(target) && isObject(target.options) ? target.options : {}
      if (typeof options.outputPath !== 'string' || typeof options.main !== 'string') continue
      const out = options.outputPath.replaceAll('{projectRoot}', root).replaceAll('{workspaceRoot}/', '').replaceAll('{workspaceRoot}', '')
      const rest = under(f, out)
      if (rest === undefined) continue
      const main = clean(options.main)
      const executor = isObject(target) && typeof target.executor === 'string' ? target.executor : 'its build target'
      // The entry's output name: outputFileName's, else webpack's and rspack's `main`, else (esbuild) main's own file name.
      const bundler = /(^|[/:@])(webpack|rspack)\b|^@nrwl\/node:(webpack|build)$/.test(executor)
      const named = typeof options.outputFileName === 'string' ? clean(options.outputFileName) : undefined
      const mainName = named !== undefined ? named.slice(named.lastIndexOf('/') + 1).replace(/\.[cm]?js$/, '') : bundler ? 'main' : main.slice(main.lastIndexOf('/') + 1).replace(/\.[cm]?[jt]sx?$/, '')
      const found = rest === mainName && files.exists(main) ? main : bundler ? undefined : (sourceFile(files, rest) ?? sourceFile(files, joinPath(root, rest)))
      const entry = bundler && named === undefined ? ', which webpack writes as main.js' : ''
      if (found) return {file: found, how: fromDefault(`${file} is built at deploy by the Nx target ${name} (${executor}) of ${path}, outputPath ${out}/, main ${main}${entry}: conncalc read its source ${found}`, bundler ? NX_WEBPACK : NX_ESBUILD)}
    }
  }

  return undefined
}

/** dist/server.js → src/server.ts in the usual layouts, when no build script or tsconfig says where it comes from. */
function fromLayout(files: FileReader, file: string): BuiltFrom | undefined {
  const m = /^(dist|build|lib|out)\/(.*?)(\.[cm]?js)?$/.exec(clean(file))
  if (!m) return undefined
  for (const dir of ['src', '']) {
    const found = sourceFile(files, joinPath(dir, m[2]))
    if (found) return {file: found, how: fromDefault(`${file} is not in the app (built at deploy); no build script or tsconfig outDir names it, so conncalc read ${found}, the source the usual layout gives (${m[1]}/ mirroring ${dir === '' ? 'the package folder' : `${dir}/`})`, TSC)}
  }

  return undefined
}

/**
 * A script and the package's scripts it runs (`npm run build && cd client && npm run build`: this
 * package's build, not the client's — a `cd` ends what runs in this folder), a few levels deep.
 */
function ranScripts(all: Record<string, string>, name: string, depth = 0, out: Record<string, string> = {}): Record<string, string> {
  const script = all[name]
  if (script === undefined || Object.hasOwn(out, name) || depth > 3) return out
  out[name] = script
  for (const w of commands(script)) {
    if (w[0] === 'cd') break
    const at = w.findIndex((x) => ['npm', 'yarn', 'pnpm', 'bun'].includes(x))
    if (at < 0) continue
    const [a, b] = [w[at + 1], w[at + 2]]
    const inner = a === 'run' || a === 'run-script' ? b : w[at] !== 'npm' && a !== undefined && !a.startsWith('-') ? a : undefined
    if (inner !== undefined) ranScripts(all, inner, depth + 1, out)
  }

  return out
}

const BUILDPACK = 'https://devcenter.heroku.com/articles/nodejs-support#customizing-the-build-process'

/**
 * A built file that is in the repository but that the deploy writes again: the Node buildpack runs
 * the package's `heroku-postbuild` script, else its `build` script, and when that script compiles
 * the file's folder (tsc, babel -d, swc -d), what runs is the build of the sources, not the
 * committed copy (often stale, or missing modules the sources have). Undefined otherwise.
 */
export function rebuiltSource(files: FileReader, scripts: BuildScripts | undefined, file: string): BuiltFrom | undefined {
  if (!scripts) return undefined
  const name = ['heroku-postbuild', 'build'].find((n) => scripts.scripts[n] !== undefined)
  if (!name) return undefined
  const run = ranScripts(scripts.scripts, name)
  const compiles = Object.values(run).some((script) => commands(script).some((w) => ['tsc', 'babel', 'swc'].some((p) => programAt(w, p) >= 0)))
  if (!compiles) return undefined
  const only = {...scripts, scripts: run}
  const found = fromCompiler(files, only, file, 'babel') ?? fromCompiler(files, only, file, 'swc') ?? fromTsc(files, only, file, false)
  if (!found || found.file === file) return undefined
  const mapped = found.how?.kind === 'default' ? found.how.what.replace(/^\S+ is built at deploy by /, 'which runs ') : ''
  return {file: found.file, how: fromDefault(`${file} is in the repository, but the deploy writes it again: the Node buildpack runs the "${name}" script (${scripts.path}:${scripts.lineOf(['scripts', name])}), ${mapped}`, BUILDPACK)}
}

/** A file a bundler or a copy writes (bundlers.ts; read beforehand by prepareBundles), with how. */
function fromBundler(files: FileReader, file: string): BuiltFrom | undefined {
  const b = fromBundles(files, file)
  if (!b) return undefined
  const how = fromDefault(`${file} is written at build time by ${b.what}${b.runsAt ? ', a copy that runs from that folder' : ''}: conncalc read its source ${b.file}`, b.ref)
  return {file: b.file, how, ...(b.runsAt ? {runsAt: b.runsAt} : {})}
}

/** The source of `file` (not in the app) from the package's build scripts, bundler configs and tsconfig, else the usual layout. */
export function builtSource(files: FileReader, scripts: BuildScripts | undefined, file: string): BuiltFrom | undefined {
  return (scripts ? (fromCompiler(files, scripts, file, 'babel') ?? fromCompiler(files, scripts, file, 'swc')) : undefined) ?? fromBundler(files, file) ?? fromNx(files, file) ?? fromTsc(files, scripts ?? {lineOf: () => 1, path: 'package.json', scripts: {}}, file) ?? fromLayout(files, file)
}

// npm's lifecycle scripts `npm install` runs (https://docs.npmjs.com/cli/using-npm/scripts#npm-install) and the Node
// buildpack's own (heroku-prebuild, heroku-postbuild, else build: BUILDPACK).
const BUILD_STEPS = ['preinstall', 'install', 'postinstall', 'prepare', 'heroku-prebuild', 'build', 'heroku-postbuild', 'heroku-cleanup']
// Programs that write no file a process could run: git hooks, vulnerability patches, migrations, client generation into node_modules.
const WRITES_NOTHING = new Set(['husky', 'snyk-protect', 'snyk', 'patch-package', 'echo', 'true', 'is-ci', 'lefthook', 'simple-git-hooks', 'only-allow', 'knex', 'prisma', 'sequelize', 'node-pg-migrate', 'rm', 'rimraf', 'exit'])

/**
 * Whether the deploy may write `file` (a path not in the app): some build step runs something conncalc cannot rule out
 * (a script other than git hooks, patches, migrations), a Dockerfile or another buildpack builds the app, or a .gitignore keeps the file
 * or its folder out of git (built somewhere and kept out of the repository). When it may not, the process cannot start.
 */
export function deployMayWrite(files: FileReader, scripts: BuildScripts | undefined, file: string): boolean {
  // A workspace package (its root's build may write it) or an image built from a Dockerfile.
  if ((files.within ?? '') !== '' || ['heroku.yml', '.buildpacks', 'project.toml'].some((f) => files.exists(f))) return true
  // An image built from a Dockerfile (Dockerfile, Dockerfile.api, api.Dockerfile): its COPY and RUN steps may write it.
  if (files.list('').some((n) => /^Dockerfile|\.dockerfile$/i.test(n))) return true
  // A buildpack other than the Node one in app.json (its buildpacks, or a BUILDPACK_URL: Meteor's, a monorepo's): it may write it.
  const appJson = files.read('app.json')?.text ?? ''
  const packs = [...appJson.matchAll(/"(?:url|BUILDPACK_URL|value)"\s*:\s*"([^"]*buildpack[^"]*|heroku\/\w+)"/gi)].map((m) => m[1])
  if (packs.some((u) => !/heroku\/nodejs$|heroku-buildpack-nodejs(\.git)?$/i.test(u))) return true
  // Kept out of git (a built folder, `dist/*`, `**/build`, a nested .gitignore): made where the app is built.
  if (gitIgnoredBy(files, clean(file)) !== undefined) return true
  if (!scripts) return false
  const run: Record<string, string> = {}
  for (const step of BUILD_STEPS) if (scripts.scripts[step] !== undefined) Object.assign(run, ranScripts(scripts.scripts, step))
  // The scripts the build steps run by name were followed: what is left is each command's program.
  const programs = Object.values(run).flatMap((s) => commands(s).map((w) => w.filter((x) => !/^\w+=/.test(x))).filter((w) => w.length > 0 && !['npm', 'yarn', 'pnpm', 'bun'].includes(w[0])).map((w) => (w[0] === 'npx' ? w.find((x, i) => i > 0 && !x.startsWith('-')) : w[0])))
  return programs.some((p) => p === undefined || !WRITES_NOTHING.has(p.slice(p.lastIndexOf('/') + 1)))
}
