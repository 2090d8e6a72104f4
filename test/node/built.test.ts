/**
 * Where a file built at deploy comes from (languages/node/built.ts), on in-memory apps in the
 * shapes real ones use: babel -d (opencollective-api's `babel server -d ./dist`), tsc -p with an
 * outDir and `include` giving rootDir (pubpub's tsconfig.server.json), the usual dist/ ← src/
 * layout, and the root lock file of a workspace package (package-json.ts).
 */
import {describe, expect, it} from 'vitest'

import {builtSource} from '../../src/languages/node/built.js'
import {pnpmLockVersions, readPackageJson, yarnLockVersions} from '../../src/languages/node/package-json.js'
import {memoryFiles, withinDir} from '../../src/model/files.js'

const scripts = (s: Record<string, string>) => ({lineOf: (path: string[]) => Object.keys(s).indexOf(path[1]) + 2, path: 'package.json', scripts: s})

describe('builtSource', () => {
  it('babel SRC -d OUT: OUT/x.js is SRC/x.js or SRC/x.ts (--extensions .js,.ts)', () => {
    const files = memoryFiles({'server/index.ts': '', 'server/lib/db.js': ''})
    const s = scripts({build: 'npm run build:clean && npm run build:server', 'build:server': 'babel server --copy-files --source-maps true --extensions .js,.ts -d ./dist'})
    expect(builtSource(files, s, 'dist/index.js')).toMatchObject({file: 'server/index.ts', how: {kind: 'default', what: expect.stringContaining('built at deploy by `babel server … -d ./dist` (package.json:3)')}})
    expect(builtSource(files, s, 'dist/lib/db.js')?.file).toBe('server/lib/db.js')
  })

  it('tsc -p CONFIG: outDir mirrors rootDir, which `include` gives when not set (the inputs\' common folder)', () => {
    const files = memoryFiles({
      'tsconfig.json': '{"compilerOptions": {"strict": true}}',
      // include spans several folders: rootDir is the config's own folder, so dist/server/workers/init is workers/init.ts.
      'tsconfig.server.json': '{"extends": "./tsconfig.json", "compilerOptions": {"outDir": "dist/server"}, "include": ["server/**/*", "workers/**/*"]}',
      'workers/init.ts': '',
    })
    expect(builtSource(files, scripts({'build-server': 'tsc -p tsconfig.server.json'}), 'dist/server/workers/init')).toMatchObject({file: 'workers/init.ts', how: {what: expect.stringContaining('from tsconfig.server.json, whose outDir dist/server/ mirrors the package folder')}})
    // include ["src"]: rootDir src.
    const one = memoryFiles({'src/main.ts': '', 'tsconfig.build.json': '{"compilerOptions": {"outDir": "build"}, "include": ["src"]}'})
    expect(builtSource(one, scripts({build: 'tsc --project tsconfig.build.json'}), 'build/main.js')?.file).toBe('src/main.ts')
  })

  it('tsc without rootDir whose inputs reach outside the package (a `paths` alias to ../shared): outDir mirrors the folder above it', () => {
    // packages/api/tsconfig.json maps ~shared/* to ../shared/*: tsc's common root is packages/, so
    // dist/api/src/main.js (from packages/api) is packages/api/src/main.ts.
    const files = memoryFiles({
      'packages/api/package.json': '{"scripts": {"build": "tsc --build"}}',
      'packages/api/src/main.ts': '',
      'packages/api/tsconfig.json': '{"compilerOptions": {"outDir": "./dist", "baseUrl": "./", "paths": {"~shared/*": ["../shared/*"]}}}',
      'packages/shared/index.ts': '',
    })
    const scoped = withinDir(files, 'packages/api')
    expect(builtSource(scoped, scripts({build: 'tsc --build'}), 'dist/api/src/main')).toMatchObject({file: 'src/main.ts', how: {what: expect.stringContaining('mirrors packages/: with no rootDir, tsc writes each input under the common folder of all inputs')}})
    // A built path that does not name the package's folder is not mapped this way.
    expect(builtSource(scoped, scripts({build: 'tsc --build'}), 'dist/other/src/main')).toBeUndefined()
  })

  it('tsc --outDir OUT FILES: the files on the command line, written under OUT from their common folder (or --rootDir)', () => {
    const files = memoryFiles({'app/server/main.ts': '', 'app/server/db.ts': ''})
    expect(builtSource(files, scripts({'build:server': 'tsc --outDir build/api app/server/*.ts'}), 'build/api/main.js')).toMatchObject({file: 'app/server/main.ts', how: {what: expect.stringContaining('at its path from app/server/')}})
    expect(builtSource(files, scripts({build: 'tsc --rootDir app --outDir out app/server/main.ts'}), 'out/server/main.js')?.file).toBe('app/server/main.ts')
  })

  it('swc SRC -d OUT: --strip-leading-paths writes OUT/x.js for SRC/x.ts; without it @swc/cli keeps SRC/ in the path', () => {
    // argos-ci's apps/backend: `swc src -d dist --strip-leading-paths` → dist/processes/proc/web.js is src/processes/proc/web.ts.
    const files = memoryFiles({'src/processes/proc/web.ts': ''})
    const strip = scripts({build: 'rm -rf dist && swc src -d dist --strip-leading-paths'})
    expect(builtSource(files, strip, 'dist/processes/proc/web.js')).toMatchObject({file: 'src/processes/proc/web.ts', how: {what: expect.stringContaining('built at deploy by `swc src … -d dist` (package.json:2)')}})
    // @swc/cli ≥ 0.3 without the flag: dist/src/processes/proc/web.js (getDest keeps the leading src/).
    const keep = scripts({build: 'swc src -d dist'})
    expect(builtSource(files, keep, 'dist/src/processes/proc/web.js')?.file).toBe('src/processes/proc/web.ts')
    // @swc/cli 0.2 stripped it: dist/processes/proc/web.js still maps back.
    expect(builtSource(files, keep, 'dist/processes/proc/web.js')?.file).toBe('src/processes/proc/web.ts')
  })

  it('tsc: a declaration file in `include` does not move rootDir (kutt: ["global.d.ts", "server"] → rootDir server)', () => {
    const files = memoryFiles({'server/server.ts': '', 'tsconfig.json': '{"compilerOptions": {"outDir": "production-server"}, "include": ["global.d.ts", "server"]}'})
    // Only server/**/*.ts are emitted, so their common folder server/ is rootDir: production-server/server.js ← server/server.ts.
    expect(builtSource(files, scripts({build: 'rimraf production-server && tsc --project tsconfig.json'}), 'production-server/server.js')).toMatchObject({file: 'server/server.ts', how: {what: expect.stringContaining('outDir production-server/ mirrors server/')}})
  })

  it('no build script names it: the usual layout, said as such; nothing found: undefined', () => {
    const files = memoryFiles({'src/server.ts': ''})
    expect(builtSource(files, scripts({}), 'dist/server.js')).toMatchObject({file: 'src/server.ts', how: {what: expect.stringContaining('the source the usual layout gives')}})
    expect(builtSource(files, scripts({}), '.next/standalone/server.js')).toBeUndefined()
  })
})

