import {describe, expect, it} from 'vitest'

import {analyzers} from '../../src/procfile/registry.js'
import {memoryFiles} from '../../src/model/files.js'
import {isAssumption} from '../../src/model/source.js'
import {ctxFor, fixture} from './helpers.js'

/** The analyzer the registry picks for a command, and what it finds. */
async function analyze(command: string, opts: Parameters<typeof ctxFor>[1]) {
  const ctx = ctxFor(command, opts)
  const a = analyzers.find((x) => x.matches(ctx.command, ctx))!
  return {id: a.id, ...(await a.analyze(ctx))}
}

describe('Laravel Horizon: its supervisors\' worker processes from config/horizon.php', () => {
  it('production: supervisor-1 maxProcesses 10 + supervisor-media processes env(…, 5) = 15 processes of one job each', async () => {
    const a = await analyze('php artisan horizon', {files: fixture('laravel-horizon')})
    expect(a).toMatchObject({id: 'php', server: 'horizon'})
    expect(a.processesPerDyno.value).toBe(15)
    expect(a.processesPerDyno.source).toEqual({file: 'config/horizon.php', kind: 'file', line: 40})
    expect(a.processesPerDyno.via).toEqual(expect.arrayContaining([{file: 'config/horizon.php', kind: 'file', line: 42}, {file: 'config/horizon.php', kind: 'file', line: 50}]))
    expect(isAssumption(a.processesPerDyno)).toBe(false)
    expect(a.threadsPerProcess.value).toBe(1)
  })

  it('env() is read from the env (10 + 2), and APP_ENV picks the environment (local: 3)', async () => {
    expect((await analyze('php artisan horizon', {env: {HORIZON_MEDIA_PROCESSES: '2'}, files: fixture('laravel-horizon')})).processesPerDyno.value).toBe(12)
    expect((await analyze('php artisan horizon', {env: {APP_ENV: 'local'}, files: fixture('laravel-horizon')})).processesPerDyno.value).toBe(3)
  })

  it('a processes value it cannot read is 1, labelled, with an unknown-config-value naming the line', async () => {
    const files = memoryFiles({'config/horizon.php': "<?php\nreturn [\n  'environments' => [\n    'production' => [\n      'supervisor-1' => ['maxProcesses' => (int) config('queue.workers')],\n      'supervisor-2' => ['processes' => 4],\n    ],\n  ],\n];\n"})
    const a = await analyze('php artisan horizon', {files})
    expect(a.processesPerDyno.value).toBe(5) // 1 assumed + 4
    expect(isAssumption(a.processesPerDyno)).toBe(true)
    expect(a.diagnostics).toMatchObject([{code: 'unknown-config-value', file: 'config/horizon.php', line: 5}])
  })

  it('no config/horizon.php: one worker process, an assumption', async () => {
    const a = await analyze('php artisan horizon', {files: memoryFiles({})})
    expect(a.processesPerDyno.value).toBe(1)
    expect(isAssumption(a.processesPerDyno)).toBe(true)
  })
})

