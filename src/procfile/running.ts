import type {Diagnostic} from '../model/diagnostic.js'
import type {EnvLayer} from '../model/env.js'
import type {SameServerEvidence} from '../model/same-server.js'
import type {SourceFile} from '../model/files.js'
import type {ImageFiles} from '../model/image-files.js'
import type {Sourced} from '../model/source.js'
import type {ProcfileEntry} from './procfile.js'

/** A process type to analyze: its command and where that command was read. */
export interface RunningEntry extends ProcfileEntry {
  /** The repository folder the command starts in (a container image's WORKDIR); the root when absent. */
  cwd?: string
  /** The Procfile's path, or the formation's label when the command came from the Heroku API. */
  file: string
  /** The machine another platform runs it on (fly.toml `[[vm]]`, a render.yaml `plan`): its CPU count (and memory, when known) replace the dyno size's unless --scale gives a size. */
  machine?: {memoryMb?: Sourced<number>; name: string; nproc: Sourced<number>; platform: {name: string; unit: string}}
  /** A container image's ENV (procfile/container.ts): the lowest layer of the type's env, under the app's config vars. */
  image?: EnvLayer
  /** The config vars a platform manifest gives this type (render.yaml `envVars`, fly.toml `[env]`): at app.json env's place. */
  vars?: EnvLayer[]
  /** What the platform's file shows about a URL var's server (render.yaml: X and DATABASE_URL `fromDatabase` one database). */
  sameServer?: ReadonlyMap<string, SameServerEvidence>
  /** PostgreSQL servers the deploy runs itself, by the name its containers reach them at (a Kamal accessory: `<service>-<name>`). */
  ownPostgres?: ReadonlyArray<{host: string; why: string}>
  /** Why what it runs is unknown (a Dockerfile with no CMD): counted as an unknown command. */
  unknownWhy?: string
  /**
   * The image runs a slug Heroku's buildpacks built (Render's heroku-import: `/render/process/TYPE` runs the Procfile's
   * line after `/render/setup-env` sources .profile.d): the buildpacks' env applies as on a dyno. Says where that was read.
   */
  buildpacks?: {file: string; line: number}
  /** Scripts the image's RUNs wrote (procfile/run-writes.ts), readable at their paths from the app root. */
  written?: SourceFile[]
  /** A container image's files from the build (its COPYs and RUN writes): programs reading fixed paths in the image. */
  imageFiles?: ImageFiles
}

/**
 * What runs on the app: the formation's command for every type it has (the
 * released slug's Procfile line, which is what dynos start), the local
 * Procfile's line where the two agree (so sources keep a file and line), and
 * the local lines the formation has no type for. `release` is never in a
 * formation (the release phase runs in a one-off dyno), so it always comes from
 * the Procfile.
 */
export function runningEntries(
  local: (ProcfileEntry & Partial<RunningEntry>)[],
  procfile: string,
  formation: {commands: Map<string, string>; label: string} | undefined,
): {diagnostics: Diagnostic[]; entries: RunningEntry[]} {
  if (!formation) return {diagnostics: [], entries: local.map((e) => withFile(e, procfile))}
  const diagnostics: Diagnostic[] = []
  const entries: RunningEntry[] = []
  const byName = new Map(local.map((e) => [e.name, e]))
  let row = 0
  for (const [name, command] of formation.commands) {
    row++
    const mine = byName.get(name)
    if (mine && mine.command.trim() === command.trim()) {
      entries.push(withFile(mine, procfile))
      continue
    }

    entries.push({command, file: formation.label, line: row, name})
    diagnostics.push({
      code: 'formation-command-differs',
      file: mine ? procfile : undefined,
      fix: 'conncalc budgets what runs; deploy the Procfile (or pass --procfile) to budget the new command',
      line: mine?.line,
      message: mine
        ? `${name}: the ${formation.label} runs \`${command}\`, not this line's \`${mine.command}\``
        : `${name}: the ${formation.label} runs \`${command}\`; ${procfile === 'Procfile' ? 'the Procfile' : procfile} has no ${name} line`,
      processType: name,
      severity: 'warning',
    })
  }

  for (const e of local) {
    if (formation.commands.has(e.name)) continue
    entries.push(withFile(e, procfile))
  }

  return {diagnostics, entries}
}

/**
 * The entry with its file (the Procfile's when it names none): a Procfile line's three fields are
 * copied as a literal, in the spread's key order; an object spread per type cost a 100,000-type
 * Procfile more than parsing it.
 */
function withFile(e: ProcfileEntry & Partial<RunningEntry>, procfile: string): RunningEntry {
  if (e.file === undefined && e.cwd === undefined && e.image === undefined && e.unknownWhy === undefined) {
    return {command: e.command, line: e.line, name: e.name, file: procfile}
  }

  return {...e, file: e.file ?? procfile}
}
