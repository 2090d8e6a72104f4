/**
 * Which workspace packages a monorepo declares, and what a package manager or
 * runner command delegates to (procfile/node-run.ts), on in-memory apps in the
 * shapes real monorepos use.
 */
import {describe, expect, it} from 'vitest'

import {memoryFiles} from '../../src/model/files.js'
import {findWorkspaces, type NodeDelegation, nodeDelegation} from '../../src/procfile/node-run.js'

const pkg = (name: string, scripts: Record<string, string> = {}, extra: Record<string, unknown> = {}): string => JSON.stringify({name, scripts, ...extra}, null, 2)
const origin = {file: 'Procfile', line: 1}
const delegation = (files: Record<string, string>, command: string, cwd = ''): NodeDelegation | undefined =>
  nodeDelegation({argv: command.split(' '), cwd, files: memoryFiles(files), origin}, () => false)
const runs = (d: NodeDelegation | undefined): string[] => (d?.kind === 'run' ? d.runs.map((r) => `${r.cwd || '.'}: ${r.text}`) : [])

describe('workspace discovery', () => {
  it('package.json workspaces as an array with `**` (zero-logement-vacant\'s shape), node_modules never a package', () => {
    const files = memoryFiles({
      'package.json': pkg('root', {}, {workspaces: ['server', 'queue', 'packages/**']}),
      'packages/models/package.json': pkg('@z/models'),
      'packages/tools/cli/package.json': pkg('@z/cli'),
      'packages/node_modules/dep/package.json': pkg('dep'),
      'queue/package.json': pkg('@z/queue'),
      'server/package.json': pkg('@z/server'),
    })
    // In folder order: packages/models, packages/tools/cli, queue, server.
    expect(findWorkspaces(files, '')?.packages.map((p) => p.name)).toEqual(['@z/models', '@z/cli', '@z/queue', '@z/server'])
    // From inside a package, the list is found upwards.
    expect(findWorkspaces(files, 'server')?.root).toBe('')
  })

  it('Yarn 1\'s {packages: [...]} object and lerna.json, whose packages default to packages/*', () => {
    const yarn = memoryFiles({'apps/a/package.json': pkg('a'), 'apps/b/package.json': pkg('b'), 'package.json': pkg('r', {}, {workspaces: {nohoist: ['**/x'], packages: ['apps/*', '!apps/b']}})})
    expect(findWorkspaces(yarn, '')?.packages.map((p) => p.name)).toEqual(['a'])
    const lerna = memoryFiles({'lerna.json': '{"version": "1.0.0"}', 'package.json': pkg('r'), 'packages/x/package.json': pkg('x')})
    expect(findWorkspaces(lerna, '')).toMatchObject({from: 'lerna.json:1', packages: [{name: 'x'}]})
  })

  it('no declaration anywhere: none', () => {
    expect(findWorkspaces(memoryFiles({'package.json': pkg('solo')}), '')).toBeUndefined()
  })
})

