/**
 * `release: bundle exec rake db:migrate` in an app whose Gemfile.lock has no ActiveRecord (a Hanami/ROM or Sequel app:
 * rom-sql's rom/sql/rake_task defines db:migrate, run by Sequel::Migrator on one connection, no advisory lock unless
 * asked). Only ActiveRecord's Migrator (6.0+) takes its advisory lock on a connection of its own: here the release holds
 * 1, not 2. With ActiveRecord 7.1 in the lock the same command holds 2.
 *
 * App (temp): Gemfile.lock with rom-sql 3.6.2, sequel 5.80.0, pg, puma; Rakefile requiring rom/sql/rake_task.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const lock = (extra: string) => `GEM
  remote: https://rubygems.org/
  specs:
${extra}    nio4r (2.7.0)
    pg (1.5.6)
    puma (6.4.2)
      nio4r (~> 2.0)
    rom-sql (3.6.2)
      sequel (>= 4.49)
    sequel (5.80.0)

PLATFORMS
  ruby

DEPENDENCIES
  pg
  puma
  rom-sql
`
const files = {
  'Gemfile': "source 'https://rubygems.org'\ngem 'pg'\ngem 'puma'\ngem 'rom-sql'\n",
  'Gemfile.lock': lock(''),
  Procfile: 'release: bundle exec rake db:migrate\nweb: bundle exec puma -t 4:4 -p $PORT\n',
  Rakefile: 'require "rom/sql/rake_task"\n\nnamespace :db do\n  task :setup do\n    ROM::SQL::RakeSupport.env = ROM::Configuration.new(:sql, ENV.fetch("DATABASE_URL"))\n  end\nend\n',
}
const args = ['--plan', 'standard-0', '--scale', 'web=1']

describe('db:migrate with no ActiveRecord in the bundle', () => {
  it('the release holds 1 connection: no advisory-lock connection beside it, nothing starred', () => {
    const r = planJson(join(app(files), 'Procfile'), args)
    const release = r.type('release')
    expect(release.connections).toBe(1)
    expect(release.extras.map((x) => x.kind)).not.toContain('migration-advisory-lock')
    expect(JSON.stringify(release.sources)).not.toContain('ActiveRecord 6.0 or later assumed')
  })

  it('with ActiveRecord 7.1 in Gemfile.lock the same command holds 2 (the Migrator locks on its own connection)', () => {
    const r = planJson(join(app({...files, 'Gemfile.lock': lock('    activerecord (7.1.3)\n')}), 'Procfile'), args)
    const release = r.type('release')
    expect(release.connections).toBe(2)
    expect(release.extras.map((x) => x.kind)).toContain('migration-advisory-lock')
  })
})
