/**
 * bin/run.js keeps V8's compiled code for dist/cli.cjs between runs (bin/code-cache.js).
 * The cache is an optimisation only: with it, without it, or with one that is corrupt,
 * truncated or cannot be written, a run prints the same and exits the same.
 */
import * as esbuild from 'esbuild'
import {spawnSync} from 'node:child_process'
import {chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ROOT, runCli} from '../helpers/cli.js'

const work = mkdtempSync(join(tmpdir(), 'conncalc-code-cache-test-'))
afterAll(() => rmSync(work, {force: true, recursive: true}))

// examples/rails at web=2 worker=1 on essential-0: 17 of 20 connections, a warning (exit 0).
const RAILS = ['plan', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--scale', 'web=2', 'worker=1']
// The same app at web=4 exceeds the plan's 20 (web 4 × 2 × 3 = 24): exit 1.
const OVER = ['plan', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--scale', 'web=4', 'worker=1']

const run = (args: string[], cache: string) => runCli(args, {env: {CONNCALC_CODE_CACHE: cache}})
const without = {rails: run(RAILS, '0'), over: run(OVER, '0')}
const cacheFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.cache'))

describe('the code cache', () => {
  it('the runs the other tests compare against are what a user sees (the cache off)', () => {
    expect(without.rails.code).toBe(0)
    expect(without.rails.stdout).toContain('total 17 of 20')
    expect(without.over.code).toBe(1)
    expect(without.rails.stderr).toBe('')
  })

  it('is written by the first run and used by the next; neither run\'s output changes', () => {
    const dir = join(work, 'fresh')
    const first = run(RAILS, dir)
    expect(first).toEqual(without.rails)
    const files = cacheFiles(dir)
    expect(files).toHaveLength(1)
    const written = readFileSync(join(dir, files[0]))
    expect(written.length).toBeGreaterThan(0)
    expect(run(RAILS, dir)).toEqual(without.rails)
    expect(run(OVER, dir)).toEqual(without.over) // the exit code of a failing run survives the write at exit
    // Accepted by V8, the cache is not rewritten; no temporary file is left behind.
    expect(readFileSync(join(dir, files[0])).equals(written)).toBe(true)
    expect(readdirSync(dir)).toEqual(files)
  })

  it('a run with a config file loads zod from dist/zod.cjs, with a cache of its own; a run without one never loads it', () => {
    const app = join(work, 'app-with-config')
    mkdirSync(join(app, 'config'), {recursive: true})
    for (const file of ['Procfile', 'config/database.yml', 'config/puma.rb', 'config/sidekiq.yml']) writeFileSync(join(app, file), readFileSync(join(ROOT, 'examples/rails', file)))
    // web=two is not a dyno count: zod's check of conncalc.yml says so (exit 2).
    writeFileSync(join(app, 'conncalc.yml'), 'plan: essential-0\nscale:\n  web: two\n')
    const dir = join(work, 'with-config')
    const off = runCli(['plan'], {cwd: app, env: {CONNCALC_CODE_CACHE: '0'}})
    expect(off.code).toBe(2)
    expect(off.stderr).toContain('conncalc.yml:3: scale.web')
    // The Rails example without a config file: one cache, dist/cli.cjs's (zod.cjs was not loaded).
    expect(run(RAILS, dir)).toEqual(without.rails)
    expect(cacheFiles(dir)).toHaveLength(1)
    // With one: zod.cjs's cache is written beside it, and the next run, reading both, says the same.
    expect(runCli(['plan'], {cwd: app, env: {CONNCALC_CODE_CACHE: dir}})).toEqual(off)
    expect(cacheFiles(dir)).toHaveLength(2)
    expect(runCli(['plan'], {cwd: app, env: {CONNCALC_CODE_CACHE: dir}})).toEqual(off)
    expect(cacheFiles(dir)).toHaveLength(2)
  })

  it("a Python or Node app's run loads the analyzers of other languages from dist/cli-lazy.cjs, with a cache of its own; a Rails run never loads them", () => {
    const DJANGO = ['plan', '--procfile', 'test/fixtures/django-gunicorn-celery/Procfile', '--plan', 'essential-0', '--scale', 'web=2', 'worker=1']
    const NODE = ['plan', '--procfile', 'test/fixtures/node-knex-throng/Procfile', '--plan', 'essential-0', '--scale', 'web=2']
    const off = {django: run(DJANGO, '0'), node: run(NODE, '0')}
    expect(off.django.stdout).toContain('celery')
    expect(off.node.stdout).toContain('total')
    const dir = join(work, 'lazy')
    // The Rails example: one cache, dist/cli.cjs's.
    expect(run(RAILS, dir)).toEqual(without.rails)
    expect(cacheFiles(dir)).toHaveLength(1)
    // A Django app: dist/cli-lazy.cjs's cache is written beside it; the runs after it, reading both, say the same.
    expect(run(DJANGO, dir)).toEqual(off.django)
    expect(cacheFiles(dir)).toHaveLength(2)
    expect(run(DJANGO, dir)).toEqual(off.django)
    expect(run(NODE, dir)).toEqual(off.node)
    expect(cacheFiles(dir)).toHaveLength(2)
  })

  describe('a corrupt or truncated cache gives the same output and exit code, and is replaced by a good one', () => {
    const dir = join(work, 'corrupt')
    let good: Buffer
    let name: string
    beforeAll(() => {
      run(RAILS, dir)
      ;[name] = cacheFiles(dir)
      good = readFileSync(join(dir, name))
    })

    it.each([
      ['not V8 code at all', () => Buffer.from('not V8 code at all')],
      ['the first half of a good cache', () => good.subarray(0, good.length >> 1)],
      ['garbage of a good cache\'s length', () => Buffer.alloc(good.length, 0x5a)],
    ])('%s', (_, bad) => {
      writeFileSync(join(dir, name), bad())
      expect(run(OVER, dir)).toEqual(without.over)
      const rewritten = readFileSync(join(dir, name))
      expect(rewritten.equals(bad())).toBe(false)
      expect(rewritten.length).toBeGreaterThan(good.length >> 1)
      // The rewritten cache is one V8 accepts: the next run leaves it as it is.
      expect(run(RAILS, dir)).toEqual(without.rails)
      expect(readFileSync(join(dir, name)).equals(rewritten)).toBe(true)
    })
  })

  it('a cache folder that cannot be made or written changes nothing a user sees', () => {
    const file = join(work, 'a-file')
    writeFileSync(file, '')
    // A folder under a file cannot be created (ENOTDIR, whoever runs the tests, root included).
    expect(run(RAILS, join(file, 'cache'))).toEqual(without.rails)
    expect(run(OVER, join(file, 'cache'))).toEqual(without.over)
  })

  it('in the shared temporary folder, a folder others can write to is neither read nor written (what is cached there is code conncalc runs)', () => {
    const dir = join(tmpdir(), `conncalc-code-cache-test-open-${process.pid}`)
    mkdirSync(dir, {recursive: true})
    chmodSync(dir, 0o777)
    try {
      expect(run(RAILS, dir)).toEqual(without.rails)
      expect(cacheFiles(dir)).toEqual([])
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })

  it('the bundle cannot be loaded by require() as a second copy of conncalc: it says so', async () => {
    const {createRequire} = await import('node:module')
    const require = createRequire(import.meta.url)
    expect(() => require('../../dist/cli.cjs')).toThrow('dist/cli.cjs runs through bin/code-cache.js')
  })
})

/**
 * Prism's WebAssembly compiled ahead by the build (src/util/prism-code.ts), in the code cache's
 * folder: read by a run whose Ruby files are not in the parse cache. It is an optimisation only:
 * with it, without it, or with one that is truncated or not V8's, a run prints the same and exits
 * the same, and the flag that lets V8 read it is set back before the code cache is written.
 */
describe("Prism's WebAssembly compiled ahead by the build", () => {
  const dist = join(ROOT, 'dist')
  const name = readdirSync(dist).find((f) => /^prism-[0-9a-f]{16}-node.*\.code$/.test(f))
  const folder = (label: string, contents?: (good: Buffer) => Buffer): string => {
    const dir = join(work, `prism-code-${label}`)
    mkdirSync(dir, {recursive: true})
    if (contents && name) writeFileSync(join(dir, name), contents(readFileSync(join(dist, name))))
    return dir
  }

  it('the build wrote it for this Node, with the header that gives its length', () => {
    expect(name).toContain(`-node${process.versions.node}-`)
    const file = readFileSync(join(dist, name!))
    const header = /^conncalc prism code (\d+)\n/.exec(file.toString('latin1', 0, 64))
    expect(Number(header?.[1])).toBe(file.length - header![0].length)
  })

  it('a run that reads it prints the same; the code cache it writes is taken by the next run', () => {
    const dir = folder('good', (good) => good)
    expect(run(RAILS, dir)).toEqual(without.rails)
    const [written] = cacheFiles(dir)
    const bytes = readFileSync(join(dir, written))
    expect(run(OVER, dir)).toEqual(without.over)
    expect(run(RAILS, dir)).toEqual(without.rails)
    // Rejected (V8's flags at exit not those of the start), the cache would have been written again.
    expect(readFileSync(join(dir, written)).equals(bytes)).toBe(true)
  })

  it.each([
    ['truncated (V8 would read it as whole, and abort)', (good: Buffer) => good.subarray(0, good.length >> 1)],
    ['without its header', (good: Buffer) => good.subarray(good.indexOf('\n') + 1)],
    ['zeros of its length under its header', (good: Buffer) => Buffer.concat([good.subarray(0, good.indexOf('\n') + 1), Buffer.alloc(good.length - good.indexOf('\n') - 1)])],
    ['not code at all', () => Buffer.from('conncalc prism code 5\nhello')],
  ])('one %s: the same output and exit code', (label, bad) => {
    const dir = folder(label.split(' ')[0], bad)
    expect(run(RAILS, dir)).toEqual(without.rails)
    expect(run(OVER, dir)).toEqual(without.over)
  })
})

/**
 * bin/code-cache.js as bin/run.js runs it: dist/boot.cjs, with V8's code for it kept beside it in dist/
 * (bin/run.js boot()). An optimisation only: with it, without it, with one that is not V8's, or with
 * no dist/boot.cjs at all, a run prints the same and exits the same.
 */
describe("bin/code-cache.js's own code cache (dist/boot.cjs)", () => {
  // A copy of the install, so that its dist/ can be changed: bin, dist, plans, package.json, and node_modules linked.
  const install = join(work, 'boot-install')
  for (const part of ['bin', 'dist', 'plans', 'package.json']) cpSync(join(ROOT, part), join(install, part), {recursive: true})
  symlinkSync(join(ROOT, 'node_modules'), join(install, 'node_modules'))
  const dist = join(install, 'dist')
  const bootCaches = (): string[] => readdirSync(dist).filter((f) => /^boot-[0-9a-f]{16}-node.*\.cache$/.test(f))
  const clear = (): void => {
    for (const f of bootCaches()) rmSync(join(dist, f))
  }

  // As runCli runs bin/run.js, but the copy's (the bundle's code cache off unless asked: only boot's is looked at).
  const spawnIn = (args: string[], cache = join(work, 'boot-bundle-cache')) => {
    const r = spawnSync(process.execPath, ['--', join(install, 'bin', 'run.js'), ...args], {cwd: ROOT, encoding: 'utf8', env: {COLUMNS: '100', CONNCALC_CODE_CACHE: cache, CONNCALC_PARSE_CACHE: '0', NO_COLOR: '1', PATH: process.env.PATH ?? ''}, timeout: 60_000})
    return {code: r.status, stderr: r.stderr, stdout: r.stdout}
  }

  it('the build wrote dist/boot.cjs from bin/code-cache.js, named by a first line, and a cache for it made by this Node', () => {
    const boot = readFileSync(join(ROOT, 'dist', 'boot.cjs'), 'utf8')
    expect(boot).toMatch(/^\/\/ conncalc build [0-9a-f]{16}\n"use strict";/)
    // The very code of bin/code-cache.js (not a stale copy): its text less whitespace and comments, as esbuild prints it.
    const source = esbuild.transformSync(readFileSync(join(ROOT, 'bin', 'code-cache.js'), 'utf8'), {format: 'cjs', minifyWhitespace: true}).code
    expect(boot.slice(boot.indexOf('\n') + 1)).toBe(source)
    for (const name of ['loadBundle', 'directStdio', 'cacheName', 'WRAPPER']) expect(boot).toContain(name)
    expect(readdirSync(join(ROOT, 'dist')).some((f) => f.startsWith('boot-') && f.includes(`-node${process.versions.node}-`))).toBe(true)
  })

  it('missing, it is written by a run and taken by the next, which leaves it as it is; the output never changes', () => {
    clear()
    expect(spawnIn(RAILS)).toEqual(without.rails)
    const [name] = bootCaches()
    expect(name).toBeDefined()
    const written = readFileSync(join(dist, name!))
    expect(written.length).toBeGreaterThan(1000)
    expect(spawnIn(OVER)).toEqual(without.over)
    expect(readFileSync(join(dist, name!)).equals(written)).toBe(true)
    expect(readdirSync(dist).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('one that is not V8\'s code is refused and written again; the output does not change', () => {
    spawnIn(RAILS)
    const [name] = bootCaches()
    writeFileSync(join(dist, name!), 'not code at all')
    expect(spawnIn(RAILS)).toEqual(without.rails)
    const rewritten = readFileSync(join(dist, name!))
    expect(rewritten.toString('latin1')).not.toBe('not code at all')
    expect(spawnIn(OVER)).toEqual(without.over)
    expect(readFileSync(join(dist, name!)).equals(rewritten)).toBe(true)
  })

  it('with the code cache off (CONNCALC_CODE_CACHE=0) none is read or written; without dist/boot.cjs, bin/code-cache.js runs as it is', () => {
    clear()
    expect(spawnIn(RAILS, '0')).toEqual(without.rails)
    expect(bootCaches()).toEqual([])
    rmSync(join(dist, 'boot.cjs'))
    expect(spawnIn(RAILS)).toEqual(without.rails)
    expect(spawnIn(OVER)).toEqual(without.over)
    expect(bootCaches()).toEqual([])
    expect(existsSync(join(dist, 'boot.cjs'))).toBe(false)
  })
})
