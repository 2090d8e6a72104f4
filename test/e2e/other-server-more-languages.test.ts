/**
 * The other-server rule (model/other-server.ts) in the analyzers that had counted every pool on the plan's
 * server: Elixir (an Ecto repo's `url:`), the JVM (a Spring DataSource @Bean bound to its own prefix, a
 * Quarkus or Micronaut named datasource). A pool whose URL is read from an env var other than the platform's
 * that has no value is listed on an unknown server and not counted, unless nothing else in the process is
 * counted on the plan (then it is the app's own database: counted, starred). Given both URLs, the hosts decide.
 * One small app per shape, made up for this test.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson, runCliInProcess} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const args = (env: string[] = []) => ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...env.flatMap((e) => ['--env', e])]
const plain = (dir: string, env: string[] = []) => runCliInProcess(['plan', '--procfile', join(dir, 'Procfile'), ...args(env)]).stdout
const json = (dir: string, env: string[] = []) => planJson(join(dir, 'Procfile'), args(env))

// A Phoenix app: Shop.Repo on DATABASE_URL (pool 8), Shop.EventsRepo on the var given (pool 3).
const phoenix = (mainVar: string, eventsVar: string, raise = false) => ({
  Procfile: 'web: mix phx.server\n',
  'config/config.exs': 'import Config\n\nconfig :shop, ecto_repos: [Shop.Repo, Shop.EventsRepo]\n',
  'config/runtime.exs': [
    'import Config',
    '',
    'if config_env() == :prod do',
    raise ? `  events_url = System.get_env("${eventsVar}") || raise "${eventsVar} is missing"` : `  events_url = System.get_env("${eventsVar}")`,
    '',
    '  config :shop, Shop.Repo,',
    `    url: System.get_env("${mainVar}"),`,
    '    pool_size: 8',
    '',
    '  config :shop, Shop.EventsRepo,',
    '    url: events_url,',
    '    pool_size: 3',
    'end',
  ].join('\n'),
  'mix.exs': 'defmodule Shop.MixProject do\n  use Mix.Project\n  def project, do: [app: :shop, version: "0.1.0", deps: deps()]\n  defp deps, do: [{:phoenix, "~> 1.7"}, {:ecto_sql, "~> 3.11"}, {:postgrex, ">= 0.0.0"}]\nend\n',
  'mix.lock': '%{\n  "ecto": {:hex, :ecto, "3.11.2", "x", [:mix], [], "hexpm", "y"},\n  "postgrex": {:hex, :postgrex, "0.18.0", "x", [:mix], [], "hexpm", "y"},\n}\n',
})

describe('Elixir: an Ecto repo whose url reads another env var', () => {
  it('with no value, is listed on an unknown server, not counted, and said (System.get_env, and `|| raise`)', () => {
    for (const raise of [false, true]) {
      const dir = app(phoenix('DATABASE_URL', 'EVENTS_DATABASE_URL', raise))
      const r = json(dir)
      // Shop.Repo 8 counted: one BEAM × min(queries at once, 8) = 8 (it was 8 + 3 = 11 before the rule applied here).
      expect(r.total).toBe(8)
      expect(r.type('web').otherServerPools).toMatchObject([{database: 'Shop.EventsRepo', pool: 3, server: 'unknown server: EVENTS_DATABASE_URL has no value'}])
      expect(plain(dir)).toContain('on an unknown server (EVENTS_DATABASE_URL has no value): Shop.EventsRepo (pool 3; web) [other-server-pools]')
    }
  })

  it("given both URLs on one host and port it is counted (8 + 3 = 11); on another host it is listed on that server", () => {
    const dir = app(phoenix('DATABASE_URL', 'EVENTS_DATABASE_URL'))
    expect(json(dir, ['DATABASE_URL=postgres://u:p@db1:5432/shop', 'EVENTS_DATABASE_URL=postgres://u:p@db1:5432/events']).total).toBe(11)
    const other = json(dir, ['DATABASE_URL=postgres://u:p@db1/shop', 'EVENTS_DATABASE_URL=postgres://u:p@db2/events'])
    expect(other.total).toBe(8)
    expect(other.type('web').otherServerPools).toMatchObject([{database: 'Shop.EventsRepo', pool: 3, server: 'EVENTS_DATABASE_URL'}])
    expect(other.codes).not.toContain('other-server-pools')
  })

  it("when no repo reads DATABASE_URL, the app's own var is its database (starred); a var named after it plus more is a second one", () => {
    const r = json(app(phoenix('SHOP_DB_URL', 'SHOP_DB_URL_EVENTS')))
    // SHOP_DB_URL (8) is the app's own database, counted and assumed; SHOP_DB_URL_EVENTS (3) is listed → 8.
    expect(r.total).toBe(8)
    expect(r.type('web').sources['pool.Shop.Repo'].via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining("SHOP_DB_URL, which has no value here, and nothing else in this process connects to DATABASE_URL")}))
    expect(r.type('web').otherServerPools).toMatchObject([{database: 'Shop.EventsRepo', pool: 3, server: 'unknown server: SHOP_DB_URL_EVENTS has no value'}])
  })
})

const springPom = '<project><parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.2.5</version></parent><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-jdbc</artifactId></dependency><dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId></dependency></dependencies></project>'

describe('Spring Boot: a second DataSourceBuilder @Bean bound to a prefix whose url reads another var', () => {
  const dir = app({
    Procfile: 'web: java -Dserver.port=$PORT -jar target/shop.jar\n',
    'pom.xml': springPom,
    'src/main/java/shop/Db.java': [
      'package shop;',
      '',
      '@Configuration',
      'public class Db {',
      '  @Bean',
      '  @Primary',
      '  @ConfigurationProperties("app.orders")',
      '  public DataSource orders() {',
      '    return DataSourceBuilder.create().build();',
      '  }',
      '',
      '  @Bean',
      '  @ConfigurationProperties("app.reports")',
      '  public DataSource reports() {',
      '    return DataSourceBuilder.create().build();',
      '  }',
      '}',
    ].join('\n'),
    'src/main/resources/application.properties': 'app.orders.jdbc-url=${JDBC_DATABASE_URL}\napp.orders.maximum-pool-size=7\napp.reports.jdbc-url=${REPORTS_JDBC_URL}\napp.reports.maximum-pool-size=4\n',
  })

  it('is listed on an unknown server and not counted (it was 7 + 4 = 11); given both URLs on one host, counted', () => {
    const r = json(dir)
    // orders (JDBC_DATABASE_URL, the JVM buildpack's copy of DATABASE_URL) 7 counted; request threads bounded by it → 7.
    expect(r.total).toBe(7)
    expect(r.type('web').otherServerPools).toMatchObject([{pool: 4, server: 'unknown server: REPORTS_JDBC_URL has no value'}])
    expect(r.codes).toContain('other-server-pools')
    // Both on db1:5432 → 7 + 4 = 11.
    expect(json(dir, ['DATABASE_URL=postgres://u:p@db1:5432/shop', 'REPORTS_JDBC_URL=jdbc:postgresql://db1:5432/reports']).total).toBe(11)
  })
})

describe('Spring Boot on MySQL: a pool on its own URL var is on that database, not taken as the plan\'s', () => {
  const dir = app({
    Procfile: 'web: java -Dserver.port=$PORT -jar target/shop.jar\n',
    'pom.xml': springPom.replace('<groupId>org.postgresql</groupId><artifactId>postgresql</artifactId>', '<groupId>com.mysql</groupId><artifactId>mysql-connector-j</artifactId>'),
    'src/main/resources/application.properties': 'spring.datasource.url=${JAWSDB_URL}\nspring.datasource.hikari.maximum-pool-size=8\n',
  })

  it('0 on the plan, nothing assumed: the explain does not say the pool is the app\'s own on the plan\'s server', () => {
    const r = json(dir)
    // mysql-connector-j and no PostgreSQL driver: the app's database is MySQL; its Hikari pool (8) is listed there, 0 counted.
    expect(r.total).toBe(0)
    expect(r.codes).toContain('not-postgresql')
    expect(r.type('web').otherServerPools).toMatchObject([{pool: 8}])
    const explained = runCliInProcess(['plan', '--procfile', join(dir, 'Procfile'), ...args(), '--explain']).stdout
    expect(explained).not.toContain("taken as the app's own database")
    expect(explained).not.toContain('*')
  })
})

describe('Quarkus: a named datasource whose jdbc.url reads another var', () => {
  const dir = app({
    Procfile: 'web: java -Dquarkus.http.port=$PORT -jar target/quarkus-app/quarkus-run.jar\n',
    'pom.xml': '<project><properties><quarkus.platform.version>3.8.4</quarkus.platform.version></properties><dependencies><dependency><groupId>io.quarkus</groupId><artifactId>quarkus-jdbc-postgresql</artifactId></dependency><dependency><groupId>io.quarkus</groupId><artifactId>quarkus-resteasy-reactive</artifactId></dependency></dependencies></project>',
    'src/main/resources/application.properties': [
      'quarkus.datasource.db-kind=postgresql',
      'quarkus.datasource.jdbc.url=${JDBC_DATABASE_URL}',
      'quarkus.datasource.jdbc.max-size=12',
      'quarkus.datasource.audit.db-kind=postgresql',
      'quarkus.datasource.audit.jdbc.url=${AUDIT_JDBC_URL}',
      'quarkus.datasource.audit.jdbc.max-size=5',
    ].join('\n'),
  })

  it('the audit datasource is listed on an unknown server; the default (12) is counted', () => {
    const r = json(dir)
    // Default datasource max-size 12 counted; request threads bounded by the counted pools → 12 (was 12 + 5 = 17).
    expect(r.total).toBe(12)
    expect(r.type('web').otherServerPools).toMatchObject([{database: 'quarkus.datasource.audit', pool: 5, server: 'unknown server: AUDIT_JDBC_URL has no value'}])
  })
})

describe('Micronaut: a second datasource whose url reads another var', () => {
  const dir = app({
    Procfile: 'web: java -Dmicronaut.server.port=$PORT -jar build/libs/shop-all.jar\n',
    'build.gradle': 'plugins { id("io.micronaut.application") version "4.3.5" }\ndependencies {\n  implementation("io.micronaut.sql:micronaut-jdbc-hikari")\n  runtimeOnly("org.postgresql:postgresql")\n}\n',
    'src/main/resources/application.yml': 'datasources:\n  default:\n    url: ${JDBC_DATABASE_URL}\n    maximum-pool-size: 6\n  stats:\n    url: ${STATS_JDBC_URL}\n    maximum-pool-size: 3\n',
  })

  it('the stats datasource is listed on an unknown server; the default (6) is counted', () => {
    const r = json(dir)
    // default 6 counted (was 6 + 3 = 9).
    expect(r.total).toBe(6)
    expect(r.type('web').otherServerPools).toMatchObject([{database: 'datasources.stats', pool: 3, server: 'unknown server: STATS_JDBC_URL has no value'}])
  })
})
