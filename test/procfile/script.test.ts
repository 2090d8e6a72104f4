/**
 * What a shell script in the repo leaves running (procfile/script.ts): the shapes
 * real Procfile scripts use, read with tree-sitter-bash and never run.
 */
import {describe, expect, it} from 'vitest'

import {Env, layer} from '../../src/model/env.js'
import {memoryFiles} from '../../src/model/files.js'
import {fromFlag} from '../../src/model/source.js'
import {splitCommand} from '../../src/languages/shell/shell.js'
import {followCommand, shellScriptOf} from '../../src/procfile/script.js'

const envOf = (vars: Record<string, string> = {}) => new Env([layer('--env', Object.entries(vars).map(([name, value]) => ({name, source: fromFlag('--env'), value})))])

async function follow(line: string, files: Record<string, string>, vars: Record<string, string> = {}) {
  const env = envOf(vars)
  const origin = {file: 'Procfile', line: 1}
  const split = splitCommand(line, env, origin)
  const r = await followCommand(line, split.command, env, memoryFiles(files), origin, 'web')
  if (!r) return undefined
  return {
    ...r,
    /** Each process as `argv` (with `&` when in the background), foreground first. */
    argvs: r.processes.map((p) => `${p.command.argv.join(' ')}${p.background ? ' &' : ''}`),
  }
}

describe('which file is a shell script', () => {
  const files = memoryFiles({
    'bin/rails': '#!/usr/bin/env ruby\nAPP_PATH = 1\n',
    'bin/run.sh': '#/bin/bash\ngunicorn app\n', // 18F/tock: a typo'd shebang is a comment, so bash runs it itself
    'bin/start_web_server': 'bundle exec puma\n', // no shebang: bash runs it as a script
    'bin/web': '#!/usr/bin/env bash\nexec puma\n',
    'start.py': 'print(1)\n',
  })

  it('a shell shebang, no shebang at all, or a shell named before it; never another language', () => {
    expect(shellScriptOf(['bin/web'], files)).toBe('bin/web')
    expect(shellScriptOf(['bin/start_web_server'], files)).toBe('bin/start_web_server')
    expect(shellScriptOf(['bin/run.sh'], files)).toBe('bin/run.sh')
    expect(shellScriptOf(['bash', '-e', 'bin/web'], files)).toBe('bin/web')
    expect(shellScriptOf(['bin/rails', 'server'], files)).toBeUndefined()
    expect(shellScriptOf(['bash', '-c', 'bin/web'], files)).toBeUndefined()
    expect(shellScriptOf(['python', 'start.py'], files)).toBeUndefined()
    expect(shellScriptOf(['bin/missing.sh'], files)).toBeUndefined()
  })
})

