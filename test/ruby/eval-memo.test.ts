import {describe, expect, it} from 'vitest'

import {analyzeApp} from '../../src/app/analyze-app.js'
import {evaluateOnce, type EvalInputs} from '../../src/languages/ruby/eval-memo.js'
import {Env, layer} from '../../src/model/env.js'
import {memoryFiles} from '../../src/model/files.js'
import {describeSourced, fromDefault, fromEnv, sourced} from '../../src/model/source.js'

const LOCK = 'GEM\n  remote: https://rubygems.org/\n  specs:\n    activerecord (7.2.1)\n    pg (1.5.8)\n    puma (6.4.3)\n    rails (7.2.1)\n    sidekiq (7.3.0)\n\nPLATFORMS\n  ruby\n'

/** One app, several process types: they share the app's file reader, where evaluations are kept. */
async function plan(procfile: string, files: Record<string, string>) {
  const app = await analyzeApp({envLayers: [], files: memoryFiles({'Gemfile.lock': LOCK, ...files}), formation: new Map(), procfile: {path: 'Procfile', text: procfile}})
  return new Map(app.processes.map((p) => [p.name, p]))
}

describe('one evaluation of a config file per distinct answer (eval-memo)', () => {
  it('database.yml reading RAILS_MAX_THREADS: each Procfile line its own pool and source; equal lines equal numbers', async () => {
    const types = await plan(
      // The pool is RAILS_MAX_THREADS where the line sets it, else the ERB default 5 (database.yml:3).
      'a: RAILS_MAX_THREADS=8 bundle exec puma\nb: RAILS_MAX_THREADS=3 bundle exec puma\nc: bundle exec puma\nd: bundle exec puma\ne: RAILS_MAX_THREADS=8 bundle exec puma\n',
      {'config/database.yml': 'production:\n  adapter: postgresql\n  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>\n'},
    )
    const pool = (t: string) => describeSourced(types.get(t)!.pools[0].pool)
    expect([...types.keys()].map((t) => types.get(t)!.pools[0].pool.value)).toEqual([8, 3, 5, 5, 8])
    expect(pool('a')).toBe('config/database.yml:3 ← RAILS_MAX_THREADS from Procfile:1')
    expect(pool('b')).toBe('config/database.yml:3 ← RAILS_MAX_THREADS from Procfile:2')
    expect(pool('c')).toBe('config/database.yml:3')
    expect(pool('d')).toBe('config/database.yml:3')
    // Same value as line 1, but set on line 5: its own source, not line 1's.
    expect(pool('e')).toBe('config/database.yml:3 ← RAILS_MAX_THREADS from Procfile:5')
  })

  it('database.yml deciding on DYNO: web.1 and worker.1 read different branches', async () => {
    const types = await plan('web: bundle exec puma\nworker: bundle exec puma\nweb2: bundle exec puma\n', {
      // Heroku sets DYNO to `<type>.1` in each type's first dyno: only `web` takes the first branch.
      'config/database.yml': 'production:\n  adapter: postgresql\n<% if ENV["DYNO"] == "web.1" %>\n  pool: 12\n<% else %>\n  pool: 2\n<% end %>\n',
    })
    expect(types.get('web')!.pools[0].pool.value).toBe(12)
    expect(types.get('worker')!.pools[0].pool.value).toBe(2)
    expect(types.get('web2')!.pools[0].pool.value).toBe(2)
  })

  it('database.yml asking Sidekiq.server?: the sidekiq type and the puma types differ, whatever order they come in', async () => {
    const files = {'config/database.yml': 'production:\n  adapter: postgresql\n  pool: <%= Sidekiq.server? ? 25 : 4 %>\n'}
    for (const procfile of ['web: bundle exec puma\nworker: bundle exec sidekiq\napi: bundle exec puma\n', 'worker: bundle exec sidekiq\nweb: bundle exec puma\napi: bundle exec puma\n']) {
      const types = await plan(procfile, files)
      expect([types.get('web')!.pools[0].pool.value, types.get('worker')!.pools[0].pool.value, types.get('api')!.pools[0].pool.value]).toEqual([4, 25, 4])
    }
  })

  it('config/puma.rb reading an env var set on the Procfile line: each type its own threads', async () => {
    const types = await plan('a: PUMA_THREADS=2 bundle exec puma -C config/puma.rb\nb: PUMA_THREADS=9 bundle exec puma -C config/puma.rb\nc: bundle exec puma -C config/puma.rb\n', {
      'config/puma.rb': 'threads 1, ENV.fetch("PUMA_THREADS", 6)\n',
    })
    expect([...types.values()].map((p) => p.threadsPerProcess.value)).toEqual([2, 9, 6])
    expect(describeSourced(types.get('b')!.threadsPerProcess)).toBe('config/puma.rb:1 ← PUMA_THREADS from Procfile:2')
  })
})

