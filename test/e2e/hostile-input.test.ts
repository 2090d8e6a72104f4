import {cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Chalk} from 'chalk'
import {describe, expect, it} from 'vitest'

import type {LiveBackend, LiveSnapshot} from '../../src/model/live.js'
import {buildLiveReport} from '../../src/live/live-report.js'
import {renderLive} from '../../src/render/live.js'
import {fixture, ROOT, runCli, runCliInProcess} from '../helpers/cli.js'

// Strings from input (Procfile commands, paths, flags, env values, a server's strings) never
// reach a view as raw control characters, and no line that came from input can start a
// GitHub Actions workflow command. Each output is searched for what the input planted.

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/
/** Lines the Actions runner would read as a workflow command (it trims leading whitespace). */
const commandLines = (text: string): string[] => text.split('\n').filter((l) => l.trimStart().startsWith('::'))

function hostileApp(): string {
  const top = mkdtempSync(join(tmpdir(), 'conncalc-hostile-'))
  // The app's folder name itself carries a newline, a workflow command and an OSC title change.
  const app = join(top, 'shop\n::error::folder\u001B]0;TITLE\u0007')
  mkdirSync(app)
  cpSync(fixture('rails-7-2'), app, {recursive: true})
  // ESC sequences, BEL and a C1 CSI in a command; a bare CR ends a line (as Heroku reads it), so
  // the next "line" is an invalid one that the warning quotes.
  writeFileSync(join(app, 'Procfile'), 'web: bundle exec puma -C config/puma.rb \u001B]0;PWNED\u0007 \u001B[2J\u009B31m\r::error::from-cr\nworker: bundle exec sidekiq\n')
  // The worker's sidekiq is in the bundle (a `bundle exec` program the lock lacks would be an error, exit 1).
  const lock = join(app, 'Gemfile.lock')
  writeFileSync(lock, readFileSync(lock, 'utf8').replace('  specs:\n', '  specs:\n    sidekiq (7.2.4)\n'))
  return app
}

describe('control characters from input, in every view', () => {
  const app = hostileApp()
  const args = ['plan', '--limit', '20', '--rails-env', 'production\n::error::rails-env\u001B[2J', '--env', 'WEB_CONCURRENCY=2\n::error::env']

  it.each(['table', 'markdown', 'svg'])('--format %s: no raw control character, no workflow command, with GITHUB_ACTIONS=true', (format) => {
    // table in a process of its own (the bytes a terminal and the Actions runner read), the rest in process.
    const r = (format === 'table' ? runCli : runCliInProcess)([...args, '--explain', '--format', format], {cwd: app, env: {GITHUB_ACTIONS: 'true'}})
    expect(r.code).toBe(0)
    expect(r.stdout).not.toMatch(RAW_CONTROL)
    expect(r.stderr).not.toMatch(RAW_CONTROL)
    expect(commandLines(r.stdout)).toEqual([])
    // The annotations on standard error are conncalc's own: one per diagnostic, none from input.
    for (const line of commandLines(r.stderr)) expect(line).toMatch(/^::(error|warning|notice) [^:]*::/)
    expect(r.stderr).not.toMatch(/^::error::/m)
    // What was planted is still there to read, escaped.
    expect(r.stdout + r.stderr).toContain(format === 'svg' ? 'production\\n::error::rails-env\\e[2J' : 'rails-env')
  })

  it('--explain shows the command with its escapes visible', () => {
    const r = runCliInProcess([...args, '--explain'], {cwd: app})
    expect(r.stdout).toContain('\\e]0;PWNED\\x07 \\e[2J\\x9b31m')
    expect(r.stdout).toContain('"::error::from-cr"') // the line after the CR, quoted in its warning
  })

  it('--format github: every line is a workflow command of conncalc, the planted ones escaped inside', () => {
    const r = runCliInProcess([...args, '--format', 'github'], {cwd: app})
    expect(r.stdout).not.toMatch(RAW_CONTROL)
    const lines = r.stdout.trimEnd().split('\n')
    for (const line of lines) expect(line).toMatch(/^::(error|warning|notice) [^:]*::/)
    expect(r.stdout).toContain('production\\n::error::rails-env\\e[2J')
  })

  it('a failure quoting a path with a newline and ESC stays one line with a hint', () => {
    const r = runCli(['plan', '--procfile', join(ROOT, 'test/fixtures/rails-7-2/Procfile'), '--plans-file', 'x\n::error::plans\u001B]0;T\u0007.json'])
    expect(r.code).toBe(2)
    expect(r.stderr).not.toMatch(RAW_CONTROL)
    expect(commandLines(r.stderr)).toEqual([])
    expect(r.stderr).toMatch(/^conncalc: .*x\\n::error::plans\\e\]0;T\\x07\.json\n {2}hint: /)
  })
})

describe("a server's strings in the live view", () => {
  const backend = (b: Partial<LiveBackend>): LiveBackend => ({applicationName: '', clientAddr: '10.0.0.1', database: 'd', pid: 1, state: 'idle', stateSeconds: 5, user: 'app', ...b})
  const snapshot: LiveSnapshot = {
    backends: [backend({applicationName: 'web.1\n::error::app\u001B]0;T\u0007'}), backend({pid: 2, state: 'active\r::warning::state', user: 'u\u009B2J'})],
    maxConnections: 23,
    reservedConnections: 0,
    role: {canUseReserved: false, connectionLimit: null, name: 'app\n::error::role', superuser: false},
    serverVersion: '16.4\u001B]0;PWNED\u0007\n::error::version',
    ssl: {encrypted: true, mode: 'prefer', modeFrom: 'default', note: 'ok\n::error::ssl', verified: false},
    superuserReservedConnections: 3,
    url: 'postgres://app:***@h/d',
  }

  it('application_name, server_version, role, state and user are printed escaped', () => {
    const text = renderLive(buildLiveReport(snapshot, {idleInTransactionSeconds: 60, staleIdleSeconds: 3600, warnAt: 0.8}, null), new Chalk({level: 0}))
    expect(text).not.toMatch(RAW_CONTROL)
    expect(commandLines(text)).toEqual([])
    expect(text).toContain('PostgreSQL 16.4\\e]0;PWNED\\x07\\n::error::version')
    expect(text).toContain('web.1\\n::error::app\\e]0;T\\x07')
  })
})
