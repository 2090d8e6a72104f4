/**
 * render.yaml services that name a `repo:` (https://render.com/docs/blueprint-spec: "Default: Repo containing
 * render.yaml"; Render's "Generate Blueprint" writes `repo:` on every service). A `repo:` the checkout names as its own
 * (.git/config's remote, package.json's repository) is this repository: counted as written. One only its name matches
 * (package.json's name: renamed or moved) or the one most services name (no signal) is taken as this one: counted,
 * its instances starred, said with render.yaml's line. A service naming a repository that differs from the others'
 * is another repository's: said, not counted. Made-up Node apps: web `node server.js` (pg Pool max 5), worker
 * `node worker.js` (pg Pool max 2).
 */
import {describe, expect, it} from 'vitest'
import {copyFileSync} from 'node:fs'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'
import {repositoryOf} from '../../src/platform/render-repo.js'

const {app} = tempApps()

const code = {
  'server.js': "const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 5})\nrequire('node:http').createServer(async (req, res) => res.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT)\n",
  'worker.js': "const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 2})\nsetInterval(() => pool.query('select 1'), 1000)\n",
}

const pkg = (extra = ''): string => `{${extra}"dependencies": {"pg": "^8.13.1"}}\n`

/** web (2 instances) and worker (1), each naming webRepo / workerRepo; a third service naming queueRepo when given. */
const blueprint = (webRepo: string, workerRepo: string, queueRepo?: string): string =>
  [
    'services:',
    '  - type: web',
    '    name: web',
    '    runtime: node',
    `    repo: ${webRepo}`,
    '    startCommand: node server.js',
    '    numInstances: 2',
    '  - type: worker',
    '    name: worker',
    '    runtime: node',
    `    repo: ${workerRepo}`,
    '    startCommand: node worker.js',
    ...(queueRepo ? ['  - type: pserv', '    name: queue', '    runtime: docker', `    repo: ${queueRepo}`] : []),
    '',
  ].join('\n')

const plan = (files: Record<string, string>): ReturnType<typeof planJson> => planJson(join(app({...code, ...files}), 'render.yaml'), ['--limit', '100'])
const repoInfos = (r: ReturnType<typeof planJson>): {line?: number; message: string; severity: string}[] => r.diagnostics.filter((d) => /repositor/.test(d.message))
const starred = (r: ReturnType<typeof planJson>, type: string): boolean => {
  const dynos = r.type(type).sources.dynos as {kind?: string; via?: {kind?: string}[]}
  return [dynos, ...(dynos.via ?? [])].some((s) => s.kind === 'assumed')
}

