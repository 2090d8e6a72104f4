import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parseSync} from 'oxc-parser'
import {afterAll, describe, expect, it} from 'vitest'

import {ROOT, runCli} from '../helpers/cli.js'

/** dist/main.js and every chunk it imports statically: what every run parses. */
function staticGraph(dist: string): Set<string> {
  const seen = new Set<string>()
  const walk = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(join(dist, file), 'utf8')
    for (const m of text.matchAll(/^import\s[^;]*?from\s*"\.\/([^"]+)"/gm)) walk(m[1])
    for (const m of text.matchAll(/^import\s*"\.\/([^"]+)"/gm)) walk(m[1])
  }

  walk('main.js')
  return seen
}

describe('start-up stays fast: language analyzers load only when a process type needs them', () => {
  // A marker per language: code that only that language's analyzers use (src/procfile/registry.ts loads them lazily).
  const markers = {
    '.NET (src/languages/dotnet/csharp.ts)': 'function readCsharp(',
    'Elixir (src/languages/elixir/config.ts)': 'function readElixirConfig(',
    'Go (src/languages/go/go-code.ts)': 'function readGoCode(',
    'JVM (src/languages/jvm/spring.ts)': 'var SpringConfig = class',
    'Node (src/languages/node/js.ts)': 'function parseJs(',
    'Python evaluator (src/languages/python/evaluate.ts)': 'function evaluateModule(',
    // web-tree-sitter and the grammars' WebAssembly are loaded from node_modules by this chunk only.
    'tree-sitter grammars (src/util/tree-sitter.ts)': 'tree-sitter-python/tree-sitter-python.wasm',
    'oxc-parser, the JS/TS parser (src/languages/node/js.ts)': 'import("oxc-parser")',
  }

  it.each(Object.entries(markers))('%s is bundled, but not in dist/main.js or a chunk it imports statically', (_, marker) => {
    const dist = join(ROOT, 'dist')
    const holding = readdirSync(dist).filter((f) => f.endsWith('.js') && readFileSync(join(dist, f), 'utf8').includes(marker))
    expect(holding.length).toBeGreaterThan(0) // the marker still names the code (else this test would pass vacuously)
    const loaded = staticGraph(dist)
    expect(holding.filter((f) => loaded.has(f))).toEqual([])
  })
})

describe("start-up stays fast: what oclif needs only for help, globs or spinners loads only then", () => {
  // Packages oclif requires at its top level (esbuild.config.js builds them apart, as dist/lazy/NAME.cjs).
  const markers = {
    // ansi-escapes: the cursor moves of oclif's spinner.
    'ansi-escapes': 'clearTerminal',
    // ansis: oclif's colours, for its help, theme and spinner only.
    ansis: 'PM2_HOME',
    'cli-spinners': 'dots12',
    ejs: 'ejs.renderFile',
    // get-package-type: oclif asks it whether a .js command file is an ES module (dist/cli.cjs is not).
    'get-package-type': 'getPackageTypeSync',
    minimatch: 'class Minimatch',
    tinyglobby: 'convertPathToPattern',
    // wordwrap: the lists of oclif's help.
    wordwrap: String.raw`(\S+\s+)`,
    'wrap-ansi': 'wrapWord',
  }

  it.each(Object.entries(markers))('%s is in dist/lazy/, not in what every run parses', (name, marker) => {
    const dist = join(ROOT, 'dist')
    expect(readFileSync(join(dist, 'lazy', `${name}.cjs`), 'utf8')).toContain(marker)
    const parsed = [...staticGraph(dist), 'cli.cjs'].map((f) => readFileSync(join(dist, f), 'utf8'))
    expect(parsed.filter((text) => text.includes(marker))).toEqual([])
  })
})

