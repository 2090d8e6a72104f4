/**
 * drizzle-orm runs on whichever driver the app installs (test/fixtures/node-drizzle-libsql: libSQL/Turso
 * through @libsql/client, drizzle-orm/libsql). drizzle-orm alone says nothing about PostgreSQL: with no
 * PostgreSQL driver in package.json and the code importing another database's client, the process holds
 * no connection on the plan.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('drizzle-orm on another database', () => {
  it('libSQL through drizzle-orm/libsql: 0, from the import that shows it (not 1 assumed)', () => {
    const r = planJson(procfileOf('node-drizzle-libsql'), ['--scale', 'web=1'])
    // server.js requires @libsql/client; package.json lists drizzle-orm but no pg, postgres, @neondatabase/serverless…: 1 dyno × 0 = 0.
    expect(r.type('web').connections).toBe(0)
    expect(r.type('web').sources.threadsPerProcess).toMatchObject({source: {file: 'server.js', kind: 'file'}, value: 0})
    expect(JSON.stringify(r.type('web').sources.threadsPerProcess.via)).toContain('imports @libsql/client')
  })
})