describe('followCommand: what stays up', () => {
  it('a plain command is left to the Procfile reader', async () => {
    expect(await follow('bundle exec puma -C config/puma.rb', {})).toBeUndefined()
  })

  it('the last foreground command is the process; the one-shot commands before it are not', async () => {
    const r = (await follow('bash bin/start.sh', {'bin/start.sh': '#!/bin/bash\nset -e\npython manage.py migrate\necho "ready"\ngunicorn app.wsgi -w 2\n'}))!
    expect(r.argvs).toEqual(['gunicorn app.wsgi -w 2'])
    expect(r.processes[0].command.preCommands).toEqual([['python', 'manage.py', 'migrate']])
    expect(r.processes[0].origin).toEqual({file: 'bin/start.sh', line: 5})
    expect(r.scripts).toEqual(['bin/start.sh'])
  })

  it('exec ends the script: nothing after it runs', async () => {
    const r = (await follow('bin/web', {'bin/web': '#!/bin/sh\nexec bundle exec puma\nbundle exec sidekiq\n'}))!
    expect(r.argvs).toEqual(['puma'])
  })

  it('every `&` job is one more process beside the foreground one, in the script or on the Procfile line', async () => {
    // MTES-MCT/envergo bin/start_web.sh: gunicorn in the background, nginx in front.
    const r = (await follow('bash bin/start_web.sh', {'bin/start_web.sh': '#!/bin/bash\ngunicorn config.wsgi:application \\\n    --workers=9 \\\n    --log-file - &\nnginx -p vendor/nginx\n'}))!
    expect(r.argvs).toEqual(['nginx -p vendor/nginx', 'gunicorn config.wsgi:application --workers=9 --log-file - &'])
    // betagouv/portail-rse: `bin/run & bash start.sh` on the Procfile line itself.
    const line = (await follow('bin/run & bash start.sh', {'start.sh': 'set -e\npython impact/manage.py collectstatic --no-input\ngunicorn impact.wsgi --pythonpath=impact\n'}))!
    expect(line.argvs).toEqual(['gunicorn impact.wsgi --pythonpath=impact', 'bin/run &'])
    // Only jobs in the background, then `wait`: the last one stands for the dyno's process.
    const waiting = (await follow('bash run.sh', {'run.sh': 'celery -A app worker &\ncelery -A app beat &\nwait\n'}))!
    expect(waiting.argvs).toEqual(['celery -A app worker &', 'celery -A app beat &'])
  })

  it('export and assignments feed the commands after them; a variable that was not exported stays in the shell', async () => {
    const r = (await follow('bash bin/start.sh', {'bin/start.sh': 'export WEB_CONCURRENCY=3\nTHREADS=8\nexport RAILS_MAX_THREADS=$THREADS\nLOCAL_ONLY=1\nexec bundle exec puma\n'}))!
    const env = r.processes[0].env
    expect(env.get('WEB_CONCURRENCY')?.value).toBe('3')
    expect(env.get('RAILS_MAX_THREADS')).toMatchObject({source: {from: 'bin/start.sh:3', kind: 'env'}, value: '8'})
    expect(env.get('LOCAL_ONLY')).toBeUndefined()
    // A variable the environment already has stays exported when the script assigns it (bash).
    const again = (await follow('bash bin/start.sh', {'bin/start.sh': 'WEB_CONCURRENCY=5\nexec puma\n'}, {WEB_CONCURRENCY: '2'}))!
    expect(again.processes[0].env.get('WEB_CONCURRENCY')?.value).toBe('5')
  })

  it('if on an env var: decided when the environment has it, else each branch is kept and the choice said with file:line', async () => {
    // betagouv/pitchou scripts/start.sh
    const files = {'scripts/start.sh': 'if [ "$PITCHOU_APP" = "admin" ]; then\n  exec node apps/admin/index.js\nelse\n  exec node apps/instructeur/index.js\nfi\n'}
    expect((await follow('bash scripts/start.sh', files, {PITCHOU_APP: 'instructeur'}))!.argvs).toEqual(['node apps/instructeur/index.js'])
    const admin = (await follow('bash scripts/start.sh', files, {PITCHOU_APP: 'admin'}))!
    expect(admin.argvs).toEqual(['node apps/admin/index.js'])
    expect(admin.diagnostics).toEqual([])
    const unknown = (await follow('bash scripts/start.sh', files))!
    expect(unknown.argvs).toEqual(['node apps/admin/index.js'])
    expect(unknown.processes[0].assumptions).toHaveLength(1)
    // The other branch's process travels with it: app/analyze-app.ts counts the one holding the most connections.
    expect(unknown.processes[0].either).toMatchObject({at: {file: 'scripts/start.sh', line: 1}})
    expect(unknown.processes[0].either!.runs.map((p) => p.command.argv.join(' '))).toEqual(['node apps/instructeur/index.js'])
    expect(unknown.diagnostics).toEqual([
      expect.objectContaining({code: 'unknown-config-value', file: 'scripts/start.sh', line: 1, message: 'web: `if [ "$PITCHOU_APP" = "admin" ]` cannot be decided from the environment here; its branches start different processes, and the one holding the most connections is assumed'}),
    ])
  })

  it('an undecided branch that is not one process per arm is walked again through each way', async () => {
    // One arm starts a second process in the background: the arms leave different sets running, each way one set
    // (the largest is counted by app/analyze-app.ts, and said there only when the sets hold different numbers).
    const bg = (await follow('bash start.sh', {'start.sh': 'if [ "$ROLE" = all ]; then\n  bundle exec sidekiq &\n  exec puma\nelse\n  exec puma -w 2\nfi\n'}))!
    expect(bg.argvs).toEqual(['puma', 'sidekiq &'])
    expect(bg.processes[0].either).toBeUndefined()
    expect(bg.ways!.sets.map((set) => set.map((p) => p.command.argv.join(' ')))).toEqual([['puma', 'sidekiq'], ['puma -w 2']])
    expect(bg.diagnostics).toEqual([])
    // An arm that starts nothing (the script goes on to the same command): the script is walked again through the
    // other arm, and the command after the `if` is one of two, told apart by the variable the arm sets.
    const none = (await follow('bash start.sh', {'start.sh': 'if [ -n "$SLOW" ]; then\n  export WEB_CONCURRENCY=1\nfi\nexec puma\n'}))!
    expect(none.argvs).toEqual(['puma'])
    expect(none.processes[0].either).toMatchObject({at: {file: 'start.sh', line: 1}, replayed: {labels: ['WEB_CONCURRENCY=1 (start.sh:2)', 'WEB_CONCURRENCY unset']}})
    expect(none.processes[0].either!.runs[0].env.get('WEB_CONCURRENCY')).toBeUndefined()
    // An arm with a further undecided `if` inside, whose arms each start one process: every process of every way is
    // one of the alternatives (before: the outer `if` took its first branch and sidekiq was never weighed).
    const nested = (await follow('bash start.sh', {'start.sh': 'if [ -n "$A" ]; then\n  if [ -n "$B" ]; then exec puma; else exec unicorn; fi\nelse\n  exec sidekiq\nfi\n'}))!
    expect(nested.argvs).toEqual(['puma'])
    expect(nested.processes[0].either).toMatchObject({at: {line: 1}, replayed: {what: '`if [ -n "$A" ]` (start.sh:1) cannot be decided from the environment here'}})
    expect(nested.processes[0].either!.runs.map((p) => p.command.argv.join(' '))).toEqual(['unicorn', 'sidekiq'])
    // The inner `if` is said with its line (app/analyze-app.ts says the outer one when the numbers differ).
    expect(nested.diagnostics.map((d) => [d.line, d.message.split('; ')[1]])).toEqual([[2, 'its branches start different processes, and the one holding the most connections is assumed']])
  })

  it('an undecided if whose every branch starts the same process assumes nothing; branches that differ still do', async () => {
    // Both arms end in the same server; only one also runs a one-shot command before it.
    const same = (await follow('./web.sh', {'web.sh': '#!/usr/bin/env bash\nif [ -n "${PLATFORM_ENV}" ]; then\n  echo "platform"\n  python app.py\nelse\n  python manage.py collectstatic --noinput\n  python app.py\nfi\n'}))!
    expect(same.argvs).toEqual(['python app.py'])
    expect(same.processes[0].assumptions).toEqual([])
    expect(same.diagnostics).toEqual([])
    // The same command but an export that differs, or a case with no `*)` whose other patterns agree: alternatives.
    const exported = (await follow('./web.sh', {'web.sh': 'if [ -n "$BIG" ]; then\n  export WEB_CONCURRENCY=8\n  exec gunicorn app:app\nelse\n  exec gunicorn app:app\nfi\n'}))!
    expect(exported.argvs).toEqual(['gunicorn app:app'])
    expect(exported.processes[0].assumptions).toHaveLength(1)
    expect(exported.processes[0].either!.runs[0].env.get('WEB_CONCURRENCY')).toBeUndefined()
    const open = (await follow('bash run.sh', {'run.sh': 'case "$ROLE" in\n  web) exec puma ;;\n  api) exec puma ;;\nesac\nexec sidekiq\n'}))!
    expect(open.argvs).toEqual(['puma'])
    expect(open.processes[0].either!.runs.map((p) => p.command.argv.join(' '))).toEqual(['sidekiq'])
    const closed = (await follow('bash run.sh', {'run.sh': 'case "$ROLE" in\n  web) exec puma ;;\n  *) exec puma ;;\nesac\n'}))!
    expect(closed.argvs).toEqual(['puma'])
    expect(closed.diagnostics).toEqual([])
  })

  it('an undecided if that only sets variables: a value read from them later carries the assumption', async () => {
    // SMALL is set nowhere: the first branch (export WEB_CONCURRENCY=1) is taken, and puma, started after the `if`, may read it.
    const r = (await follow('bash bin/web', {'bin/web': '#!/bin/bash\nif [ -n "$SMALL" ]; then\n  export WEB_CONCURRENCY=1\n  export LABEL=x\nfi\nexec bundle exec puma\n'}))!
    expect(r.argvs).toEqual(['puma'])
    expect(r.processes[0].env.get('WEB_CONCURRENCY')).toMatchObject({
      source: {from: 'bin/web:3', kind: 'env'},
      value: '1',
      via: [{kind: 'assumed', why: 'bin/web:2: `if [ -n "$SMALL" ]` cannot be decided from the environment here; the first branch was assumed'}],
    })
    expect(r.processes[0].env.get('LABEL')?.via).toHaveLength(1)
    // The process itself rests on nothing assumed: only what reads those variables does (nothing is said unless it is read).
    expect(r.processes[0].assumptions).toEqual([])
    expect(r.diagnostics).toEqual([])
    // Decided by the env: nothing assumed.
    const said = (await follow('bash bin/web', {'bin/web': '#!/bin/bash\nif [ -n "$SMALL" ]; then\n  export WEB_CONCURRENCY=1\nfi\nexec bundle exec puma\n'}, {SMALL: ''}))!
    expect(said.processes[0].env.get('WEB_CONCURRENCY')).toBeUndefined()
    expect(said.diagnostics).toEqual([])
  })

  it('an undecided if that only runs one-shot commands says nothing (18F/tock: migrations on instance 0)', async () => {
    const r = (await follow('bin/run.sh', {'bin/run.sh': '#/bin/bash\nif [[ -v CF_INSTANCE_INDEX && $CF_INSTANCE_INDEX == 0 ]]\nthen\n  python manage.py migrate\nelse\n  echo "no"\nfi\ngunicorn -w 2 tock.wsgi:application\n'}))!
    expect(r.argvs).toEqual(['gunicorn -w 2 tock.wsgi:application'])
    expect(r.diagnostics).toEqual([])
  })

  it('exec or exit in a branch ends the script on that way only; a branch that exits with nothing running is a guard', async () => {
    // exec in the then-arm: that way runs sidekiq; the other way goes on to puma. Both are kept, walked apart.
    const exec = (await follow('bash start.sh', {'start.sh': 'if [ -n "$JOBS" ]; then\n  exec sidekiq\nfi\nexec puma\n'}))!
    expect(exec.argvs).toEqual(['sidekiq'])
    expect(exec.processes[0].either).toMatchObject({at: {file: 'start.sh', line: 1}})
    expect(exec.processes[0].either!.runs.map((p) => p.command.argv.join(' '))).toEqual(['puma'])
    // Guards, as `if`, `||` and `&&`: the script exits there when a variable is missing; the app as deployed passes them.
    for (const guard of [
      'if [ -z "$DATABASE_URL" ]; then\n  echo "DATABASE_URL is missing"\n  exit 1\nfi\n',
      '[ -n "$DATABASE_URL" ] || exit 1\n',
      '[ -n "$DATABASE_URL" ] || { echo "missing"; exit 1; }\n',
      '[ -z "$DATABASE_URL" ] && exit 1\n',
    ]) {
      const r = (await follow('bash start.sh', {'start.sh': `${guard}exec puma\n`}))!
      expect(r.argvs).toEqual(['puma'])
      expect(r.processes[0].either).toBeUndefined()
      expect(r.processes[0].assumptions).toEqual([])
      expect(r.diagnostics).toEqual([])
    }

    // A test's `&&` the env decides: taken or not; one that it does not decide and that changes nothing: nothing assumed.
    expect((await follow('bash start.sh', {'start.sh': '[ "$ROLE" = jobs ] && exec sidekiq\nexec puma\n'}, {ROLE: 'jobs'}))!.argvs).toEqual(['sidekiq'])
    expect((await follow('bash start.sh', {'start.sh': '[ "$ROLE" = jobs ] && exec sidekiq\nexec puma\n'}, {ROLE: 'web'}))!.argvs).toEqual(['puma'])
    const migrate = (await follow('bash start.sh', {'start.sh': '[ "$DYNO" = web.1 ] && python manage.py migrate\nexec gunicorn app:app\n'}))!
    expect(migrate.argvs).toEqual(['gunicorn app:app'])
    expect(migrate.processes[0].either).toBeUndefined()
    expect(migrate.diagnostics).toEqual([])
    // exit at the top: nothing after it runs.
    expect((await follow('bash start.sh', {'start.sh': 'exec_later() { exec puma; }\nexit 0\nexec_later\n'}))!.processes).toEqual([])
    // In a loop, an exit in a branch ends only the turns that take it: the rest of the body is still what runs.
    const loop = (await follow('bash clock.sh', {'clock.sh': 'while true; do\n  if [ -f /tmp/stop ]; then exit 0; fi\n  python worker.py\n  sleep 5\ndone\n'}))!
    expect(loop.argvs).toEqual(['python worker.py'])
    // The `else` of a branch a loop takes on some turns runs on the other turns only: its exit ends those, not the
    // reading (CyferShepard/Jellystat's entry.sh: a FILE__ secret whose file is missing exits, in a function, then npm start).
    const secrets = 'load() {\n  for var in $(env | grep "^FILE__"); do\n    value=$(echo "$var" | cut -d= -f2)\n    if [ -f "$value" ]; then\n      export "X=$(cat "$value")"\n    else\n      echo "missing"\n      exit 1\n    fi\n  done\n}\nload\nnpm run start\n'
    expect((await follow('bash entry.sh', {'entry.sh': secrets}))!.argvs).toEqual(['npm run start'])
  })

  it('unset removes a variable the script started with (the image ENV, the Procfile line): the process does not see it', async () => {
    // diced/zipline docker-entrypoint.sh: `unset ZIPLINE_DOCKER_BUILD` (set by the Dockerfile's ENV) before node runs.
    const r = (await follow('ZIPLINE_DOCKER_BUILD=true bash entry.sh', {'entry.sh': '#!/bin/sh\nset -e\nunset ZIPLINE_DOCKER_BUILD\nnode dist/index.js\n'}, {LOG: '1'}))!
    expect(r.argvs).toEqual(['node dist/index.js'])
    expect(r.processes[0].env.get('ZIPLINE_DOCKER_BUILD')).toBeUndefined()
    expect(r.processes[0].env.get('LOG')?.value).toBe('1')
    // Set again after the unset: that value.
    const again = (await follow('MODE=a bash entry.sh', {'entry.sh': 'unset MODE\nexport MODE=b\nexec node x.js\n'}))!
    expect(again.processes[0].env.get('MODE')?.value).toBe('b')
  })

  it('a variable the script unsets beside branches the env does not decide: the ways are told apart, no crash', async () => {
    // usememos/memos scripts/entrypoint.sh: `unset MEMOS_ENTRYPOINT_SWITCHED` after an `if` on `$(id -u)`; with the
    // variable given (--env) each way's env listed it by name with no value and conncalc stopped with exit 3.
    const entry = '#!/bin/sh\nif [ "$(id -u)" = "0" ] && [ -z "${SWITCHED:-}" ]; then\n  export SWITCHED=1\n  exec su-exec app "$0" "$@"\nfi\nunset SWITCHED\nval="$(printenv DSN)"\nif [ -n "$val" ]; then\n  export DSN="$val"\nfi\nexec "$@"\n'
    const r = (await follow('./entry.sh gunicorn app:app', {'entry.sh': entry}, {SWITCHED: '1'}))!
    expect(r.argvs).toContain('gunicorn app:app')
    expect(r.processes.every((p) => p.env.get('SWITCHED') === undefined)).toBe(true)
  })

  it('a script argument from a variable with no value here is not known: a test or assignment on it is undecided', async () => {
    // A clock loop calls a backup script with the database URL; the script exits when its argument is empty.
    const files = {
      'bin/clock.sh': 'while true; do\n  if [ "$(date +%H)" = 03 ]; then\n    bash bin/backup.sh "${DATABASE_URL}"\n  fi\n  sleep 60\ndone\n',
      'bin/backup.sh': 'url=$1\nif [ -z "$url" ]; then\n  exit 0\nfi\npg_dump --dbname "$url" | gzip > /tmp/dump.gz\n',
    }
    const r = (await follow('bin/clock.sh', files))!
    // pg_dump holds its connection on the turns it runs (the loop's largest), whatever DATABASE_URL is.
    expect(r.argvs).toEqual(['pg_dump --dbname $1'])
    // With the URL given, $1 is known and not empty: the same.
    expect((await follow('bin/clock.sh', files, {DATABASE_URL: 'postgres://db/x'}))!.argvs).toEqual(['pg_dump --dbname postgres://db/x'])
    // `X=$1` takes the argument the caller gave.
    const arg = (await follow('bash bin/web.sh 4', {'bin/web.sh': 'export WEB_CONCURRENCY=$1\nexec puma\n'}))!
    expect(arg.processes[0].env.get('WEB_CONCURRENCY')?.value).toBe('4')
    // `shift`: $1 is the next argument after it (a sidekiq wrapper taking the concurrency, then the queues).
    const shifted = (await follow('bin/sidekiq-wrapper 5 default', {'bin/sidekiq-wrapper': '#!/bin/bash\nthreads=$1\nshift\nqueue=$1\nexec sidekiq -c $threads -q $queue\n'}))!
    expect(shifted.argvs).toEqual(['sidekiq -c 5 -q default'])
  })

  it('[[ -z ]], -n, elif, != and case patterns', async () => {
    const files = {
      'run.sh': 'if [[ -z "$MODE" ]]; then exec puma\nelif [ "$MODE" != "jobs" ]; then exec unicorn\nelse exec sidekiq\nfi\n',
      'worker.sh': 'case "$DYNO" in\n  web.*|api.*) exec puma ;;\n  worker.*) exec sidekiq -c 4 ;;\n  *) exec good_job ;;\nesac\n',
    }
    expect((await follow('bash run.sh', files, {MODE: ''}))!.argvs).toEqual(['puma'])
    expect((await follow('bash run.sh', files, {MODE: 'web'}))!.argvs).toEqual(['unicorn'])
    expect((await follow('bash run.sh', files, {MODE: 'jobs'}))!.argvs).toEqual(['sidekiq'])
    expect((await follow('bash worker.sh', files, {DYNO: 'worker.2'}))!.argvs).toEqual(['sidekiq -c 4'])
    expect((await follow('bash worker.sh', files, {DYNO: 'api.1'}))!.argvs).toEqual(['puma'])
    expect((await follow('bash worker.sh', files, {DYNO: 'clock.1'}))!.argvs).toEqual(['good_job'])
    // Bracket expressions as bash matches them: `[!w]*` is "not starting with w", `*.[[:digit:]]` ends in a digit
    // (bash 5.2.15 prints sidekiq, puma, puma for these three DYNO values). Before, `[!w]` was read as the characters
    // `!` and `w`, and a POSIX class as its letters.
    const brackets = {'b.sh': 'case "$DYNO" in\n  [!w]*.[[:digit:]]) exec sidekiq ;;\n  *) exec puma ;;\nesac\n'}
    expect((await follow('bash b.sh', brackets, {DYNO: 'clock.3'}))!.argvs).toEqual(['sidekiq'])
    expect((await follow('bash b.sh', brackets, {DYNO: 'web.1'}))!.argvs).toEqual(['puma'])
    expect((await follow('bash b.sh', brackets, {DYNO: 'clock.x'}))!.argvs).toEqual(['puma'])
    const guessed = (await follow('bash worker.sh', files))!
    expect(guessed.diagnostics[0].message).toBe('web: `case "$DYNO"` cannot be decided from the environment here; its branches start different processes, and the one holding the most connections is assumed')
    expect(guessed.processes[0].either!.runs.map((p) => p.command.argv.join(' '))).toEqual(['sidekiq -c 4', 'good_job'])
    // Patterns that leave nothing running when none matches (no `*)`, nothing after): the way where none matches starts
    // nothing, so it is not how the app runs; the two patterns' processes are the alternatives.
    const open = (await follow('bash w.sh', {'w.sh': 'case "$ROLE" in\n  web) exec puma ;;\n  jobs) exec sidekiq ;;\nesac\n'}))!
    expect(open.argvs).toEqual(['puma'])
    expect(open.processes[0].either).toMatchObject({at: {file: 'w.sh', line: 1}, replayed: {what: '`case "$ROLE"` (w.sh:1) cannot be decided from the environment here'}})
    expect(open.processes[0].either!.runs.map((p) => p.command.argv.join(' '))).toEqual(['sidekiq'])
    expect(open.diagnostics).toEqual([])
  })

  it('scripts calling scripts, sourced files and functions are followed; cd moves where files are read', async () => {
    const r = (await follow('bash bin/start.sh', {
      'bin/env.sh': 'export PUMA_WORKERS=4\n',
      'bin/prepare.sh': '#!/bin/bash\nbundle exec rake db:migrate\n',
      'bin/start.sh': '#!/bin/bash\n. bin/env.sh\nbash bin/prepare.sh\nstart_web() {\n  cd server\n  exec bin/web.sh\n}\nstart_web\n',
      'server/bin/web.sh': '#!/bin/sh\nexec npm start\n',
      'server/package.json': '{}',
    }))!
    expect(r.argvs).toEqual(['npm start'])
    expect(r.processes[0].cwd).toBe('server')
    expect(r.processes[0].env.get('PUMA_WORKERS')?.value).toBe('4')
    expect(r.processes[0].command.preCommands).toEqual([['rake', 'db:migrate']])
    expect(r.scripts).toEqual(['bin/start.sh', 'bin/env.sh', 'bin/prepare.sh', 'server/bin/web.sh'])
  })

  it('a script run again from inside itself is not followed, and the loop is named', async () => {
    const r = (await follow('bash loop.sh', {'loop.sh': 'bash loop.sh\n'}))!
    expect(r.processes).toEqual([])
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'loop.sh', line: 1, message: 'web: loop.sh is run again from inside itself (loop.sh → loop.sh); conncalc does not follow a script into itself'}))
    const two = (await follow('bin/a', {'bin/a': '#!/bin/sh\nexec bin/b\n', 'bin/b': '#!/bin/sh\nexec bin/a\n'}))!
    expect(two.diagnostics).toContainEqual(expect.objectContaining({file: 'bin/b', line: 2, message: 'web: bin/a is run again from inside itself (bin/a → bin/b → bin/a); conncalc does not follow a script into itself'}))
  })

  it('scripts calling scripts stop at the depth cap and say so', async () => {
    const r = (await follow('bash s1.sh', {'s1.sh': 'bash s2.sh\n', 's2.sh': 'bash s3.sh\n', 's3.sh': 'bash s4.sh\n', 's4.sh': 'bash s5.sh\n', 's5.sh': 'exec gunicorn app:app\n'}))!
    expect(r.processes).toEqual([])
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 's4.sh', line: 1, message: 'web: s5.sh is a script 4 scripts deep; not followed'}))
  })

  it('a construct it does not follow is unknown by itself, with file:line; the rest of the script still counts', async () => {
    const r = (await follow('bash start.sh', {'start.sh': '#!/bin/bash\nunset DEBUG\neval "$WORKER_CMD" &\ngunicorn app:app\n'}))!
    // The eval'd job still runs (so it counts, as an unknown command); gunicorn is read as usual.
    expect(r.argvs[0]).toBe('gunicorn app:app')
    expect(r.processes[1]).toMatchObject({background: true, command: {argv: ['eval', '']}})
    expect(r.diagnostics).toEqual([expect.objectContaining({code: 'unknown-config-value', file: 'start.sh', line: 3, message: 'web: `eval "$WORKER_CMD"` runs a command built at run time; conncalc cannot read which'})])
    // A syntax error: said once with its line; the statements that parse still count.
    const broken = (await follow('bash start.sh', {'start.sh': 'python manage.py migrate\nif then fi (\ngunicorn app:app\n'}))!
    expect(broken.diagnostics).toContainEqual(expect.objectContaining({code: 'unparsable-config', file: 'start.sh'}))
  })

  it('a `(( … ))` arithmetic command starts nothing and is not reported (prest/prest etc/entrypoint.sh); one with a `$( … )` is', async () => {
    const r = (await follow('sh entrypoint.sh', {'entrypoint.sh': '#!/bin/sh\nelapsed=0\n((elapsed=elapsed+1))\n/bin/prestd\n'}))!
    expect(r.argvs).toEqual(['/bin/prestd'])
    expect(r.diagnostics).toEqual([])
    const sub = (await follow('sh entrypoint.sh', {'entrypoint.sh': '#!/bin/bash\n(( n = $(./count-workers) ))\n/bin/prestd\n'}))!
    expect(sub.argvs).toEqual(['/bin/prestd'])
    expect(sub.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'entrypoint.sh', line: 2}))
  })

  it('`a || b`: b runs only when a fails, so it is not what stays up; a pipe\'s far end only reads', async () => {
    const r = (await follow('bash start.sh', {'start.sh': 'python manage.py migrate || exit 1\ngunicorn app:app 2>&1 | tee -a log/web.log\n'}))!
    expect(r.argvs).toEqual(['gunicorn app:app'])
  })

  it('"$@" and "$*" in an assignment are every argument joined by spaces; `set --` gives the script new arguments', async () => {
    // A wrapper passing its arguments on through a variable: `bin/jobs -c 5 -q mail` runs sidekiq with them.
    const joined = (await follow('bin/jobs -c 5 -q mail', {'bin/jobs': '#!/bin/bash\nARGS="$@"\nexec bundle exec sidekiq $ARGS\n'}))!
    expect(joined.argvs).toEqual(['sidekiq -c 5 -q mail'])
    const star = (await follow('bin/jobs -c 5', {'bin/jobs': '#!/bin/bash\nexport SIDEKIQ_ARGS=$*\nCOUNT=$#\nexec bundle exec sidekiq $SIDEKIQ_ARGS --tag n$COUNT\n'}))!
    expect(star.argvs).toEqual(['sidekiq -c 5 --tag n2'])
    expect(star.processes[0].env.get('SIDEKIQ_ARGS')?.value).toBe('-c 5')
    // `set -- "$@" --flag`: the arguments so far, then more; `exec cmd "$@"` gets them all.
    const set = (await follow('bin/jobs -c 5', {'bin/jobs': '#!/bin/bash\nset -e\nset -- "$@" -q default\nexec bundle exec sidekiq "$@"\n'}))!
    expect(set.argvs).toEqual(['sidekiq -c 5 -q default'])
    // `set -- a b` drops them; one argument given from a variable with no value here stays unknown through "$@".
    const reset = (await follow('bash bin/w.sh "$CONCURRENCY"', {'bin/w.sh': 'set -- "$@"\nn=$1\n[ -z "$n" ] && exit 1\nset -- -c 2\nexec sidekiq "$@"\n'}))!
    expect(reset.argvs).toEqual(['sidekiq -c 2'])
    expect(reset.diagnostics).toEqual([])
  })

  it('`return` ends the function it is in (or a sourced file); the script goes on after the call', async () => {
    const plain = (await follow('bin/web', {'bin/web': '#!/bin/bash\nmaybe_jobs() {\n  return 0\n  exec sidekiq\n}\nmaybe_jobs\nexec puma\n'}))!
    expect(plain.argvs).toEqual(['puma'])
    expect(plain.diagnostics).toEqual([])
    // An early return on a variable the env does not give: either way may run, both kept (the larger is counted later).
    const files = {'bin/web': '#!/bin/bash\nmaybe_jobs() {\n  if [ -z "$JOBS" ]; then\n    return\n  fi\n  exec sidekiq\n}\nmaybe_jobs\nexec puma\n'}
    const undecided = (await follow('bin/web', files))!
    expect(undecided.argvs).toEqual(['puma'])
    expect(undecided.processes[0].either).toMatchObject({at: {file: 'bin/web', line: 3}})
    expect(undecided.processes[0].either!.runs.map((p) => p.command.argv.join(' '))).toEqual(['sidekiq'])
    expect((await follow('bin/web', files, {JOBS: '1'}))!.argvs).toEqual(['sidekiq'])
    expect((await follow('bin/web', files, {JOBS: ''}))!.argvs).toEqual(['puma'])
    // A sourced file that returns early: its lines after the return are not read; the script's are.
    const sourced = (await follow('bin/web', {'bin/env.sh': 'export WEB_CONCURRENCY=2\nreturn\nexport WEB_CONCURRENCY=9\n', 'bin/web': '#!/bin/bash\n. bin/env.sh\nexec puma\n'}))!
    expect(sourced.argvs).toEqual(['puma'])
    expect(sourced.processes[0].env.get('WEB_CONCURRENCY')?.value).toBe('2')
    // `exit` in a function ends the whole script.
    expect((await follow('bin/web', {'bin/web': '#!/bin/bash\nstop() {\n  exit 0\n}\nstop\nexec puma\n'}))!.processes).toEqual([])
  })

  it('( … ) is a shell of its own: an exit there ends only it, and its cd and variables stay inside', async () => {
    const files = {'bin/web': '#!/bin/bash\n(cd frontend && npm run build && exit 0)\n(export WEB_CONCURRENCY=9; exec true)\nexec puma\n', 'frontend/package.json': '{}'}
    const r = (await follow('bin/web', files))!
    expect(r.argvs).toEqual(['puma'])
    expect(r.processes[0].cwd).toBe('')
    expect(r.processes[0].env.get('WEB_CONCURRENCY')).toBeUndefined()
    // A process the subshell starts in the background still runs beside the script's.
    const bg = (await follow('bin/web', {'bin/web': '#!/bin/bash\n(cd jobs && exec sidekiq &)\nexec puma\n', 'jobs/Gemfile': ''}))!
    expect(bg.argvs).toEqual(['puma', 'sidekiq &'])
    expect(bg.processes[1].cwd).toBe('jobs')
  })

  it('a group started with & is one process beside the script: its one-shot commands finish inside it', async () => {
    const r = (await follow('bin/web', {'bin/web': '#!/bin/bash\n(bundle exec rake assets:precompile; exec bundle exec sidekiq) &\nbundle exec rake db:migrate && bundle exec good_job start &\nexec bundle exec puma\n'}))!
    expect(r.argvs).toEqual(['puma', 'sidekiq &', 'good_job start &'])
    // Nothing the group did before its process is taken for the script's own (the puma line's one-shot commands).
    expect(r.processes[0].command.preCommands ?? []).toEqual([])
    // A loop in the background: its commands take turns in one process beside the script.
    const loop = (await follow('bin/web', {'bin/web': '#!/bin/bash\nwhile true; do\n  python sync.py\n  python report.py\n  sleep 60\ndone &\nexec gunicorn app:app\n'}))!
    expect(loop.argvs).toEqual(['gunicorn app:app', 'python sync.py &'])
    expect(loop.processes[1].inTurn!.runs.map((p) => p.command.argv.join(' '))).toEqual(['python report.py'])
  })

  it('tests joined by && before a command are one condition: a choice when the env does not decide them', async () => {
    const files = {'bin/web': '#!/bin/bash\n[ -n "$JOBS" ] && [ "$DYNO" != "web.1" ] && exec sidekiq\nexec puma\n'}
    const r = (await follow('bin/web', files))!
    expect(r.argvs).toEqual(['sidekiq'])
    expect(r.processes[0].either!.runs.map((p) => p.command.argv.join(' '))).toEqual(['puma'])
    expect(r.processes[0].either!.replayed!.what).toBe('`[ -n "$JOBS" ] && [ "$DYNO" != "web.1" ] && …` (bin/web:2) cannot be decided from the environment here')
    // Decided: one false test is enough; both true runs the command.
    expect((await follow('bin/web', files, {DYNO: 'web.1', JOBS: '1'}))!.argvs).toEqual(['puma'])
    expect((await follow('bin/web', files, {DYNO: 'web.1'}))!.argvs).toEqual(['puma'])
    expect((await follow('bin/web', files, {DYNO: 'web.2', JOBS: '1'}))!.argvs).toEqual(['sidekiq'])
    // A test, then `cd` and the command: all of it runs only when the test passes.
    const cd = (await follow('bin/web', {'bin/web': '#!/bin/bash\n[ "$ROLE" = jobs ] && cd jobs && exec sidekiq\nexec puma\n', 'jobs/Gemfile': ''}, {ROLE: 'web'}))!
    expect(cd.argvs).toEqual(['puma'])
    expect(cd.processes[0].cwd).toBe('')
    // A guard of two tests is still a guard.
    const guard = (await follow('bin/web', {'bin/web': '#!/bin/bash\n[ -n "$DATABASE_URL" ] && [ -n "$SECRET" ] || exit 1\nexec puma\n'}))!
    expect(guard.argvs).toEqual(['puma'])
    expect(guard.diagnostics).toEqual([])
  })

  it('ways that differ in what runs in the background: each way is its set of processes', async () => {
    const files = {'bin/web': '#!/bin/bash\nif [ -n "$JOBS_IN_WEB" ]; then\n  bundle exec sidekiq -c 2 &\nfi\nexec bundle exec puma\n'}
    const r = (await follow('bin/web', files))!
    // The first walk's processes stand as the list; every way's set travels with it (app/analyze-app.ts counts the largest).
    expect(r.argvs).toEqual(['puma', 'sidekiq -c 2 &'])
    expect(r.ways!.sets.map((set) => set.map((p) => p.command.argv.join(' ')))).toEqual([['puma', 'sidekiq -c 2'], ['puma']])
    expect(r.ways).toMatchObject({at: {file: 'bin/web', line: 2}, what: '`if [ -n "$JOBS_IN_WEB" ]` (bin/web:2) cannot be decided from the environment here'})
    // The processes carry no note of the choice: it is said only if the sets hold different numbers.
    expect(r.processes.flatMap((p) => p.assumptions)).toEqual([])
    expect(r.diagnostics).toEqual([])
    // Decided by the env: one set, no ways.
    const decided = (await follow('bin/web', files, {JOBS_IN_WEB: ''}))!
    expect(decided.argvs).toEqual(['puma'])
    expect(decided.ways).toBeUndefined()
  })

  it('a Docker entrypoint: `exec "$@"` runs the CMD it was given; `${1#-}` and `${1:-…}` read the arguments', async () => {
    // ENTRYPOINT ["bin/docker-entrypoint.sh"] with CMD ["gunicorn", "app:app", "-w", "3"]: one shell line (dockerfile.ts).
    const entry = {'bin/docker-entrypoint.sh': '#!/bin/sh\nset -e\npython manage.py migrate\nexec "$@"\n'}
    const cmd = (await follow('bin/docker-entrypoint.sh gunicorn app:app -w 3', entry))!
    expect(cmd.argvs).toEqual(['gunicorn app:app -w 3'])
    expect(cmd.processes[0].command.preCommands).toEqual([['python', 'manage.py', 'migrate']])
    // The official images' shape: a CMD that starts with a flag is the server's flags.
    const flags = {'bin/docker-entrypoint.sh': '#!/bin/sh\nset -e\nif [ "${1#-}" != "$1" ]; then\n  set -- gunicorn app:app "$@"\nfi\nexec "$@"\n'}
    expect((await follow('bin/docker-entrypoint.sh -w 3', flags))!.argvs).toEqual(['gunicorn app:app -w 3'])
    expect((await follow('bin/docker-entrypoint.sh celery -A app worker', flags))!.argvs).toEqual(['celery -A app worker'])
    // `${1:-default}` in a command and in an assignment.
    const dflt = {'bin/web': '#!/bin/bash\nWORKERS=${1:-2}\nexec gunicorn app:app -w $WORKERS --threads ${2:-4}\n'}
    expect((await follow('bin/web', dflt))!.argvs).toEqual(['gunicorn app:app -w 2 --threads 4'])
    expect((await follow('bin/web 5 8', dflt))!.argvs).toEqual(['gunicorn app:app -w 5 --threads 8'])
  })

  it('Rails\' generated bin/docker-entrypoint runs db:prepare only before `./bin/rails server`: `${@: -2:1}` is read', async () => {
    // railties' docker-entrypoint.tt (7.1+): `if [ "${@: -2:1}" == "./bin/rails" ] && [ "${@: -1:1}" == "server" ]`.
    // hackclub/fallout's Dockerfile.worker runs it with CMD ["./bin/jobs"]: the condition is false (offset -2 of one
    // argument is out of range: empty), so no migration before the job supervisor.
    const entry = {'bin/docker-entrypoint': '#!/bin/bash -e\nif [ "${@: -2:1}" == "./bin/rails" ] && [ "${@: -1:1}" == "server" ]; then\n  ./bin/rails db:prepare\nfi\nexec "${@}"\n'}
    const server = (await follow('bin/docker-entrypoint ./bin/thrust ./bin/rails server', entry))!
    expect(server.argvs).toEqual(['bin/rails server'])
    expect(server.processes[0].command.preCommands).toEqual([['bin/rails', 'db:prepare']])
    const jobs = (await follow('bin/docker-entrypoint ./bin/jobs', entry))!
    expect(jobs.argvs).toEqual(['bin/jobs'])
    expect(jobs.processes[0].command.preCommands ?? []).toEqual([])
    expect(jobs.diagnostics).toEqual([])
  })

  it("`sh -c '…'` and `bash -c \"…\"` run a script of their own: its cd, its if, its exit and its arguments are read as the shell reads them", async () => {
    // On the Procfile line: the cd moves where puma reads its files (before: a one-shot command, puma read from the root).
    const cd = (await follow(`bash -c 'cd web && exec bundle exec puma -C config/puma.rb'`, {'web/Gemfile': ''}))!
    expect(cd.argvs).toEqual(['puma -C config/puma.rb'])
    expect(cd.processes[0].cwd).toBe('web')
    // In a script: the body's `if` is decided by the environment, else kept as ways (before: read as words, the last
    // command, puma, taken silently).
    const files = {'bin/web': '#!/bin/bash\nsh -c "if [ \\"\\$ROLE\\" = jobs ]; then exec sidekiq -c 2; else exec puma; fi"\n'}
    expect((await follow('bin/web', files, {ROLE: 'jobs'}))!.argvs).toEqual(['sidekiq -c 2'])
    expect((await follow('bin/web', files, {ROLE: 'web'}))!.argvs).toEqual(['puma'])
    const undecided = (await follow('bin/web', files))!
    expect(undecided.argvs).toEqual(['sidekiq -c 2'])
    expect(undecided.processes[0].either!.runs.map((p) => p.command.argv.join(' '))).toEqual(['puma'])
    expect(undecided.diagnostics).toEqual([expect.objectContaining({code: 'unknown-config-value', file: 'bin/web', line: 2})])
    // `$0` is the word after the body, `$1`… the ones after it; the line's assignments reach the inner shell.
    const args = (await follow(`WEB_CONCURRENCY=3 bash -c 'exec puma -w $WEB_CONCURRENCY "$@"' web -t 5:5`, {}))!
    expect(args.argvs).toEqual(['puma -w 3 -t 5:5'])
    expect(args.processes[0].env.get('WEB_CONCURRENCY')?.value).toBe('3')
    // Its exit ends only it: the script goes on to puma. Started with & it is one process beside the script's, in its folder.
    const exit = (await follow('bin/web', {'bin/web': '#!/bin/bash\nbash -c \'[ -f tmp/ready ] || exit 0; rake warm\'\nsh -c \'cd jobs && exec bundle exec sidekiq\' &\nexec bundle exec puma\n', 'jobs/Gemfile': ''}))!
    expect(exit.argvs).toEqual(['puma', 'sidekiq &'])
    expect(exit.processes[1].cwd).toBe('jobs')
    expect(exit.processes[0].command.preCommands).toEqual([['rake', 'warm']])
  })

  it('under set -e a `( … )` that exits with a failure ends the script; tested by || or without set -e it does not', async () => {
    // bash: `set -e; (exit 1); exec puma` exits with status 1 before puma (errexit applies to the subshell's status).
    const ends = (await follow('bin/web', {'bin/web': '#!/bin/bash\nset -euo pipefail\n(cd assets && exit 1)\nexec puma\n'}))!
    expect(ends.processes).toEqual([])
    // The shebang's -e when the script is run as a program; `bash -e x.sh` too; `bash x.sh` ignores the shebang's.
    const shebang = {'bin/web': '#!/bin/bash -e\n(exit 3)\nexec puma\n'}
    expect((await follow('bin/web', shebang))!.processes).toEqual([])
    expect((await follow('bash bin/web', shebang))!.argvs).toEqual(['puma'])
    expect((await follow('bash -e start.sh', {'start.sh': '(exit 3)\nexec puma\n'}))!.processes).toEqual([])
    expect((await follow(`sh -ec '(exit 1); exec puma'`, {}))!.processes).toEqual([])
    // Not ended: no set -e, `set +e` after it, a status tested by ||, `exit 0`.
    for (const text of ['(exit 1)\nexec puma\n', 'set -e\nset +e\n(exit 1)\nexec puma\n', 'set -e\n(exit 1) || echo "skipped"\nexec puma\n', 'set -e\n(cd assets && exit 0)\nexec puma\n']) {
      expect((await follow('bin/web', {'bin/web': `#!/bin/bash\n${text}`}))!.argvs).toEqual(['puma'])
    }

    // `exit $RC` whose value is not known here: whether the script ends is not known; taken as going on, and said.
    const rc = {'bin/web': '#!/bin/bash\nset -e\n(cd assets; exit $BUILD_STATUS)\nexec puma\n'}
    const unknown = (await follow('bin/web', rc))!
    expect(unknown.argvs).toEqual(['puma'])
    expect(unknown.processes[0].assumptions).toEqual([{file: 'bin/web', line: 3, message: '`exit $BUILD_STATUS` in `( … )` under set -e: its status is not known here (a failure ends the script); taken as success, so the script goes on'}])
    expect(unknown.diagnostics).toEqual([expect.objectContaining({code: 'unknown-config-value', file: 'bin/web', line: 3})])
    // Known from the env: 0 goes on, nothing said; 2 ends the script. `exit` alone: the last command's status, taken as success.
    expect((await follow('bin/web', rc, {BUILD_STATUS: '0'}))!.diagnostics).toEqual([])
    expect((await follow('bin/web', rc, {BUILD_STATUS: '2'}))!.processes).toEqual([])
    const bare = (await follow('bin/web', {'bin/web': '#!/bin/bash\nset -e\n(cd assets; exit)\nexec puma\n'}))!
    expect([bare.argvs, bare.diagnostics]).toEqual([['puma'], []])

    // A guard in a subshell: the deployed app passes it (nothing assumed); with DATABASE_URL empty the script ends there.
    const guard = {'bin/web': '#!/bin/bash\nset -e\nif [ -z "$DATABASE_URL" ]; then\n  (echo "DATABASE_URL is missing"; exit 1)\nfi\nexec puma\n'}
    const passed = (await follow('bin/web', guard))!
    expect(passed.argvs).toEqual(['puma'])
    expect(passed.diagnostics).toEqual([])
    expect((await follow('bin/web', guard, {DATABASE_URL: ''}))!.processes).toEqual([])
  })

  it('set -a exports every variable assigned until set +a: `set -a; . ./env.sh; set +a` hands the file\'s values to the server', async () => {
    const files = {'bin/web': '#!/bin/bash\nset -a\n. ./config/web.env\nset +a\nLOCAL=1\nexec bundle exec puma\n', 'config/web.env': 'WEB_CONCURRENCY=4\nRAILS_MAX_THREADS=3\n'}
    const r = (await follow('bin/web', files))!
    expect(r.argvs).toEqual(['puma'])
    expect(r.processes[0].env.get('WEB_CONCURRENCY')).toMatchObject({source: {from: 'config/web.env:1', kind: 'env'}, value: '4'})
    expect(r.processes[0].env.get('RAILS_MAX_THREADS')?.value).toBe('3')
    // After set +a an assignment stays in the shell; without set -a the sourced values do too (bash).
    expect(r.processes[0].env.get('LOCAL')).toBeUndefined()
    const plain = (await follow('bin/web', {...files, 'bin/web': '#!/bin/bash\n. ./config/web.env\nexec bundle exec puma\n'}))!
    expect(plain.processes[0].env.get('WEB_CONCURRENCY')).toBeUndefined()
    expect((await follow('bin/web', {...files, 'bin/web': '#!/bin/bash\nset -o allexport\nsource config/web.env\nexec bundle exec puma\n'}))!.processes[0].env.get('WEB_CONCURRENCY')?.value).toBe('4')
  })

  it("`export $(grep -v '^#' F | xargs)` and its kin export the file's KEY=value words, each cited at its line", async () => {
    // web.env: a comment (dropped by grep -v '^#'), a quoted value (xargs removes the quotes), a blank line.
    const env = '# settings for the web dyno\nWEB_CONCURRENCY=4\n\nRAILS_MAX_THREADS="3"\n'
    const files = {'bin/web': "#!/bin/bash\nexport $(grep -v '^#' config/web.env | xargs)\nexec bundle exec puma\n", 'config/web.env': env}
    const r = (await follow('bin/web', files))!
    expect(r.argvs).toEqual(['puma'])
    expect(r.processes[0].env.get('WEB_CONCURRENCY')).toMatchObject({source: {from: 'config/web.env:2', kind: 'env'}, value: '4'})
    expect(r.processes[0].env.get('RAILS_MAX_THREADS')).toMatchObject({source: {from: 'config/web.env:4', kind: 'env'}, value: '3'})
    expect(r.diagnostics).toEqual([])
    // `xargs < F`, `cat F | xargs -d '\n'` (no quote removal: bash's word gets the quotes), and a Procfile line of its own.
    const lt = (await follow('bin/web', {...files, 'bin/web': "#!/bin/bash\nexport $(grep -v '^#' < config/web.env | xargs)\nexec puma\n"}))!
    expect(lt.processes[0].env.get('WEB_CONCURRENCY')?.value).toBe('4')
    const lines = (await follow('bin/web', {...files, 'bin/web': "#!/bin/bash\nexport $(grep -v '^#' config/web.env | xargs -d '\\n')\nexec puma\n"}))!
    expect(lines.processes[0].env.get('RAILS_MAX_THREADS')?.value).toBe('"3"')
    const line = (await follow("export $(cat config/web.env | grep -v '^#' | xargs) && bundle exec puma", files))!
    expect(line.argvs).toEqual(['puma'])
    expect(line.processes[0].env.get('WEB_CONCURRENCY')?.value).toBe('4')
  })

  it('`export $(cat .env | xargs)` of a file not in the repo, or through a stage not read: the process after it is an assumption, said', async () => {
    const r = (await follow('bin/web', {'bin/web': '#!/bin/bash\nexport $(cat .env | xargs)\nexec bundle exec puma\n'}))!
    expect(r.argvs).toEqual(['puma'])
    expect(r.processes[0].assumptions).toEqual([{file: 'bin/web', line: 2, message: '`export $(cat .env | xargs)` exports the variables its command prints, which are not known here (.env is not in the repo); what runs after it may read them'}])
    expect(r.diagnostics).toEqual([expect.objectContaining({code: 'unknown-config-value', file: 'bin/web', line: 2})])
    const sed = (await follow('bin/web', {'.env': 'A=1\n', 'bin/web': "#!/bin/bash\nexport $(sed 's/#.*//' .env | xargs)\nexec puma\n"}))!
    expect(sed.processes[0].assumptions[0].message).toContain("(`sed s/#.*// .env` is not a file read here)")
  })

  it('under set -e, a comment line fed to export (`cat .env | xargs` without grep) fails it and ends the script, as bash does', async () => {
    // bash 5.2: `export # settings WEB_CONCURRENCY=4` → "`#': not a valid identifier", status 1 → set -e exits.
    const files = {'.env': '# settings\nWEB_CONCURRENCY=4\n', 'bin/web': '#!/bin/bash\nset -e\nexport $(cat .env | xargs)\nexec puma\n'}
    const r = (await follow('bin/web', files))!
    expect(r.processes).toEqual([])
    expect(r.diagnostics).toEqual([expect.objectContaining({file: 'bin/web', line: 3, message: 'web: `export $(cat .env | xargs)` gives export `#` from .env, not a variable name: export fails and, under set -e, the script ends here (bin/web:3)'})])
    // Without set -e bash goes on: the valid words are exported.
    const on = (await follow('bin/web', {...files, 'bin/web': '#!/bin/bash\nexport $(cat .env | xargs)\nexec puma\n'}))!
    expect(on.processes[0].env.get('WEB_CONCURRENCY')?.value).toBe('4')
  })

  it('more ways through undecided branches than are compared (8): every process carries it, said, even when the compared ways agree', async () => {
    // Four ifs on variables the env does not give: 2^4 = 16 ways; the first walk, 4 with one other branch and 3 with
    // two make 8 (the cap), the other 8 are not walked.
    const four = '#!/bin/bash\nif [ -n "$A" ]; then P=1; fi\nif [ -n "$B" ]; then Q=1; fi\nif [ -n "$C" ]; then R=1; fi\nif [ -n "$D" ]; then S=1; fi\nexec bundle exec puma\n'
    const r = (await follow('bin/web', {'bin/web': four}))!
    expect(r.argvs).toEqual(['puma'])
    const message = '4 branches the environment does not decide (bin/web:2, bin/web:3, bin/web:4, bin/web:5) make more than 8 ways through the script; only 8 were compared, and another may start other processes or give them other values'
    expect(r.processes[0].assumptions).toContainEqual({file: 'bin/web', line: 2, message})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'bin/web', line: 2, message: `web: ${message}`}))
    // Three ifs: 2^3 = 8 ways, all compared; they agree (the variables are not exported), so nothing is said.
    const three = (await follow('bin/web', {'bin/web': four.replace('if [ -n "$D" ]; then S=1; fi\n', '')}))!
    expect([three.argvs, three.diagnostics, three.processes[0].assumptions]).toEqual([['puma'], [], []])
  })

  it('a for loop that starts a job in the background on each turn: that many jobs; a count not known here is said', async () => {
    // Five turns (i = 1 … 5): five workers beside each other, `wait` keeps the script up.
    const five = (await follow('bash run.sh', {'run.sh': 'for (( i=1; i<=5; i++ ))\ndo\n  COMMAND="python worker.py --chunk=100"\n  $COMMAND&\ndone\ntrap "kill 0" INT TERM EXIT\nwait\n'}))!
    expect(five.argvs).toEqual(['python worker.py --chunk=100 &'])
    expect(five.processes[0].copies).toBe(5)
    expect(five.diagnostics).toEqual([])
    // i < N from a variable the env gives (3 → 0, 1, 2), a word list, a brace range.
    const files = {'run.sh': 'for (( i=0; i<$WORKERS; i++ )); do\n  python worker.py &\ndone\nwait\n'}
    expect((await follow('bash run.sh', files, {WORKERS: '3'}))!.processes[0].copies).toBe(3)
    expect((await follow('bash run.sh', {'run.sh': 'for q in mail default low; do\n  sidekiq -q $q &\ndone\nwait\n'}))!.processes.map((p) => p.copies)).toEqual([3])
    expect((await follow('bash run.sh', {'run.sh': 'for n in {1..4}; do python worker.py & done\nwait\n'}))!.processes[0].copies).toBe(4)
    // WORKERS not given: counted once, and said, with the loop's line.
    const unknown = (await follow('bash run.sh', files))!
    expect(unknown.processes[0].copies ?? 1).toBe(1)
    expect(unknown.diagnostics).toEqual([expect.objectContaining({code: 'unknown-config-value', file: 'run.sh', line: 1, message: 'web: `for (( i=0; i<$WORKERS; i++ )); do` runs its body a number of times that cannot be read here (WORKERS has no value here); each job it starts in the background is counted once'})])
  })
})

