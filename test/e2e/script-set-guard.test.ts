/**
 * A start script that refuses to run unless the deploy sets a variable, tested the "is it set" way bash scripts
 * often use: `if [[ -z ${DEPLOY_ENV+x} ]]; then echo …; exit 1; fi` (meedan/check-api production/bin/start.sh).
 * `${X+word}` is the word when X is set, even to nothing, else nothing (bash manual, "Shell Parameter Expansion").
 * conncalc found DEPLOY_ENV set nowhere, read the test as true, walked into `exit 1`, and reported an unknown process
 * (1*). A test on a variable set nowhere that guards an exit is one the app as deployed passes, as conncalc already
 * takes `[ -z "$X" ] && exit 1`; a `${SKIP_X:+x}` opt-out flag that gates anything else keeps the unset reading.
 *
 * Fixture rails-start-script-set-guard: `exec bundle exec puma -C config/puma.rb -t 4:32`, database.yml pool 40.
 * Puma's command-line options win over its config file's (puma lib/puma/configuration.rb: the CLI's user options are
 * looked up before the file's), so 32 threads in single mode (Puma 6 workers default 0): min(40, 32) = 32.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const fixture = 'rails-start-script-set-guard'
const {app} = tempApps(fixture)
const procfile = procfileOf(fixture)
const script = readFileSync(join(procfile, '..', 'bin/start.sh'), 'utf8')
const guard = /if \[\[ -z \$\{DEPLOY_ENV\+x\} \|\| -z \$\{APP\+x\} \]\]; then\n.*\n {2}exit 1\nfi\n/

describe('`[[ -z ${X+x} ]] … exit 1` guards in a start script', () => {
  it('passes the guard: web is Puma, 32 threads, 32 connections (was unknown, 1*)', () => {
    const r = planJson(procfile, ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 32, connectionsPerProcess: 32, server: 'puma', threadsPerProcess: 32})
    expect(r.total).toBe(32)
    expect(r.codes).not.toContain('unknown-command')
  })

  it('the same guard written `[ -n "${X+x}" ] || exit 1` and `[[ -z ${X:+x} ]] && { …; exit 1; }`', () => {
    for (const written of ['[ -n "${DEPLOY_ENV+x}" ] || exit 1\n', '[[ -z ${APP:+x} ]] && { echo "APP must be set"; exit 1; }\n']) {
      const r = planJson(join(app({'bin/start.sh': script.replace(guard, written)}), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1'])
      expect(r.type('web')).toMatchObject({connections: 32, server: 'puma'})
    }
  })

  it('a `${X+x}` test that starts something else keeps X unset: the opt-out flag leaves what runs as it was', () => {
    const r = planJson(join(app({'bin/start.sh': script.replace(guard, '').replace('bundle exec rails db:migrate', 'exec bundle exec puma -C config/puma.rb -t 2:8')}), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 8, threadsPerProcess: 8})
  })
})
