/**
 * A deploy hook that runs a script (Scalingo `postdeploy: bash bin/post_deploy.sh`) runs the app's own code: in an app
 * whose dependency file lists another database's driver and no PostgreSQL one, it holds no PostgreSQL connection,
 * as the Heroku `release: python manage.py migrate` beside it already did (languages/common/database-drivers.ts).
 *
 * App (temp): Procfile web gunicorn, release python manage.py migrate, postdeploy bash bin/post_deploy.sh;
 * requirements.txt django + gunicorn + mysqlclient (no psycopg):
 *   web 0, release (0), postdeploy (0): total 0, deploy peak 0 (before: postdeploy 1 × 1 × 1 = 1, peak 1).
 * The same app with psycopg2 instead of mysqlclient: postdeploy is one process on one thread → (1), as before.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'

const temps: string[] = []
afterAll(() => {
  for (const t of temps) rmSync(t, {force: true, recursive: true})
})

function appWith(driver: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'conncalc-hook-'))
  temps.push(dir)
  writeFileSync(join(dir, 'Procfile'), 'web: gunicorn shop.wsgi\nrelease: python manage.py migrate\npostdeploy: bash bin/post_deploy.sh\n')
  writeFileSync(join(dir, 'requirements.txt'), `django==5.0.6\ngunicorn==23.0.0\n${driver}\n`)
  mkdirSync(join(dir, 'bin'))
  writeFileSync(join(dir, 'bin', 'post_deploy.sh'), '#!/usr/bin/env bash\npython manage.py loaddata countries\n')
  return join(dir, 'Procfile')
}

describe('a deploy hook that runs a script, in an app on another database', () => {
  it('MySQL app: the postdeploy hook holds no PostgreSQL connection either (deploy peak 0)', () => {
    const r = planJson(appWith('mysqlclient==2.2.4'), ['--plan', 'standard-0'])
    expect(r.exit).toBe(0)
    expect(r.type('postdeploy')).toMatchObject({connections: 0, threadsPerProcess: 0})
    expect(r.type('release').connections).toBe(0)
    expect(r.total).toBe(0)
    expect(r.deployPeak).toBe(0)
  })

  it('PostgreSQL app: the postdeploy hook is still one connection in the deploy peak', () => {
    const r = planJson(appWith('psycopg2==2.9.9'), ['--plan', 'standard-0'])
    expect(r.type('postdeploy')).toMatchObject({connections: 1, threadsPerProcess: 1})
  })
})
