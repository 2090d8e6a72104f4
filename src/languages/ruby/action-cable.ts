/**
 * Action Cable with the `postgresql` adapter in config/cable.yml: each server
 * process that serves WebSockets keeps one dedicated LISTEN connection, made
 * outside the ActiveRecord pool (actioncable/lib/action_cable/subscription_adapter/postgresql.rb:
 * checked out then removed from the pool in Rails 6, `new_connection` today).
 * Broadcasts use pooled connections. The listener starts with the first
 * subscription, so an app that never subscribes opens none.
 */
import {fromFile} from '../../model/source.js'
import {readYamlErb} from './erb.js'
import type {AnalyzerContext, ProcessAddon, ServerAnalysis} from '../common/types.js'

const ADAPTER = 'https://github.com/rails/rails/blob/main/actioncable/lib/action_cable/subscription_adapter/postgresql.rb'
export const CABLE_YML = 'config/cable.yml'

/** Servers that run Action Cable in their processes (it is mounted in the Rails app they serve). */
const WEB_SERVERS = new Set(['puma', 'unicorn'])

export const actionCable: ProcessAddon = {
  async analyze(ctx: AnalyzerContext, server: ServerAnalysis) {
    if (!WEB_SERVERS.has(server.server)) return {diagnostics: []}
    const file = ctx.files.read(CABLE_YML)
    if (!file) return {diagnostics: []}
    const doc = await readYamlErb(file, {appEnv: ctx.appEnv, env: ctx.env})
    const root = doc.yaml.value as Record<string, unknown> | undefined
    const section = root && typeof root === 'object' ? (root[ctx.appEnv] as Record<string, unknown> | undefined) : undefined
    const adapter = section && typeof section === 'object' ? section.adapter : undefined
    const diagnostics = doc.diagnostics.map((d) => ({...d, processType: ctx.processType}))
    if (adapter !== 'postgresql') return {diagnostics}
    const line = doc.yaml.lineOf([ctx.appEnv, 'adapter']) ?? 1
    const version = ctx.versions.actioncable ?? ctx.versions.rails
    return {
      diagnostics,
      extrasPerProcess: [
        {
          count: {source: fromFile(CABLE_YML, line), value: 1, via: [{kind: 'default', ref: ADAPTER, what: 'the PostgreSQL adapter LISTENs on its own connection, outside the pool'}]},
          kind: 'action-cable',
          reason: `Action Cable PostgreSQL LISTEN connection (one per ${server.server} process)`,
        },
      ],
      ...(version ? {versions: {actioncable: version}} : {}),
    }
  },
  id: 'action_cable',
}
