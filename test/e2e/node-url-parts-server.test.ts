/**
 * A pool given its server in parts (`host`, `port`, `database`) that the app takes from a URL it parses
 * (pg-connection-string's `parse(url)`, `new URL(url)`, `url.parse(url)`) is on that URL's server, as a pool
 * given the URL itself is (model/other-server.ts): with the URL in DATABASE_URL, counted on the plan; in another
 * env var with no value, an unknown server, listed and not counted (other-server-pools); given both values, the
 * hosts decide. Before, a pool given parts was always counted on the plan's server, without a word.
 * A made-up app: Express + pg + knex + Sequelize.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson, runCliInProcess} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const args = (env: string[] = []) => ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...env.flatMap((e) => ['--env', e])]
const json = (dir: string, env: string[] = []) => planJson(join(dir, 'Procfile'), args(env))
const plain = (dir: string) => runCliInProcess(['plan', '--procfile', join(dir, 'Procfile'), ...args()]).stdout

const dir = app({
  Procfile: 'web: node src/server.js\n',
  'package.json': JSON.stringify({dependencies: {express: '^4.19.0', knex: '^3.1.0', pg: '^8.11.0', 'pg-connection-string': '^2.6.0', sequelize: '^6.37.0'}, engines: {node: '20.x'}}, null, 2),
  'src/db.js': [
    "const {Pool} = require('pg')",
    "const knex = require('knex')",
    '// The app database: a pool on the URL, and a knex pool given the same URL in parts.',
    'const pool = new Pool({connectionString: process.env.DATABASE_URL, max: 6})',
    'const {hostname, port, pathname} = new URL(process.env.DATABASE_URL)',
    "const db = knex({client: 'pg', connection: {host: hostname, port: Number(port), database: pathname.slice(1)}, pool: {min: 0, max: 4}})",
    'module.exports = {db, pool}',
  ].join('\n'),
  'src/reports.js': [
    "const {Pool} = require('pg')",
    "const {parse} = require('pg-connection-string')",
    '// A reporting database of its own, given in parts taken from its URL.',
    'const {host, port, database, user, password} = parse(process.env.REPORTS_DATABASE_URL)',
    'const reports = new Pool({host, port: Number(port), database, user, password, max: 3})',
    'module.exports = {reports}',
  ].join('\n'),
  'src/archive.js': [
    "const {Sequelize} = require('sequelize')",
    'const archiveUrl = new URL(process.env.ARCHIVE_URL)',
    "const archive = new Sequelize({dialect: 'postgres', host: archiveUrl.hostname, port: Number(archiveUrl.port), database: archiveUrl.pathname.slice(1), pool: {max: 2}})",
    'module.exports = {archive}',
  ].join('\n'),
  'src/server.js': [
    "const express = require('express')",
    "const {db, pool} = require('./db')",
    "const {reports} = require('./reports')",
    "const {archive} = require('./archive')",
    'express()',
    "  .get('/', async (req, res) => res.json(await db('users').count()))",
    "  .get('/n', async (req, res) => res.json((await pool.query('select 1')).rows))",
    "  .get('/r', async (req, res) => res.json((await reports.query('select 1')).rows))",
    "  .get('/a', async (req, res) => res.json(await archive.query('select 1')))",
    '  .listen(process.env.PORT)',
  ].join('\n'),
})

describe('Node: a pool given the parts of a URL the app parses (made-up app)', () => {
  it("the parts of DATABASE_URL are the plan's server; parts of another var with no value are an unknown server, not counted", () => {
    const r = json(dir)
    // Counted: pg 6 (DATABASE_URL) + knex 4 (DATABASE_URL's parts, src/db.js:6): Node's queries at once = 10;
    // min(6, 10) + min(4, 10) = 10 per process, 1 dyno → 10. Listed: pg 3 (REPORTS_DATABASE_URL), Sequelize 2 (ARCHIVE_URL).
    expect(r.total).toBe(10)
    expect(r.type('web').otherServerPools).toEqual(expect.arrayContaining([
      expect.objectContaining({database: 'pg src/reports.js:5', pool: 3, server: 'unknown server: REPORTS_DATABASE_URL has no value'}),
      expect.objectContaining({database: 'sequelize src/archive.js:3', pool: 2, server: 'unknown server: ARCHIVE_URL has no value'}),
    ]))
    expect(r.type('web').otherServerPools).toHaveLength(2)
    const out = plain(dir)
    expect(out).toContain('src/reports.js:5: warning: not counted in the total, on an unknown server (REPORTS_DATABASE_URL has no value): pg src/reports.js:5 (pool 3; web) [other-server-pools]')
  })

  it('given the URLs, the hosts decide: the same host and port as DATABASE_URL is counted there, another host is listed', () => {
    const same = json(dir, ['DATABASE_URL=postgres://u:p@db1:5432/main', 'REPORTS_DATABASE_URL=postgres://u:p@db1:5432/reports', 'ARCHIVE_URL=postgres://u:p@db2:5432/archive'])
    // pg 6 + knex 4 + reports 3 on db1:5432 = 13 queries at once, 13 connections; the archive (db2) is listed on its own server.
    expect(same.total).toBe(13)
    expect(same.type('web').otherServerPools).toMatchObject([{pool: 2, server: 'ARCHIVE_URL'}])
    expect(same.codes).not.toContain('other-server-pools')
  })
})
