import {describe, expect, it} from 'vitest'

import {redactSecrets, redactUrl} from '../../src/util/redact.js'
import {planJson, procfileOf} from '../helpers/cli.js'

describe('redactUrl', () => {
  it('masks the password of a Heroku Postgres URL and keeps the rest as written', () => {
    expect(redactUrl('postgres://u3kd9a:p9f8e7d6c5b4a3@ec2-52-1-2-3.compute-1.amazonaws.com:5432/d1a2b3c4')).toBe(
      'postgres://u3kd9a:***@ec2-52-1-2-3.compute-1.amazonaws.com:5432/d1a2b3c4',
    )
  })

  it('leaves URLs without a password alone', () => {
    for (const url of ['postgres://localhost/app_dev', 'postgresql://app@db:5432/app', 'https://devcenter.heroku.com/articles/procfile']) {
      expect(redactUrl(url)).toBe(url)
    }
  })

  it('masks a password given as a query parameter', () => {
    expect(redactUrl('postgresql://app@db/app?sslmode=require&password=hunter2')).toBe(
      'postgresql://app@db/app?sslmode=require&password=***',
    )
  })

  it('never reads the certificate files a URL names (parsing is pure)', () => {
    expect(redactUrl('postgres://a:b1@h/d?sslmode=require&sslrootcert=/nonexistent/root.crt')).toBe(
      'postgres://a:***@h/d?sslmode=require&sslrootcert=/nonexistent/root.crt',
    )
  })

  it('masks passwords with unencoded @, / and # in database URLs', () => {
    expect(redactUrl('postgres://app:p@ss@db.example.com/app')).toBe('postgres://app:***@db.example.com/app')
    expect(redactUrl('postgres://app:a/b#c@db.example.com/app')).not.toContain('a/b#c')
    expect(redactUrl('redis://h:12/ss@redis.example.com:6379')).toBe('redis://h:***@redis.example.com:6379')
  })

  it('masks a password holding an unencoded ?: it is not a query when no key=value comes before the @', () => {
    // pg would read `?r1tPw@127.0.0.1:1/db` as the query and fail on the port `Sek`; the error quoted the URL whole.
    // Such a URL cannot be parsed: its whole userinfo is hidden.
    expect(redactUrl('postgres://u:Sek?r1tPw@127.0.0.1:1/db')).toBe('postgres://***@127.0.0.1:1/db')
    expect(redactUrl('postgres://u:a?b?c@h/db?sslmode=require&password=pw2')).toBe('postgres://***@h/db?sslmode=require&password=***')
    expect(redactUrl('postgresql://u:a?b@c@h/db')).toBe('postgresql://***@h/db')
    expect(redactUrl('mysql://u:Sek?r1t@h/db')).toBe('mysql://***@h/db')
    expect(redactUrl('redis://:Sek?r1t@h:6379')).toBe('redis://***@h:6379')
    // A real query whose value holds an @ stays a query; the password before it is masked as ever.
    expect(redactUrl('postgres://u:pw@h/db?application_name=a@b')).toBe('postgres://u:***@h/db?application_name=a@b')
    expect(redactUrl('postgres://h/db?user=a@b.com')).toBe('postgres://h/db?user=a@b.com')
    expect(redactSecrets('conncalc: --database-url is not a valid URL (postgres://u:Sek?r1tPw@127.0.0.1:1/db)')).toBe('conncalc: --database-url is not a valid URL (postgres://***@127.0.0.1:1/db)')
  })

  it('masks percent-encoded passwords and socket URLs without a host', () => {
    expect(redactUrl('postgres://app:pa%24%24word@/app?host=/var/run/postgresql')).toBe(
      'postgres://app:***@/app?host=/var/run/postgresql',
    )
  })

  it('masks other schemes through the URL class rules', () => {
    expect(redactUrl('redis://:abc123@redis.example.com:6379/0')).toBe('redis://:***@redis.example.com:6379/0')
    expect(redactUrl('amqps://user:secret@rabbit.example.com/vhost')).toBe('amqps://user:***@rabbit.example.com/vhost')
    expect(redactUrl('https://user:secret@example.com/a@b')).toBe('https://user:***@example.com/a@b')
  })

  it('hides the whole userinfo of a URL it cannot parse', () => {
    const out = redactUrl('postgres://app:bad%zzpass@db:notaport/app')
    expect(out).not.toContain('bad%zzpass')
    expect(out).toContain('@db')
  })

  it('returns text that is not a URL unchanged', () => {
    expect(redactUrl('not a url')).toBe('not a url')
  })
})

