/**
 * Two Elixir config shapes from glific/glific (a Phoenix app on Gigalixir; config/runtime.exs):
 *
 * Dotenvy (https://github.com/fireproofsocks/dotenvy/blob/main/lib/dotenvy.ex): `import Dotenvy`, `source([".env",
 * System.get_env()])` stores what it reads (a later input over an earlier one, a missing file skipped), and
 * `env!("POOL_SIZE", :integer, 20)` reads only that: set, converted to the type; not set, the default as it is;
 * env!/2 raises. Before: `env!(…)` was "computed at run time", so the pool was Ecto's default 10, starred.
 *
 * A read replica repo the Application starts (`children = [App.Repo, App.RepoReplica, …]`) that ecto_repos leaves
 * out (it lists what the Mix tasks migrate): its pool connects too. Before: only ecto_repos' repos were counted, so the
 * replica's pool was silently left out. Its url defaults to the primary's (same server) unless its own var is set.
 *
 * Made-up app Relay: Relay.Repo and Relay.RepoReplica, each pool_size `env!("POOL_SIZE", :integer, 15)`, Oban (its
 * Postgres notifier: +1). By hand: 15 + 15 + 1 = 31 (was 11*: 10* + 1). POOL_SIZE=6 in the shipped .env: 6 + 6 + 1 = 13;
 * --env POOL_SIZE=4 (System.get_env() is the last input, over .env): 4 + 4 + 1 = 9. READ_REPLICA_DATABASE_URL set to
 * another server: the replica is not counted there, 15 + 1 = 16.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const mixLock = (deps: string[]): string => `%{\n${deps.map((d) => `  "${d}": {:hex, :${d}, "1.0.0", "x", [:mix], [], "hexpm", "y"},`).join('\n')}\n}\n`

const runtime = [
  'import Config',
  'import Dotenvy',
  '',
  'source([".env", "config/.env.#{config_env()}", System.get_env()])',
  '',
  'primary_url = env!("DATABASE_URL", :string!)',
  '',
  'config :relay, Relay.Repo,',
  '  url: primary_url,',
  '  pool_size: env!("POOL_SIZE", :integer, 15)',
  '',
  'replica_url = env!("READ_REPLICA_DATABASE_URL", :string!, primary_url)',
  '',
  'config :relay, Relay.RepoReplica,',
  '  url: replica_url,',
  '  pool_size: env!("POOL_SIZE", :integer, 15)',
  '',
].join('\n')

const files = (extra: Record<string, string> = {}): Record<string, string> => ({
  'Procfile': 'web: mix phx.server\n',
  'config/config.exs': 'import Config\n\nconfig :relay, ecto_repos: [Relay.Repo]\n\nconfig :relay, Oban, repo: Relay.Repo, queues: [default: 10]\n',
  'config/runtime.exs': runtime,
  'lib/relay/application.ex': 'defmodule Relay.Application do\n  use Application\n\n  def start(_type, _args) do\n    children = [\n      Relay.Repo,\n      Relay.RepoReplica,\n      {Oban, Application.fetch_env!(:relay, Oban)},\n      RelayWeb.Endpoint\n    ]\n\n    Supervisor.start_link(children, strategy: :one_for_one, name: Relay.Supervisor)\n  end\nend\n',
  'lib/relay/repo.ex': 'defmodule Relay.Repo do\n  use Ecto.Repo, otp_app: :relay, adapter: Ecto.Adapters.Postgres\nend\n',
  'lib/relay/repo_replica.ex': 'defmodule Relay.RepoReplica do\n  use Ecto.Repo, otp_app: :relay, adapter: Ecto.Adapters.Postgres, read_only: true\nend\n',
  'mix.exs': 'defmodule Relay.MixProject do\n  use Mix.Project\n  def project, do: [app: :relay, deps: [{:phoenix, "~> 1.7"}, {:ecto_sql, "~> 3.10"}, {:postgrex, ">= 0.0.0"}, {:oban, "~> 2.17"}, {:dotenvy, "~> 0.8"}]]\nend\n',
  'mix.lock': mixLock(['ecto', 'ecto_sql', 'postgrex', 'db_connection', 'phoenix', 'oban', 'dotenvy']),
  ...extra,
})

describe('Dotenvy env! and a read replica the Application starts', () => {
  it('env!/3 unset: its default 15, for both repos (the replica on the primary\'s server), + Oban\'s notifier: 31', () => {
    const dir = app(files())
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 31, poolPerProcess: 30})
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('a shipped .env sets POOL_SIZE=6: 13; the process env (System.get_env(), the last input) over it, POOL_SIZE=4: 9', () => {
    const dir = app(files({'.env': 'POOL_SIZE=6\n'}))
    expect(planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1']).type('web')).toMatchObject({connections: 13})
    expect(planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', '--env', 'POOL_SIZE=4']).type('web')).toMatchObject({connections: 9})
  })

  it('the replica\'s own URL var on another server: the replica is not counted here, 16', () => {
    const dir = app(files())
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', '--env', 'DATABASE_URL=postgres://u:p@primary.example.com/relay', '--env', 'READ_REPLICA_DATABASE_URL=postgres://u:p@replica.example.com/relay'])
    expect(r.type('web')).toMatchObject({connections: 16, poolPerProcess: 15})
  })

  it('env!/2 of a pool size that is set nowhere: unknown and said (unresolved-env; Ecto\'s default 10 each), 21', () => {
    const dir = app(files({'config/runtime.exs': runtime.replaceAll('env!("POOL_SIZE", :integer, 15)', 'env!("POOL_SIZE", :integer)')}))
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 21})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unresolved-env', file: 'config/runtime.exs', line: 10, message: expect.stringContaining('POOL_SIZE is not set anywhere')}))
  })
})