describe('evaluateOnce', () => {
  const entry = (name: string, value: string, from: string) => ({name, source: fromEnv(name, from), value})
  const inputs = (vars: ReturnType<typeof entry>[], server = false): EvalInputs => ({
    appEnv: 'production',
    env: new Env([layer('test', vars)]),
    knownCalls: new Map([['Sidekiq.server?', sourced(server, fromDefault(`Sidekiq.server? ${server}`, 'https://example.com'))]]),
  })
  const file = {path: 'config/x.rb', text: 'x'}

  it('runs again when an answer it read differs, and not when every answer is equal', async () => {
    const scope = {}
    let runs = 0
    const run = async (i: EvalInputs) => (runs++, `${i.env.get('A')?.value}/${i.knownCalls?.get('Sidekiq.server?')?.value}`)
    expect(await evaluateOnce(scope, 'ruby', file, inputs([entry('A', '1', '.env:1')]), run)).toBe('1/false')
    // Equal in value and source, made again, another variable beside it that was never read: reused.
    expect(await evaluateOnce(scope, 'ruby', file, inputs([entry('A', '1', '.env:1'), entry('B', '2', '.env:2')]), run)).toBe('1/false')
    expect(runs).toBe(1)
    // Same value, another source; another value; unset; another answer to Sidekiq.server?: each runs.
    expect(await evaluateOnce(scope, 'ruby', file, inputs([entry('A', '1', '.env:7')]), run)).toBe('1/false')
    expect(await evaluateOnce(scope, 'ruby', file, inputs([entry('A', '2', '.env:1')]), run)).toBe('2/false')
    expect(await evaluateOnce(scope, 'ruby', file, inputs([]), run)).toBe('undefined/false')
    expect(await evaluateOnce(scope, 'ruby', file, inputs([entry('A', '1', '.env:1')], true), run)).toBe('1/true')
    expect(runs).toBe(5)
    // Another text, another app environment, another scope, no scope: each runs.
    await evaluateOnce(scope, 'ruby', {...file, text: 'y'}, inputs([entry('A', '1', '.env:1')]), run)
    await evaluateOnce(scope, 'ruby', file, {...inputs([entry('A', '1', '.env:1')]), appEnv: 'staging'}, run)
    await evaluateOnce({}, 'ruby', file, inputs([entry('A', '1', '.env:1')]), run)
    await evaluateOnce(undefined, 'ruby', file, inputs([entry('A', '1', '.env:1')]), run)
    expect(runs).toBe(9)
  })

  it('never reuses an evaluation that read every variable name', async () => {
    const scope = {}
    let runs = 0
    const run = async (i: EvalInputs) => (runs++, i.env.names().join(','))
    expect(await evaluateOnce(scope, 'ruby', file, inputs([entry('A', '1', '.env:1')]), run)).toBe('A')
    expect(await evaluateOnce(scope, 'ruby', file, inputs([entry('A', '1', '.env:1'), entry('B', '2', '.env:2')]), run)).toBe('A,B')
    expect(runs).toBe(2)
  })
})
