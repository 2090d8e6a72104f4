/**
 * Django Q's cluster, `manage.py qcluster` (django-q2 as read at the commits below; Koed00/django-q's cluster.py,
 * 03abbc96, has the same processes, scheduler and ORM broker): the command
 * starts a Sentinel process that forks `workers` worker processes, one monitor and one pusher (django_q/cluster.py
 * Sentinel.spawn_cluster), then guards them.
 *
 * - Workers run one task at a time each (worker.py): Django's connection per alias, like any process.
 *   Q_CLUSTER["workers"] (default, and when falsy: multiprocessing.cpu_count(); conf.py Conf.WORKERS).
 * - The monitor saves every result to the ORM (monitor.py save_task: Task/Success models): one connection.
 * - The pusher pulls tasks from the broker: with the ORM broker (Q_CLUSTER["orm"]) that is a query on the
 *   database (brokers/orm.py dequeue): one connection; Redis and other brokers: none on PostgreSQL.
 * - The Sentinel calls scheduler() every 30 s of its guard loop unless Q_CLUSTER["scheduler"] is False
 *   (cluster.py guard; scheduler.py selects Schedule rows for update): one connection, kept between runs.
 * The qcluster command's own process only waits for the Sentinel.
 */
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Extra} from '../../model/process.js'
import type {EvalValue} from './values.js'

import {assumed, fromDefault, fromFile, sourced, type Sourced} from '../../model/source.js'
import {asInteger, entry, isDict} from './evaluate.js'
import {pyCandidate} from './candidate.js'
import {append} from '../../util/arrays.js'

const CLUSTER = 'https://github.com/django-q2/django-q2/blob/0ba6a51ecfd065c29ed550ffcfd9ae1d02bb094f/django_q/cluster.py'
const CONF = 'https://github.com/django-q2/django-q2/blob/14bddb4102b9156ec0e43f120b9f54505e94d5c8/django_q/conf.py'
const ORM_BROKER = 'https://github.com/django-q2/django-q2/blob/2bfd6b3af5998acc1b0cc6dfabc7f897b2a2b6cb/django_q/brokers/orm.py'

export interface DjangoQCluster {
  diagnostics: Diagnostic[]
  extrasPerDyno: Extra[]
  processes: Sourced<number>
  threads: Sourced<number>
}


const truthy = (v: EvalValue): boolean | undefined => (v.kind !== 'known' ? undefined : v.value === null || v.value === false || v.value === 0 || v.value === '' ? false : typeof v.value === 'object' ? undefined : true)

/**
 * @param settings the names of the Django settings module the command runs with (undefined: not found).
 * @param settingsName its dotted name, for messages.
 */
