import {describe, expect, it} from 'vitest'

import {renderErb, tagsOnLine, unknownTag} from '../../src/languages/ruby/erb.js'
import {parseYaml} from '../../src/util/yaml.js'
import {envOf} from '../analyzers/helpers.js'

const opts = (env: Record<string, string> = {}) => ({appEnv: 'production', env: envOf(env), file: 'config/database.yml'})

describe('renderErb', () => {
  it('replaces <%= %> with the value and keeps lines stable', async () => {
    const text = `<%# a comment
spanning lines %>
default: &default
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>
<% threads = 7 %>
  other: <%=
    threads * 2
  %>
end: <%% literal %>
`
    const r = await renderErb(text, opts({RAILS_MAX_THREADS: '9'}))
    expect(r.text.split('\n')).toHaveLength(text.split('\n').length)
    expect(r.text).toContain('  pool: 9\n')
    expect(r.text).toContain('  other: 14\n\n\n')
    expect(r.text).toContain('end: <% literal %>')
    expect(tagsOnLine(r, 4)[0].value).toMatchObject({
      kind: 'known',
      via: [{from: '.env.test:1', kind: 'env', name: 'RAILS_MAX_THREADS'}],
    })
  })

  it('marks unknown expressions with a placeholder that maps back to the tag', async () => {
    const r = await renderErb('pool: <%= Rails.application.credentials.pool %>\n', opts())
    const value = (parseYaml(r.text, 'config/database.yml').value as {pool: string}).pool
    const tag = unknownTag(r, value)
    expect(tag).toMatchObject({line: 1, value: {kind: 'unknown'}})
  })
  it('follows <% if %> / elsif / else / unless when the condition can be decided, keeping line numbers', async () => {
    const text = `default:
  <% if (url = ENV['APP_DB_URL']) && !url.to_s.empty? %>
  url: <%= url %>
  <% elsif ENV['POOL'] %>
  pool: <%= ENV['POOL'] %>
  <% else %>
  pool: 5
  <% end -%>
  <% unless Rails.env.production? %>
  pool: 99
  <% end %>
`
    const none = await renderErb(text, opts())
    expect(none.diagnostics).toEqual([])
    expect(none.text.split('\n')).toHaveLength(text.split('\n').length)
    expect(parseYaml(none.text, 'config/database.yml').value).toEqual({default: {pool: 5}})
    expect(none.text.split('\n')[6]).toBe('  pool: 5')
    expect(parseYaml((await renderErb(text, opts({POOL: '7'}))).text, 'x.yml').value).toEqual({default: {pool: 7}})
    expect(parseYaml((await renderErb(text, opts({APP_DB_URL: 'postgres://h/db'}))).text, 'x.yml').value).toEqual({default: {url: 'postgres://h/db'}})
  })

  it('nests conditions, and a branch not taken is not evaluated', async () => {
    const text = '<% if false %>\n<% if Foo.bar %>\na: <%= Foo.baz %>\n<% end %>\n<% else %>\nb: 1\n<% end %>\n'
    const r = await renderErb(text, opts())
    expect(r.diagnostics).toEqual([])
    expect(r.tags).toEqual([])
    expect(parseYaml(r.text, 'x.yml').value).toEqual({b: 1})
  })

  it('keeps every branch of a condition it cannot decide, and warns with the condition and line', async () => {
    const r = await renderErb('a: 1\n<% if Setting.enabled? %>\nb: 2\n<% else %>\nc: 3\n<% end %>\n', opts())
    expect(parseYaml(r.text, 'x.yml').value).toEqual({a: 1, b: 2, c: 3})
    expect(r.diagnostics).toMatchObject([{code: 'unknown-config-value', line: 2, severity: 'warning'}])
    expect(r.diagnostics[0].message).toContain('cannot decide the ERB condition `Setting.enabled?`')
  })

  it('says a loop block is not followed', async () => {
    const r = await renderErb('<% [1, 2].each do |i| %>\nx: 1\n<% end %>\n', opts())
    expect(r.diagnostics.map((d) => d.line)).toEqual([1, 3])
    expect(r.diagnostics[0].message).toContain('is not evaluated')
  })
})

