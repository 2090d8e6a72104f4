import {describe, expect, it} from 'vitest'

import type {ServerAnalysis} from '../../src/languages/common/types.js'
import type {PoolEntry} from '../../src/model/process.js'

import {jvm} from '../../src/languages/jvm/jvm.js'
import {parseAssume} from '../../src/budget/assume.js'
import {parseProperties} from '../../src/languages/jvm/properties.js'
import {memoryFiles} from '../../src/model/files.js'
import {describeSourced} from '../../src/model/source.js'
import {ctxFor} from '../analyzers/helpers.js'

describe('parseProperties', () => {
  it('reads separators, comments, continuations and escapes as java.util.Properties does', () => {
    const {diagnostics, properties} = parseProperties('# c\n! c\na=1\nb : 2\nc 3\nd = one \\\n    two\ne=\\u0041\n', 'x.properties')
    expect(diagnostics).toEqual([])
    expect(properties).toEqual([
      {key: 'a', line: 3, value: '1'},
      {key: 'b', line: 4, value: '2'},
      {key: 'c', line: 5, value: '3'},
      {key: 'd', line: 6, value: 'one two'},
      {key: 'e', line: 8, value: 'A'},
    ])
  })
})

describe('jvm analyzer', () => {
  const yml = 'spring:\n  datasource:\n    hikari:\n      maximumPoolSize: 15\n---\nspring:\n  config:\n    activate:\n      on-profile: heroku\n  datasource:\n    hikari:\n      maximum-pool-size: 6\n'
  const analyze = (command: string, env: Record<string, string> = {}) => {
    const ctx = ctxFor(command, {env, files: memoryFiles({'src/main/resources/application.yml': yml})})
    return jvm.analyze(ctx) as ServerAnalysis & {pools: PoolEntry[]}
  }

  it('reads application.yml with relaxed keys, and profile documents for SPRING_PROFILES_ACTIVE', async () => {
    const a = await analyze('java -jar app.jar')
    expect(a.pools[0].pool.value).toBe(15)
    expect(describeSourced((await analyze('java -jar app.jar')).threadsPerProcess)).toContain('src/main/resources/application.yml:4')
    expect((await analyze('java -jar app.jar', {SPRING_PROFILES_ACTIVE: 'heroku'})).pools[0].pool.value).toBe(6)
  })

  it('lets -D and --args win over files and env', async () => {
    const a = await analyze('java -Dspring.datasource.hikari.maximum-pool-size=3 -jar app.jar', {SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE: '9'})
    expect(a.pools[0].pool.value).toBe(3)
  })
})

describe('parseAssume', () => {
  it('reads TYPE=PROCESSES:THREADS[:POOL]', () => {
    expect(parseAssume(['web=2:5:5', 'worker=1:1']).get('worker')).toEqual({flag: '--assume worker=1:1', values: {processes: 1, threads: 1}})
    expect(parseAssume(['web=2:5:5', 'web.extras=1:0']).get('web')).toEqual({
      flag: '--assume web=2:5:5 --assume web.extras=1:0',
      values: {extrasPerDyno: 0, extrasPerProcess: 1, pool: 5, processes: 2, threads: 5},
    })
    expect(() => parseAssume(['web.extras=x'])).toThrow(/TYPE=PROCESSES:THREADS\[:POOL\] or TYPE.extras=N\[:M\]/)
    expect(() => parseAssume(['web=0:5'])).toThrow(/at least 1/)
  })
})