describe('render.yaml repo:', () => {
  it('every service naming one repository and no signal: taken as this one, counted, starred, said once', () => {
    const r = plan({'package.json': pkg(), 'render.yaml': blueprint('https://github.com/acme/shop.git', 'https://github.com/acme/shop')})
    // web 2 × 5 + worker 1 × 2 = 12.
    expect(r.total).toBe(12)
    expect(r.type('web')).toMatchObject({connections: 10, dynos: 2})
    expect(starred(r, 'web')).toBe(true)
    expect(starred(r, 'worker')).toBe(true)
    expect(repoInfos(r)).toEqual([
      expect.objectContaining({
        line: 5,
        message: "every service in render.yaml names the same repository (repo: https://github.com/acme/shop.git), taken as this one: its services' code is read from here (starred)",
        severity: 'info',
      }),
    ])
  })

  it("the checkout's git remote names it (ssh form, other case): this repository, nothing starred; a third naming another is another's", () => {
    const r = plan({'.git/config': '[remote "origin"]\n\turl = git@github.com:Acme/Shop.git\n', 'package.json': pkg(), 'render.yaml': blueprint('https://github.com/acme/shop', 'https://github.com/acme/shop', 'https://github.com/contribsys/faktory-render')})
    expect(r.processTypes.map((p) => p.name)).toEqual(['web', 'worker'])
    expect(r.total).toBe(12)
    expect(starred(r, 'web')).toBe(false)
    expect(repoInfos(r)).toEqual([expect.objectContaining({line: 16, message: expect.stringContaining('service queue runs the code of another repository (repo: https://github.com/contribsys/faktory-render)'), severity: 'info'})])
  })

  it('no signal: the repository most services name is this one (starred); the one the others do not name is not counted, and there is no exit 2', () => {
    const r = plan({'package.json': pkg(), 'render.yaml': blueprint('https://github.com/acme/shop', 'https://github.com/acme/shop', 'https://github.com/contribsys/faktory-render')})
    expect(r.processTypes.map((p) => p.name)).toEqual(['web', 'worker'])
    expect(r.total).toBe(12)
    expect(starred(r, 'worker')).toBe(true)
    expect(repoInfos(r).map((d) => [d.line, d.severity])).toEqual([
      [5, 'info'],
      [16, 'info'],
    ])
    expect(repoInfos(r)[0].message).toContain("repo: https://github.com/acme/shop (render.yaml:5, render.yaml:11) is named by most of render.yaml's services (2 of 3), taken as this repository")
  })

  it("a renamed repository: package.json's name (a scope) is the repo:'s name → taken as this one, starred, said; package.json's repository naming it: not starred", () => {
    const renamed = plan({'package.json': pkg('"name": "@ledger/monorepo", '), 'render.yaml': blueprint('https://github.com/neworg/ledger', 'https://github.com/neworg/ledger', 'https://github.com/contribsys/faktory-render')})
    expect(renamed.total).toBe(12)
    expect(starred(renamed, 'web')).toBe(true)
    expect(repoInfos(renamed)[0].message).toBe("repo: https://github.com/neworg/ledger (render.yaml:5, render.yaml:11) is taken as this repository by its name (package.json:1 names the app ledger; the owner is not known here): its services' code is read from here (starred)")
    const named = plan({'package.json': pkg('"repository": {"type": "git", "url": "git+https://github.com/NewOrg/Ledger.git"}, '), 'render.yaml': blueprint('https://github.com/neworg/ledger', 'https://github.com/neworg/ledger')})
    expect(named.total).toBe(12)
    expect(starred(named, 'web')).toBe(false)
    expect(repoInfos(named)).toEqual([])
  })

  it("the checkout folder's name (git clone names it after the repository) is the repo:'s name: taken as this one, starred, said", () => {
    const dir = join(app({...code, 'package.json': pkg(), 'shop/render.yaml': blueprint('https://github.com/acme/shop', 'https://github.com/acme/shop', 'https://github.com/contribsys/faktory-render')}), 'shop')
    for (const f of ['server.js', 'worker.js', 'package.json']) copyFileSync(join(dir, '..', f), join(dir, f))
    const r = planJson(join(dir, 'render.yaml'), ['--limit', '100'])
    expect(r.total).toBe(12)
    expect(starred(r, 'web')).toBe(true)
    expect(repoInfos(r)[0].message).toBe("repo: https://github.com/acme/shop (render.yaml:5, render.yaml:11) is taken as this repository by its name (the checkout folder is named shop; the owner is not known here): its services' code is read from here (starred)")
  })

  it('a signal naming another repository: the one every service names is still counted (nothing else would run), with a warning', () => {
    const r = plan({'package.json': pkg('"repository": "github:acme/storefront", '), 'render.yaml': blueprint('https://github.com/acme/shop', 'https://github.com/acme/shop')})
    expect(r.total).toBe(12)
    expect(repoInfos(r)).toEqual([expect.objectContaining({line: 5, message: expect.stringContaining('taken as this one, though package.json:1 names acme/storefront'), severity: 'warning'})])
  })

  it('a service without repo: is this repository; one naming a repository is another (as before)', () => {
    const text = blueprint('https://github.com/acme/shop', 'https://github.com/acme/mailer').replace('    repo: https://github.com/acme/shop\n', '')
    const r = plan({'package.json': pkg(), 'render.yaml': text})
    expect(r.processTypes.map((p) => p.name)).toEqual(['web'])
    expect(r.total).toBe(10)
    expect(starred(r, 'web')).toBe(false)
  })

  it('reads repository URLs in their forms', () => {
    expect(repositoryOf('https://github.com/Acme/Shop.git')).toBe('acme/shop')
    expect(repositoryOf('git@github.com:acme/shop.git')).toBe('acme/shop')
    expect(repositoryOf('ssh://git@gitlab.com/group/sub/shop')).toBe('group/sub/shop')
    expect(repositoryOf('git+https://github.com/acme/shop.git')).toBe('acme/shop')
    expect(repositoryOf('github:acme/shop')).toBe('acme/shop')
    expect(repositoryOf('https://github.com/acme/shop/tree/main/app')).toBe('acme/shop')
    expect(repositoryOf('https://example.com')).toBeUndefined()
  })
})
