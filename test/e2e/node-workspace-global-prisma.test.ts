/**
 * A workspace package's client made as it loads (`export const prisma = globalForPrisma.prisma ?? new PrismaClient()`,
 * kept on globalThis outside production, re-exported by `export * from './client'`) is queried only by code that imports
 * `prisma` (or reads it off the package or the global): Prisma connects on its first query, so a process whose code
 * only imports the package's PrismaClient class to make its own client holds nothing on it (unqueried.ts usesExport).
 * test/fixtures/node-workspace-global-prisma:
 * - web `cd apps/api && npm start`: imports `{PrismaClient}` from @acorn/db (loading client.ts, which makes the
 *   package's client) and makes its own with connection_limit=6: 6 (before: 6 + the package's 17* = 23*).
 * - worker `cd apps/worker && npm start`: imports `{prisma}` and queries it: Prisma 5's default, 8 × 2 + 1 = 17*.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a workspace package’s PrismaClient that the process never imports by name', () => {
  it('is not counted where only the class is imported, and is where `prisma` is', () => {
    const r = planJson(procfileOf('node-workspace-global-prisma'), ['--plan', 'standard-0', '--scale', 'web=1,worker=1'])
    expect(r.type('web').connectionsPerDyno).toBe(6)
    expect(r.type('worker').connectionsPerDyno).toBe(17)
    expect(r.total).toBe(23)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'packages/db/src/client.ts', line: 5, message: expect.stringContaining('never queried'), severity: 'info'}))
  })
})