describe('what a command delegates to', () => {
  const app = {
    'package.json': pkg('root', {'serve:api': 'npm start -w api', 'serve:web': 'npm start -w web', start: 'concurrently "npm:serve:*"'}, {workspaces: ['apps/*']}),
    'apps/api/package.json': pkg('api', {start: 'node index.js'}),
    'apps/web/package.json': pkg('web', {start: 'next start'}),
  }

  it('a workspace script runs as `npm run NAME` in the package folder, where the Node analyzer reads it', () => {
    expect(runs(delegation(app, 'yarn workspace api start'))).toEqual(['apps/api: npm run start'])
    expect(runs(delegation(app, 'npm --workspace=apps/web run start'))).toEqual(['apps/web: npm run start'])
    // yarn runs a binary when no script has the name.
    expect(runs(delegation(app, 'yarn workspace web next build'))).toEqual(['apps/web: next build'])
  })

  it('concurrently: each quoted command, npm:serve:* expanded, --max-processes honoured', () => {
    const d = delegation(app, 'concurrently npm:serve:*')
    expect(d).toMatchObject({kind: 'run', parallel: true})
    expect(runs(d)).toEqual(['.: npm run serve:api', '.: npm run serve:web'])
    expect(runs(delegation(app, 'concurrently -m 1 -n a,b npm:serve:*'))).toEqual(['.: npm run serve:api'])
    expect(runs(delegation(app, 'npx --yes concurrently npm:serve:api npm:serve:web'))).toEqual(['.: npm run serve:api', '.: npm run serve:web'])
  })

  it('npm-run-all: the last group is what stays up; -p runs it together, -s one after another', () => {
    expect(delegation(app, 'npm-run-all -s build -p serve:*')).toMatchObject({kind: 'run', parallel: true, runs: [{text: 'npm run serve:api'}, {text: 'npm run serve:web'}]})
    expect(delegation(app, 'run-s serve:api serve:web')).toMatchObject({kind: 'run', parallel: false})
  })

  it('npm --workspaces and yarn workspaces run go one workspace after another: the first with the script never exits, so it is the one that runs', () => {
    // apps/api comes first in folder order and has "start".
    expect(delegation(app, 'npm run start --workspaces')).toMatchObject({kind: 'run', parallel: false, runs: [{cwd: 'apps/api', text: 'npm run start'}]})
    expect(runs(delegation(app, 'npm start -ws'))).toEqual(['apps/api: npm run start'])
    expect(runs(delegation(app, 'yarn workspaces run start'))).toEqual(['apps/api: npm run start'])
  })

  it('yarn workspaces foreach (Berry foreach.ts): sequential is the first; -p runs each, -j caps them, --include/--exclude filter by name, joined flags split', () => {
    expect(delegation(app, 'yarn workspaces foreach -A run start')).toMatchObject({kind: 'run', parallel: false, runs: [{cwd: 'apps/api'}]})
    expect(delegation(app, 'yarn workspaces foreach -Apj 1 run start')).toMatchObject({kind: 'run', parallel: true, runs: [{cwd: 'apps/api'}]})
    expect(runs(delegation(app, 'yarn workspaces foreach -A -p --exclude api run start'))).toEqual(['apps/web: npm run start'])
    // -p without -j: at most max(1, CPUs / 2) at once, which conncalc cannot know here: both assumed to start, and labelled.
    const both = delegation(app, 'yarn workspaces foreach --all --parallel run start')
    expect(runs(both)).toEqual(['apps/api: npm run start', 'apps/web: npm run start'])
    expect(both).toMatchObject({assumed: expect.stringContaining('max(1, CPUs / 2)')})
    expect(delegation(app, 'yarn workspaces foreach -A run nothing')).toMatchObject({kind: 'unknown', why: expect.stringContaining('no workspace package it selects has a "nothing" script')})
  })

  it('turbo with several tasks runs each in every selected package that has it, together', () => {
    const multi = {...app, 'apps/api/package.json': pkg('api', {start: 'node index.js', worker: 'node worker.js'})}
    expect(delegation(multi, 'turbo run start worker --filter=api')).toMatchObject({kind: 'run', parallel: true, runs: [{cwd: 'apps/api', text: 'npm run start'}, {cwd: 'apps/api', text: 'npm run worker'}]})
  })

  it('forms conncalc does not follow say so', () => {
    expect(delegation(app, 'yarn workspaces foreach -A exec node x.js')).toMatchObject({kind: 'unknown', why: expect.stringContaining('not a script conncalc follows')})
    expect(delegation({'package.json': pkg('solo')}, 'yarn workspace api start')).toMatchObject({kind: 'unknown', why: expect.stringContaining('no workspaces are declared')})
  })

  it('a plain script in its own folder is left to the Node analyzer', () => {
    expect(delegation(app, 'npm start', 'apps/api')).toBeUndefined()
    expect(delegation(app, 'node index.js')).toBeUndefined()
  })
})

describe("Yarn Berry's global scripts (a colon in the name, https://yarnpkg.com/cli/run)", () => {
  const mono = {
    'package.json': pkg('root', {'g:ts-node': 'cd $INIT_CWD && ts-node'}, {workspaces: ['server', 'workers/*']}),
    'server/package.json': pkg('@m/server', {start: 'yarn g:ts-node ./src/index.ts'}),
    'workers/sync/package.json': pkg('@m/sync', {start: 'yarn g:ts-node src/index.ts'}),
  }

  it("`yarn g:ts-node` in a workspace without it runs the root's script in the root, with INIT_CWD the workspace's folder", () => {
    const d = delegation(mono, 'yarn g:ts-node ./src/index.ts', 'server')
    expect(d).toMatchObject({by: 'yarn g:ts-node (a global script of package.json)', kind: 'run', runs: [{cwd: '', origin: {file: 'package.json', line: 4}}]})
    expect(runs(d)).toEqual(['.: INIT_CWD=/app/server; cd $INIT_CWD && ts-node ./src/index.ts'])
  })

  it('two workspaces with the script: Yarn refuses, so nothing is picked; a name without a colon is not global', () => {
    const twice = {...mono, 'workers/sync/package.json': pkg('@m/sync', {'g:ts-node': 'ts-node', start: 'yarn g:ts-node src/index.ts'})}
    expect(delegation(twice, 'yarn g:ts-node ./src/index.ts', 'server')).toBeUndefined()
    expect(delegation({...mono, 'package.json': pkg('root', {tsn: 'ts-node'}, {workspaces: ['server']})}, 'yarn tsn x.ts', 'server')).toBeUndefined()
  })
})
