/**
 * `bundle exec …` in an app with no Gemfile but another language's dependency file (a Procfile line copied from a Rails
 * app into a Flask one): Bundler stops with
 * "Could not locate Gemfile or .bundle/ directory" before the program starts, so the process exits at start. Said as an
 * error (exit 1), the numbers left as if it ran; an app with a Gemfile, or BUNDLE_GEMFILE set, is not judged.
 *
 * App (temp): requirements.txt (Flask, gunicorn, psycopg2), Procfile web `bundle exec puma -p $PORT` and worker
 * `gunicorn --workers 2 shop:app` (2 × 1 = 2, unaffected).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const files = {
  Procfile: 'web: bundle exec puma -p $PORT\nworker: gunicorn --workers 2 shop:app\n',
  'requirements.txt': 'Flask==3.0.3\ngunicorn==22.0.0\npsycopg2==2.9.9\n',
  'shop.py': 'from flask import Flask\n\napp = Flask(__name__)\n',
}

describe('bundle exec with no Gemfile', () => {
  it('an error at the Procfile line: the process exits at start (exit 1)', () => {
    const r = planJson(join(app(files), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1'])
    expect(r.exit).toBe(1)
    const d = r.diagnostics.find((x) => x.code === 'missing-config' && x.processType === 'web')!
    expect(d).toMatchObject({file: 'Procfile', line: 1, severity: 'error'})
    expect(d.message).toContain('`bundle exec puma` in an app with requirements.txt and no Gemfile (nor gems.rb, nor a lock file) and no BUNDLE_GEMFILE')
    expect(r.type('worker').connections).toBe(2)
    expect(r.diagnostics.filter((x) => x.processType === 'worker' && x.severity === 'error')).toEqual([])
  })

  it('with a Gemfile, or BUNDLE_GEMFILE set, nothing is said', () => {
    const gemfile = planJson(join(app({...files, Gemfile: "source 'https://rubygems.org'\ngem 'puma'\n"}), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1'])
    expect(gemfile.diagnostics.some((x) => x.message.includes('and no Gemfile'))).toBe(false)
    const env = planJson(join(app(files), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1', '--env', 'BUNDLE_GEMFILE=ruby/Gemfile'])
    expect(env.diagnostics.some((x) => x.message.includes('and no Gemfile'))).toBe(false)
    // A folder with no dependency file at all (files conncalc was not given): not judged either.
    const bare = planJson(join(app({Procfile: files.Procfile}), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1'])
    expect(bare.diagnostics.some((x) => x.message.includes('and no Gemfile'))).toBe(false)
  })
})
