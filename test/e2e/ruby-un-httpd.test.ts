/**
 * `ruby -run -e httpd DIR -p PORT` (department-of-veterans-affairs/caseflow-efolder's `js_server` type) runs Ruby's un.rb
 * `httpd`: a WEBrick::HTTPServer serving DIR's files (ruby/ruby lib/un.rb `def httpd`), with no app code loaded, so it holds
 * no connection. Before it was an unknown command counted 1 × 1, starred.
 *
 * App (temp): Rails with Puma 6 and a pool of 5; Procfile web `bundle exec puma -t 5:5`, assets
 * `ruby -run -e httpd public -p 3501`, static `ruby -r un -ehttpd . --port=8000`. Total 5 + 0 + 0 = 5 (before 5 + 1* + 1* = 7).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

describe('ruby -run -e httpd', () => {
  it('serves static files and holds 0 connections, said, with no unknown-command warning', () => {
    const dir = app({
      Gemfile: "source 'https://rubygems.org'\ngem 'rails'\ngem 'pg'\ngem 'puma'\n",
      'Gemfile.lock': 'GEM\n  remote: https://rubygems.org/\n  specs:\n    activerecord (7.1.3)\n    pg (1.5.6)\n    puma (6.4.3)\n    rails (7.1.3)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  pg\n  puma\n  rails\n',
      Procfile: 'web: bundle exec puma -t 5:5\nassets: ruby -run -e httpd public -p 3501\nstatic: ruby -r un -ehttpd . --port=8000\n',
      'config/database.yml': 'production:\n  adapter: postgresql\n  pool: 5\n',
    })
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1', 'assets=1', 'static=1'])
    expect(r.type('assets')).toMatchObject({connections: 0, processesPerDyno: 1, threadsPerProcess: 0})
    expect(r.type('static')).toMatchObject({connections: 0, threadsPerProcess: 0})
    expect(r.type('assets').sources.threadsPerProcess.source).toMatchObject({kind: 'default', what: expect.stringContaining('`ruby -run -e httpd` (un.rb) serves static files')})
    expect(r.type('web').connections).toBe(5)
    expect(r.total).toBe(5)
    expect(r.codes).not.toContain('unknown-command')
  })
})
