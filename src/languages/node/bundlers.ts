/**
 * Files a bundler or a copy writes at build time (`node build/server/main.js`, `node dist/index.js` where
 * dist/ is an esbuild or rollup output), mapped back to the source entry they are built from, so that the
 * source's imports are followed. Read from the package's scripts (and the shell scripts they run) and the
 * bundlers' config files; each mapping says the tool and the line that sets it up.
 *
 * - rollup (https://rollupjs.org/configuration-options/): `input` (a string, a list, or {name: file}) with
 *   `output.file`, or `output.dir` where each entry is written as [name].js (entryFileNames' default), its name
 *   the input's file name without extension or the object's key; with `output.preserveModules` every module is
 *   written at its path under `preserveModulesRoot` (else under the entries' common folder). CLI: `rollup IN -o FILE`,
 *   `-d DIR`, `-c [config]` (rollup.config.{js,mjs,cjs,ts}).
 * - esbuild and bun build (https://esbuild.github.io/api/#outdir): `--outfile`, or `--outdir` where each entry is
 *   written at its path under outbase (default the entries' lowest common folder); the JS API's `build({entryPoints,
 *   outfile, outdir, outbase})` in a script the package's scripts run.
 * - tsup (https://tsup.egoist.dev/): `entry` (or the CLI's files) into `outDir`/`-d` (default dist), named as esbuild does.
 * - @vercel/ncc: `ncc build IN -o DIR` writes DIR/index.js (default dist).
 * - vite build (https://vite.dev/config/build-options): `build.ssr` (an entry) or `build.rollupOptions.input` into
 *   `build.outDir` (default dist), named as rollup does; `vite build --ssr IN --outDir DIR`.
 * - webpack (https://webpack.js.org/concepts/): `entry` (a string is the chunk `main`; an object's keys) into
 *   `output.path` (default dist) as `output.filename` (default [name].js).
 * - `cp SRC DST` / `mv SRC DST` (and `cp -r DIR DST`): DST runs SRC's code from DST's folder, so its relative
 *   imports are resolved there (`runsAt`).
 *
 * Config files are JavaScript: parsed and evaluated on their own (what they import is unknown), so an entry or
 * folder written as something conncalc cannot evaluate is simply not mapped (the caller says it could not follow
 * the built file). Read once per package reader, before the Node analyzer needs it (prepareBundles).
 */
import type {FileReader} from '../../model/files.js'
import type {EvalValue} from '../python/values.js'

import {Env} from '../../model/env.js'
import {asString, entry, isDict} from '../python/evaluate.js'
import {evaluateParsed, parseJs} from './js.js'
import {joinPath} from './tsconfig.js'

/** What of a package.json this needs (built.ts BuildScripts): its scripts and where each is written. */
interface BuildScripts {
  lineOf(path: string[]): number
  path: string
  scripts: Record<string, string>
}

export interface Bundle {
  /** Written by a copy (`cp`/`mv`): the file is the source itself, run from the output's folder. */
  copy?: boolean
  /** Output folder: each input is written there as [name].js. */
  dir?: string
  /** Output file (one input). */
  file?: string
  inputs: {file: string; name: string}[]
  /** Every module is written at its path under `dir` from this folder (rollup preserveModules, a `cp -r` of a folder). */
  mirror?: string
  ref: string
  /** The tool and where it is set up, for --explain: "rollup (rollup.config.mjs:12)". */
  what: string
}

const ROLLUP = 'https://rollupjs.org/configuration-options/#output-dir'
const ESBUILD = 'https://esbuild.github.io/api/#outdir'
const TSUP = 'https://tsup.egoist.dev/#usage'
const NCC = 'https://github.com/vercel/ncc#commands'
const VITE = 'https://vite.dev/config/build-options#build-ssr'
const WEBPACK = 'https://webpack.js.org/configuration/output/#outputfilename'
const BUN = 'https://bun.sh/docs/bundler#outdir'
const CP = 'https://pubs.opengroup.org/onlinepubs/9799919799/utilities/cp.html'

const prepared = new WeakMap<FileReader, Bundle[]>()