describe('start-up stays fast: what bin/run.js reads on every start (dist/cli.cjs) leaves out what a run without a config file never uses', () => {
  // zod validates conncalc.yml and plans files only; dist/cli.cjs imports it from dist/zod.cjs (esbuild.config.js).
  it('zod is in dist/zod.cjs, not in dist/cli.cjs', () => {
    const dist = join(ROOT, 'dist')
    const marker = 'function $constructor('
    expect(readFileSync(join(dist, 'zod.cjs'), 'utf8')).toContain(marker)
    const cli = readFileSync(join(dist, 'cli.cjs'), 'utf8')
    expect(cli).not.toContain(marker)
    expect(cli).toContain('__conncalcImport("./zod.cjs")')
  })
})

describe('start-up stays fast: the TOML parser loads only for an app with a fly.toml', () => {
  // smol-toml reads fly.toml only (src/platform/fly-toml.ts imports it lazily; esbuild.config.js builds dist/smol-toml.cjs).
  const marker = 'Invalid TOML document'

  it('smol-toml is in dist/smol-toml.cjs, not in dist/cli.cjs', () => {
    const dist = join(ROOT, 'dist')
    expect(readFileSync(join(dist, 'smol-toml.cjs'), 'utf8')).toContain(marker)
    const cli = readFileSync(join(dist, 'cli.cjs'), 'utf8')
    expect(cli).not.toContain(marker)
    expect(cli).toContain('__conncalcImport("./smol-toml.cjs")')
  })

  it('smol-toml is in a chunk of its own, not in dist/main.js or a chunk it imports statically', () => {
    const dist = join(ROOT, 'dist')
    const holding = readdirSync(dist).filter((f) => f.endsWith('.js') && readFileSync(join(dist, f), 'utf8').includes(marker))
    expect(holding.length).toBe(1)
    expect(staticGraph(dist).has(holding[0])).toBe(false)
  })
})

