/**
 * A Ruby script run as a process type that loads the Rails app by a path it builds from its own place:
 * `require File.expand_path(File.dirname(__FILE__) + "/config/environment")` (tsykoduk/ruby-kafka-example-sink's sink.rb),
 * `require File.dirname(__FILE__) + '/../config/environment'`, `require File.join(File.dirname(__FILE__), "..", "config",
 * "environment")`. Before, such a script read as requiring none of the app's files: 0, silently. Ruby: `+` joins the
 * strings as written, File.join puts one slash between parts, File.expand_path with one argument expands from the working
 * folder (https://docs.ruby-lang.org/en/master/File.html). Fixture ruby-script-built-require (made up): Rails 6.0, pool
 * RAILS_MAX_THREADS‖5, puma -t 3:3; each script works on the main thread.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('require of a path built from __FILE__ in a script run as a process type', () => {
  const r = planJson(procfileOf('ruby-script-built-require'), ['--plan', 'standard-0', '--scale', 'web=1', 'sink=1', 'tally=1', 'mirror=1'])

  it('File.expand_path(File.dirname(__FILE__) + "/config/environment"): the Rails app is loaded, one thread → 1 (was 0)', () => {
    expect(r.type('sink')).toMatchObject({connections: 1, poolPerProcess: 5, threadsPerProcess: 1})
  })

  it('File.dirname(__FILE__) + "/../config/environment" and File.join(File.dirname(__FILE__), "..", "config", "environment") → 1 each', () => {
    expect(r.type('tally')).toMatchObject({connections: 1, threadsPerProcess: 1})
    expect(r.type('mirror')).toMatchObject({connections: 1, threadsPerProcess: 1})
  })

  it('total 3 + 1 + 1 + 1 = 6', () => {
    expect(r.total).toBe(6)
  })
})
