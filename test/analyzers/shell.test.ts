import {describe, expect, it} from 'vitest'

import {hasFlag, readFlag} from '../../src/languages/common/argv.js'
import {expandShell, splitCommand} from '../../src/languages/shell/shell.js'
import {knownProgram} from '../../src/languages/shell/programs.js'
import {Env, layer} from '../../src/model/env.js'
import {fromEnv} from '../../src/model/source.js'

const envOf = (vars: Record<string, string>): Env =>
  new Env([
    layer(
      '.env',
      Object.entries(vars).map(([name, value], i) => ({name, source: fromEnv(name, `.env:${i + 1}`), value})),
    ),
  ])
const origin = {file: 'Procfile', line: 3}
const split = (raw: string, vars: Record<string, string> = {}) => splitCommand(raw, envOf(vars), origin)

describe('expandShell', () => {
  const lookup = (vars: Record<string, string>) => (n: string) => vars[n]

  it('expands $VAR and ${VAR}', () => {
    expect(expandShell('$A-${B}x', lookup({A: '1', B: '2'}))).toEqual({text: '1-2x', unresolved: []})
  })

  it('uses :- for unset or empty, - only for unset', () => {
    const l = lookup({EMPTY: ''})
    expect(expandShell('${EMPTY:-5}', l).text).toBe('5')
    expect(expandShell('${EMPTY-5}', l).text).toBe('')
    expect(expandShell('${UNSET-5}', l).text).toBe('5')
    expect(expandShell('${UNSET:-5}', l)).toEqual({text: '5', unresolved: []})
  })

  it('expands nested defaults and only reports what was actually needed', () => {
    expect(expandShell('${A:-${B:-7}}', lookup({}))).toEqual({text: '7', unresolved: []})
    expect(expandShell('${A:-$B}', lookup({A: '3'}))).toEqual({text: '3', unresolved: []})
    expect(expandShell('${A:-$B}', lookup({}))).toEqual({text: '', unresolved: ['B']})
  })

  it('handles :+, :? and ${#VAR}', () => {
    expect(expandShell('${A:+on}|${B:+on}', lookup({A: 'x'})).text).toBe('on|')
    expect(expandShell('${A:?must be set}', lookup({}))).toEqual({text: '', unresolved: ['A']})
    expect(expandShell('${#A}', lookup({A: 'abcd'})).text).toBe('4')
  })

  it('removes the shortest (#, %) or longest (##, %%) matching prefix or suffix; an unset variable is said', () => {
    const l = lookup({FLAG: '-w', PATH_ISH: 'a/b/c.tar.gz', URL: 'postgres://u@db:5432/app'})
    // bash: ${FLAG#-} of "-w" is "w"; ${PATH_ISH#*/} "b/c.tar.gz", ${PATH_ISH##*/} "c.tar.gz"; ${PATH_ISH%.*} "a/b/c.tar", ${PATH_ISH%%.*} "a/b/c".
    expect(expandShell('${FLAG#-} ${PATH_ISH#*/} ${PATH_ISH##*/} ${PATH_ISH%.*} ${PATH_ISH%%.*}', l).text).toBe('w b/c.tar.gz c.tar.gz a/b/c.tar a/b/c')
    // No match: the value as is; the database name after the last slash.
    expect(expandShell('${FLAG#x} ${URL##*/}', l).text).toBe('-w app')
    expect(expandShell('${MISSING%.*}', l)).toEqual({text: '', unresolved: ['MISSING']})
  })

  it('replaces a pattern, cuts a substring and changes case as bash 5.2 does; an unset variable is said', () => {
    // The Heroku shape: DATABASE_URL's postgres:// scheme rewritten for SQLAlchemy 2 (which wants postgresql://).
    const url = lookup({DATABASE_URL: 'postgres://u:p@db:5432/app'})
    expect(expandShell('"${DATABASE_URL//postgres:\\/\\//postgresql:\\/\\/}"', url)).toEqual({text: 'postgresql://u:p@db:5432/app', unresolved: []})
    expect(expandShell('${DATABASE_URL/#postgres:/postgresql:}', url).text).toBe('postgresql://u:p@db:5432/app')
    // Each printed by `X=aXbXc bash -c 'echo …'` (bash 5.2.15): first / every / at the start / at the end / & is the match /
    // no string deletes / * is greedy.
    const x = lookup({X: 'aXbXc'})
    expect(expandShell('${X/X/-} ${X//X/-} ${X/#a/S} ${X/%c/E} "${X//X/&&}" "${X/X}" ${X/*X/Z} ${X//[bc]/.} ${X/q/Z}', x).text).toBe('a-bXc a-b-c SXbXc aXbXE aXXbXXc abXc Zc aX.X. aXbXc')
    // ${X:1} ${X:1:3} ${X: -2} ${X:(-3):2} ${X:1:-1}; an offset from a variable; case.
    expect(expandShell('${X:1} ${X:1:3} ${X: -2} ${X:(-3):2} ${X:1:-1}', x).text).toBe('XbXc XbX Xc bX XbX')
    expect(expandShell('${X:$N}', lookup({N: '2', X: 'aXbXc'})).text).toBe('bXc')
    expect(expandShell('${X^^} ${X,,} ${X^}', x).text).toBe('AXBXC axbxc AXbXc')
    expect(expandShell('${MISSING//a/b}${MISSING2:0:2}${MISSING3^^}', x)).toEqual({text: '', unresolved: ['MISSING', 'MISSING2', 'MISSING3']})
  })

  it('case with a pattern, @Q/@U/@L/@u and arithmetic offsets, as bash 5.2 prints them', () => {
    // X=hello Y="it's" N=1 bash -c 'echo "${X^[hl]}|${X^^[lo]}|${X,,[L]}|${Y@Q}|${X@U}|${X@u}|${X:N+1:2}|${X:(-3):2}|${X: -2}|${X:2*2}|${X:7/3}"'
    // prints: Hello|heLLO|hello|'it'\''s'|HELLO|Hello|ll|ll|lo|o|llo
    const l = lookup({N: '1', X: 'hello', Y: "it's"})
    expect(expandShell('"${X^[hl]}|${X^^[lo]}|${X,,[L]}|${Y@Q}|${X@U}|${X@u}|${X:N+1:2}|${X:(-3):2}|${X: -2}|${X:2*2}|${X:7/3}"', l).text).toBe("Hello|heLLO|hello|'it'\\''s'|HELLO|Hello|ll|ll|lo|o|llo")
    // X=HELLO: ${X,[H]} ${X,,[LO]} ${X^[h]} → hELLO HEllo HELLO; @L.
    expect(expandShell('${X,[H]} ${X,,[LO]} ${X^[h]} ${X@L}', lookup({X: 'HELLO'})).text).toBe('hELLO HEllo HELLO hello')
    // A variable's value is itself an expression (bash 5.2.15: X=hello W=abc abc=2 and X=hello W=1+1 both print llo for
    // "${X:W}"). W=abc with abc not known here (the platform may set it), a cycle (bash: "expression recursion level
    // exceeded") or no expression at all (W='2 3', bash: "syntax error in expression"): kept as written, so what reads it
    // says it cannot, where the whole of X (offset 0) was taken before.
    expect(expandShell('${X:W}|${X:W:2}', lookup({W: 'abc', X: 'hello', abc: '2'})).text).toBe('llo|ll')
    expect(expandShell('${X:W}', lookup({W: '1+1', X: 'hello'})).text).toBe('llo')
    expect(expandShell('${X:W} ${X:1:W}', lookup({W: 'abc', X: 'hello'})).text).toBe('${X:W} ${X:1:W}')
    expect(expandShell('${X:W}', lookup({V: 'W', W: 'V', X: 'hello'})).text).toBe('${X:W}')
    expect(expandShell('${X:W}', lookup({W: '2 3', X: 'hello'})).text).toBe('${X:W}')
  })

  it('bracket expressions with POSIX classes, negation and a literal ], as bash 5.2 matches them', () => {
    // X=web-2 bash -c 'echo "${X/[[:alpha:]]/_}|${X//[![:digit:]]/}|${X#[[:alpha:]]}|${X%[0-9]}|${X##*[-]}|${X^^[[:lower:]]}"'
    // prints: _eb-2|2|eb-2|web-|2|WEB-2
    const l = lookup({X: 'web-2', Y: 'a]b'})
    expect(expandShell('"${X/[[:alpha:]]/_}|${X//[![:digit:]]/}|${X#[[:alpha:]]}|${X%[0-9]}|${X##*[-]}|${X^^[[:lower:]]}"', l).text).toBe('_eb-2|2|eb-2|web-|2|WEB-2')
    // Y='a]b' bash -c 'echo "${Y/[]]/-}"' prints a-b. An equivalence class ([[=a=]]) or an unknown class name is not matched
    // here: kept as written, not the value unchanged as if nothing matched.
    expect(expandShell('${Y/[]]/-}', l).text).toBe('a-b')
    expect(expandShell('${X/[[=w=]]/-} ${X#[[:nope:]]}', l).text).toBe('${X/[[=w=]]/-} ${X#[[:nope:]]}')
  })

  it('@K and @P as bash 5.2 prints them; @A, @a and a @P a prompt would expand are kept as written, not taken as the value', () => {
    // X=hello Y="it's" bash -c 'echo "${X@K}|${Y@K}|${X@P}|${U@Q}|${U@K}|"' prints: 'hello'|'it'\''s'|hello|||
    const l = lookup({X: 'hello', Y: "it's", Z: 'a\\nb'})
    expect(expandShell('"${X@K}|${Y@K}|${X@P}|${U@Q}|${U@K}|"', l)).toEqual({text: "'hello'|'it'\\''s'|hello|||", unresolved: ['U']})
    // bash prints `declare -x X='hello'` and `x` for an exported X, `declare -- X='hello'` and nothing for a shell
    // variable, and a newline for Z's \n: none of them is X's value, so the words stay as written (a number read from
    // one is then "not an integer", said), where they were X's value before.
    expect(expandShell('${X@A} ${X@a} ${Z@P}', l).text).toBe('${X@A} ${X@a} ${Z@P}')
  })

  it('lists unset variables once and expands them to nothing', () => {
    expect(expandShell('$X:$X:${Y}', lookup({}))).toEqual({text: '::', unresolved: ['X', 'Y']})
  })

  it('removes quotes; single quotes and backslashes stop expansion', () => {
    const l = lookup({A: '1'})
    expect(expandShell(`"$A" '$A' \\$A "\\$A"`, l).text).toBe('1 $A $A $A')
  })

  it('keeps command substitution and arithmetic as written, and a lone $', () => {
    expect(expandShell('$(nproc) $((2*3)) `nproc` $', lookup({})).text).toBe('$(nproc) $((2*3)) `nproc` $')
  })

  it('expands positional and special parameters to nothing without reporting them', () => {
    expect(expandShell('a$1b$@c', lookup({}))).toEqual({text: 'abc', unresolved: []})
  })
})

