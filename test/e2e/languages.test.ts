import {describe, expect, it} from 'vitest'

import {fixture, planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'

const plan = (name: string, ...args: string[]) => planJson(procfileOf(name), args)
const codes = (r: {codes: string[]}) => r.codes

describe('Python apps', () => {
  it('gunicorn gevent + SQLAlchemy: the pool bounds each worker, no pool-below-threads advice', () => {
    const r = plan('gevent-sqlalchemy', '--scale', 'web=2', '--plan', 'standard-0')
    expect(r.type('web')).toMatchObject({connections: 60, connectionsPerProcess: 15, poolPerProcess: 15, processesPerDyno: 2, threadsPerProcess: 500})
    expect(codes(r)).not.toContain('pool-below-threads')
    expect(codes(r)).not.toContain('greenlet-concurrency')
  })

  it('gunicorn gthread with more threads than the SQLAlchemy pool: pool-below-threads, with SQLAlchemy advice', () => {
    const r = plan('gevent-sqlalchemy/Procfile.gthread', '--scale', 'web=1')
    const d = r.diagnostics.find((x) => x.code === 'pool-below-threads')!
    expect(d.message).toMatch(/^pool \(15\) is below gunicorn threads \(20\) for web/)
    expect(d.fix).toMatch(/SQLAlchemy: pool_size \+ max_overflow ≥ 20/)
    expect(d.fix).not.toContain('RAILS_MAX_THREADS')
  })

  it('Django + gunicorn + Celery: workers from the buildpack WEB_CONCURRENCY, threads from gunicorn.conf.py, Django one connection per thread', () => {
    const r = plan('django-gunicorn-celery', '--scale', 'web=2:standard-2x', 'worker=1', 'beat=1')
    const web = r.type('web')
    expect(web).toMatchObject({connections: 32, connectionsPerProcess: 4, poolPerProcess: 4, processesPerDyno: 4, server: 'gunicorn', threadsPerProcess: 4})
    expect(web.sources.processesPerDyno.source).toEqual({file: 'gunicorn.conf.py', kind: 'file', line: 5})
    expect(web.sources.processesPerDyno.via?.[0].what).toContain('heroku/python buildpack sets WEB_CONCURRENCY=4 on standard-2x')
    expect(web.sources['pool.default'].source).toEqual({file: 'shop/settings/base.py', kind: 'file', line: 23})
    expect(r.type('worker')).toMatchObject({connections: 4, processesPerDyno: 4, server: 'celery', threadsPerProcess: 1})
    expect(r.type('worker').sources.processesPerDyno.source).toEqual({flag: '--concurrency 4', kind: 'flag'})
    // beat with no scheduler set: celery.beat:PersistentScheduler keeps the schedule in a shelve file and beat only
    // publishes to the broker, so it holds no database connection (celery/beat.py): 32 + 4 + 0 = 36.
    expect(r.type('beat')).toMatchObject({connections: 0, server: 'celery-beat'})
    expect(r.total).toBe(36)
  })

  it('Celery without -c follows the CPU count: 8 prefork processes on a Standard dyno, with a warning', () => {
    const r = plan('django-gunicorn-celery/Procfile.cpu-default', '--scale', 'worker=1:standard-1x')
    const worker = r.type('worker')
    expect(worker).toMatchObject({connections: 8, processesPerDyno: 8})
    expect(worker.sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'default', what: 'nproc inside a standard-1x dyno'}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'cpu-count-default', processType: 'worker', severity: 'warning'}))
  })

  it('FastAPI + uvicorn + SQLAlchemy: the async engine pool (pool_size + max_overflow from pydantic settings) bounds the event loop', () => {
    const r = plan('fastapi-sqlalchemy', '--scale', 'web=2:standard-2x')
    const web = r.type('web')
    expect(web).toMatchObject({connections: 60, poolPerProcess: 10, processesPerDyno: 3, server: 'uvicorn', threadsPerProcess: 10})
    expect(web.sources.processesPerDyno.source).toEqual({flag: '--workers 3', kind: 'flag'})
    const pool = web.sources['pool.engine app/core/db.py:5']
    expect(pool.source).toEqual({file: 'app/core/db.py', kind: 'file', line: 5})
    expect(pool.via).toContainEqual({file: 'app/core/config.py', kind: 'file', line: 9})
    // pydantic BaseSettings: the env var of the field's name wins.
    const fromEnv = plan('fastapi-sqlalchemy', '--scale', 'web=1', '--env', 'DB_POOL_SIZE=2')
    expect(fromEnv.type('web')).toMatchObject({poolPerProcess: 7, threadsPerProcess: 7})
  })

  it('Flask + gunicorn: workers are the Python buildpack WEB_CONCURRENCY for the dyno size; Flask-SQLAlchemy engine options', () => {
    const small = plan('flask-gunicorn', '--scale', 'web=2')
    expect(small.type('web')).toMatchObject({connections: 4, poolPerProcess: 5, processesPerDyno: 2, threadsPerProcess: 1})
    expect(small.type('web').sources.processesPerDyno.source.kind).toBe('assumed') // no size given: 512 MB assumed
    const big = plan('flask-gunicorn', '--scale', 'web=2:performance-m')
    expect(big.type('web')).toMatchObject({connections: 10, processesPerDyno: 5})
    expect(big.type('web').sources.processesPerDyno.source.what).toContain('WEB_CONCURRENCY=5 on performance-m')
    expect(big.type('web').sources['pool.flask-sqlalchemy'].source).toEqual({file: 'app/config.py', kind: 'file', line: 6})
    expect(big.type('worker')).toMatchObject({connections: 1, server: 'rq'})
    expect(codes(big)).not.toContain('oversized-pool')
    const oversized = plan('flask-gunicorn', '--scale', 'web=1', '--env', 'DB_POOL_SIZE=10')
    expect(oversized.diagnostics).toContainEqual(expect.objectContaining({code: 'oversized-pool', file: 'app/config.py', processType: 'web', severity: 'info'}))
  })

  it('modern Python (bare yield, match, PEP 695 generics, nested f-strings, walrus, starred targets) parses and still gives its pool', () => {
    // app/db.py holds every shape @lezer/python rejected beside create_engine(pool_size=4, max_overflow=2).
    const r = plan('python-syntax-torture', '--scale', 'web=2')
    const web = r.type('web')
    // 3 gthread workers × min(pool 4 + overflow 2 = 6, 4 threads) = 12 per dyno; × 2 dynos = 24.
    expect(web).toMatchObject({connections: 24, connectionsPerProcess: 4, poolPerProcess: 6, processesPerDyno: 3, server: 'gunicorn', threadsPerProcess: 4})
    expect(web.sources['pool.engine app/db.py:100'].source).toEqual({file: 'app/db.py', kind: 'file', line: 100})
    expect(codes(r)).not.toContain('unparsable-config')
    expect(codes(r)).not.toContain('unknown-config-value')
  })

  it('malformed Python degrades to diagnostics and defaults, never a crash', () => {
    const r = plan('malformed-python', '--scale', 'web=1:standard-2x')
    expect(r.type('web')).toMatchObject({processesPerDyno: 4, threadsPerProcess: 1})
    // Line 3, where CPython 3.13 says "'(' was never closed" (lezer reported line 4).
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unparsable-config', file: 'gunicorn.conf.py', line: 3}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unresolved-env', file: 'proj/settings.py', line: 6}))
  })
})

