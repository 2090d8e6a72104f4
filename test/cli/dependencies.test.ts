import {readdirSync, readFileSync} from 'node:fs'
import {builtinModules} from 'node:module'
import {describe, expect, it} from 'vitest'

import {ROOT} from '../helpers/cli.js'

/**
 * A user's install holds `dependencies` only: everything esbuild bundles into
 * dist/ is a devDependency, and what the bundle still loads at run time (the
 * packages kept external: WebAssembly, native bindings, grammar files) must be
 * a dependency, or conncalc fails on a fresh install while every test here passes.
 */
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {dependencies: Record<string, string>; devDependencies: Record<string, string>}
// dist/*.js and the packages built apart to load lazily (dist/lazy/*.cjs, see esbuild.config.js).
const files = readdirSync(`${ROOT}dist`, {recursive: true}).map(String)
const read = (ext: string): string =>
  files
    .filter((f) => f.endsWith(ext))
    .map((f) => readFileSync(`${ROOT}dist/${f}`, 'utf8'))
    .join('\n')
// The ES module bundle (dist/main.js and its chunks) and the CommonJS ones (dist/cli.cjs, the
// sibling bundles, dist/lazy/): a CommonJS file has no `from "x"`, and in dist/cli.cjs, written
// without line breaks, `from` beside a string literal would read as one.
const esm = read('.js')
const cjs = read('.cjs')
const bundle = `${esm}\n${cjs}`

/** `lodash/fp` → lodash, `@scope/pkg/x` → @scope/pkg. */
const packageOf = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/')
const builtin = (name: string): boolean => name.startsWith('node:') || builtinModules.includes(name)

/** Bare specifiers the bundle imports, requires or resolves at run time. */
function loaded(): Set<string> {
  const found = new Set<string>()
  const esmOnly = [/\bfrom\s*["']([^"'./\s][^"'\s]*)["']/g, /\bimport\s+["']([^"'./\s][^"'\s]*)["']/g, /import\.meta\.resolve\(\s*["']([^"'./\s][^"'\s]*)["']/g]
  const both = [/\bimport\s*\(\s*["']([^"'./\s][^"'\s]*)["']\s*\)/g, /\b(?:require|__conncalcImport)(?:\.resolve)?\s*\(\s*["']([^"'./\s][^"'\s]*)["']\s*\)/g]
  const collect = (text: string, pattern: RegExp): void => {
    for (const m of text.matchAll(pattern)) if (!builtin(m[1])) found.add(packageOf(m[1]))
  }
  for (const pattern of esmOnly) collect(esm, pattern)
  for (const pattern of both) collect(bundle, pattern)
  return found
}

// oclif looks for these only to run a plugin's TypeScript source in development
// (config/ts-path.js, inside try/catch); a built install never needs them.
// fdir (inside tinyglobby, dist/lazy/tinyglobby.cjs) asks require.resolve('picomatch') in a
// try/catch only to see whether it is installed; the copy it then uses is bundled.
const DEVELOPMENT_ONLY = new Set(['picomatch', 'ts-node', 'typescript'])

describe('runtime dependencies', () => {
  it('every package the bundle loads at run time is a dependency', () => {
    const missing = [...loaded()].filter((name) => !DEVELOPMENT_ONLY.has(name) && !(name in pkg.dependencies))
    expect(missing).toEqual([])
  })

  it('no dependency is bundled (what esbuild copies into dist/ is a devDependency)', () => {
    // esbuild heads each module it bundles with a `// node_modules/NAME/…` comment.
    const bundled = Object.keys(pkg.dependencies).filter((name) => bundle.includes(`// node_modules/${name}/`))
    expect(bundled).toEqual([])
    expect(bundle).toMatch(/^\/\/ node_modules\/yaml\//m)
  })

  it('nothing is both', () => {
    expect(Object.keys(pkg.dependencies).filter((name) => name in pkg.devDependencies)).toEqual([])
  })
})
