/**
 * Action Cable's subscription adapter in config/cable.yml, in each server
 * process that serves WebSockets (the listener starts with the first
 * subscription, so an app that never subscribes opens none):
 * - `postgresql` (and `enhanced_postgresql`, the actioncable-enhanced-postgresql-adapter gem's subclass of it):
 *   one dedicated LISTEN connection, made outside the
 *   ActiveRecord pool (actioncable/lib/action_cable/subscription_adapter/postgresql.rb:
 *   checked out then removed from the pool in Rails 6, `new_connection` today);
 * - `solid_cable` (solid_cable v4.0.0, lib/action_cable/subscription_adapter/solid_cable.rb):
 *   a listener thread that polls every `polling_interval` (0.1 s in the
 *   generated cable.yml) inside `Rails.application.executor.run!`, so it checks
 *   a connection out of SolidCable::Record's pool — the database `connects_to`
 *   names, else the primary — on top of the request threads. Polling that often,
 *   it keeps that connection open.
 * Broadcasts use the calling thread's pooled connection.
 *
 * Both adapters make their listener on the first `subscribe` (`@listener ||= Listener.new(…)` in `listener`,
 * called from `subscribe`), and Action Cable subscribes only for a channel class the server has: a subscription
 * to a class it does not find is rejected ("Subscription class not found"). An app with no channel of its own
 * (only app/channels/application_cable/) and no gem that brings one (turbo-rails' Turbo::StreamsChannel, used
 * through `turbo_stream_from` in a page; StimulusReflex, CableReady, Futurism) never opens it: ceiling only.
 * Falcon serves the Rails app (and its Action Cable, through async-cable or Rack hijack) in each of its processes.
 */
import {assumed, fromDefault, fromFile} from '../../model/source.js'
import {readYamlErb} from './erb.js'
import {analyzeDatabaseYml, DATABASE_YML} from './database-yml.js'
import {topLevelBlocks} from './solid-databases.js'
import type {AddonAnalysis, AnalyzerContext, ProcessAddon, ServerAnalysis} from '../common/types.js'

const ADAPTER = 'https://github.com/rails/rails/blob/main/actioncable/lib/action_cable/subscription_adapter/postgresql.rb'
const SOLID_CABLE = 'https://github.com/rails/solid_cable/blob/v4.0.0/lib/action_cable/subscription_adapter/solid_cable.rb'
export const CABLE_YML = 'config/cable.yml'

/** Servers that run Action Cable in their processes (it is mounted in the Rails app they serve). */
const WEB_SERVERS = new Set(['falcon', 'pitchfork', 'puma', 'unicorn'])

/** Gems with channels of their own that pages subscribe to (their JS names the gem's channel class). */
const CHANNEL_GEMS = ['cable_ready', 'futurism', 'stimulus_reflex']
/** Text that puts turbo-rails' Turbo::StreamsChannel on a page: the helper, the element it renders, the class. */
const TURBO_STREAMS = /turbo_stream_from|turbo-cable-stream-source|Turbo::StreamsChannel/
/** Files a channel class or a page's subscription can be written in. */
const APP_TEXT = /\.(rb|erb|haml|slim|html|js|jsx|ts|tsx|mjs|cjs|phlex)$/
const GENERATED = new Set(['app/channels/application_cable/channel.rb', 'app/channels/application_cable/connection.rb'])

/** What lets a client subscribe to a channel (the first file or gem found), or undefined when nothing does. */
function subscribable(ctx: AnalyzerContext): string | undefined {
  const gem = CHANNEL_GEMS.find((g) => ctx.versions[g])
  if (gem) return `${gem} ${ctx.versions[gem]} brings channels of its own`
  const turbo = Boolean(ctx.versions['turbo-rails'])
  const visit = (dir: string): string | undefined => {
    for (const name of ctx.files.list(dir)) {
      const path = `${dir}/${name}`
      if (!APP_TEXT.test(name) || GENERATED.has(path)) continue
      const text = ctx.files.read(path)?.text ?? ''
      if (name.endsWith('.rb') && /<\s*(::)?(ApplicationCable::Channel|ActionCable::Channel::Base)\b/.test(text)) return `${path} defines a channel`
      if (turbo && TURBO_STREAMS.test(text)) return `${path} subscribes to turbo-rails' Turbo::StreamsChannel`
    }

    for (const sub of ctx.files.folders(dir)) {
      if (sub === 'node_modules' || sub === 'assets') continue
      const found = visit(`${dir}/${sub}`)
      if (found) return found
    }

    return undefined
  }

  // The app's own engines and packs (Packwerk, component-based Rails) keep channels and views there too.
  return ['app', 'lib', 'engines', 'components', 'packs', 'packages', 'gems'].reduce<string | undefined>((found, dir) => found ?? visit(dir), undefined)
}

