/**
 * A lone Dockerfile `FROM golang:onbuild` (or golang:1.8-onbuild) with no CMD: the official onbuild images (deprecated in
 * 2017) set `CMD ["go-wrapper", "run"]` and ONBUILD `COPY . /go/src/app`, `go-wrapper install`, so the container runs the
 * binary `app` built from the build context's main package (docker-library/golang 1.8/onbuild/Dockerfile). Before: exit 2
 * ("sets no CMD"). A GOPATH-era app (no go.mod, Godeps, …) with only its root `package main` is read as Go.
 *
 * App (temp, made up): main.go opens database/sql with lib/pq and calls db.SetMaxOpenConns(7): web 7. Without the
 * SetMaxOpenConns call: database/sql is unbounded, 1 counted and warned (unbounded-pool). With a go.mod naming the module
 * github.com/acme/ledger, `app` is still the root package (the image builds the context's root as `app`): 7, and no
 * "`app` matches no package" warning (before: the warning, 7 by the root fallback).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const main = (limit: boolean): string =>
  [
    'package main',
    '',
    'import (',
    '\t"database/sql"',
    '\t"net/http"',
    '\t"os"',
    '',
    '\t_ "github.com/lib/pq"',
    ')',
    '',
    'func main() {',
    '\tdb, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))',
    '\tif err != nil {',
    '\t\tpanic(err)',
    '\t}',
    ...(limit ? ['\tdb.SetMaxOpenConns(7)'] : []),
    '\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { db.Ping() })',
    '\thttp.ListenAndServe(":"+os.Getenv("PORT"), nil)',
    '}',
    '',
  ].join('\n')

describe('FROM golang:onbuild with no CMD', () => {
  it("runs the root package's binary: SetMaxOpenConns(7) → 7, said at the FROM line", () => {
    const r = planJson(join(app({Dockerfile: 'FROM golang:1.8-onbuild\n\nEXPOSE 3000\n', 'main.go': main(true)}), 'Procfile'), ['--limit', '100'])
    expect(r.type('web')).toMatchObject({connections: 7, server: 'go'})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'Dockerfile', line: 1, message: expect.stringContaining('its base image golang:1.8-onbuild runs `go-wrapper run`, the binary `app`')}))
  })

  it('a go.mod naming the module otherwise (github.com/acme/ledger builds `ledger`): `app` is still the root package, 7, with no "matches no package" warning', () => {
    const r = planJson(join(app({Dockerfile: 'FROM golang:1.8-onbuild\n', 'go.mod': 'module github.com/acme/ledger\n\ngo 1.12\n', 'main.go': main(true)}), 'Procfile'), ['--limit', '100'])
    expect(r.type('web')).toMatchObject({connections: 7, server: 'go'})
    expect(r.diagnostics.some((d) => d.message.includes('matches no package'))).toBe(false)
  })

  it('no SetMaxOpenConns: unbounded, 1 counted and warned (was exit 2)', () => {
    const r = planJson(join(app({Dockerfile: 'FROM golang:onbuild\n', 'main.go': main(false)}), 'Procfile'), ['--limit', '100'])
    expect(r.type('web')).toMatchObject({connections: 1, server: 'go'})
    expect(r.codes).toContain('unbounded-pool')
  })
})
