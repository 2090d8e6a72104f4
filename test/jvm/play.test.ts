/**
 * Play started by sbt-native-packager's script (languages/jvm/play.ts, hocon.ts), fixture play-hikaricp:
 * conf/application.conf includes database.conf, db.default's url is a local H2 literal replaced by
 * ${?JDBC_DATABASE_URL} on the dyno, its HikariCP pool is 8 unless ${?DB_POOL_SIZE}; db.reports is MySQL.
 * The worker loads conf/worker.conf (-Dconfig.resource), which includes application.conf and sets 3.
 */
import {describe, expect, it} from 'vitest'

import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {HoconConfig} from '../../src/languages/jvm/hocon.js'
import {play} from '../../src/languages/jvm/play.js'
import {memoryFiles} from '../../src/model/files.js'
import {analyzeWith, envOf} from '../analyzers/helpers.js'
import {planJson, procfileOf} from '../helpers/cli.js'

describe('Play on HikariCP (fixture play-hikaricp)', () => {
  const plan = (...env: string[]) => planJson(procfileOf('play-hikaricp'), ['--limit', '100', '--scale', 'web=2:standard-1x', 'worker=1:standard-1x', ...env.flatMap((e) => ['--env', e])])

  it('web: db.default.hikaricp.maximumPoolSize = 8 (conf/application.conf:14), 1 JVM per dyno: 8 × 2 = 16; worker: 3 from worker.conf', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connections: 16, poolPerProcess: 8, processesPerDyno: 1, server: 'play', threadsPerProcess: 8})
    expect(r.type('web').sources['pool.db.default'].source).toMatchObject({file: 'conf/application.conf', kind: 'file', line: 14})
    // The H2 literal is replaced on the dyno by JDBC_DATABASE_URL (${?JDBC_DATABASE_URL}): PostgreSQL, said.
    expect(JSON.stringify(r.type('web').sources['pool.db.default'])).toContain('JDBC_DATABASE_URL replaces the url')
    // db.reports is MySQL (conf/database.conf): not counted.
    expect(r.type('worker')).toMatchObject({connections: 3, poolPerProcess: 3})
    expect(r.type('worker').sources['pool.db.default'].source).toMatchObject({file: 'conf/worker.conf', line: 4})
    expect(r.total).toBe(19)
    expect(r.codes).not.toContain('unknown-config-value')
    expect(r.codes).not.toContain('unknown-command')
  })

  it('DB_POOL_SIZE set replaces the 8 (${?DB_POOL_SIZE}); the worker file still sets 3 after it', () => {
    const r = plan('DB_POOL_SIZE=20')
    expect(r.type('web')).toMatchObject({connections: 40, poolPerProcess: 20})
    expect(r.type('worker')).toMatchObject({connections: 3})
  })

  it('a -D system property on the command line wins over the file (JAVA_OPTS too)', () => {
    const r = plan('JAVA_OPTS=-Xmx300m -Ddb.default.hikaricp.maximumPoolSize=5')
    expect(r.type('web')).toMatchObject({connections: 10, poolPerProcess: 5})
    expect(r.type('worker')).toMatchObject({connections: 5})
  })
})

describe('HoconConfig', () => {
  const read = (text: string, env: Record<string, string> = {}) => {
    const c = new HoconConfig(memoryFiles({'conf/application.conf': text}), envOf(env), 'conf/')
    c.load('conf/application.conf')
    return c
  }

  it('nested objects, dotted and quoted keys, `:` and `=`, comments, concatenated values and null', () => {
    const c = read('a { b.c = 1 # one\n "d.e" : "two" }\nf = 10 seconds // ten\ng = null\nlist = [1, 2]\nh { i { j = x } }\n')
    expect(c.get('a.b.c')).toMatchObject({line: 1, value: '1'})
    expect(c.get('a.d.e')).toMatchObject({value: 'two'})
    expect(c.get('f')).toMatchObject({value: '10 seconds'})
    expect(c.get('g')).toMatchObject({value: null})
    expect(c.get('list')).toBeUndefined()
    expect(c.get('h.i.j')).toMatchObject({line: 6, value: 'x'})
  })

  it('substitutions: a path set before, else the env; ${?X} unset keeps the value; ${X} unset is unresolved', () => {
    const c = read('base = 4\na = ${base}\nb = 1\nb = ${?B}\nc = ${C}\nd = "jdbc:"${HOST}\n', {HOST: 'pg'})
    expect(c.get('a')).toMatchObject({value: '4'})
    expect(c.get('b')).toMatchObject({line: 3, unsetOverrides: ['B'], value: '1'})
    expect(c.get('c')).toMatchObject({unresolved: 'C', value: undefined})
    expect(c.get('d')).toMatchObject({value: 'jdbc:pg'})
    expect(read('b = 1\nb = ${?B}\n', {B: '7'}).get('b')).toMatchObject({line: 2, value: '7'})
  })
})

