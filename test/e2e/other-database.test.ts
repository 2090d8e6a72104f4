/**
 * An app whose dependency files list another database's driver and no PostgreSQL one
 * (languages/common/database-drivers.ts): ActiveRecord and Django reach a database only through
 * the driver the URL or `adapter:` names, so the app's DATABASE_URL is that database's and its
 * processes hold no connection on the plan. The pools are listed as not counted.
 */
import {describe, expect, it} from 'vitest'

import {memoryFiles} from '../../src/model/files.js'
import {anotherDatabase, gradleAppliedScripts, noPythonDriver, otherDatabaseOnly} from '../../src/languages/common/database-drivers.js'
import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

describe('Rails on mysql2 (fixture rails-mysql2)', () => {
  it('puma and sidekiq hold 0 PostgreSQL connections; the pool (5) is listed as not counted', () => {
    const r = planJson(procfileOf('rails-mysql2'), ['--limit', '20'])
    for (const type of ['web', 'worker']) {
      expect(r.type(type)).toMatchObject({connections: 0, threadsPerProcess: 0})
      expect(r.type(type).otherServerPools).toEqual([expect.objectContaining({pool: 5, server: 'mysql2 database (no PostgreSQL driver in Gemfile.lock), not PostgreSQL'})])
      // The 0 names the Gemfile.lock line of the driver.
      expect(r.type(type).sources.threadsPerProcess.source).toMatchObject({file: 'Gemfile.lock', kind: 'file', line: 5})
    }

    expect(r.total).toBe(0)
  })
})

describe('Django on mysqlclient (fixture django-mysql)', () => {
  it('requirements.txt -r requirements/base.txt lists mysqlclient and no psycopg: gunicorn and the command hold 0', () => {
    const r = planJson(procfileOf('django-mysql'), ['--limit', '20'])
    expect(r.type('web')).toMatchObject({connections: 0, processesPerDyno: 3})
    expect(r.type('worker')).toMatchObject({connections: 0})
    const text = runCliInProcess(['plan', '--procfile', procfileOf('django-mysql'), '--limit', '20', '--explain']).stdout
    expect(text).toContain('requirements/base.txt lists mysqlclient and no PostgreSQL driver (psycopg, psycopg2, asyncpg)')
  })
})

describe('Python built only as an image: no installer file at the root', () => {
  // mdn/kuma's layout: docker/images/kuma_base/Dockerfile runs `pip install -r requirements/dev.txt`, which names
  // `-r default.txt`, where mysqlclient is; the repository has no requirements.txt at its root.
  const image = {
    'docker/images/app/Dockerfile': 'FROM python:3.12\nWORKDIR /app\nCOPY ./requirements /app/requirements\nRUN pip install --no-cache-dir -r requirements/dev.txt\n',
    'requirements/default.txt': '# the app\nDjango==4.2\nmysqlclient==2.2.4 \\\n    --hash=sha256:abc\n',
    'requirements/dev.txt': '-r default.txt\nflake8==7.0\n',
  }

  it('the requirements a Dockerfile of the repository installs are read: mysqlclient and no PostgreSQL driver', () => {
    expect(otherDatabaseOnly(memoryFiles(image), 'python')).toMatchObject({drivers: ['mysqlclient'], file: 'requirements/default.txt', line: 3})
  })

  it('psycopg2 in a file the image installs: PostgreSQL', () => {
    expect(otherDatabaseOnly(memoryFiles({...image, 'requirements/dev.txt': '-r default.txt\npsycopg2==2.9\n'}), 'python')).toBeUndefined()
  })

  it('a requirements file no Dockerfile installs and no usual name: not read (as before)', () => {
    const {'docker/images/app/Dockerfile': _, ...noImage} = image
    expect(otherDatabaseOnly(memoryFiles(noImage), 'python')).toBeUndefined()
  })
})

