/**
 * A Ruby script run as a process type that loads the app with `require File.expand_path(…)` instead of a string:
 * jcraigk/kudochest's bin/discord_listener does `require File.expand_path('config/environment.rb')`. Before, the script
 * was read as requiring none of the app's files and counted 0, silently. Ruby's File.expand_path with no base expands
 * from the working folder (the app root a Procfile command runs in); with `__FILE__` as base, from the script's path
 * taken as a folder (https://docs.ruby-lang.org/en/master/File.html#method-c-expand_path). Fixture
 * ruby-script-expand-path: config/db.rb's Sequel pool max_connections DB_POOL‖4.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('require File.expand_path(…) in a script run as a process type', () => {
  const r = planJson(procfileOf('ruby-script-expand-path'), ['--plan', 'standard-0', '--scale', 'ledger=1', 'tally=1', 'beacon=1'])

  it('follows File.expand_path("config/db") from the app root: the pool is the app\'s, one thread → 1', () => {
    // bin/ledger loops on the main thread: min(4, 1) = 1.
    expect(r.type('ledger')).toMatchObject({connections: 1, poolPerProcess: 4, threadsPerProcess: 1})
  })

  it('follows File.expand_path("../../config/db", __FILE__): bin/tally/../../config/db = config/db; its threads are bounded by the pool', () => {
    // bin/tally starts Threads (bin/tally:5) whose number conncalc does not count: the pool bounds them, 4, assumed.
    expect(r.type('tally')).toMatchObject({connections: 4, poolPerProcess: 4, threadsPerProcess: 4})
    expect(r.type('tally').sources.threadsPerProcess.source.kind).toBe('assumed')
  })

  it('a script that requires only net/http still opens no connection; total 1 + 4 + 0 = 5', () => {
    expect(r.type('beacon')).toMatchObject({connections: 0})
    expect(r.total).toBe(5)
  })
})
