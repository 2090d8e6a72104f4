/**
 * A Hanami 2.2 app's Puma config that preloads and calls `Hanami.shutdown` in before_fork (bkuhlmann/hemo): Hanami.shutdown
 * stops every started provider, and hanami-db's :db provider stops by disconnecting its ROM container
 * (hanami/hanami v2.2.1 lib/hanami/providers/db.rb `def stop; target["db.rom"].disconnect; end`), closing the Sequel pool the
 * master opened while booting. Before, the call was unread: the master was counted keeping a connection (+1 in the
 * ceiling) and warned. Fixture hanami2-server (made up): Hanami 2.2.1 + hanami-db, Sequel's default pool of 4.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const PUMA = (hook: string) => `threads 3, 3\nworkers 2\npreload_app!\n\nbefore_fork do\n  ${hook}\nend\n`

describe('Hanami.shutdown in a preloading Puma master\'s before_fork', () => {
  const temp = tempApps('hanami2-server')
  const run = (files: Record<string, string>) => planJson(`${temp.app({Procfile: 'web: bundle exec puma -C config/puma.rb\n', ...files})}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1'])

  it('with hanami-db: a disconnect, so the master keeps nothing: 2 × min(4, 3) = 6, ceiling 2 × 4 = 8, no warning', () => {
    const r = run({'config/puma.rb': PUMA('Hanami.shutdown')})
    expect(r.type('web')).toMatchObject({ceiling: 8, connections: 6})
    expect(r.type('web').fork).toMatchObject({disconnect: {file: 'config/puma.rb', hook: 'before_fork', line: 5}})
    expect(r.codes).not.toContain('fork-disconnect-missing')
  })

  it('Hanami.app.shutdown is the same', () => {
    expect(run({'config/puma.rb': PUMA('Hanami.app.shutdown')}).type('web').connections).toBe(6)
  })

  it('another call in before_fork leaves the master\'s kept connection (shared with a child) in the ceiling: 8 + 1 = 9, warned', () => {
    const r = run({'config/puma.rb': PUMA('Hanami.logger.info("forking")')})
    expect(r.type('web')).toMatchObject({ceiling: 9, connections: 6})
    expect(r.codes).toContain('fork-disconnect-missing')
  })
})
