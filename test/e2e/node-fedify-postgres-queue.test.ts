/**
 * A Fedify app whose message queue is @fedify/postgres's (the shape of fedify-dev/hollo src/federation/federation.ts):
 * `new PostgresMessageQueue(sql)` on the app's postgres.js instance. The queue's listen(), which Fedify runs when the
 * federation starts its queue, calls `sql.listen(channelName, …)` (fedify packages/postgres/src/mq.ts); postgres.js opens
 * one connection of its own per instance for listen (max 1, no idle timeout), outside the pool's `max`. With
 * createFederation's `manuallyStartQueue: true` and no startQueue() call, the process never listens.
 * Before, the library's listen was not seen: 8 where the process holds 9.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const dir = app({
  Procfile: 'web: node src/server.js\n',
  'package.json': JSON.stringify({dependencies: {'@fedify/fedify': '^1.9.0', '@fedify/postgres': '^1.9.0', postgres: '^3.4.0'}, engines: {node: '20.x'}, type: 'module'}, null, 2),
  'src/db.js': ["import postgres from 'postgres'", 'export const sql = postgres(process.env.DATABASE_URL, {max: 8})'].join('\n'),
  'src/federation.js': [
    "import {createFederation, ParallelMessageQueue} from '@fedify/fedify'",
    "import {PostgresKvStore, PostgresMessageQueue} from '@fedify/postgres'",
    "import {sql} from './db.js'",
    "const nodeType = process.env.NODE_TYPE ?? 'all'",
    'export const federation = createFederation({',
    '  kv: new PostgresKvStore(sql),',
    '  queue: new ParallelMessageQueue(new PostgresMessageQueue(sql), 4),',
    "  manuallyStartQueue: nodeType === 'web',",
    '})',
  ].join('\n'),
  'src/server.js': [
    "import http from 'node:http'",
    "import {federation} from './federation.js'",
    'http.createServer((req, res) => federation.fetch(req, {contextData: undefined})).listen(process.env.PORT)',
  ].join('\n'),
})

const plan = (env: string[] = []) => planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...env.flatMap((e) => ['--env', e])])

describe('Node: @fedify/postgres PostgresMessageQueue', () => {
  it('listens on a connection of its own beside the postgres.js pool: 8 + 1', () => {
    const r = plan()
    expect(r.total).toBe(9)
    expect(r.type('web').extraPerProcess).toBe(1)
    expect(JSON.stringify(r.type('web').extras)).toContain('@fedify/postgres queue listen (src/federation.js:7)')
  })

  it('a web-only node (manuallyStartQueue true, no startQueue()) never listens: 8', () => {
    const r = plan(['NODE_TYPE=web'])
    expect(r.total).toBe(8)
  })
})
