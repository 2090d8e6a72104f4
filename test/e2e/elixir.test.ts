import {describe, expect, it} from 'vitest'

import type {AnalyzerContext} from '../../src/languages/common/types.js'

import {ectoMigration, isElixir, mixTask} from '../../src/languages/common/matchers.js'
import {splitCommand} from '../../src/languages/shell/shell.js'
import {Env} from '../../src/model/env.js'
import {memoryFiles} from '../../src/model/files.js'
import {fixture, planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const plan = (name: string, ...args: string[]) => planJson(procfileOf(name), args)
const {app: releaseApp} = tempApps('phoenix-release-script')
const {app: appAt} = tempApps()

describe('Elixir/Phoenix apps (Ecto pools opened at start, one BEAM per dyno)', () => {
  it('mix phx.new shape on releases: runtime.exs pool_size with a POOL_SIZE default, Oban +1 LISTEN connection', () => {
    const r = plan('phoenix-ecto', '--scale', 'web=3', 'worker=1', '--plan', 'standard-0')
    // pool_size: String.to_integer(System.get_env("POOL_SIZE") || "10") inside `if config_env() == :prod`:
    // POOL_SIZE is unset, so 10; Oban (Basic engine, no notifier set) adds its Postgres notifier's
    // LISTEN connection. web: 3 dynos × 1 BEAM × (10 + 1) = 33; worker: 1 × 11 = 11; total 44.
    expect(r.type('web')).toMatchObject({connections: 33, connectionsPerProcess: 11, extraPerProcess: 1, poolPerProcess: 10, processesPerDyno: 1, server: 'elixir-release'})
    expect(r.type('web').sources['pool.Hello.Repo'].source).toEqual({file: 'config/runtime.exs', kind: 'file', line: 36})
    expect(r.type('worker')).toMatchObject({connections: 11, server: 'mix run'})
    expect(r.total).toBe(44)
    expect(r.exit).toBe(0)
    // The release phase (`bin/hello eval "Hello.Release.migrate"`, phx.gen.release's shape) counts only in the
    // deploy peak: Ecto.Migrator.with_repo starts Hello.Repo with pool_size 2 (ecto_sql migrator.ex), so 44 + 2.
    // The fixture has no lib file calling Ecto.Migrator.with_repo, so what `eval` runs is labelled an assumption.
    expect(r.type('release')).toMatchObject({connections: 2, dynos: 1, role: 'release', server: 'ecto-migrator'})
    expect(r.type('release').sources['pool.Hello.Repo'].via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('Release.migrate')}))
    expect(r.deployPeak).toBe(46)
  })

  it('release: mix ecto.migrate is Ecto.Migrator\'s pool of 2, one repo at a time, in the deploy peak only (epi-viewpoint shape)', () => {
    const r = plan('phoenix-release-migrate', '--scale', 'web=2', '--plan', 'standard-0')
    // web: config/prod.exs Notes.Repo pool_size POOL_SIZE || "10" → 10, Notes.AuditRepo 4, Oban (config.exs, default
    // Postgres notifier) +1 LISTEN: 1 BEAM × (10 + 4 + 1) = 15 per dyno, 2 dynos = 30.
    expect(r.type('web')).toMatchObject({connections: 30, connectionsPerProcess: 15, extraPerProcess: 1, poolPerProcess: 14})
    // release: `mix ecto.migrate` starts no application (no Oban, no app pools); Ecto.Migrator.with_repo starts
    // Notes.Repo with pool_size 2, migrates, stops it, then Notes.AuditRepo the same way: at most 2 at once.
    expect(r.type('release')).toMatchObject({connections: 2, connectionsPerProcess: 2, dynos: 1, extraPerProcess: 0, role: 'release', server: 'mix ecto.migrate'})
    expect(r.total).toBe(30)
    expect(r.deployPeak).toBe(32)
    // POOL_SIZE does not reach the migration: the migrator's 2 is fixed.
    const big = plan('phoenix-release-migrate', '--scale', 'web=2', '--env', 'POOL_SIZE=40')
    expect(big.type('release')).toMatchObject({connections: 2})
    expect(big.type('web')).toMatchObject({connectionsPerProcess: 45})
  })

  it('release: a bin/migrate script that execs `./app eval "App.Release.migrate"` is the migration it runs (fly release_command shape)', () => {
    // fly.toml: release_command = "/app/bin/migrate" (the Dockerfile copies the release to /app, rel/overlays/bin/migrate
    // in the repository): `cd -P -- "$(dirname -- "$0")"; exec ./shop eval Shop.Release.migrate`, run from the release's
    // bin/ where `shop` (mix.exs app: :shop) is its start script. Ecto.Migrator.with_repo (lib/shop/release.ex:6) starts
    // Shop.Repo with pool_size 2: 2, where the script was a generic release command with 1.
    // app: rel/overlays/bin/server, Shop.Repo pool_size POOL_SIZE (fly.toml [env] "6") → 6 per Machine, 1 Machine. Peak 6 + 2.
    const r = planJson(`${fixture('phoenix-release-script')}/fly.toml`)
    expect(r.type('app')).toMatchObject({connections: 6, poolPerProcess: 6, server: 'elixir-release'})
    expect(r.type('release')).toMatchObject({connections: 2, connectionsPerProcess: 2, dynos: 1, role: 'release', server: 'ecto-migrator'})
    expect(r.type('release').sources['pool.Shop.Repo'].via).toContainEqual({file: 'lib/shop/release.ex', kind: 'file', line: 6})
    expect(r.total).toBe(6)
    expect(r.deployPeak).toBe(8)
    // A release script that runs nothing conncalc knows (echo, curl) keeps the release command's 1, with nothing said.
    const n = planJson(fixture('phoenix-release-script/Procfile.notify'), ['--scale', 'web=1'])
    expect(n.type('release')).toMatchObject({connections: 1, server: 'release'})
    expect(n.type('web')).toMatchObject({connections: 8})
    expect(n.deployPeak).toBe(9)
    expect(n.diagnostics).toEqual([])
  })

  it('a release copied onto the WORKDIR beside a folder copied from priv (`COPY --from=builder /app/priv/static ./static`): the release\'s bin/server still runs, 6', () => {
    // elixirschool/school_house's shape. Before: the WORKDIR was taken to be priv/ (the one counted copy into it came
    // from there), rel/overlays/bin/server was read as ../rel/overlays/bin/server, outside the app, and `./shop start`
    // was an unknown program: 1*.
    const dir = releaseApp({Dockerfile: 'FROM elixir:1.15 AS build\nWORKDIR /app\nCOPY . .\nRUN mix release\nFROM debian:bookworm-slim\nWORKDIR /app\nCOPY --from=build /app/_build/prod/rel/shop ./\nCOPY --from=build /app/priv/static ./static\nCMD ["/app/bin/server"]\n', 'priv/static/robots.txt': 'User-agent: *\n'})
    const r = planJson(`${dir}/fly.toml`)
    expect(r.type('app')).toMatchObject({connections: 6, poolPerProcess: 6, server: 'elixir-release'})
    expect(r.codes).not.toContain('unknown-command')
  })

  it('a release of a Mix project in a subfolder (app/): its overlay script app/rel/overlays/bin/server runs that project, 7; a root Gemfile for tooling does not make it 0', () => {
    // operately/operately's shape (Dockerfile.prod: WORKDIR /src, COPY app/mix.exs app/mix.lock app/, COPY app/lib app/lib,
    // COPY app/rel app/rel, WORKDIR /src/app, RUN mix release; then COPY --from=builder /src/app/_build/prod/rel/operately ./
    // and CMD ["/opt/operately/bin/server"]; a root Gemfile with license_finder only). mix release copies the project's
    // rel/overlays into the release (elixir lib/mix/lib/mix/tasks/release.ex), so bin/server is app/rel/overlays/bin/server
    // and `./shop start` the release of app/. By hand: Shop.Repo pool_size POOL_SIZE || 7 = 7. Before: "shop" unknown, and
    // the root Gemfile.lock (no database driver) made it 0, said only as info.
    const dir = appAt({
      'Dockerfile': 'FROM hexpm/elixir:1.18.0-erlang-27.1.2-debian-bookworm-20250929-slim AS builder\nWORKDIR /src\nENV MIX_ENV="prod"\nRUN mkdir -p app\nCOPY app/mix.exs app/mix.lock app/\nWORKDIR /src/app\nRUN mix deps.get --only $MIX_ENV\nWORKDIR /src\nCOPY app/config/config.exs app/config/\nCOPY app/lib app/lib\nCOPY app/rel app/rel\nCOPY app/config/runtime.exs app/config/\nWORKDIR /src/app\nRUN mix release\n\nFROM debian:bookworm-slim\nWORKDIR "/opt/shop"\nENV MIX_ENV="prod"\nCOPY --from=builder /src/app/_build/${MIX_ENV}/rel/shop ./\nCMD ["/opt/shop/bin/server"]\n',
      'Gemfile': 'source "https://rubygems.org"\ngem "license_finder", group: :development\n',
      'Gemfile.lock': 'GEM\n  remote: https://rubygems.org/\n  specs:\n    license_finder (7.1.0)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  license_finder\n',
      'app/config/config.exs': 'import Config\n\nconfig :shop, ecto_repos: [Shop.Repo]\n',
      'app/config/runtime.exs': 'import Config\n\nif config_env() == :prod do\n  config :shop, Shop.Repo, url: System.get_env("DATABASE_URL"), pool_size: String.to_integer(System.get_env("POOL_SIZE") || "7")\nend\n',
      'app/lib/shop/repo.ex': 'defmodule Shop.Repo do\n  use Ecto.Repo, otp_app: :shop, adapter: Ecto.Adapters.Postgres\nend\n',
      'app/mix.exs': 'defmodule Shop.MixProject do\n  use Mix.Project\n  def project, do: [app: :shop, deps: [{:ecto_sql, "~> 3.10"}, {:postgrex, ">= 0.0.0"}]]\nend\n',
      'app/mix.lock': '%{\n  "postgrex": {:hex, :postgrex, "0.20.0", "x", [:mix], [], "hexpm", "y"},\n}\n',
      'app/rel/overlays/bin/server': '#!/bin/sh\ncd -P -- "$(dirname -- "$0")"\nPHX_SERVER=true exec ./shop start\n',
    })
    const r = planJson(`${dir}/Dockerfile`, ['--limit', '100', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 7, poolPerProcess: 7, server: 'elixir-release'})
    expect(r.type('web').sources['pool.Shop.Repo']).toMatchObject({source: {file: 'app/config/runtime.exs', kind: 'file', line: 4}})
    expect(r.codes).not.toContain('not-postgresql')
    expect(r.codes).not.toContain('unknown-command')
  })

  it('repo options built in a variable and a `case` (Keyword.put in one clause) are read: 6, POOL_SIZE=3 with DB_TIMEOUT set: 3; options conncalc cannot read are said and starred', () => {
    // operately/operately's config/runtime.exs shape: repo_config = [url: …, pool_size: …], then repo_config = case
    // System.get_env("DB_TIMEOUT") do nil -> repo_config; timeout -> Keyword.put(repo_config, :timeout, …) end, then
    // config :operately, Operately.Repo, repo_config. Before: the case was unknown, so the whole config call was dropped
    // without a word and Ecto's default 10 shown as the app's (here 6 by hand: POOL_SIZE || "6").
    const runtime = (last: string): string => `import Config\n\nif config_env() == :prod do\n  repo_config = [\n    url: System.get_env("DATABASE_URL"),\n    pool_size: String.to_integer(System.get_env("POOL_SIZE") || "6")\n  ]\n\n  repo_config =\n    case System.get_env("DB_TIMEOUT") do\n      nil -> repo_config\n      timeout -> Keyword.put(repo_config, :timeout, String.to_integer(timeout))\n    end\n\n${last}\nend\n`
    const files = (last: string): Record<string, string> => ({
      'Procfile': 'web: mix phx.server\n',
      'config/config.exs': 'import Config\n\nconfig :shop, ecto_repos: [Shop.Repo]\n',
      'config/runtime.exs': runtime(last),
      'mix.exs': 'defmodule Shop.MixProject do\n  use Mix.Project\n  def project, do: [app: :shop, deps: [{:ecto_sql, "~> 3.10"}, {:postgrex, ">= 0.0.0"}]]\nend\n',
      'mix.lock': '%{\n  "postgrex": {:hex, :postgrex, "0.20.0", "x", [:mix], [], "hexpm", "y"},\n}\n',
    })
    const dir = appAt(files('  config :shop, Shop.Repo, repo_config'))
    expect(planJson(`${dir}/Procfile`, ['--limit', '100', '--scale', 'web=1']).type('web')).toMatchObject({connections: 6})
    expect(planJson(`${dir}/Procfile`, ['--limit', '100', '--scale', 'web=1', '--env', 'POOL_SIZE=3', '--env', 'DB_TIMEOUT=5000']).type('web')).toMatchObject({connections: 3})
    // Keyword.merge/2 is not evaluated: the options are unknown, so the pool is Ecto's 10, starred, and said at line 15.
    const unread = appAt(files('  config :shop, Shop.Repo, Keyword.merge(repo_config, ssl: true)'))
    const r = planJson(`${unread}/Procfile`, ['--limit', '100', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 10})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'config/runtime.exs', line: 15}))
  })

  it('`env = &System.get_env/1` called as `env.("X")`, and `if db_pool_size = env.("DB_POOL_SIZE") do … end`: unset, Ecto\'s 10 unstarred; DB_POOL_SIZE=4, 4', () => {
    // asciinema/asciinema-server's config/runtime.exs. Before: `db_pool_size` was "not a variable conncalc knows", so the
    // pool was Ecto's 10 starred with a warning, and DB_POOL_SIZE given with --env was not read either.
    const runtime = 'import Config\n\nenv = &System.get_env/1\n\nif database_url = env.("DATABASE_URL") do\n  config :shop, Shop.Repo, url: database_url\nend\n\nif db_pool_size = env.("DB_POOL_SIZE") do\n  config :shop, Shop.Repo, pool_size: String.to_integer(db_pool_size)\nend\n'
    const dir = appAt({
      'Procfile': 'web: mix phx.server\n',
      'config/config.exs': 'import Config\n\nconfig :shop, ecto_repos: [Shop.Repo]\n',
      'config/runtime.exs': runtime,
      'mix.exs': 'defmodule Shop.MixProject do\n  use Mix.Project\n  def project, do: [app: :shop, deps: [{:ecto_sql, "~> 3.10"}, {:postgrex, ">= 0.0.0"}]]\nend\n',
      'mix.lock': '%{\n  "postgrex": {:hex, :postgrex, "0.20.0", "x", [:mix], [], "hexpm", "y"},\n}\n',
    })
    const unset = planJson(`${dir}/Procfile`, ['--limit', '100', '--scale', 'web=1'])
    expect(unset.type('web')).toMatchObject({connections: 10})
    expect(unset.codes).not.toContain('unknown-config-value')
    expect(JSON.stringify(unset.type('web').sources['pool.Shop.Repo'])).not.toContain('assumed')
    const set = planJson(`${dir}/Procfile`, ['--limit', '100', '--scale', 'web=1', '--env', 'DB_POOL_SIZE=4'])
    expect(set.type('web')).toMatchObject({connections: 4})
    expect(set.type('web').sources['pool.Shop.Repo']).toMatchObject({source: {file: 'config/runtime.exs', kind: 'file', line: 10}})
  })

  it('POOL_SIZE from the env decides, and pushes the app over a standard-0', () => {
    // 3 × (30 + 1) + 1 × (30 + 1) = 124 > 120.
    const r = plan('phoenix-ecto', '--scale', 'web=3', 'worker=1', '--plan', 'standard-0', '--env', 'POOL_SIZE=30')
    expect(r.type('web')).toMatchObject({connections: 93, poolPerProcess: 30})
    expect(r.type('web').sources['pool.Hello.Repo'].via).toContainEqual({from: '--env', kind: 'env', name: 'POOL_SIZE'})
    expect(r.total).toBe(124)
    expect(r.exit).toBe(1)
  })

  it('MIX_ENV picks the branch: dev reads config/dev.exs through import_config "#{config_env()}.exs"', () => {
    const r = plan('phoenix-ecto', '--scale', 'web=1', 'worker=0', '--env', 'MIX_ENV=dev')
    expect(r.type('web').sources['pool.Hello.Repo'].source).toEqual({file: 'config/dev.exs', kind: 'file', line: 11})
    expect(r.type('web')).toMatchObject({connections: 11, poolPerProcess: 10})
  })

  it('a pool_size conncalc cannot read is Ecto\'s default 10, labelled, with the line', () => {
    const r = plan('phoenix-ecto', '--scale', 'web=1', 'worker=1', '--env', 'POOL_SIZE=ten')
    expect(r.type('web')).toMatchObject({poolPerProcess: 10})
    expect(r.type('web').sources['pool.Hello.Repo'].via).toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'config/runtime.exs', line: 36, processType: 'web'}))
    expect(runCliInProcess(['plan', '--procfile', procfileOf('phoenix-ecto'), '--scale', 'web=1', 'worker=1', '--env', 'POOL_SIZE=ten']).stdout).toMatch(/^web\s+elixir-release\s+1\s+1\s+10\s+10\*/m)
  })

  it('two repos, pool_count, System.get_env/2 piped, Keyword.get, Oban on the PG notifier (no LISTEN)', () => {
    const r = plan('phoenix-two-repos', '--scale', 'web=2')
    // Shop.Repo: pool_size 5 (POOL_SIZE default "5") × pool_count 2 = 10; Shop.ReadRepo: Keyword.get(read_opts, :pool_size, 10) = 3.
    // Oban.Notifiers.PG opens no connection. 2 dynos × (10 + 3) = 26.
    expect(r.type('web')).toMatchObject({connections: 26, extraPerProcess: 0, poolPerProcess: 13, server: 'phoenix', threadsPerProcess: 13})
    expect(r.type('web').sources['pool.Shop.ReadRepo'].via).toContainEqual({file: 'config/runtime.exs', kind: 'file', line: 3})
    // Shop.ReadRepo.init/2 may replace pool_size at start: the number is labelled and the line named.
    expect(r.type('web').sources['pool.Shop.ReadRepo'].via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('lib/shop/read_repo.ex:11')}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'lib/shop/read_repo.ex', line: 11}))
    expect(r.type('web').sources['pool.Shop.Repo'].via ?? []).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    // ?pool_size= in DATABASE_URL wins over the keyword (Ecto merges the URL's options last): 2 × (4 × 2 + 4) = 24.
    const url = plan('phoenix-two-repos', '--scale', 'web=2', '--env', 'DATABASE_URL=postgres://u:hunter2@db.example.com/shop?pool_size=4')
    expect(url.type('web')).toMatchObject({connections: 24, poolPerProcess: 12})
    expect(JSON.stringify(url)).not.toContain('hunter2')
  })

  it('a repo started again under another name in the supervision tree is another pool (flirtual/flirtual\'s dedicated Oban pool)', () => {
    // Ledger.Repo 10 (POOL_SIZE default "10"); {Ledger.Repo, name: Ledger.ObanRepo, pool_size: 5} 5; the child_spec'd
    // {Ledger.Repo, [name: Ledger.ReportsRepo, pool_size: reports_pool()]}: unreadable, the repo's 10 counted, starred.
    // DBConnection opens every slot at start: 2 dynos × (10 + 5 + 10) = 50.
    const r = plan('phoenix-repo-named-pools', '--scale', 'web=2')
    expect(r.type('web')).toMatchObject({connections: 50, poolPerProcess: 25, threadsPerProcess: 25})
    expect(r.type('web').sources['pool.Ledger.Repo (lib/ledger/application.ex:11)'].source).toEqual({file: 'lib/ledger/application.ex', kind: 'file', line: 11})
    expect(r.type('web').sources['pool.Ledger.Repo (lib/ledger/application.ex:12)'].via).toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'lib/ledger/application.ex', line: 12, processType: 'web'}))
    // BEAM processes queue for a repo's pool by design: no pool is "below" the node's summed pools.
    expect(r.diagnostics.map((d) => d.code)).not.toContain('pool-below-threads')
    expect(plan('phoenix-two-repos', '--scale', 'web=2').diagnostics.map((d) => d.code)).not.toContain('pool-below-threads')
  })

  it('connections the app\'s own supervised processes open outside the repos\' pools: +1 each, starred; one nothing starts is said, not counted', () => {
    // Ledger.Repo pool_size 6. Outside it: {Postgrex.Notifications, …} in Ledger.Application's children (one LISTEN
    // connection, postgrex notifications.ex); Ledger.Feed, a child there too, whose init calls P.Notifications.start_link
    // under `alias Postgrex, as: P` (one more); Ledger.Changes' start: {Cainophile.Adapters.Postgres, :start_link, …}
    // (one replication connection, cainophile's EpgsqlImplementation.init/1); Ledger.PgPubSub, the `adapter:` of the
    // {Phoenix.PubSub, …} child, which Phoenix.PubSub.Supervisor starts, LISTENs in its init (one more).
    // Ledger.Heartbeat also calls Postgrex.Notifications.start_link, but no file under lib/ names it as a child: not
    // counted, said. 2 dynos × (6 + 4) = 20.
    const dir = appAt({
      'Procfile': 'web: mix phx.server\n',
      'config/config.exs': 'import Config\nconfig :ledger, ecto_repos: [Ledger.Repo]\nconfig :ledger, Ledger.Repo, database: "ledger", pool_size: 6\n',
      'lib/ledger/application.ex': [
        'defmodule Ledger.Application do',
        '  use Application',
        '  def start(_type, _args) do',
        '    children = [',
        '      Ledger.Repo,',
        '      {Postgrex.Notifications, [name: Ledger.Notifier] ++ Ledger.Repo.config()},',
        '      Ledger.Feed,',
        '      Ledger.Changes,',
        '      {Phoenix.PubSub, name: Ledger.PubSub, adapter: Ledger.PgPubSub}',
        '    ]',
        '    Supervisor.start_link(children, strategy: :one_for_one)',
        '  end',
        'end',
        '',
      ].join('\n'),
      'lib/ledger/changes.ex': [
        'defmodule Ledger.Changes do',
        '  use Supervisor',
        '  def start_link(arg), do: Supervisor.start_link(__MODULE__, arg)',
        '  def init(_) do',
        '    Supervisor.init([%{id: :cdc, start: {Cainophile.Adapters.Postgres, :start_link, [[slot: :temporary]]}}], strategy: :one_for_one)',
        '  end',
        'end',
        '',
      ].join('\n'),
      'lib/ledger/feed.ex': [
        'defmodule Ledger.Feed do',
        '  use GenServer',
        '  alias Postgrex, as: P',
        '  def start_link(arg), do: GenServer.start_link(__MODULE__, arg)',
        '  def init(_) do',
        '    {:ok, pid} = P.Notifications.start_link(Ledger.Repo.config())',
        '    {:ok, pid}',
        '  end',
        'end',
        '',
      ].join('\n'),
      'lib/ledger/heartbeat.ex': [
        'defmodule Ledger.Heartbeat do',
        '  use GenServer',
        '  def init(_), do: Postgrex.Notifications.start_link(Ledger.Repo.config())',
        'end',
        '',
      ].join('\n'),
      'lib/ledger/pg_pub_sub.ex': [
        'defmodule Ledger.PgPubSub do',
        '  use GenServer',
        '  def start_link(opts), do: GenServer.start_link(__MODULE__, opts)',
        '  def init(opts) do',
        '    {:ok, pid} = Postgrex.Notifications.start_link(Ledger.Repo.config())',
        '    {:ok, {pid, opts}}',
        '  end',
        'end',
        '',
      ].join('\n'),
      'lib/ledger/repo.ex': 'defmodule Ledger.Repo do\n  use Ecto.Repo, otp_app: :ledger, adapter: Ecto.Adapters.Postgres\nend\n',
      'mix.exs': 'defmodule Ledger.MixProject do\n  use Mix.Project\n  def project, do: [app: :ledger, deps: [{:ecto_sql, "~> 3.10"}, {:postgrex, ">= 0.0.0"}]]\nend\n',
      'mix.lock': '%{\n  "postgrex": {:hex, :postgrex, "0.19.1", "x", [:mix], [], "hexpm", "y"},\n}\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--scale', 'web=2'])
    expect(r.type('web')).toMatchObject({connections: 20, extraPerProcess: 4, poolPerProcess: 6})
    const extras = (r.type('web').extras as {kind: string; source: {source: unknown; via?: {kind: string}[]}}[]).filter((e) => e.kind === 'elixir-own-connection')
    expect(extras).toHaveLength(4)
    expect(extras.map((e) => e.source.source)).toEqual(expect.arrayContaining([
      {file: 'lib/ledger/application.ex', kind: 'file', line: 6},
      {file: 'lib/ledger/feed.ex', kind: 'file', line: 6},
      {file: 'lib/ledger/changes.ex', kind: 'file', line: 5},
      {file: 'lib/ledger/pg_pub_sub.ex', kind: 'file', line: 5},
    ]))
    expect(extras.every((e) => e.source.via?.some((v) => v.kind === 'assumed'))).toBe(true)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'lib/ledger/heartbeat.ex', line: 3, processType: 'web', severity: 'info'}))
    // A migration starts no application: none of them.
    const migrate = planJson(`${appAt({'Procfile': 'web: mix ecto.migrate\n', 'config/config.exs': 'import Config\nconfig :ledger, ecto_repos: [Ledger.Repo]\n', 'lib/ledger/application.ex': 'defmodule Ledger.Application do\n  use Application\n  def start(_, _), do: Supervisor.start_link([{Postgrex.Notifications, []}], strategy: :one_for_one)\nend\n', 'mix.exs': 'defmodule Ledger.MixProject do\n  use Mix.Project\nend\n', 'mix.lock': '%{"postgrex": {:hex, :postgrex, "0.19.1", "x", [:mix], [], "hexpm", "y"}}\n'})}/Procfile`)
    expect(migrate.type('web')).toMatchObject({connections: 2, extraPerProcess: 0})
  })

  it('--assume overrides the analysis, including the Oban extra', () => {
    // 3 × min(10, 10) + 0 extras = 30 for web; worker stays 11.
    const r = plan('phoenix-ecto', '--scale', 'web=3', 'worker=1', '--assume', 'web.extras=0')
    expect(r.type('web')).toMatchObject({connections: 30})
    expect(r.total).toBe(41)
  })
})

