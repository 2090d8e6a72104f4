/**
 * app.json env entries with no value are asked for when the app is created (`required` defaults
 * to true: https://devcenter.heroku.com/changelog-items/513). A fallback the code takes for such a
 * variable is then not known to apply: it is counted, starred, named in --explain with app.json's
 * line, and --env gives the app's value. Made-up apps in Ruby, Python, Node, Elixir, Go, Rust, .NET, JVM and PHP.
 */
import {describe, expect, it} from 'vitest'

import {planJson, runCliInProcess} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const spring = tempApps('spring-boot')
const play = tempApps('play-hikaricp')
const horizon = tempApps('laravel-horizon')
const dotnet = tempApps('dotnet-webapi-efcore')

const appJson = (env: Record<string, unknown>): string => `${JSON.stringify({env, name: 'made-up'}, null, 2)}\n`

/** Does this source chain carry the app.json assumption for `name`? */
const assumedFor = (sourced: unknown, name: string): boolean => JSON.stringify(sourced).includes(`${name} is required by app.json:`)

const phoenix = (json: string): string =>
  app({
    'Procfile': 'web: mix phx.server\n',
    'app.json': json,
    'config/config.exs': 'import Config\nconfig :shop, ecto_repos: [Shop.Repo]\nimport_config "#{config_env()}.exs"\n',
    'config/prod.exs': 'import Config\n',
    'config/runtime.exs': [
      'import Config',
      'if config_env() == :prod do',
      '  config :shop, Shop.Repo,',
      '    url: System.get_env("DATABASE_URL"),',
      '    pool_size: String.to_integer(System.get_env("POOL_SIZE") || "7")',
      'end',
      '',
    ].join('\n'),
    'mix.exs': 'defmodule Shop.MixProject do\n  use Mix.Project\n  def project, do: [app: :shop, deps: deps()]\n  defp deps, do: [{:phoenix, "~> 1.7"}, {:ecto_sql, "~> 3.10"}, {:postgrex, ">= 0.0.0"}]\nend\n',
    'mix.lock': '%{\n  "db_connection": {:hex, :db_connection, "2.6.0", "x", [:mix], [], "hexpm", "y"},\n  "ecto_sql": {:hex, :ecto_sql, "3.11.1", "x", [:mix], [], "hexpm", "y"},\n  "postgrex": {:hex, :postgrex, "0.17.4", "x", [:mix], [], "hexpm", "y"},\n}\n',
  })