describe('redactSecrets', () => {
  it('redacts every URL with credentials inside free text', () => {
    const text =
      'DATABASE_URL=postgres://a:s3cret@db1/x and HEROKU_POSTGRESQL_RED_URL="postgres://b:t0ps3cret@db2:5432/y" for web'
    const out = redactSecrets(text)
    expect(out).toBe(
      'DATABASE_URL=postgres://a:***@db1/x and HEROKU_POSTGRESQL_RED_URL="postgres://b:***@db2:5432/y" for web',
    )
  })

  it('a URL whose `//` a path function folded into `/` (a URL passed as a folder) keeps its password masked', () => {
    expect(redactSecrets('the folder /app/postgres:/u:S3cr3tPw@db.example.com:5432/x does not exist')).toBe(
      'the folder /app/postgres:/u:***@db.example.com:5432/x does not exist',
    )
    // As redactUrl masks the unfolded URL: one it cannot parse loses its whole userinfo.
    expect(redactSecrets('at redis:/:p4ss/w@rd@cache:6379')).toBe('at redis:/***@cache:6379')
    // A path or a drive letter with a colon but no password is left as it is.
    expect(redactSecrets('C:/Users/me/app and config/db:/x and a:/b@c and http:/example.com/a:b')).toBe('C:/Users/me/app and config/db:/x and a:/b@c and http:/example.com/a:b')
  })

  it('masks libpq key/value passwords and secret-looking assignments', () => {
    expect(redactSecrets('host=db port=5432 password=hunter2 dbname=app')).toBe('host=db port=5432 password=*** dbname=app')
    expect(redactSecrets("AWS_SECRET_ACCESS_KEY='abc/def' RAILS_MAX_THREADS=5")).toBe(
      'AWS_SECRET_ACCESS_KEY=*** RAILS_MAX_THREADS=5',
    )
    expect(redactSecrets('SECRET_KEY_BASE=0123abcd GITHUB_TOKEN=ghp_x')).toBe('SECRET_KEY_BASE=*** GITHUB_TOKEN=***')
  })

  it('leaves ordinary text alone', () => {
    const text = 'config/puma.rb:3: workers (3) × threads (5) = 15 connections [pool-below-threads]'
    expect(redactSecrets(text)).toBe(text)
  })
})

describe('redactSecrets: Procfile shapes from the hostile-input run', () => {
  it('a quoted URL whose password holds a space or an escaped quote', () => {
    expect(redactSecrets('web: psql "postgres://u:pa ss@h/d" -c 1')).toBe('web: psql "postgres://u:***@h/d" -c 1')
    expect(redactSecrets('web: X="postgres://u:pa\\"ss@h/d" run')).toBe('web: X="postgres://u:***@h/d" run')
  })

  it('flags and assignments that name a secret, and mysql-style -pSECRET; ports and Passenger settings stay', () => {
    expect(redactSecrets('app --password hunter2 --db-pass=s3cret -pletmein -p 5000 -p5000 -p$PORT')).toBe('app --password *** --db-pass=*** -p*** -p 5000 -p5000 -p$PORT')
    expect(redactSecrets('DB_PASS=abc API_KEY=xyz GITHUB_TOKEN="t k" PASSENGER_MAX_POOL_SIZE=10 puma')).toBe('DB_PASS=*** API_KEY=*** GITHUB_TOKEN=*** PASSENGER_MAX_POOL_SIZE=10 puma')
  })

  it('a 1 MB token without a URL is linear, not quadratic (bounded by the test timeout)', () => {
    const long = 'a'.repeat(1_000_000)
    expect(redactSecrets(long)).toBe(long)
    expect(redactSecrets(`${long}://u:p@h`)).toContain('u:***@h')
  }, 5000)
})

describe('redactSecrets in --json text', () => {
  it('a secret in a JSON string is masked without eating the string\'s closing quote: the JSON stays valid', () => {
    // jerkin61/bayudo-mockexam-api has a Procfile type named `passport`: its fix text `--assume passport=1:N:N`
    // matched the secret-name rule and the mask ate `",`, so --json printed invalid JSON.
    const data = {a: 'DB_PASS=ab"cd&x', b: 'run --db-pass=s3cr3t now', fix: 'tell conncalc: --assume passport=1:N:N', url: 'postgres://u:pw@h/d'}
    const out = redactSecrets(JSON.stringify(data, null, 2), true)
    const back = JSON.parse(out) as Record<string, string>
    // The whole secret is masked, its escaped quote with it; what follows an unquoted value's end stays.
    expect(back).toEqual({a: 'DB_PASS=***&x', b: 'run --db-pass=*** now', fix: 'tell conncalc: --assume passport=1:N:N', url: 'postgres://u:***@h/d'})
  })

  it('`passport` (Laravel Passport, passport.js) is not a password name; `passwd`, `db_pass` still are', () => {
    expect(redactSecrets('passport=1:N:N PASSPORT_KEYS=x')).toBe('passport=1:N:N PASSPORT_KEYS=***')
    expect(redactSecrets('passwd=hunter2 db_pass=hunter2')).toBe('passwd=*** db_pass=***')
  })
})