describe('Confex tuples in the repo config (bors-ng shape)', () => {
  it('pool_size: {:system, :integer, "POOL_SIZE", 12} is the env var, else its default, as Confex resolves it in the repo\'s init/2', () => {
    // One BEAM per dyno × pool 12 (the default the tuple gives when POOL_SIZE is unset), no Oban: 12.
    const r = plan('phoenix-confex', '--plan', 'standard-0')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 12, poolPerProcess: 12})
    expect(r.codes).not.toContain('unknown-config-value')
    expect(r.type('web').sources[`pool.${r.type('web').databases[0]}`].via).toContainEqual(expect.objectContaining({ref: 'https://github.com/Nebo15/confex/blob/master/lib/confex/resolver.ex'}))
    // POOL_SIZE=4 in the env wins: 4.
    expect(plan('phoenix-confex', '--plan', 'standard-0', '--env', 'POOL_SIZE=4').type('web')).toMatchObject({connectionsPerDyno: 4, poolPerProcess: 4})
  })
})

describe('Elixir commands', () => {
  const ctx = {files: memoryFiles({'mix.exs': ''})} as unknown as AnalyzerContext
  const split = (c: string) => splitCommand(c, new Env([]), {file: 'Procfile', line: 1}).command

  it.each([
    ['mix phx.server', 'phx.server'],
    ['NODE=$(mix phx.gen.secret) mix phx.server', 'phx.server'],
    ['elixir --sname server -S mix phx.server', 'phx.server'],
    ['iex -S mix phx.server', 'phx.server'],
    ['mix run --no-halt', 'run'],
    // Mix.Tasks.Do runs its tasks in turn in one VM; the last keeps running (the migration has finished by then).
    ['MIX_ENV=prod mix do ecto.migrate, phx.server', 'phx.server'],
    ['mix do ecto.migrate + phx.server', 'phx.server'],
    ['mix do deps.loadpaths --no-deps-check, run --no-halt', 'run'],
    ['_build/prod/rel/hello/bin/hello start', undefined],
    ['bin/server', undefined],
  ])('`%s` is Elixir (mix task %s)', (command, task) => {
    const cmd = split(command)
    expect(isElixir(cmd, ctx)).toBe(true)
    expect(mixTask(cmd.argv)).toBe(task)
  })

  it.each([
    ['mix ecto.migrate', 'mix'],
    ['MIX_ENV=prod mix ecto.rollback --step 1', 'mix'],
    ['_build/prod/rel/hello/bin/hello eval "Hello.Release.migrate"', 'eval'],
    ["bin/hello eval 'Hello.Release.rollback(Hello.Repo, 20240101)'", 'eval'],
    ['mix phx.server', undefined],
    ['mix do ecto.migrate, phx.server', undefined],
    ['mix do compile, ecto.migrate', 'mix'],
    ['bin/hello eval "Hello.Seeds.run()"', undefined],
    ['bin/hello start', undefined],
  ])('`%s` is an Ecto migration run: %s', (command, kind) => {
    expect(ectoMigration(split(command).argv)).toBe(kind)
  })

  it('a release-looking command is Elixir only in an app with mix.exs', () => {
    const other = {files: memoryFiles({Gemfile: ''})} as unknown as AnalyzerContext
    expect(isElixir(split('bin/hello start'), other)).toBe(false)
    expect(isElixir(split('elixir script.exs'), other)).toBe(false)
  })
})

