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
const bundle = readdirSync(`${ROOT}dist`, {recursive: true})
  .map(String)
  .filter((f) => f.endsWith('.js') || f.endsWith('.cjs'))
  .map((f) => readFileSync(`${ROOT}dist/${f}`, 'utf8'))
  .join('\n')

/** `lodash/fp` → lodash, `@scope/pkg/x` → @scope/pkg. */
const packageOf = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/')
const builtin = (name: string): boolean => name.startsWith('node:') || builtinModules.includes(name)

/** Bare specifiers the bundle imports, requires or resolves at run time. */
function loaded(): Set<string> {
  const found = new Set<string>()
  const patterns = [/\bfrom\s*["']([^"'./\s][^"'\s]*)["']/g, /\bimport\s*\(\s*["']([^"'./\s][^"'\s]*)["']\s*\)/g, /\brequire(?:\.resolve)?\s*\(\s*["']([^"'./\s][^"'\s]*)["']\s*\)/g, /\bimport\s+["']([^"'./\s][^"'\s]*)["']/g, /import\.meta\.resolve\(\s*["']([^"'./\s][^"'\s]*)["']/g]
  for (const pattern of patterns) for (const m of bundle.matchAll(pattern)) if (!builtin(m[1])) found.add(packageOf(m[1]))
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
