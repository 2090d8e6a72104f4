/**
 * pg pools and clients the code closes after use (test/fixtures/node-pool-closed-after-use, the shape of
 * CyferShepard/Jellystat's backend): backend/db.js's module pool (max 20) carries the queries; create_database.js makes
 * one Client for the module, which createDatabase() connects and ends in its `finally`; the restore route's function
 * makes a Pool and ends it (`await pool.end()`) before it returns. node-postgres: pool.end() drains and disconnects the
 * pool's clients, client.end() closes the connection (https://node-postgres.com/apis/pool#poolend). Held only while
 * those functions run, neither is counted beside the process's pool, and each is said: web 20 (1 dyno). Before: 20 + 1 +
 * 10 = 31. A Pool the function makes and does not end is counted, as before: 30.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('node-pool-closed-after-use')
const plan = (files: Record<string, string> = {}) => planJson(join(app(files), 'Procfile'), ['--limit', '100', '--scale', 'web=1'])

describe('node: a pg Pool or Client ended after use', () => {
  it('counts the module pool only (20), and says why the others are not counted', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connections: 20})
    const messages = r.diagnostics.map((d) => `${d.file}:${d.line} ${d.message}`).join('\n')
    expect(messages).toContain('backend/routes/backup.js:7 a pg Pool (up to 10 connections while it is open) here is not counted: it is made and ended (`pool.end()`)')
    expect(messages).toContain('backend/create_database.js:3 a pg Client (one connection while it is open) here is not counted: it is connected and ended (`client.end()`) by the function at backend/create_database.js:5')
  })

  it('a Pool made per call and never ended is counted: 30', () => {
    const route = readFileSync(fixture('node-pool-closed-after-use/backend/routes/backup.js'), 'utf8')
    expect(route).toContain('  await pool.end()\n')
    const r = plan({'backend/routes/backup.js': route.replace('  await pool.end()\n', '')})
    expect(r.type('web')).toMatchObject({connections: 30})
  })
})