describe('splitCommand', () => {
  it('turns leading assignments into env entries sourced from the Procfile line', () => {
    const r = split('RAILS_MAX_THREADS=${SIDEKIQ_RAILS_MAX_THREADS:-10} bundle exec sidekiq -C config/sidekiq.yml')
    expect(r.command).toEqual({
      argv: ['sidekiq', '-C', 'config/sidekiq.yml'],
      raw: 'RAILS_MAX_THREADS=${SIDEKIQ_RAILS_MAX_THREADS:-10} bundle exec sidekiq -C config/sidekiq.yml',
      wrappers: ['bundle exec'],
    })
    expect(r.assignments).toEqual([
      {name: 'RAILS_MAX_THREADS', source: {from: 'Procfile:3', kind: 'env', name: 'RAILS_MAX_THREADS'}, value: '10'},
    ])
    expect(r.unresolved).toEqual([])
  })

  it('takes the assignment value from the env when the variable is set', () => {
    const r = split('RAILS_MAX_THREADS=${SIDEKIQ_RAILS_MAX_THREADS:-10} bundle exec sidekiq', {
      SIDEKIQ_RAILS_MAX_THREADS: '25',
    })
    expect(r.assignments[0].value).toBe('25')
  })

  it('expands assignments left to right like dash and bash (A=1 B=$A gives B=1)', () => {
    const r = split('A=1 B=$A cmd', {A: 'outer'})
    expect(r.assignments.map((e) => [e.name, e.value])).toEqual([
      ['A', '1'],
      ['B', '1'],
    ])
  })

  it("expands the command's words with the outer values, as sh does for `A=1 echo $A`", () => {
    expect(split('A=1 puma -w $A', {A: '4'}).command.argv).toEqual(['puma', '-w', '4'])
  })

  it('lists unresolved variables and drops their empty fields like sh', () => {
    const r = split('bundle exec puma -p $PORT -e ${RACK_ENV} -C config/puma.rb')
    expect(r.command.argv).toEqual(['puma', '-p', '-e', '-C', 'config/puma.rb'])
    expect(r.unresolved).toEqual(['PORT', 'RACK_ENV'])
  })

  it('splits an unquoted expansion into fields but keeps a quoted one whole', () => {
    expect(split('gunicorn app:app $OPTS', {OPTS: '-w 3  --threads 2'}).command.argv).toEqual([
      'gunicorn',
      'app:app',
      '-w',
      '3',
      '--threads',
      '2',
    ])
    expect(split('echo-args "$OPTS"', {OPTS: '-w 3'}).command.argv).toEqual(['echo-args', '-w 3'])
  })

  it('tokenises quotes and backslashes like sh', () => {
    expect(split(`run 'a b' "c d" e\\ f ""`).command.argv).toEqual(['run', 'a b', 'c d', 'e f', ''])
  })

  it('drops a trailing comment and redirections', () => {
    expect(split('bundle exec puma -C config/puma.rb 2>&1 >> log/puma.log # web').command.argv).toEqual([
      'puma',
      '-C',
      'config/puma.rb',
    ])
    expect(split('node server.js &> /dev/null').command.argv).toEqual(['node', 'server.js'])
  })

  it('takes the last long-running command of an && list as the server', () => {
    const r = split('bin/rails db:migrate && bin/rails server -p 3000')
    expect(r.command.argv).toEqual(['bin/rails', 'server', '-p', '3000'])
    expect(r.command.preCommands).toEqual([['bin/rails', 'db:migrate']])
    expect(r.command.wrappers).toEqual([])
  })

  it('skips shell utilities after the server and records background commands', () => {
    const r = split('bundle exec sidekiq -c 5 & bundle exec puma -C config/puma.rb; wait')
    expect(r.command.argv).toEqual(['puma', '-C', 'config/puma.rb'])
    expect(r.command.background).toEqual([['bundle', 'exec', 'sidekiq', '-c', '5']])
    // Puma in the foreground never returns: the `wait` after it never runs.
    expect(r.command.preCommands).toBeUndefined()
    expect(split('bin/setup; bundle exec puma; wait').command.preCommands).toEqual([['bin/setup']])
    // Daemonized (-d) it returns: the `wait` after it runs, as before.
    expect(split('bundle exec puma -d; wait').command.preCommands).toEqual([['wait']])
  })

  it('takes the left side of a pipe, not the logger it feeds', () => {
    const r = split('bundle exec puma 2>&1 | logger -t web')
    expect(r.command.argv).toEqual(['puma'])
    expect(r.command.preCommands).toEqual([['logger', '-t', 'web']])
  })

  it('reads through if/then/fi', () => {
    expect(split('if [ -f tmp/ready ]; then exec bundle exec puma; fi').command.argv).toEqual(['puma'])
  })

  it('strips launchers and normalises ./bin and /app/bin paths', () => {
    const r = split('./bin/start-pgbouncer-stunnel newrelic-admin run-program ddtrace-run ./bin/rails server')
    expect(r.command.argv).toEqual(['bin/rails', 'server'])
    expect(r.command.wrappers).toEqual(['bin/start-pgbouncer-stunnel', 'newrelic-admin run-program', 'ddtrace-run'])
    expect(split('exec /app/bin/start-pgbouncer bin/qgtunnel bundle exec puma').command).toMatchObject({
      argv: ['puma'],
      wrappers: ['exec', 'bin/start-pgbouncer', 'bin/qgtunnel', 'bundle exec'],
    })
    // Heroku AppLink's (and Heroku Integration's) service mesh runs the app's command behind its proxy, under any release name.
    expect(split('APP_PORT=3000 heroku-applink-service-mesh-latest-amd64 npm start').command).toMatchObject({argv: ['npm', 'start'], wrappers: ['heroku-applink-service-mesh-latest-amd64']})
    expect(split('heroku-integration-service-mesh pnpm start').command.argv).toEqual(['pnpm', 'start'])
    expect(split('heroku-applink-service-mesh').command.argv).toEqual(['heroku-applink-service-mesh'])
    // A launcher conncalc does not know stays the command: it is reported, not guessed through.
    expect(split('bin/my-launcher bundle exec puma').command.argv).toEqual(['bin/my-launcher', 'bundle', 'exec', 'puma'])
  })

  it('turns `env K=V` into assignments and strips env options', () => {
    const r = split('env -i WEB_CONCURRENCY=3 PYTHONUNBUFFERED=1 gunicorn app:app')
    expect(r.command.argv).toEqual(['gunicorn', 'app:app'])
    expect(r.command.wrappers).toEqual(['env'])
    expect(r.assignments.map((e) => [e.name, e.value, e.source])).toEqual([
      ['WEB_CONCURRENCY', '3', {from: 'Procfile:3', kind: 'env', name: 'WEB_CONCURRENCY'}],
      ['PYTHONUNBUFFERED', '1', {from: 'Procfile:3', kind: 'env', name: 'PYTHONUNBUFFERED'}],
    ])
  })

  it('reads into sh -c and bash -lc, with the line exporting to the inner shell', () => {
    const r = split(`WEB_CONCURRENCY=4 sh -c 'bin/rails db:migrate; exec bundle exec puma -w $WEB_CONCURRENCY'`)
    expect(r.command.argv).toEqual(['puma', '-w', '4'])
    expect(r.command.wrappers).toEqual(['sh -c', 'exec', 'bundle exec'])
    expect(r.command.preCommands).toEqual([['bin/rails', 'db:migrate']])
    expect(r.assignments.map((e) => e.name)).toEqual(['WEB_CONCURRENCY'])

    const b = split('/bin/bash -lc "ddtrace-run gunicorn -w \\$WEB_CONCURRENCY app:app"', {WEB_CONCURRENCY: '2'})
    expect(b.command.argv).toEqual(['gunicorn', '-w', '2', 'app:app'])
    expect(b.command.wrappers).toEqual(['bash -c', 'ddtrace-run'])
  })

  // POSIX sh takes `-o NAME` / `+o NAME` on its command line (its set options), bash and dash too, also bundled after other
  // flags: `/bin/sh -o xtrace -c '…'` (alphagov/forms-api's and forms-runner's image CMD), `bash -euo pipefail -c '…'`.
  // Before, the option's NAME word made the line a command conncalc did not know (`/bin/sh`, 1 connection).
  it('reads into sh -c after options that take a value (-o xtrace, -euo pipefail)', () => {
    const r = split(`/bin/sh -o xtrace -c 'rails s -b 0.0.0.0 -p 9292'`)
    expect(r.command.argv).toEqual(['rails', 's', '-b', '0.0.0.0', '-p', '9292'])
    expect(r.command.wrappers).toEqual(['sh -c'])
    const b = split(`bash -euo pipefail -c 'bin/rails db:migrate && exec bundle exec puma -C config/puma.rb'`)
    expect(b.command.argv).toEqual(['puma', '-C', 'config/puma.rb'])
    expect(b.command.preCommands).toEqual([['bin/rails', 'db:migrate']])
    // A word that is not an option before -c is the script sh runs (`sh script.sh -c x`): not read as sh -c.
    expect(split('sh bin/start.sh -c config.yml').command.wrappers).not.toContain('sh -c')
  })

  it('applies export statements to the server and to later expansions', () => {
    const r = split('export MALLOC_ARENA_MAX=2 RAILS_MAX_THREADS=${RAILS_MAX_THREADS:-5}; exec bundle exec puma -t $RAILS_MAX_THREADS')
    expect(r.command.argv).toEqual(['puma', '-t', '5'])
    expect(r.assignments.map((e) => [e.name, e.value])).toEqual([
      ['MALLOC_ARENA_MAX', '2'],
      ['RAILS_MAX_THREADS', '5'],
    ])
  })

  it('does not export a bare shell variable the env does not already have', () => {
    const r = split('N=3; gunicorn -w $N app:app')
    expect(r.command.argv).toEqual(['gunicorn', '-w', '3', 'app:app'])
    expect(r.assignments).toEqual([])
    const s = split('WEB_CONCURRENCY=3; gunicorn app:app', {WEB_CONCURRENCY: '8'})
    expect(s.assignments.map((e) => [e.name, e.value])).toEqual([['WEB_CONCURRENCY', '3']])
  })

  it('ignores unresolved variables in commands other than the server', () => {
    const r = split('bin/rails db:migrate VERSION=$TARGET && bundle exec puma')
    expect(r.unresolved).toEqual([])
  })

  it('keeps an empty argv for a line of only assignments', () => {
    expect(split('A=1').command.argv).toEqual([])
  })
})

