import {relative} from 'node:path'
import {describe, expect, it} from 'vitest'

import {relativePath} from '../../src/util/relative-path.js'

describe('relativePath: what path.relative answers, a path below the first by a slice', () => {
  const cases: [string, string][] = [
    ['/work/app', '/work/app/Procfile'],
    ['/work/app', '/work/app/config/puma.rb'],
    ['/work/app', '/work/app'],
    ['/', '/etc/passwd'],
    ['/work/app/', '/work/app/config'],
    ['/work/app', '/work/apple/Procfile'], // a sibling whose name starts the same
    ['/work/app', '/work'],
    ['/work/app', '/elsewhere/file'],
    ['/work/app', '/work/app/../other/x'], // not plain: path.relative resolves it
    ['/work/app', '/work/app/./config'],
    ['/work/app', '/work/app//config'],
    ['/work/app', '/work/app/config/'],
    ['/work/app', '/work/app/..'],
  ]

  it.each(cases)('relativePath(%s, %s) is path.relative\'s answer', (from, to) => {
    expect(relativePath(from, to)).toBe(relative(from, to))
  })

  it('answers a file below the folder with its path from there', () => {
    expect(relativePath('/work/app', '/work/app/config/puma.rb')).toBe('config/puma.rb')
    expect(relativePath('/work/app', '/work/apple/Procfile')).toBe('../apple/Procfile')
  })
})
