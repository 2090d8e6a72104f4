import {loadDynoSizes} from '../../src/platform/dyno-size-table.js'
import {dynoFacts} from '../../src/platform/dyno-sizes.js'
import type {AnalyzerContext, ServerAnalyzer} from '../../src/languages/common/types.js'
import {Env, layer} from '../../src/model/env.js'
import type {FileReader} from '../../src/model/files.js'
import {memoryFiles} from '../../src/model/files.js'
import {fromEnv, fromFlag, sourced} from '../../src/model/source.js'
import {readFileSync, readdirSync, statSync} from 'node:fs'
import {expect} from 'vitest'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

/** An Env whose variables come from `.env.test`, line by line (for readable sources). */
export function envOf(vars: Record<string, string>, from = '.env.test'): Env {
  const entries = Object.entries(vars).map(([name, value], i) => ({name, source: fromEnv(name, `${from}:${i + 1}`), value}))
  return new Env([layer(from, entries)])
}

const fixturesDir = fileURLToPath(new URL('../fixtures/', import.meta.url))

/** A fixture app as an in-memory FileReader (paths relative to the app root). */
export function fixture(name: string): FileReader {
  const root = join(fixturesDir, name)
  const files: Record<string, string> = {}
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const p = join(dir, entry)
      if (statSync(p).isDirectory()) walk(p)
      else files[relative(root, p).split('\\').join('/')] = readFileSync(p, 'utf8')
    }
  }

  walk(root)
  return memoryFiles(files)
}

/** Split a command the simple way tests need (no quoting); `bundle exec` stripped like the Procfile parser does. */
export function ctxFor(
  command: string,
  opts: {appEnv?: string; dynoSize?: string; env?: Record<string, string>; files: FileReader; versions?: Record<string, string>},
): AnalyzerContext {
  let argv = command.split(/\s+/).filter(Boolean)
  const wrappers: string[] = []
  if (argv[0] === 'bundle' && argv[1] === 'exec') {
    argv = argv.slice(2)
    wrappers.push('bundle exec')
  }

  return {
    appEnv: opts.appEnv ?? 'production',
    command: {argv, raw: command, wrappers},
    dyno: opts.dynoSize ? dynoFacts(loadDynoSizes(), sourced(opts.dynoSize, fromFlag(`--scale web=1:${opts.dynoSize}`))) : undefined,
    dynoSize: opts.dynoSize,
    env: envOf(opts.env ?? {}),
    files: opts.files,
    processType: 'web',
    versions: opts.versions ?? {},
  }
}

/**
 * One analyzer on a command over in-memory files, in a dyno of `size` (as `--scale web=1:SIZE` gives
 * it), after checking that the analyzer claims the command.
 */
export async function analyzeWith(analyzer: ServerAnalyzer, command: string, files: Record<string, string> = {}, env: Record<string, string> = {}, size = 'standard-2x') {
  const ctx = ctxFor(command, {env, files: memoryFiles(files)})
  ctx.dyno = dynoFacts(loadDynoSizes(), sourced(size, fromFlag(`--scale web=1:${size}`)))
  expect(analyzer.matches(ctx.command, ctx)).toBe(true)
  return analyzer.analyze(ctx)
}
