/**
 * Hanami's own CLI for process types other than the server (usetrmnl/byos_hanami's Procfile shape):
 * `hanami assets compile|watch` builds assets through npm (hanami-cli assets/compile.rb, watch.rb) and
 * opens no database connection; `hanami db migrate` works on one connection of the app's database and
 * exits. Fixture hanami2-server/Procfile.cli: Hanami 2.2, Sequel 5.87 with no max_connections (its
 * default 4), config/puma.rb threads HANAMI_MAX_THREADS‖3, single mode.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('hanami2-server/Procfile.cli'), ['--plan', 'standard-0', '--scale', 'web=1,assets=1,migrate=1'])

describe('hanami assets / hanami db as process types', () => {
  it('assets: 0 (was an unknown command, 1*); migrate: one connection, min(4, 1) = 1 (was 1*); web: min(4, 3) = 3; total 4', () => {
    const r = plan()
    expect(r.type('assets')).toMatchObject({connections: 0, server: 'hanami'})
    expect(JSON.stringify(r.type('assets').sources.threadsPerProcess)).toContain('`hanami assets watch` rebuilds assets when files change; it opens no PostgreSQL connection')
    expect(r.type('migrate')).toMatchObject({connections: 1, poolPerProcess: 4, server: 'hanami-db', threadsPerProcess: 1})
    expect(r.type('migrate').sources.threadsPerProcess.source.kind).toBe('default')
    expect(r.type('web').connections).toBe(3)
    expect(r.codes).not.toContain('unknown-command')
    expect(r.total).toBe(4)
  })
})
