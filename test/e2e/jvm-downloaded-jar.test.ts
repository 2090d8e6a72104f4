/**
 * `java -jar` on a jar the repository does not build (fixture jvm-downloaded-jar: no pom.xml, build.gradle,
 * build.sbt, project.clj or deps.edn; the release jar is fetched by a buildpack, as metabase-deploy's is).
 * Which framework and pool it runs cannot be read from the repository, so the count is an assumption:
 * HikariCP's default 10 (HikariConfig.java), named with the jar and the script line, and the type is not
 * labelled Spring Boot.
 *   app.json formation web 2 × standard-2x; one JVM per dyno × 10* = 10 per dyno → 20
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a JVM command whose jar is not built from the repository', () => {
  const r = planJson(procfileOf('jvm-downloaded-jar'), ['--plan', 'standard-0'])

  it('counts HikariCP 10 per JVM as an assumption, not a Spring Boot default: 2 dynos × 10 = 20', () => {
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 20, dynos: 2, poolPerProcess: 10, processesPerDyno: 1, server: 'java'})
    const via = r.type('web').sources.threadsPerProcess.via ?? []
    expect(via.some((s) => s.kind === 'assumed' && (s.why ?? '').startsWith('./dist/ledger-server.jar is not built from this repository'))).toBe(true)
  })

  it('says so at the line that runs it, with how to give the real pool', () => {
    const d = r.diagnostics.find((x) => x.code === 'unknown-config-value' && x.processType === 'web')
    expect(d).toMatchObject({file: 'bin/start', line: 10, severity: 'warning'})
    expect(d?.fix).toContain('--assume web=1:N:N')
  })

  it('a Spring Boot app with its pom.xml is unchanged (fixture spring-boot: no such warning)', () => {
    const boot = planJson(procfileOf('spring-boot'), ['--plan', 'standard-0'])
    expect(boot.processTypes.every((p) => p.server !== 'java')).toBe(true)
    expect(boot.diagnostics.some((x) => x.message.includes('is not built from this repository'))).toBe(false)
  })
})
