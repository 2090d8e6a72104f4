import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

// Ruby shapes found in the real-app corpus (session 5), each in a fixture of our own.
// Plan standard-0 (limit 120), one dyno of each type.
const plan = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', ...args])

describe('Ruby shapes from the real-app corpus', () => {
  it('`cd backend && bundle exec …`: the versions are backend/Gemfile.lock\'s, where Bundler finds the Gemfile', () => {
    // backend/Gemfile.lock pins sidekiq 6.5.12: default concurrency 10 (Sidekiq 5.2.0 "Decrease default
    // concurrency from 25 to 10"; 7.0 lowered it to 5). Pool 10 (backend/config/database.yml:4):
    // 1 process × min(10, 10) = 10. Without that lock file the version would be unknown and 5 assumed.
    const r = plan('rails-monorepo-backend', ['--scale', 'web=1,worker=1'])
    expect(r.type('worker')).toMatchObject({connections: 10, poolPerProcess: 10, processesPerDyno: 1, server: 'sidekiq', threadsPerProcess: 10, versions: {sidekiq: '6.5.12'}})
    expect(r.type('worker').sources.threadsPerProcess.source).toMatchObject({kind: 'default', what: 'Sidekiq 6.5.12 default concurrency'})
    // web: Puma 6.4.2, workers 2 (puma.rb:6) × min(pool 10, threads 5) = 10.
    expect(r.type('web')).toMatchObject({connections: 10, processesPerDyno: 2, threadsPerProcess: 5, versions: {puma: '6.4.2'}})
  })
})
