/**
 * c3p0 pools built in a JVM app's code (languages/jvm/c3p0.ts). Defaults from c3p0's C3P0Defaults.java
 * (MAX_POOL_SIZE 15, INITIAL_POOL_SIZE 3) and clojure.jdbc-c3p0's make-datasource-spec
 * (`(.setMaxPoolSize (:max-pool-size dbspec 15))`, `(.setMinPoolSize (:min-pool-size dbspec 3))`).
 *
 * Fixture clojure-c3p0: a Leiningen app (project.clj: clojure.jdbc-c3p0, org.postgresql) whose src/orchard/db.clj:7
 * calls `(c3p0/make-datasource-spec {…})` with no :max-pool-size → 15 per JVM; one JVM per dyno; request threads
 * wait for the pool, so at most 15 queries at once.
 * Fixture java-c3p0: a Spark Java app (pom.xml: c3p0, postgresql) whose src/main/java/shop/Till.java:10 calls
 * `POOL.setMaxPoolSize(6)`; src/main/resources/c3p0.properties:3 says c3p0.maxPoolSize=8, which the setter overrides.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {jvm} from '../../src/languages/jvm/jvm.js'
import {memoryFiles} from '../../src/model/files.js'
import {ctxFor} from '../analyzers/helpers.js'
import {planJson, procfileOf} from '../helpers/cli.js'

const read = (fixture: string, paths: string[]): Record<string, string> => {
  const root = fileURLToPath(new URL(`../fixtures/${fixture}/`, import.meta.url))
  return Object.fromEntries(paths.map((p) => [p, readFileSync(join(root, p), 'utf8')]))
}

const clj = (): Record<string, string> => read('clojure-c3p0', ['project.clj', 'src/orchard/db.clj', 'src/orchard/main.clj'])
const java = (): Record<string, string> => read('java-c3p0', ['pom.xml', 'src/main/java/shop/Till.java', 'src/main/resources/c3p0.properties'])
const analyze = async (files: Record<string, string>) => jvm.analyze(ctxFor('java -cp target/app.jar app.Main', {files: memoryFiles(files)}))

describe('a Clojure app pooled with clojure.jdbc-c3p0 (fixture clojure-c3p0)', () => {
  it('make-datasource-spec with no :max-pool-size: the wrapper\'s 15 per JVM × 2 dynos = 30, from db.clj:7, not starred', () => {
    const r = planJson(procfileOf('clojure-c3p0'), ['--limit', '100', '--scale', 'web=2:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 30, poolPerProcess: 15, server: 'jvm', threadsPerProcess: 15})
    const pool = JSON.stringify(r.type('web').sources['pool.c3p0'])
    expect(pool).toContain('(:max-pool-size dbspec 15)')
    expect(pool).toContain('"file":"src/orchard/db.clj","kind":"file","line":7')
    expect(pool).not.toContain('"kind":"assumed"')
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('a :max-pool-size literal in the map is the pool: 4, from its line', async () => {
    const files = clj()
    files['src/orchard/db.clj'] = files['src/orchard/db.clj'].replace(':max-wait 2000}', ':max-wait 2000\n     :max-pool-size 4}')
    const a = await analyze(files)
    expect(a.pools!.map((p) => p.pool.value)).toEqual([4])
    expect(a.pools![0].pool.source).toEqual({file: 'src/orchard/db.clj', kind: 'file', line: 12})
    expect(a.threadsPerProcess.value).toBe(4)
  })

  it('options passed by name: 15 assumed, said at the call', async () => {
    const files = clj()
    files['src/orchard/db.clj'] = files['src/orchard/db.clj'].replace(/\(c3p0\/make-datasource-spec\s+\{[^}]*\}\)/, '(c3p0/make-datasource-spec settings)')
    const a = await analyze(files)
    expect(a.pools!.map((p) => p.pool.value)).toEqual([15])
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'src/orchard/db.clj', line: 7}))
    expect(JSON.stringify(a.pools![0].pool)).toContain('"kind":"assumed"')
  })

  it('(doto (ComboPooledDataSource.) (.setMaxPoolSize 9)): 9; without the setter c3p0\'s own 15', async () => {
    const files = clj()
    files['src/orchard/db.clj'] = '(ns orchard.db\n  (:import com.mchange.v2.c3p0.ComboPooledDataSource))\n\n(def pool\n  (doto (ComboPooledDataSource.)\n    (.setJdbcUrl (System/getenv "JDBC_DATABASE_URL"))\n    (.setMaxPoolSize 9)))\n'
    const a = await analyze(files)
    expect(a.pools!.map((p) => p.pool.value)).toEqual([9])
    expect(a.pools![0].pool.source).toEqual({file: 'src/orchard/db.clj', kind: 'file', line: 7})
    files['src/orchard/db.clj'] = files['src/orchard/db.clj'].replace('\n    (.setMaxPoolSize 9)', '')
    const b = await analyze(files)
    expect(b.pools!.map((p) => p.pool.value)).toEqual([15])
    expect(JSON.stringify(b.pools![0].pool)).toContain('C3P0Defaults.MAX_POOL_SIZE')
  })
})

describe('a Java app pooled with c3p0 (fixture java-c3p0)', () => {
  it('setMaxPoolSize(6) at Till.java:10 wins over c3p0.properties: 6 per JVM × 3 dynos = 18', () => {
    const r = planJson(procfileOf('java-c3p0'), ['--limit', '100', '--scale', 'web=3:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 18, poolPerProcess: 6, server: 'jvm', threadsPerProcess: 6})
    expect(r.type('web').sources['pool.c3p0'].source).toMatchObject({file: 'src/main/java/shop/Till.java', kind: 'file', line: 10})
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('no setter: c3p0.properties:3 c3p0.maxPoolSize=8; no properties either: c3p0\'s 15', async () => {
    const files = java()
    files['src/main/java/shop/Till.java'] = files['src/main/java/shop/Till.java'].replace('        POOL.setMaxPoolSize(6);\n', '')
    const a = await analyze(files)
    expect(a.pools!.map((p) => p.pool.value)).toEqual([8])
    expect(a.pools![0].pool.source).toEqual({file: 'src/main/resources/c3p0.properties', kind: 'file', line: 3})
    delete files['src/main/resources/c3p0.properties']
    const b = await analyze(files)
    expect(b.pools!.map((p) => p.pool.value)).toEqual([15])
  })

  it('c3p0-config.xml <default-config> maxPoolSize 12 is read; a setter conncalc cannot evaluate is said, the file\'s 12 assumed', async () => {
    const files = java()
    delete files['src/main/resources/c3p0.properties']
    files['src/main/resources/c3p0-config.xml'] = '<c3p0-config>\n  <default-config>\n    <property name="maxPoolSize">12</property>\n  </default-config>\n</c3p0-config>\n'
    files['src/main/java/shop/Till.java'] = files['src/main/java/shop/Till.java'].replace('        POOL.setMaxPoolSize(6);\n', '')
    const a = await analyze(files)
    expect(a.pools!.map((p) => p.pool.value)).toEqual([12])
    expect(a.pools![0].pool.source).toEqual({file: 'src/main/resources/c3p0-config.xml', kind: 'file', line: 3})
    files['src/main/java/shop/Till.java'] = files['src/main/java/shop/Till.java'].replace('POOL.setJdbcUrl', 'POOL.setMaxPoolSize(Integer.parseInt(System.getenv("POOL")));\n        POOL.setJdbcUrl')
    const b = await analyze(files)
    expect(b.pools!.map((p) => p.pool.value)).toEqual([12])
    expect(b.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'src/main/java/shop/Till.java', line: 9}))
    expect(JSON.stringify(b.pools![0].pool)).toContain('"kind":"assumed"')
  })

  it('new ComboPooledDataSource("reports"): <named-config name="reports"> maxPoolSize 4 over <default-config> 12; a name with no named-config takes the default 12', async () => {
    // c3p0 named configs extend <default-config> and override it; the pool built with the name takes the named value.
    const files = java()
    delete files['src/main/resources/c3p0.properties']
    files['src/main/resources/c3p0-config.xml'] = ['<c3p0-config>', '  <default-config>', '    <property name="maxPoolSize">12</property>', '  </default-config>', '  <named-config name="reports">', '    <property name="minPoolSize">1</property>', '    <property name="maxPoolSize">4</property>', '  </named-config>', '</c3p0-config>', ''].join('\n')
    files['src/main/java/shop/Till.java'] = files['src/main/java/shop/Till.java'].replace('new ComboPooledDataSource()', 'new ComboPooledDataSource("reports")').replace('        POOL.setMaxPoolSize(6);\n', '')
    const a = await analyze(files)
    expect(a.pools!.map((p) => p.pool.value)).toEqual([4])
    expect(a.pools![0].pool.source).toEqual({file: 'src/main/resources/c3p0-config.xml', kind: 'file', line: 7})
    files['src/main/java/shop/Till.java'] = files['src/main/java/shop/Till.java'].replace('"reports"', '"ledger"')
    const b = await analyze(files)
    expect(b.pools!.map((p) => p.pool.value)).toEqual([12])
  })
})

describe("Hibernate's own c3p0 pool (hibernate-c3p0, no ComboPooledDataSource in the code)", () => {
  // A plain Java app (no Spring) with hibernate-core + hibernate-c3p0 + postgresql: any hibernate.c3p0.* setting makes
  // Hibernate's C3P0ConnectionProvider the provider; its pool is hibernate.c3p0.max_size, else 15 (DEFAULT_MAX_POOL_SIZE).
  const pom = ['<project>', '  <dependencies>', '    <dependency><groupId>org.hibernate</groupId><artifactId>hibernate-core</artifactId><version>5.6.15.Final</version></dependency>', '    <dependency><groupId>org.hibernate</groupId><artifactId>hibernate-c3p0</artifactId><version>5.6.15.Final</version></dependency>', '    <dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId><version>42.6.0</version></dependency>', '  </dependencies>', '</project>', ''].join('\n')
  const main = 'package kiosk;\n\npublic class Main {\n    public static void main(String[] args) {\n        new org.hibernate.cfg.Configuration().configure().buildSessionFactory();\n    }\n}\n'
  const cfg = (props: string[]) => ['<hibernate-configuration>', '  <session-factory>', '    <property name="hibernate.connection.driver_class">org.postgresql.Driver</property>', ...props, '  </session-factory>', '</hibernate-configuration>', ''].join('\n')

  it('hibernate.cfg.xml c3p0.max_size 7 → 7 from its line; only min_size set → 15, not starred', async () => {
    const a = await analyze({'pom.xml': pom, 'src/main/java/kiosk/Main.java': main, 'src/main/resources/hibernate.cfg.xml': cfg(['    <property name="hibernate.c3p0.min_size">2</property>', '    <property name="c3p0.max_size">7</property>'])})
    expect(a.pools!.map((p) => [p.database, p.pool.value])).toEqual([['c3p0', 7]])
    expect(a.pools![0].pool.source).toEqual({file: 'src/main/resources/hibernate.cfg.xml', kind: 'file', line: 5})
    const b = await analyze({'pom.xml': pom, 'src/main/java/kiosk/Main.java': main, 'src/main/resources/hibernate.cfg.xml': cfg(['    <property name="hibernate.c3p0.min_size">2</property>'])})
    expect(b.pools!.map((p) => p.pool.value)).toEqual([15])
    expect(JSON.stringify(b.pools![0].pool)).toContain('DEFAULT_MAX_POOL_SIZE')
    expect(JSON.stringify(b.pools![0].pool)).not.toContain('"kind":"assumed"')
  })

  it('persistence.xml <property name="hibernate.c3p0.max_size" value="9"/> → 9', async () => {
    const persistence = ['<persistence>', '  <persistence-unit name="kiosk">', '    <properties>', '      <property name="hibernate.c3p0.max_size" value="9"/>', '    </properties>', '  </persistence-unit>', '</persistence>', ''].join('\n')
    const a = await analyze({'pom.xml': pom, 'src/main/java/kiosk/Main.java': main, 'src/main/resources/META-INF/persistence.xml': persistence})
    expect(a.pools!.map((p) => p.pool.value)).toEqual([9])
    expect(a.pools![0].pool.source).toEqual({file: 'src/main/resources/META-INF/persistence.xml', kind: 'file', line: 4})
  })
})