describe('an Elixir app with no Procfile (AgileVentures/sing_for_needs shape)', () => {
  it("runs the Elixir buildpack's default web, `mix run --no-halt`: the repo's pool_size from prod.exs", () => {
    // web = mix run --no-halt (HashNuke buildpack bin/release) → Choir.Repo pool_size 1 (config/prod.exs:9): 2 dynos × 1 = 2.
    const r = plan('phoenix-no-procfile', '--scale', 'web=2')
    expect(r.type('web')).toMatchObject({command: 'mix run --no-halt', connections: 2, poolPerProcess: 1, server: 'mix run'})
    expect(r.codes).toContain('missing-config')
  })
})

describe('an import_config of a file not in the app (fixture phoenix-prod-secret)', () => {
  it('config/prod.exs:14 imports prod.secret.exs, absent (made on the server): said, and pool_size, set in no file read, is Ecto\'s 10 assumed', () => {
    const r = plan('phoenix-prod-secret', '--scale', 'web=2', '--plan', 'standard-0')
    // Petitions.Repo's pool_size is set only in dev.exs (not read under MIX_ENV=prod): Ecto's default 10 per BEAM, 2 dynos = 20.
    expect(r.type('web')).toMatchObject({connections: 20, poolPerProcess: 10})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', file: 'config/prod.exs', line: 14, message: expect.stringContaining('imports config/prod.secret.exs, which is not in the app')}))
    expect(r.type('web').sources['pool.Petitions.Repo'].via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('config/prod.secret.exs, imported at config/prod.exs:14')}))
  })
})

describe('import_config of a missing file under a condition conncalc cannot decide', () => {
  it('`if File.exists?("config/prod.secret.exs") do import_config … end`: recorded as conditional, not as a file that must exist', async () => {
    const {readElixirConfig} = await import('../../src/languages/elixir/config.js')
    const files = memoryFiles({'config/config.exs': 'import Config\nimport_config "prod.exs"\n', 'config/prod.exs': 'import Config\n\nif File.exists?("config/prod.secret.exs") do\n  import_config "prod.secret.exs"\nend\n'})
    const cfg = await readElixirConfig(files, {env: new Env([]), mixEnv: 'prod'})
    expect(cfg.missing).toEqual([{conditional: expect.stringContaining('config/prod.exs:3'), file: 'config/prod.exs', line: 4, path: 'config/prod.secret.exs'}])
  })
})
