import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import type {ServerAnalysis} from '../../src/languages/common/types.js'
import type {PoolEntry} from '../../src/model/process.js'

import {jvm} from '../../src/languages/jvm/jvm.js'
import {parseAssume} from '../../src/budget/assume.js'
import {expandPlaceholders, parseProperties} from '../../src/languages/jvm/properties.js'
import {memoryFiles} from '../../src/model/files.js'
import {isAssumption} from '../../src/model/source.js'
import {describeSourced} from '../../src/model/source.js'
import {ctxFor, envOf} from '../analyzers/helpers.js'
import {planJson, procfileOf} from '../helpers/cli.js'

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

describe('expandPlaceholders', () => {
  const springName = (name: string) => name.toUpperCase().replaceAll(/[.-]/g, '_')
  const expand = (raw: string, env: Record<string, string> = {}) => expandPlaceholders(raw, envOf(env), springName)

  it('fills a default that is itself a placeholder, as Spring expands the text inside ${…} first', () => {
    // ${DB_POOL:${POOL:10}}: DB_POOL unset, POOL unset → 10; POOL=7 → 7; DB_POOL=3 wins → 3.
    expect(expand('${DB_POOL:${POOL:10}}')).toMatchObject({value: '10'})
    expect(expand('${DB_POOL:${POOL:10}}', {POOL: '7'})).toMatchObject({value: '7'})
    expect(expand('${DB_POOL:${POOL:10}}', {DB_POOL: '3', POOL: '7'})).toMatchObject({value: '3'})
  })

  it('looks up a name built from a placeholder (${${PREFIX}_POOL}), and names the built name when it is unset', () => {
    expect(expand('${${TIER}_POOL}', {TIER: 'GOLD', GOLD_POOL: '12'})).toMatchObject({value: '12'})
    expect(expand('${${TIER}_POOL}', {TIER: 'GOLD'})).toEqual({unresolved: 'GOLD_POOL', via: [expect.anything()]})
    expect(expand('${${TIER}_POOL}')).toMatchObject({unresolved: 'TIER'})
  })

  it('keeps text around placeholders, and a ${ without its } as written', () => {
    expect(expand('jdbc:postgresql://${HOST:localhost}:${PORT:5432}/app')).toMatchObject({value: 'jdbc:postgresql://localhost:5432/app'})
    expect(expand('${A:5')).toMatchObject({value: '${A:5'})
  })

  it('stops expanding past 32 levels instead of overflowing: 10,000 nested ${ kept as written, not read as a name', () => {
    const deep = `${'${'.repeat(10_000)}X${'}'.repeat(10_000)}`
    const r = expand(deep)
    expect(r.unresolved).toBeUndefined()
    expect(r.value).toBe(deep)
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

/**
 * Fixture spring-boot-profile-datasource: Spring Boot 3.2 (starter-data-jpa, org.postgresql); application.properties:2
 * sets spring.datasource.hikari.maximum-pool-size=12. HerokuDataSourceConfig (@Configuration @Profile("heroku")) builds
 * its own HikariDataSource in a @Bean with setMaximumPoolSize(4) (line 19): DataSourceAutoConfiguration backs off
 * (@ConditionalOnMissingBean(DataSource)), so where the heroku profile is active the pool is 4 and the property unused.
 * web runs --spring.profiles.active=heroku; worker runs no profile.
 */
describe('a DataSource @Bean in a @Profile class (fixture spring-boot-profile-datasource)', () => {
  const froot = fileURLToPath(new URL('../fixtures/spring-boot-profile-datasource/', import.meta.url))
  const files = (): Record<string, string> => {
    const out: Record<string, string> = {}
    for (const p of ['pom.xml', 'src/main/resources/application.properties', 'src/main/java/com/example/ledger/HerokuDataSourceConfig.java']) out[p] = readFileSync(join(froot, p), 'utf8')
    return out
  }

  const config = 'src/main/java/com/example/ledger/HerokuDataSourceConfig.java'

  it('web (profile heroku): the bean\'s 4 × 2 dynos = 8; worker (no profile): the property\'s 12 × 1 = 12', () => {
    const r = planJson(procfileOf('spring-boot-profile-datasource'), ['--limit', '100', '--scale', 'web=2:standard-1x', 'worker=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 8, poolPerProcess: 4, server: 'spring-boot', threadsPerProcess: 4})
    expect(r.type('web').sources['pool.hikari'].source).toMatchObject({file: config, kind: 'file', line: 19})
    expect(JSON.stringify(r.type('web').sources['pool.hikari'])).toContain('(@Profile \\"heroku\\", active): it replaces Spring Boot\'s DataSource')
    expect(r.type('worker')).toMatchObject({connections: 12, poolPerProcess: 12})
    expect(r.type('worker').sources['pool.hikari'].source).toMatchObject({file: 'src/main/resources/application.properties', line: 2})
    expect(r.total).toBe(20)
  })

  it('SPRING_PROFILES_ACTIVE=heroku turns it on for a command without the flag; @Profile("!dev") is on unless dev is', async () => {
    const analyze = async (f: Record<string, string>, env: Record<string, string> = {}) => (await jvm.analyze(ctxFor('java -jar target/ledger.jar', {env, files: memoryFiles(f)}))) as ServerAnalysis & {pools: PoolEntry[]}
    expect((await analyze(files(), {SPRING_PROFILES_ACTIVE: 'heroku'})).pools[0].pool.value).toBe(4)
    const notDev = files()
    notDev[config] = notDev[config].replace('@Profile("heroku")', '@Profile("!dev")')
    expect((await analyze(notDev)).pools[0].pool.value).toBe(4)
    expect((await analyze(notDev, {SPRING_PROFILES_ACTIVE: 'dev'})).pools[0].pool.value).toBe(12)
  })

  it('a bean bound with @ConfigurationProperties("spring.datasource.hikari") is sized by the property: 12', async () => {
    const f = files()
    f[config] = f[config].replace('    @Bean\n', '    @Bean\n    @ConfigurationProperties("spring.datasource.hikari")\n').replace('        config.setMaximumPoolSize(4);\n', '')
    const a = (await jvm.analyze(ctxFor('java -jar target/ledger.jar --spring.profiles.active=heroku', {files: memoryFiles(f)}))) as ServerAnalysis & {pools: PoolEntry[]}
    expect(a.pools[0].pool.value).toBe(12)
  })

  it('a size the bean computes (an env read) is not evaluated: 10 assumed, unknown-config-value at its line', async () => {
    const f = files()
    f[config] = f[config].replace('config.setMaximumPoolSize(4);', 'config.setMaximumPoolSize(Integer.parseInt(System.getenv("DB_POOL")));')
    const a = (await jvm.analyze(ctxFor('java -jar target/ledger.jar --spring.profiles.active=heroku', {files: memoryFiles(f)}))) as ServerAnalysis & {pools: PoolEntry[]}
    expect(a.pools[0].pool.value).toBe(10)
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: config, line: 19}))
  })
})

describe('several HikariDataSource @Beans: one pool each', () => {
  const pom = '<project><parent><artifactId>spring-boot-starter-parent</artifactId><version>3.2.5</version></parent><dependencies><dependency><artifactId>spring-boot-starter-jdbc</artifactId></dependency><dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId></dependency></dependencies></project>\n'
  const java = [
    'package com.example.shop;',
    '@Configuration',
    'public class DataSources {',
    '    @Bean',
    '    @Primary',
    '    public DataSource orders() {',
    '        HikariConfig config = new HikariConfig();',
    '        config.setJdbcUrl(System.getenv("JDBC_DATABASE_URL"));',
    '        config.setMaximumPoolSize(6);',
    '        return new HikariDataSource(config);',
    '    }',
    '',
    '    @Bean',
    '    public DataSource reports() {',
    '        HikariConfig config = new HikariConfig();',
    '        config.setJdbcUrl(System.getenv("JDBC_DATABASE_URL"));',
    '        return new HikariDataSource(config);',
    '    }',
    '}',
  ].join('\n')
  const file = 'src/main/java/com/example/shop/DataSources.java'

  it('orders sets 6, reports sets none (HikariCP 10): 6 + 10 = 16 per JVM, both starred as counted on DATABASE_URL', async () => {
    const a = (await jvm.analyze(ctxFor('java -jar target/shop.jar', {files: memoryFiles({'pom.xml': pom, [file]: java})}))) as ServerAnalysis & {pools: PoolEntry[]}
    expect(a.pools.map((p) => [p.database, p.pool.value])).toEqual([
      [`hikari ${file}:10`, 6],
      [`hikari ${file}:17`, 10],
    ])
    expect(a.pools[0].pool.source).toMatchObject({file, line: 9})
    expect(a.threadsPerProcess.value).toBe(16)
    expect(describeSourced(a.pools[1].pool)).toContain('the app builds 2 HikariDataSource beans')
  })

  it('a bean under @ConditionalOnMissingClass naming a class the app has is not made: only the other bean\'s pool (HikariCP 10)', async () => {
    const local = [
      'package com.example.shop;',
      '@Configuration',
      'public class LocalDataSource {',
      '    @Bean',
      '    @ConditionalOnMissingClass(name = "com.example.shop.CloudDataSource")',
      '    public DataSource dataSource() {',
      '        HikariConfig config = new HikariConfig();',
      '        config.setMaximumPoolSize(25);',
      '        return new HikariDataSource(config);',
      '    }',
      '}',
    ].join('\n')
    const cloud = ['package com.example.shop;', '@Configuration', 'public class CloudDataSource {', '    @Bean', '    public DataSource dataSource() {', '        HikariConfig config = new HikariConfig();', '        return new HikariDataSource(config);', '    }', '}'].join('\n')
    const files = {'pom.xml': pom, 'src/main/java/com/example/shop/CloudDataSource.java': cloud, 'src/main/java/com/example/shop/LocalDataSource.java': local}
    const a = (await jvm.analyze(ctxFor('java -jar target/shop.jar', {files: memoryFiles(files)}))) as ServerAnalysis & {pools: PoolEntry[]}
    // CloudDataSource exists, so LocalDataSource's 25 is never built: CloudDataSource's HikariCP default 10.
    expect(a.pools.map((p) => [p.database, p.pool.value])).toEqual([['hikari', 10]])
    // Without the class the condition holds: both beans, 25 + 10.
    const {'src/main/java/com/example/shop/CloudDataSource.java': _gone, ...without} = files
    const renamed = {...without, 'src/main/java/com/example/shop/OtherDataSource.java': cloud.replace('CloudDataSource', 'OtherDataSource')}
    const b = (await jvm.analyze(ctxFor('java -jar target/shop.jar', {files: memoryFiles(renamed)}))) as ServerAnalysis & {pools: PoolEntry[]}
    expect(b.pools.map((p) => p.pool.value).sort((x, y) => x - y)).toEqual([10, 25])
  })

  it('one bean alone reads as before: its size, the pool named hikari', async () => {
    const one = java.split('\n').slice(0, 11).join('\n') + '\n}'
    const a = (await jvm.analyze(ctxFor('java -jar target/shop.jar', {files: memoryFiles({'pom.xml': pom, [file]: one})}))) as ServerAnalysis & {pools: PoolEntry[]}
    expect(a.pools.map((p) => [p.database, p.pool.value])).toEqual([['hikari', 6]])
  })
})

describe('DataSourceBuilder @Beans', () => {
  const pom = '<project><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-jdbc</artifactId></dependency><dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId></dependency></dependencies></project>'
  const bean = (body: string) => ['package shop;', '', '@Configuration', 'public class Db {', ...body.split('\n'), '}'].join('\n')
  const analyze = async (f: Record<string, string>) => (await jvm.analyze(ctxFor('java -jar target/shop.jar', {files: memoryFiles({'pom.xml': pom, ...f})}))) as ServerAnalysis & {pools: PoolEntry[]}

  it('@ConfigurationProperties("app.orders") binds app.orders.maximum-pool-size: 7; a second builder bean with no size is HikariCP 10; total 17', async () => {
    const a = await analyze({
      'src/main/java/shop/Db.java': bean(
        ['  @Bean', '  @Primary', '  @ConfigurationProperties("app.orders")', '  public DataSource orders() {', '    return DataSourceBuilder.create().build();', '  }', '', '  @Bean', '  public DataSource audit() {', '    return DataSourceBuilder.create().url(System.getenv("AUDIT_URL")).build();', '  }'].join('\n'),
      ),
      'src/main/resources/application.properties': 'app.orders.jdbc-url=${JDBC_DATABASE_URL}\napp.orders.maximum-pool-size=7\n',
    })
    // orders: app.orders.maximum-pool-size = 7 (application.properties:2); audit: DataSourceBuilder → HikariDataSource, no size → 10.
    expect(a.pools.map((p) => p.pool.value)).toEqual([7, 10])
    expect(a.pools[0].pool.source).toMatchObject({file: 'src/main/resources/application.properties', line: 2})
    expect(a.threadsPerProcess.value).toBe(17)
  })

  it('.type(BasicDataSource.class) is another pool: its size is not read; said, 10 starred (not spring.datasource.hikari\'s 5)', async () => {
    const a = await analyze({
      'src/main/java/shop/Db.java': bean(['  @Bean', '  public DataSource ds() {', '    return DataSourceBuilder.create().type(BasicDataSource.class).build();', '  }'].join('\n')),
      'src/main/resources/application.properties': 'spring.datasource.hikari.maximum-pool-size=5\n',
    })
    expect(a.pools.map((p) => p.pool.value)).toEqual([10])
    expect(isAssumption(a.pools[0].pool)).toBe(true)
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'src/main/java/shop/Db.java', line: 7, message: expect.stringContaining('BasicDataSource')}))
  })

  it(".type(…) of commons-dbcp2 (imported) is that pool's own default, maxTotal 8; tomcat-jdbc's DataSource is maxActive 100; a bound prefix sets them", async () => {
    const dbcp = ['import org.apache.commons.dbcp2.BasicDataSource;', '', '@Configuration', 'public class Db {', '  @Bean', '  public DataSource ds() {', '    return DataSourceBuilder.create().type(BasicDataSource.class).build();', '  }', '}'].join('\n')
    const a = await analyze({'src/main/java/shop/Db.java': dbcp})
    // commons-dbcp2 BasicDataSource maxTotal = GenericObjectPoolConfig.DEFAULT_MAX_TOTAL = 8, read (no star, no warning).
    expect(a.pools.map((p) => p.pool.value)).toEqual([8])
    expect(a.pools[0].database).toBe('dbcp2')
    expect(isAssumption(a.pools[0].pool)).toBe(false)
    expect(a.diagnostics.map((d) => d.code)).not.toContain('unknown-config-value')
    const tomcat = ['@Configuration', 'public class Db {', '  @Bean', '  @ConfigurationProperties("app.legacy")', '  public DataSource ds() {', '    return DataSourceBuilder.create().type(org.apache.tomcat.jdbc.pool.DataSource.class).build();', '  }', '}'].join('\n')
    // tomcat-jdbc PoolProperties.DEFAULT_MAX_ACTIVE = 100 …
    expect((await analyze({'src/main/java/shop/Db.java': tomcat})).pools.map((p) => p.pool.value)).toEqual([100])
    // … and app.legacy.max-active = 15 binds onto it through @ConfigurationProperties("app.legacy").
    const bound = await analyze({'src/main/java/shop/Db.java': tomcat, 'src/main/resources/application.properties': 'app.legacy.max-active=15\n'})
    expect(bound.pools.map((p) => p.pool.value)).toEqual([15])
    expect(bound.pools[0].pool.source).toMatchObject({file: 'src/main/resources/application.properties', line: 1})
  })
})
