import {describe, expect, it} from 'vitest'

import {fixture, type PlanJson, runJson} from '../helpers/cli.js'

const run = (...args: string[]) => runJson<PlanJson>(['plan', '--procfile', fixture('spring-boot-config-search/Procfile'), '--plan', 'standard-0', ...args])
const web = (r: {json: PlanJson}) => r.json.processTypes.find((p) => p.name === 'web')!

// Spring Boot's search, lowest first: classpath root application.properties (5), classpath:/config/application.yml (8),
// then the profile files of spring.profiles.active=prod (from application.properties), its group prod → proddb, metrics:
// application-proddb.yml (15), which imports classpath:db/pool.properties: ${DB_POOL_SIZE:12} wins over the importer.
describe('Spring Boot config search (conncalc plan --json)', () => {
  it('profile from the file, its group, classpath:/config/ and spring.config.import: the imported 12', () => {
    const r = run()
    expect(web(r)).toMatchObject({connections: 12, poolPerProcess: 12, processesPerDyno: 1, server: 'spring-boot', threadsPerProcess: 12})
    expect(web(r).sources['pool.hikari'].source).toEqual({file: 'src/main/resources/db/pool.properties', kind: 'file', line: 2})
    expect(r.json.diagnostics).toEqual([])
  })

  it('SPRING_PROFILES_ACTIVE=dev replaces the file\'s profile: application-dev.properties (3), no group, no import', () => {
    const r = run('--env', 'SPRING_PROFILES_ACTIVE=dev')
    expect(web(r)).toMatchObject({connections: 3, poolPerProcess: 3})
    expect(web(r).sources['pool.hikari'].source).toEqual({file: 'src/main/resources/application-dev.properties', kind: 'file', line: 1})
  })

  it('the imported file\'s placeholder reads the env: DB_POOL_SIZE=20', () => {
    expect(web(run('--env', 'DB_POOL_SIZE=20'))).toMatchObject({connections: 20, poolPerProcess: 20})
  })

  it('with no profile at all, classpath:/config/application.yml (8) wins over the classpath root (5)', () => {
    // -Dspring.profiles.active= (empty) on the command line: no profile files.
    const r = runJson<PlanJson>(['plan', '--procfile', fixture('spring-boot-config-search/Procfile'), '--plan', 'standard-0', '--env', 'JAVA_OPTS=-Dspring.profiles.active=none'])
    expect(web(r)).toMatchObject({poolPerProcess: 8})
    expect(web(r).sources['pool.hikari'].source).toEqual({file: 'src/main/resources/config/application.yml', kind: 'file', line: 5})
  })
})
