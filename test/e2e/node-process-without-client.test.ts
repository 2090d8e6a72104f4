/**
 * A process whose whole import graph is read and reaches no PostgreSQL client, in an app that has one
 * (test/fixtures/node-process-without-client): web opens lib/db.js's pg Pool (max 4); jobs/mailer.js loads
 * lib/render.js, node:fs, path and the mailer-lite package, which package-lock.json shows depends only on
 * mime-lite (its optional peer smtp-native is not installed, so nothing of it loads): 0, said. jobs/sessions.js imports pg-session-lite, which depends on pg (it may connect itself), and
 * jobs/plugins.js requires modules by a path built at run time: each keeps the pg dependency's default, starred.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('node-process-without-client'), ['--scale', 'web=2', 'mailer=1', 'sessions=1', 'plugins=1'])

describe('a process that never loads the database client', () => {
  it('holds 0 connections when every module and package it loads is read', () => {
    const r = plan()
    expect(r.type('mailer')).toMatchObject({connections: 0})
    expect(r.type('mailer').sources.threadsPerProcess).toMatchObject({source: {file: 'jobs/mailer.js', kind: 'file', line: 1}, value: 0})
    expect(JSON.stringify(r.type('mailer').sources.threadsPerProcess)).toContain('mailer-lite, which package-lock.json shows depends on no PostgreSQL client')
    // web: 2 dynos × pg Pool max 4 = 8.
    expect(r.type('web')).toMatchObject({connections: 8, poolPerProcess: 4})
  })

  it('keeps the assumption when a package it loads depends on a client, or a module is loaded by a computed path', () => {
    const r = plan()
    // pg's default max 10, assumed (pg-pool's index.js), as before.
    expect(r.type('sessions')).toMatchObject({connections: 10, poolPerProcess: 10})
    expect(r.type('plugins')).toMatchObject({connections: 10, poolPerProcess: 10})
    expect(r.type('plugins').sources['pool.pg'].via).toContainEqual(expect.objectContaining({kind: 'assumed'}))
    // 8 + 0 + 10 + 10.
    expect(r.total).toBe(28)
  })
})
