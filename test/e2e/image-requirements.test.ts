/**
 * A container image installs its Python packages from the requirements file its Dockerfile names
 * (test/fixtures/image-requirements; the shape of hypothesis/via: `COPY requirements/prod.txt ./` then
 * `RUN pip install -r prod.txt`, gunicorn started from a script the CMD runs; kiwitcms/Kiwi: `pip3 install -r
 * requirements/postgres.txt` whose `-r base.txt` chain names uWSGI). gunicorn is installed when that file (or one its
 * `-r` lines name, relative to it) lists it, whatever pyproject.toml says; a file naming neither keeps the warning.
 * stage: a builder stage's `COPY requirements.txt /tmp/requirements.txt` + `pip install -r /tmp/requirements.txt` (the venv
 * copied on to the final stage; lnbits/lnbits's shape): requirements.txt, which names gunicorn.
 * Each counts 3 gunicorn workers × 1 thread (sync worker) = 3.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'

const plan = (v: string) => planJson(fixture(`image-requirements/${v}/Dockerfile`), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])

describe('the requirements file an image pip-installs from', () => {
  it('gunicorn in the copied prod.txt: installed, no warning, 3 × 1 = 3', () => {
    const r = plan('installed')
    expect(r.type('web')).toMatchObject({connections: 3, processesPerDyno: 3, threadsPerProcess: 1})
    expect(r.codes).not.toContain('missing-config')
  })

  it('prod.txt without gunicorn: the warning names the file the image installs from', () => {
    const r = plan('missing')
    expect(r.type('web')).toMatchObject({connections: 3})
    const warning = r.diagnostics.find((d) => d.code === 'missing-config')
    expect(warning?.message).toContain("no file the image's pip install or the Python buildpack installs from names gunicorn (pyproject.toml, requirements/prod.txt)")
  })

  it("a builder stage's COPY to /tmp read: requirements.txt names gunicorn, no warning", () => {
    const r = plan('stage')
    expect(r.type('web')).toMatchObject({connections: 3, processesPerDyno: 3})
    expect(r.codes).not.toContain('missing-config')
  })
})
