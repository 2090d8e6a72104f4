import {describe, expect, it} from 'vitest'

import {parseFlyToml, tomlKeyLine} from '../../src/platform/fly-toml.js'
import {parseRenderYaml} from '../../src/platform/render-yaml.js'

const FLY = `app = "x"
# [processes] in a comment is not a table
description = """
[processes]
web = "not a key: inside a multi-line string"
"""
env.LOG_LEVEL = "info"

[processes]
  "web" = "bin/rails server"
  worker = 'bin/jobs'

[[services]]
  processes = ["worker"]
  min_machines_running = 3

[experimental]
  cmd = ["bin/start", "--port", "8080 x"]
`

describe('fly.toml', () => {
  it('finds the line of a key in its table, quoted or bare, past multi-line strings; a dotted top-level key', () => {
    expect(tomlKeyLine(FLY, 'processes', 'web')).toBe(10)
    expect(tomlKeyLine(FLY, 'processes', 'worker')).toBe(11)
    expect(tomlKeyLine(FLY, 'env', 'LOG_LEVEL')).toBe(7)
    expect(tomlKeyLine(FLY, 'services', 'min_machines_running')).toBe(15)
    // A key not written: the table's header; a table not there: line 1.
    expect(tomlKeyLine(FLY, 'processes', 'clock')).toBe(9)
    expect(tomlKeyLine(FLY, 'deploy', 'release_command')).toBe(1)
  })

  it('reads groups, env, min_machines_running per group and an argument-array cmd (quoted where a shell would split it)', async () => {
    const fly = await parseFlyToml(FLY)
    expect(fly.processes).toEqual([
      {command: 'bin/rails server', line: 10, name: 'web'},
      {command: 'bin/jobs', line: 11, name: 'worker'},
    ])
    expect(fly.env.map((e) => [e.name, e.value, e.source])).toEqual([['LOG_LEVEL', 'info', {from: 'fly.toml:7 ([env])', kind: 'env', name: 'LOG_LEVEL'}]])
    expect(fly.minRunning.get('worker')).toEqual({line: 15, value: 3})
    expect(fly.served).toEqual(new Set(['worker']))
    expect(fly.cmd).toEqual({line: 18, text: "bin/start --port '8080 x'"})
  })

  it('invalid TOML is an error at its line', async () => {
    expect((await parseFlyToml('a = 1\nb = \n')).error).toEqual(expect.objectContaining({line: 2, message: expect.stringMatching(/^not valid TOML/)}))
  })
})

describe('render.yaml', () => {
  it('services with their counts, rootDir, env values (numbers as strings) and group links; the older `env:` runtime key', () => {
    const yml = parseRenderYaml(`services:
  - type: worker
    name: jobs
    env: node
    rootDir: ./apps/worker/
    startCommand: node dist/worker.js
    numInstances: 4
    envVars:
      - key: POOL_MAX
        value: 12
      - key: DATABASE_URL
        fromDatabase: {name: db, property: connectionString}
      - fromGroup: common
  - type: web
    name: bad
    numInstances: two
  - name: no-type
envVarGroups:
  - name: common
    envVars:
      - key: NODE_ENV
        value: production
`)
    expect(yml.error).toBeUndefined()
    const [jobs, bad] = yml.services
    expect(jobs).toEqual(expect.objectContaining({line: 2, name: 'jobs', numInstances: {line: 7, value: 4}, rootDir: 'apps/worker', runtime: 'node', start: {line: 6, text: 'node dist/worker.js'}, type: 'worker'}))
    expect(jobs.env.map((e) => [e.name, e.value])).toEqual([['POOL_MAX', '12']])
    expect(jobs.groups).toEqual([{line: 13, name: 'common'}])
    expect(yml.groups.get('common')?.entries.map((e) => [e.name, e.value])).toEqual([['NODE_ENV', 'production']])
    expect(bad.numInstances).toBeUndefined()
    expect(yml.diagnostics.map((d) => [d.line, d.message])).toEqual([
      [16, 'render.yaml: service bad: numInstances is not a whole number; Render\'s default 1 is used'],
      [17, 'render.yaml: service 3 has no type; not read'],
    ])
  })
})
