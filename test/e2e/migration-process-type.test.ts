/**
 * Flask-Migrate's upgrade in a Procfile: `flask db upgrade`, or through Flask-Script `python manage.py db upgrade`
 * (manager.add_command("db", MigrateCommand)). Alembic's env.py runs the migrations on the one connection it opens
 * (`with connectable.connect() as connection`, alembic/templates/generic/env.py): 1 connection.
 * - In the release phase: 1 in the deploy peak, now known for the Flask-Script form too (was assumed).
 * - As a process type of its own: the command exits after migrating and Heroku restarts a process that exits (the dyno
 *   crash restart policy), so it is said, and counted as its 1 connection (was an unknown command, 1*).
 * The app: Flask-SQLAlchemy (QueuePool 5 + 10), gunicorn 2 sync workers: web 2 × min(15, 1) = 2.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const FILES = {
  'app.py': 'import os\n\nfrom flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n\napp = Flask(__name__)\napp.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]\ndb = SQLAlchemy(app)\n',
  'manage.py': 'from flask_migrate import Migrate, MigrateCommand\nfrom flask_script import Manager\n\nfrom app import app, db\n\nmigrate = Migrate(app, db)\nmanager = Manager(app)\nmanager.add_command("db", MigrateCommand)\n\nif __name__ == "__main__":\n    manager.run()\n',
  'requirements.txt': 'Flask==1.1.2\nFlask-Script==2.0.6\nFlask-Migrate==2.5.3\nFlask-SQLAlchemy==2.4.4\npsycopg2==2.8.6\ngunicorn==20.0.4\n',
}

describe('Flask-Migrate upgrade commands in a Procfile', () => {
  it('release: python manage.py db upgrade holds Alembic\'s one connection (known, not assumed)', () => {
    const dir = app({...FILES, Procfile: 'web: gunicorn app:app --workers 2\nrelease: python manage.py db upgrade\n'})
    const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1'])
    expect(r.type('release').connectionsPerDyno).toBe(1)
    expect(r.type('release').sources.threadsPerProcess?.source).toMatchObject({kind: 'default', ref: 'https://github.com/sqlalchemy/alembic/blob/main/alembic/templates/generic/env.py'})
    expect(r.total).toBe(2)
  })

  it('as process types of their own (flask db upgrade, python manage.py db upgrade): 1 each, said, not unknown', () => {
    const dir = app({...FILES, Procfile: 'web: gunicorn app:app --workers 2\nmigrate: flask db upgrade\nmigrate2: python manage.py db upgrade\n'})
    const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1', 'migrate=1', 'migrate2=1'])
    expect(r.codes).not.toContain('unknown-command')
    for (const type of ['migrate', 'migrate2']) {
      expect(r.type(type).connectionsPerDyno).toBe(1)
      expect(r.diagnostics.find((d) => d.processType === type && d.code === 'missing-config')?.message).toContain('applies the migrations and exits; as a process type the platform restarts it each time it exits')
    }

    expect(r.total).toBe(4)
  })

  it('in an app whose database is another (PyMySQL, no PostgreSQL driver): 0 on the plan, as its web and a release hold', () => {
    // GDG-Ukraine/gdg.org.ua@f9353d8fe5ae: `migrate-db: alembic -c config/alembic.ini … upgrade head` beside cymysql; counted 1 since 0f66e4a2.
    const dir = app({...FILES, Procfile: 'web: gunicorn app:app --workers 2\nmigrate: alembic upgrade head\nrelease: alembic upgrade head\n', 'requirements.txt': 'Flask==1.1.2\nFlask-Migrate==2.5.3\nFlask-SQLAlchemy==2.4.4\nPyMySQL==1.0.2\ngunicorn==20.0.4\n'})
    const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1', 'migrate=1'])
    for (const type of ['web', 'migrate', 'release']) expect(r.type(type).connectionsPerDyno).toBe(0)
    expect(r.codes).toContain('not-postgresql')
    expect(r.diagnostics.find((d) => d.processType === 'migrate' && d.code === 'missing-config')?.message).toContain('applies the migrations and exits')
    expect(r.total).toBe(0)
  })
})