describe('Django on MySQL whose commands start threads (fixture django-mysql-listener)', () => {
  it('a warning about how many connections a process holds is not said beside its 0 (the threads, the CPU count, DATABASES)', () => {
    // requirements.txt lists mysqlclient and no psycopg: gunicorn 2 × 0, the command 1 × 0, celery 8 × 0 = 0. Without the app's
    // database being MySQL, listen_orders.py:14's threading.Thread would warn "counting 1 process × 1 thread", celery's
    // concurrency from the dyno's 8 CPUs would warn, and settings.py:5's mysql ENGINE "counting one connection per thread":
    // each contradicts the 0 the table shows.
    const scale = ['--scale', 'web=1:standard-1x', 'listener=1:standard-1x', 'worker=1:standard-1x']
    const r = planJson(procfileOf('django-mysql-listener'), ['--limit', '20', ...scale])
    expect(r.total).toBe(0)
    expect(r.type('listener')).toMatchObject({connections: 0, threadsPerProcess: 0})
    expect(r.type('worker')).toMatchObject({connections: 0, processesPerDyno: 8})
    // Only the one info line that says why (not-postgresql, naming requirements.txt's mysqlclient line).
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.file])).toEqual([['not-postgresql', 'info', 'requirements.txt']])
    expect(r.exit).toBe(0)
  })
})

describe('Spring Boot with a MySQL JDBC driver (fixture spring-boot-mysql)', () => {
  it("build.gradle's mysql-connector-java and no org.postgresql: Hikari's 8 is listed as not counted, 0 on the plan", () => {
    const r = planJson(procfileOf('spring-boot-mysql'), ['--limit', '20'])
    expect(r.type('web')).toMatchObject({connections: 0, threadsPerProcess: 0})
    expect(r.type('web').otherServerPools).toEqual([expect.objectContaining({pool: 8, server: 'mysql-connector-java database (no PostgreSQL driver in build.gradle), not PostgreSQL'})])
    expect(r.type('web').sources.threadsPerProcess.source).toMatchObject({file: 'build.gradle', line: 13})
  })
})