/**
 * play-slick's Slick pools by Slick version (languages/jvm/play.ts slickVersion/slickPools), fixture play-slick-versions:
 * project/Dependencies.scala pins play-slick `Versions.playSlick` = "3.0.3" (→ Slick 3.2.1); slick.dbs.default.db sets
 * numThreads 8 (conf/application.conf:10), slick.dbs.audit.db numThreads 4 and maximumPoolSize 6 (a key Slick reads only from 3.3.0).
 */
describe('play-slick: Slick defaults per version (fixture play-slick-versions)', () => {
  const fixtureFiles = (): Record<string, string> => {
    const root = fileURLToPath(new URL('../fixtures/play-slick-versions/', import.meta.url))
    const out: Record<string, string> = {}
    for (const p of ['Procfile', 'build.sbt', 'project/plugins.sbt', 'project/Dependencies.scala', 'conf/application.conf']) out[p] = readFileSync(join(root, p), 'utf8')
    return out
  }

  const web = 'target/universal/stage/bin/ledger -Dhttp.port=${PORT}'
  const pools = async (change: (files: Record<string, string>) => void = () => {}) => {
    const files = fixtureFiles()
    change(files)
    const a = await analyzeWith(play, web, files, {JDBC_DATABASE_URL: 'jdbc:postgresql://db.example.com/ledger'})
    return a.pools!.map((p) => [p.database, p.pool.value, p.minOpen?.value])
  }

  it('play-slick 3.0.3 → Slick 3.2.1: maxConnections = numThreads × 5 (8 × 5 = 40; audit 4 × 5 = 20, maximumPoolSize unread); 2 dynos × 60 = 120', async () => {
    const r = planJson(procfileOf('play-slick-versions'), ['--limit', '500', '--scale', 'web=2:standard-1x', '--env', 'JDBC_DATABASE_URL=jdbc:postgresql://db.example.com/ledger'])
    expect(r.type('web')).toMatchObject({connections: 120, poolPerProcess: 60, server: 'play'})
    const source = JSON.stringify(r.type('web').sources['pool.slick.dbs.default'])
    expect(source).toContain('Slick 3.2.1 (play-slick 3.0.3): maxConnections defaults to numThreads × 5')
    expect(source).toContain('"file":"project/Dependencies.scala","kind":"file","line":10')
    expect(source).not.toContain('"assumed"')
    // minConnections defaults to numThreads: 8 and 4 opened at start.
    expect(await pools()).toEqual([['slick.dbs.default', 40, 8], ['slick.dbs.audit', 20, 4]])
  })

  it('play-slick 3.0.4 → Slick 3.2.3: maxConnections = numThreads (8; audit 4, maximumPoolSize still unread)', async () => {
    expect(await pools((f) => (f['project/Dependencies.scala'] = f['project/Dependencies.scala'].replace('"3.0.3"', '"3.0.4"')))).toEqual([['slick.dbs.default', 8, 8], ['slick.dbs.audit', 4, 4]])
  })

  it('play-slick 5.0.2 → Slick 3.3.2: maximumPoolSize is read (audit 6); a direct Slick pin above play-slick\'s wins', async () => {
    expect(await pools((f) => (f['project/Dependencies.scala'] = f['project/Dependencies.scala'].replace('"3.0.3"', '"5.0.2"')))).toEqual([['slick.dbs.default', 8, 8], ['slick.dbs.audit', 6, 4]])
    // "com.typesafe.slick" %% "slick" % "3.3.3" beside play-slick 3.0.3: sbt keeps the higher, 3.3.3.
    expect(await pools((f) => (f['build.sbt'] += 'libraryDependencies += "com.typesafe.slick" %% "slick" % "3.3.3"\n'))).toEqual([['slick.dbs.default', 8, 8], ['slick.dbs.audit', 6, 4]])
  })

  it('no Slick version in the build: 3.2.2+ assumed (numThreads), said', async () => {
    const files = fixtureFiles()
    files['project/Dependencies.scala'] = files['project/Dependencies.scala'].replace('% Versions.playSlick,', '% playSlickVersion,')
    const a = await analyzeWith(play, web, files, {JDBC_DATABASE_URL: 'jdbc:postgresql://db.example.com/ledger'})
    expect(a.pools!.map((p) => p.pool.value)).toEqual([8, 6])
    expect(JSON.stringify(a.pools![0].pool)).toContain("Slick's version is not read from the build")
  })
})

