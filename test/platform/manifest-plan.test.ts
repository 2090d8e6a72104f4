import {describe, expect, it} from 'vitest'

import {appJsonPostgres, herokuYmlPostgres, manifestPlan} from '../../src/platform/manifest-plan.js'

describe('manifest-plan', () => {
  it('app.json: top-level addons only, each Heroku Postgres entry with the line its plan is written on and its attachment', () => {
    const text = [
      '{',
      '  "environments": {"review": {"addons": ["heroku-postgresql:essential-0"]}},',
      '  "addons": [',
      '    {"plan": "heroku-postgresql:essential-0", "as": "replica"}',
      '  ]',
      '}',
    ].join('\n')
    // The review environment's add-on (line 2) is not the app's: the top-level one is on line 4, attached as REPLICA.
    expect(appJsonPostgres(text)).toEqual([{as: 'REPLICA', file: 'app.json', line: 4, plan: 'heroku-postgresql:essential-0'}])
    expect(appJsonPostgres('{"addons": [')).toEqual([])
  })

  it('heroku.yml: setup: addons: with as', () => {
    expect(herokuYmlPostgres('setup:\n  addons:\n    - plan: heroku-postgresql:standard-0\n      as: DATABASE\n')).toEqual([{as: 'DATABASE', file: 'heroku.yml', line: 3, plan: 'heroku-postgresql:standard-0'}])
  })

  it('one plan for DATABASE_URL, or why not', () => {
    const a = {as: 'DATABASE', file: 'app.json', line: 4, plan: 'heroku-postgresql:standard-0'}
    expect(manifestPlan([])).toBeUndefined()
    expect(manifestPlan([a])).toEqual({addon: a, plan: 'standard-0'})
    expect(manifestPlan([{...a, plan: 'heroku-postgresql'}])).toBeUndefined()
    expect(manifestPlan([a, {...a, file: 'heroku.yml', line: 3}])).toEqual({addon: a, plan: 'standard-0'})
    expect(manifestPlan([{...a, as: 'REPLICA'}])).toMatchObject({why: 'app.json:4 attaches heroku-postgresql:standard-0 as REPLICA, so it sets REPLICA_URL, not DATABASE_URL'})
  })
})