describe('ERB conditions on DATABASE_URL, which the platform sets (Heroku Postgres: every dyno)', () => {
  // dilolabs/nosia's production primary: `<% if ENV["DATABASE_URL"] %> url: … <% else %> database: … <% end %>`.
  const text = `production:
  <% if ENV["DATABASE_URL"] %>
  url: <%= ENV["DATABASE_URL"] %>
  <% else %>
  database: local
  <% end %>
`
  it('takes the branch for a set DATABASE_URL; the value written stays what the env gives (empty here)', async () => {
    const r = await renderErb(text, opts())
    expect(parseYaml(r.text, 'config/database.yml').value).toEqual({production: {url: null}})
    expect(r.diagnostics).toEqual([])
  })

  it('decides !, nil?, blank? and present? from it being a non-empty String; other methods stay undecided', async () => {
    const cond = async (c: string) => {
      const r = await renderErb(`<% if ${c} %>\na: 1\n<% else %>\na: 2\n<% end %>\n`, opts())
      return r.diagnostics.length > 0 ? 'undecided' : (parseYaml(r.text, 'x').value as {a: number}).a
    }

    expect(await cond('!ENV["DATABASE_URL"]')).toBe(2)
    expect(await cond('ENV["DATABASE_URL"].nil?')).toBe(2)
    expect(await cond('ENV["DATABASE_URL"].blank?')).toBe(2)
    expect(await cond('ENV["DATABASE_URL"].to_s.empty?')).toBe(2)
    expect(await cond('ENV["DATABASE_URL"].present?')).toBe(1)
    // Its text is not known: what it contains is not decided (before, the String's truthiness leaked into this).
    expect(await cond('ENV["DATABASE_URL"].include?("pgbouncer")')).toBe('undecided')
    // Another variable with no value is nil, as before.
    expect(await cond('ENV["QUEUE_DATABASE_URL"]')).toBe(2)
    // Its start is a PostgreSQL URL's (postgres:// on Heroku, postgresql:// on Render): docusealco/docuseal's branches.
    expect(await cond('ENV["DATABASE_URL"].match?(/\\Apostgres/)')).toBe(1)
    expect(await cond('ENV["DATABASE_URL"].match?(/\\Amysql|\\Atrilogy/)')).toBe(2)
    expect(await cond('ENV["DATABASE_URL"].start_with?("postgres")')).toBe(1)
    expect(await cond('ENV["DATABASE_URL"] =~ /^sqlite/')).toBe(2)
    // Past what is known of it, or anywhere in it: not decided.
    expect(await cond('ENV["DATABASE_URL"].start_with?("postgresql://")')).toBe('undecided')
    expect(await cond('ENV["DATABASE_URL"].match?(/pgbouncer/)')).toBe('undecided')
  })
})

describe('an ERB tag that inserts YAML', () => {
  it('alone on its lines and unknown: read as absent, said with its line, and the YAML around it still parses', async () => {
    const text = 'login: &login\n  username: app\n\n<%= file = File.join(Rails.root, "config", "dblogin.yml")\n    IO.read(file) if File.exist?(file) %>\n\nproduction:\n  pool: 7\n  <<: *login\n'
    const r = await renderErb(text, opts())
    expect(r.text.split('\n')).toHaveLength(text.split('\n').length)
    const y = parseYaml(r.text, 'config/database.yml')
    expect(y.diagnostics).toEqual([])
    expect(y.value).toEqual({login: {username: 'app'}, production: {pool: 7, username: 'app'}})
    expect(y.lineOf(['production', 'pool'])).toBe(8)
    expect(r.diagnostics).toMatchObject([{code: 'unknown-config-value', file: 'config/database.yml', line: 4, severity: 'warning'}])
    expect(r.diagnostics[0].message).toContain('keys it would add or override are not seen')
  })

  it('the value of a key on the line before is still a value (its placeholder maps back to the tag)', async () => {
    const r = await renderErb('production:\n  pool:\n    <%= Rails.application.credentials.pool %>\n', opts())
    const pool = (parseYaml(r.text, 'config/database.yml').value as {production: {pool: string}}).production.pool
    expect(unknownTag(r, pool)).toMatchObject({line: 3, value: {kind: 'unknown'}})
    expect(r.diagnostics).toEqual([])
  })
})

describe('parseYaml', () => {
  it('follows anchors and merge keys, and finds the line a key was written on', () => {
    const y = parseYaml('default: &default\n  adapter: postgresql\n  pool: 5\n\nproduction:\n  <<: *default\n  database: app\n', 'config/database.yml')
    expect(y.value).toEqual({default: {adapter: 'postgresql', pool: 5}, production: {adapter: 'postgresql', database: 'app', pool: 5}})
    expect(y.lineOf(['production', 'database'])).toBe(7)
    expect(y.lineOf(['production', 'pool'])).toBe(3) // inherited from default
    expect(y.lineOf(['production', 'missing'])).toBeUndefined()
  })

  it('reports invalid YAML as unparsable-config with its line', () => {
    const y = parseYaml('production:\n  pool: [5\nfoo: 1\n', 'config/database.yml')
    expect(y.value).toBeUndefined()
    expect(y.diagnostics).toMatchObject([{code: 'unparsable-config', file: 'config/database.yml'}])
    expect(y.diagnostics[0].line).toBeGreaterThan(1)
  })

  it('refuses alias bombs', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
    for (let i = 0; i < 8; i++) lines.push(`${String.fromCodePoint(98 + i)}: &${String.fromCodePoint(98 + i)} [${Array.from({length: 10}, () => `*${String.fromCodePoint(97 + i)}`).join(', ')}]`)
    const y = parseYaml(lines.join('\n'), 'bomb.yml')
    expect(y.value).toBeUndefined()
    expect(y.diagnostics[0].code).toBe('unparsable-config')
  })
})
