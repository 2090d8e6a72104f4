import type {ServerAnalyzer} from '../languages/common/types.js'

import {assumed, fromDefault, sourced, type Sourced} from '../model/source.js'
import {ectoMigration, isElixir} from '../languages/common/matchers.js'
import {earlierMigrationLock, migratorLockConnection} from '../languages/ruby/migration-lock.js'

const RELEASE_REF = 'https://devcenter.heroku.com/articles/release-phase'
const POSTDEPLOY_REF = 'https://doc.scalingo.com/platform/app/postdeploy-hook'

/** A Procfile type the platform runs once per deploy instead of keeping it up: where it runs and why conncalc says so. */
interface DeployHook {
  /** Its dyno (container) count: always one, from the platform's docs or assumed. */
  dynos: () => Sourced<number>
  processes: () => Sourced<number>
  threads: () => Sourced<number>
}

/**
 * Process types that run once per deploy, not in the formation, so they count only
 * in the deploy peak:
 * - Heroku's `release`: one one-off dyno before the new release starts, beside the old formation.
 * - Scalingo's `postdeploy`: "An extra container is started to run the postdeploy command"
 *   once the new containers are up, before routing switches to them (Scalingo docs; Scalingo
 *   has no `release` type: "The postdeploy hook exists with similar functionality",
 *   doc.scalingo.com/platform/getting-started/heroku-compatibility).
 * - `postcompile`: not a type Scalingo documents; apps on Scalingo name their build hook
 *   with it (Scalingo's buildpacks run `bin/post_compile` during the build). Counted like a
 *   release-phase command, as an assumption: whether the platform ever starts it is not known.
 */
export const DEPLOY_HOOKS: Readonly<Record<string, DeployHook>> = {
  postcompile: {
    dynos: () => sourced(1, assumed('postcompile is not a process type Scalingo documents (its build hook is bin/post_compile); counted once per deploy, like a release command, not as a long-running type')),
    processes: () => sourced(1, assumed('a postcompile command runs once, during the build')),
    threads: () => sourced(1, assumed('a postcompile command runs on one thread')),
  },
  postdeploy: {
    dynos: () => sourced(1, fromDefault('Scalingo runs the postdeploy hook in one extra container per deploy', POSTDEPLOY_REF)),
    processes: () => sourced(1, fromDefault('Scalingo runs the postdeploy command in one extra container after each deploy', POSTDEPLOY_REF)),
    threads: () => sourced(1, fromDefault('a postdeploy command (e.g. db:migrate) runs on one thread', POSTDEPLOY_REF)),
  },
  release: {
    dynos: () => sourced(1, fromDefault('the release phase runs in one one-off dyno', RELEASE_REF)),
    processes: () => sourced(1, fromDefault('release phase runs one command in one dyno', RELEASE_REF)),
    threads: () => sourced(1, fromDefault('a release command (e.g. db:migrate) runs on one thread', RELEASE_REF)),
  },
}

/** The deploy hook a process type is, if it is one. */
export const deployHookOf = (processType: string): DeployHook | undefined => DEPLOY_HOOK_OF.get(processType)

/**
 * DEPLOY_HOOKS as a Map, asked several times for every process type: a Map finds a name by the hash the
 * string keeps, where a property check looks each new name up in V8's table of property names first.
 */
const DEPLOY_HOOK_OF: ReadonlyMap<string, DeployHook> = new Map(Object.entries(DEPLOY_HOOKS))

/**
 * The Procfile's deploy-time types (`release`, `postdeploy`, `postcompile`): one process, one thread,
 * unless the command's own analyzer knows what it holds while it runs: an Ecto migration starts each
 * repo with a pool of its own (languages/elixir), still once per deploy (analyze-app reads the role
 * from the process type).
 */
export const release: ServerAnalyzer = {
  analyze: async (ctx) => {
    const hook = deployHookOf(ctx.processType)!
    const lock = (await migratorLockConnection(ctx)) ?? (await earlierMigrationLock(ctx))
    return {
      diagnostics: [],
      ...(lock ? {extrasPerProcess: [lock]} : {}),
      language: 'unknown',
      processesPerDyno: hook.processes(),
      server: ctx.processType,
      threadsPerProcess: hook.threads(),
    }
  },
  id: 'release',
  matches: (cmd, ctx) => deployHookOf(ctx.processType) !== undefined && !(ectoMigration(cmd.argv) !== undefined && isElixir(cmd, ctx)),
}
