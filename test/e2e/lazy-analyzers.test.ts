import {readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {ROOT} from '../helpers/cli.js'

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
