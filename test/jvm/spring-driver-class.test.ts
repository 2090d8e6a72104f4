/**
 * spring.datasource.driver-class-name of another database decides where the pool connects: Spring Boot uses the class as
 * given (DataSourceProperties.determineDriverClassName), and that driver takes no jdbc:postgresql URL — not even the JVM
 * buildpack's SPRING_DATASOURCE_URL. A made-up Spring Boot 2.7 app (HikariCP, PostgreSQL and H2 drivers in the build):
 *
 * - web runs with --spring.profiles.active=heroku: maximum-pool-size 5 on the platform's database → 5.
 * - worker runs with no profile, so application.properties' spring.profiles.active=dev applies, whose driver is
 *   org.h2.Driver: its pool (HikariCP's default 10) is listed on an H2 database, not counted → 0.
 * Before: the worker's pool was counted on the plan (10, unstarred): total 15; now 5.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const pom = [
  '<project>',
  '  <modelVersion>4.0.0</modelVersion>',
  '  <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>2.7.18</version></parent>',
  '  <artifactId>ledger</artifactId>',
  '  <dependencies>',
  '    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-data-jpa</artifactId></dependency>',
  '    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>',
  '    <dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId></dependency>',
  '    <dependency><groupId>com.h2database</groupId><artifactId>h2</artifactId></dependency>',
  '  </dependencies>',
  '</project>',
].join('\n')

describe('spring.datasource.driver-class-name of another database', () => {
  it('puts the pool on that database: not counted on the plan', () => {
    const dir = app({
      Procfile: 'web: java -jar target/ledger.jar --spring.profiles.active=heroku\nworker: java -jar target/ledger.jar\n',
      'pom.xml': pom,
      'src/main/resources/application-dev.properties': 'spring.datasource.url=jdbc:h2:file:./data/ledger\nspring.datasource.driver-class-name=org.h2.Driver\n',
      'src/main/resources/application-heroku.properties': 'spring.datasource.url=${JDBC_DATABASE_URL}\nspring.datasource.hikari.maximum-pool-size=5\n',
      'src/main/resources/application.properties': 'spring.profiles.active=dev\nspring.application.name=ledger\n',
      'system.properties': 'java.runtime.version=17\n',
    })
    const r = planJson(join(dir, 'Procfile'), ['--scale', 'web=1', 'worker=1', '--env', 'DATABASE_URL=postgres://u:p@db.example.com:5432/ledger'])
    expect(r.type('web').connections).toBe(5)
    expect(r.type('worker').connections).toBe(0)
    expect(r.total).toBe(5)
    expect(JSON.stringify(r.type('worker'))).toContain('H2 database (spring.datasource.driver-class-name org.h2.Driver at src/main/resources/application-dev.properties:2')
  })
})
