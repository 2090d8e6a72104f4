/**
 * Programs a Procfile line or a start script runs that are not the app's server, and
 * what conncalc knows of them — one table, each row with its reason:
 * - `finishes`: it ends at once, or only waits (`echo`, `sleep`, `wait`, `curl`,
 *   `rclone`): never what stays up in the dyno, so the script reader passes over it
 *   when it looks for the process (a command after it, or one sent to the background,
 *   is the process).
 * - `stays-up`: it runs as long as the dyno (`nginx`, `redis-server`, `tail -f`) and
 *   is a process of its own there, but it holds no PostgreSQL connection.
 * `connections` is what it holds while it runs: 0 for all but PostgreSQL's own clients
 * (`pg_dump`, `psql`), which hold one. A row is here only when that is certain; a
 * program that loads the app (a clock, a runner, a framework's CLI) never is.
 */
import {programName} from '../common/setting.js'

export interface KnownProgram {
  /** Database connections it holds while it runs. */
  connections: number
  kind: 'finishes' | 'stays-up'
  ref: string
  /** Why, for --explain: "nginx is a web server and reverse proxy". */
  what: string
}

const COREUTILS = 'https://www.gnu.org/software/coreutils/manual/coreutils.html'
const BASH = 'https://www.gnu.org/software/bash/manual/bash.html#Shell-Builtin-Commands'

/** Shell builtins and file utilities: they finish at once or only wait, and touch no database. */
const BUILTINS = [
  '.', ':', '[', '[[', 'alias', 'break', 'continue', 'declare', 'echo', 'exit', 'export', 'false', 'kill', 'local', 'printf', 'read', 'readonly',
  'return', 'set', 'shift', 'shopt', 'source', 'test', 'trap', 'true', 'type', 'ulimit', 'umask', 'unset', 'wait',
]
const FILE_UTILITIES = [
  'basename', 'cat', 'chmod', 'chown', 'cp', 'date', 'dirname', 'gzip', 'gunzip', 'ln', 'ls', 'md5sum', 'mkdir',
  'mkfifo', 'mv', 'pwd', 'rm', 'sed', 'sha256sum', 'sleep', 'tar', 'touch', 'unzip', 'whoami',
]