describe('redactSecrets: an assignment is looked for at the word before each `=`', () => {
  it('spaces around `=`, a value holding `=`, a name at the start of the text or after punctuation', () => {
    expect(redactSecrets('API_KEY = abc def')).toBe('API_KEY = *** def')
    expect(redactSecrets('DB_PASSWORD=a=b=c next=1')).toBe('DB_PASSWORD=*** next=1')
    // An unquoted value runs to a space, `&` or `;`: the `),` after it goes with it (hiding too much, never too little).
    expect(redactSecrets('(token=xyz), [secret ="q r"]')).toBe('(token=*** [secret =***]')
    // The name is the whole word before the `=`: `keyboard` and `monkey` have `key` (the value may follow a space), `key` alone is the placeholder.
    expect(redactSecrets('keyboard=qwerty key=5 monkey= =x a==b')).toBe('keyboard=*** key=5 monkey= *** a==b')
  })

  it('type names with `key` or `pwd` in them stay, unless assigned a value', () => {
    // Base-36 type names (`1key`, `pwd9`): text, not secrets; the same names before `=` are assignments.
    const table = '1key  puma  1  5\npwd9  puma  1  5\n'
    expect(redactSecrets(table)).toBe(table)
    expect(redactSecrets('--assume 1key=1:5:5 pwd9=2')).toBe('--assume 1key=*** pwd9=***')
  })

  it('flags: `---password x` and `x--token y` are not flags; a flag after a tab is', () => {
    expect(redactSecrets('a ---password x b--token y\t--api-key=z')).toBe('a ---password *** b--token y\t--api-key=***')
    expect(redactSecrets('-pSECRET at the start, then\t-pother')).toBe('-p*** at the start, then\t-p***')
    // Go-style single-dash long flags whose value is an env reference, a number or a URL are not -pPASSWORD.
    expect(redactSecrets('serve -postgres-url=$DATABASE_URL -port=5000 -prefix=/x -pabc=def')).toBe('serve -postgres-url=$DATABASE_URL -port=5000 -p*** -p***')
    expect(redactSecrets('serve -postgres-url=postgres://u:hunter2@db/app')).toBe('serve -postgres-url=postgres://u:***@db/app')
    expect(redactSecrets('serve -password=hunter2')).not.toContain('hunter2')
  })
})

describe('redactSecrets on large text (a view of 100,000 types)', () => {
  it('masks a secret in each large text, the one it just returned included, and a text of the same length', () => {
    const filler = 'web  puma  1  5\n'.repeat(6000) // 96,000 characters: past the size whose last result is remembered
    const first = redactSecrets(`${filler}DB_PASSWORD=hunter2\n`)
    expect(first).toBe(`${filler}DB_PASSWORD=***\n`)
    expect(redactSecrets(first)).toBe(first)
    // Same length, another secret: redacted, not taken for the text returned before.
    expect(redactSecrets(`${filler}DB_PASSWORD=hunter3\n`)).toBe(`${filler}DB_PASSWORD=***\n`)
    expect(redactSecrets(`${filler}api_token=abcdefg\n`)).toBe(`${filler}api_token=***\n`)
  })
})

describe('plan --json with process types whose names look like secrets', () => {
  it('prints valid JSON: the masks stay inside their strings (fixture procfile-secret-names)', () => {
    // Types `passport` and `passport-keys` (Laravel Passport's artisan commands): each is named in a
    // `--assume TYPE=…` fix; `passport-keys=…` is masked by the key rule, and the JSON still parses.
    const r = planJson(procfileOf('procfile-secret-names'), ['--plan', 'standard-0', '--scale', 'web=1,passport=1,passport-keys=1'])
    expect(r.type('web')).toMatchObject({connections: 4})
    expect(r.processTypes.map((t) => t.name)).toEqual(['web', 'passport', 'passport-keys'])
  })
})
