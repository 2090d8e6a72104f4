/**
 * A pool made in a function the module declares BELOW the functions that call it. JavaScript binds a scope's
 * function declarations before any of its statements runs (https://tc39.es/ecma262/#sec-functiondeclarationinstantiation),
 * and a function body runs after the module's top level has run, when every top-level `const`, `let` and `class` is
 * bound too. conncalc walks a module top to bottom and a function's body again per call site with its parameters
 * bound: the callee was not known yet where the call is read, so no call site gave the pool its URL or its max, and
 * it was counted on the plan's server with its parameters unknown. Made-up apps: CommonJS JS, ESM JS, NestJS TS.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const json = (dir: string, env: string[] = []) => planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...env.flatMap((e) => ['--env', e])])

const cjs = app({
  Procfile: 'web: node src/server.js\n',
  'package.json': JSON.stringify({dependencies: {express: '^4.19.0', pg: '^8.11.0'}, engines: {node: '20.x'}}, null, 2),
  'src/db.js': [
    "const {Pool} = require('pg')",
    '// Exported above the functions it names.',
    'module.exports = {appPool, reportsPool, analyticsPool}',
    'function appPool() {',
    '  return makePool(process.env.DATABASE_URL, POOL_MAX)',
    '}',
    'function reportsPool() {',
    '  return makePool(process.env.REPORTS_URL, 2)',
    '}',
    'function analyticsPool() {',
    '  return open(process.env.ANALYTICS_URL)',
    '  function open(url) {',
    '    return new Pool({connectionString: url, max: 3})',
    '  }',
    '}',
    'const POOL_MAX = Number(process.env.DB_POOL_MAX || 7)',
    'function makePool(url, max) {',
    '  return new Pool({connectionString: url, max})',
    '}',
  ].join('\n'),
  'src/server.js': [
    "const express = require('express')",
    "const {appPool, reportsPool, analyticsPool} = require('./db')",
    'const pool = appPool()',
    'const reports = reportsPool()',
    'const analytics = analyticsPool()',
    'express()',
    "  .get('/', async (req, res) => res.json((await pool.query('select 1')).rows))",
    "  .get('/r', async (req, res) => res.json((await reports.query('select 1')).rows))",
    "  .get('/a', async (req, res) => res.json((await analytics.query('select 1')).rows))",
    '  .listen(process.env.PORT)',
  ].join('\n'),
})

const esm = app({
  Procfile: 'web: node server.mjs\n',
  'package.json': JSON.stringify({type: 'module', dependencies: {fastify: '^4.28.0', pg: '^8.11.0'}, engines: {node: '20.x'}}, null, 2),
  'db.mjs': [
    "import pg from 'pg'",
    'export function connect() {',
    '  return createPool(process.env.DATABASE_URL)',
    '}',
    'export default function audit() {',
    '  return new AuditStore(process.env.AUDIT_DATABASE_URL)',
    '}',
    '// Not hoisted (a const and a class), but bound before connect() or audit() runs.',
    'const createPool = (url) => new pg.Pool({connectionString: url, max: LIMIT})',
    'const LIMIT = 4',
    'class AuditStore {',
    '  constructor(url) {',
    '    this.pool = new pg.Pool({connectionString: url, max: 2})',
    '  }',
    '}',
  ].join('\n'),
  'server.mjs': [
    "import Fastify from 'fastify'",
    "import audit, {connect} from './db.mjs'",
    'const pool = connect()',
    'const store = audit()',
    'const app = Fastify()',
    "app.get('/', async () => (await pool.query('select 1')).rows)",
    "app.get('/a', async () => (await store.pool.query('select 1')).rows)",
    'app.listen({port: Number(process.env.PORT), host: "0.0.0.0"})',
  ].join('\n'),
})

const nest = app({
  Procfile: 'web: npm run start:prod\n',
  'package.json': JSON.stringify({scripts: {build: 'nest build', 'start:prod': 'node dist/main'}, dependencies: {'@nestjs/common': '10.4.4', '@nestjs/core': '10.4.4', pg: '8.13.0'}}, null, 2),
  'src/main.ts': [
    "import { NestFactory } from '@nestjs/core'",
    "import { AppModule } from './app.module'",
    'async function bootstrap(): Promise<void> {',
    '  const app = await NestFactory.create(AppModule)',
    '  await app.listen(process.env.PORT ?? 3000)',
    '}',
    'bootstrap()',
  ].join('\n'),
  'src/app.module.ts': [
    "import { Module } from '@nestjs/common'",
    "import { Pool, PoolConfig } from 'pg'",
    '@Module({',
    '  providers: [',
    "    { provide: 'PG', useFactory: (): Pool => createPool(process.env.DATABASE_URL as string) },",
    "    { provide: 'PG_EXPORTS', useFactory: (): Pool => createPool(process.env.EXPORTS_DATABASE_URL as string) },",
    '  ],',
    '})',
    'export class AppModule {}',
    '',
    'export function createPool(connectionString: string): Pool {',
    '  const options: PoolConfig = { connectionString, max: Number(process.env.PG_POOL_MAX ?? 6) }',
    '  return new Pool(options)',
    '}',
  ].join('\n'),
})

describe('Node: a pool made in a function declared below its callers (made-up apps)', () => {
  it('CommonJS: function declarations are bound first, a body sees the top-level const below it, a nested function too', () => {
    const r = json(cjs)
    // makePool(url, max) is called from appPool (DATABASE_URL, POOL_MAX = Number(undefined || 7) = 7) and reportsPool
    // (REPORTS_URL, 2); analyticsPool's nested open(url) is declared below its return (ANALYTICS_URL, 3).
    // Counted: 7 on DATABASE_URL; listed: 2 on REPORTS_URL, 3 on ANALYTICS_URL (no value: an unknown server).
    // Before: makePool's pool had no call site, url and max unknown: pg's default 10 on the plan's server, and open's 3 too.
    expect(r.total).toBe(7)
    expect(r.type('web').otherServerPools).toEqual(expect.arrayContaining([
      expect.objectContaining({pool: 2, server: 'unknown server: REPORTS_URL has no value'}),
      expect.objectContaining({pool: 3, server: 'unknown server: ANALYTICS_URL has no value'}),
    ]))
    expect(r.type('web').otherServerPools).toHaveLength(2)
    // The top-level const below the function is read with the env: DB_POOL_MAX=3 → 3.
    expect(json(cjs, ['DB_POOL_MAX=3']).total).toBe(3)
  })

  it('ESM: a const arrow and a class declared below the exported functions that use them', () => {
    const r = json(esm)
    // connect() → createPool(DATABASE_URL) → max LIMIT = 4, counted; audit() → new AuditStore(AUDIT_DATABASE_URL) → 2, listed.
    expect(r.total).toBe(4)
    expect(r.type('web').otherServerPools).toEqual([expect.objectContaining({pool: 2, server: 'unknown server: AUDIT_DATABASE_URL has no value'})])
    // Both URLs on one server: 4 + 2 = 6.
    expect(json(esm, ['DATABASE_URL=postgres://u:p@db1:5432/main', 'AUDIT_DATABASE_URL=postgres://u:p@db1:5432/main']).total).toBe(6)
  })

  it('NestJS: providers whose factories call a function declared below the module class', () => {
    const r = json(nest)
    // createPool(DATABASE_URL): max Number(PG_POOL_MAX ?? 6) = 6, counted; createPool(EXPORTS_DATABASE_URL): 6, listed.
    expect(r.total).toBe(6)
    expect(r.type('web').otherServerPools).toEqual([expect.objectContaining({pool: 6, server: 'unknown server: EXPORTS_DATABASE_URL has no value'})])
    expect(json(nest, ['PG_POOL_MAX=4']).total).toBe(4)
    // Both URLs on one server: two pools of 6 (before: one pool, 6).
    expect(json(nest, ['DATABASE_URL=postgres://u:p@db1:5432/main', 'EXPORTS_DATABASE_URL=postgres://u:p@db1:5432/exports']).total).toBe(12)
  })
})
