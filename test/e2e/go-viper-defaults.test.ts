/**
 * Go: a pool cap read with spf13/viper (languages/go/viper.ts), in the shape of go-vikunja/vikunja's pkg/config: every
 * setting is a `Key` constant, read through methods (`func (k Key) GetInt() int { return viper.GetInt(string(k)) }`) and
 * given its default through a wrapper (`func (k Key) setDefault(i interface{}) { viper.SetDefault(string(k), i) }`,
 * called `DatabaseMaxOpenConnections.setDefault(40)`); InitConfig sets the env prefix "tasks" with the "." → "_"
 * replacer and AutomaticEnv, and ReadInConfig searches config.* in the rootpath (a viper key whose default is
 * os.Getwd()), /etc/tasks/ and ".". db/db.go: `engine.SetMaxOpenConns(config.DatabaseMaxOpenConnections.GetInt())`.
 *
 * viper.go find(): Set, flag, env (AutomaticEnv: strings.ToUpper("tasks" + "_" + key) through the replacer =
 * TASKS_DATABASE_MAXOPENCONNECTIONS), the config file, then the default. So, one web dyno:
 *   nothing set: the default 40, starred only because the rootpath folder (os.Getwd()) is not read;
 *   without that folder (only "/etc/tasks/" and "."): 40, not starred, TASKS_DATABASE_MAXOPENCONNECTIONS named;
 *   --env TASKS_DATABASE_MAXOPENCONNECTIONS=12: 12;
 *   the default given through a plain function wrapper (`setDefaultValue("database.maxopenconnections", 25)`) and read
 *   with viper.GetInt("Database.MaxOpenConnections") in db.go (keys without case): 25;
 *   a config.yaml in the app with `database: {maxOpenConnections: 15}` (keys without case): 15; the env still wins (12).
 * Before: "`viper.GetInt(…)` is not a call conncalc evaluates", 1 connection, starred.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('go-viper-defaults')
const config = readFileSync(fixture('go-viper-defaults/config/config.go'), 'utf8')
const withoutRootpath = config.replace('\tviper.AddConfigPath(ServiceRootpath.GetString())\n', '')

const plan = (files: Record<string, string>, env: string[] = []) =>
  planJson(join(app(files), 'Procfile'), ['--limit', '100', '--scale', 'web=1', ...env.flatMap((e) => ['--env', e])])

const poolWhy = (r: ReturnType<typeof plan>): string => JSON.stringify(r.type('web').sources)

describe('Go: viper defaults, env and config file', () => {
  it('the SetDefault through the Key wrapper: 40, starred for the config folder it cannot read', () => {
    expect(config).toContain('viper.AddConfigPath(ServiceRootpath.GetString())')
    const r = plan({})
    expect(r.type('web')).toMatchObject({connections: 40, poolPerProcess: 40})
    expect(r.codes).not.toContain('unknown-config-value')
    expect(poolWhy(r)).toContain('config/config.go:67')
    expect(JSON.stringify(r)).toContain('viper also looks for its config file')
  })

  it('every config folder read: 40 from config/config.go:55, unstarred, the env var named', () => {
    const r = plan({'config/config.go': withoutRootpath})
    expect(r.type('web')).toMatchObject({connections: 40, poolPerProcess: 40})
    const why = poolWhy(r)
    expect(why).toContain('config/config.go:55')
    expect(why).toContain('TASKS_DATABASE_MAXOPENCONNECTIONS has no value here')
    expect(why).not.toContain('"assumed"')
  })

  it('TASKS_DATABASE_MAXOPENCONNECTIONS=12 (AutomaticEnv with the prefix and replacer): 12', () => {
    expect(plan({'config/config.go': withoutRootpath}, ['TASKS_DATABASE_MAXOPENCONNECTIONS=12']).type('web')).toMatchObject({connections: 12})
  })

  it('a config.yaml in the app sets it: 15; the env var still comes first: 12', () => {
    const files = {'config.yaml': 'service:\n  interface: ":8080"\ndatabase:\n  type: postgres\n  maxOpenConnections: 15\n', 'config/config.go': withoutRootpath}
    const r = plan(files)
    expect(r.type('web')).toMatchObject({connections: 15})
    expect(poolWhy(r)).toContain('config.yaml')
    expect(plan(files, ['TASKS_DATABASE_MAXOPENCONNECTIONS=12']).type('web')).toMatchObject({connections: 12})
  })

  it('a function wrapper for SetDefault, read by viper.GetInt with another case: 25', () => {
    const wrapped = withoutRootpath.replace('DatabaseMaxOpenConnections.setDefault(40)', 'setDefaultValue("database.maxopenconnections", 25)') + '\nfunc setDefaultValue(key string, value interface{}) {\n\tviper.SetDefault(key, value)\n}\n'
    const db = readFileSync(fixture('go-viper-defaults/db/db.go'), 'utf8').replace('config.DatabaseMaxOpenConnections.GetInt()', 'viper.GetInt("Database.MaxOpenConnections")').replace('\t"example.com/tasks/config"', '\t"example.com/tasks/config"\n\t"github.com/spf13/viper"')
    expect(db).toContain('viper.GetInt("Database.MaxOpenConnections")')
    const r = plan({'config/config.go': wrapped, 'db/db.go': db})
    expect(r.type('web')).toMatchObject({connections: 25})
    expect(poolWhy(r)).toContain('config/config.go:55')
  })

  it('a config file viper reads in a format conncalc does not (config.toml): unknown, said', () => {
    const r = plan({'config.toml': '[database]\nmaxopenconnections = 15\n', 'config/config.go': withoutRootpath})
    expect(r.type('web')).toMatchObject({connections: 1})
    expect(r.diagnostics.map((d) => d.message).join('\n')).toContain('config.toml')
  })
})
