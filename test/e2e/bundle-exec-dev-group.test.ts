/**
 * `bundle exec guard` in a Procfile when the Gemfile declares guard only in the development group: Heroku's Ruby
 * buildpack installs with BUNDLE_WITHOUT "development:test" (heroku-buildpack-ruby lib/language_pack/ruby.rb), so the
 * gem is not installed and Bundler stops with "bundler: command not found: guard"; the process exits at start. Said
 * as an error at the Procfile line, the number left as if it ran and starred (as for a gem the lock lacks:
 * e2e/bundle-exec-missing-gem). Not said when the groups are installed (BUNDLE_WITHOUT set otherwise), when an
 * installed gem depends on it, or when an image is built instead (heroku.yml).
 *
 * A type run in an image (`--procfile Dockerfile`) installs what the Dockerfile says: Bundler's own default is every
 * group, so with no BUNDLE_WITHOUT in the image's env nothing is said (sul-dlss/sdr-api: `RUN bundle config set without
 * 'production'` then `bundle install`, puma in `group :development`, was a false error and exit 1); an image that sets
 * `ENV BUNDLE_WITHOUT="development"` (Rails' generated Dockerfile) leaves it out, said as before.
 *
 * App (temp): Rails 7.1, puma -t 5:5 (5), `guard: bundle exec guard` (unknown program: 1*), guard and guard-livereload
 * (which depends on guard) in `group :development`. By hand: web 5; guard exits at start (0; counted 1* as if it ran).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const lock = (extra = '') => `GEM
  remote: https://rubygems.org/
  specs:
    activerecord (7.1.3)
    guard (2.18.1)
      listen (>= 2.7, < 4.0)
    guard-livereload (2.5.2)
      guard (~> 2.8)
    listen (3.9.0)
    pg (1.5.6)
    puma (6.4.2)
    rails (7.1.3)
      activerecord (= 7.1.3)
      railties (= 7.1.3)
    railties (7.1.3)
${extra}
PLATFORMS
  ruby

DEPENDENCIES
  guard
  guard-livereload
  pg
  puma
  rails (~> 7.1.3)
`
const gemfile = (extra = '') => `source 'https://rubygems.org'\ngem 'rails', '~> 7.1.3'\ngem 'pg'\ngem 'puma'\n${extra}\ngroup :development do\n  gem 'guard'\n  gem 'guard-livereload'\nend\n`
const files = {
  'Gemfile': gemfile(),
  'Gemfile.lock': lock(),
  Procfile: 'web: bundle exec puma -t 5:5 -p $PORT\nguard: bundle exec guard\n',
  'config/database.yml': 'production:\n  adapter: postgresql\n  url: <%= ENV["DATABASE_URL"] %>\n  pool: 5\n',
}
const run = (over: Record<string, string> = {}, env: string[] = []) => planJson(join(app({...files, ...over}), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1', 'guard=1', ...env.flatMap((e) => ['--env', e])])
const devGroupError = (r: ReturnType<typeof run>) => r.diagnostics.find((d) => d.code === 'missing-config' && d.processType === 'guard')

describe('bundle exec of a gem only in the development group', () => {
  it('an error at Procfile:2 (exit 1), guard counted as if it ran and starred; web 5 unaffected', () => {
    const r = run()
    expect(r.exit).toBe(1)
    expect(devGroupError(r)).toMatchObject({file: 'Procfile', line: 2, severity: 'error'})
    expect(devGroupError(r)?.message).toContain('the Gemfile puts guard only in the development group, which Bundler installs without on the platform (BUNDLE_WITHOUT "development:test")')
    expect(r.type('guard').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('so `bundle exec guard` stops at start; counted as if it ran')}))
    expect([r.type('web').connections, r.type('guard').connections]).toEqual([5, 1])
  })

  it('not said when the group is installed (BUNDLE_WITHOUT=test), when a default-group gem brings guard, or under heroku.yml', () => {
    expect(devGroupError(run({}, ['BUNDLE_WITHOUT=test']))).toBeUndefined()
    // guard-shell in the default group depends on guard: guard is installed.
    const brought = run({'Gemfile': gemfile("gem 'guard-shell'"), 'Gemfile.lock': lock('    guard-shell (0.7.2)\n      guard (>= 2.0.0)\n')})
    expect(devGroupError(brought)).toBeUndefined()
    expect(devGroupError(run({'heroku.yml': 'build:\n  docker:\n    web: Dockerfile\n'}))).toBeUndefined()
  })

  it('in an image, judged by the image\'s BUNDLE_WITHOUT only', () => {
    const image = (env: string) => planJson(join(app({...files, Dockerfile: `FROM ruby:3.3\nWORKDIR /app\nCOPY . .\n${env}RUN bundle config set without 'production' && bundle install\nCMD ["bundle", "exec", "guard"]\n`}), 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1'])
    const all = image('')
    expect(all.exit).toBe(0)
    expect(all.diagnostics.filter((d) => d.code === 'missing-config' && d.severity === 'error')).toEqual([])
    const left = image('ENV BUNDLE_WITHOUT="development"\n')
    expect(left.exit).toBe(1)
    expect(left.diagnostics.find((d) => d.code === 'missing-config' && d.severity === 'error')?.message).toContain('the Gemfile puts guard only in the development group, which Bundler installs without in the image (BUNDLE_WITHOUT "development")')
  })
})
