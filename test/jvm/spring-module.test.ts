/**
 * Spring Boot's application files in a Gradle/Maven module, not the repository root: the jar's classpath is the
 * src/main/resources of the module that builds it. Before, only the root's src/main/resources was read, so a pool size
 * set in the module was missed and HikariCP's default 10 counted as if nothing set it.
 *
 * App (temp, made up): settings.gradle.kts includes `api` (applies org.springframework.boot) and `client` (a library
 * with an application.properties of its own, pool 15). api/src/main/resources:
 *   application.properties          spring.datasource.hikari.maximum-pool-size=${DB_POOL:6}
 *   application-heroku.properties   spring.datasource.hikari.maximum-pool-size=4
 * `java -jar app.jar`: 6 (DB_POOL unset, its default); --env DB_POOL=9: 9; SPRING_PROFILES_ACTIVE=heroku: 4;
 * `java -Dspring.profiles.active=heroku -jar api/build/libs/api-1.0.jar`: 4, the module named by the jar's path.
 * A Maven parent pom with <module>api</module>: the same 6.
 * Two modules applying Spring Boot (api and admin) and `-jar $APP_DIR/target/$APP_DIR.jar` with APP_DIR unset: which
 * one runs is not known, none is read, HikariCP's default 10 starred and said; --env APP_DIR=api: api's 6.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const api = {
  'api/build.gradle.kts': 'plugins {\n  id("org.springframework.boot") version "3.3.4"\n}\ndependencies {\n  implementation("org.springframework.boot:spring-boot-starter-data-jpa")\n  runtimeOnly("org.postgresql:postgresql")\n}\n',
  'api/src/main/kotlin/App.kt': '@SpringBootApplication\nclass App\nfun main(args: Array<String>) { runApplication<App>(*args) }\n',
  'api/src/main/resources/application-heroku.properties': 'spring.datasource.hikari.maximum-pool-size=4\n',
  'api/src/main/resources/application.properties': 'spring.datasource.url=${JDBC_DATABASE_URL}\nspring.datasource.hikari.maximum-pool-size=${DB_POOL:6}\n',
  'client/build.gradle.kts': 'plugins {\n  kotlin("jvm")\n}\n',
  'client/src/main/resources/application.properties': 'spring.datasource.hikari.maximum-pool-size=15\n',
}

const gradle = {...api, 'build.gradle.kts': 'plugins {\n  kotlin("jvm") version "1.9.24" apply false\n}\n', 'settings.gradle.kts': 'rootProject.name = "ledger"\ninclude("api")\ninclude("client")\n'}

describe("Spring Boot's config in a module's src/main/resources", () => {
  it('reads the module applying Spring Boot: ${DB_POOL:6} → 6, --env DB_POOL=9 → 9, SPRING_PROFILES_ACTIVE=heroku → 4, said', () => {
    const dir = app({...gradle, Procfile: 'web: java -jar app.jar\n'})
    const r = planJson(join(dir, 'Procfile'), ['--limit', '100'])
    expect(r.type('web')).toMatchObject({connections: 6, poolPerProcess: 6})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'api/src/main/resources', message: expect.stringContaining('the root has no src/main/resources; module api (of api, client, the one applying Spring Boot) holds the application\'s config')}))
    expect(planJson(join(dir, 'Procfile'), ['--limit', '100', '--env', 'DB_POOL=9']).type('web')).toMatchObject({poolPerProcess: 9})
    expect(planJson(join(dir, 'Procfile'), ['--limit', '100', '--env', 'SPRING_PROFILES_ACTIVE=heroku']).type('web')).toMatchObject({poolPerProcess: 4})
  })

  it("the module of the jar the command runs (api/build/libs/api-1.0.jar) with -Dspring.profiles.active=heroku: 4", () => {
    const dir = app({...gradle, Procfile: 'web: java -Dspring.profiles.active=heroku -jar api/build/libs/api-1.0.jar\n'})
    const r = planJson(join(dir, 'Procfile'), ['--limit', '100'])
    expect(r.type('web')).toMatchObject({poolPerProcess: 4})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({message: expect.stringContaining('the jar the command runs, api/build/libs/api-1.0.jar, is built by module api')}))
  })

  it('a Maven parent pom listing <module>api</module>: 6', () => {
    const dir = app({...api, Procfile: 'web: java -jar app.jar\n', 'api/pom.xml': '<project><build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build></project>\n', 'pom.xml': '<project><modules><module>api</module><module>client</module></modules><dependencies><dependency><artifactId>spring-boot-starter-data-jpa</artifactId></dependency><dependency><artifactId>postgresql</artifactId></dependency></dependencies></project>\n'})
    expect(planJson(join(dir, 'Procfile'), ['--limit', '100']).type('web')).toMatchObject({poolPerProcess: 6})
  })

  it('several Spring Boot modules and a jar path that does not say which: 10 starred and said; APP_DIR=api: 6', () => {
    const admin = {'admin/build.gradle.kts': api['api/build.gradle.kts'], 'admin/src/main/resources/application.properties': 'spring.datasource.hikari.maximum-pool-size=3\n'}
    const dir = app({...gradle, ...admin, Procfile: 'web: java -jar $APP_DIR/target/$APP_DIR.jar\n', 'settings.gradle.kts': 'include("api", "admin", "client")\n'})
    const r = planJson(join(dir, 'Procfile'), ['--limit', '100'])
    expect(r.type('web')).toMatchObject({poolPerProcess: 10})
    expect(JSON.stringify(r.type('web').sources)).toContain('the Spring Boot module the jar is built from is not known')
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', message: expect.stringContaining('the root has no src/main/resources and 3 modules hold Spring Boot application files (api, admin, client)')}))
    expect(planJson(join(dir, 'Procfile'), ['--limit', '100', '--env', 'APP_DIR=api']).type('web')).toMatchObject({poolPerProcess: 6})
  })
})
