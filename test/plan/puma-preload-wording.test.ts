/**
 * Puma 5 and 6 decide the preload default in Configuration#initialize, from the WEB_CONCURRENCY env var only
 * (puma_options_from_env), before the flags and the config file are read: `default_options[:preload_app] =
 * (@options[:workers] > 1) && Puma.forkable?` (puma v6.4.3 lib/puma/configuration.rb). So
 * `workers Integer(ENV.fetch("WEB_CONCURRENCY") { 2 })` preloads with WEB_CONCURRENCY=2 but not with the variable
 * unset, though both run 2 workers. A copy of fork-rails-7-2-puma-cluster without its preload_app! (Puma 6.4.3).
 */
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {procfileOf, runCliInProcess} from '../helpers/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'conncalc-puma-'))
cpSync(join(procfileOf('fork-rails-7-2-puma-cluster'), '..'), dir, {recursive: true})
const puma = join(dir, 'config', 'puma.rb')
writeFileSync(puma, readFileSync(puma, 'utf8').replace('preload_app!\n', ''))
afterAll(() => rmSync(dir, {force: true, recursive: true}))

const fork = (concurrency?: string): string => {
  const env = concurrency === undefined ? [] : ['--env', `WEB_CONCURRENCY=${concurrency}`]
  const out = runCliInProcess(['plan', '--procfile', join(dir, 'Procfile'), '--limit', '20', '--explain', ...env]).stdout
  return out.split('\n').find((l) => l.trimStart().startsWith('fork')) ?? ''
}

describe('Puma 6 preloading by default, as --explain says it', () => {
  const why = 'Puma 5 and 6 preload the app by default when the WEB_CONCURRENCY env var, read before the flags and the config file, asks for more than 1 worker'
  it('WEB_CONCURRENCY=1: one worker, no preload', () => {
    expect(fork('1')).toContain(`Puma master does not preload (default: ${why}; it is 1`)
  })

  it('WEB_CONCURRENCY=2: cluster mode, preloaded', () => {
    expect(fork('2')).toContain(`Puma master preloads the app (default: ${why}; it is 2`)
  })

  it('WEB_CONCURRENCY unset: the config file\'s fallback of 2 workers forks, but Puma decided not to preload before reading it', () => {
    expect(fork()).toContain(`Puma master does not preload (default: ${why}; it is not set`)
  })
})
