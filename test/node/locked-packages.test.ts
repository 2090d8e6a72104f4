import {describe, expect, it} from 'vitest'

import {memoryFiles} from '../../src/model/files.js'
import {lockedDependencies, lockedPackages} from '../../src/languages/node/package-json.js'

const names = (files: Record<string, string>) => {
  const l = lockedPackages(memoryFiles(files))
  return l && {file: l.file, names: [...l.names].sort()}
}

describe('lockedPackages: every package a lock file installs', () => {
  it('package-lock.json v3 packages (nested and scoped) and v1 dependencies', () => {
    const v3 = JSON.stringify({packages: {'': {}, 'node_modules/@prisma/client': {version: '5.1.0'}, 'node_modules/a/node_modules/pg': {version: '8.0.0'}}})
    expect(names({'package-lock.json': v3})).toEqual({file: 'package-lock.json', names: ['@prisma/client', 'pg']})
    const v1 = JSON.stringify({dependencies: {knex: {dependencies: {pg: {version: '7.0.0'}}, version: '0.21.0'}}})
    expect(names({'package-lock.json': v1})).toEqual({file: 'package-lock.json', names: ['knex', 'pg']})
  })

  it('yarn.lock entry headers, scoped and aliased', () => {
    const yarn = '"@neondatabase/serverless@^0.9.0":\n  version "0.9.4"\n\npg@^8.7.1, pg@^8.11.0:\n  version "8.11.3"\n'
    expect(names({'yarn.lock': yarn})).toEqual({file: 'yarn.lock', names: ['@neondatabase/serverless', 'pg']})
  })

  it('pnpm-lock.yaml packages keys (v9, v6 with a slash, v5 name/version) and importer dependencies', () => {
    const v9 = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      express:\n        specifier: ^4\n        version: 4.21.2\npackages:\n  '@prisma/client@5.1.0':\n    resolution: {}\n  pg@8.11.3:\n    resolution: {}\n"
    expect(names({'pnpm-lock.yaml': v9})?.names).toEqual(expect.arrayContaining(['@prisma/client', 'express', 'pg']))
    expect(names({'pnpm-lock.yaml': 'lockfileVersion: 5.4\npackages:\n  /pg/8.7.1:\n    resolution: {}\n'})?.names).toContain('pg')
    expect(names({'pnpm-lock.yaml': "lockfileVersion: '6.0'\npackages:\n  /postgres@3.4.0:\n    resolution: {}\n"})?.names).toContain('postgres')
  })

  it('no lock file, or a broken package-lock.json: undefined (what is installed cannot be told)', () => {
    expect(lockedPackages(memoryFiles({'package.json': '{}'}))).toBeUndefined()
    expect(lockedPackages(memoryFiles({'package-lock.json': '{not json'}))).toBeUndefined()
  })
})

const depsOf = (files: Record<string, string>, name: string): string[] | undefined => {
  const d = lockedDependencies(memoryFiles(files))?.deps.get(name)
  return d && [...d].sort()
}

describe('lockedDependencies: what each installed package depends on', () => {
  it('package-lock.json v3 (dependencies, optional and peer; a workspace link left out) and v1 requires', () => {
    const v3 = JSON.stringify({
      packages: {
        '': {dependencies: {mailer: '1'}},
        'node_modules/mailer': {dependencies: {'mime-lite': '^2'}, optionalDependencies: {'smtp-pool': '1'}, peerDependencies: {'@x/log': '3'}},
        'node_modules/mime-lite': {version: '2.0.0'},
        'node_modules/@app/shared': {link: true, resolved: 'packages/shared'},
      },
    })
    expect(depsOf({'package-lock.json': v3}, 'mailer')).toEqual(['@x/log', 'mime-lite', 'smtp-pool'])
    expect(depsOf({'package-lock.json': v3}, 'mime-lite')).toEqual([])
    expect(depsOf({'package-lock.json': v3}, '@app/shared')).toBeUndefined()
    const v1 = JSON.stringify({dependencies: {mailer: {requires: {'mime-lite': '^2'}, version: '1.0.0'}, 'mime-lite': {version: '2.0.0'}}})
    expect(depsOf({'package-lock.json': v1}, 'mailer')).toEqual(['mime-lite'])
  })

  it('yarn.lock v1 and Berry dependency blocks, every header of an entry', () => {
    const v1 = '"mailer@^1.0.0", mailer@1.2:\n  version "1.2.0"\n  dependencies:\n    mime-lite "^2.0.0"\n    "@x/log" "3"\n\nmime-lite@^2.0.0:\n  version "2.0.0"\n'
    expect(depsOf({'yarn.lock': v1}, 'mailer')).toEqual(['@x/log', 'mime-lite'])
    expect(depsOf({'yarn.lock': v1}, 'mime-lite')).toEqual([])
    const berry = '__metadata:\n  version: 6\n\n"mailer@npm:^1.0.0":\n  version: 1.2.0\n  dependencies:\n    mime-lite: "npm:^2.0.0"\n  checksum: abc\n'
    expect(depsOf({'yarn.lock': berry}, 'mailer')).toEqual(['mime-lite'])
  })

  it('pnpm-lock.yaml packages and snapshots entries', () => {
    const v9 = "lockfileVersion: '9.0'\npackages:\n  mailer@1.2.0:\n    resolution: {}\n  '@x/log@3.0.0':\n    resolution: {}\nsnapshots:\n  mailer@1.2.0:\n    dependencies:\n      '@x/log': 3.0.0\n      mime-lite: 2.0.0\n  '@x/log@3.0.0': {}\n"
    expect(depsOf({'pnpm-lock.yaml': v9}, 'mailer')).toEqual(['@x/log', 'mime-lite'])
    expect(depsOf({'pnpm-lock.yaml': v9}, '@x/log')).toEqual([])
  })

  it('no lock file: undefined', () => {
    expect(lockedDependencies(memoryFiles({'package.json': '{}'}))).toBeUndefined()
  })
})
