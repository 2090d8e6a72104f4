/**
 * Go files `go build` leaves out on linux/amd64 (Heroku's Go buildpack): `//go:build ignore` (a `go run seed.go` script
 * with its own main), `// +build tools`, a `_windows.go` suffix (src/languages/go/build-constraints.ts). Before, their
 * SetMaxOpenConns calls were read as the binary's: go-build-constraints counted the largest, 40* (seed.go), by hand 4
 * (main.go:16, the only pool the server opens). And a package main declaring main in two files does not build.
 */
import {describe, expect, it} from 'vitest'

import {builtOnLinux} from '../../src/languages/go/build-constraints.js'
import {planJson, procfileOf} from '../helpers/cli.js'

describe('Go: build constraints and the files a binary is built from', () => {
  it('seed.go (//go:build ignore), backfill.go (// +build tools), limits_windows.go are not the binary: web 4 from main.go:16, nothing assumed', () => {
    const r = planJson(procfileOf('go-build-constraints'), ['--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 4, poolPerProcess: 4})
    expect(r.total).toBe(4)
    expect(r.type('web').sources['pool.database/sql main.go:12']).toMatchObject({source: {file: 'main.go', kind: 'file', line: 16}, value: 4})
    expect((r.type('web').sources['pool.database/sql main.go:12'].via ?? []).some((s) => s.kind === 'assumed')).toBe(false)
  })

  it('func main in two files of package main: the build fails ("main redeclared"), said on the second; counted as if it built (6)', () => {
    const r = planJson(procfileOf('go-two-mains'), ['--scale', 'web=1:standard-1x'])
    expect(r.total).toBe(6)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', file: 'main.go', line: 11, message: expect.stringContaining('main redeclared in this block')}))
  })

  it('constraint forms: //go:build wins over // +build; unix, cgo, go1.N are true; an expression that does not parse keeps the file', () => {
    expect(builtOnLinux('a.go', '//go:build linux && (amd64 || arm64)\n\npackage main\n')).toEqual({built: true})
    expect(builtOnLinux('a.go', '//go:build !linux\n\npackage main\n')).toMatchObject({built: false, line: 1})
    expect(builtOnLinux('a.go', '// Copyright\n\n//go:build integration\n// +build integration\n\npackage db\n')).toMatchObject({built: false, line: 3})
    expect(builtOnLinux('a.go', '// +build linux darwin\n// +build cgo\n\npackage main\n')).toEqual({built: true})
    expect(builtOnLinux('a.go', '// +build linux,!cgo\n\npackage main\n')).toMatchObject({built: false})
    expect(builtOnLinux('a.go', '//go:build unix && go1.18\n\npackage main\n')).toEqual({built: true})
    expect(builtOnLinux('a.go', '//go:build (linux\n\npackage main\n')).toEqual({built: true})
    expect(builtOnLinux('a.go', 'package main\n\n//go:build ignore\n')).toEqual({built: true})
    expect(builtOnLinux('db_darwin_arm64.go', 'package db\n')).toMatchObject({built: false})
    expect(builtOnLinux('db_linux.go', 'package db\n')).toEqual({built: true})
    expect(builtOnLinux('unix_test_helpers.go', 'package db\n')).toEqual({built: true})
  })
})
