/**
 * A migration a web command runs before its server (`python manage.py migrate --noinput && gunicorn …`, `npx knex
 * migrate:latest && node server.js`): it runs in every dyno as the dyno boots and exits before the server starts. Its one
 * connection (Django's migrate: MigrationExecutor on connections['default']; knex's Migrator: one transaction) is over
 * before the server opens any, so the numbers are the server's alone, and --explain says the migration's connection,
 * as it does for a Rails `rake db:migrate && puma`. The same lines without the migration give the same numbers.
 */
import {describe, expect, it} from 'vitest'

import {planJson, runCli} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

describe('a migration before the server in a web command', () => {
  it('Django: the numbers are gunicorn\'s, and --explain names manage.py migrate\'s one connection', () => {
    const {app} = tempApps('django-gunicorn-celery')
    const plain = app({'Procfile': 'web: gunicorn shop.wsgi:application --log-file -\n'})
    const migrating = app({'Procfile': 'web: python manage.py migrate --noinput && gunicorn shop.wsgi:application --log-file -\n'})
    const args = ['--plan', 'standard-0', '--scale', 'web=1:standard-1x']
    const before = planJson(`${plain}/Procfile`, args)
    const r = planJson(`${migrating}/Procfile`, args)
    expect(r.total).toBe(before.total)
    expect(r.deployPeak).toBe(before.deployPeak)
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'default', ref: expect.stringContaining('django/core/management/commands/migrate.py'), what: expect.stringContaining('`python manage.py migrate --noinput` runs before the process in every dyno as it boots')}))
    const out = runCli(['plan', '--procfile', `${migrating}/Procfile`, ...args, '--explain']).stdout
    expect(out).toContain("it holds 1 while migrating (Django's migrate runs the migrations on the one connection of the `default` database")
    expect(out).toContain('not in the total, the ceiling or the deploy peak')
  })

  it('knex: the pool is the server\'s; the note names the migrator\'s one connection', () => {
    const {app} = tempApps()
    const dir = app({
      'Procfile': 'web: npx knex migrate:latest && node server.js\n',
      'package.json': '{"name": "made-up", "dependencies": {"knex": "3.1.0", "pg": "8.11.3"}}\n',
      'server.js': "const knex = require('knex')({client: 'pg', connection: process.env.DATABASE_URL, pool: {min: 0, max: 6}})\nrequire('http').createServer((q, s) => knex.raw('select 1').then(() => s.end())).listen(process.env.PORT)\n",
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.total).toBe(6)
    expect(JSON.stringify(r.type('web').sources.processesPerDyno.via)).toContain("knex's Migrator runs the migrations one after another in one transaction")
  })

  it("Ecto: `MIX_ENV=prod mix ecto.migrate && mix phx.server` is the server's pool; the note names with_repo's pool of 2", () => {
    const {app} = tempApps()
    const files = {
      'config/config.exs': 'import Config\nconfig :kiln, ecto_repos: [Kiln.Repo]\nimport_config "#{config_env()}.exs"\n',
      'config/prod.exs': 'import Config\n',
      'config/runtime.exs': 'import Config\nif config_env() == :prod do\n  config :kiln, Kiln.Repo,\n    url: System.get_env("DATABASE_URL"),\n    pool_size: 7\nend\n',
      'mix.exs': 'defmodule Kiln.MixProject do\n  use Mix.Project\n  def project, do: [app: :kiln, deps: deps()]\n  defp deps, do: [{:phoenix, "~> 1.7"}, {:ecto_sql, "~> 3.10"}, {:postgrex, ">= 0.0.0"}]\nend\n',
      'mix.lock': '%{\n  "ecto_sql": {:hex, :ecto_sql, "3.11.1", "x", [:mix], [], "hexpm", "y"},\n  "postgrex": {:hex, :postgrex, "0.17.4", "x", [:mix], [], "hexpm", "y"},\n}\n',
    }
    const plain = app({...files, Procfile: 'web: mix phx.server\n'})
    const migrating = app({...files, Procfile: 'web: MIX_ENV=prod mix ecto.migrate && mix phx.server\n'})
    const args = ['--plan', 'standard-0', '--scale', 'web=1']
    // runtime.exs pool_size 7, one repo: 7 either way.
    expect(planJson(`${plain}/Procfile`, args).total).toBe(7)
    const r = planJson(`${migrating}/Procfile`, args)
    expect(r.total).toBe(7)
    expect(r.deployPeak).toBe(7)
    const out = runCli(['plan', '--procfile', `${migrating}/Procfile`, ...args, '--explain']).stdout
    expect(out).toContain('`mix ecto.migrate` runs before the process in every dyno as it boots, then exits: it holds 2 while migrating (mix ecto.migrate starts no application: Ecto.Migrator.with_repo starts each repo with pool_size 2')
  })
})
