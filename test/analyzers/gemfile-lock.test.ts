import {describe, expect, it} from 'vitest'

import {parseGemfileLock} from '../../src/languages/ruby/gemfile-lock.js'
import {compareVersions, versionAtLeast} from '../../src/util/version.js'
import {fixture} from './helpers.js'

describe('parseGemfileLock', () => {
  it('reads the versions of a real Rails 7.1 lock file', () => {
    const v = parseGemfileLock(fixture('rails-7-1').read('Gemfile.lock')!.text)
    expect(v).toMatchObject({
      actioncable: '7.1.3.4',
      activerecord: '7.1.3.4',
      puma: '6.4.2',
      rails: '7.1.3.4',
      sidekiq: '7.2.4',
    })
    expect(v.nokogiri).toBe('1.16.6') // platform suffix dropped
    expect(v['nio4r (~> 2.0)']).toBeUndefined()
  })

  it('reads GIT and PATH specs, ignores DEPENDENCIES and platforms', () => {
    const text = `GIT
  remote: https://github.com/resque/resque.git
  revision: 1234abcd
  specs:
    resque (2.7.0)
      redis (>= 4.0)

PATH
  remote: engines/billing
  specs:
    billing (0.1.0)

GEM
  remote: https://rubygems.org/
  specs:
    delayed_job (4.1.11)
    good_job (4.19.2)
    newrelic_rpm (9.12.0)
    que (2.4.1)
    solid_queue (1.5.0)
    unicorn (6.1.0)
    grpc (1.64.0-arm64-darwin)
    rails (8.0.0.beta1)

PLATFORMS
  arm64-darwin-23
  x86_64-linux

DEPENDENCIES
  rails (~> 8.0.0.beta1)
  resque!
`
    expect(parseGemfileLock(text)).toEqual({
      billing: '0.1.0',
      delayed_job: '4.1.11',
      good_job: '4.19.2',
      grpc: '1.64.0',
      newrelic_rpm: '9.12.0',
      que: '2.4.1',
      rails: '8.0.0.beta1',
      resque: '2.7.0',
      solid_queue: '1.5.0',
      unicorn: '6.1.0',
    })
  })

  it('reads CRLF files', () => {
    expect(parseGemfileLock('GEM\r\n  specs:\r\n    puma (6.4.2)\r\n')).toEqual({puma: '6.4.2'})
  })
})

describe('versions', () => {
  it.each([
    ['5.2.0', '5.2.0', 0],
    ['5.10.0', '5.2.0', 1],
    ['7.0.0.beta1', '7.0.0', -1],
    ['6.4', '6.4.0', 0],
    ['4.3.12', '5.0', -1],
  ])('compareVersions(%s, %s) has sign %i', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign)
  })

  it('versionAtLeast', () => {
    expect(versionAtLeast('7.2.4', '7.0')).toBe(true)
    expect(versionAtLeast('5.1.1', '5.2.0')).toBe(false)
  })
})
