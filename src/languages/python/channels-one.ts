/**
 * Django Channels 1.x (2016–2018): Daphne 1.x is only an interface server — it relays HTTP and
 * WebSocket messages to the channel layer (Redis) and runs no Django view — and
 * `manage.py runworker` runs the consumers and views, `--threads` workers of one thread each
 * (default 1), each thread with Django's connection per alias. Channels 2 replaced both.
 * A Channels 1 app is known by its pins (channels or daphne below 2) or by Daphne serving a
 * channel layer (`daphne chat.asgi:channel_layer`, the attribute made by
 * channels.asgi.get_channel_layer() or an asgi_redis ChannelLayer).
 */
import type {FileReader} from '../../model/files.js'
import type {PythonProject} from './modules.js'

import {fromDefault, fromFile, type Source} from '../../model/source.js'
import {isCall} from './evaluate.js'
import {moduleOfAppSpec} from './modules.js'
import {pinnedVersion} from './pins.js'

export const CHANNELS_1_DEPLOY = 'https://github.com/django/channels/blob/1.1.8/docs/deploying.rst'
// parser.add_argument('--threads', …, default=1, type=int); n_threads == 1 → Worker, else WorkerGroup(n_threads).
export const CHANNELS_1_RUNWORKER = 'https://github.com/django/channels/blob/1.1.8/channels/management/commands/runworker.py'

/** Why the app is on Channels 1, as sources; undefined when nothing says so. */
export function channelsOnePin(files: FileReader): Source[] | undefined {
  for (const name of ['channels', 'daphne']) {
    const pin = pinnedVersion(files, name)
    if (pin && Number.parseInt(pin.version, 10) < 2) return [fromDefault(`${name} ${pin.version} is Channels 1.x`, CHANNELS_1_DEPLOY), fromFile(pin.file, pin.line)]
  }

  return undefined
}

/** Daphne's app spec names a Channels 1 channel layer (`chat.asgi:channel_layer`), read from its module. */
export async function servesChannelLayer(project: PythonProject, spec: string | undefined): Promise<Source[] | undefined> {
  const module = moduleOfAppSpec(spec)
  const attr = spec?.split(':')[1]?.trim()
  const file = module ? project.resolve(module) : undefined
  if (!file || !attr) return undefined
  const v = (await project.load(file))?.names.get(attr)
  if (!v || !isCall(v) || !/(^|\.)get_channel_layer$|ChannelLayer$/.test(v.value.callee)) return undefined
  return [fromFile(v.file, v.line), fromDefault(`${attr} is a Channels 1 channel layer (${v.value.callee}())`, CHANNELS_1_DEPLOY)]
}

// asgiref sync.py (≥ 3.3, where sync_to_async defaults to thread_sensitive=True): a thread-sensitive call
// with no outer sync thread and no ThreadSensitiveContext (only Django's ASGIHandler makes one, per HTTP
// request) runs on `single_thread_executor = ThreadPoolExecutor(max_workers=1)`.
export const ASGIREF_SYNC = 'https://github.com/django/asgiref/blob/main/asgiref/sync.py'
// Channels ≥ 2 runworker: a Worker (channels/worker.py) consuming the named channels on one event loop;
// SyncConsumer dispatches through database_sync_to_async, a SyncToAsync subclass. Channels 4 requires asgiref ≥ 3.5.
export const CHANNELS_RUNWORKER = 'https://github.com/django/channels/blob/main/channels/management/commands/runworker.py'

/**
 * Why a Channels ≥ 2 `runworker` does its database work on one thread, as sources: asgiref pinned at
 * 3.3 or later, or Channels 4 (which requires it). Undefined when the pins do not say.
 */
export function singleThreadWorkerPin(files: FileReader): Source[] | undefined {
  const asgiref = pinnedVersion(files, 'asgiref')
  if (asgiref) {
    const [major, minor] = asgiref.version.split('.').map(Number)
    return major > 3 || (major === 3 && minor >= 3) ? [fromDefault(`asgiref ${asgiref.version}: sync_to_async is thread-sensitive by default (≥ 3.3)`, ASGIREF_SYNC), fromFile(asgiref.file, asgiref.line)] : undefined
  }

  const channels = pinnedVersion(files, 'channels')
  if (channels && Number.parseInt(channels.version, 10) >= 4) return [fromDefault(`channels ${channels.version} requires asgiref ≥ 3.5, whose sync_to_async is thread-sensitive by default`, CHANNELS_RUNWORKER), fromFile(channels.file, channels.line)]
  return undefined
}
