import {describe, expect, it} from 'vitest'

import {herokuApi} from '../../src/io/heroku-api.js'
import {herokuAppFromGitUrl, remoteUrl} from '../../src/util/git-config.js'
import {netrcPassword} from '../../src/util/netrc.js'

describe('HEROKU_HOST, as the Heroku CLI reads it', () => {
  it('defaults to api.heroku.com; a host name means https://api.<host>; a URL is used as it is', () => {
    expect(herokuApi({})).toEqual({host: 'api.heroku.com', url: 'https://api.heroku.com'})
    expect(herokuApi({HEROKU_HOST: 'staging.herokudev.com'})).toEqual({host: 'api.staging.herokudev.com', url: 'https://api.staging.herokudev.com'})
    expect(herokuApi({HEROKU_HOST: 'http://127.0.0.1:5000/'})).toEqual({host: '127.0.0.1:5000', url: 'http://127.0.0.1:5000'})
    expect(() => herokuApi({HEROKU_HOST: 'not a host'})).toThrow('HEROKU_HOST is not a host name: not a host')
  })
})

describe('netrcPassword', () => {
  it('reads the entry `heroku login` writes, and only that machine\'s', () => {
    const text = 'machine api.heroku.com\n  login me@example.com\n  password tok-api\nmachine git.heroku.com\n  login me@example.com\n  password tok-git\n'
    expect(netrcPassword(text, 'api.heroku.com')).toBe('tok-api')
    expect(netrcPassword(text, 'git.heroku.com')).toBe('tok-git')
    expect(netrcPassword(text, 'api.example.com')).toBeUndefined()
  })

  it('one-line entries, quoted values, comments, macdef bodies and default', () => {
    const text = [
      '# my machines',
      'machine other.example.com login a password "p w"',
      'macdef init',
      'machine api.heroku.com password fake-from-a-macro',
      '',
      'machine api.heroku.com login me password "tok \\"quoted\\""',
      'default login anon password anon-pass',
    ].join('\n')
    expect(netrcPassword(text, 'api.heroku.com')).toBe('tok "quoted"')
    expect(netrcPassword(text, 'other.example.com')).toBe('p w')
    expect(netrcPassword(text, 'elsewhere')).toBe('anon-pass')
  })
})

describe('git remotes', () => {
  const config = [
    '[core]',
    '\tbare = false',
    '[remote "origin"]',
    '\turl = git@github.com:acme/shop.git',
    '[remote "heroku"]',
    '\turl = https://git.heroku.com/shop-prod.git',
    '\tfetch = +refs/heads/*:refs/remotes/heroku/*',
    '[Remote "Staging"] ; case of the subsection matters',
    '\tURL = "ssh://git@heroku.com/shop-staging.git" # a comment',
  ].join('\n')

  it('finds a remote\'s url by its exact name', () => {
    expect(remoteUrl(config, 'heroku')).toBe('https://git.heroku.com/shop-prod.git')
    expect(remoteUrl(config, 'Staging')).toBe('ssh://git@heroku.com/shop-staging.git')
    expect(remoteUrl(config, 'staging')).toBeUndefined()
  })

  it('names the app of Heroku git URLs only', () => {
    expect(herokuAppFromGitUrl('https://git.heroku.com/shop-prod.git')).toBe('shop-prod')
    expect(herokuAppFromGitUrl('https://git.heroku.com/shop-prod')).toBe('shop-prod')
    expect(herokuAppFromGitUrl('git@heroku.com:shop-prod.git')).toBe('shop-prod')
    expect(herokuAppFromGitUrl('ssh://git@heroku.com/shop-staging.git')).toBe('shop-staging')
    expect(herokuAppFromGitUrl('git@github.com:acme/shop.git')).toBeUndefined()
    expect(herokuAppFromGitUrl('https://git.evil.com/shop-prod.git')).toBeUndefined()
    expect(herokuAppFromGitUrl('https://git.staging.herokudev.com/x.git', 'staging.herokudev.com')).toBe('x')
  })
})
