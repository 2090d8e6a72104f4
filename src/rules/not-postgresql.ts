import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'not-postgresql',
  emittedBy: 'the database-driver check (Gemfile.lock, requirements/Pipfile/pyproject, pom.xml/build.gradle; app.json and heroku.yml add-ons; Django settings whose DATABASES is written out; Go code that opens PostgreSQL only for a database kind its config does not pick, including a GORM dialector or sql.Open driver name chosen per arm)',
  severity: 'info',
  summary: "The app installs another database's driver and no PostgreSQL one, provisions only another database, (Ruby) its Gemfile.lock lists no database driver at all, or (Django) its settings write out DATABASES with no PostgreSQL database and nothing that could choose another, or (Go) the binary opens PostgreSQL only on a branch for a database kind its config sets to another (a default sqlite): its processes are counted with 0 PostgreSQL connections.",
}