describe('Spring Boot whose PostgreSQL driver is in a script build.gradle applies (fixture spring-boot-gradle-applied-profile)', () => {
  it("JHipster's layout: org.postgresql in gradle/profile_prod.gradle, H2 in profile_dev.gradle, a liquibase block's jdbc:h2 URL: PostgreSQL, Hikari's 6 per dyno", () => {
    // Before: only build.gradle was read, and its liquibase `url "jdbc:h2:file:…"` read as the coordinate h2: 0, said as H2.
    // --spring.profiles.active=prod,heroku: application-heroku.yml's maximumPoolSize 6 (Spring's relaxed binding of
    // maximum-pool-size) over prod's none; 2 dynos x 1 JVM x min(6 threads waiting, pool 6) = 12.
    const r = planJson(procfileOf('spring-boot-gradle-applied-profile'), ['--limit', '20', '--scale', 'web=2:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 6})
    expect(r.type('web').sources[`pool.${r.type('web').databases[0]}`].source).toMatchObject({file: 'src/main/resources/config/application-heroku.yml', line: 8})
    expect(r.type('web').otherServerPools ?? []).toEqual([])
  })

  it('gradleAppliedScripts: Groovy and Kotlin forms, from the project folder or the root; URLs and unknown variables are not files', () => {
    const gradle = 'apply from: "gradle/a.gradle"\napply from: \'$rootDir/gradle/b.gradle\'\napply from: file("c.gradle")\n// apply from: "gradle/off.gradle"\napply from: "https://example.com/x.gradle"\napply from: "$foo/y.gradle"\n'
    expect(gradleAppliedScripts('api/build.gradle', gradle)).toEqual(['api/gradle/a.gradle', 'gradle/b.gradle', 'api/c.gradle'])
    expect(gradleAppliedScripts('build.gradle.kts', 'apply(from = "gradle/prod.gradle.kts")\n')).toEqual(['gradle/prod.gradle.kts'])
    // The applied script decides: PostgreSQL there turns "H2 only" off; a liquibase URL is no dependency.
    const files = memoryFiles({'build.gradle': 'apply from: "gradle/prod.gradle"\nliquibase { url "jdbc:h2:mem:x" }\n', 'gradle/prod.gradle': "dependencies { implementation 'org.postgresql:postgresql' }\n"})
    expect(otherDatabaseOnly(files, 'java')).toBeUndefined()
    expect(otherDatabaseOnly(memoryFiles({'build.gradle': 'liquibase { url "jdbc:h2:mem:x" }\n'}), 'java')).toBeUndefined()
  })
})

describe('app.json that provisions only another database (fixture php-cleardb)', () => {
  it('cleardb:ignite and no heroku-postgresql: PHP-FPM\'s children hold 0 PostgreSQL connections, said from app.json', () => {
    // heroku-php-apache2 on a standard-1x: 4 children (autotune), each 0 connections on the plan.
    const r = planJson(procfileOf('php-cleardb'), ['--limit', '20', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 0, processesPerDyno: 4, threadsPerProcess: 0})
    expect(r.type('web').sources.threadsPerProcess.source).toMatchObject({file: 'app.json', kind: 'file', line: 5})
  })

  it('anotherDatabase: a PostgreSQL add-on beside it (a migration under way) turns it off; object add-ons are read too', () => {
    const app = (addons: unknown[]) => memoryFiles({'app.json': JSON.stringify({addons})})
    expect(anotherDatabase(app(['jawsdb-maria:kitefin']), 'php')).toMatchObject({server: "jawsdb-maria database (app.json's add-on; no PostgreSQL add-on), not PostgreSQL"})
    expect(anotherDatabase(app([{plan: 'cleardb:ignite'}]), 'node')).toMatchObject({file: 'app.json'})
    expect(anotherDatabase(app(['cleardb:ignite', 'heroku-postgresql:essential-0']), 'php')).toBeUndefined()
    expect(anotherDatabase(app(['heroku-redis:mini']), 'php')).toBeUndefined()
  })
})

describe('otherDatabaseOnly: the dependency files decide', () => {
  it('JVM: a pom.xml artifactId or a Gradle coordinate; the PostgreSQL driver (or its Testcontainers module) beside it turns it off', () => {
    const pom = (...ids: string[]) => `<project><dependencies>${ids.map((id) => `\n<dependency><artifactId>${id}</artifactId></dependency>`).join('')}\n</dependencies></project>\n`
    expect(otherDatabaseOnly(memoryFiles({'pom.xml': pom('spring-boot-starter-jdbc', 'mariadb-java-client')}), 'java')).toMatchObject({drivers: ['mariadb-java-client'], file: 'pom.xml', line: 3})
    expect(otherDatabaseOnly(memoryFiles({'pom.xml': pom('mysql-connector-j', 'postgresql')}), 'java')).toBeUndefined()
    expect(otherDatabaseOnly(memoryFiles({'build.gradle': "runtimeOnly 'org.postgresql:postgresql:42.7.4'\nruntimeOnly 'com.mysql:mysql-connector-j'\n"}), 'java')).toBeUndefined()
    // H2 alone is an embedded database: no PostgreSQL connection either; beside the PostgreSQL driver it is for tests.
    expect(otherDatabaseOnly(memoryFiles({'build.gradle': "runtimeOnly 'com.h2database:h2'\n"}), 'java')).toMatchObject({drivers: ['h2']})
    // A driver only the tests get (testImplementation, a pom's <scope>test</scope>) is not the app's: an app on MySQL whose
    // tests run on PostgreSQL (Testcontainers' postgresql module, the driver) is on MySQL. Was: PostgreSQL, counted on the plan.
    // (So H2 only in testImplementation is no database of the app's at all.)
    expect(otherDatabaseOnly(memoryFiles({'build.gradle': "testImplementation 'com.h2database:h2'\n"}), 'java')).toBeUndefined()
    const gradle = "dependencies {\n  implementation 'com.mysql:mysql-connector-j:8.4.0'\n  testImplementation 'org.testcontainers:postgresql:1.20.1'\n  testRuntimeOnly(\n    'org.postgresql:postgresql:42.7.4'\n  )\n  developmentOnly 'org.postgresql:postgresql'\n}\n"
    expect(otherDatabaseOnly(memoryFiles({'build.gradle': gradle}), 'java')).toMatchObject({drivers: ['mysql-connector-j'], file: 'build.gradle', line: 2})
    const testScope = '<project><dependencies>\n<dependency><artifactId>mysql-connector-j</artifactId></dependency>\n<dependency>\n<artifactId>postgresql</artifactId>\n<scope>test</scope>\n</dependency>\n</dependencies></project>\n'
    expect(otherDatabaseOnly(memoryFiles({'pom.xml': testScope}), 'java')).toMatchObject({drivers: ['mysql-connector-j'], file: 'pom.xml', line: 2})
    expect(otherDatabaseOnly(memoryFiles({'pom.xml': testScope.replace('<scope>test</scope>', '<scope>runtime</scope>')}), 'java')).toBeUndefined()
    expect(otherDatabaseOnly(memoryFiles({'build.gradle': "runtimeOnly 'org.postgresql:postgresql'\ntestImplementation 'com.h2database:h2'\n"}), 'java')).toBeUndefined()
  })

  const lock = (...gems: string[]) => `GEM\n  remote: https://rubygems.org/\n  specs:\n${gems.map((g) => `    ${g} (1.0.0)\n`).join('')}\nDEPENDENCIES\n${gems.map((g) => `  ${g}\n`).join('')}`
  it('Ruby: mysql2 or trilogy alone is another database; beside pg (Rails 8 with sqlite3 for its cache) it is not', () => {
    expect(otherDatabaseOnly(memoryFiles({'Gemfile.lock': lock('rails', 'trilogy')}), 'ruby')).toMatchObject({drivers: ['trilogy'], file: 'Gemfile.lock'})
    expect(otherDatabaseOnly(memoryFiles({'Gemfile.lock': lock('pg', 'rails', 'sqlite3')}), 'ruby')).toBeUndefined()
    // A gem that depends on mysql2 names it 6 spaces in: that is not the app's own spec line.
    expect(otherDatabaseOnly(memoryFiles({'Gemfile.lock': 'GEM\n  specs:\n    pg (1.5.6)\n    seamless_database_pool (1.0)\n      mysql2 (>= 0)\n'}), 'ruby')).toBeUndefined()
    expect(otherDatabaseOnly(memoryFiles({'Gemfile.lock': lock('rails')}), 'ruby')).toBeUndefined() // no driver at all: nothing is said
  })

  it('Python: PyMySQL in pyproject.toml; psycopg anywhere (a lock file too) turns it off; a lock file\'s extras never count as another database', () => {
    expect(otherDatabaseOnly(memoryFiles({'pyproject.toml': '[project]\ndependencies = ["flask>=3", "PyMySQL==1.1.1"]\n'}), 'python')).toMatchObject({drivers: ['pymysql'], file: 'pyproject.toml', line: 2})
    expect(otherDatabaseOnly(memoryFiles({'poetry.lock': '[[package]]\nname = "psycopg2-binary"\n', 'pyproject.toml': '[tool.poetry.dependencies]\nmysqlclient = "^2.2"\n'}), 'python')).toBeUndefined()
    expect(otherDatabaseOnly(memoryFiles({'poetry.lock': '[package.extras]\nmysql = ["mysqlclient (>=1.4.0)"]\n', 'pyproject.toml': '[tool.poetry.dependencies]\nsqlalchemy = "^2.0"\n'}), 'python')).toBeUndefined()
    expect(otherDatabaseOnly(memoryFiles({'requirements.txt': 'psycopg[binary]==3.2.3\nmysqlclient==2.2.4\n'}), 'python')).toBeUndefined()
  })

  it('Python: only the files the deploy installs are read — the buildpack\'s installer and what it names, a build hook\'s or a Dockerfile\'s `pip install -r`', () => {
    const prod = {'requirements/production.txt': 'mysqlclient==2.2.4\n'}
    // requirements.txt does not name requirements/production.txt: the buildpack never installs it.
    expect(otherDatabaseOnly(memoryFiles({'requirements.txt': 'flask\n', ...prod}), 'python')).toBeUndefined()
    expect(otherDatabaseOnly(memoryFiles({'requirements.txt': 'flask\n-r requirements/production.txt\n', ...prod}), 'python')).toMatchObject({drivers: ['mysqlclient'], file: 'requirements/production.txt'})
    expect(otherDatabaseOnly(memoryFiles({'bin/post_compile': '#!/bin/bash\npip install -r requirements/production.txt\n', 'requirements.txt': 'flask\n', ...prod}), 'python')).toMatchObject({drivers: ['mysqlclient']})
    expect(otherDatabaseOnly(memoryFiles({Dockerfile: 'FROM python:3.12\nRUN pip install --no-cache-dir -r requirements/production.txt\n', 'requirements.txt': 'flask\n', ...prod}), 'python')).toMatchObject({drivers: ['mysqlclient']})
    // Pipfile.lock is installed, not requirements.txt: psycopg2 there is not on the dyno, Pipfile's PyMySQL is.
    expect(otherDatabaseOnly(memoryFiles({Pipfile: '[packages]\npymysql = "*"\n', 'Pipfile.lock': '{"default": {"pymysql": {}}}', 'requirements.txt': 'psycopg2\n'}), 'python')).toMatchObject({drivers: ['pymysql'], file: 'Pipfile'})
    // `-e .` installs the app's own package: its setup.py is read; without it, setup.py is not.
    expect(otherDatabaseOnly(memoryFiles({'requirements.txt': '-e .\n', 'setup.py': 'setup(install_requires=["pymysql"])\n'}), 'python')).toMatchObject({file: 'setup.py'})
    expect(otherDatabaseOnly(memoryFiles({'requirements.txt': 'flask\n', 'setup.py': 'setup(install_requires=["pymysql"])\n'}), 'python')).toBeUndefined()
    // No installer file at the root (an image installs the app): the usual places are read.
    expect(otherDatabaseOnly(memoryFiles(prod), 'python')).toMatchObject({drivers: ['mysqlclient']})
    // noPythonDriver reads the same files: a driver in a file nothing installs does not make the app reach PostgreSQL.
    expect(noPythonDriver(memoryFiles({'requirements.txt': 'flask\n', 'requirements/production.txt': 'psycopg2\n'}))).toMatchObject({read: ['requirements.txt']})
  })
})

describe("Laravel's default connection (config/database.php, fixtures laravel-11-connection and laravel-10-connection)", () => {
  const plan = (app: string, ...env: string[]) => planJson(procfileOf(app), ['--limit', '20', '--scale', 'web=2:standard-1x', 'worker=1:standard-1x', ...env.flatMap((e) => ['--env', e])])

  it('Laravel 11 skeleton, DB_CONNECTION unset: it falls back to sqlite, so PostgreSQL is only assumed, and said', () => {
    // heroku-php-apache2 on standard-1x: 4 FPM children (autotune) × 1 PDO connection = 4 a dyno, 2 dynos = 8;
    // queue:work 1. Both counted as an assumption: 'default' => env('DB_CONNECTION', 'sqlite') at config/database.php:8.
    const r = plan('laravel-11-connection')
    expect(r.type('web')).toMatchObject({connections: 8, processesPerDyno: 4, threadsPerProcess: 1})
    expect(r.type('worker')).toMatchObject({connections: 1, threadsPerProcess: 1})
    expect(r.total).toBe(9)
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('`sqlite` uses the sqlite driver when DB_CONNECTION is unset')}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unresolved-env', file: 'config/database.php', line: 8, processType: 'web'}))
  })

  it('DB_CONNECTION=pgsql reads it (no assumption); DB_CONNECTION=mysql is another database: 0, read', () => {
    const pg = plan('laravel-11-connection', 'DB_CONNECTION=pgsql')
    expect(pg.total).toBe(9)
    expect(pg.type('web').sources.threadsPerProcess.via ?? []).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(pg.codes).not.toContain('unresolved-env')
    // The mysql connection's url is env('DB_URL'), unset: its driver, mysql, stands. 0 for every PHP process.
    const my = plan('laravel-11-connection', 'DB_CONNECTION=mysql')
    expect(my.type('web')).toMatchObject({connections: 0, threadsPerProcess: 0})
    expect(my.type('worker')).toMatchObject({connections: 0})
    expect(my.type('web').sources.threadsPerProcess.source).toMatchObject({file: 'config/database.php', kind: 'file', line: 8})
  })

  it("Laravel 10 skeleton: the mysql default's url is DATABASE_URL, the PostgreSQL add-on's, so it is pgsql (ConfigurationUrlParser)", () => {
    // Laravel ≥ 5.8 takes the driver from the url's scheme: postgres:// → pgsql. 2 × 4 + 1 = 9, read.
    const r = plan('laravel-10-connection')
    expect(r.total).toBe(9)
    expect(r.type('web').sources.threadsPerProcess.via ?? []).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.codes).not.toContain('unresolved-env')
    // A connection named outright by DB_CONNECTION with another driver and no url (sqlsrv): 0.
    expect(plan('laravel-10-connection', 'DB_CONNECTION=legacy').total).toBe(0)
  })

  it('config/database.php built in variables (`$connection = env(…)`, `$config = [...]`, `$config[…][\'url\'] = …`, `return $config;`) is read', () => {
    // 'default' => $connection, $connection = env('DB_CONNECTION', 'mysql') (line 5); the mysql connection's url is
    // set after the array: env('DATABASE_URL') (line 38), the add-on's, so pgsql (Laravel 9 ≥ 5.8). 2 × 4 + 1 = 9, read.
    const r = plan('laravel-config-variables')
    expect(r.total).toBe(9)
    expect(r.type('web').sources.threadsPerProcess.via ?? []).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual({file: 'config/database.php', kind: 'file', line: 38})
    expect(r.codes).not.toContain('unknown-config-value')
    // DB_CONNECTION=mysql and DATABASE_URL another database's URL: the mysql connection is MySQL, 0 on the plan.
    expect(plan('laravel-config-variables', 'DB_CONNECTION=mysql', 'DATABASE_URL=mysql://u:p@db.example.com/ledger').total).toBe(0)
    // The `reporting` connection's driver is changed inside an `if` block: not read, so 1 per process is assumed, and said.
    const reporting = plan('laravel-config-variables', 'DB_CONNECTION=reporting')
    expect(reporting.total).toBe(9)
    expect(reporting.type('worker').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining("the `reporting` connection's driver is not a value conncalc can read")}))
    expect(reporting.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'config/database.php', line: 41, processType: 'web'}))
  })
})

