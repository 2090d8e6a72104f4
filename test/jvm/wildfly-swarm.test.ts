/**
 * WildFly Swarm / Thorntail datasources (languages/jvm/wildfly-swarm.ts): `new DatasourcesFraction().dataSource("NAME", ds -> …)`
 * in the app's main. A datasource with no maxPoolSize gets IronJacamar's default max-pool-size, 20 (PoolConfiguration:
 * `maxSize = new AtomicInteger(20)`); `ds.maxPoolSize(n)` or project-defaults.yml's max-pool-size sets it. Undertow's
 * request threads (io-threads × 8: 64 on 8 CPUs) wait for the pool, so the pool is the process's connections.
 * Before: no pool read, 1* (the JVM's unknown-pool assumption).
 */
import {describe, expect, it} from 'vitest'

import {jvm} from '../../src/languages/jvm/jvm.js'
import {memoryFiles} from '../../src/model/files.js'
import {isAssumption} from '../../src/model/source.js'
import {ctxFor} from '../analyzers/helpers.js'

const pom = ['<project>', '  <dependencies>', '    <dependency><groupId>org.wildfly.swarm</groupId><artifactId>datasources</artifactId></dependency>', '    <dependency><groupId>org.wildfly.swarm</groupId><artifactId>jpa-postgresql</artifactId></dependency>', '    <dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId><version>42.2.5</version></dependency>', '  </dependencies>', '</project>', ''].join('\n')
const main = (extra: string) => ['package shop;', '', 'import org.wildfly.swarm.Swarm;', 'import org.wildfly.swarm.datasources.DatasourcesFraction;', '', 'public class Main {', '  public static void main(String[] args) throws Exception {', '    new Swarm().fraction(new DatasourcesFraction()', '        .dataSource("ShopDS", (ds) -> {', '          ds.driverName("postgresql");', '          ds.connectionUrl(System.getenv("JDBC_DATABASE_URL"));', extra, '        })', '    ).start().deploy();', '  }', '}', ''].join('\n')
const analyze = async (files: Record<string, string>) => jvm.analyze(ctxFor('java -jar target/shop-swarm.jar', {files: memoryFiles(files)}))

describe('WildFly Swarm DatasourcesFraction', () => {
  it('no maxPoolSize: IronJacamar\'s 20, from Main.java:9, not starred; ds.maxPoolSize(7) → 7', async () => {
    const a = await analyze({'pom.xml': pom, 'src/main/java/shop/Main.java': main('')})
    expect(a.pools!.map((p) => [p.database, p.pool.value])).toEqual([['datasource ShopDS', 20]])
    expect(isAssumption(a.pools![0].pool)).toBe(false)
    expect(JSON.stringify(a.pools![0].pool)).toContain('"file":"src/main/java/shop/Main.java","kind":"file","line":9')
    expect(a.threadsPerProcess.value).toBe(20)
    const b = await analyze({'pom.xml': pom, 'src/main/java/shop/Main.java': main('          ds.maxPoolSize(7);')})
    expect(b.pools!.map((p) => p.pool.value)).toEqual([7])
    expect(b.pools![0].pool.source).toEqual({file: 'src/main/java/shop/Main.java', kind: 'file', line: 12})
  })

  it('project-defaults.yml data-sources.ShopDS.max-pool-size 12 → 12; a size from an expression is said, 20 assumed', async () => {
    const yml = ['swarm:', '  datasources:', '    data-sources:', '      ShopDS:', '        driver-name: postgresql', '        max-pool-size: 12', '']
    const a = await analyze({'pom.xml': pom, 'src/main/java/shop/Main.java': main(''), 'src/main/resources/project-defaults.yml': yml.join('\n')})
    expect(a.pools!.map((p) => p.pool.value)).toEqual([12])
    expect(a.pools![0].pool.source).toEqual({file: 'src/main/resources/project-defaults.yml', kind: 'file', line: 6})
    const b = await analyze({'pom.xml': pom, 'src/main/java/shop/Main.java': main('          ds.maxPoolSize(Integer.parseInt(System.getenv("POOL")));')})
    expect(b.pools!.map((p) => p.pool.value)).toEqual([20])
    expect(isAssumption(b.pools![0].pool)).toBe(true)
    expect(b.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'src/main/java/shop/Main.java', line: 12}))
  })
})