const TABLE = new Map<string, KnownProgram>([
  ...BUILTINS.map((n): [string, KnownProgram] => [n, {connections: 0, kind: 'finishes', ref: BASH, what: `\`${n}\` is a shell builtin that finishes at once or only waits`}]),
  ...FILE_UTILITIES.map((n): [string, KnownProgram] => [n, {connections: 0, kind: 'finishes', ref: COREUTILS, what: `\`${n}\` is a file utility that finishes at once or only waits`}]),
  ['cd', {connections: 0, kind: 'finishes', ref: BASH, what: '`cd` changes the folder'}],
  // procps: send a signal to processes found by name or parent (`pkill -P $$` after `wait -n` stops the script's other
  // jobs) and exit; pgrep only lists them.
  ...['pkill', 'pgrep'].map((n): [string, KnownProgram] => [n, {connections: 0, kind: 'finishes', ref: 'https://man7.org/linux/man-pages/man1/pkill.1.html', what: `\`${n}\` signals or lists processes by name and exits`}]),
  // s6's service control (`s6-svc -Od .` in a run script: stay down, do not restart): it signals s6-supervise and exits.
  ['s6-svc', {connections: 0, kind: 'finishes', ref: 'https://skarnet.org/software/s6/s6-svc.html', what: 's6-svc sends a command to a service supervisor and exits'}],
  ['curl', {connections: 0, kind: 'finishes', ref: 'https://curl.se/docs/manpage.html', what: 'curl makes one HTTP request and exits'}],
  ['wget', {connections: 0, kind: 'finishes', ref: 'https://www.gnu.org/software/wget/manual/wget.html', what: 'wget downloads a file and exits'}],
  ['rclone', {connections: 0, kind: 'finishes', ref: 'https://rclone.org/commands/', what: 'rclone copies files to or from cloud storage and exits'}],
  ['erb', {connections: 0, kind: 'finishes', ref: 'https://docs.ruby-lang.org/en/master/ERB.html', what: 'erb renders a template file and exits'}],
  ['pybabel', {connections: 0, kind: 'finishes', ref: 'https://babel.pocoo.org/en/latest/cmdline.html', what: 'pybabel extracts, updates or compiles message catalogs (files) and exits'}],
  // Scalingo's PostgreSQL client installer (dbclient-fetcher pgsql 15): downloads the client binaries.
  ['dbclient-fetcher', {connections: 0, kind: 'finishes', ref: 'https://doc.scalingo.com/databases/postgresql/dump-restore', what: 'dbclient-fetcher downloads database client binaries and exits'}],
  // PostgreSQL's own clients: one connection while they run (pg_dump -j N opens N + 1: counted by pgClientConnections).
  ['pg_dump', {connections: 1, kind: 'finishes', ref: 'https://www.postgresql.org/docs/current/app-pgdump.html', what: 'pg_dump reads the database over one connection and exits'}],
  ['pg_restore', {connections: 1, kind: 'finishes', ref: 'https://www.postgresql.org/docs/current/app-pgrestore.html', what: 'pg_restore writes a dump over one connection and exits'}],
  ['psql', {connections: 1, kind: 'finishes', ref: 'https://www.postgresql.org/docs/current/app-psql.html', what: 'psql runs its commands over one connection'}],
  ['nginx', {connections: 0, kind: 'stays-up', ref: 'https://nginx.org/en/docs/beginners_guide.html', what: 'nginx is a web server and reverse proxy (it does not speak the PostgreSQL protocol)'}],
  // heroku-buildpack-nginx's bin/start-nginx runs the command after it (none here) beside nginx; -solo and -static run nginx alone.
  ...['start-nginx', 'start-nginx-debug', 'start-nginx-solo', 'start-nginx-static'].map((n): [string, KnownProgram] => [n, {connections: 0, kind: 'stays-up', ref: 'https://github.com/heroku/heroku-buildpack-nginx/blob/main/bin/start-nginx', what: `\`bin/${n}\` with no command after it runs nginx alone, a web server and reverse proxy`}]),
  ['redis-server', {connections: 0, kind: 'stays-up', ref: 'https://redis.io/docs/latest/operate/oss_and_stack/management/config/', what: 'redis-server is Redis itself'}],
  ['memcached', {connections: 0, kind: 'stays-up', ref: 'https://github.com/memcached/memcached/wiki', what: 'memcached is a cache server'}],
  // Other servers a Procfile line may start in a dyno: each is a database or broker of its own, never a PostgreSQL client.
  ['elasticsearch', {connections: 0, kind: 'stays-up', ref: 'https://www.elastic.co/guide/en/elasticsearch/reference/current/starting-elasticsearch.html', what: 'elasticsearch is the Elasticsearch search server (a Java program that speaks HTTP, not the PostgreSQL protocol)'}],
  ['opensearch', {connections: 0, kind: 'stays-up', ref: 'https://opensearch.org/docs/latest/install-and-configure/install-opensearch/tar/', what: 'opensearch is the OpenSearch search server (HTTP, not the PostgreSQL protocol)'}],
  ['meilisearch', {connections: 0, kind: 'stays-up', ref: 'https://www.meilisearch.com/docs/learn/self_hosted/getting_started_with_self_hosted_meilisearch', what: 'meilisearch is the Meilisearch search server (HTTP, not the PostgreSQL protocol)'}],
  ['typesense-server', {connections: 0, kind: 'stays-up', ref: 'https://typesense.org/docs/guide/install-typesense.html', what: 'typesense-server is the Typesense search server (HTTP, not the PostgreSQL protocol)'}],
  // Local stand-ins for AWS services kept on a development Procfile line (Ruby gems): each serves its own HTTP API from
  // memory or files, not the database.
  ['fake_sqs', {connections: 0, kind: 'stays-up', ref: 'https://github.com/iain/fake_sqs#readme', what: 'fake_sqs is a local SQS stand-in (a Rack server keeping its queues in memory or a YAML file)'}],
  ['fakes3', {connections: 0, kind: 'stays-up', ref: 'https://github.com/jubos/fake-s3#readme', what: 'fakes3 is a local S3 stand-in (a server keeping its objects on the file system)'}],
  // A Heroku dyno watchdog (the whacamole gem): reads the dynos' memory from the Heroku API and log stream and restarts
  // dynos over a threshold; its config names Heroku apps and dyno types, never a database.
  ['whacamole', {connections: 0, kind: 'stays-up', ref: 'https://github.com/arches/whacamole#readme', what: 'whacamole watches the dynos\' memory through the Heroku API and restarts the large ones; it opens no database connection'}],
  // Development mail catchers kept on a Procfile line (hitobito/hitobito `mail: mailcatcher -f --smtp-port 2025`): each is an
  // SMTP server with a web page that keeps the messages it catches in memory or its own store, not the app's database.
  ['mailcatcher', {connections: 0, kind: 'stays-up', ref: 'https://github.com/sj26/mailcatcher#readme', what: 'mailcatcher is a development SMTP server that keeps the mail it catches in its own in-memory SQLite database'}],
  ['mailhog', {connections: 0, kind: 'stays-up', ref: 'https://github.com/mailhog/MailHog/blob/master/docs/CONFIG.md', what: 'MailHog is a development SMTP server that keeps the mail it catches in memory, a maildir or MongoDB'}],
  ['MailHog', {connections: 0, kind: 'stays-up', ref: 'https://github.com/mailhog/MailHog/blob/master/docs/CONFIG.md', what: 'MailHog is a development SMTP server that keeps the mail it catches in memory, a maildir or MongoDB'}],
  ['mailpit', {connections: 0, kind: 'stays-up', ref: 'https://mailpit.axllent.org/docs/configuration/runtime-options/', what: 'Mailpit is a development SMTP server that keeps the mail it catches in its own SQLite database'}],
  ['maildev', {connections: 0, kind: 'stays-up', ref: 'https://github.com/maildev/maildev#readme', what: 'MailDev is a development SMTP server (Node) that keeps the mail it catches in memory and a temporary folder'}],
  ['mongod', {connections: 0, kind: 'stays-up', ref: 'https://www.mongodb.com/docs/manual/reference/program/mongod/', what: 'mongod is the MongoDB server'}],
  ['rabbitmq-server', {connections: 0, kind: 'stays-up', ref: 'https://www.rabbitmq.com/docs/man/rabbitmq-server.8', what: 'rabbitmq-server is the RabbitMQ message broker'}],
  // System daemons an image's process supervisor (s6, supervisord) keeps beside the app (gogs/gogs' docker/s6/openssh and
  // docker/s6/syslogd): an SSH server and system loggers, none a PostgreSQL client.
  ['sshd', {connections: 0, kind: 'stays-up', ref: 'https://man.openbsd.org/sshd.8', what: 'sshd is the OpenSSH server (it speaks SSH, not the PostgreSQL protocol)'}],
  ...['syslogd', 'rsyslogd'].map((n): [string, KnownProgram] => [n, {connections: 0, kind: 'stays-up', ref: 'https://man7.org/linux/man-pages/man8/syslogd.8.html', what: `${n} is a system logger (it writes log messages to files or the console)`}]),
])

