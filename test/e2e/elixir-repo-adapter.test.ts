/**
 * An Ecto repo's adapter says which database it opens (`use Ecto.Repo, otp_app: :app, adapter: Ecto.Adapters.SQLite3`;
 * Ecto 2's `adapter:` in the repo's config): only Ecto.Adapters.Postgres connects to PostgreSQL (ecto_sql ships Postgres,
 * MyXQL and Tds; ecto_sqlite3 SQLite3). A repo on another adapter is said (not-postgresql, at the adapter's line) and not
 * counted: before, every configured repo was counted on the plan.
 *
 * Made-up Phoenix apps. Ledger: Ledger.Repo (Postgres, pool_size 6) and Ledger.Archive (MyXQL, pool_size 4, no url: was
 * taken for DATABASE_URL's server): web 6 (was 10).
 * Shelf: Shelf.Repo on SQLite3 only, pool_size 5 and a release_command migrating it: 0 and 0 (were 5 and 2).
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const mixLock = (deps: string[]): string => `%{\n${deps.map((d) => `  "${d}": {:hex, :${d}, "1.0.0", "x", [:mix], [], "hexpm", "y"},`).join('\n')}\n}\n`

describe('Ecto repos on another adapter', () => {
  it('a MyXQL repo beside the Postgres one is said and not counted: 6', () => {
    const dir = app({
      'Procfile': 'web: mix phx.server\n',
      'config/config.exs': 'import Config\n\nconfig :ledger, ecto_repos: [Ledger.Repo, Ledger.Archive]\n',
      'config/runtime.exs': 'import Config\n\nif config_env() == :prod do\n  config :ledger, Ledger.Repo, url: System.get_env("DATABASE_URL"), pool_size: 6\n  config :ledger, Ledger.Archive, database: "ledger_archive", username: "archiver", pool_size: 4\nend\n',
      'lib/ledger/archive.ex': 'defmodule Ledger.Archive do\n  use Ecto.Repo,\n    otp_app: :ledger,\n    adapter: Ecto.Adapters.MyXQL\nend\n',
      'lib/ledger/repo.ex': 'defmodule Ledger.Repo do\n  use Ecto.Repo,\n    otp_app: :ledger,\n    adapter: Ecto.Adapters.Postgres\nend\n',
      'mix.exs': 'defmodule Ledger.MixProject do\n  use Mix.Project\n  def project, do: [app: :ledger, deps: [{:phoenix, "~> 1.7"}, {:ecto_sql, "~> 3.10"}, {:postgrex, ">= 0.0.0"}, {:myxql, ">= 0.0.0"}]]\nend\n',
      'mix.lock': mixLock(['ecto', 'ecto_sql', 'postgrex', 'myxql', 'db_connection', 'phoenix']),
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.total).toBe(6)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'not-postgresql', file: 'lib/ledger/archive.ex', line: 4, message: expect.stringContaining('Ledger.Archive uses Ecto.Adapters.MyXQL')}))
  })

  it('an app whose only repo is SQLite3 holds 0, its release migration too', () => {
    const dir = app({
      'config/config.exs': 'import Config\n\nconfig :shelf, ecto_repos: [Shelf.Repo]\n',
      'config/runtime.exs': 'import Config\n\nif config_env() == :prod do\n  config :shelf, Shelf.Repo, database: "/data/shelf.db", pool_size: 5\nend\n',
      'Dockerfile': 'FROM hexpm/elixir:1.16.0-erlang-26.2.1-debian-bookworm-20231009-slim AS builder\nWORKDIR /app\nENV MIX_ENV="prod"\nCOPY . .\nRUN mix release\n\nFROM debian:bookworm-slim\nWORKDIR "/app"\nENV MIX_ENV="prod"\nCOPY --from=builder /app/_build/${MIX_ENV}/rel/shelf ./\nCMD ["/app/bin/server"]\n',
      'fly.toml': 'app = "shelf"\n\n[deploy]\n  release_command = "/app/bin/migrate"\n\n[http_service]\n  internal_port = 8080\n',
      'lib/shelf/release.ex': 'defmodule Shelf.Release do\n  def migrate do\n    for repo <- Application.fetch_env!(:shelf, :ecto_repos) do\n      {:ok, _, _} = Ecto.Migrator.with_repo(repo, &Ecto.Migrator.run(&1, :up, all: true))\n    end\n  end\nend\n',
      'lib/shelf/repo.ex': 'defmodule Shelf.Repo do\n  use Ecto.Repo, otp_app: :shelf, adapter: Ecto.Adapters.SQLite3\nend\n',
      'mix.exs': 'defmodule Shelf.MixProject do\n  use Mix.Project\n  def project, do: [app: :shelf, releases: [shelf: []], deps: [{:ecto_sqlite3, ">= 0.0.0"}]]\nend\n',
      'mix.lock': mixLock(['ecto', 'ecto_sql', 'ecto_sqlite3', 'exqlite', 'db_connection']),
      'rel/overlays/bin/migrate': '#!/bin/sh\ncd -P -- "$(dirname -- "$0")"\nexec ./shelf eval Shelf.Release.migrate\n',
      'rel/overlays/bin/server': '#!/bin/sh\ncd -P -- "$(dirname -- "$0")"\nPHX_SERVER=true exec ./shelf start\n',
    })
    const r = planJson(`${dir}/fly.toml`, ['--plan', 'standard-0', '--scale', 'app=1'])
    expect(r.total).toBe(0)
    expect(r.deployPeak).toBe(0)
    expect(r.type('app').sources.threadsPerProcess.source).toMatchObject({kind: 'default', what: expect.stringContaining('every Ecto repo of the app uses another database')})
    expect(r.codes).not.toContain('unknown-command')
  })

  it('an Ash app whose repo is `use AshSqlite.Repo` (SQLite3) holds 0, though postgrex is in mix.lock (another package needs it)', () => {
    // AshSqlite.Repo wraps an Ecto repo on Ecto.Adapters.SQLite3: pool_size 8 is SQLite's. mix.lock has postgrex because
    // ash_oban requires it, so "no postgrex" does not decide it. Before: 8 counted on PostgreSQL.
    const dir = app({
      'config/config.exs': 'import Config\n\nconfig :kiln, ecto_repos: [Kiln.Repo]\n',
      'config/runtime.exs': 'import Config\n\nif config_env() == :prod do\n  config :kiln, Kiln.Repo, database: "/data/kiln.db", pool_size: 8\nend\n',
      'lib/kiln/repo.ex': 'defmodule Kiln.Repo do\n  use AshSqlite.Repo, otp_app: :kiln\nend\n',
      'mix.exs': 'defmodule Kiln.MixProject do\n  use Mix.Project\n  def project, do: [app: :kiln, deps: [{:ash_sqlite, "~> 0.2"}, {:ash_oban, "~> 0.4"}]]\nend\n',
      'mix.lock': mixLock(['ecto', 'ecto_sql', 'ecto_sqlite3', 'exqlite', 'db_connection', 'postgrex', 'oban']),
      Procfile: 'web: mix phx.server\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.total).toBe(0)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'not-postgresql', file: 'lib/kiln/repo.ex', line: 2, message: expect.stringContaining('Kiln.Repo uses Ecto.Adapters.SQLite3 (use AshSqlite.Repo)')}))
  })
})
