/**
 * A Node app that installs no database client at all (test/fixtures/node-no-database-client): package.json lists
 * express and ioredis only, the code imports nothing else, and the lock file lists no PostgreSQL client. Nothing it
 * runs can open a PostgreSQL connection (pg, postgres, Prisma… must be installed to connect:
 * https://docs.npmjs.com/cli/configuring-npm/package-lock-json lists every package installed). Before, each process was
 * counted 1*, "no database pool found; one connection per process assumed".
 * none: web 1 × 0 + worker 1 × 0 = 0, read, with one not-postgresql line.
 * framework-pg: a dependency installs pg itself (package-lock.json node_modules/pg), so the app as a whole is not
 * decided; but web and worker load only express and ioredis, which the lock file shows depend on nothing, and never the
 * package that depends on pg: each process's whole import graph is read and reaches no client, 0 each, 0.
 * unlocked: no lock file, so what is installed cannot be told: 1* each, 2.
 * subfolders: two packages with their own lock files (`cd site && node server.js`, `cd api && node index.js`): site's
 * package.json lists express only and site/package-lock.json installs no PostgreSQL client: web 0; api's pg Pool max 6
 * (api/index.js) stays: 0 + 6 = 6.
 * workspace-driver: apps/web lists no client, but it imports the workspace package @ledger/db (no tsconfig anywhere),
 * which npm links into node_modules: Node loads packages/db/index.js (its package.json main), a pg Pool max 7: 7.
 * built: the Procfile runs a Meteor build (.meteor/heroku_build/app/main.js) that is not in the repo, so no code is
 * read; package.json lists no client, package-lock.json installs none, .meteor/versions has only mongo and Meteor's
 * base packages, and no other lock file is in the app: 0.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string) => planJson(procfileOf(`node-no-database-client/${v}`), ['--scale', 'web=1', 'worker=1'])

describe('a Node app with no database client', () => {
  it('no client in package.json, the code or pnpm-lock.yaml: 0 per process, said once', () => {
    const r = plan('none')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 0, threadsPerProcess: 0})
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 0, threadsPerProcess: 0})
    expect(r.total).toBe(0)
    const said = r.diagnostics.filter((d) => d.code === 'not-postgresql')
    expect(said).toHaveLength(1)
    expect(said[0]).toMatchObject({file: 'package.json', line: 1})
    expect(said[0].message).toContain('pnpm-lock.yaml installs no PostgreSQL client')
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({kind: 'default', what: expect.stringContaining('lists no database client')}))
  })

  it('a dependency installs pg (package-lock.json), but no process loads it: 0 per process from its import graph', () => {
    const r = plan('framework-pg')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 0, threadsPerProcess: 0})
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 0, threadsPerProcess: 0})
    expect(r.total).toBe(0)
    // Not the app-wide finding: the lock file does install pg.
    expect(r.codes).not.toContain('not-postgresql')
    expect(r.type('web').sources.threadsPerProcess).toMatchObject({source: {file: 'server.js', kind: 'file', line: 1}})
    expect(JSON.stringify(r.type('web').sources.threadsPerProcess)).toContain('imports express, ioredis, which package-lock.json shows depend on no PostgreSQL client')
  })

  it('no lock file: not decided, 1* per process', () => {
    const r = plan('unlocked')
    expect(r.total).toBe(2)
    expect(r.codes).not.toContain('not-postgresql')
  })

  it('a package in a subfolder with its own lock file and no client: 0 for its process, the other package pool kept', () => {
    const r = planJson(procfileOf('node-no-database-client/subfolders'), ['--scale', 'web=1', 'api=1'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 0, threadsPerProcess: 0})
    expect(r.type('api')).toMatchObject({connectionsPerDyno: 6})
    expect(r.total).toBe(6)
    const said = r.diagnostics.filter((d) => d.code === 'not-postgresql')
    expect(said).toHaveLength(1)
    expect(said[0]).toMatchObject({file: 'site/package.json', line: 1})
    expect(said[0].message).toContain('site/package-lock.json installs no PostgreSQL client: nothing the package at site/package.json runs')
  })

  it('a workspace package imported by name is read (no tsconfig): its pool is counted, not 0', () => {
    const r = planJson(procfileOf('node-no-database-client/workspace-driver'), ['--scale', 'web=1'])
    // Before: followed only where a tsconfig applied, so the import was unread: 1*.
    expect(r.type('web').threadsPerProcess).toBe(7)
    expect(r.total).toBe(7)
    expect(r.codes).not.toContain('not-postgresql')
  })

  it('a build at deploy (Meteor) whose package installs no client: 0, though no code was read', () => {
    const r = planJson(procfileOf('node-no-database-client/built'), ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 0, threadsPerProcess: 0})
    expect(r.total).toBe(0)
    expect(r.diagnostics.find((d) => d.code === 'not-postgresql')).toMatchObject({file: 'package.json', line: 1})
  })
})
