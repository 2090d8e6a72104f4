/**
 * A second `conncalc plan` on an app reads Prism's parses of its Ruby files, and the YAML files'
 * values and key lines, from the parse cache (io/parse-cache.ts) instead of parsing them again. The cache changes no output: a file
 * that changed is parsed again, whatever the cache holds for its old text.
 */
import {spawnSync} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {ROOT, runCli} from '../helpers/cli.js'

const work = mkdtempSync(join(tmpdir(), 'conncalc-parse-cache-e2e-'))
afterAll(() => rmSync(work, {force: true, recursive: true}))

// A copy of examples/rails, so a test can change its files.
const app = join(work, 'app')
mkdirSync(join(app, 'config'), {recursive: true})
for (const file of ['Procfile', 'Gemfile', 'Gemfile.lock', 'config/database.yml', 'config/puma.rb', 'config/sidekiq.yml']) writeFileSync(join(app, file), readFileSync(join(ROOT, 'examples/rails', file)))

const PLAN = ['plan', '--procfile', join(app, 'Procfile'), '--plan', 'essential-0', '--scale', 'web=2', 'worker=1']
const run = (cache: string, args = PLAN) => runCli(args, {env: {CONNCALC_PARSE_CACHE: cache}})
const entries = (dir: string): string[] => readdirSync(join(dir, readdirSync(dir)[0])).filter((f) => f.endsWith('.prism'))

describe('the parse cache', () => {
  const cache = join(work, 'cache')
  const off = run('0')
  const json = run('0', [...PLAN, '--json', '--explain'])

  it('the runs the others compare against: the cache off', () => {
    // web 2 dynos × 2 Puma workers × 3 threads (config/puma.rb) = 12; worker 1 × Sidekiq's 5 = 5.
    expect(off.code).toBe(0)
    expect(off.stdout).toContain('total 17 of 20')
  })

  it('is written by the first run and read by the next; neither prints anything else', () => {
    expect(run(cache)).toEqual(off)
    expect(entries(cache).length).toBeGreaterThan(0)
    expect(run(cache)).toEqual(off)
    expect(run(cache, [...PLAN, '--json', '--explain'])).toEqual(json)
  })

  it('read, the run does not need Prism\'s WebAssembly at all', () => {
    run(cache)
    // An install of the same build without dist/prism.wasm: a run with the cache off cannot parse
    // Ruby (an internal error, exit 3); with the cache it answers as the full install does.
    const install = join(work, 'install')
    for (const part of ['bin', 'dist', 'plans', 'package.json']) cpSync(join(ROOT, part), join(install, part), {recursive: true})
    symlinkSync(join(ROOT, 'node_modules'), join(install, 'node_modules'))
    rmSync(join(install, 'dist', 'prism.wasm'))
    // As runCli runs bin/run.js, but the copy's.
    const spawnIn = (cacheSetting: string) => {
      const r = spawnSync(process.execPath, ['--', join(install, 'bin', 'run.js'), ...PLAN], {cwd: ROOT, encoding: 'utf8', env: {COLUMNS: '100', CONNCALC_PARSE_CACHE: cacheSetting, NO_COLOR: '1', PATH: process.env.PATH ?? ''}, timeout: 60_000})
      return {code: r.status, stderr: r.stderr, stdout: r.stdout}
    }

    expect(spawnIn(cache)).toEqual(off)
    expect(spawnIn('0').code).toBe(3)
  })

  /** Runs `body` with `from` in the app's `file` changed to `to`, then puts the file back: a run with the cache answers as before. */
  function whileChanged(file: string, from: string, to: string, body: () => void): void {
    const path = join(app, file)
    const before = readFileSync(path, 'utf8')
    try {
      writeFileSync(path, before.replace(from, to))
      body()
    } finally {
      writeFileSync(path, before)
    }

    expect(run(cache)).toEqual(off)
  }

  it('a Ruby file that changed is parsed again: the run counts what the file says now', () => {
    run(cache) // the cache holds config/puma.rb's parse with 3 threads
    whileChanged('config/puma.rb', 'ENV.fetch("RAILS_MAX_THREADS", 3)', 'ENV.fetch("RAILS_MAX_THREADS", 4)', () => {
      // web 2 × 2 workers × min(pool 5, 4 threads) = 16; worker 5: 21 of essential-0's 20, exit 1.
      const changed = run(cache)
      expect(changed.stdout).toContain('total 21 of 20')
      expect(changed.code).toBe(1)
      expect(changed).toEqual(run('0'))
    })
  })

  it('a YAML file that changed is parsed again: the run counts what the file says now', () => {
    run(cache) // the cache holds config/sidekiq.yml's parse with concurrency 5
    whileChanged('config/sidekiq.yml', 'ENV.fetch("SIDEKIQ_CONCURRENCY", 5)', 'ENV.fetch("SIDEKIQ_CONCURRENCY", 4)', () => {
      // web 2 × 2 workers × 3 threads = 12; worker 1 × min(pool 5, Sidekiq's 4) = 4: 16 of 20.
      const changed = run(cache)
      expect(changed.stdout).toContain('total 16 of 20')
      expect(changed).toEqual(run('0'))
      expect(run(cache, [...PLAN, '--json', '--explain'])).toEqual(run('0', [...PLAN, '--json', '--explain']))
    })
  })
})
