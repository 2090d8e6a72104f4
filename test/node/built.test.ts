/**
 * Where a file built at deploy comes from (languages/node/built.ts), on in-memory apps in the
 * shapes real ones use: babel -d (opencollective-api's `babel server -d ./dist`), tsc -p with an
 * outDir and `include` giving rootDir (pubpub's tsconfig.server.json), the usual dist/ ← src/
 * layout, and the root lock file of a workspace package (package-json.ts).
 */
import {describe, expect, it} from 'vitest'

import {builtSource} from '../../src/languages/node/built.js'
import {readPackageJson, yarnLockVersions} from '../../src/languages/node/package-json.js'
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
})