describe('Node apps', () => {
  it('Node + Prisma 5: npm start → dist/server.js read from src/server.ts; connection_limit defaults to CPUs × 2 + 1, labelled', () => {
    const r = plan('node-prisma', '--scale', 'web=2:standard-2x')
    const web = r.type('web')
    expect(web).toMatchObject({connections: 34, poolPerProcess: 17, processesPerDyno: 1, server: 'node', threadsPerProcess: 17})
    expect(web.sources['pool.prisma src/db.ts:4'].via).toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'cpu-count-default', processType: 'web'}))
    // Queries at once are the pool's 17: that number rests on the same assumption, so it is starred too.
    expect(web.sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('num_cpus::get_physical()')}))
    const table = runCliInProcess(['plan', '--procfile', procfileOf('node-prisma'), '--scale', 'web=2:standard-2x'])
    expect(table.stdout).toMatch(/^web +node +2 +1 +17\* +17\* /m)
    const limited = plan('node-prisma', '--scale', 'web=2', '--env', 'DATABASE_URL=postgres://u:secret@db.example.com/app?connection_limit=5')
    expect(limited.type('web')).toMatchObject({connections: 10, poolPerProcess: 5})
    expect(JSON.stringify(limited)).not.toContain('secret')
  })

  it('Node + knex with throng: workers from WEB_CONCURRENCY (Node buildpack by size), pool max from knexfile production', () => {
    const r = plan('node-knex-throng', '--scale', 'web=2:standard-2x', 'worker=1')
    expect(r.type('web')).toMatchObject({connections: 20, poolPerProcess: 5, processesPerDyno: 2, threadsPerProcess: 5})
    expect(r.type('web').sources.processesPerDyno.source).toEqual({file: 'server.js', kind: 'file', line: 5})
    expect(r.type('web').sources['pool.knex src/db/connection.js:6'].source).toEqual({file: 'knexfile.js', kind: 'file', line: 16})
    expect(r.type('worker')).toMatchObject({connections: 5, processesPerDyno: 1})
    const env = plan('node-knex-throng', '--scale', 'web=1', '--env', 'DB_POOL_MAX=3', '--env', 'WEB_CONCURRENCY=4')
    expect(env.type('web')).toMatchObject({connections: 12, poolPerProcess: 3, processesPerDyno: 4})
  })

  it('modern TS/JSX (100 shorthand properties, #private, decorators, satisfies, enums, namespaces, using, import attributes, top-level await) parses and still gives its pool', () => {
    // src/db.ts holds every shape @lezer/javascript rejected; its pg Pool max is Number(process.env.PG_POOL_MAX ?? settings.poolMax),
    // settings.json imported `with {type: 'json'}` ({"poolMax": 12}).
    const r = plan('node-syntax-torture', '--scale', 'web=2')
    // One Node process per dyno holding up to 12: 2 dynos × 12 = 24.
    expect(r.type('web')).toMatchObject({connections: 24, poolPerProcess: 12, processesPerDyno: 1})
    expect(r.type('web').sources['pool.pg src/db.ts:110'].source).toEqual({file: 'src/db.ts', kind: 'file', line: 105})
    expect(r.diagnostics).toEqual([])
  })

  it('malformed package.json and JavaScript degrade to diagnostics', () => {
    const r = plan('malformed-node')
    expect(r.type('web')).toMatchObject({connections: 1})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unparsable-config', file: 'package.json'}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unparsable-config', file: 'server.js'}))
  })
})