describe('a Python app that installs no database driver at all (fixture python-no-db-driver)', () => {
  it('no pool in the code: 0, said from requirements.txt; an engine the code makes cannot connect either: 0, said', () => {
    const r = planJson(procfileOf('python-no-db-driver'), ['--limit', '20'])
    // web: gunicorn 3 workers × 4 threads, Redis only: was 3 × 4 × 1 = 12; now 0. worker: rq, 0 (was 1).
    expect(r.type('web')).toMatchObject({connections: 0, processesPerDyno: 3, threadsPerProcess: 0})
    expect(r.type('worker')).toMatchObject({connections: 0})
    expect(r.type('web').sources.threadsPerProcess.source).toMatchObject({file: 'requirements.txt', kind: 'file', line: 1})
    // report: create_engine(pool_size=3, max_overflow=0) on the main thread would be min(3, 1) = 1 (it was, starred); its
    // URL's dialect imports psycopg2 when it connects (SQLAlchemy dialects/postgresql/psycopg2.py import_dbapi), and no
    // package installs it: 0, no assumption. requirements.txt is a plain list, so the reason says a package could pull one in.
    expect(r.type('report')).toMatchObject({connections: 0, poolPerProcess: null, threadsPerProcess: 0})
    expect(r.type('report').sources.threadsPerProcess.via ?? []).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.type('report').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({what: expect.stringContaining('the pools and connections its code opens load that driver when they connect, so they cannot reach PostgreSQL (if a package requirements.txt names pulls one in, say --assume report=PROCESSES:THREADS:POOL)')}))
    expect(r.total).toBe(0)
    const text = runCliInProcess(['plan', '--procfile', procfileOf('python-no-db-driver'), '--limit', '20', '--explain']).stdout
    expect(text).toContain('requirements.txt lists no database driver (no PostgreSQL one: psycopg, psycopg2, asyncpg; no other database\'s): nothing the app runs can open a PostgreSQL connection')
    // The plain output says why its types hold 0, once for the app (web and worker each found it: one line).
    const plain = runCliInProcess(['plan', '--procfile', procfileOf('python-no-db-driver'), '--limit', '20']).stdout
    const said = plain.split('\n').filter((l) => l.includes('[not-postgresql]'))
    expect(said).toEqual(['requirements.txt:1: info: requirements.txt lists no database driver (no PostgreSQL one: psycopg, psycopg2, asyncpg; no other database\'s): nothing the app runs can open a PostgreSQL connection; its processes are counted with 0 PostgreSQL connections [not-postgresql]'])
  })

  it('noPythonDriver: a driver, an extra or a package that installs one, an unseen requirement, no installer file: nothing is said', () => {
    const reqs = (text: string, more: Record<string, string> = {}) => noPythonDriver(memoryFiles({'requirements.txt': text, ...more}))
    expect(reqs('flask\nredis\n')).toMatchObject({file: 'requirements.txt', read: ['requirements.txt']})
    expect(reqs('flask\n-r requirements/base.txt\n', {'requirements/base.txt': 'rq\n'})).toMatchObject({read: ['requirements.txt', 'requirements/base.txt']})
    expect(reqs('flask\n-r requirements/base.txt\n', {'requirements/base.txt': 'psycopg2-binary==2.9.9\n'})).toBeUndefined()
    expect(reqs('flask\n-r requirements/missing.txt\n')).toBeUndefined() // its packages are unknown
    expect(reqs('SQLAlchemy[postgresql_psycopg2binary]==2.0\n')).toBeUndefined()
    expect(reqs('django-toolbelt==0.0.1\n')).toBeUndefined()
    expect(reqs('flask\ngit+https://github.com/example/lib.git#egg=lib\n')).toBeUndefined()
    // pip-compile's (pip-tools 5+) and uv's output pin what every requirement pulls in, a git one's too: decided, and complete.
    const compiled = (header: string) => `${header}\nflask==3.0.3\n    # via -r requirements.in\nshapes @ git+https://github.com/example/shapes.git@0a1b2c3\n    # via -r requirements.in\nrequests==2.32.3\n    # via shapes\n`
    expect(reqs(compiled('#\n# This file is autogenerated by pip-compile with Python 3.12\n# by the following command:\n#\n#    pip-compile requirements.in\n#'))).toMatchObject({complete: true, file: 'requirements.txt'})
    expect(reqs(compiled('# This file was autogenerated by uv via the following command:\n#    uv pip compile requirements.in -o requirements.txt'))).toMatchObject({complete: true})
    // pip-tools 1.x (no `# via`) did not resolve a git requirement's dependencies; a hand-written list is not complete.
    expect(reqs('# This file is autogenerated by pip-compile\nflask==0.12\nshapes @ git+https://github.com/example/shapes.git@0a1b2c3\n')).toBeUndefined()
    expect(reqs('flask\nredis\n')).toMatchObject({complete: false})
    expect(noPythonDriver(memoryFiles({'Pipfile.lock': '{"default": {"flask": {"version": "==3.0.3"}}}', Pipfile: '[packages]\nflask = "*"\n'}))).toMatchObject({complete: true, file: 'Pipfile.lock'})
    // Prisma's Python client reaches PostgreSQL through its own query engine, with no DB-API driver.
    expect(reqs('fastapi\nprisma==0.13.1\n')).toBeUndefined()
    expect(reqs('flask\n-e ./vendor/lib\n')).toBeUndefined()
    expect(reqs('flask\nmysqlclient\n')).toBeUndefined() // another database: otherDatabaseOnly says it
    // pip's index options are not requirements; `-e .` is the app itself, its setup.py read.
    expect(reqs('--index-url https://pypi.example.com/simple\n-e .\nflask\n', {'setup.py': 'setup(install_requires=["redis"])\n'})).toMatchObject({read: ['requirements.txt', 'setup.py']})
    expect(reqs('-e .\n', {'setup.py': 'setup(install_requires=["psycopg[binary]"])\n'})).toBeUndefined()
    // A Pipfile's own [[source]] url is PyPI's, not a requirement; a git source is.
    expect(noPythonDriver(memoryFiles({Pipfile: '[[source]]\nurl = "https://pypi.org/simple"\n\n[packages]\nflask = "*"\n'}))).toMatchObject({file: 'Pipfile'})
    expect(noPythonDriver(memoryFiles({Pipfile: '[packages]\nlib = {git = "https://github.com/example/lib.git"}\n'}))).toBeUndefined()
    // Only setup.py (no file the buildpack installs from), a heroku.yml image, a Dockerfile installing the driver: not decided.
    expect(noPythonDriver(memoryFiles({'setup.py': 'setup(install_requires=["flask"])\n'}))).toBeUndefined()
    expect(reqs('flask\n', {'heroku.yml': 'build:\n  docker:\n    web: Dockerfile\n'})).toBeUndefined()
    expect(reqs('flask\n', {Dockerfile: 'FROM python:3.12\nRUN pip install psycopg2-binary\n'})).toBeUndefined()
  })
})

