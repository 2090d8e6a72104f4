/**
 * @prisma/client left in package.json that nothing can use (test/fixtures/node-prisma-leftover): no file imports it
 * and the app has no Prisma schema, which `prisma generate` needs to make the client `new PrismaClient()` loads. The
 * app queries through kysely on a pg Pool (src/db.js:4, max 6). Prisma's default pool (CPUs × 2 + 1 = 17) was counted
 * beside it as an assumption; with no client possible it is not, and an info line says why.
 */
import {cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const copies: string[] = []
afterAll(() => {
  for (const c of copies) rmSync(c, {force: true, recursive: true})
})

describe('@prisma/client with no importer and no schema', () => {
  it('counts the pg Pool only (1 × 6 = 6), not a Prisma pool beside it, and says why', () => {
    const r = planJson(procfileOf('node-prisma-leftover'), ['--scale', 'web=1', '--limit', '20'])
    expect(r.type('web')).toMatchObject({connections: 6, poolPerProcess: 6})
    expect(r.type('web').databases).toEqual(['pg src/db.js:4'])
    const said = r.diagnostics.find((d) => d.file === 'package.json')
    expect(said).toMatchObject({code: 'unknown-config-value', line: 9, severity: 'info'})
    expect(said!.message).toContain('no code file of the app imports @prisma/client and it has no Prisma schema (*.prisma)')
  })

  it('with a schema.prisma the client could be generated and used from code conncalc cannot see: its default is still assumed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-prisma-'))
    copies.push(dir)
    cpSync(join(procfileOf('node-prisma-leftover'), '..'), dir, {recursive: true})
    mkdirSync(join(dir, 'prisma'))
    writeFileSync(join(dir, 'prisma', 'schema.prisma'), 'generator client {\n  provider = "prisma-client-js"\n}\n')
    // pg 6 + Prisma 4's connection_limit default, physical CPUs × 2 + 1 = 8 × 2 + 1 = 17 (assumed): 23.
    const r = planJson(join(dir, 'Procfile'), ['--scale', 'web=1', '--limit', '20'])
    expect(r.type('web').connections).toBe(23)
    expect(r.diagnostics.some((d) => d.message.includes('no Prisma schema'))).toBe(false)
  })
})