/** `pg_dump -j N` / `--jobs=N` / `pg_restore -j N`: N worker connections and the leader's. */
function parallelJobs(args: readonly string[]): number | undefined {
  for (let i = 0; i < args.length; i++) {
    const m = /^(?:-j|--jobs=?)(\d*)$/.exec(args[i])
    if (!m) continue
    const n = Number(m[1] || args[i + 1])
    return Number.isInteger(n) && n > 0 ? n : undefined
  }

  return undefined
}

/** What the program of this argv is, when the table knows it (`exec`, `command`, `nohup` looked through). */
export function knownProgram(argv: readonly string[]): KnownProgram | undefined {
  let i = 0
  while (argv[i] === 'exec' || argv[i] === 'command' || argv[i] === 'nohup') i++
  const word = argv[i]
  if (word === undefined) return undefined
  // `.` and `[` are names themselves; a path (`/usr/bin/curl`, `${HOME}/bin/pg_dump` expanded) is its last part.
  const name = word.includes('/') ? programName(word) : word
  const args = argv.slice(i + 1)
  if (name === 'tail') {
    // `tail -f` follows a log for as long as the dyno runs; without -f it prints and exits.
    const follows = args.some((a) => /^-[a-zA-Z]*[fF]/.test(a) || a === '--follow' || a.startsWith('--follow='))
    return {connections: 0, kind: follows ? 'stays-up' : 'finishes', ref: 'https://www.gnu.org/software/coreutils/manual/html_node/tail-invocation.html', what: follows ? '`tail -f` prints a log file' : '`tail` prints the end of a file and exits'}
  }

  // An interactive shell (`rails console`, irb, pry) reads commands from its input: a dyno a process type starts has
  // no terminal, so it reads the end of its input at once and exits (the Procfile line is there for `heroku run console`).
  // `rails dbconsole` runs the database's own client (psql), which connects before it reads its input.
  if (name === 'rails' && ['dbconsole', 'db'].includes(args[0] ?? '')) return {connections: 1, kind: 'finishes', ref: 'https://guides.rubyonrails.org/command_line.html#bin-rails-dbconsole', what: '`rails dbconsole` runs psql, which opens one connection, reads its input and exits'}
  const console = (name === 'rails' && ['console', 'c'].includes(args[0] ?? '')) || name === 'irb' || name === 'pry'
  if (console) return {connections: 0, kind: 'finishes', ref: 'https://devcenter.heroku.com/articles/one-off-dynos', what: `\`${[name, ...args.slice(0, 1)].join(' ')}\` is an interactive shell: in a dyno a process type starts, with no terminal, it reads the end of its input and exits (it is meant for \`heroku run\`)`}

  if (name === 'caddy') {
    // Caddy is a web server and reverse proxy (Go; HTTP, not the PostgreSQL protocol). `caddy start` starts it in the
    // background and returns; `caddy run`, `reverse-proxy`, `file-server` keep it in the foreground.
    const starts = args[0] === 'start'
    return {connections: 0, kind: starts ? 'finishes' : 'stays-up', ref: 'https://caddyserver.com/docs/command-line', what: starts ? '`caddy start` starts Caddy, a web server and reverse proxy, in the background and returns' : 'Caddy is a web server and reverse proxy (it does not speak the PostgreSQL protocol)'}
  }

  if (name === 'tsc') {
    // The TypeScript compiler type-checks and writes JavaScript files: it never loads the app's modules. `tsc -w`
    // (`--watch`, also with `-b`) keeps watching the sources and compiles again on each change; otherwise it exits.
    const watches = args.some((a) => a === '-w' || a === '--watch')
    return {connections: 0, kind: watches ? 'stays-up' : 'finishes', ref: 'https://www.typescriptlang.org/docs/handbook/compiler-options.html', what: watches ? '`tsc --watch` compiles the TypeScript sources again when they change (it never loads the app)' : '`tsc` compiles the TypeScript sources and exits'}
  }

  if (name === 'aws') {
    // The AWS CLI calls AWS's HTTP APIs (never the PostgreSQL protocol) and exits; `aws logs push` (the
    // CloudWatch Logs agent plugin) and `aws logs tail --follow` keep shipping or printing logs until stopped.
    const follows = args[0] === 'logs' && (args[1] === 'push' || args.includes('--follow') || args.includes('-f'))
    return {connections: 0, kind: follows ? 'stays-up' : 'finishes', ref: 'https://docs.aws.amazon.com/cli/latest/reference/', what: follows ? '`aws logs` ships or follows log files' : 'the AWS CLI makes AWS API calls and exits'}
  }

  const row = TABLE.get(name)
  if (!row) return undefined
  if ((name === 'pg_dump' || name === 'pg_restore') && parallelJobs(args)) {
    const n = parallelJobs(args)!
    return {...row, connections: n + 1, what: `${name} -j ${n} opens ${n} worker connections and its own (${n + 1})`}
  }

  return row
}

/** A command that finishes at once or only waits (`echo`, `sleep`, `wait`, `curl`, …): never the dyno's server. */
export const finishesAtOnce = (argv: readonly string[]): boolean => knownProgram(argv)?.kind === 'finishes'
