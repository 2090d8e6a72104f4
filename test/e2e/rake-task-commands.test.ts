/**
 * A Procfile line that runs a Rake task of the app whose actions run another command (Fly.io's Rails
 * template: `task server: :swapfile do sh 'bin/rails server' end`): that command is the process, found
 * as Rake runs the task (prerequisites first, each once, then the actions in order; `sh`/`system`
 * wait, `exec` replaces rake), with the rake file's line in --explain (test/fixtures/rake-task-commands).
 *
 * The app: config/puma.rb `workers 2`, `threads 4, 4` (PUMA_MAX_THREADS unset → 4); database.yml pool 10.
 * Puma: 2 workers × min(10, 4) = 8 (ActiveRecord 7.1 empties the preloading master's pool after boot).
 * Sidekiq `-c N`: one process × min(10, N).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('rake-task-commands'), ['--plan', 'standard-0'])
const RAKE = 'https://github.com/ruby/rake/blob/master/lib/rake/task.rb'
const why = (row: ReturnType<ReturnType<typeof plan>['type']>): string => JSON.stringify(row.sources.processesPerDyno.via?.find((s) => JSON.stringify(s).includes(RAKE)) ?? null)

describe('rake TASK / rails ns:task runs the command its actions hand to the shell', () => {
  it('web: `bin/rails platform:web` → prerequisite platform:prepare, then sh "bin/rails server -p #{ENV.fetch(...)}": Puma 2 × 4 = 8', () => {
    const web = plan().type('web')
    expect(web).toMatchObject({connectionsPerDyno: 8, processesPerDyno: 2, server: 'puma', threadsPerProcess: 4})
    const note = why(web)
    expect(note).toContain('runs the Rake task platform:web (lib/tasks/platform.rake:10), which runs `bin/rails server -p ${PORT-3000}` (lib/tasks/platform.rake:11)')
    // The prerequisite's commands ran to the end before the server started.
    expect(note).toContain('after `mkdir -p tmp/pids` (lib/tasks/platform.rake:5), `echo prepared` (lib/tasks/platform.rake:6), which finished first; the rake process waits for it')
  })

  it('a nested namespace, `=> "ns:task"` prerequisites, Bundler.with_unbundled_env, Rake::Task[...].invoke and exec', () => {
    const r = plan()
    // platform:jobs:start: system "bundle exec sidekiq -c 7" inside with_unbundled_env → min(10, 7) = 7.
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 7, server: 'sidekiq', threadsPerProcess: 7})
    expect(why(r.type('worker'))).toContain('which runs `bundle exec sidekiq -c 7` (lib/tasks/platform.rake:19)')
    // boot: Rake::Task["platform:web"].invoke → the same Puma as web: 8.
    expect(r.type('boot')).toMatchObject({connectionsPerDyno: 8, server: 'puma'})
    // replace: exec "bundle", "exec", "sidekiq", "-c", "3" → min(10, 3) = 3; the sh after it never runs.
    expect(r.type('replace')).toMatchObject({connectionsPerDyno: 3, server: 'sidekiq'})
    expect(why(r.type('replace'))).toContain('which runs `bundle exec sidekiq -c 3` (lib/tasks/ops/more.rake:14); exec replaces the rake process with it')
  })

  it('a command built by code, or run under a condition, is an unknown command that says where; a task that runs no command stays a task', () => {
    const r = plan()
    const unknown = r.diagnostics.filter((d) => d.code === 'unknown-command')
    expect(unknown.map((d) => d.processType).sort()).toEqual(['consume', 'drain', 'maybe', 'opaque', 'sweep'])
    expect(unknown.find((d) => d.processType === 'opaque')?.message).toContain('lib/tasks/ops/more.rake:6: `sh ServerCommand.build` runs a command conncalc does not read')
    expect(unknown.find((d) => d.processType === 'maybe')?.message).toContain('lib/tasks/ops/more.rake:10: `bundle exec puma -C config/puma.rb` runs only under a condition or in a loop conncalc does not decide')
    // What runs is not known: the task is the one Ruby process it is, 1 thread on the app's pool (10), starred: min(10, 1) = 1.
    expect(r.type('opaque')).toMatchObject({connections: 1, poolPerProcess: 10, server: 'rake', threadsPerProcess: 1})
    expect(r.type('opaque').sources.threadsPerProcess.source.kind).toBe('assumed')
    // release: `task release: "db:migrate"` runs no command: Rails' migration (ActiveRecord 7.1.4), the migration's
    // connection and the Migrator's advisory-lock connection, 2 in the deploy peak (test/e2e/release-rake-task-migrates).
    expect(r.type('release')).toMatchObject({connectionsPerDyno: 2, server: 'release'})
    expect(r.type('release').extras.map((x) => x.kind)).toEqual(['migration-advisory-lock'])
    // 8 + 7 + 8 + 1 + 1 + 3 + 3 (both) + 10 (drain) + 10 (sweep) + 10 (consume) = 61; the release counts in the deploy
    // peak only (63).
    expect(r.total).toBe(61)
    expect(r.deployPeak).toBe(63)
  })

  it('a Rakefile that imports Dir.glob("ops/*.rake"); `if Process.fork` runs both branches at once; a task that starts a thread pool is bounded by the pool', () => {
    const r = plan()
    // ops:both: the parent's sh "bundle exec sidekiq -c 2" → min(10, 2) = 2, the child's clockwork (clock.rb requires
    // config/environment) beside it → 1; 2 + 1 = 3.
    expect(r.type('both')).toMatchObject({connectionsPerDyno: 3, extraPerDyno: 1, server: 'sidekiq', threadsPerProcess: 2})
    expect(why(r.type('both'))).toContain('which runs `bundle exec sidekiq -c 2` (ops/extra.rake:5) and `bundle exec clockwork clock.rb` (ops/extra.rake:7) beside it')
    // ops:drain runs no command but starts Concurrent::FixedThreadPool (DRAIN_THREADS, 20): each thread may check out a
    // connection, so the pool (10) bounds it: 10, labelled.
    const drain = r.type('drain')
    expect(drain).toMatchObject({connectionsPerDyno: 10, server: 'rake', threadsPerProcess: 10})
    expect(drain.sources.threadsPerProcess.source.kind).toBe('assumed')
    expect(r.diagnostics.find((d) => d.processType === 'drain')?.message).toContain('the task (ops/extra.rake:13) starts threads (Concurrent::FixedThreadPool.new at ops/extra.rake:14)')
    // ops:sweep starts a rufus-scheduler, whose jobs each run on a work thread of its own (up to 28): bounded by the pool
    // (10), labelled, as drain (it was 1*, the task's own thread; codeforamerica/drai's bin/scheduler shape in a task).
    expect(r.type('sweep')).toMatchObject({connectionsPerDyno: 10, server: 'rake', threadsPerProcess: 10})
    expect(r.type('sweep').sources.threadsPerProcess.source.kind).toBe('assumed')
    expect(r.diagnostics.find((d) => d.processType === 'sweep')?.message).toContain('the task (ops/extra.rake:21) starts threads (Rufus::Scheduler.new at ops/extra.rake:22)')
    // ops:consume forks workers through a process manager (`manager.fork("worker") { … }`, mnemosyne-mon/mnemosyne-server's
    // consumer task with the forked gem): how many children and threads is not counted, so the pool (10) bounds it, labelled
    // (it was 1*, the task's own thread).
    expect(r.type('consume')).toMatchObject({connectionsPerDyno: 10, server: 'rake', threadsPerProcess: 10})
    expect(r.type('consume').sources.threadsPerProcess.source.kind).toBe('assumed')
    expect(r.diagnostics.find((d) => d.processType === 'consume')?.message).toContain('manager.fork (a child process for its block, started by manager) at ops/extra.rake:32')
  })
})

describe('a task whose command cannot be read, in an app on another database', () => {
  it('is the Ruby process it is, on the app\'s MySQL pool: 0 on the plan (was an unknown command, 1*; test/fixtures/rake-task-mysql)', () => {
    // `exec "#{SearchIndex.daemon_path} …"`: what runs is not read; the rake process loads the app, whose only database
    // is MySQL (database.yml adapter mysql2): nothing on the PostgreSQL plan, as for the web type.
    const r = planJson(procfileOf('rake-task-mysql'), ['--plan', 'standard-0'])
    expect(r.type('search')).toMatchObject({connections: 0, server: 'rake'})
    expect(r.codes).toContain('not-postgresql')
    expect(r.total).toBe(0)
  })
})
