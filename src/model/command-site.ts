/**
 * Where a process type's command is written, in the words a fix text uses. Process types come from a
 * Procfile (or Procfile.dev, …), heroku.yml's `run:`, a Dockerfile's CMD (a lone Dockerfile, or a type
 * heroku.yml builds with no run entry), a buildpack's default web process (no Procfile), or a Heroku
 * app's formation (whose commands are the deployed Procfile's): a fix must name that file, not "the Procfile".
 */

/** The file (and line) a process type's command was read from: ProcessModel.origin, AnalyzerContext.origin. */
export interface CommandOrigin {
  file: string
  line?: number
}

const isDockerfile = (file: string): boolean => /(^|\/)Dockerfile([.-][^/]*)?$|\.Dockerfile$/i.test(file)
const isHerokuYml = (file: string): boolean => /(^|\/)heroku\.ya?ml$/.test(file)
const DEFAULT_WEB = ' default web process'
/** The name a buildpack's default web process is read under, as the file of its one Procfile line: `heroku/php default web process`. */
export const defaultWebFile = (buildpack: string): string => `${buildpack}${DEFAULT_WEB}`
/** Whether a command comes from a buildpack's default web process (defaultWebFile), which stands in for a missing Procfile or web type. */
export const isDefaultWebFile = (file: string): boolean => file.endsWith(DEFAULT_WEB)

/** "the Procfile", "Procfile.dev", "heroku.yml", "Dockerfile.worker": the file that says what `type` runs. */
export function commandFile(origin: CommandOrigin | undefined): string {
  const file = origin?.file
  if (file === undefined || file === 'Procfile' || isDefaultWebFile(file) || file.startsWith('formation of ')) return 'the Procfile'
  return file
}

/**
 * How to set `assignment` (`RAILS_MAX_THREADS=10`) for `type` alone, where its command is written:
 * - a Procfile: `` `web: RAILS_MAX_THREADS=10 …` in the Procfile ``
 * - heroku.yml: `` `web: RAILS_MAX_THREADS=10 …` under run: in heroku.yml ``
 * - a Dockerfile's CMD: `` ENV RAILS_MAX_THREADS=10 in Dockerfile.worker `` (its image's ENV, under the config vars)
 * - the buildpack's default web process: `` a Procfile with `web: RAILS_MAX_THREADS=10 …` `` (the app has none)
 * - render.yaml: the service's envVars; fly.toml: `env RAILS_MAX_THREADS=10 …` as the group's command
 */
export function setForType(origin: CommandOrigin | undefined, type: string, assignment: string, command = '…'): string {
  const file = origin?.file
  const line = `\`${type}: ${assignment} ${command}\``
  if (file === undefined) return `${line} in the Procfile`
  if (isDefaultWebFile(file)) return `a Procfile with ${line} (the app has none: the buildpack's default web process runs now)`
  if (isHerokuYml(file)) return `${line} under run: in ${file}`
  if (isDockerfile(file)) return `\`ENV ${assignment}\` in ${file} (every process type run from that image gets it)`
  // render.yaml: a service's own envVars; fly.toml: [env] is every group's, and Fly runs a [processes] command without a shell.
  if (/(^|\/)render\.yaml$/.test(file)) return `\`- key: ${assignment.split('=')[0]}\` with \`value: "${assignment.split('=').slice(1).join('=')}"\` in ${type}'s envVars in ${file}`
  // Kamal: a role's env (`servers: ROLE: env: clear:`), merged over the top-level env.
  if (/(^|\/)config\/deploy(\.[\w-]+)?\.ya?ml$/.test(file)) return `\`${assignment.split('=')[0]}: ${assignment.split('=').slice(1).join('=')}\` under env: clear: of the ${type} role (servers: ${type}:) in ${file}`
  if (/(^|\/)fly\.toml$/.test(file)) return `\`${type} = "env ${assignment} ${command}"\` under [processes] in ${file} (Fly runs the command without a shell)`
  return `${line} in ${commandFile(origin)}`
}