describe('a variable app.json requires with no value: the code\'s fallback is an assumption', () => {
  it('Elixir: System.get_env("POOL_SIZE") || "7" with POOL_SIZE required → pool 7, starred', () => {
    const dir = phoenix(appJson({POOL_SIZE: {description: 'Ecto pool size', required: true}, SECRET_KEY_BASE: {generator: 'secret'}}))
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    // runtime.exs:5 pool_size 7 (the fallback); one BEAM process per dyno, 1 dyno: 7.
    expect(r.type('web')).toMatchObject({connections: 7, processesPerDyno: 1})
    expect(assumedFor(r.type('web').sources['pool.Shop.Repo'], 'POOL_SIZE')).toBe(true)
    const text = runCliInProcess(['plan', '--procfile', `${dir}/Procfile`, '--plan', 'standard-0', '--explain']).stdout
    expect(text).toMatch(/pool \(Shop\.Repo\) +7 +config\/runtime\.exs:5 ← assumption: POOL_SIZE is required by app\.json:3 with no value: the deployer sets it/)
    expect(text).toContain('--env POOL_SIZE=')
    // The app's value given: 3, read, nothing assumed.
    const given = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--env', 'POOL_SIZE=3'])
    expect(given.type('web').connections).toBe(3)
    expect(assumedFor(given.type('web').sources['pool.Shop.Repo'], 'POOL_SIZE')).toBe(false)
  })

  it('required defaults to true: {"description": …} alone is required; "required": false is not', () => {
    const dflt = planJson(`${phoenix(appJson({POOL_SIZE: {description: 'Ecto pool size'}}))}/Procfile`, ['--plan', 'standard-0'])
    expect(dflt.type('web').connections).toBe(7)
    expect(assumedFor(dflt.type('web').sources['pool.Shop.Repo'], 'POOL_SIZE')).toBe(true)
    // "required": false may be left blank at creation, and then it is unset: the fallback applies, as for any variable.
    const optional = planJson(`${phoenix(appJson({POOL_SIZE: {description: 'Ecto pool size', required: false}}))}/Procfile`, ['--plan', 'standard-0'])
    expect(optional.type('web').connections).toBe(7)
    expect(assumedFor(optional.type('web').sources['pool.Shop.Repo'], 'POOL_SIZE')).toBe(false)
    // A value in app.json is that value, as before: 4.
    const valued = planJson(`${phoenix(appJson({POOL_SIZE: {description: 'Ecto pool size', value: '4'}}))}/Procfile`, ['--plan', 'standard-0'])
    expect(valued.type('web').connections).toBe(4)
    expect(JSON.stringify(valued.type('web').sources['pool.Shop.Repo'])).not.toContain('assumed')
  })

  it('a required variable no number reads stars nothing', () => {
    const r = planJson(`${phoenix(appJson({ADMIN_EMAIL: {description: 'who gets mail'}, SECRET_KEY_BASE: {required: true}}))}/Procfile`, ['--plan', 'standard-0'])
    expect(r.type('web').connections).toBe(7)
    expect(JSON.stringify(r.type('web').sources)).not.toContain('required by app.json')
  })

  it('Rails: ENV.fetch("RAILS_MAX_THREADS") { 5 } and ENV["WEB_CONCURRENCY"] || 3 with both required → 3 × 5 = 15, starred', () => {
    const dir = app({
      'Gemfile': "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngem 'pg'\ngem 'puma'\n",
      'Gemfile.lock': 'GEM\n  remote: https://rubygems.org/\n  specs:\n    pg (1.5.4)\n    puma (6.4.0)\n    rails (7.1.2)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  pg\n  puma\n  rails (~> 7.1)\n',
      'Procfile': 'web: bundle exec puma -C config/puma.rb\n',
      'app.json': appJson({RAILS_MAX_THREADS: {description: 'threads per worker'}, WEB_CONCURRENCY: {required: true}}),
      'config/database.yml': 'production:\n  adapter: postgresql\n  url: <%= ENV["DATABASE_URL"] %>\n  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>\n',
      'config/puma.rb': 'workers (ENV["WEB_CONCURRENCY"] || 3).to_i\nthreads_count = ENV.fetch("RAILS_MAX_THREADS") { 5 }.to_i\nthreads threads_count, threads_count\npreload_app!\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    // puma.rb: workers 3 (fallback), threads 5 (fallback); pool 5; 3 × min(5, 5) = 15 (+ the forking master's none: preload without a connection).
    expect(r.type('web')).toMatchObject({processesPerDyno: 3, threadsPerProcess: 5})
    expect(r.type('web').connections).toBe(15)
    expect(assumedFor(r.type('web').sources.processesPerDyno, 'WEB_CONCURRENCY')).toBe(true)
    expect(assumedFor(r.type('web').sources.threadsPerProcess, 'RAILS_MAX_THREADS')).toBe(true)
    // Given on the command line: 2 × 4 = 8, neither assumed.
    const given = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--env', 'WEB_CONCURRENCY=2', '--env', 'RAILS_MAX_THREADS=4'])
    expect(given.type('web').connections).toBe(8)
    expect(JSON.stringify(given.type('web').sources)).not.toContain('required by app.json')
  })

  it('Django: gunicorn.conf.py os.environ.get("GUNICORN_WORKERS", 3) with it required → 3 workers × 2 threads = 6, starred', () => {
    const dir = app({
      'Procfile': 'web: gunicorn shop.wsgi -c gunicorn.conf.py\n',
      'app.json': appJson({DJANGO_SECRET_KEY: {generator: 'secret'}, GUNICORN_WORKERS: {description: 'gunicorn workers'}}),
      'gunicorn.conf.py': 'import os\n\nworkers = int(os.environ.get("GUNICORN_WORKERS", 3))\nthreads = 2\n',
      'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n',
      'requirements.txt': 'Django==4.2.7\ngunicorn==21.2.0\npsycopg2-binary==2.9.9\n',
      'shop/__init__.py': '',
      'shop/settings.py': 'DATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.postgresql",\n        "NAME": "shop",\n    }\n}\n',
      'shop/wsgi.py': 'import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\napplication = get_wsgi_application()\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    // Django opens one connection per thread: 3 workers × 2 threads = 6.
    expect(r.type('web')).toMatchObject({connections: 6, processesPerDyno: 3, threadsPerProcess: 2})
    expect(assumedFor(r.type('web').sources.processesPerDyno, 'GUNICORN_WORKERS')).toBe(true)
    expect(assumedFor(r.type('web').sources.threadsPerProcess, 'GUNICORN_WORKERS')).toBe(false)
    expect(planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--env', 'GUNICORN_WORKERS=5']).type('web').connections).toBe(10)
  })

  it('shell defaults in the Procfile: `-w ${GUNICORN_WORKERS:-3}` and `WEB_CONCURRENCY=${WEB_CONCURRENCY-2}` with both required → starred', () => {
    const django = {
      'app.json': appJson({GUNICORN_WORKERS: {description: 'gunicorn workers'}, WEB_CONCURRENCY: {description: 'worker processes'}}),
      'requirements.txt': 'Django==4.2.7\ngunicorn==21.2.0\npsycopg2-binary==2.9.9\n',
      'shop/__init__.py': '',
      'shop/settings.py': 'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "shop"}}\n',
      'shop/wsgi.py': 'import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\napplication = get_wsgi_application()\n',
    }
    const dir = app({...django, Procfile: 'web: gunicorn shop.wsgi -w ${GUNICORN_WORKERS:-3} --threads 2\nother: WEB_CONCURRENCY=${WEB_CONCURRENCY-2} gunicorn shop.wsgi\n'})
    // web: the shell's default 3 workers (sh: `${X:-word}` is the word when X is unset) × 2 threads = 6, starred;
    // other: WEB_CONCURRENCY is set below app.json only by heroku/python (2 on standard-1x), else the shell's 2: gunicorn
    // reads it as its workers (1 thread): 2, starred, as the deployer's value replaces either.
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'other=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 6, processesPerDyno: 3, threadsPerProcess: 2})
    expect(assumedFor(r.type('web').sources.processesPerDyno, 'GUNICORN_WORKERS')).toBe(true)
    expect(r.type('other')).toMatchObject({connections: 2, processesPerDyno: 2})
    expect(assumedFor(r.type('other').sources.processesPerDyno, 'WEB_CONCURRENCY')).toBe(true)
    const text = runCliInProcess(['plan', '--procfile', `${dir}/Procfile`, '--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'other=1:standard-1x', '--explain']).stdout
    expect(text).toContain('GUNICORN_WORKERS is required by app.json:')
    // The app's values given: read, nothing assumed (5 × 2 = 10; 4).
    const given = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'other=1:standard-1x', '--env', 'GUNICORN_WORKERS=5', '--env', 'WEB_CONCURRENCY=4'])
    expect(given.type('web').connections).toBe(10)
    expect(assumedFor(given.type('web').sources.processesPerDyno, 'GUNICORN_WORKERS')).toBe(false)
    expect(given.type('other').connections).toBe(4)
    // Not required by app.json: the default is the shell's, unstarred.
    const free = app({...django, 'app.json': appJson({}), Procfile: 'web: gunicorn shop.wsgi -w ${GUNICORN_WORKERS:-3} --threads 2\n'})
    const f = planJson(`${free}/Procfile`, ['--plan', 'standard-0'])
    expect(f.type('web').connections).toBe(6)
    expect(JSON.stringify(f.type('web').sources.processesPerDyno)).not.toContain('assumed')
  })

  it('a variable the server reads itself: gunicorn with WEB_CONCURRENCY required → the buildpack\'s 4 on standard-2x, starred', () => {
    const dir = app({
      'Procfile': 'web: gunicorn shop.wsgi\n',
      'app.json': appJson({WEB_CONCURRENCY: {description: 'gunicorn workers'}}),
      'requirements.txt': 'Django==4.2.7\ngunicorn==21.2.0\npsycopg2-binary==2.9.9\n',
      'shop/__init__.py': '',
      'shop/settings.py': 'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "shop"}}\n',
      'shop/wsgi.py': 'import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\napplication = get_wsgi_application()\n',
    })
    // heroku/python sets WEB_CONCURRENCY=4 on standard-2x (2 × 2 + 1 = 5 capped by 1024 MB ÷ 256 = 4) only when unset;
    // the deployer's value replaces it: 4 × 1 thread = 4, starred.
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1:standard-2x'])
    expect(r.type('web')).toMatchObject({connections: 4, processesPerDyno: 4})
    expect(assumedFor(r.type('web').sources.processesPerDyno, 'WEB_CONCURRENCY')).toBe(true)
    const given = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1:standard-2x', '--env', 'WEB_CONCURRENCY=2'])
    expect(given.type('web')).toMatchObject({connections: 2, processesPerDyno: 2})
    expect(assumedFor(given.type('web').sources.processesPerDyno, 'WEB_CONCURRENCY')).toBe(false)
  })

  it('Node: pg Pool max parseInt(process.env.PG_POOL_MAX || "12") with it required → 12, starred', () => {
    const dir = app({
      'Procfile': 'web: node server.js\n',
      'app.json': appJson({PG_POOL_MAX: {description: 'pool size', required: true}}),
      'package.json': JSON.stringify({dependencies: {express: '^4.18.2', pg: '^8.11.3'}, name: 'shop'}),
      'server.js': [
        "const express = require('express')",
        "const {Pool} = require('pg')",
        'const pool = new Pool({connectionString: process.env.DATABASE_URL, max: parseInt(process.env.PG_POOL_MAX || "12", 10)})',
        'const app = express()',
        "app.get('/', async (req, res) => res.json((await pool.query('select 1')).rows))",
        'app.listen(process.env.PORT)',
        '',
      ].join('\n'),
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    expect(r.type('web').connections).toBe(12)
    expect(assumedFor(r.type('web').sources, 'PG_POOL_MAX')).toBe(true)
    expect(planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--env', 'PG_POOL_MAX=6']).type('web').connections).toBe(6)
  })

  it('Go: `if n == "" { n = "9" }` after os.Getenv("DB_MAX_CONNS") with it required → SetMaxOpenConns 9, starred', () => {
    const dir = app({
      'Procfile': 'web: bin/depot\n',
      'app.json': appJson({DB_MAX_CONNS: {required: true}}),
      'go.mod': 'module example.com/depot\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n',
      'main.go': [
        'package main',
        'import (',
        '\t"database/sql"',
        '\t"net/http"',
        '\t"os"',
        '\t"strconv"',
        '\t_ "github.com/lib/pq"',
        ')',
        'func main() {',
        '\tn := os.Getenv("DB_MAX_CONNS")',
        '\tif n == "" {',
        '\t\tn = "9"',
        '\t}',
        '\tmax, _ := strconv.Atoi(n)',
        '\tdb, _ := sql.Open("postgres", os.Getenv("DATABASE_URL"))',
        '\tdb.SetMaxOpenConns(max)',
        '\thttp.ListenAndServe(":"+os.Getenv("PORT"), nil)',
        '}',
        '',
      ].join('\n'),
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    expect(r.type('web').connections).toBe(9)
    expect(assumedFor(r.type('web').sources, 'DB_MAX_CONNS')).toBe(true)
    const given = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--env', 'DB_MAX_CONNS=4']).type('web')
    expect(given.connections).toBe(4)
    expect(assumedFor(given.sources, 'DB_MAX_CONNS')).toBe(false)
  })

  const rustApp = (json: string, main: string, extra: Record<string, string> = {}, crates: Record<string, string> = {sqlx: '0.7.4', 'sqlx-postgres': '0.7.4', tokio: '1.38.0'}): string =>
    app({
      'Cargo.lock': ['version = 3', '', ...Object.entries(crates).flatMap(([name, version]) => ['[[package]]', `name = "${name}"`, `version = "${version}"`, '']), ''].join('\n'),
      'Cargo.toml': `[package]\nname = "shop"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${Object.keys(crates).map((c) => `${c} = "*"`).join('\n')}\n`,
      'Procfile': 'web: ./target/release/shop\n',
      'app.json': json,
      'src/main.rs': main,
      ...extra,
    })

  it('Rust: env::var("DB_POOL")…unwrap_or(6) with it required → max_connections 6, starred', () => {
    const main = [
      'use sqlx::postgres::PgPoolOptions;',
      '#[tokio::main]',
      'async fn main() {',
      '    let max: u32 = std::env::var("DB_POOL").ok().and_then(|v| v.parse().ok()).unwrap_or(6);',
      '    let _pool = PgPoolOptions::new().max_connections(max).connect(&std::env::var("DATABASE_URL").unwrap()).await.unwrap();',
      '}',
      '',
    ].join('\n')
    const dir = rustApp(appJson({DB_POOL: {required: true}}), main)
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    expect(r.type('web').connections).toBe(6)
    expect(assumedFor(r.type('web').sources, 'DB_POOL')).toBe(true)
    expect(planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--env', 'DB_POOL=3']).type('web').connections).toBe(3)
    // Not required: the fallback is the app's own default, not starred.
    expect(assumedFor(planJson(`${rustApp(appJson({}), main)}/Procfile`, ['--plan', 'standard-0']).type('web').sources, 'DB_POOL')).toBe(false)
  })

  it('Rust: Rocket workers with ROCKET_WORKERS required → Rocket.toml workers 3 × 4 = 12, starred', () => {
    const main = ['use rocket_db_pools::{sqlx, Database};', '#[derive(Database)]', '#[database("notes")]', 'struct Notes(sqlx::PgPool);', '#[launch]', 'fn rocket() -> _ {', '    rocket::build().attach(Notes::init())', '}', ''].join('\n')
    const toml = '[default.databases.notes]\nurl = "postgres://localhost/notes"\n\n[release]\nworkers = 3\n'
    const dir = rustApp(appJson({ROCKET_WORKERS: {required: true}}), main, {'Rocket.toml': toml}, {rocket: '0.5.1', rocket_db_pools: '0.2.0', sqlx: '0.7.4', 'sqlx-postgres': '0.7.4'})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    expect(r.type('web').connections).toBe(12)
    expect(assumedFor(r.type('web').sources, 'ROCKET_WORKERS')).toBe(true)
    expect(planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--env', 'ROCKET_WORKERS=2']).type('web').connections).toBe(8)
  })

  it('.NET: int.Parse(Environment.GetEnvironmentVariable("WORKER_POOL_SIZE") ?? "5") with it required → worker 5, starred', () => {
    const dir = dotnet.app({'app.json': appJson({WORKER_POOL_SIZE: {required: true}})})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1'])
    expect(r.type('worker').connections).toBe(5)
    expect(assumedFor(r.type('worker').sources, 'WORKER_POOL_SIZE')).toBe(true)
    const given = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1', '--env', 'WORKER_POOL_SIZE=2']).type('worker')
    expect([given.connections, assumedFor(given.sources, 'WORKER_POOL_SIZE')]).toEqual([2, false])
  })

  it('JVM: Spring `${DB_POOL_SIZE:8}` and Play HOCON `${?DB_POOL_SIZE}` over 8, with it required → 8, starred', () => {
    const json = appJson({DB_POOL_SIZE: {required: true}})
    // application.properties:6 maximum-pool-size=${DB_POOL_SIZE:8}: 8 (one dyno, one JVM).
    const s = planJson(`${spring.app({'app.json': json})}/Procfile`, ['--plan', 'standard-0'])
    expect(s.type('web').connections).toBe(8)
    expect(assumedFor(s.type('web').sources, 'DB_POOL_SIZE')).toBe(true)
    // application.conf: hikaricp.maximumPoolSize = 8, then `= ${?DB_POOL_SIZE}`: 8 kept while it is unset.
    const p = planJson(`${play.app({'app.json': json})}/Procfile`, ['--plan', 'standard-0'])
    expect(p.type('web').poolPerProcess).toBe(8)
    expect(assumedFor(p.type('web').sources, 'DB_POOL_SIZE')).toBe(true)
    expect(assumedFor(planJson(`${play.app({'app.json': json})}/Procfile`, ['--plan', 'standard-0', '--env', 'DB_POOL_SIZE=8']).type('web').sources, 'DB_POOL_SIZE')).toBe(false)
  })
})

describe('PHP: a Horizon supervisor count from env() with a default', () => {
  // test/fixtures/laravel-horizon, production: supervisor-1 maxProcesses 10 + supervisor-media `'processes' =>
  // env('HORIZON_MEDIA_PROCESSES', 5)`: 15. app.json requires HORIZON_MEDIA_PROCESSES with no value: 15, starred; --env 2: 12.
  const json = appJson({HORIZON_MEDIA_PROCESSES: {description: 'media workers'}})
  it('the fallback 5 is an assumption when app.json requires the variable', () => {
    const dir = horizon.app({'app.json': json})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'queues=1'])
    expect(r.type('queues').processesPerDyno).toBe(15)
    expect(assumedFor(r.type('queues').sources.processesPerDyno, 'HORIZON_MEDIA_PROCESSES')).toBe(true)
    const given = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'queues=1', '--env', 'HORIZON_MEDIA_PROCESSES=2'])
    expect(given.type('queues').processesPerDyno).toBe(12)
    expect(assumedFor(given.type('queues').sources.processesPerDyno, 'HORIZON_MEDIA_PROCESSES')).toBe(false)
  })
})