describe('Django settings that write out SQLite (fixture python-django-sqlite-written)', () => {
  const at = (env: string[] = []) => planJson(procfileOf('python-django-sqlite-written'), ['--limit', '20', ...env])

  it('DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}} at the top of the settings module: every type 0, said in the plain output', () => {
    const r = at()
    // web: gunicorn 2 workers × 3 threads, worker: celery 4 children × 1 thread; each would be counted 1 per thread (6 + 4 = 10); SQLite: 0.
    expect(r.type('web')).toMatchObject({connections: 0, processesPerDyno: 2, threadsPerProcess: 0})
    expect(r.type('worker')).toMatchObject({connections: 0, processesPerDyno: 4, threadsPerProcess: 0})
    expect(r.type('web').sources.threadsPerProcess.source).toMatchObject({file: 'site/settings.py', kind: 'file', line: 7})
    expect(r.total).toBe(0)
    const text = runCliInProcess(['plan', '--procfile', procfileOf('python-django-sqlite-written'), '--limit', '20']).stdout
    expect(text).toContain('site/settings.py:7: info: DATABASES names no PostgreSQL database ("default" uses django.db.backends.sqlite3) and is written out')
    expect(text).toContain('[not-postgresql]')
    expect(text).not.toContain('counting one connection per thread')
  })

  it('a sibling settings module calling django_heroku.settings(locals()) (DATABASES from DATABASE_URL): not written out, counted and warned', () => {
    // django-heroku 0.3.1 core.py settings() sets DATABASES["default"] from DATABASE_URL: the dyno may run that module
    // (DJANGO_SETTINGS_MODULE a config var). web 2 × 3 + worker 4 × 1 = 10, one per thread, with the warning naming the settings read.
    const {app} = tempApps('python-django-sqlite-written')
    const dir = app({'site/settings_heroku.py': 'import django_heroku\n\nfrom .settings import *\n\ndjango_heroku.settings(locals())\n'})
    const r = planJson(`${dir}/Procfile`, ['--limit', '20'])
    expect(r.type('web')).toMatchObject({connections: 6, processesPerDyno: 2, threadsPerProcess: 3})
    expect(r.total).toBe(10)
    expect(r.codes).not.toContain('not-postgresql')
    expect(r.diagnostics.find((d) => d.code === 'unknown-config-value')?.fix).toContain('point DJANGO_SETTINGS_MODULE at the production settings')
  })

  it('the engine chosen by an env var or an undecided `if`: still counted on PostgreSQL (the add-on sets DATABASE_URL), the warning kept', () => {
    // alt/settings_if.py: `if LOCAL_DEV: sqlite else: dj_database_url.config(default=sqlite)`: DATABASE_URL's database, 2 × 3 + 4 × 1 = 10.
    // alt/settings_engine.py: ENGINE os.environ.get("DB_ENGINE", sqlite); alt/settings_later.py: sqlite, then DATABASES["default"] = dj_database_url.config() under an `if`.
    for (const module of ['settings_if', 'settings_engine', 'settings_later']) {
      const r = at(['--env', `DJANGO_SETTINGS_MODULE=alt.${module}`])
      expect(r.type('web'), module).toMatchObject({connections: 6, processesPerDyno: 2, threadsPerProcess: 3})
      expect(r.type('worker'), module).toMatchObject({connections: 4})
      expect(r.total, module).toBe(10)
      expect(r.diagnostics.some((d) => d.code === 'not-postgresql'), module).toBe(false)
    }
  })
})