describe('followCommand: loops whose condition is decided on entry, integer tests', () => {
  // Zipstack/unstract backend/entrypoint.sh: an argument-parsing loop whose catch-all arm exits, then gunicorn.
  const parse = '#!/bin/bash\nmigrate=false\nwhile [[ "$#" -gt 0 ]]; do\n    case $1 in\n        --migrate) migrate=true ;;\n        *) echo "Unknown argument: $1"; exit 1 ;;\n    esac\n    shift\ndone\nif [ "$migrate" = true ]; then\n    python manage.py migrate\nfi\ngunicorn --workers 2 --threads 2 backend.wsgi:application\n'

  it('with no arguments `while [[ "$#" -gt 0 ]]` never runs its body: its `exit 1` arm is not a way out', async () => {
    const r = (await follow('./entrypoint.sh', {'entrypoint.sh': parse}))!
    expect(r.argvs).toEqual(['gunicorn --workers 2 --threads 2 backend.wsgi:application'])
    expect(r.processes[0].command.preCommands ?? []).toEqual([])
    expect(r.processes[0].assumptions).toEqual([])
    expect(r.diagnostics).toEqual([])
  })

  it('an `until` whose condition already holds never runs its body; `while true` still runs it', async () => {
    const until = (await follow('./run.sh', {'run.sh': '#!/bin/sh\nuntil [ 1 -le 2 ]; do\n  exit 1\ndone\nexec gunicorn app\n'}))!
    expect(until.argvs).toEqual(['gunicorn app'])
    const forever = (await follow('./run.sh', {'run.sh': '#!/bin/sh\nwhile true; do\n  celery -A app worker\ndone\n'}))!
    expect(forever.argvs).toEqual(['celery -A app worker'])
  })

  it('integer tests (-eq -ne -lt -le -gt -ge) are decided when both sides are whole numbers, else left undecided', async () => {
    const files = {'run.sh': '#!/bin/bash\nif [ "$WORKERS" -ge 4 ]; then\n  exec gunicorn -w "$WORKERS" big:app\nelse\n  exec gunicorn -w 1 small:app\nfi\n'}
    expect((await follow('./run.sh', files, {WORKERS: '4'}))!.argvs).toEqual(['gunicorn -w 4 big:app'])
    expect((await follow('./run.sh', files, {WORKERS: '3'}))!.argvs).toEqual(['gunicorn -w 1 small:app'])
    const unset = (await follow('./run.sh', files))!
    expect(unset.processes[0].assumptions).toHaveLength(1)
    expect(unset.diagnostics).toEqual([expect.objectContaining({code: 'unknown-config-value', file: 'run.sh', line: 2})])
  })
})

