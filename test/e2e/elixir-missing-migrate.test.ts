/**
 * A Phoenix release on Fly whose release_command is `/app/bin/migrate`, the script `mix phx.gen.release` writes to
 * rel/overlays/bin/migrate (`exec ./shop eval Shop.Release.migrate`), with rel/ not in the repository (a snapshot
 * without it, a gitignored overlay). lib/shop/release.ex calls Ecto.Migrator.with_repo, which starts each repo with
 * pool_size 2 (ecto_sql lib/ecto/migrator.ex): the release holds 2, read as that eval and starred (the script itself
 * is not read). Before: an unread script, 1 assumed. With rel/overlays/bin/migrate present: read, 2, not starred.
 * The app: Shop.Repo pool_size 5 (config/runtime.exs).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const mixLock = (deps: string[]): string => `%{\n${deps.map((d) => `  "${d}": {:hex, :${d}, "1.0.0", "x", [:mix], [], "hexpm", "y"},`).join('\n')}\n}\n`

const files = {
  Dockerfile: 'FROM hexpm/elixir:1.16.0-erlang-26.2.1-debian-bookworm-20231009-slim AS builder\nWORKDIR /app\nENV MIX_ENV="prod"\nCOPY mix.exs mix.lock ./\nCOPY config config\nCOPY lib lib\nCOPY rel rel\nRUN mix release\n\nFROM debian:bookworm-slim\nWORKDIR "/app"\nENV MIX_ENV="prod"\nCOPY --from=builder /app/_build/${MIX_ENV}/rel/shop ./\nCMD ["/app/bin/server"]\n',
  'config/config.exs': 'import Config\n\nconfig :shop, ecto_repos: [Shop.Repo]\n',
  'config/runtime.exs': 'import Config\n\nif config_env() == :prod do\n  config :shop, Shop.Repo, url: System.get_env("DATABASE_URL"), pool_size: 5\nend\n',
  'fly.toml': 'app = "shop"\n\n[deploy]\n  release_command = "/app/bin/migrate"\n',
  'lib/shop/release.ex': 'defmodule Shop.Release do\n  @app :shop\n  def migrate do\n    Application.load(@app)\n    for repo <- Application.fetch_env!(@app, :ecto_repos) do\n      {:ok, _, _} = Ecto.Migrator.with_repo(repo, &Ecto.Migrator.run(&1, :up, all: true))\n    end\n  end\nend\n',
  'lib/shop/repo.ex': 'defmodule Shop.Repo do\n  use Ecto.Repo, otp_app: :shop, adapter: Ecto.Adapters.Postgres\nend\n',
  'mix.exs': 'defmodule Shop.MixProject do\n  use Mix.Project\n  def project, do: [app: :shop, releases: [shop: []], deps: [{:ecto_sql, ">= 0.0.0"}, {:postgrex, ">= 0.0.0"}]]\nend\n',
  'mix.lock': mixLock(['ecto', 'ecto_sql', 'postgrex', 'db_connection']),
}

describe("a release's bin/migrate missing from the repository", () => {
  it("is read as phx.gen.release's `eval Shop.Release.migrate`: with_repo's 2, starred, naming release.ex", () => {
    const r = planJson(join(app(files), 'fly.toml'), ['--limit', '100', '--explain'])
    expect(r.type('release')).toMatchObject({connections: 2, server: 'ecto-migrator'})
    expect(JSON.stringify(r.type('release').sources)).toContain("bin/migrate is not in the repository (mix phx.gen.release writes it to rel/overlays/bin/migrate: `exec ./shop eval Shop.Release.migrate`); read as that, the Release module at lib/shop/release.ex calling Ecto.Migrator.with_repo")
    expect(r.type('app')).toMatchObject({connections: 5})
  })

  it('with rel/overlays/bin/migrate present, the script is read: 2, no assumption about it', () => {
    const dir = app({...files, 'rel/overlays/bin/migrate': '#!/bin/sh\ncd -P -- "$(dirname -- "$0")"\nexec ./shop eval Shop.Release.migrate\n', 'rel/overlays/bin/server': '#!/bin/sh\ncd -P -- "$(dirname -- "$0")"\nPHX_SERVER=true exec ./shop start\n'})
    const r = planJson(join(dir, 'fly.toml'), ['--limit', '100'])
    expect(r.type('release')).toMatchObject({connections: 2})
    expect(JSON.stringify(r.type('release').sources)).not.toContain('is not in the repository')
  })
})
