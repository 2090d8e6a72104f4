/**
 * A PHP app that never connects to a database (test/fixtures/php-no-database). PHP opens a connection only
 * when code asks: `new PDO(...)` ("Connections are established by creating instances of the PDO base class",
 * https://www.php.net/manual/en/pdo.connections.php) or the pgsql extension's pg_connect / pg_pconnect, directly
 * or through a library that does.
 * - site: composer.json requires Slim, Twig and Guzzle (no ORM, DBAL, framework database layer or pgsql
 *   extension); its own .php files call an HTTP API and never name PDO (a file under vendor/ that does is not
 *   the app's). By hand: 4 PHP-FPM children on standard-1x × 0 connections = 0 (was 4 × 1 = 4, read as if each
 *   child held a PDO connection).
 * - pg-connect: composer.json names nothing, but public/index.php calls pg_connect: 4 children × 1 = 4.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCli} from '../helpers/cli.js'

const args = ['--plan', 'standard-0', '--scale', 'web=1:standard-1x']

describe('a PHP app that opens no database connection', () => {
  it('no database library, extension or PDO / pg_connect call in the app: 4 children × 0 = 0, said with the files read', () => {
    const r = planJson(procfileOf('php-no-database/site'), args)
    expect(r.type('web')).toMatchObject({connections: 0, processesPerDyno: 4, threadsPerProcess: 0})
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({
      kind: 'default',
      what: expect.stringContaining('composer.json installs no database library or PostgreSQL extension, and no .php file of the app (2) names PDO, pg_connect or DATABASE_URL'),
    }))
  })

  it('the plain output says it once for the app', () => {
    const r = runCli(['plan', '--procfile', procfileOf('php-no-database/site'), ...args])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('total 0 of 120')
    expect(r.stdout).toContain('the app opens no database connection')
  })

  it('code that calls pg_connect connects, whatever composer.json lists: 4 × 1 = 4', () => {
    const r = planJson(procfileOf('php-no-database/pg-connect'), args)
    expect(r.type('web')).toMatchObject({connections: 4, processesPerDyno: 4, threadsPerProcess: 1})
  })
})