describe('`[ … ]` by test(1)\'s own grammar, and the script\'s own path', () => {
  it('-a binds tighter than -o, ! than both; integers compare with -gt; a side not known here leaves `false -a …` false', async () => {
    // tree-sitter-bash nests `[ "$MODE" = web -a "$WORKERS" -gt 2 ]` as `"$MODE" = (web -a …)`: read from the words instead.
    const gated = {'bin/web': '#!/bin/sh\nif [ "$MODE" = web -a "$WORKERS" -gt 2 ]; then\n  exec gunicorn app -w "$WORKERS"\nelse\n  exec gunicorn app -w 1\nfi\n'}
    expect((await follow('bin/web', gated, {MODE: 'web', WORKERS: '4'}))!.argvs).toEqual(['gunicorn app -w 4'])
    expect((await follow('bin/web', gated, {MODE: 'web', WORKERS: '2'}))!.argvs).toEqual(['gunicorn app -w 1'])
    // WORKERS not given: `worker = web` is false, so the test is, whatever WORKERS is; nothing undecided.
    const worker = (await follow('bin/web', gated, {MODE: 'worker'}))!
    expect([worker.argvs, worker.diagnostics]).toEqual([['gunicorn app -w 1'], []])
    // `A -o ! B`: `!` applies to B alone; `[ "$X" != "" -a "$Y" = 1 ]` (another shape tree-sitter nests wrongly).
    const jobs = {'run.sh': '#!/bin/sh\nif [ "$ROLE" = worker -o ! -z "$JOBS" ]; then\n  exec celery -A app worker\nfi\nif [ "$ROLE" != "" -a "$SLOW" = 1 ]; then\n  exec gunicorn app -w 1\nfi\nexec gunicorn app -w 4\n'}
    expect((await follow('bash run.sh', jobs, {ROLE: 'worker'}))!.argvs).toEqual(['celery -A app worker'])
    expect((await follow('bash run.sh', jobs, {JOBS: '', ROLE: 'web', SLOW: '0'}))!.argvs).toEqual(['gunicorn app -w 4'])
    expect((await follow('bash run.sh', jobs, {JOBS: '2', ROLE: 'web'}))!.argvs).toEqual(['celery -A app worker'])
    expect((await follow('bash run.sh', jobs, {JOBS: '', ROLE: 'web', SLOW: '1'}))!.argvs).toEqual(['gunicorn app -w 1'])
  })

  it('SCRIPT=$(readlink -f "$0") and $(dirname "$SCRIPT"): the script\'s own path and folder, through the variable', async () => {
    // TracksApp/tracks bin/rails: `SCRIPT=$(readlink -f "$0")`, `SCRIPTPATH=$(dirname "$SCRIPT")`, `$SCRIPTPATH/run-rails "$@"`.
    const run = '#!/bin/sh\nexec gunicorn app -w "$1"\n'
    const shim = '#!/bin/sh\nSCRIPT=$(readlink -f "$0")\nSCRIPTPATH=$(dirname "$SCRIPT")\n$SCRIPTPATH/run-web "$@"\n'
    expect((await follow('bin/web 3', {'bin/run-web': run, 'bin/web': shim}))!.argvs).toEqual(['gunicorn app -w 3'])
    // realpath, ${BASH_SOURCE[0]}, `$(cd "$(dirname "$SELF")" && pwd)` and the root two levels up.
    const root = '#!/bin/bash\nSELF=$(realpath "${BASH_SOURCE[0]}")\nHERE="$(cd "$(dirname "$SELF")" && pwd)"\nROOT=$(dirname "$(dirname "$SELF")")\n"$ROOT/bin/run-web" 5 &\nexec "$HERE/run-web" 2\n'
    expect((await follow('bin/web', {'bin/run-web': run, 'bin/web': root}))!.argvs).toEqual(['gunicorn app -w 2', 'gunicorn app -w 5 &'])
    // A variable with no value here is not taken for a path: the command stays unread, as before.
    const unset = (await follow('bin/web', {'bin/run-web': run, 'bin/web': '#!/bin/sh\nexec "$(dirname "$APP_BIN")/run-web" 2\n'}))!
    expect(unset.argvs).not.toEqual(['gunicorn app -w 2'])
  })
})