describe('JVM, PHP and Go apps', () => {
  it('Spring Boot: HikariCP maximum-pool-size from application.properties with a ${VAR:default} placeholder', () => {
    const r = plan('spring-boot', '--scale', 'web=2')
    expect(r.type('web')).toMatchObject({connections: 16, poolPerProcess: 8, processesPerDyno: 1, server: 'spring-boot'})
    expect(r.type('web').sources['pool.hikari'].source).toEqual({file: 'src/main/resources/application.properties', kind: 'file', line: 6})
    const env = plan('spring-boot', '--scale', 'web=2', '--env', 'SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE=3')
    expect(env.type('web')).toMatchObject({connections: 6, poolPerProcess: 3})
    expect(env.type('web').sources['pool.hikari'].source).toEqual({from: '--env', kind: 'env', name: 'SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE'})
  })

  it('Spring Boot: an eager HikariCP minimum-idle above the threads that use it is reported', () => {
    const r = plan('spring-boot', '--scale', 'web=1', '--env', 'SPRING_PROFILES_ACTIVE=production', '--assume', 'web=1:2')
    expect(r.type('web')).toMatchObject({connectionsPerProcess: 4, threadsPerProcess: 2})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'oversized-pool', severity: 'warning'}))
  })

  it('Spring Boot with DriverManager.getConnection in the app: a connection outside HikariCP, counted 1 and labelled, with unbounded-pool', () => {
    // HikariCP maximum-pool-size 5 (application.properties:2), opened at start; ExportDao.java:16 opens its own
    // connection per call, as many as the Tomcat threads running it (200 by default): 1 counted. 2 × (5 + 1) = 12.
    const r = plan('spring-boot-drivermanager', '--scale', 'web=2')
    expect(r.type('web')).toMatchObject({connections: 12, extraPerProcess: 1, poolPerProcess: 5})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', file: 'src/main/java/com/example/reports/ExportDao.java', line: 16, processType: 'web'}))
    // The user says how many run at once: 2 × (5 + 20) = 50.
    expect(plan('spring-boot-drivermanager', '--scale', 'web=2', '--assume', 'web.extras=20').type('web')).toMatchObject({connections: 50})
    // An app that never calls it gets no extra (the spring-boot fixture: 2 × 8 = 16 above).
    expect(plan('spring-boot', '--scale', 'web=2').codes).not.toContain('unbounded-pool')
  })

  it('Spring Boot whose build has only a MySQL JDBC driver opens no PostgreSQL connection', () => {
    // build.gradle: mysql-connector-java and no org.postgresql driver, so the HikariCP pool (8) is MySQL's:
    // 2 dynos × 1 JVM × 0 PostgreSQL connections = 0, the pool listed as not counted.
    const r = plan('spring-boot-mysql', '--scale', 'web=2')
    expect(r.type('web')).toMatchObject({connections: 0, processesPerDyno: 1, server: 'spring-boot', threadsPerProcess: 0})
    expect(r.type('web').sources.threadsPerProcess.source).toMatchObject({file: 'build.gradle', kind: 'file', line: 13})
    expect(r.total).toBe(0)
    expect(codes(r)).not.toContain('unknown-command')
  })

  it('Spring Boot 1.5 pools with tomcat-jdbc: maxActive 100 by default, or spring.datasource.tomcat.max-active', () => {
    // pom.xml's parent is spring-boot-starter-parent 1.5.22.RELEASE with spring-boot-starter-data-jpa (which brings tomcat-jdbc,
    // preferred over HikariCP in 1.x); tomcat-jdbc PoolProperties.DEFAULT_MAX_ACTIVE = 100: 2 dynos × 1 JVM × 100 = 200.
    const r = plan('spring-boot-1x', '--scale', 'web=2', '--limit', '500')
    expect(r.type('web')).toMatchObject({connections: 200, poolPerProcess: 100, processesPerDyno: 1, server: 'spring-boot', threadsPerProcess: 100})
    expect(r.type('web').sources['pool.tomcat-jdbc'].via).toContainEqual({file: 'pom.xml', kind: 'file', line: 7})
    // -Dspring.datasource.tomcat.max-active=20 on the command line: 2 × 20 = 40.
    expect(plan('spring-boot-1x/Procfile.tuned', '--scale', 'web=2', '--limit', '500').type('web')).toMatchObject({connections: 40, poolPerProcess: 20})
  })

  it('malformed .properties degrade to diagnostics and HikariCP defaults', () => {
    const r = plan('malformed-spring')
    expect(r.type('web')).toMatchObject({poolPerProcess: 10})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unparsable-config', file: 'src/main/resources/application.properties', line: 1}))
  })

  it('PHP: FPM children by dyno size, artisan queue workers one each', () => {
    const r = plan('php-laravel', '--scale', 'web=2:performance-m', 'worker=1')
    expect(r.type('web')).toMatchObject({connections: 40, processesPerDyno: 20, threadsPerProcess: 1})
    expect(r.type('web').sources.processesPerDyno.source.what).toContain('PHP-FPM to 20 children on performance-m')
    expect(r.type('worker')).toMatchObject({connections: 1, server: 'artisan-queue'})
    expect(codes(r)).not.toContain('unknown-command')
  })

  it('Laravel: artisan one-off commands kept as process types are one PHP process on one connection, not unknown', () => {
    // web: artisan config:cache && route:cache run first, then heroku-php-apache2: 4 FPM children on standard-1x × 1 = 4;
    // queue:work 1, schedule:work 1, and migrate / route:list / passport:keys (one PHP process each, one PDO
    // connection, DatabaseManager) 1 each: 4 + 1 + 1 + 3 = 9; release (artisan migrate) 1 in the deploy peak: 10.
    const r = plan('laravel-artisan-types', '--scale', 'web=1:standard-1x', 'worker=1', 'scheduler=1', 'migrate=1', 'routes=1', 'keys=1')
    expect(r.type('web')).toMatchObject({connections: 4, processesPerDyno: 4, server: 'heroku-php-apache2'})
    for (const name of ['migrate', 'routes', 'keys']) expect(r.type(name)).toMatchObject({connections: 1, processesPerDyno: 1, server: 'artisan', threadsPerProcess: 1})
    expect(r.type('keys').sources.processesPerDyno.source).toMatchObject({kind: 'default'})
    expect(r.total).toBe(9)
    expect(r.deployPeak).toBe(10)
    expect(codes(r)).not.toContain('unknown-command')
  })

  it('Laravel Octane: one connection per worker, --workers or the server\'s CPU-based auto, not an artisan command that exits', () => {
    // --workers=4: 4 RoadRunner workers, each keeping its booted app and PDO connection (config/octane.php: DisconnectFromDatabases
    // off) = 4; queue:work 1; total 5, release (migrate) 1 more in the deploy peak.
    const r = plan('laravel-octane', '--scale', 'web=1:standard-2x', 'worker=1')
    expect(r.type('web')).toMatchObject({connections: 4, processesPerDyno: 4, server: 'octane-roadrunner', threadsPerProcess: 1})
    expect(r.type('web').sources.processesPerDyno.source).toEqual({flag: '--workers=4', kind: 'flag'})
    expect(r.total).toBe(5)
    // octane:frankenphp, --workers auto: FrankenPHP starts GOMAXPROCS × 2 worker threads (frankenphp.go calculateMaxThreads),
    // 2 × 8 CPUs on standard-2x = 16, with the CPU-count warning.
    const franken = plan('laravel-octane/Procfile.frankenphp', '--scale', 'web=1:standard-2x')
    expect(franken.type('web')).toMatchObject({connections: 16, processesPerDyno: 16, server: 'octane-frankenphp'})
    expect(franken.diagnostics).toContainEqual(expect.objectContaining({code: 'cpu-count-default', processType: 'web'}))
    // octane:start without --server: config/octane.php's env('OCTANE_SERVER', 'swoole'); Swoole's worker_num is the CPU count: 8.
    const swoole = plan('laravel-octane/Procfile.config-server', '--scale', 'web=1:standard-2x')
    expect(swoole.type('web')).toMatchObject({connections: 8, server: 'octane-swoole'})
    expect(swoole.type('web').sources.processesPerDyno.via).toContainEqual({file: 'config/octane.php', kind: 'file', line: 11})
    // --workers=${OCTANE_WORKERS:-auto} with OCTANE_WORKERS=6, and OCTANE_SERVER naming another server.
    const set = plan('laravel-octane/Procfile.config-server', '--scale', 'web=1:standard-2x', '--env', 'OCTANE_WORKERS=6', '--env', 'OCTANE_SERVER=frankenphp')
    expect(set.type('web')).toMatchObject({connections: 6, server: 'octane-frankenphp'})
    expect(codes(set)).not.toContain('cpu-count-default')
    expect(codes(r)).not.toContain('unknown-command')
  })

  it('Go: database/sql is unbounded until --assume, which is shown as the user’s assumption', () => {
    const r = plan('go-api', '--scale', 'web=2')
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', processType: 'web', severity: 'warning'}))
    const assumed = plan('go-api', '--scale', 'web=2', '--assume', 'web=1:10:10')
    expect(assumed.type('web')).toMatchObject({connections: 20, poolPerProcess: 10, threadsPerProcess: 10})
    expect(assumed.type('web').sources.threadsPerProcess.source).toEqual({flag: '--assume web=1:10:10', kind: 'flag'})
    expect(codes(assumed)).not.toContain('unbounded-pool')
    const text = runCliInProcess(['plan', '--procfile', `${fixture('go-api')}/Procfile`, '--scale', 'web=2', '--assume', 'web=1:10:10', '--explain']).stdout
    expect(text).toMatch(/threads per process\s+10\s+flag --assume web=1:10:10/)
  })

  it('--assume is checked like --scale', () => {
    const bad = runCliInProcess(['plan', '--procfile', `${fixture('go-api')}/Procfile`, '--assume', 'web=two'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--assume expects TYPE=PROCESSES:THREADS[:POOL]')
    const unknown = runCliInProcess(['plan', '--procfile', `${fixture('go-api')}/Procfile`, '--assume', 'worker=1:1'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('--assume names "worker", which is not in')
  })

  it('--assume with a count above any server\'s connection slots (262,143) is a typo, exit 2, as --scale is; 262,143 itself is taken', () => {
    const procfile = `${fixture('go-api')}/Procfile`
    for (const [value, big] of [['web=99999999999999999999:1', '100000000000000000000'], ['web=1:1:262144', '262144'], ['web.extras=300000', '300000']]) {
      const r = runCliInProcess(['plan', '--procfile', procfile, '--limit', '100', '--assume', value])
      expect([r.code, r.stdout]).toEqual([2, ''])
      expect(r.stderr).toContain(`conncalc: --assume ${value}: ${big} is more than any PostgreSQL server has connection slots (262143); a typo?\n`)
    }

    const max = plan('go-api', '--assume', 'web=262143:1:1')
    expect(max.type('web')).toMatchObject({connections: 262_143, processesPerDyno: 262_143})
  })
})
