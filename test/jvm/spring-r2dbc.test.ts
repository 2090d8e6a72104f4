/**
 * Spring Boot apps on R2DBC (WebFlux + spring-boot-starter-data-r2dbc + an R2DBC driver; halo-dev/halo's shape). Their
 * database is R2dbcAutoConfiguration's ConnectionFactory, and DataSourceAutoConfiguration backs off when one exists
 * (`@ConditionalOnMissingBean(type = "io.r2dbc.spi.ConnectionFactory")`), so no HikariCP pool is made even with
 * spring-jdbc on the classpath for Flyway. The pool is r2dbc-pool's: spring.r2dbc.pool.max-size (R2dbcProperties.Pool:
 * maxSize 10, initialSize 10), or the URL's own options when spring.r2dbc.url names the pool (`r2dbc:pool:…?maxSize=N`;
 * r2dbc-pool's README: maxSize and initialSize default 10; Boot's pool properties are then unused:
 * ConnectionFactoryConfigurations.PooledConnectionFactoryCondition). `r2dbc:h2:` is not PostgreSQL.
 *
 * Before: every one of these was read as a JDBC app with HikariCP: web 30 (spring.datasource.hikari.maximum-pool-size,
 * a pool that does not exist), worker 10, and the other apps 10, all unstarred.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const gradle = (extra: string[] = []): string =>
  [
    'plugins {',
    '  id("org.springframework.boot") version "3.3.4"',
    '  id("io.spring.dependency-management") version "1.1.6"',
    '  kotlin("jvm") version "1.9.25"',
    '}',
    '',
    'dependencies {',
    '  implementation("org.springframework.boot:spring-boot-starter-webflux")',
    '  implementation("org.springframework.boot:spring-boot-starter-data-r2dbc")',
    '  implementation("org.flywaydb:flyway-core")',
    '  implementation("org.springframework:spring-jdbc")',
    '  runtimeOnly("org.postgresql:r2dbc-postgresql")',
    '  runtimeOnly("org.postgresql:postgresql")',
    ...extra,
    '  testImplementation("org.springframework.boot:spring-boot-starter-test")',
    '  testRuntimeOnly("io.r2dbc:r2dbc-h2")',
    '}',
    '',
  ].join('\n')

const DB = ['--env', 'DATABASE_URL=postgres://u:p@db.example.com:5432/feed']

describe('Spring Boot with R2DBC', () => {
  it("counts r2dbc-pool's spring.r2dbc.pool.max-size, not a HikariCP pool; an r2dbc:h2 URL is not PostgreSQL", () => {
    const dir = app({
      Procfile: 'web: java -jar build/libs/feed.jar\nworker: java -jar build/libs/feed.jar --spring.profiles.active=local\n',
      'build.gradle.kts': gradle(),
      'src/main/resources/application-local.yml': 'spring:\n  r2dbc:\n    url: r2dbc:h2:mem:///feed\n',
      'src/main/resources/application.yml': [
        'spring:',
        '  r2dbc:',
        '    url: r2dbc:postgresql://db.example.com:5432/feed',
        '    pool:',
        '      max-size: 20',
        '      initial-size: 5',
        '  datasource:',
        '    url: jdbc:postgresql://db.example.com:5432/feed',
        '    hikari:',
        '      maximum-pool-size: 30',
        '',
      ].join('\n'),
      'system.properties': 'java.runtime.version=21\n',
    })
    const r = planJson(join(dir, 'Procfile'), ['--scale', 'web=1', 'worker=1', ...DB])
    // web: max-size 20 (application.yml:5); its request handlers queue for those 20.
    expect(r.type('web').connections).toBe(20)
    // worker: the local profile's r2dbc:h2 URL: its pool (Boot's default 10) is on H2, not counted.
    expect(r.type('worker').connections).toBe(0)
    expect(r.total).toBe(20)
    expect(JSON.stringify(r.processTypes)).not.toContain('"kind":"assumed"')
    expect(JSON.stringify(r.type('web'))).toContain('"file":"src/main/resources/application.yml","kind":"file","line":5')
    expect(JSON.stringify(r.type('worker'))).toContain('H2 database (spring.r2dbc.url r2dbc:h2:… at src/main/resources/application-local.yml:3')
  })

  it("reads a pool the URL names (r2dbc:pool:…?maxSize=15): Boot's pool properties are then unused", () => {
    const dir = app({
      Procfile: 'web: java -jar build/libs/feed.jar\n',
      'build.gradle.kts': gradle(),
      'src/main/resources/application.properties': 'spring.r2dbc.url=r2dbc:pool:postgresql://db.example.com:5432/feed?maxSize=15&initialSize=2\nspring.r2dbc.pool.max-size=40\n',
    })
    const r = planJson(join(dir, 'Procfile'), ['--scale', 'web=1', ...DB])
    expect(r.type('web').connections).toBe(15)
    expect(r.total).toBe(15)
  })

  it("with no spring.r2dbc.url: an embedded H2 when r2dbc-h2 is in the build, else Boot's 10 starred (the deploy must give the URL)", () => {
    const h2 = app({
      Procfile: 'web: java -jar build/libs/feed.jar\n',
      'build.gradle.kts': gradle(['  runtimeOnly("io.r2dbc:r2dbc-h2")']),
      'src/main/resources/application.properties': 'spring.application.name=feed\n',
    })
    const a = planJson(join(h2, 'Procfile'), ['--scale', 'web=1', ...DB])
    expect(a.type('web').connections).toBe(0)

    const unset = app({
      Procfile: 'web: java -jar build/libs/feed.jar\n',
      'build.gradle.kts': gradle(),
      'src/main/resources/application.properties': 'spring.application.name=feed\n',
    })
    const b = planJson(join(unset, 'Procfile'), ['--scale', 'web=1', ...DB])
    expect(b.type('web').connections).toBe(10)
    expect(JSON.stringify(b.type('web'))).toContain('spring.r2dbc.url is set nowhere conncalc reads')
    // Given where it runs: SPRING_R2DBC_URL and SPRING_R2DBC_POOL_MAXSIZE (relaxed binding).
    const c = planJson(join(unset, 'Procfile'), ['--scale', 'web=1', ...DB, '--env', 'SPRING_R2DBC_URL=r2dbc:postgresql://db.example.com:5432/feed', '--env', 'SPRING_R2DBC_POOL_MAXSIZE=25'])
    expect(c.type('web').connections).toBe(25)
    expect(JSON.stringify(c.type('web'))).not.toContain('"kind":"assumed"')
  })
})
