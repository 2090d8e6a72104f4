/**
 * The requirements files a Dockerfile's `pip install` names, for the database-driver check
 * (languages/common/database-drivers.ts pipInstalled): pip installs every `-r FILE` of one command
 * (pip's --requirement is repeatable), and a RUN's continued lines (`\` + newline) are one command.
 * - django-image-two-requirements: `pip install -r requirements/mysql.txt -r requirements/postgres.txt`
 *   (kiwitcms/Kiwi's shape): psycopg is installed, so gunicorn 3 workers × 2 threads, one connection per
 *   thread (Django) = 6. Was 0: only mysql.txt was read, "lists mysqlclient and no PostgreSQL driver".
 * - django-image-mysql-continued: `pip install --no-cache-dir \` / `-r requirements/mysql.txt` only: the
 *   image has no PostgreSQL driver, 0 (not-postgresql). Was 6: the continued line was not read.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'

const plan = (app: string) => planJson(fixture(`${app}/Dockerfile`), ['--plan', 'standard-0', '--scale', 'web=1'])

describe("a Dockerfile's pip install -r files", () => {
  it('reads every -r of one pip command: postgres.txt beside mysql.txt installs psycopg, 3 × 2 = 6', () => {
    const r = plan('django-image-two-requirements')
    expect(r.codes).not.toContain('not-postgresql')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 6, processesPerDyno: 3, threadsPerProcess: 2})
    expect(r.total).toBe(6)
  })

  it('reads a -r on a continued line: only mysql.txt, no PostgreSQL driver in the image, 0', () => {
    const r = plan('django-image-mysql-continued')
    expect(r.codes).toContain('not-postgresql')
    expect(r.diagnostics.find((d) => d.code === 'not-postgresql')).toMatchObject({file: 'requirements/mysql.txt', line: 2})
    expect(r.total).toBe(0)
  })
})
