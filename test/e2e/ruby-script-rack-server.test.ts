/**
 * A Ruby script that starts a Rack server in its own process (`Rackup::Server.new(...).start`,
 * `Rack::Handler::WEBrick.run(app)`, `Puma::Server.new(app)`): each request runs on a thread of the server's, so the
 * app's pool bounds the threads that hold connections, an assumption said as for Thread.new. Before, such a script was
 * read as running on its main thread only: 1, silently (codeforamerica/document-transfer-service's script/api:
 * Rackup::Server with Sequel's default pool of 4). Apps of our own, written here: Sequel pool max_connections 6.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const temp = tempApps()
const lock = 'GEM\n  remote: https://rubygems.org/\n  specs:\n    pg (1.5.6)\n    rack (3.1.8)\n    rackup (2.2.1)\n      rack (>= 3)\n    sequel (5.88.0)\n      bigdecimal\n    webrick (1.8.2)\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  pg\n  rackup\n  sequel\n  webrick\n\nBUNDLED WITH\n   2.5.11\n'
const app = {
  'Gemfile': 'source "https://rubygems.org"\ngem "pg"\ngem "rackup"\ngem "sequel"\ngem "webrick"\n',
  'Gemfile.lock': lock,
  'lib/db.rb': 'require "sequel"\n\nDB = Sequel.connect(ENV.fetch("DATABASE_URL"), max_connections: 6)\n',
  'lib/api.rb': 'require_relative "db"\n\nclass Api\n  def call(env)\n    [200, {}, [DB[:notes].count.to_s]]\n  end\nend\n',
}

describe('a Ruby script that starts a Rack server in its own process', () => {
  it('Rackup::Server.new + start, Rack::Handler::WEBrick.run: the pool bounds the request threads (6, assumed), warned', () => {
    const dir = temp.app({
      ...app,
      'Procfile': 'web: ruby script/serve\napi: ruby script/handler\nsweep: ruby script/sweep\n',
      'script/handler': 'require_relative "../lib/api"\nrequire "rackup"\n\nRackup::Handler::WEBrick.run(Api.new, Port: 3001)\n',
      'script/serve': 'require "rackup"\nrequire_relative "../lib/api"\n\nserver = Rackup::Server.new(app: Api.new)\nserver.options = server.options.merge(Port: 3000)\nserver.start\n',
      'script/sweep': 'require_relative "../lib/db"\n\nloop do\n  DB[:notes].where(stale: true).delete\n  sleep 60\nend\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1,api=1,sweep=1'])
    for (const [type, at] of [['web', 'Rackup::Server.new (a Rack server in the script\'s process) at script/serve:4'], ['api', 'Rackup::Handler::WEBrick.run (a Rack server in the script\'s process) at script/handler:4']]) {
      expect(r.type(type)).toMatchObject({connections: 6, poolPerProcess: 6, server: 'ruby-script', threadsPerProcess: 6})
      expect(r.type(type).sources.threadsPerProcess?.source.kind).toBe('assumed')
      expect(r.diagnostics.find((d) => d.processType === type && d.code === 'unknown-command')?.message).toContain(at)
    }

    // A script that loops on its main thread is 1, as before: 6 + 6 + 1
    expect(r.type('sweep')).toMatchObject({connections: 1, threadsPerProcess: 1})
    expect(r.total).toBe(13)
  })
})
