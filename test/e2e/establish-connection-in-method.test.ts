/**
 * `establish_connection` in a method body runs when the method is called, which conncalc does not follow: when it runs,
 * its class opens a pool of its own beside ActiveRecord::Base's (ConnectionHandler keys pools by class: rails
 * connection_handler.rb). It is said with its lines, never dropped without a word. A made-up app:
 *
 *   web: Puma single mode, 5 threads; database.yml pool 5.
 *   app/models/report.rb      `def self.on_warehouse` switches Report to :warehouse and back in an ensure: said (lines 3, 6)
 *   app/models/archive.rb     `establish_connection(:archive) if ENV["ARCHIVE_HOST"].present?` at class level, the variable
 *                             unset: the evaluator decides it is not run; not said as in a method
 *   app/models/cleanup.rb     `def self.reset; ActiveRecord::Base.establish_connection; end`: the primary's own pool, not said
 *
 * By hand: web min(5, 5) = 5 (Report's pool not counted: it is said instead).
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files: Record<string, string> = {
  'Gemfile': 'source "https://rubygems.org"\ngem "rails", "~> 7.1.4"\ngem "pg"\ngem "puma"\n',
  'Gemfile.lock': 'GEM\n  remote: https://rubygems.org/\n  specs:\n    activerecord (7.1.4)\n    pg (1.5.8)\n    puma (6.4.3)\n    rails (7.1.4)\n      activerecord (= 7.1.4)\n      railties (= 7.1.4)\n    railties (7.1.4)\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  pg\n  puma\n  rails\n',
  'Procfile': 'web: bundle exec puma -C config/puma.rb\n',
  'app/models/archive.rb': 'class Archive < ApplicationRecord\n  establish_connection(:archive) if ENV["ARCHIVE_HOST"].present?\nend\n',
  'app/models/cleanup.rb': 'class Cleanup < ApplicationRecord\n  def self.reset\n    ActiveRecord::Base.establish_connection\n  end\nend\n',
  'app/models/report.rb': 'class Report < ApplicationRecord\n  def self.on_warehouse\n    establish_connection(:warehouse)\n    yield\n  ensure\n    establish_connection(Rails.env.to_sym)\n  end\nend\n',
  'config/application.rb': 'require_relative "boot"\nrequire "rails/all"\nmodule Shop\n  class Application < Rails::Application\n  end\nend\n',
  'config/database.yml': 'production:\n  adapter: postgresql\n  url: <%= ENV["DATABASE_URL"] %>\n  pool: 5\nwarehouse:\n  adapter: postgresql\n  url: <%= ENV["WAREHOUSE_URL"] %>\n',
  'config/puma.rb': 'threads 5, 5\n',
}

describe('establish_connection in a method', () => {
  it('is said with its file and lines; the count is the primary pool only (web 5)', () => {
    const r = planJson(`${app(files)}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web').connections).toBe(5)
    const said = r.diagnostics.filter((d) => d.message.includes('in a method'))
    expect(said.map((d) => [d.file, d.line, d.severity])).toEqual([['app/models/report.rb', 3, 'warning']])
    expect(said[0].message).toBe("app/models/report.rb:3, 6: `establish_connection` in a method: when it runs, its class opens a pool of its own beside ActiveRecord::Base's (ConnectionHandler keeps a pool per class); conncalc does not follow method calls, so that pool is not counted")
  })
})
