/**
 * Scalingo's scheduler: cron.json `{"jobs": [{"command": "<5 cron fields> <command>", "size": "M"}]}`. Each job
 * runs in a one-off container of its own (https://doc.scalingo.com/platform/app/task-scheduling/scalingo-scheduler),
 * so its connections add to the app's while it runs. They are not a process type and not in the total (like Heroku
 * Scheduler's, which leave no file); this says how many can start in the same minute, so that --reserve can keep
 * room for them. Only the minute and hour fields are compared: jobs whose days differ are still said to coincide
 * (an upper bound), and a schedule that cannot be read coincides with every other.
 */
import type {Diagnostic} from '../model/diagnostic.js'
import type {FileReader} from '../model/files.js'

const DOCS = 'https://doc.scalingo.com/platform/app/task-scheduling/scalingo-scheduler'
const MINUTES_A_DAY = 24 * 60
/** `@hourly` and the daily-or-rarer macros, as minute and hour fields. */
const MACROS: Record<string, [string, string]> = {
  '@annually': ['0', '0'],
  '@daily': ['0', '0'],
  '@hourly': ['0', '*'],
  '@midnight': ['0', '0'],
  '@monthly': ['0', '0'],
  '@weekly': ['0', '0'],
  '@yearly': ['0', '0'],
}

interface Job {
  command: string
  line: number
  /** Minutes of the day it may start at; undefined when the schedule cannot be read. */
  minutes?: Set<number>
  schedule: string
}

/** The values of one cron field between 0 and max: `*`, `a`, `a-b`, each with an optional step `/n`, and lists of them. */
function field(text: string, max: number): number[] | undefined {
  const out = new Set<number>()
  for (const part of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part)
    if (!m) return undefined
    const from = m[1] === '*' ? 0 : Number(m[2])
    const to = m[1] === '*' ? max : m[3] === undefined ? (m[4] === undefined ? from : max) : Number(m[3])
    const step = m[4] === undefined ? 1 : Number(m[4])
    if (from > to || to > max || step < 1) return undefined
    for (let v = from; v <= to; v += step) out.add(v)
  }

  return [...out]
}

function parseJob(command: string, line: number): Job {
  const words = command.trim().split(/\s+/)
  const macro = MACROS[words[0]]
  const [minute, hour, rest] = macro ? [macro[0], macro[1], words.slice(1)] : [words[0], words[1], words.slice(5)]
  const schedule = macro ? words[0] : words.slice(0, 5).join(' ')
  const ms = minute === undefined ? undefined : field(minute, 59)
  const hs = hour === undefined ? undefined : field(hour, 23)
  if (!ms || !hs || rest.length === 0) return {command: command.trim(), line, schedule}
  const minutes = new Set<number>()
  for (const h of hs) for (const m of ms) minutes.add(h * 60 + m)
  return {command: rest.join(' '), line, minutes, schedule}
}

function jobsOf(text: string): Job[] | undefined {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    return undefined
  }

  const list = (doc as {jobs?: unknown})?.jobs
  if (!Array.isArray(list)) return undefined
  const lines = text.split(/\r?\n/)
  const commands = list.map((j) => (j as {command?: unknown})?.command).filter((c): c is string => typeof c === 'string' && c.trim() !== '')
  return commands.map((c) => {
    const at = lines.findIndex((l) => l.includes(JSON.stringify(c).slice(1, -1)))
    return parseJob(c, at === -1 ? 1 : at + 1)
  })
}

/** The largest set of jobs that may start in the same minute (unread schedules join every set). */
function busiestMinute(jobs: Job[]): Job[] {
  const unread = jobs.filter((j) => !j.minutes)
  let best: Job[] = []
  for (let minute = 0; minute < MINUTES_A_DAY; minute++) {
    const at = jobs.filter((j) => j.minutes?.has(minute))
    if (at.length > best.length) best = at
  }

  return [...best, ...unread]
}

/**
 * An info line when cron.json schedules jobs and the reserve (--reserve, the config file's, else 0) leaves less room
 * than the jobs that may start together, one connection each.
 */
export function scheduledJobs(files: FileReader, reserve: number): Diagnostic[] {
  const file = files.read('cron.json')
  if (!file) return []
  const jobs = jobsOf(file.text)
  return jobs ? said(file.path, jobs, 'Scalingo job', DOCS, reserve) : []
}

/**
 * Dokku's scheduler: app.json `"cron": [{"command": "…", "schedule": "<5 cron fields or @macro>"}]` (Dokku ≥ 0.23;
 * Heroku's app.json has no such key). "Each scheduled task is executed within a one-off run container"
 * (DOKKU_CRON_DOCS), so, as with Scalingo's, the jobs that may start in the same minute are said against the reserve.
 */
export const DOKKU_CRON_DOCS = 'https://dokku.com/docs/processes/scheduled-cron-tasks/'

export function dokkuCronJobs(text: string, path: string, reserve: number): Diagnostic[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    return []
  }

  const list = (doc as {cron?: unknown})?.cron
  if (!Array.isArray(list)) return []
  const lines = text.split(/\r?\n/)
  const jobs: Job[] = []
  for (const entry of list) {
    const {command, schedule} = (entry ?? {}) as {command?: unknown; schedule?: unknown}
    if (typeof command !== 'string' || command.trim() === '') continue
    const at = lines.findIndex((l) => l.includes(JSON.stringify(command).slice(1, -1)))
    // An entry without a readable schedule still runs (Dokku validates it at deploy): taken as starting with every other.
    jobs.push(typeof schedule === 'string' ? parseJob(`${schedule.trim()} ${command}`, at === -1 ? 1 : at + 1) : {command: command.trim(), line: at === -1 ? 1 : at + 1, schedule: String(schedule)})
  }

  return said(path, jobs, 'Dokku cron task', DOKKU_CRON_DOCS, reserve)
}

function said(path: string, jobs: Job[], what: string, docs: string, reserve: number): Diagnostic[] {
  if (jobs.length === 0) return []
  const together = busiestMinute(jobs)
  if (together.length <= reserve) return []
  const unread = together.filter((j) => !j.minutes)
  const read = together.filter((j) => j.minutes)
  const schedules = [...new Set(read.map((j) => j.schedule))].map((s) => `\`${s}\``).join(', ')
  const which = [
    read.length > 0 ? `${read.length === 1 ? 'one' : `${read.length}`} on ${schedules}: ${read.map((j) => j.command).join('; ')}` : undefined,
    unread.length > 0 ? `${unread.length} whose schedule conncalc cannot read (${unread.map((j) => `line ${j.line}`).join(', ')}), taken as starting with them` : undefined,
  ].filter(Boolean).join('; ')
  const n = jobs.length
  return [
    {
      code: 'scheduled-jobs',
      file: path,
      fix: `pass --reserve ${together.length} (more if a job opens several connections or runs past its next start) to keep room for them`,
      line: together[0]?.line ?? 1,
      message:
        `${path} schedules ${n} ${what}${n === 1 ? '' : 's'}, each in a one-off container with database connections of its own (${docs}); ` +
        `up to ${together.length} may start in the same minute (${which}). They are not in the total; the reserve keeps ${reserve} free`,
      severity: 'info',
    },
  ]
}
