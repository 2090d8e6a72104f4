/**
 * A multi-line quoted scalar whose later lines sit no deeper than its key. Psych (libyaml) reads it: its scanner does
 * not check a flow scalar's indentation (the yaml-test-suite's QB6E, "Wrong indented multiline quoted scalar", is one
 * libyaml accepts), and apps run with it (department-of-veterans-affairs/caseflow's database.yml, whose CI uses that
 * section). The yaml package stops at it ("Missing closing quote"), which cost the whole file.
 */
import {describe, expect, it} from 'vitest'

import {parseYaml} from '../../src/util/yaml.js'

describe('a quoted scalar whose continuation lines are not indented past its key', () => {
  it('reads as Psych reads it: the folded value, the other keys, their lines', () => {
    const text = 'test:\n  legacy:\n    database: "(DESCRIPTION=\n      (ADDRESS=(HOST=db))\n    )"\n    pool: 3\nproduction:\n  pool: 8\n'
    const r = parseYaml(text, 'config/database.yml')
    expect(r.errors).toEqual([])
    expect(r.value).toEqual({production: {pool: 8}, test: {legacy: {database: '(DESCRIPTION= (ADDRESS=(HOST=db)) )', pool: 3}}})
    expect(r.lineOf(['production', 'pool'])).toBe(8)
    expect(r.lineOf(['test', 'legacy', 'pool'])).toBe(6)
  })

  it("single quotes ('' inside), a sequence entry, a line at the margin", () => {
    const text = "hosts:\n  - 'it''s\nfar'\n  - near\n"
    expect(parseYaml(text, 'x.yml').value).toEqual({hosts: ["it's far", 'near']})
  })

  it('a quote that never closes is still not valid YAML', () => {
    const r = parseYaml('production:\n  url: "postgres://db\n  pool: 5\n', 'config/database.yml')
    expect(r.value).toBeUndefined()
    expect(r.errors[0].message).toMatch(/Missing closing "quote/)
  })
})
