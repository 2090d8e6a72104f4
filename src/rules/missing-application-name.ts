import type {Rule} from './types.js'

/** How to name connections after the dyno, per framework (Heroku sets DYNO=web.1 in every dyno). */
export const APPLICATION_NAME_SNIPPETS = [
  'Rails, config/database.yml (production): application_name: <%= ENV.fetch("DYNO", "rails") %>',
  'Django, settings.py: DATABASES["default"]["OPTIONS"] = {"application_name": os.environ.get("DYNO", "django")}',
  'Node (pg): new Pool({connectionString: process.env.DATABASE_URL, application_name: process.env.DYNO})',
  'any libpq client (Ruby pg, psycopg): PGAPPNAME=$DYNO in front of the Procfile command',
]

export const rule: Rule = {
  checkLive({comparison, live}) {
    const missing = comparison?.withoutName ?? live.snapshot.backends.filter((b) => b.applicationName.trim() === '').length
    if (missing === 0) return []
    const of = live.used
    const why = comparison ? 'so they cannot be matched to a process type' : 'so nobody can tell which dyno opened them'
    return [
      {
        code: 'missing-application-name',
        fix: `set application_name from DYNO — ${APPLICATION_NAME_SNIPPETS.join('; ')}`,
        message: `${missing} of ${of} live connection${of === 1 ? '' : 's'} ${missing === 1 ? 'has' : 'have'} no application_name, ${why}`,
        severity: 'info',
      },
    ]
  },
  code: 'missing-application-name',
  severity: 'info',
  summary: 'Live connections without an application_name cannot be traced to a dyno or process type.',
}
