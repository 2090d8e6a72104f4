/**
 * A config call whose arguments come from a splatted array: `threads *(ENV["PUMA_THREADS"] || "0,5").split(",")` is
 * `threads "0", "5"` (Ruby passes an array's elements as the arguments, in order; Puma's DSL takes Integer(min),
 * Integer(max)). The app (test/fixtures/rake-loop-parent, database.yml pool 8), Puma cluster of 2 workers:
 * 2 × min(8, max threads).
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rake-loop-parent')
const web = (puma: string, env: string[] = []) =>
  planJson(`${app({'config/puma.rb': puma, Procfile: 'web: bundle exec puma -C config/puma.rb\n'})}/Procfile`, ['--scale', 'web=1', ...env.flatMap((e) => ['--env', e])]).type('web')

describe('splatted arguments in a Puma config', () => {
  it('threads *(ENV["PUMA_THREADS"] || "0,5").split(","): max 5 → 2 × min(8, 5) = 10; PUMA_THREADS=2,12 → 2 × min(8, 12) = 16', () => {
    const puma = 'workers 2\nthreads *(ENV["PUMA_THREADS"] || "0,5").split(",")\n'
    const row = web(puma)
    expect(row).toMatchObject({connectionsPerDyno: 10, threadsPerProcess: 5})
    expect(row.sources.threadsPerProcess.source).toMatchObject({file: 'config/puma.rb', kind: 'file', line: 2})
    expect(web(puma, ['PUMA_THREADS=2,12'])).toMatchObject({connectionsPerDyno: 16, threadsPerProcess: 12})
  })

  it('a local array splatted (`counts = [1, 3]; threads(*counts)`) reads the same; an array conncalc cannot read stays an assumption', () => {
    expect(web('workers 2\ncounts = [1, 3]\nthreads(*counts)\n')).toMatchObject({connectionsPerDyno: 6, threadsPerProcess: 3})
    const unread = web('workers 2\nthreads(*ThreadPlan.counts)\n')
    expect(unread.sources.threadsPerProcess.source.kind === 'assumed' || JSON.stringify(unread.sources.threadsPerProcess).includes('assumed')).toBe(true)
  })
})
