import {describe, expect, it} from 'vitest'

import {memoryFiles} from '../../src/model/files.js'
import {lockedPackages} from '../../src/languages/node/package-json.js'

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
