import {describe, expect, it} from 'vitest'

import {appPath, onPlatformAppRoot, withoutLeadingDotSlashes, withoutTrailingSlashes} from '../../src/util/app-path.js'

// The platform's app root is read with string tests rather than a regular expression (V8 compiles each
// expression a run executes, twice once it runs again): checked against the expressions it replaced.
const words = (parts: readonly string[], length: number): string[] => {
  let out = ['']
  for (let i = 0; i < length; i++) out = [...out, ...out.flatMap((w) => parts.map((p) => w + p))]
  return [...new Set(out)]
}

describe("appPath / onPlatformAppRoot: the platform's app root (/app, /home/vcap/app) and ./ taken off", () => {
  const root = /^(?:\/home\/vcap\/app|\/app)(?:\/+|$)/
  it('as /^(?:\\/home\\/vcap\\/app|\\/app)(?:\\/+|$)/ then /^(\\.\\/)+/ read them', () => {
    for (const p of words(['/', '/app', 'app', '/home/vcap', '/home/vcap/app', 'le', './', '.', 'x'], 4)) {
      expect([p, onPlatformAppRoot(p), appPath(p)]).toEqual([p, root.test(p), p.replace(root, '').replace(/^(\.\/)+/, '')])
    }
  })
})

describe('withoutTrailingSlashes / withoutLeadingDotSlashes: what the replaces they stand for gave', () => {
  it("as .replace(/\\/+$/, '') and .replace(/^(?:\\.\\/)+/, '')", () => {
    for (const p of words(['/', '.', './', 'a', '..', ' '], 5)) {
      expect([p, withoutTrailingSlashes(p), withoutLeadingDotSlashes(p)]).toEqual([p, p.replace(/\/+$/, ''), p.replace(/^(?:\.\/)+/, '')])
    }
  })
})