/** `connects_to: {database: {writing: cable}}` (Rails 8's cable.yml); without it SolidCable::Record uses the primary. */
function solidCableDatabase(section: Record<string, unknown>): string | undefined {
  const to = section.connects_to
  const database = to && typeof to === 'object' ? (to as Record<string, unknown>).database : undefined
  const writing = database && typeof database === 'object' ? (database as Record<string, unknown>).writing : database
  return typeof writing === 'string' && writing !== '' ? writing : undefined
}

async function cableAnalysis(ctx: AnalyzerContext, server: ServerAnalysis): Promise<AddonAnalysis> {
  if (!WEB_SERVERS.has(server.server)) return {diagnostics: []}
  const file = ctx.files.read(CABLE_YML)
  if (!file) return {diagnostics: []}
  const doc = await readYamlErb(file, {appEnv: ctx.appEnv, env: ctx.env}, ctx.files)
  const root = doc.yaml.value as Record<string, unknown> | undefined
  const section = root && typeof root === 'object' ? (root[ctx.appEnv] as Record<string, unknown> | undefined) : undefined
  const adapter = section && typeof section === 'object' ? section.adapter : undefined
  const diagnostics = doc.diagnostics.map((d) => ({...d, processType: ctx.processType}))
  const line = doc.yaml.lineOf([ctx.appEnv, 'adapter']) ?? 1
  // Nothing to subscribe to: the listener is never made (only if a channel comes from where conncalc does not look).
  // actioncable-enhanced-postgresql-adapter's `enhanced_postgresql` subclasses the PostgreSQL adapter: without a `url` it
  // listens and broadcasts as that one does (lib/action_cable/subscription_adapter/enhanced_postgresql.rb).
  const enhanced = adapter === 'enhanced_postgresql'
  const unsubscribed =
    (adapter === 'solid_cable' || adapter === 'postgresql' || enhanced) && !subscribable(ctx)
      ? {ceilingOnly: true, why: fromDefault(`no channel the server could subscribe a client to: app/, lib/ and the app's engines define none beside app/channels/application_cable/, and no gem in the bundle brings one${ctx.versions['turbo-rails'] ? ' (turbo-rails is there, but no page uses turbo_stream_from)' : ''}; the ${adapter} adapter makes its listener on the first subscription`, adapter === 'solid_cable' ? SOLID_CABLE : ADAPTER)}
      : undefined
  if (adapter === 'solid_cable') {
    const writing = solidCableDatabase(section!)
    const version = ctx.versions.solid_cable
    // A Gemfile.lock without the solid_cable gem: Action Cable cannot require its adapter, and says so on the first
    // broadcast or subscription (actioncable/lib/action_cable/server/configuration.rb pubsub_adapter: "Could not load the
    // 'solid_cable' Action Cable pubsub adapter. Ensure ... you've added the necessary adapter gem to your Gemfile"):
    // no listener is ever made.
    const bundled = ctx.versions.rails ?? ctx.versions.actioncable ?? ctx.versions.activerecord
    if (!version && bundled) {
      return {
        diagnostics: [
          ...diagnostics,
          {
            code: 'missing-config',
            file: CABLE_YML,
            fix: 'add `gem "solid_cable"` to the Gemfile (and its database), or name an adapter the bundle has',
            line,
            message: `${ctx.processType}: ${CABLE_YML}'s ${ctx.appEnv} adapter is solid_cable, but Gemfile.lock has no solid_cable gem: Action Cable raises "Could not load the 'solid_cable' Action Cable pubsub adapter" on the first broadcast or subscription, and opens no listener`,
            processType: ctx.processType,
            severity: 'warning',
          },
        ],
      }
    }

    // SolidCable::Record calls `connects_to` when it loads: a database that database.yml does not define for the
    // environment makes ActiveRecord raise AdapterNotSpecified, so the process exits. Said by solid-databases.ts for
    // every type it hits; here the listener is an assumption too.
    let missing: string | undefined
    let onDatabase = writing
    if (writing && ctx.files.read(DATABASE_YML)) {
      const yml = await analyzeDatabaseYml(ctx)
      if (writing === ctx.appEnv) onDatabase = yml.primary
      // A top-level block of that name (`default: &default`) is an environment ActiveRecord falls back to (solid-databases.ts).
      // The environment's own name is its first config, the primary (find_db_config matches env_name).
      if (writing !== ctx.appEnv && ![...yml.pools, ...yml.otherServerPools].some((e) => e.database === writing) && !(await topLevelBlocks(ctx)).has(writing)) missing = writing
    }

    return {
      diagnostics,
      extrasPerProcess: [
        {
          ...(unsubscribed ? {ceilingOnly: true} : {}),
          ...(onDatabase ? {database: onDatabase} : {}),
          count: {source: fromFile(CABLE_YML, line), value: 1, via: [{kind: 'default', ref: SOLID_CABLE, what: 'the Solid Cable listener thread polls inside the Rails executor, with a connection from the pool'}, ...(missing ? [assumed(`the \`${missing}\` database connects_to names is not in ${DATABASE_YML}'s ${ctx.appEnv} section: Rails would raise at boot; counted as if it booted`)] : []), ...(unsubscribed ? [unsubscribed.why] : [])]},
          inPool: true,
          kind: 'solid-cable',
          reason: `Solid Cable listener polling for messages (one per ${server.server} process${unsubscribed ? ', once a client subscribes: the app has no channel' : ''})`,
        },
      ],
      ...(version ? {versions: {solid_cable: version}} : {}),
    }
  }

  if (adapter !== 'postgresql' && !enhanced) return {diagnostics}
  const version = ctx.versions.actioncable ?? ctx.versions.rails
  // With a `url`, the enhanced adapter listens on a PG connection to it and broadcasts through a ConnectionPool of its own
  // (connection_pool_size, else RAILS_MAX_THREADS, else 5), in every process that broadcasts: not counted, said.
  const ownUrl = enhanced && section!.url !== undefined && section!.url !== null && section!.url !== ''
  const via = [
    {kind: 'default' as const, ref: enhanced ? 'https://github.com/reclaim-the-stack/actioncable-enhanced-postgresql-adapter/blob/main/lib/action_cable/subscription_adapter/enhanced_postgresql.rb' : ADAPTER, what: enhanced ? 'the enhanced_postgresql adapter (a subclass of the PostgreSQL one) LISTENs on its own connection, outside the pool' : 'the PostgreSQL adapter LISTENs on its own connection, outside the pool'},
    ...(ownUrl ? [assumed(`${CABLE_YML}'s ${ctx.appEnv} url: the enhanced_postgresql listener connects there, taken as this server, and broadcasts open a pool of their own to it (up to connection_pool_size, else RAILS_MAX_THREADS, else 5, per broadcasting process), not counted`)] : []),
    ...(unsubscribed ? [unsubscribed.why] : []),
  ]
  return {
    diagnostics,
    extrasPerProcess: [
      {
        ...(unsubscribed ? {ceilingOnly: true} : {}),
        count: {source: fromFile(CABLE_YML, line), value: 1, via},
        kind: 'action-cable',
        reason: `Action Cable PostgreSQL LISTEN connection (one per ${server.server} process${unsubscribed ? ', once a client subscribes: the app has no channel' : ''})`,
      },
    ],
    ...(version ? {versions: {actioncable: version}} : {}),
  }
}

export const actionCable: ProcessAddon = {
  // Not a web server, or no cable.yml (most types): answered at once, not through an async call's frame per type.
  analyze: (ctx: AnalyzerContext, server: ServerAnalysis): AddonAnalysis | Promise<AddonAnalysis> => (!WEB_SERVERS.has(server.server) || !ctx.files.read(CABLE_YML) ? {diagnostics: []} : cableAnalysis(ctx, server)),
  id: 'action_cable',
}