describe("start-up stays fast: dist/cli.cjs's top-level scope leaves out the analyzers a Rails run never loads", () => {
  // esbuild.config.js (lazyScopes) moves the top-level statements of the modules only import() reaches (other than
  // Prism's) into a function per set of them, called the first time one is imported: V8 rebuilds the table of the
  // bundle's top-level names whenever it reads the code cache, and makes each top-level function at every start.
  // The other languages' sets are in dist/cli-lazy.cjs, which a Rails run never reads; Ruby's stay in dist/cli.cjs.
  // A marker per language: a string that only one module of that language's analyzers holds.
  const elsewhere = {
    '.NET (src/languages/dotnet/configuration.ts)': 'https://learn.microsoft.com/aspnet/core/fundamentals/environments',
    'Elixir (src/languages/elixir/elixir.ts)': 'https://github.com/elixir-ecto/ecto/blob/master/lib/ecto/repo/supervisor.ex',
    'Go (src/languages/go/go-code.ts)': 'https://pkg.go.dev/flag#Int',
    'JVM (src/languages/jvm/spring.ts)': 'https://docs.spring.io/spring-boot/reference/features/external-config.html',
    'Node (src/languages/node/js.ts)': 'https://github.com/nestjs/config/blob/master/lib/config.service.ts',
    'PHP (src/languages/php/php.ts)': 'https://www.php.net/manual/en/features.persistent-connections.php',
    'Python (src/languages/python/evaluate.ts)': 'https://docs.python.org/3/library/sys.html#sys.argv',
    'Rust (src/languages/rust/rocket.ts)': 'https://github.com/rwf2/Rocket/blob/v0.5.1/contrib/db_pools/lib/src/database.rs#L258-L264',
  }
  const lazy = readFileSync(join(ROOT, 'dist', 'cli-lazy.cjs'), 'utf8')

  it.each(Object.entries(elsewhere))('%s is in dist/cli-lazy.cjs, not in dist/cli.cjs', (_, marker) => {
    expect(lazy.split(JSON.stringify(marker))).toHaveLength(2) // one module holds it
    expect(readFileSync(join(ROOT, 'dist', 'cli.cjs'), 'utf8')).not.toContain(JSON.stringify(marker))
  })

  const markers = {
    // Ruby's analyzers that only import() reaches and a Rails app without them never loads (src/procfile/registry.ts).
    'Ruby resque (src/languages/ruby/resque.ts)': 'https://github.com/resque/resque/blob/master/docs/HOOKS.md',
    'Ruby sneakers (src/languages/ruby/sneakers.ts)': 'https://github.com/jondot/sneakers/blob/v2.11.0/lib/sneakers',
    'Ruby thin (src/languages/ruby/thin.ts)': 'https://github.com/macournoyer/thin/blob/master/lib/thin/runner.rb',
  }
  const text = readFileSync(join(ROOT, 'dist', 'cli.cjs'), 'utf8')
  // The bundle's lines: its build, a guard, then `(function (exports, …) {` around the program.
  const wrapper = parseSync('cli.cjs', text, {preserveParens: false, sourceType: 'script'}).program.body.at(-1)
  const inner = wrapper?.type === 'ExpressionStatement' && wrapper.expression.type === 'FunctionExpression' ? (wrapper.expression.body?.body ?? []) : []

  it.each(Object.entries(markers))('%s is inside a function the top level only declares', (_, marker) => {
    const at = text.indexOf(JSON.stringify(marker))
    expect(at).toBeGreaterThan(0)
    expect(text.indexOf(JSON.stringify(marker), at + 1)).toBe(-1) // one module holds it
    const statement = inner.find((s) => s.start <= at && at < s.end)
    expect(statement?.type).toBe('FunctionDeclaration')
  })

  it('the top level declares fewer than 3,000 names', () => {
    // Before lazyScopes ~4,200, a third of them the other languages'. Each top-level name costs every start ≈ 5 K
    // instructions (a closure made for a function, its record read from the code cache): 400 more functions measured
    // +0.35 M, 200 more −0.46 M (callgrind, a cached Rails plan, main thread). The −0.46 M: V8 rebuilds its hash table
    // of the names the bundle's closures share at every code-cache read; today's ~2,730 fill its 4,096 entries to two
    // thirds, the rebuild's worst (4.2 M), and fewer than 200 more double it to 8,192 (2.5 M). A budget, not a cliff: it
    // catches a language's analyzers brought back to the top level (+1,600), not a module's few helpers.
    const names = inner.reduce((n, s) => n + (s.type === 'VariableDeclaration' ? s.declarations.length : s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration' ? 1 : 0), 0)
    expect(names).toBeGreaterThan(1000)
    expect(names).toBeLessThan(3000)
  })
})

describe("start-up stays fast: oclif's logger (debug) loads only when DEBUG is set", () => {
  // esbuild.config.js (lazyDebug): with DEBUG unset oclif's loggers are functions that print nothing, as debug's are.
  const marker = 'is deprecated and no longer does anything'

  it('debug is in dist/lazy/debug.cjs, not in what every run parses', () => {
    const dist = join(ROOT, 'dist')
    expect(readFileSync(join(dist, 'lazy', 'debug.cjs'), 'utf8')).toContain(marker)
    const parsed = [...staticGraph(dist), 'cli.cjs'].map((f) => readFileSync(join(dist, f), 'utf8'))
    expect(parsed.filter((text) => text.includes(marker))).toEqual([])
  })

  it("DEBUG=oclif:* prints oclif's log on standard error; unset, nothing; the output is the same", () => {
    const quiet = runCli(['plans'])
    const logged = runCli(['plans'], {env: {DEBUG: 'oclif:*'}})
    expect(quiet.code).toBe(0)
    expect(quiet.stderr).toBe('')
    expect(logged.code).toBe(0)
    expect(logged.stdout).toBe(quiet.stdout)
    expect(logged.stderr).toMatch(/oclif:config loading core plugin from /)
  })
})

describe("start-up stays fast: Prism's tree walk by visitor, which conncalc does not use, is left out", () => {
  // esbuild.config.js (prismWithoutVisitors): each node class's accept() and childNodes(), and the Visitor classes.
  it('dist/cli.cjs holds compactChildNodes but no accept(visitor) or visit method', () => {
    const cli = readFileSync(join(ROOT, 'dist', 'cli.cjs'), 'utf8')
    expect(cli).toContain('compactChildNodes(){')
    expect(cli).not.toContain('visitCallNode')
    expect(cli).not.toContain('childNodes(){')
  })
})

describe("start-up stays fast: Prism's export objects are made when Prism loads, not at every start", () => {
  // esbuild.config.js (valueExportTables): esbuild's `__export(ns, {Name: () => Name, …})` tables for nodes.js and the index.
  const cli = readFileSync(join(ROOT, 'dist', 'cli.cjs'), 'utf8')
  const program = parseSync('cli.cjs', cli, {sourceType: 'script'}).program
  // The bundle is `(function (exports, require, …) {…})` (bin/code-cache.js's WRAPPER): the program is that function's body.
  const unwrap = (e: (typeof program.body)[number]) => (e.type === 'ExpressionStatement' ? (e.expression.type === 'ParenthesizedExpression' ? e.expression.expression : e.expression) : undefined)
  const wrapper = program.body.map(unwrap).find((e) => e?.type === 'FunctionExpression')
  const nodeTable = (node: unknown): boolean =>
    typeof node === 'object' && node !== null && 'type' in node && node.type === 'ObjectExpression' && 'properties' in node && Array.isArray(node.properties) &&
    node.properties.some((p: {key?: {name?: string}}) => p.key?.name === 'AliasGlobalVariableNode')

  it("the bundle's top level runs no table of Prism's node classes", () => {
    expect(wrapper).toBeDefined()
    const body = wrapper?.type === 'FunctionExpression' ? (wrapper.body?.body ?? []) : []
    expect(body.length).toBeGreaterThan(100)
    const tables = body.filter((s) => s.type === 'ExpressionStatement' && s.expression.type === 'CallExpression' && s.expression.arguments.some(nodeTable))
    expect(tables).toEqual([])
  })

  it("nodes.js's classes are given by value, in no table of getters (the bundle's Prism index re-exports nothing: esbuild.config.js, prism-loader)", () => {
    expect(cli.match(/\bAliasGlobalVariableNode:\(\)=>/g)).toBeNull()
    expect(cli).toMatch(/[\w$]+=\{AliasGlobalVariableNode:[\w$]+,AliasMethodNode:[\w$]+,/)
  })
})

describe('start-up stays fast: a Rails plan does not load node:module', () => {
  // esbuild.config.js (lazyNodeModule): node:module loads Node's ES module loader and source-map modules with it.
  // A preloaded script reports, at exit, the built-in modules the process loaded.
  const work = mkdtempSync(join(tmpdir(), 'conncalc-lazy-test-'))
  afterAll(() => rmSync(work, {force: true, recursive: true}))
  const report = join(work, 'report.cjs')
  writeFileSync(report, "process.on('exit', () => process._rawDebug('LOADED ' + process.moduleLoadList.join(',')))\n")
  const loaded = (args: string[]): {code: null | number; modules: string[]; stdout: string} => {
    const env = {...process.env, CONNCALC_CODE_CACHE: work, CONNCALC_PARSE_CACHE: '0', NO_COLOR: '1'}
    const run = spawnSync(process.execPath, ['--require', report, join(ROOT, 'bin', 'run.js'), ...args], {cwd: ROOT, encoding: 'utf8', env})
    const line = run.stderr.split('\n').find((l) => l.startsWith('LOADED ')) ?? ''
    return {code: run.status, modules: line.slice('LOADED '.length).split(','), stdout: run.stdout}
  }

  it('plan on examples/rails: no node:module; --help still prints the help', () => {
    const plan = loaded(['plan', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--scale', 'web=2', 'worker=1'])
    expect(plan.code).toBe(0)
    expect(plan.modules).toContain('NativeModule vm') // the report is there (else this test would pass vacuously)
    expect(plan.modules).not.toContain('NativeModule module')
    const help = loaded(['plan', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^USAGE\n {2}\$ conncalc plan/m)
  })
})
