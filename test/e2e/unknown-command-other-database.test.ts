/**
 * A program conncalc does not recognise (a CherryPy wrapper's `serve`, an app's console script) in an app whose
 * dependency files show its database is another one: requirements.txt lists a MySQL driver (PyMySQL, or cymysql,
 * SQLAlchemy's mysql+cymysql dialect) and no PostgreSQL one, and the app's other language (package.json) names no
 * PostgreSQL package. The program is installed from those files, so it has no PostgreSQL driver: 0 on the plan, the
 * not-postgresql info said, not the unknown command's 1*. Made-up apps; hand count 0 for every type.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = {
  Procfile: 'web: cherrywrap serve --bind=0.0.0.0:$PORT\nfixtures: load_demo_data data/demo.yml\n',
  'package.json': '{\n  "name": "site",\n  "dependencies": {"bower": "1.8.0"},\n  "scripts": {"postinstall": "bower install"}\n}\n',
  'requirements.txt': '-r requirements/base.txt\n',
  'requirements/base.txt': 'CherryPy==18.9.0\nSQLAlchemy==2.0.30\nPyMySQL==1.1.1\n-e .\n',
  'setup.py': 'from setuptools import setup\nsetup(name="site", entry_points={"console_scripts": ["load_demo_data=site.fixtures:main"]})\n',
  'site/__init__.py': '',
}
const scale = ['--limit', '100', '--scale', 'web=1:standard-1x', 'fixtures=1:standard-1x']

describe('an unknown program in an app whose database is another one', () => {
  it('PyMySQL and no PostgreSQL driver, package.json with no PostgreSQL package: web and fixtures hold 0', () => {
    const r = planJson(join(app(files), 'Procfile'), scale)
    expect(r.type('web')).toMatchObject({connections: 0})
    expect(r.type('fixtures')).toMatchObject({connections: 0})
    expect(r.total).toBe(0)
    expect(r.codes).toContain('not-postgresql')
    expect(r.codes).not.toContain('unknown-command')
    expect(r.diagnostics.find((d) => d.code === 'not-postgresql')?.message).toContain('requirements/base.txt lists pymysql and no PostgreSQL driver')
  })

  it('cymysql is a MySQL driver too', () => {
    const r = planJson(join(app({...files, 'requirements/base.txt': 'CherryPy==18.9.0\nSQLAlchemy==2.0.30\ncymysql==1.0.0\n'}), 'Procfile'), scale)
    expect(r.total).toBe(0)
    expect(r.diagnostics.find((d) => d.code === 'not-postgresql')?.message).toContain('lists cymysql and no PostgreSQL driver')
  })

  it('package.json names pg: the program may be a Node.js one that connects, so each unknown type keeps its 1*', () => {
    const r = planJson(join(app({...files, 'package.json': '{"name": "site", "dependencies": {"pg": "8.11.0"}}\n'}), 'Procfile'), scale)
    expect(r.type('web')).toMatchObject({connections: 1})
    expect(r.type('web').sources.threadsPerProcess.source.kind).toBe('assumed')
    expect(r.total).toBe(2)
  })

  it('requirements list psycopg too: not decided, 1* each', () => {
    const r = planJson(join(app({...files, 'requirements/base.txt': 'CherryPy==18.9.0\nPyMySQL==1.1.1\npsycopg2-binary==2.9.9\n'}), 'Procfile'), scale)
    expect(r.total).toBe(2)
    expect(r.codes).toContain('unknown-command')
  })
})
