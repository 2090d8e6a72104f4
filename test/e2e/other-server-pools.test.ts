/**
 * The one rule for a pool whose URL is read from an env var other than the platform's DATABASE_URL
 * (model/other-server.ts): with no value for that var, the pool is on an unknown server — listed,
 * not counted, and said in the plain output (other-server-pools) — unless nothing else in the
 * process is counted on the plan (the var is the app's own name for its database): then counted,
 * starred. Given values, the hosts decide. One small app per language, made up for this test.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson, runCliInProcess} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const args = (env: string[] = []) => ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...env.flatMap((e) => ['--env', e])]
const plain = (dir: string, env: string[] = []) => runCliInProcess(['plan', '--procfile', join(dir, 'Procfile'), ...args(env)]).stdout
const json = (dir: string, env: string[] = []) => planJson(join(dir, 'Procfile'), args(env))

const pkg = (deps: Record<string, string>) => JSON.stringify({dependencies: deps, engines: {node: '20.x'}}, null, 2)

// Express + knex: the app's database on DATABASE_URL (pool.max 8), a journal database on JOURNAL_DATABASE_URL (pool.max 4).
const knexApp = (main: string, journal: string) => ({
  Procfile: 'web: node server.js\n',
  'package.json': pkg({express: '^4.19.0', knex: '^3.1.0', pg: '^8.11.0'}),
  'server.js': [
    "const express = require('express')",
    "const knex = require('knex')",
    `const db = knex({client: 'pg', connection: process.env.${main}, pool: {min: 0, max: 8}})`,
    `const journal = knex({client: 'pg', connection: process.env.${journal}, pool: {min: 0, max: 4}})`,
    "express().get('/', async (req, res) => { await journal('events').insert({at: new Date()}); res.json(await db('users').count()) }).listen(process.env.PORT)",
  ].join('\n'),
})

describe('Node: a pool on another env var with no value', () => {
  const dir = app(knexApp('DATABASE_URL', 'JOURNAL_DATABASE_URL'))

  it('is not counted, and the plain output names it, its pool and its type, with how to say it shares the server', () => {
    const r = json(dir)
    // Counted: knex 8 on DATABASE_URL. Node's queries at once = the counted pools = 8; min(8, 8) = 8 per process, 1 dyno → 8.
    expect(r.total).toBe(8)
    expect(r.type('web').otherServerPools).toMatchObject([{database: 'knex server.js:4', pool: 4, server: 'unknown server: JOURNAL_DATABASE_URL has no value'}])
    const out = plain(dir)
    expect(out).toContain('server.js:4: warning: not counted in the total, on an unknown server (JOURNAL_DATABASE_URL has no value): knex server.js:4 (pool 4; web) [other-server-pools]')
    expect(out).toContain('--env JOURNAL_DATABASE_URL=… --env DATABASE_URL=…')
  })

  it("given both URLs on one host and port, it is counted on the plan; on another host, listed on that server and not warned", () => {
    // Same host db1:5432: 8 + 4 = 12 queries at once, 12 connections.
    expect(json(dir, ['DATABASE_URL=postgres://u:p@db1/main', 'JOURNAL_DATABASE_URL=postgres://u:p@db1/journal']).total).toBe(12)
    const other = json(dir, ['DATABASE_URL=postgres://u:p@db1/main', 'JOURNAL_DATABASE_URL=postgres://u:p@db2/journal'])
    expect(other.total).toBe(8)
    expect(other.type('web').otherServerPools).toMatchObject([{pool: 4, server: 'JOURNAL_DATABASE_URL'}])
    expect(other.codes).not.toContain('other-server-pools')
  })

  it("when nothing else is counted on the plan, the app's own var is its database (starred); a var named after it plus more is a second one", () => {
    const r = json(app(knexApp('APP_DB_URL', 'APP_DB_URL_JOURNAL')))
    // APP_DB_URL (8) is the app's own database, counted and assumed; APP_DB_URL_JOURNAL (4) is listed → 8.
    expect(r.total).toBe(8)
    expect(r.type('web').sources['pool.knex server.js:3'].via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining("APP_DB_URL, which has no value here, and nothing else in this process connects to DATABASE_URL: taken as the app's own database")}))
    expect(r.type('web').otherServerPools).toMatchObject([{pool: 4, server: 'unknown server: APP_DB_URL_JOURNAL has no value'}])
  })
})

describe("Node: a setup file the app ships puts the second var on DATABASE_URL's server", () => {
  // A setup script builds both URLs on one host variable: JOURNAL_DATABASE_URL is on the plan's server whatever the values.
  const script = [
    '#!/bin/bash',
    'export DATABASE_URL="postgres://${DB_OWNER}:${DB_OWNER_PW}@${DB_HOST}/${DB_NAME}"',
    'export JOURNAL_DATABASE_URL="postgres://${DB_WRITER}:${DB_WRITER_PW}@${DB_HOST}/${DB_NAME}_journal"',
    'heroku config:set DATABASE_URL="$DATABASE_URL" JOURNAL_DATABASE_URL="$JOURNAL_DATABASE_URL"',
  ].join('\n')

  it('counts it on the plan, starred, naming the file and line; no other-server warning', () => {
    const r = json(app({...knexApp('DATABASE_URL', 'JOURNAL_DATABASE_URL'), 'scripts/heroku-setup.sh': script}))
    // knex 8 (DATABASE_URL) + knex 4 (JOURNAL_DATABASE_URL, same host var ${DB_HOST}) = 12 queries at once, 1 process → 12.
    expect(r.total).toBe(12)
    expect(r.type('web').otherServerPools).toEqual([])
    expect(r.codes).not.toContain('other-server-pools')
    expect(r.type('web').sources['pool.knex server.js:4'].via).toContainEqual(
      expect.objectContaining({kind: 'assumed', why: expect.stringContaining("JOURNAL_DATABASE_URL has no value here; scripts/heroku-setup.sh:3 builds JOURNAL_DATABASE_URL on DATABASE_URL's host (${DB_HOST}): counted on the plan's server")}),
    )
  })

  it('reads the root setup file for a process that runs in a workspace folder', () => {
    const files = Object.fromEntries(Object.entries(knexApp('DATABASE_URL', 'JOURNAL_DATABASE_URL')).map(([k, v]) => [k === 'Procfile' ? k : `packages/api/${k}`, v]))
    const r = json(app({...files, Procfile: 'web: cd packages/api && node server.js\n', 'heroku-setup.template': script}))
    // The same 8 + 4 = 12; the template is at the app root, the process in packages/api.
    expect(r.total).toBe(12)
    expect(r.type('web').sources['pool.knex packages/api/server.js:4'].via).toContainEqual(expect.objectContaining({why: expect.stringContaining('heroku-setup.template:3 builds')}))
  })

  it('a .env.example with the same literal host and database and another role is the same database: counted', () => {
    const env = 'DATABASE_URL=postgres://owner:pw@localhost:5432/app\nJOURNAL_DATABASE_URL=postgres://writer:pw2@localhost:5432/app\n'
    const r = json(app({...knexApp('DATABASE_URL', 'JOURNAL_DATABASE_URL'), '.env.example': env}))
    // 8 + 4 = 12.
    expect(r.total).toBe(12)
    expect(r.type('web').sources['pool.knex server.js:4'].via).toContainEqual(
      expect.objectContaining({why: expect.stringContaining(".env.example:2 gives JOURNAL_DATABASE_URL DATABASE_URL's host and database (localhost:5432/app), another role")}),
    )
  })

  it('is not evidence: another database on the same literal host (a laptop), or a follower-named var', () => {
    const other = 'DATABASE_URL=postgres://u@localhost/app\nJOURNAL_DATABASE_URL=postgres://u@localhost/app_journal\n'
    const r = json(app({...knexApp('DATABASE_URL', 'JOURNAL_DATABASE_URL'), '.env.example': other}))
    // Different database names on localhost: a second database, not counted → 8, warned.
    expect(r.total).toBe(8)
    expect(r.codes).toContain('other-server-pools')
    const follower = 'DATABASE_URL=postgres://u@localhost/app\nREPLICA_DATABASE_URL=postgres://ro@localhost/app\n'
    // A follower has the primary's database name in development and its own server in production → 8.
    expect(json(app({...knexApp('DATABASE_URL', 'REPLICA_DATABASE_URL'), '.env.example': follower})).total).toBe(8)
  })
})

describe('Node: a second Prisma client generated from a schema whose datasource reads another var', () => {
  const dir = app({
    Procfile: 'web: node server.js\n',
    'package.json': pkg({'@prisma/client': '5.22.0', express: '^4.19.0', prisma: '5.22.0'}),
    'prisma/schema.prisma': 'generator client {\n  provider = "prisma-client-js"\n}\n\ndatasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n',
    'stats/schema.prisma': 'generator stats {\n  provider = "prisma-client-js"\n  output   = "./client"\n}\n\ndatasource stats {\n  provider = "postgresql"\n  url      = env("STATS_URL")\n}\n',
    'server.js': [
      "const express = require('express')",
      "const {PrismaClient} = require('@prisma/client')",
      "const {PrismaClient: StatsClient} = require('./stats/client')",
      'const prisma = new PrismaClient()',
      'const stats = new StatsClient()',
      "express().get('/', async (req, res) => res.json(await prisma.user.count())).listen(process.env.PORT)",
    ].join('\n'),
  })

  it("the client from stats/schema.prisma (generator output ./client) is on STATS_URL's server: not counted, said", () => {
    const r = json(dir)
    // Prisma ≤ 6 connection_limit = physical CPUs × 2 + 1 = 8 × 2 + 1 = 17 on standard-1x (8 CPUs reported); one client counted → 17.
    expect(r.total).toBe(17)
    expect(r.type('web').otherServerPools).toMatchObject([{database: 'prisma server.js:5', pool: 17, server: 'unknown server: STATS_URL has no value'}])
    expect(r.codes).toContain('other-server-pools')
  })

  it("STATS_URL on DATABASE_URL's host with ?connection_limit=3: counted, with the limit read from STATS_URL", () => {
    // 17 + 3 = 20.
    expect(json(dir, ['DATABASE_URL=postgres://u:p@db1/main', 'STATS_URL=postgres://u:p@db1/stats?connection_limit=3']).total).toBe(20)
  })
})

describe('Python: a second SQLAlchemy engine on another var with no value', () => {
  const dir = app({
    Procfile: 'web: gunicorn app:app --workers 2 --threads 4\n',
    'app.py': [
      'import os',
      'from flask import Flask',
      'from sqlalchemy import create_engine',
      'app = Flask(__name__)',
      'engine = create_engine(os.environ["DATABASE_URL"], pool_size=3, max_overflow=0)',
      'stats = create_engine(os.environ.get("STATS_DATABASE_URL"), pool_size=2, max_overflow=0)',
    ].join('\n'),
    'requirements.txt': 'flask==3.0.3\nsqlalchemy==2.0.30\npsycopg2==2.9.9\ngunicorn==22.0.0\n',
  })

  it('is listed on an unknown server, not counted, and said', () => {
    const r = json(dir)
    // 2 workers × min(3 + 0, 4 threads) = 6 (the stats engine's min(2, 4) = 2 per worker is not added: it was 10 before).
    expect(r.total).toBe(6)
    expect(r.type('web').otherServerPools).toMatchObject([{pool: 2, server: 'unknown server: STATS_DATABASE_URL has no value'}])
    expect(plain(dir)).toContain('on an unknown server (STATS_DATABASE_URL has no value)')
  })
})

describe('Play: a non-default db whose url is only ${?ANALYTICS_URL}, unset', () => {
  const dir = app({
    Procfile: 'web: target/universal/stage/bin/shop -Dhttp.port=${PORT}\n',
    'build.sbt': 'lazy val root = (project in file(".")).enablePlugins(PlayScala)\nlibraryDependencies ++= Seq(jdbc, "org.postgresql" % "postgresql" % "42.7.3")\n',
    'conf/application.conf': [
      'db.default.driver = org.postgresql.Driver',
      'db.default.url = ${?JDBC_DATABASE_URL}',
      'db.default.hikaricp.maximumPoolSize = 6',
      'db.analytics.driver = org.postgresql.Driver',
      'db.analytics.url = "jdbc:postgresql://localhost/analytics"',
      'db.analytics.url = ${?ANALYTICS_URL}',
      'db.analytics.hikaricp.maximumPoolSize = 3',
    ].join('\n'),
    'conf/routes': 'GET / controllers.HomeController.index\n',
    'project/plugins.sbt': 'addSbtPlugin("org.playframework" % "sbt-plugin" % "3.0.4")\n',
  })

  it('is listed on an unknown server (was counted on the same server, starred), and the queries at once are the counted pool', () => {
    const r = json(dir)
    // db.default 6 counted; Play's queries at once = 6 → 6 (was 6 + 3 = 9).
    expect(r.total).toBe(6)
    expect(r.type('web').otherServerPools).toMatchObject([{database: 'db.analytics', pool: 3, server: 'unknown server: ANALYTICS_URL has no value'}])
    expect(r.codes).toContain('other-server-pools')
  })
})

describe('Ruby: a database.yml entry whose url is ENV["REPORTING_DATABASE_URL"], unset', () => {
  it('was already listed on an unknown server; the plain output now says so too', () => {
    const dir = app({
      'Gemfile.lock': 'GEM\n  remote: https://rubygems.org/\n  specs:\n    pg (1.5.6)\n    puma (6.4.2)\n    rails (7.1.3)\n    railties (7.1.3)\n    activerecord (7.1.3)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  pg\n  puma\n  rails\n',
      Procfile: 'web: bundle exec puma -t 5:5 -w 2\n',
      'config/database.yml': 'production:\n  primary:\n    adapter: postgresql\n    url: <%= ENV["DATABASE_URL"] %>\n    pool: 5\n  reporting:\n    adapter: postgresql\n    url: <%= ENV["REPORTING_DATABASE_URL"] %>\n    pool: 5\n',
    })
    const r = json(dir)
    // 2 workers × min(5, 5 threads) on the primary = 10; reporting not counted.
    expect(r.total).toBe(10)
    expect(plain(dir)).toContain('not counted in the total, on an unknown server (REPORTING_DATABASE_URL has no value): reporting (pool 5; web) [other-server-pools]')
  })
})
