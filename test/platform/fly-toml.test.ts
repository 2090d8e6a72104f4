import {describe, expect, it} from 'vitest'

import {flyPresetCpus, flyVmOf, parseFlyToml, tomlKeyLine} from '../../src/platform/fly-toml.js'
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

describe('fly.toml [[vm]]: the Machine size per process group', () => {
  const VM = `[processes]
  web = "npm start"
  worker = "node worker.js"

[[vm]]
  size = "shared-cpu-2x"

[[vm]]
  processes = ["worker"]
  size = "performance-4x"

[[vm]]
  processes = ["worker"]
  cpus = 8
`

  it('each key from the last section naming the group or none; lines from that section', async () => {
    const fly = await parseFlyToml(VM)
    // web: only the first section applies; worker: size from the second (line 10), cpus from the third (line 14).
    expect(flyVmOf(fly, 'web')).toEqual({size: {line: 6, value: 'shared-cpu-2x'}})
    expect(flyVmOf(fly, 'worker')).toEqual({cpus: {line: 14, value: 8}, size: {line: 10, value: 'performance-4x'}})
    expect(flyPresetCpus('shared-cpu-2x')).toBe(2)
    expect(flyPresetCpus('performance-16x')).toBe(16)
    expect(flyPresetCpus('a100-40gb')).toBeUndefined()
  })

  it('the older single [vm] table, and none', async () => {
    expect(flyVmOf(await parseFlyToml('[vm]\n  size = "performance-1x"\n'), 'app')).toEqual({size: {line: 2, value: 'performance-1x'}})
    expect(flyVmOf(await parseFlyToml('app = "x"\n'), 'app')).toBeUndefined()
  })

  it('tomlKeyLine with an index looks in that [[table]] only; without one, the first that has the key', () => {
    // The second [[vm]] (line 8) sets no cpus: its header; the third sets it at line 14.
    expect(tomlKeyLine(VM, 'vm', 'cpus', 1)).toBe(8)
    expect(tomlKeyLine(VM, 'vm', 'cpus', 2)).toBe(14)
    expect(tomlKeyLine(VM, 'vm', 'cpus')).toBe(14)
  })
})