/** The bundles prepareBundles found for this reader ([] when it was not prepared). */
export const bundlesOf = (files: FileReader): Bundle[] => prepared.get(files) ?? []

const dirOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '')
const stemOf = (p: string): string => p.slice(p.lastIndexOf('/') + 1).replace(/\.[^./]+$/, '')
const clean = (p: string): string => joinPath('', p.replace(/^['"]|['"]$/g, ''))
/** The entries' lowest common folder (esbuild's default outbase). */
function commonDir(paths: string[]): string {
  const parts = paths.map((p) => dirOf(clean(p)).split('/').filter(Boolean))
  const out: string[] = []
  for (let i = 0; parts.length > 0 && parts.every((p) => p[i] !== undefined && p[i] === parts[0][i]); i++) out.push(parts[0][i])
  return out.join('/')
}

/** Each command of a script as words (`a && b; c` → [[a], [b], [c]]), quotes dropped. */
const commands = (script: string): string[][] => script.split(/&&|\|\||;|\n/).map((c) => c.trim().split(/\s+/).filter(Boolean).map((w) => w.replace(/^['"]|['"]$/g, '')))
const programAt = (words: string[], name: string): number => words.findIndex((w) => w === name || w.endsWith(`/${name}`) || w.endsWith(`/.bin/${name}`))

/** A flag's value: `--outdir=dist`, `--outdir dist`, `-o dist`. */
function flag(args: string[], names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    for (const n of names) {
      if (args[i] === n && args[i + 1] !== undefined && !args[i + 1].startsWith('-')) return args[i + 1]
      if (n.startsWith('--') && args[i].startsWith(`${n}=`)) return args[i].slice(n.length + 1)
    }
  }

  return undefined
}

/** Positional arguments: words not starting with `-` and not the value of one of `valued`. */
function positional(args: string[], valued: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith('-')) {
      if (valued.includes(args[i])) i++
      continue
    }

    out.push(args[i])
  }

  return out
}

const named = (files: string[], base?: string): {file: string; name: string}[] => {
  const root = base ?? commonDir(files)
  return files.map((f) => ({file: clean(f), name: files.length === 1 && base === undefined ? stemOf(f) : joinPath('', clean(f).slice(root === '' ? 0 : root.length + 1)).replace(/\.[^./]+$/, '')}))
}

interface ScriptLine {
  at: string
  /** The folder the command runs in, from the package's (a script of another package run with `pnpm -C DIR`). */
  cwd: string
  words: string[]
}

/** `pnpm -C DIR run X`, `pnpm --dir DIR X`, `npm --prefix DIR run X`, `yarn --cwd DIR X`: the folder and the script. */
function otherPackageScript(words: string[]): {dir: string; name: string} | undefined {
  const pm = words[0]
  if (!['npm', 'pnpm', 'yarn'].includes(pm ?? '')) return undefined
  const flags = pm === 'npm' ? ['--prefix'] : pm === 'pnpm' ? ['-C', '--dir'] : ['--cwd']
  const at = words.findIndex((w) => flags.includes(w))
  const dir = at >= 0 ? words[at + 1] : undefined
  if (dir === undefined) return undefined
  const rest = words.filter((_, i) => i !== 0 && i !== at && i !== at + 1)
  const name = rest[0] === 'run' || rest[0] === 'run-script' ? rest[1] : pm === 'npm' ? undefined : rest[0]
  return name === undefined || name.startsWith('-') ? undefined : {dir: clean(dir), name}
}

/** The package's script commands, and those of the shell scripts they run (`./.bin/build.sh`, `bash scripts/build.sh`), with where each is. */
function scriptLines(files: FileReader, scripts: BuildScripts): ScriptLine[] {
  const out: ScriptLine[] = []
  const shells = new Set<string>()
  for (const [name, script] of Object.entries(scripts.scripts)) {
    const at = `${scripts.path}:${scripts.lineOf(['scripts', name])}`
    for (const words of commands(script)) {
      out.push({at, cwd: '', words})
      const sh = ['bash', 'sh'].includes(words[0] ?? '') ? words[1] : words[0]
      if (sh !== undefined && /\.sh$/.test(sh)) shells.add(clean(sh))
      // `pnpm -C server run build`: that package's script, run in its folder.
      const other = otherPackageScript(words)
      const text = other ? files.read(`${other.dir}/package.json`)?.text : undefined
      if (other && text !== undefined) {
        try {
          const inner = (JSON.parse(text) as {scripts?: Record<string, unknown>}).scripts?.[other.name]
          if (typeof inner === 'string') for (const w of commands(inner)) out.push({at: `${other.dir}/package.json ("${other.name}")`, cwd: other.dir, words: w})
        } catch {
          // An unreadable package.json: its scripts are not followed.
        }
      }
    }
  }

  for (const sh of shells) {
    const text = files.read(sh)?.text
    if (text === undefined) continue
    const lines = text.split('\n')
    for (const [i, line] of lines.entries()) {
      const code = line.replace(/(^|\s)#.*$/, '').trim()
      if (code === '') continue
      for (const words of commands(code)) out.push({at: `${sh}:${i + 1}`, cwd: '', words})
    }
  }

  return out
}

/** Bundles written by command-line tools in the scripts. */
function fromCommands(lines: ScriptLine[]): Bundle[] {
  const out: Bundle[] = []
  for (const {at, words} of lines) {
    let i: number
    if ((i = programAt(words, 'esbuild')) >= 0 || ((i = programAt(words, 'bun')) >= 0 && words[i + 1] === 'build')) {
      const bun = programAt(words, 'esbuild') < 0
      const args = words.slice(i + (bun ? 2 : 1))
      const entries = positional(args, bun ? ['--outdir', '--outfile', '--target', '--format', '--root'] : []).filter((a) => /\.[cm]?[jt]sx?$/.test(a))
      if (entries.length === 0) continue
      const outfile = flag(args, ['--outfile'])
      const outdir = flag(args, ['--outdir'])
      const outbase = flag(args, ['--outbase'])
      const what = `${bun ? 'bun build' : 'esbuild'} (${at})`
      if (outfile) out.push({file: clean(outfile), inputs: named(entries), ref: bun ? BUN : ESBUILD, what})
      else if (outdir) out.push({dir: clean(outdir), inputs: named(entries, outbase === undefined ? undefined : clean(outbase)), ref: bun ? BUN : ESBUILD, what})
      continue
    }

    if ((i = programAt(words, 'tsup')) >= 0) {
      const args = words.slice(i + 1)
      const entries = positional(args, ['-d', '--out-dir', '--format', '--target', '--config', '--env', '--external', '--platform', '--tsconfig']).filter((a) => /\.[cm]?[jt]sx?$/.test(a))
      if (entries.length > 0) out.push({dir: clean(flag(args, ['-d', '--out-dir']) ?? 'dist'), inputs: named(entries), ref: TSUP, what: `tsup (${at})`})
      continue
    }

    if ((i = programAt(words, 'ncc')) >= 0 && words[i + 1] === 'build') {
      const args = words.slice(i + 2)
      const [input] = positional(args, ['-o', '--out', '-e', '--external', '-m', '--target'])
      if (input) out.push({dir: clean(flag(args, ['-o', '--out']) ?? 'dist'), inputs: [{file: clean(input), name: 'index'}], ref: NCC, what: `ncc build (${at})`})
      continue
    }

    if ((i = programAt(words, 'vite')) >= 0 && words[i + 1] === 'build') {
      const args = words.slice(i + 2)
      const ssr = flag(args, ['--ssr'])
      if (ssr) out.push({dir: clean(flag(args, ['--outDir']) ?? 'dist'), inputs: named([ssr]), ref: VITE, what: `vite build --ssr (${at})`})
      continue
    }

    if ((i = programAt(words, 'rollup')) >= 0) {
      const args = words.slice(i + 1)
      const inputs = [...positional(args, ['-c', '--config', '-o', '--file', '-d', '--dir', '-f', '--format', '-i', '--input', '-p', '--plugin', '-e', '--external', '-n', '--name']), ...(flag(args, ['-i', '--input']) ? [flag(args, ['-i', '--input'])!] : [])].filter((a) => /\.[cm]?[jt]sx?$/.test(a))
      if (inputs.length === 0) continue
      const file = flag(args, ['-o', '--file'])
      const dir = flag(args, ['-d', '--dir'])
      if (file) out.push({file: clean(file), inputs: named(inputs), ref: ROLLUP, what: `rollup (${at})`})
      else if (dir) out.push({dir: clean(dir), inputs: named(inputs), ref: ROLLUP, what: `rollup (${at})`})
      continue
    }

    if (words[0] === 'cp' || words[0] === 'mv') {
      const args = words.slice(1).filter((w) => !w.startsWith('-'))
      if (args.length !== 2 || args.some((a) => a.includes('$') || a.includes('*'))) continue
      const [src, dst] = args.map((a) => clean(a))
      const recursive = words.slice(1).some((w) => /^-[a-zA-Z]*[rR]/.test(w) || w === '--recursive')
      const what = `\`${words.join(' ')}\` (${at})`
      // `cp src/a.js build/` copies into the folder; `cp -r src/x build/x` copies a folder; `cp a.js b.js` a file.
      if (args[1].endsWith('/')) out.push({copy: true, dir: dst, inputs: [{file: src, name: stemOf(src)}], ref: CP, what})
      else if (recursive && !/\.[cm]?[jt]sx?$/.test(src)) out.push({copy: true, dir: dst, inputs: [], mirror: src, ref: CP, what})
      else out.push({copy: true, file: dst, inputs: [{file: src, name: stemOf(src)}], ref: CP, what})
    }
  }

  return out
}

/** A config value's string list: 'a', ['a', 'b'], {name: 'a'} (names kept). */
function inputsOf(v: EvalValue | undefined): {file: string; name?: string}[] | undefined {
  const s = asString(v)
  if (s !== undefined) return [{file: clean(s)}]
  if (v?.kind !== 'known') return undefined
  const value = v.value
  if (Array.isArray(value) || (typeof value === 'object' && value !== null && value.kind === 'list')) {
    const items = Array.isArray(value) ? (value as EvalValue[]) : value.items
    const out = items.map((x) => asString(x) ?? asString(entry(x, 'in')))
    return out.every((x): x is string => x !== undefined) ? out.map((f, i) => ({file: clean(f), ...(asString(entry(items[i], 'out')) ? {name: asString(entry(items[i], 'out'))} : {})})) : undefined
  }

  if (isDict(v)) {
    const out: {file: string; name?: string}[] = []
    for (const [name, x] of v.value.entries) {
      const f = asString(x)
      if (f === undefined) return undefined
      out.push({file: clean(f), name})
    }

    return out
  }

  return undefined
}

const withNames = (ins: {file: string; name?: string}[], base?: string): {file: string; name: string}[] => {
  const auto = named(
    ins.map((i) => i.file),
    base,
  )
  return ins.map((i, n) => ({file: i.file, name: i.name ?? auto[n].name}))
}

/** Where a path in a build script is resolved: relative paths from the folder it runs in (cwd), `__dirname` is the script's own folder. */
interface Here {
  cwd: string
  dir: string
  /** The script itself (`fileURLToPath(import.meta.url)`). */
  file?: string
}

/**
 * A path a build script computes, from the package folder: a string (from cwd), or `path.join`/`path.resolve` of
 * `__dirname`, `process.cwd()`, names holding such paths and strings (Node's path docs: join normalizes, resolve
 * starts again at an absolute segment). Undefined when any part is not known or leaves the package.
 */
function pathOf(v: EvalValue | undefined, here: Here): string | undefined {
  const s = asString(v)
  if (s !== undefined) return s.startsWith('/') ? undefined : joinPath(here.cwd, s)
  if (v?.kind === 'unknown') return /`__dirname`/.test(v.reason ?? '') ? here.dir : undefined
  if (v?.kind !== 'known' || typeof v.value !== 'object' || v.value === null || Array.isArray(v.value) || v.value.kind !== 'call') return undefined
  const {args, callee} = v.value
  if (/^(node:)?process\.cwd$/.test(callee) || callee === 'process.cwd') return here.cwd
  // ESM's `path.dirname(fileURLToPath(import.meta.url))`: the script's folder.
  if (/(^|\.)fileURLToPath$/.test(callee) && /import\.meta/.test(JSON.stringify(args[0] ?? null))) return here.file
  if (/^(node:)?path\.dirname$/.test(callee)) {
    const f = pathOf(args[0], here)
    return f === undefined ? undefined : dirOf(f)
  }

  if (!/^(node:)?path\.(resolve|join)$/.test(callee) || args.length === 0) return undefined
  let out = ''
  for (const [i, a] of args.entries()) {
    const str = asString(a)
    if (str !== undefined) {
      if (str.startsWith('/')) return undefined
      out = i === 0 ? joinPath(here.cwd, str) : joinPath(out, str)
      continue
    }

    if (i > 0) return undefined
    const base = pathOf(a, here)
    if (base === undefined) return undefined
    out = base
  }

  return out.startsWith('..') ? undefined : out
}

/** A folder written as a string or `path.resolve(__dirname, 'dist')` / `path.join(__dirname, 'dist')`. */
function folderOf(v: EvalValue | undefined): string | undefined {
  const s = asString(v)
  if (s !== undefined) return s.startsWith('/') ? undefined : clean(s)
  if (v?.kind !== 'known' || typeof v.value !== 'object' || v.value === null || Array.isArray(v.value) || v.value.kind !== 'call') return undefined
  const {args, callee} = v.value
  if (!/^(node:)?path\.(resolve|join)$/.test(callee)) return undefined
  const [first, ...rest] = args
  const parts = rest.map((a) => asString(a))
  if (first?.kind !== 'unknown' || !/__dirname|process\.cwd/.test(first.reason ?? '') || parts.some((p) => p === undefined || p.startsWith('/'))) return undefined
  return clean(parts.join('/'))
}

/** The config objects a file exports (a list of them, or one; `defineConfig(x)` is x). */
function exported(v: EvalValue | undefined): EvalValue[] {
  if (v?.kind !== 'known') return []
  const value = v.value
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && value.kind === 'list') return value.items.filter((x) => isDict(x))
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && value.kind === 'call') return exported(value.args[0])
  return isDict(v) ? [v] : []
}

function rollupBundles(config: EvalValue, at: string, ref: string, tool: string, defaultDir?: string): Bundle[] {
  const ins = inputsOf(entry(config, 'input'))
  if (!ins || ins.length === 0) return []
  const outputs = entry(config, 'output')
  const list = outputs?.kind === 'known' && typeof outputs.value === 'object' && outputs.value !== null && !Array.isArray(outputs.value) && outputs.value.kind === 'list' ? outputs.value.items : [outputs]
  const out: Bundle[] = []
  for (const o of list) {
    const file = asString(entry(o, 'file'))
    const dir = asString(entry(o, 'dir')) ?? (o === undefined ? defaultDir : undefined)
    const preserve = entry(o, 'preserveModules')
    const what = `${tool} (${at})`
    if (file !== undefined && ins.length === 1) out.push({file: clean(file), inputs: withNames(ins), ref, what})
    else if (dir !== undefined) {
      const inputs = withNames(ins)
      const mirror = preserve?.kind === 'known' && preserve.value === true ? clean(asString(entry(o, 'preserveModulesRoot')) ?? commonDir(ins.map((i) => i.file))) : undefined
      out.push({dir: clean(dir), inputs, ...(mirror === undefined ? {} : {mirror}), ref, what})
    }
  }

  return out
}

/** Bundles a config file sets up, by tool. */
function fromConfig(tool: string, path: string, value: EvalValue | undefined, calls: {args: EvalValue[]; callee: string; line: number}[], here: Here = {cwd: '', dir: ''}): Bundle[] {
  const at = (v: EvalValue): string => `${path}:${v.line}`
  if (tool === 'rollup') return exported(value).flatMap((c) => rollupBundles(c, at(c), ROLLUP, 'rollup'))
  if (tool === 'vite') {
    return exported(value).flatMap((c) => {
      const build = entry(c, 'build')
      const outDir = asString(entry(build, 'outDir')) ?? 'dist'
      const ssr = asString(entry(build, 'ssr'))
      const rollup = entry(build, 'rollupOptions')
      if (ssr !== undefined) return [{dir: clean(outDir), inputs: named([ssr]), ref: VITE, what: `vite build (${at(c)})`}]
      return rollup ? rollupBundles(rollup, at(c), VITE, 'vite build', clean(outDir)) : []
    })
  }

  if (tool === 'tsup') {
    return exported(value).flatMap((c) => {
      const ins = inputsOf(entry(c, 'entry') ?? entry(c, 'entryPoints'))
      return ins && ins.length > 0 ? [{dir: clean(asString(entry(c, 'outDir')) ?? 'dist'), inputs: withNames(ins), ref: TSUP, what: `tsup (${at(c)})`}] : []
    })
  }

  if (tool === 'webpack') {
    return exported(value).flatMap((c): Bundle[] => {
      const e = entry(c, 'entry')
      const ins = asString(e) === undefined ? inputsOf(e) : [{file: clean(asString(e)!), name: 'main'}]
      if (!ins || ins.length === 0) return []
      const o = entry(c, 'output')
      const dir = o === undefined || entry(o, 'path') === undefined ? 'dist' : folderOf(entry(o, 'path'))
      if (dir === undefined) return []
      const filename = asString(entry(o, 'filename')) ?? '[name].js'
      const what = `webpack (${at(c)})`
      if (!filename.includes('[')) return ins.length === 1 ? [{file: joinPath(dir, filename), inputs: withNames(ins), ref: WEBPACK, what}] : []
      if (filename !== '[name].js' && filename !== '[name].cjs' && filename !== '[name].mjs') return []
      return [{dir, inputs: ins.map((i) => ({file: i.file, name: i.name ?? 'main'})), ref: WEBPACK, what}]
    })
  }

  // A build script calling esbuild's JS API.
  return calls
    .filter((c) => /^esbuild(\.default)?\.build(Sync)?$/.test(c.callee))
    .flatMap((c): Bundle[] => {
      const o = c.args[0]
      const points = entry(o, 'entryPoints')
      // `entryPoints: [path.join(root, 'server', 'index.ts')]`: each a path the script computes.
      const items = points?.kind === 'known' && typeof points.value === 'object' && points.value !== null && !Array.isArray(points.value) && points.value.kind === 'list' ? points.value.items : undefined
      const computed = items?.map((x) => pathOf(x, here))
      const ins = computed && computed.every((x): x is string => x !== undefined) ? computed.map((file) => ({file})) : inputsOf(points)?.map((i) => ({...i, file: joinPath(here.cwd, i.file)}))
      if (!ins || ins.length === 0) return []
      const what = `esbuild (${path}:${c.line})`
      const outfile = pathOf(entry(o, 'outfile'), here)
      const outdir = pathOf(entry(o, 'outdir'), here)
      const outbase = pathOf(entry(o, 'outbase'), here)
      if (outfile !== undefined) return ins.length === 1 ? [{file: clean(outfile), inputs: withNames(ins), ref: ESBUILD, what}] : []
      return outdir === undefined ? [] : [{dir: clean(outdir), inputs: withNames(ins, outbase === undefined ? undefined : clean(outbase)), ref: ESBUILD, what}]
    })
}

const CONFIGS: Record<string, string[]> = {
  rollup: ['rollup.config.mjs', 'rollup.config.js', 'rollup.config.cjs', 'rollup.config.ts', 'rollup.config.mts'],
  tsup: ['tsup.config.ts', 'tsup.config.js', 'tsup.config.mjs', 'tsup.config.cjs', 'tsup.config.mts'],
  vite: ['vite.config.ts', 'vite.config.js', 'vite.config.mjs', 'vite.config.mts', 'vite.config.cjs'],
  webpack: ['webpack.config.js', 'webpack.config.cjs', 'webpack.config.mjs', 'webpack.config.ts'],
}

/** The config files the scripts' bundler commands read: `-c FILE`/`--config FILE`, else each tool's default names. */
function configFiles(files: FileReader, lines: ScriptLine[]): {cwd: string; path: string; tool: string}[] {
  const out: {cwd: string; path: string; tool: string}[] = []
  const add = (tool: string, path: string, cwd = ''): void => {
    if (files.exists(path) && !out.some((o) => o.path === path)) out.push({cwd, path, tool})
  }

  for (const {cwd, words} of lines) {
    for (const tool of Object.keys(CONFIGS)) {
      const i = programAt(words, tool)
      if (i < 0 || (tool === 'vite' && words[i + 1] !== 'build')) continue
      const args = words.slice(i + 1)
      const given = flag(args, ['-c', '--config'])
      if (given !== undefined) add(tool, clean(given))
      else for (const name of CONFIGS[tool]) add(tool, name)
    }

    // `node build.mjs`, `tsx scripts/build.ts`: a build script, read when it calls esbuild's API.
    const run = ['node', 'tsx', 'bun', 'ts-node'].includes(words[0] ?? '') ? words.slice(1).find((w) => !w.startsWith('-')) : undefined
    const script = run === undefined ? undefined : joinPath(cwd, run)
    if (script !== undefined && !script.startsWith('..') && /\.[cm]?[jt]s$/.test(script) && /esbuild/.test(files.read(script)?.text ?? '')) add('esbuild', script, cwd)
  }

  return out
}

/**
 * Read the bundles the package's scripts and bundler configs write, for bundlesOf (sync, used while walking).
 * Once per reader.
 */
export async function prepareBundles(files: FileReader, scripts: BuildScripts | undefined, env: Env = new Env([])): Promise<Bundle[]> {
  const known = prepared.get(files)
  if (known) return known
  const out: Bundle[] = []
  prepared.set(files, out)
  if (!scripts) return out
  const lines = scriptLines(files, scripts)
  out.push(...fromCommands(lines))
  for (const {cwd, path, tool} of configFiles(files, lines)) {
    const text = files.read(path)?.text
    if (text === undefined) continue
    const parsed = await parseJs(files.read(path)?.path ?? path, text)
    const m = evaluateParsed(parsed, {env})
    const named = (v: EvalValue | undefined): EvalValue | undefined => (v === undefined ? undefined : {...v, file: path})
    out.push(...fromConfig(tool, path, named(m.exports.get('default') ?? m.cjs), m.calls, {cwd, dir: dirOf(path), file: path}))
  }

  return out
}

/** The source a bundle (or copy) writes `file` from; `runsAt` when the file is a copy, whose relative imports resolve from `file`'s folder. */
export function fromBundles(files: FileReader, file: string): {file: string; ref: string; runsAt?: string; what: string} | undefined {
  const f = clean(file)
  const stem = f.replace(/\.[cm]?js$/, '')
  const source = (s: string): string | undefined => {
    if (files.exists(s)) return s
    for (const base of [s.replace(/\.[cm]?[jt]sx?$/, ''), `${s}/index`]) for (const ext of ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx']) if (files.exists(base + ext)) return base + ext
    return undefined
  }

  for (const b of bundlesOf(files)) {
    let found: string | undefined
    if (b.file !== undefined && (f === b.file || stem === b.file.replace(/\.[cm]?js$/, '')) && b.inputs.length === 1) found = source(b.inputs[0].file)
    if (b.dir !== undefined && f.startsWith(`${b.dir}/`)) {
      const rest = stem.slice(b.dir.length + 1)
      const input = b.inputs.find((i) => i.name === rest)
      found = input ? source(input.file) : b.mirror === undefined ? undefined : source(joinPath(b.mirror, b.copy ? f.slice(b.dir.length + 1) : rest))
    }

    if (found) return {file: found, ref: b.ref, what: b.what, ...(b.copy ? {runsAt: f} : {})}
  }

  return undefined
}