describe('splitCommand strips the launchers Heroku apps put in front of the server', () => {
  for (const [raw, wrapper] of [
    ['bin/start-nginx bundle exec puma -C config/puma.rb', 'bin/start-nginx'],
    ['jemalloc.sh bundle exec puma -C config/puma.rb', 'jemalloc.sh'],
    ['bin/thrust ./bin/rails server', 'bin/thrust'],
    ['bin/qgtunnel bundle exec puma -C config/puma.rb', 'bin/qgtunnel'],
    ['bin/start-stunnel bundle exec puma -C config/puma.rb', 'bin/start-stunnel'],
    ['doppler run --fallback-readonly -- bundle exec puma -C config/puma.rb', 'doppler run --fallback-readonly --'],
    ['dotenv -e .env.production -- bundle exec puma -C config/puma.rb', 'dotenv -e .env.production --'],
    // The rerun gem's file watcher (travis-api's script/server in development): it runs the command after `--`.
    ['rerun -b -- bundle exec puma -C config/puma.rb', 'rerun -b --'],
  ] as const) {
    it(raw, () => {
      const {command} = split(raw)
      expect(command.wrappers).toContain(wrapper)
      expect(command.argv[0]).toMatch(/^(puma|bin\/rails)$/)
    })
  }

  it('timeout, sudo -u, chpst, setuidgid, runuser, stdbuf, ionice, setpriv and their options; the command after them is the server', () => {
    for (const [raw, wrappers] of [
      ['timeout 90s bundle exec puma -C config/puma.rb', ['timeout', 'bundle exec']],
      ['timeout -k 5 --preserve-status -s TERM 1h bundle exec puma -C config/puma.rb', ['timeout', 'bundle exec']],
      ['sudo -E -u app -H bundle exec puma -C config/puma.rb', ['sudo', 'bundle exec']],
      ['sudo --preserve-env -uapp -- bundle exec puma -C config/puma.rb', ['sudo', 'bundle exec']],
      ['exec chpst -u app:app -o 4096 bundle exec puma -C config/puma.rb', ['exec', 'chpst', 'bundle exec']],
      ['setuidgid app bundle exec puma -C config/puma.rb', ['setuidgid', 'bundle exec']],
      ['s6-setuidgid app bundle exec puma -C config/puma.rb', ['s6-setuidgid', 'bundle exec']],
      ['runuser -u app -- bundle exec puma -C config/puma.rb', ['runuser', 'bundle exec']],
      ['stdbuf -oL -eL bundle exec puma -C config/puma.rb', ['stdbuf', 'bundle exec']],
      ['ionice -c2 -n 7 nice -n 10 timeout 1d bundle exec puma -C config/puma.rb', ['ionice', 'nice', 'timeout', 'bundle exec']],
      ['exec env WEB_CONCURRENCY=3 sudo -u app bundle exec puma -C config/puma.rb', ['exec', 'env', 'sudo', 'bundle exec']],
      ['exec setpriv --reuid app --regid=app --init-groups --nnp bundle exec puma -C config/puma.rb', ['exec', 'setpriv', 'bundle exec']],
    ] as const) {
      const {command} = split(raw)
      expect({raw, wrappers: command.wrappers, argv: command.argv}).toEqual({raw, wrappers, argv: ['puma', '-C', 'config/puma.rb']})
    }

    // Ruby version managers (a Procfile foreman exports to a server: openaustralia/planningalerts's Procfile.production).
    for (const [raw, wrappers] of [
      ['rvm . do bundle exec puma -C config/puma.rb', ['rvm . do', 'bundle exec']],
      ['rvm 3.3.6@app do bundle exec puma -C config/puma.rb', ['rvm 3.3.6@app do', 'bundle exec']],
      ['rbenv exec bundle exec puma -C config/puma.rb', ['rbenv exec', 'bundle exec']],
      ['asdf exec bundle exec puma -C config/puma.rb', ['asdf exec', 'bundle exec']],
      ['chruby-exec 3.3 -- bundle exec puma -C config/puma.rb', ['chruby-exec 3.3 --', 'bundle exec']],
      // By its path (mlandauer/cuttlefish's Procfile.production: `/usr/local/lib/rvm/bin/rvm . do bundle exec sidekiq`).
      ['/usr/local/lib/rvm/bin/rvm . do bundle exec puma -C config/puma.rb', ['rvm . do', 'bundle exec']],
      ['/home/deploy/.rbenv/bin/rbenv exec bundle exec puma -C config/puma.rb', ['rbenv exec', 'bundle exec']],
    ] as const) {
      const {command} = split(raw)
      expect({raw, wrappers: command.wrappers, argv: command.argv}).toEqual({raw, wrappers, argv: ['puma', '-C', 'config/puma.rb']})
    }

    // A system program by its path is that program: env, nohup, nice, bundle in /usr/bin, /bin, /usr/local/bin (a Dockerfile's
    // `ENTRYPOINT ["/usr/bin/env", "bundle", …]`); a path elsewhere is not (it is the app's own file).
    for (const [raw, wrappers] of [
      ['/usr/bin/env bundle exec puma -C config/puma.rb', ['env', 'bundle exec']],
      ['/usr/bin/env RAILS_MAX_THREADS=4 bundle exec puma -C config/puma.rb', ['env', 'bundle exec']],
      ['/bin/env -i bundle exec puma -C config/puma.rb', ['env', 'bundle exec']],
      ['/usr/bin/nohup bundle exec puma -C config/puma.rb', ['nohup', 'bundle exec']],
      ['/usr/local/bin/bundle exec puma -C config/puma.rb', ['bundle exec']],
      ['/usr/bin/nice -n 5 bundle exec puma -C config/puma.rb', ['nice', 'bundle exec']],
    ] as const) {
      const {command} = split(raw)
      expect({raw, wrappers: command.wrappers, argv: command.argv}).toEqual({raw, wrappers, argv: ['puma', '-C', 'config/puma.rb']})
    }

    expect(split('/usr/bin/env RAILS_MAX_THREADS=4 bundle exec puma').assignments.map((e) => [e.name, e.value])).toEqual([['RAILS_MAX_THREADS', '4']])
    expect(split('/app/bin/env bundle exec puma').command.argv[0]).toBe('bin/env') // the app's own bin/env (/app is the app's folder on a dyno)

    // rvm running the command once per Ruby (`all`, a list) is not one server: left as written.
    expect(split('rvm all do bundle exec puma').command.argv[0]).toBe('rvm')
    expect(split('rvm 3.2,3.3 do bundle exec puma').command.argv[0]).toBe('rvm')
    expect(split('/usr/local/rvm/bin/rvm all do bundle exec puma').command.argv[0]).toBe('/usr/local/rvm/bin/rvm')

    // `exec env X=1 sudo …`: env's assignment still reaches the server.
    expect(split('exec env WEB_CONCURRENCY=3 sudo -u app bundle exec puma').assignments).toEqual([expect.objectContaining({name: 'WEB_CONCURRENCY', value: '3'})])
    // What these would run is not read: an envdir (`chpst -e`), a login shell (`sudo -i`), an option not known; left as written.
    expect(split('chpst -e ./env bundle exec puma').command.argv[0]).toBe('chpst')
    expect(split('sudo -i bundle exec puma').command.argv[0]).toBe('sudo')
    expect(split('timeout --weird 5 puma').command.argv[0]).toBe('timeout')
    // setpriv --reset-env starts the program with a login's env (DATABASE_URL gone): not read through.
    expect(split('setpriv --reuid app --reset-env bundle exec puma').command.argv[0]).toBe('setpriv')
    // Alone, the launcher is the program.
    expect(split('timeout').command.argv).toEqual(['timeout'])
  })

  it('keeps a wrapper with nothing after it as the command: `bin/start-nginx` alone runs nginx only, 0 connections', () => {
    const {command} = split('bin/start-nginx')
    expect(command.argv).toEqual(['bin/start-nginx'])
    expect(knownProgram(command.argv)).toMatchObject({connections: 0, kind: 'stays-up'})
  })

  it('knows tsc: with -w or --watch it stays up compiling, else it compiles and exits; never a connection', () => {
    expect(knownProgram(split('tsc -w').command.argv)).toMatchObject({connections: 0, kind: 'stays-up'})
    expect(knownProgram(split('node_modules/.bin/tsc -b --watch').command.argv)).toMatchObject({connections: 0, kind: 'stays-up'})
    expect(knownProgram(split('tsc -p tsconfig.build.json').command.argv)).toMatchObject({connections: 0, kind: 'finishes'})
  })

  it('a command word that only looks a program up on PATH (`$(command -v NAME)`, `$(which NAME)`, backquoted) is that program', () => {
    // command -v prints the path the shell would run for NAME (POSIX command), which is NAME run by its name.
    expect(split('$(command -v uwsgi) --ini deploy/uwsgi.ini').command.argv).toEqual(['uwsgi', '--ini', 'deploy/uwsgi.ini'])
    expect(split('exec "$(which gunicorn)" app:app').command).toMatchObject({argv: ['gunicorn', 'app:app'], wrappers: ['exec']})
    expect(split('gosu app $(command -v python) manage.py runserver').command).toMatchObject({argv: ['python', 'manage.py', 'runserver'], wrappers: ['gosu']})
    expect(split('`which puma` -C config/puma.rb').command.argv[0]).toBe('puma')
    // A name that is not written out, or another command's output, is not known: left as written.
    expect(split('$(command -v "$SERVER") app:app').command.argv[0]).toBe('$(command -v "$SERVER")')
    expect(split('$(cat server-name) app:app').command.argv[0]).toBe('$(cat server-name)')
  })

  it('keeps a dotenv without `--` as the command (it is then not a wrapper)', () => {
    expect(split('dotenv puma').command.argv).toEqual(['dotenv', 'puma'])
  })
})

