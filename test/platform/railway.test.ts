/**
 * Railway's config as code (https://docs.railway.com/reference/config-as-code): railway.json or railway.toml, its
 * build and deploy settings, and `environments.NAME` overrides above them ("1. Environment specific config in code,
 * 2. Base config in code, 3. Service settings").
 */
import {describe, expect, it} from 'vitest'

import {looksLikeRailwayConfig, parseRailwayConfig} from '../../src/platform/railway.js'

describe('parseRailwayConfig', () => {
  it('reads railway.json: the start command, the pre-deploy commands and the replicas summed over regions', async () => {
    const text = `{
  "$schema": "https://railway.com/railway.schema.json",
  "build": {"builder": "DOCKERFILE", "dockerfilePath": "apps/api/Dockerfile"},
  "deploy": {
    "startCommand": "node server.js",
    "preDeployCommand": ["npm run migrate", "npm run seed"],
    "multiRegionConfig": {"us-west2": {"numReplicas": 2}, "europe-west4-drams3a": {"numReplicas": 3}}
  }
}
`
    const c = await parseRailwayConfig(text, 'railway.json')
    expect(c.startCommand).toEqual({line: 5, value: 'node server.js'})
    expect(c.preDeployCommand).toEqual({line: 6, value: 'npm run migrate && npm run seed'})
    expect(c.replicas).toEqual({line: 7, value: 5})
    expect(c.dockerfilePath).toEqual({line: 3, value: 'apps/api/Dockerfile'})
    expect(c.builder?.value).toBe('DOCKERFILE')
  })

  it('takes the production environment override over the base config, and no other environment', async () => {
    const text = JSON.stringify({
      deploy: {numReplicas: 1, startCommand: 'npm start'},
      environments: {production: {deploy: {numReplicas: 4}}, staging: {deploy: {startCommand: 'npm run staging'}}},
    }, null, 2)
    const c = await parseRailwayConfig(text, 'railway.json')
    expect(c.replicas).toMatchObject({environment: 'production', value: 4})
    expect(c.startCommand).toMatchObject({value: 'npm start'})
    expect(c.overrides).toEqual(['production'])
  })

  it('reads railway.toml', async () => {
    const text = '[build]\nbuilder = "NIXPACKS"\n\n[deploy]\nstartCommand = "bundle exec puma -C config/puma.rb"\nnumReplicas = 2\ncronSchedule = "*/15 * * * *"\n'
    const c = await parseRailwayConfig(text, 'railway.toml')
    expect(c.startCommand).toEqual({line: 5, value: 'bundle exec puma -C config/puma.rb'})
    expect(c.replicas).toEqual({line: 6, value: 2})
    expect(c.cronSchedule?.value).toBe('*/15 * * * *')
  })

  it('says what it cannot read: invalid JSON at its line, a replica count that is not a whole number', async () => {
    const bad = await parseRailwayConfig('{\n  "deploy": {\n    "startCommand": "x",,\n  }\n}\n', 'railway.json')
    expect(bad.error?.message).toMatch(/^not valid JSON/)
    const odd = await parseRailwayConfig('{"deploy": {"numReplicas": "two"}}', 'railway.json')
    expect(odd.replicas).toBeUndefined()
    expect(odd.unread).toEqual([{line: 1, what: 'deploy.numReplicas = "two"'}])
  })

  it('tells Railway\'s config from a Nixpacks plan kept under the same name', () => {
    expect(looksLikeRailwayConfig('railway.toml', "[phases.setup]\n    nixPkgs = ['nodejs']\n")).toBe(false)
    expect(looksLikeRailwayConfig('railway.toml', '[deploy]\nstartCommand = "npm start"\n')).toBe(true)
    expect(looksLikeRailwayConfig('railway.json', '{"deploy": {"startCommand": "npm start"}}')).toBe(true)
    expect(looksLikeRailwayConfig('railway.json', '{"name": "x"}')).toBe(false)
  })
})
