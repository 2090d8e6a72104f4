/**
 * Grails 3+ apps (kissaten/grails3-example's shape: a Gradle build applying org.grails plugins, grails-app/, run with
 * webapp-runner and -Dgrails.env=prod): the DataSource is the Grails data source plugin's (GORM's from 3.3), configured
 * in grails-app/conf/application.yml, not Spring Boot's autoconfigured HikariCP. Made-up apps, worked out from
 * DataSourceGrailsPlugin.createDatasource (3.0: pooled unless `pooled: false`, an org.apache.tomcat.jdbc.pool.DataSource)
 * and GORM's DataSourceBuilder (3.3+: tomcat-jdbc, else HikariCP, … first on the classpath), tomcat-jdbc's maxActive 100:
 *
 * - Grails 3.0.1, no data source settings: tomcat-jdbc maxActive 100, request threads (Tomcat's 200) wait for it: 100.
 *   Before: read as Spring Boot with no version, HikariCP's default 10 (silently wrong).
 * - Grails 4 listing tomcat-jdbc, environments.production.dataSource.properties.maxActive 25 over dataSource's 40: 25.
 * - Grails 5 listing only HikariCP, dataSource.properties.maximumPoolSize 7: 7.
 * - -Dgrails.env=development, whose dataSource.url is jdbc:h2: the pool is on H2, not counted: 0.
 * - application.groovy setting `properties { maxActive = 5 }` (Groovy, not read): 100, assumed and said.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const gradle30 = ['apply plugin: "war"', 'apply plugin: "org.grails.grails-web"', 'dependencies {', '    compile "org.grails:grails-dependencies"', '    compile "org.grails.plugins:hibernate"', "    runtime 'org.postgresql:postgresql:9.4-1201-jdbc4'", "    compile 'com.github.jsimone:webapp-runner:8.0.30.2'", '}', ''].join('\n')
const procfile = 'web: cd build ; java $JAVA_OPTS -Dgrails.env=prod -jar ../build/server/webapp-runner-*.jar --expand-war --port $PORT libs/*.war\n'
const base = {'Procfile': procfile, 'build.gradle': gradle30, 'grails-app/controllers/UrlMappings.groovy': 'class UrlMappings {}\n', 'gradle.properties': 'grailsVersion=3.0.1\n'}
const plan = (files: Record<string, string>) => planJson(join(app(files), 'Procfile'), ['--limit', '500', '--scale', 'web=1'])

describe('Grails data sources', () => {
  it('Grails 3.0.1 with no pool settings: tomcat-jdbc, maxActive 100', () => {
    const r = plan({...base, 'grails-app/conf/application.yml': 'grails:\n    profile: web\n---\nenvironments:\n    development:\n        dataSource:\n            url: jdbc:h2:mem:devDb\n'})
    expect(r.type('web')).toMatchObject({connections: 100, server: 'grails'})
    expect(JSON.stringify(r.type('web').sources)).toContain("Grails 3.0.1's data source plugin makes a pooled dataSource an org.apache.tomcat.jdbc.pool.DataSource")
    expect(JSON.stringify(r.type('web').sources['pool.grails tomcat-jdbc'])).not.toContain('assumed')
  })

  it("Grails 4 listing tomcat-jdbc: the production environment's dataSource.properties.maxActive (25) over the common 40", () => {
    const build = gradle30.replace('dependencies {', 'dependencies {\n    runtime "org.apache.tomcat:tomcat-jdbc"')
    const yml = 'dataSource:\n    pooled: true\n    properties:\n        maxActive: 40\nenvironments:\n    production:\n        dataSource:\n            properties:\n                maxActive: 25\n'
    const r = plan({...base, 'build.gradle': build, 'gradle.properties': 'grailsVersion=4.0.12\n', 'grails-app/conf/application.yml': yml})
    expect(r.type('web').connections).toBe(25)
    expect(JSON.stringify(r.type('web').sources)).toContain('grails-app/conf/application.yml')
  })

  it('Grails 5 listing only HikariCP: GORM takes HikariCP, maximumPoolSize 7', () => {
    const build = gradle30.replace('dependencies {', 'dependencies {\n    runtimeOnly "com.zaxxer:HikariCP:4.0.3"')
    const r = plan({...base, 'build.gradle': build, 'gradle.properties': 'grailsVersion=5.3.2\n', 'grails-app/conf/application.yml': 'dataSource:\n    properties:\n        maximumPoolSize: 7\n'})
    expect(r.type('web').connections).toBe(7)
    expect(JSON.stringify(r.type('web').sources)).toContain("GORM's DataSourceBuilder takes HikariCP")
  })

  it('-Dgrails.env=development, whose url is jdbc:h2: the pool is on H2, 0 on the plan', () => {
    const r = plan({...base, Procfile: procfile.replace('-Dgrails.env=prod', '-Dgrails.env=development'), 'grails-app/conf/application.yml': 'environments:\n    development:\n        dataSource:\n            url: jdbc:h2:mem:devDb;MVCC=TRUE\n'})
    expect(r.type('web').connections).toBe(0)
    expect(JSON.stringify(r.type('web'))).toContain('h2 database (dataSource.url jdbc:h2:mem:devDb at grails-app/conf/application.yml:4)')
  })

  it('a pool configured in application.groovy (not read): the default counted, assumed and said', () => {
    const groovy = 'environments {\n  production {\n    dataSource {\n      properties {\n        maxActive = 5\n      }\n    }\n  }\n}\n'
    const r = plan({...base, 'grails-app/conf/application.groovy': groovy})
    expect(r.type('web').connections).toBe(100)
    expect(JSON.stringify(r.type('web').sources)).toContain('grails-app/conf/application.groovy:4 configures the data source in Groovy, which conncalc does not read')
    expect(r.codes).toContain('unknown-config-value')
  })
})