describe('framework console workers and clocks', () => {
  it('php artisan schedule:work / schedule:daemon, queue:work after php options, Symfony messenger:consume: one process, one connection', async () => {
    for (const [command, server] of [
      ['php artisan schedule:work', 'artisan-schedule'],
      ['php artisan schedule:daemon', 'artisan-schedule'],
      ['php -d memory_limit=512M artisan queue:work --tries=3', 'artisan-queue'],
      ['php -d memory_limit=1G bin/console messenger:consume async --limit=50', 'symfony-messenger'],
    ]) {
      const a = await analyze(command, {files: memoryFiles({})})
      expect([command, a.server, a.processesPerDyno.value, a.threadsPerProcess.value]).toEqual([command, server, 1, 1])
    }
  })

  it("php -S (PHP's built-in web server): one single-threaded process, or PHP_CLI_SERVER_WORKERS workers; one connection each", async () => {
    const a = await analyze('php -S 0.0.0.0:$PORT -t public/ -c public/.user.ini', {files: memoryFiles({})})
    expect(a).toMatchObject({id: 'php', server: 'php-builtin-server'})
    expect([a.processesPerDyno.value, a.threadsPerProcess.value]).toEqual([1, 1])
    expect(isAssumption(a.processesPerDyno)).toBe(false)
    const workers = await analyze('php -S0.0.0.0:8080 router.php', {env: {PHP_CLI_SERVER_WORKERS: '4'}, files: memoryFiles({})})
    expect([workers.server, workers.processesPerDyno.value, workers.threadsPerProcess.value]).toEqual(['php-builtin-server', 4, 1])
    expect(workers.processesPerDyno.source).toMatchObject({kind: 'env', name: 'PHP_CLI_SERVER_WORKERS'})
  })

  it('rails runner: a Rails process with the app loaded, its threads an assumption', async () => {
    const a = await analyze('bundle exec rails runner bin/threaded.rb', {files: memoryFiles({'bin/threaded.rb': 'Thread.new { loop { Agent.run } }\n'})})
    expect(a).toMatchObject({id: 'rails-process', language: 'ruby', server: 'rails-runner'})
    expect(a.processesPerDyno.value).toBe(1)
    expect(isAssumption(a.processesPerDyno)).toBe(false)
    expect(isAssumption(a.threadsPerProcess)).toBe(true)
  })

  it('clockwork: one process, one thread; the app is loaded when the clock file requires config/environment', async () => {
    const loads = await analyze('bundle exec clockwork config/clock.rb', {files: memoryFiles({'config/clock.rb': "require 'clockwork'\nrequire_relative './boot'\nrequire_relative './environment'\n\nmodule Clockwork\n  every(1.day, 'digest') { DigestJob.perform_later }\nend\n"})})
    expect(loads).toMatchObject({language: 'ruby', server: 'clockwork'})
    expect([loads.processesPerDyno.value, loads.threadsPerProcess.value, isAssumption(loads.threadsPerProcess)]).toEqual([1, 1, false])
    const unsure = await analyze('bundle exec clockwork lib/clock.rb', {files: memoryFiles({'lib/clock.rb': "require 'clockwork'\nrequire_relative 'jobs'\n"})})
    expect(isAssumption(unsure.threadsPerProcess)).toBe(true)
  })

  it('Redis, a log tail and asset watchers hold no PostgreSQL connection: 0, with the reason', async () => {
    for (const command of ['redis-server ./config/redis.conf', 'tail -f log/development.log', 'bin/rails tailwindcss:watch', 'bin/rails dartsass:watch', './bin/webpack-dev-server', 'bin/webpack']) {
      const a = await analyze(command, {files: memoryFiles({})})
      expect([command, a.id, a.threadsPerProcess.value, isAssumption(a.threadsPerProcess)]).toEqual([command, 'no-database', 0, false])
    }

    // Search servers, MongoDB and RabbitMQ started by a Procfile line are servers of their own, not PostgreSQL clients.
    for (const command of ['elasticsearch -f -D es.config=config/elasticsearch.yml', '/opt/opensearch/bin/opensearch', 'meilisearch --db-path ./data.ms', 'typesense-server --data-dir /tmp/ts', 'mongod --dbpath ./db', 'rabbitmq-server']) {
      const a = await analyze(command, {files: memoryFiles({})})
      expect([command, a.id, a.threadsPerProcess.value, isAssumption(a.threadsPerProcess)]).toEqual([command, 'no-database', 0, false])
    }

    // Development mail catchers (hitobito's and transitland-datastore's Procfiles): SMTP servers with stores of their own.
    for (const command of ['mailcatcher -f --smtp-port 2025', 'bundle exec mailcatcher --foreground', 'mailhog', 'MailHog -smtp-bind-addr 0.0.0.0:1025', 'mailpit --smtp 0.0.0.0:1025', 'maildev --smtp 1025']) {
      const a = await analyze(command, {files: memoryFiles({})})
      expect([command, a.id, a.threadsPerProcess.value, isAssumption(a.threadsPerProcess)]).toEqual([command, 'no-database', 0, false])
    }

    // An interactive shell as a process type (kept for `heroku run console`): no terminal in the dyno, so it reads the end
    // of its input and exits, before ActiveRecord connects (it connects on the first query).
    for (const command of ['bin/rails console', 'rails c', 'irb', 'pry']) {
      const a = await analyze(command, {files: memoryFiles({})})
      expect([command, a.id, a.threadsPerProcess.value, isAssumption(a.threadsPerProcess)]).toEqual([command, 'no-database', 0, false])
    }

    // resque-scheduler only pushes due jobs to Redis; the Resque workers run them.
    for (const command of ['bundle exec rake resque:scheduler', 'rake environment resque:scheduler', 'bin/rails resque:scheduler DYNAMIC_SCHEDULE=true']) {
      const a = await analyze(command, {files: memoryFiles({})})
      expect([command, a.id, a.threadsPerProcess.value, isAssumption(a.threadsPerProcess)]).toEqual([command, 'no-database', 0, false])
    }

    // `tail` without -f ends at once, and `bin/rails server` serves requests: not here.
    expect((await analyze('tail log/production.log', {files: memoryFiles({})})).id).toBe('unknown')
    expect((await analyze('bin/rails server', {files: memoryFiles({})})).id).toBe('puma')
  })
})