describe('splitCommand traces values back to the variables they came from', () => {
  it('an assignment expanded from a variable carries that variable as its source', () => {
    const r = split('DB_POOL=${SIDEKIQ_CONCURRENCY:-5} bundle exec sidekiq', {SIDEKIQ_CONCURRENCY: '12'})
    expect(r.assignments[0]).toMatchObject({name: 'DB_POOL', value: '12'})
    expect(r.assignments[0].via).toEqual([fromEnv('SIDEKIQ_CONCURRENCY', '.env:1')])
  })

  it('a default that was used is the line itself: no variable to point at', () => {
    expect(split('DB_POOL=${SIDEKIQ_CONCURRENCY:-5} bundle exec sidekiq').assignments[0].via).toBeUndefined()
  })

  it("the server's argv lists the variables it expanded", () => {
    const r = split('bundle exec sidekiq -c $SIDEKIQ_CONCURRENCY -q default', {SIDEKIQ_CONCURRENCY: '12'})
    expect(r.command.expanded).toEqual([expect.objectContaining({name: 'SIDEKIQ_CONCURRENCY', value: '12'})])
  })
})

describe('readFlag', () => {
  it.each([
    [['puma', '-w', '3'], {index: 1, value: '3'}],
    [['puma', '-w3'], {index: 1, value: '3'}],
    [['puma', '-w=3'], {index: 1, value: '3'}],
    [['puma', '--workers', '3'], {index: 1, value: '3'}],
    [['puma', '--workers=3'], {index: 1, value: '3'}],
  ])('reads %j', (argv, expected) => {
    expect(readFlag(argv, ['-w', '--workers'])).toEqual(expected)
  })

  it('takes the last occurrence and stops at --', () => {
    expect(readFlag(['x', '-w', '2', '--workers=5'], ['-w', '--workers'])).toEqual({index: 3, value: '5'})
    expect(readFlag(['x', '--', '-w', '2'], ['-w'])).toBeUndefined()
  })

  it('does not read a long flag with an attached value or a flag with no value', () => {
    expect(readFlag(['x', '--workers3'], ['--workers'])).toBeUndefined()
    expect(readFlag(['x', '-w'], ['-w'])).toBeUndefined()
    expect(readFlag(['x', '--threads', '5'], ['-t'])).toBeUndefined()
  })

  it('hasFlag finds a boolean flag', () => {
    expect(hasFlag(['gunicorn', '--preload', 'app:app'], ['--preload'])).toBe(true)
    expect(hasFlag(['gunicorn', '--', '--preload'], ['--preload'])).toBe(false)
  })
})

describe('splitCommand of a command of plain words (split once per run, a copy per caller)', () => {
  it('gives every line the same split, and a change one caller makes is not seen by the next', () => {
    const first = split('bundle exec puma -C config/puma.rb')
    expect(first.command).toEqual({argv: ['puma', '-C', 'config/puma.rb'], raw: 'bundle exec puma -C config/puma.rb', wrappers: ['bundle exec']})
    first.command.argv.push('--extra')
    first.command.preCommands = [['bin/rails', 'db:migrate']]
    const second = split('bundle exec puma -C config/puma.rb', {PUMA_OPTS: '-w 4'})
    expect(second.command).toEqual({argv: ['puma', '-C', 'config/puma.rb'], raw: 'bundle exec puma -C config/puma.rb', wrappers: ['bundle exec']})
    expect(second.assignments).toEqual([])
  })

  it("a command that reads a variable is split with each line's env, not taken from another line", () => {
    expect(split('puma -w $WORKERS', {WORKERS: '2'}).command.argv).toEqual(['puma', '-w', '2'])
    expect(split('puma -w $WORKERS', {WORKERS: '8'}).command.argv).toEqual(['puma', '-w', '8'])
  })
})