describe('versions of a workspace package', () => {
  it('come from the root package-lock.json, the package\'s own node_modules entry before the hoisted one', () => {
    const files = memoryFiles({
      'apps/api/package.json': JSON.stringify({dependencies: {'@prisma/client': 'latest', pg: '*'}, name: 'api'}),
      'package-lock.json': JSON.stringify({lockfileVersion: 3, packages: {'apps/api/node_modules/pg': {version: '8.7.3'}, 'node_modules/@prisma/client': {version: '7.2.0'}, 'node_modules/pg': {version: '8.13.1'}}}),
    })
    const {pkg} = readPackageJson(withinDir(files, 'apps/api'))
    expect(pkg?.versionOf('@prisma/client')).toBe('7.2.0')
    expect(pkg?.versionOf('pg')).toBe('8.7.3')
  })

  it('yarn.lock v1 and Berry: the version line of the entry whose header names the package', () => {
    const v1 = '# yarn lockfile v1\n\n"@prisma/client@^5.1.0", "@prisma/client@^5.2.0":\n  version "5.22.0"\n  resolved "https://x"\n\npg@^8.7.1:\n  version "8.11.3"\n'
    expect(yarnLockVersions(v1)).toEqual({'@prisma/client': '5.22.0', pg: '8.11.3'})
    const berry = '__metadata:\n  version: 8\n\n"pg@npm:^8.7.1":\n  version: 8.12.0\n  resolution: "pg@npm:8.12.0"\n'
    expect(yarnLockVersions(berry)).toEqual({pg: '8.12.0'})
  })

  it('pnpm-lock.yaml: the importer of the package\'s folder (v9), peer suffixes and workspace links dropped', () => {
    // The shape of argos-ci's lock file: importers `.` and `apps/backend`, each with {specifier, version}.
    const v9 = [
      "lockfileVersion: '9.0'",
      '',
      'importers:',
      '',
      '  .:',
      '    devDependencies:',
      '      knex:',
      '        specifier: ^2.5.0',
      '        version: 2.5.1',
      '',
      '  apps/backend:',
      '    dependencies:',
      "      '@argos/util':",
      '        specifier: workspace:*',
      '        version: link:../../packages/util',
      '      knex:',
      '        specifier: ^3.1.0',
      '        version: 3.1.0(pg@8.20.0)',
      '      pg:',
      '        specifier: ^8.13.0',
      '        version: 8.20.0',
      '    devDependencies:',
      "      '@prisma/client':",
      '        specifier: ^6.0.0',
      '        version: 6.19.0(prisma@6.19.0)',
      '',
      'packages:',
      '',
      '  knex@3.1.0:',
      "    resolution: {integrity: sha512-x}",
    ].join('\n')
    expect(pnpmLockVersions(v9, 'apps/backend')).toEqual({'@prisma/client': '6.19.0', knex: '3.1.0', pg: '8.20.0'})
    expect(pnpmLockVersions(v9, '.')).toEqual({knex: '2.5.1'})
    // Read through readPackageJson from the package's folder: the installed 3.1.0, not the range's floor 3.0.0.
    const files = memoryFiles({'apps/backend/package.json': JSON.stringify({dependencies: {knex: '^3.0.0', pg: '^8.13.0'}}), 'pnpm-lock.yaml': v9})
    expect(readPackageJson(withinDir(files, 'apps/backend')).pkg?.versionOf('knex')).toBe('3.1.0')
    // v5 (no importers in a single package): `name: version` inline, v5's `_peer` suffix dropped.
    const v5 = "lockfileVersion: 5.4\n\nspecifiers:\n  knex: ^2.4.0\n\ndependencies:\n  knex: 2.4.2_pg@8.11.0\n  pg: 8.11.0\n\npackages:\n\n  /knex/2.4.2_pg@8.11.0:\n    resolution: {integrity: sha512-y}\n"
    expect(pnpmLockVersions(v5, '.')).toEqual({knex: '2.4.2', pg: '8.11.0'})
  })
})