/**
 * Fixture akka-http-slick: an Akka HTTP app (no Play plugin, no conf/), Slick 3.4.1 (`val slickV`, build.sbt:11), config
 * in src/main/resources/application.conf. Main.scala:12 `Database.forConfig("ordersDb")` reads ordersDb.*: numThreads 6
 * (line 18), no maxConnections → numThreads (Slick 3.3+). Main.scala:13 `DatabaseConfig.forConfig[JdbcProfile]("reporting")`
 * reads reporting.db.*: maxConnections 3 (line 28). Its `db { url = … }` block is the app's own, not a Play pool.
 */
describe('Slick outside Play: Database.forConfig / DatabaseConfig.forConfig (fixture akka-http-slick)', () => {
  const aroot = fileURLToPath(new URL('../fixtures/akka-http-slick/', import.meta.url))
  const afiles = (): Record<string, string> => {
    const out: Record<string, string> = {}
    for (const p of ['build.sbt', 'project/plugins.sbt', 'src/main/resources/application.conf', 'src/main/scala/orders/Main.scala']) out[p] = readFileSync(join(aroot, p), 'utf8')
    return out
  }

  it('ordersDb 6 + reporting.db 3 = 9 per JVM × 2 dynos = 18; server jvm; the app\'s own `db` block is not a pool', () => {
    const r = planJson(procfileOf('akka-http-slick'), ['--limit', '100', '--scale', 'web=2:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 18, poolPerProcess: 9, server: 'jvm', threadsPerProcess: 9})
    expect(r.type('web').sources['pool.ordersDb'].source).toMatchObject({file: 'src/main/resources/application.conf', kind: 'file', line: 18})
    expect(r.type('web').sources['pool.reporting.db'].source).toMatchObject({file: 'src/main/resources/application.conf', kind: 'file', line: 28})
    expect(Object.keys(r.type('web').sources).filter((k) => k.startsWith('pool.'))).toEqual(['pool.ordersDb', 'pool.reporting.db'])
  })

  it('the same app started with `java -jar` (sbt-assembly) is read as an sbt app, not Spring Boot: 6 + 3 = 9', async () => {
    const {jvm} = await import('../../src/languages/jvm/jvm.js')
    const a = await analyzeWith(jvm, 'java -Xmx300m -jar target/scala-2.13/orders-assembly-1.0.jar', afiles())
    expect(a.server).toBe('jvm')
    expect(a.pools!.map((p) => [p.database, p.pool.value])).toEqual([['ordersDb', 6], ['reporting.db', 3]])
    // A build.sbt that names Spring Boot stays on the Spring path (HikariCP 10).
    const spring = {...afiles(), 'build.sbt': `${afiles()['build.sbt']}\nlibraryDependencies += "org.springframework.boot" % "spring-boot-starter-jdbc" % "3.3.4"\n`}
    const b = await analyzeWith(jvm, 'java -jar target/scala-2.13/orders-assembly-1.0.jar', spring)
    expect(b.server).toBe('spring-boot')
  })

  it('DB_THREADS=10 (`numThreads = ${?DB_THREADS}`): ordersDb 10 + 3 = 13', async () => {
    const a = await analyzeWith(play, 'target/universal/stage/bin/orders', afiles(), {DB_THREADS: '10'})
    expect(a.pools!.map((p) => [p.database, p.pool.value])).toEqual([['ordersDb', 10], ['reporting.db', 3]])
  })

  it('Slick 3.2.1 pinned: maxConnections defaults to numThreads × 5: ordersDb 6 × 5 = 30', async () => {
    const files = afiles()
    files['build.sbt'] = files['build.sbt'].replace('val slickV = "3.4.1"', 'val slickV = "3.2.1"')
    const a = await analyzeWith(play, 'target/universal/stage/bin/orders', files)
    expect(a.pools!.map((p) => [p.database, p.pool.value])).toEqual([['ordersDb', 30], ['reporting.db', 3]])
  })

  it('no Database.forConfig in the code and no slick.dbs: no pool counted, 1 assumed with a warning naming the file', async () => {
    const files = afiles()
    files['src/main/scala/orders/Main.scala'] = files['src/main/scala/orders/Main.scala'].replaceAll(/.*forConfig.*\n/g, '')
    const a = await analyzeWith(play, 'target/universal/stage/bin/orders', files)
    expect(a.pools).toEqual([])
    expect(a.threadsPerProcess.value).toBe(1)
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'src/main/resources/application.conf'}))
  })
})