export function djangoQCluster(ctx: AnalyzerContext, settings: Map<string, EvalValue> | undefined, settingsName: string | undefined): DjangoQCluster {
  const diagnostics: Diagnostic[] = []
  const where = settingsName ?? 'the settings module'
  const conf = settings?.get('Q_CLUSTER')
  // Q_CLUSTER_NAME names another cluster: ALT_CLUSTERS[name] is laid over Q_CLUSTER (conf.py Conf).
  const name = ctx.env.get('Q_CLUSTER_NAME')
  const alt = name?.value ? entry(entry(conf, 'ALT_CLUSTERS'), name.value) : undefined
  const setting = (key: string): EvalValue | undefined => entry(alt, key) ?? entry(conf, key)
  const unread = conf !== undefined && (!isDict(conf) || conf.value.partial === true)
  if (unread) diagnostics.push({code: 'unknown-config-value', file: conf.file, line: conf.line, message: `${ctx.processType}: cannot read Q_CLUSTER (${conf.kind === 'unknown' ? conf.reason : 'not a dict conncalc can read'}); Django Q's defaults assumed where it may set them`, processType: ctx.processType, severity: 'warning'})
  const doubt = (what: string) => (unread ? [assumed(`Q_CLUSTER at ${conf.file}:${conf.line} may set ${what}, and conncalc cannot read it`)] : settings === undefined ? [assumed(`the Django settings module was not found, so Q_CLUSTER is not known: Django Q's default ${what} assumed`)] : [])

  // Workers: Q_CLUSTER["workers"], or cpu_count() when unset or falsy.
  const cpu = (): Sourced<number> => {
    const n = ctx.dyno?.nproc
    const what = fromDefault("Django Q's default workers: the number of CPUs (multiprocessing.cpu_count())", CONF)
    return n ? sourced(n.value, what, [n.source, ...(n.via ?? []), ...doubt('workers')]) : sourced(8, what, [assumed('dyno CPU count unknown; 8, as on Standard dynos'), ...doubt('workers')])
  }

  const set = setting('workers')
  let processes: Sourced<number>
  if (set && asInteger(set) === 0) {
    const n = cpu()
    processes = sourced(n.value, fromFile(set.file, set.line), [fromDefault('Q_CLUSTER["workers"] is 0: Django Q starts one worker per CPU', CONF), n.source, ...(n.via ?? [])])
  } else if (set) {
    const c = pyCandidate(set, 'Django Q Q_CLUSTER["workers"]')
    append(diagnostics, c.diagnostics)
    processes = c.value ?? {...cpu(), via: [...(cpu().via ?? []), assumed(`Q_CLUSTER["workers"] at ${set.file}:${set.line} is not a number conncalc can read; the CPU count is assumed`)]}
  } else processes = cpu()

  processes = {...processes, via: [...(processes.via ?? []), fromDefault(`qcluster forks ${processes.value} worker processes, plus a monitor, a pusher and the Sentinel that guards them`, CLUSTER)]}
  const threads = sourced(1, fromDefault('each Django Q worker process runs one task at a time', CLUSTER))

  const extras: Extra[] = []
  const one = (why: string, ref: string, via: ReturnType<typeof fromFile>[] = []) => sourced(1, fromDefault(why, ref), via)
  extras.push({count: one("Django Q's monitor saves every task's result through the ORM (monitor.py save_task)", CLUSTER), kind: 'django-q-monitor', reason: "Django Q's monitor process (saves results)"})

  const orm = setting('orm')
  if (orm) {
    extras.push({count: one('with the ORM broker (Q_CLUSTER["orm"]) the pusher polls the OrmQ table for tasks', ORM_BROKER, [fromFile(orm.file, orm.line)]), kind: 'django-q-pusher', reason: "Django Q's pusher process (polls the ORM broker)"})
  } else if (unread || settings === undefined) {
    extras.push({count: sourced(1, assumed(`Q_CLUSTER is not readable: the ORM broker is assumed, whose pusher polls the database (Redis and other brokers would hold none)`), [fromDefault('the ORM broker\'s pusher queries the OrmQ table', ORM_BROKER)]), kind: 'django-q-pusher', reason: "Django Q's pusher process (may poll the ORM broker)"})
  }

  const scheduler = setting('scheduler')
  const schedulerOn = scheduler ? truthy(scheduler) : true
  if (schedulerOn !== false) {
    const via = scheduler ? [fromFile(scheduler.file, scheduler.line)] : []
    if (schedulerOn === undefined && scheduler) via.push(assumed(`Q_CLUSTER["scheduler"] at ${scheduler.file}:${scheduler.line} is not a value conncalc can read; the scheduler is taken as on`))
    extras.push({count: one('the Sentinel runs the scheduler every 30 s of its guard loop (Schedule rows selected for update) unless Q_CLUSTER["scheduler"] is False; its connection stays open between runs', CLUSTER, via), kind: 'django-q-scheduler', reason: "Django Q's Sentinel process (runs the scheduler)"})
  }

  if (settings === undefined) {
    diagnostics.push({code: 'unknown-config-value', fix: 'point DJANGO_SETTINGS_MODULE at the settings the dyno runs with (--env DJANGO_SETTINGS_MODULE=…)', message: `${ctx.processType}: \`manage.py qcluster\` takes its workers from Q_CLUSTER in ${where}, but the Django settings module was not found; Django Q's defaults assumed`, processType: ctx.processType, severity: 'warning'})
  }

  return {diagnostics, extrasPerDyno: extras, processes, threads}
}
