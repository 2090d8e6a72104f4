/**
 * A Celery worker whose every import conncalc has read and none reaches a database: how many connections Celery
 * itself opens then. With a broker and a result backend outside PostgreSQL (Redis, RabbitMQ, none), none: the worker
 * consumes from the broker and stores results there, and the tasks it runs (all read) query nothing. With Celery's
 * database result backend (`db+postgresql://…`) each prefork child keeps one connection: after the fork its
 * SessionManager caches one engine per URL (`create_engine(dburi)`, a QueuePool) and stores each result on it, one
 * task at a time (celery@v5.6.3 celery/backends/database/session.py:43-56 SessionManager.get_engine: `if self.forked: …
 * self._engines[dburi] = create_engine(dburi, **kwargs)`; before the fork, NullPool). Proof means: every module read parsed, every import is the app's own (read), the
 * standard library's, or a package known to open no database connection by itself; no module imported by a name
 * computed at run time (importlib, `__import__`, a config module named by a string conncalc cannot find).
 */
import type {EvalValue, PyModule} from './values.js'
import type {PythonProject} from './modules.js'
import type {CeleryConf} from './celery-conf.js'

import {fromDefault, fromFile, type Source} from '../../model/source.js'
import {asString} from './evaluate.js'

const SESSION = 'https://github.com/celery/celery/blob/v5.6.3/celery/backends/database/session.py'
const BACKENDS = 'https://docs.celeryq.dev/en/stable/userguide/configuration.html#result-backend'

// Python 3.11's sys.stdlib_module_names (public ones).
export const STDLIB = new Set('abc aifc argparse array ast asynchat asyncio asyncore atexit audioop base64 bdb binascii bisect builtins bz2 cProfile calendar cgi cgitb chunk cmath cmd code codecs codeop collections colorsys compileall concurrent configparser contextlib contextvars copy copyreg crypt csv ctypes curses dataclasses datetime dbm decimal difflib dis distutils doctest email encodings ensurepip enum errno faulthandler fcntl filecmp fileinput fnmatch fractions ftplib functools gc genericpath getopt getpass gettext glob graphlib grp gzip hashlib heapq hmac html http imaplib imghdr imp importlib inspect io ipaddress itertools json keyword lib2to3 linecache locale logging lzma mailbox mailcap marshal math mimetypes mmap modulefinder multiprocessing netrc nntplib numbers opcode operator optparse os pathlib pdb pickle pickletools pipes pkgutil platform plistlib poplib posix posixpath pprint profile pstats pty pwd py_compile pyclbr pydoc queue quopri random re readline reprlib resource rlcompleter runpy sched secrets select selectors shelve shlex shutil signal site smtpd smtplib sndhdr socket socketserver spwd sqlite3 sre_compile sre_constants sre_parse ssl stat statistics string stringprep struct subprocess sunau symtable sys sysconfig syslog tabnanny tarfile telnetlib tempfile termios textwrap threading time timeit tkinter token tokenize tomllib trace traceback tracemalloc tty types typing unicodedata unittest urllib uu uuid venv warnings wave weakref webbrowser wsgiref xdrlib xml xmlrpc zipapp zipfile zipimport zlib zoneinfo __future__'.split(' '))

/**
 * Installed packages that open no database connection by themselves (no ORM, no driver): Celery and its transport,
 * Redis, settings and HTTP clients, serialisers, logging. A package not listed here is not read, so it may.
 */
const NO_DATABASE = new Set(['amqp', 'anthropic', 'arrow', 'attr', 'attrs', 'billiard', 'boto3', 'botocore', 'bs4', 'celery', 'certifi', 'click', 'cryptography', 'dateutil', 'decouple', 'dotenv', 'environs', 'flask', 'httpx', 'itsdangerous', 'jinja2', 'joblib', 'jwt', 'kombu', 'loguru', 'lxml', 'markupsafe', 'numpy', 'openai', 'orjson', 'pandas', 'pendulum', 'PIL', 'pydantic', 'pydantic_settings', 'pytz', 'redis', 'requests', 'rich', 'scipy', 'sendgrid', 'sentry_sdk', 'simplejson', 'six', 'sklearn', 'slack_sdk', 'stripe', 'structlog', 'tenacity', 'tqdm', 'twilio', 'typing_extensions', 'ujson', 'urllib3', 'vine', 'werkzeug', 'yaml'])

