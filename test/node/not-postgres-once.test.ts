/**
 * Every client a process makes is on a database that is not PostgreSQL (a Prisma schema whose datasource provider is
 * mysql, one client per repository file): 0 connections on the plan, and the reason is said once, not once per client.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {describeSourced} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

describe('a process whose clients are all on another database', () => {
  it('says the other database once', async () => {
    const repo = (n: string) => `import {PrismaClient} from '@prisma/client'\nconst prisma = new PrismaClient()\nexport const find${n} = () => prisma.${n}.findMany()\n`
    const files = {
      'package.json': JSON.stringify({dependencies: {'@prisma/client': '5.22.0'}}),
      'prisma/schema.prisma': 'datasource db {\n  provider = "mysql"\n  url = env("DATABASE_URL")\n}\n',
      'repos/a.ts': repo('a'),
      'repos/b.ts': repo('b'),
      'repos/c.ts': repo('c'),
      'server.ts': "import {finda} from './repos/a'\nimport {findb} from './repos/b'\nimport {findc} from './repos/c'\nexport default [finda, findb, findc]\n",
    }
    const a = await analyzeWith(node, 'node server.ts', files, {}, 'standard-1x')
    expect(a.otherServerPools).toHaveLength(3)
    expect(a.threadsPerProcess.value).toBe(0)
    const said = describeSourced(a.threadsPerProcess)
    expect(said.split('mysql database (Prisma datasource), not PostgreSQL').length - 1).toBe(1)
  })
})