// A Python 2-era Flask app on MySQL-python (the MySQLdb module; its PyPI name, not mysqlclient): requirements.txt lists it and no
// PostgreSQL driver, so gunicorn's 3 gevent workers × min(pool 5 + 10, 1000 greenlets) = 45 and the celery worker's 1 hold
// nothing on the plan: 0 (before: 45 + 1 = 46, counted as PostgreSQL).
describe('Flask on MySQL-python (temp app)', () => {
  const {app} = tempApps()
  it('gunicorn gevent and celery hold 0; the info names requirements.txt:3', () => {
    const dir = app({
      Procfile: 'web: gunicorn --workers 3 --worker-class gevent shop:app\nworker: celery worker --app shop.tasks --concurrency 1\n',
      'requirements.txt': 'Flask==0.10.1\nFlask-SQLAlchemy==2.0\nMySQL-python==1.2.5\ncelery==3.1.13\ngevent==1.0.1\ngunicorn==19.3.0\n',
      'shop/__init__.py': "from flask import Flask\nfrom flask.ext.sqlalchemy import SQLAlchemy\n\napp = Flask(__name__)\napp.config['SQLALCHEMY_DATABASE_URI'] = 'mysql://shop@localhost/shop'\ndb = SQLAlchemy(app)\n",
      'shop/tasks.py': "from celery import Celery\n\napp = Celery('shop')\n",
    })
    const r = planJson(`${dir}/Procfile`, ['--limit', '20', '--scale', 'web=1:standard-1x', 'worker=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 0, processesPerDyno: 3, threadsPerProcess: 0})
    expect(r.type('worker')).toMatchObject({connections: 0})
    expect(r.total).toBe(0)
    expect(r.diagnostics.find((d) => d.code === 'not-postgresql')).toMatchObject({file: 'requirements.txt', line: 3, severity: 'info'})
  })
})