/** Why conncalc cannot be sure it read every module the worker imports; undefined when it is. */
export function unreadImports(walked: readonly PyModule[], project: PythonProject): string | undefined {
  const files = new Set(walked.map((m) => m.file))
  for (const m of walked) {
    if (!m.parsed) return `${m.file} is not valid Python`
    for (const i of m.imports) {
      const written = `${'.'.repeat(i.level)}${i.module}`
      if (i.level > 0) {
        const names = Array.isArray(i.names) ? i.names : []
        const found = project.resolve(i.module, i.level, m.file) ?? names.map((n) => project.resolve(i.module ? `${i.module}.${n}` : n, i.level, m.file)).find(Boolean)
        if (!found) return `${m.file}:${i.line} imports ${written}, which is not in the app`
        continue
      }

      const top = i.module.split('.')[0]
      if (STDLIB.has(top) || NO_DATABASE.has(top)) continue
      const own = project.resolve(i.module) ?? project.resolve(top)
      if (own && files.has(own)) continue
      if (own) return `${m.file}:${i.line} imports ${i.module}, which conncalc did not read`
      return `${m.file}:${i.line} imports ${i.module}, an installed package conncalc does not read`
    }

    for (const c of m.calls) {
      if (c.callee === 'importlib.import_module' || c.callee === '__import__' || c.callee === 'importlib.__import__') return `${m.file}:${c.line} imports a module by a name computed at run time (${c.callee})`
      if (/(^|\.)(autodiscover_tasks|config_from_envvar)$/.test(c.callee) && !(c.args[0]?.kind === 'known')) return `${m.file}:${c.line} names modules conncalc cannot read (${c.callee.split('.').at(-1)})`
      if (/(^|\.)config_from_object$/.test(c.callee)) {
        const name = asString(c.args[0])
        if (name !== undefined) {
          const file = project.resolve(name.split(':')[0])
          if (!file) return `${m.file}:${c.line} configures Celery from ${name}, which is not in the app`
        } else if (c.args[0]?.kind !== 'known' && !c.argNames?.[0]) return `${m.file}:${c.line} configures Celery from an object conncalc cannot read`
      }
    }
  }

  return undefined
}

/** Where the worker stores results: none set, a database (Celery's SQLAlchemy backend), or elsewhere; unknown: why. */
export type ResultStore = {kind: 'database' | 'elsewhere' | 'none'; source: Source} | {kind: 'unknown'; why: string}

const OUTSIDE = /^(redis|rediss|sentinel|rpc|amqp|amqps|pyamqp|cache|memcache|mongodb|mongodb\+srv|s3|azureblockblob|gs|consul|couchdb|couchbase|cassandra|elasticsearch|arangodb|cosmosdbsql|dynamodb|file|filesystem)(:|$)/

/** The worker's result backend and broker, as the app's Celery config sets them (celery-conf.ts). */
export function resultStore(conf: CeleryConf | undefined): ResultStore {
  const broker = conf?.get('broker_url', 'BROKER_URL')
  if (broker && (broker.doubts.length > 0 || broker.diagnostics.length > 0)) return {kind: 'unknown', why: 'the broker may be set where conncalc cannot read it'}
  const brokerUrl = broker?.value ? asString(broker.value) : undefined
  if (broker?.value && brokerUrl === undefined && !isNone(broker.value)) return {kind: 'unknown', why: `the broker set at ${broker.at?.file}:${broker.at?.line} is not readable`}
  // kombu's SQLAlchemy transport keeps the queue in a database.
  if (brokerUrl && /^(sqla\+|sqlalchemy)/.test(brokerUrl)) return {kind: 'unknown', why: `the broker is a database (${brokerUrl.split(':')[0]}), which conncalc does not count`}
  const backend = conf?.get('result_backend', 'CELERY_RESULT_BACKEND')
  if (backend && (backend.doubts.length > 0 || backend.diagnostics.length > 0)) return {kind: 'unknown', why: 'the result backend may be set where conncalc cannot read it'}
  if (!backend?.value || isNone(backend.value)) return {kind: 'none', source: fromDefault('no result backend set: Celery stores no result (DisabledBackend)', BACKENDS)}
  const url = asString(backend.value)
  const at = fromFile(backend.at!.file, backend.at!.line)
  if (url === undefined) return {kind: 'unknown', why: `the result backend set at ${backend.at?.file}:${backend.at?.line} is not readable`}
  if (/^(db\+|database)/.test(url)) return {kind: 'database', source: at}
  if (OUTSIDE.test(url)) return {kind: 'elsewhere', source: at}
  return {kind: 'unknown', why: `conncalc does not know the result backend ${url.split(':')[0]} (${backend.at?.file}:${backend.at?.line})`}
}

const isNone = (v: EvalValue): boolean => v.kind === 'known' && (v.value === null || v.value === '' || v.value === false)

export const DATABASE_BACKEND = fromDefault("Celery's database result backend: each prefork child stores results on one engine it keeps after the fork (SessionManager.get_engine caches create_engine(dburi) per URL), one task at a time: 1 connection per child", SESSION)
