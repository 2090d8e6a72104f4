/**
 * conncalc as a Heroku CLI plugin reads the app with the Heroku CLI's own API client's
 * token (@heroku-cli/command's APIClient, getAuth()), not only HEROKU_API_KEY and ~/.netrc.
 * The host here is a stand-in for the Heroku CLI: a package named heroku whose oclif config
 * lists conncalc as a plugin, with a stand-in @heroku-cli/command whose client has the token
 * (as a newer Heroku CLI keeps it in the system's credential store, where conncalc cannot look).
 */
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type CliResult, fixture, ROOT, spawnNode} from '../helpers/cli.js'
import {appRoutes, buildpack, type FakeApi, fakeHerokuApi, formation, TOKEN} from '../helpers/heroku-api.js'

const APP = 'shop-prod'
let temp: string
let api: FakeApi

/** A host CLI whose API client answers getAuth() with `token` (and only for the host's own config). */
function hostCli(name: string, token: string | undefined): string {
  const root = join(temp, name)
  mkdirSync(join(root, 'node_modules/@heroku-cli/command'), {recursive: true})
  writeFileSync(join(root, 'package.json'), JSON.stringify({dependencies: {'@heroku-cli/command': '12.0.0', conncalc: '*'}, name: 'heroku', oclif: {bin: 'heroku', plugins: ['conncalc'], topicSeparator: ':'}, version: '10.0.0'}))
  symlinkSync(ROOT, join(root, 'node_modules/conncalc'), 'dir')
  writeFileSync(join(root, 'node_modules/@heroku-cli/command/package.json'), JSON.stringify({main: 'index.js', name: '@heroku-cli/command', version: '12.0.0'}))
  writeFileSync(
    join(root, 'node_modules/@heroku-cli/command/index.js'),
    `exports.APIClient = class { constructor(config) { this.config = config } async getAuth() { return this.config.name === 'heroku' ? ${JSON.stringify(token)} : undefined } }\n`,
  )
  return root
}

/** `heroku connections:plan …` as the Heroku CLI runs it: oclif's run() on the host's root. */
function asHerokuPlugin(root: string, args: string[]): Promise<CliResult> {
  const script = `import {run} from '@oclif/core'; await run(${JSON.stringify(args)}, ${JSON.stringify(root)})`
  // No HEROKU_API_KEY, and a HOME with no .netrc: the host's client is the only place a token can come from.
  const env = {COLUMNS: '100', HEROKU_HOST: api.url, HOME: temp, NO_COLOR: '1', PATH: process.env.PATH ?? ''}
  return spawnNode(['--input-type=module', '-e', script], {cwd: ROOT, env})
}

const plan = ['connections:plan', '-a', APP, '--procfile', `${fixture('heroku-api-rails')}/Procfile`, '--json']

describe('inside the Heroku CLI, the token is its own API client\'s', () => {
  beforeAll(async () => {
    temp = mkdtempSync(join(tmpdir(), 'conncalc-host-'))
    api = await fakeHerokuApi(
      appRoutes(APP, {
        addons: [],
        buildpacks: [buildpack(0, 'heroku/ruby', 'heroku/ruby')],
        configVars: {RAILS_MAX_THREADS: '5', WEB_CONCURRENCY: '2'},
        formation: [formation(APP, 'web', 3, 'Standard-2X', 'bundle exec puma -C config/puma.rb')],
        preboot: {enabled: false, name: 'preboot'},
      }),
    )
  })
  afterAll(async () => {
    await api.close()
    rmSync(temp, {force: true, recursive: true})
  })

  it('connections:plan -a APP sends the token getAuth() gives, and never prints it', async () => {
    const r = await asHerokuPlugin(hostCli('with-token', TOKEN), plan)
    expect(r.stderr).toBe('')
    expect(api.requests.length).toBeGreaterThan(0)
    expect(api.requests.every((q) => q.authorization === `Bearer ${TOKEN}`)).toBe(true)
    const report = JSON.parse(r.stdout) as {processTypes: {dynos: number; name: string; sources: {dynos: {source: unknown}}}[]}
    // The formation comes from the API: 3 web dynos.
    const web = report.processTypes.find((p) => p.name === 'web')
    expect(web?.dynos).toBe(3)
    expect(web?.sources.dynos.source).toEqual({app: APP, kind: 'heroku', what: 'formation web=3:Standard-2X'})
    expect(r.stdout).not.toContain(TOKEN)
  })

  it('when the client has no token either, the message says how to log in (exit 2)', async () => {
    const before = api.requests.length
    const r = await asHerokuPlugin(hostCli('no-token', undefined), plan.filter((a) => a !== '--json'))
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`no Heroku API token to read app ${APP}`)
    expect(r.stderr).toContain('heroku login')
    expect(api.requests.length).toBe(before)
  })
})
