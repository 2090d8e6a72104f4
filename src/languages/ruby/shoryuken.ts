/**
 * Shoryuken (Amazon SQS jobs): one process, one Manager per processing group, each running up to its group's
 * `concurrency` processors at once on the launcher's thread pool, so the process's threads are the sum over its groups.
 * Read in ruby-shoryuken/shoryuken (tags v2.1.0 to v7.0.3):
 * - bin/shoryuken `start` (the default task): `-c/--concurrency`, `-C/--config` (or `--config-file`), `-q/--queues`;
 *   no config file is read without -C. EnvironmentLoader#initialize_options merges the YAML (ERB first,
 *   `YAML.load(ERB.new(IO.read(path)).result)`, keys symbolized) over Options::DEFAULTS (`concurrency: 25`), then the
 *   command line over both: -c wins.
 * - EnvironmentLoader#parse_queues (3.1.0+): the `default` group exists only when there are `queues` (the YAML's or
 *   -q), with the process's `concurrency`; each `groups:` entry adds a group with its own `concurrency`, or without
 *   one 25 (`options.fetch(:concurrency, 25)`, 3.1.0 to 4.0.2) / the process's (`concurrency ||= options[:concurrency]`
 *   in Options#add_group, 4.0.3+). Before 3.1.0 there were no groups: Manager used `options[:concurrency] || 25`.
 * - A key ERB leaves empty (`concurrency: <%= ENV["X"] %>` with X unset) is nil, and merge! puts that nil over the
 *   default 25: Manager#ready computes `@max_processors - busy`, the first dispatch raises, handle_dispatch_error stops
 *   the manager and sends USR1, and the process shuts down.
 * The app is Rails's with -R (EnvironmentLoader#initialize_rails loads config/environment.rb); its pool is database.yml's.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {assumed, fromDefault, sourced, type Sourced} from '../../model/source.js'
import {readYamlErb, tagsOnLine, unknownTag, type YamlErb} from './erb.js'
import {processorsFor} from './processors.js'
import {missingConfig} from './ruby-server.js'
import {appPath, type Candidate, findFlag, firstOf, flagCandidate, numericFlag, rubyCandidate, rubyEnvironment, yamlCandidate} from '../common/setting.js'
import {isShoryuken} from '../common/matchers.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import {append} from '../../util/arrays.js'
import {versionAtLeast} from '../../util/version.js'

const REPO = 'https://github.com/ruby-shoryuken/shoryuken'
const LOADER = `${REPO}/blob/v7.0.3/lib/shoryuken/environment_loader.rb`
const OPTIONS = `${REPO}/blob/v7.0.3/lib/shoryuken/options.rb`
const MANAGER = `${REPO}/blob/v7.0.3/lib/shoryuken/manager.rb`

/** Shoryuken symbolizes the YAML's keys: `:concurrency:` and `concurrency:` are one setting. */
function lookup(map: unknown, key: string): {key: string; value: unknown} | undefined {
  if (!map || typeof map !== 'object' || Array.isArray(map)) return undefined
  const m = map as Record<string, unknown>
  for (const k of [key, `:${key}`]) if (Object.hasOwn(m, k)) return {key: k, value: m[k]}
  return undefined
}

/**
 * A `concurrency` key that is there but nil. Written in ERB (`<%= ENV["X"] %>` with X unset): the variable, as an
 * unresolved-env warning, and whether it is left empty; written empty: a nil with no variable to set.
 */
function nilKey(doc: YamlErb, path: string[], what: string): {diagnostics: Diagnostic[]; why: string} {
  const line = doc.yaml.lineOf(path) ?? 1
  const tag = tagsOnLine(doc.erb, line).at(-1)
  const c = tag ? rubyCandidate(tag.value, doc.file, line, what) : {diagnostics: []}
  const unset = c.diagnostics.filter((d) => d.code === 'unresolved-env')
  const vars = unset.map((d) => /^(\S+) is not set/.exec(d.message)?.[1]).filter((v): v is string => v !== undefined)
  const written = vars.length > 0 ? `${doc.file}:${line} leaves ${what} empty while ${vars.join(', ')} is unset` : `${what} at ${doc.file}:${line} is empty (nil)`
  return {diagnostics: c.diagnostics, why: written}
}

interface Group {
  name: string
  threads: Sourced<number>
}

const DEFAULT = 25

export const shoryuken: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {argv} = ctx.command
    const diagnostics: Diagnostic[] = []
    const version = ctx.versions.shoryuken
    const hasGroups = !version || versionAtLeast(version, '3.1.0')
    const groupTakesProcess = !version || versionAtLeast(version, '4.0.3')
    const tag = version ? `Shoryuken ${version}` : 'Shoryuken (version unknown: 7.x read)'

    const configFlag = findFlag(argv, ['-C', '--config', '--config-file'], ctx.command)
    const path = configFlag ? appPath(configFlag.value) : undefined
    const file = path ? ctx.files.read(path) : undefined
    if (configFlag && path && !file) diagnostics.push(missingConfig(configFlag.value, configFlag.written))
    const environment = rubyEnvironment(ctx, undefined)
    const doc = file ? await readYamlErb(file, {appEnv: environment, env: ctx.env, processors: processorsFor(ctx)}, ctx.files, true) : undefined
    if (doc) append(diagnostics, doc.diagnostics)
    const root = doc?.yaml.value

    // A nil concurrency, where Shoryuken stops at its first dispatch: said, and the value used instead assumed.
    const nils: string[] = []
    // Empty in the file, or a tag that writes an unset variable's nil (a placeholder here: readYamlErb's unsetUnknown).
    const isNil = (raw: unknown): boolean => {
      if (raw === null || raw === undefined || raw === '') return true
      const tag = doc ? unknownTag(doc.erb, raw) : undefined
      return tag !== undefined && tag.value.kind === 'known' && tag.value.value === null && (tag.value.missingEnv?.length ?? 0) > 0 && String(raw) === tag.output
    }
    const fromYaml = (path: string[], raw: unknown, what: string): Candidate => {
      if (!doc) return {diagnostics: []}
      if (isNil(raw)) return {diagnostics: nilKey(doc, path, what).diagnostics}
      return yamlCandidate(doc, path, raw, what)
    }

    const cFlag = numericFlag(argv, ['-c', '--concurrency'], ctx.command)
    const top = lookup(root, 'concurrency')
    // -c is merged over the file: a nil there is replaced. Before 3.1.0 Manager read `options[:concurrency] || 25`.
    const processNil = hasGroups && cFlag === undefined && top !== undefined && isNil(top.value) && doc !== undefined
    const processDefault = sourced(DEFAULT, fromDefault(`${tag}: concurrency ${DEFAULT} when nothing sets it (Options::DEFAULTS)`, OPTIONS))
    const process = firstOf([flagCandidate(cFlag, 'Shoryuken concurrency'), top ? fromYaml([top.key], top.value, 'Shoryuken concurrency') : {diagnostics: []}], processDefault)
    append(diagnostics, process.diagnostics)
    const processNilWhy = processNil ? nilKey(doc!, [top!.key], 'Shoryuken concurrency').why : ''

    const groups: Group[] = []
    const queues = lookup(root, 'queues')
    const queuesFlag = findFlag(argv, ['-q', '--queues'], ctx.command)
    const groupsEntry = hasGroups ? lookup(root, 'groups') : undefined
    const groupMap = groupsEntry?.value && typeof groupsEntry.value === 'object' && !Array.isArray(groupsEntry.value) ? (groupsEntry.value as Record<string, unknown>) : {}
    const hasQueues = queuesFlag !== undefined || (Array.isArray(queues?.value) && queues.value.length > 0)
    if (!hasGroups || hasQueues) {
      groups.push({name: 'default', threads: process.value})
      if (processNil) nils.push(processNilWhy)
    }

    for (const [name, cfg] of Object.entries(groupMap)) {
      const own = lookup(cfg, 'concurrency')
      const what = `Shoryuken group ${name.replace(/^:/, '')} concurrency`
      const takesProcess = own === undefined || isNil(own.value) ? groupTakesProcess : false
      const inherited: Sourced<number> = groupTakesProcess
        ? {...process.value, via: [fromDefault(`${tag}: a group without concurrency takes the process's (Options#add_group)`, OPTIONS), ...(process.value.via ?? [])]}
        : sourced(DEFAULT, fromDefault(`${tag}: a group without concurrency gets ${DEFAULT} (EnvironmentLoader#parse_queues, before 4.0.3)`, `${REPO}/blob/v4.0.2/lib/shoryuken/environment_loader.rb`))
      const c = own ? fromYaml([groupsEntry!.key, name, own.key], own.value, what) : {diagnostics: []}
      const v = firstOf([c], inherited)
      append(diagnostics, v.diagnostics)
      groups.push({name: name.replace(/^:/, ''), threads: v.value})
      // Nil: its own key nil before 4.0.3 (`fetch` returns the nil), or taken from a nil process concurrency.
      if (own !== undefined && isNil(own.value) && !groupTakesProcess) nils.push(nilKey(doc!, [groupsEntry!.key, name, own.key], what).why)
      else if (takesProcess && processNil) nils.push(`group ${name.replace(/^:/, '')} takes the process's concurrency (${processNilWhy})`)
    }

    let threads: Sourced<number>
    if (groups.length === 0) {
      // No queues in the file nor on the command line: they may be added in code (Shoryuken.add_group/add_queue in
      // an initializer), which is not read. Counted as one default group, starred.
      threads = sourced(process.value.value, assumed(`${tag} runs no group without queues, and none is in ${doc ? doc.file : 'the command'}: counted as if code (Shoryuken.add_group / add_queue) adds one with the process's concurrency`), [process.value.source, ...(process.value.via ?? [])])
    } else if (groups.length === 1) {
      threads = groups[0].threads
    } else {
      const total = groups.reduce((a, g) => a + g.threads.value, 0)
      const parts = groups.map((g) => `${g.name} ${g.threads.value}`).join(' + ')
      threads = sourced(total, fromDefault(`${tag} runs every group's processors in one process: ${parts}`, LOADER), groups.flatMap((g) => [g.threads.source, ...(g.threads.via ?? [])]))
    }

    const unique = [...new Set(nils)]
    if (unique.length > 0) {
      const why = `${unique.join('; ')}: Shoryuken then has a nil concurrency and its Manager fails at the first dispatch (\`@max_processors - busy\`), stopping the process; counted as if it held ${threads.value}`
      threads = {...threads, via: [...(threads.via ?? []), assumed(why)]}
      diagnostics.push({code: 'unknown-config-value', file: doc?.file, line: top ? doc?.yaml.lineOf([top.key]) : undefined, fix: `set the variable, or give it a default (\`<%= ENV.fetch("…", 10) %>\`); see ${MANAGER}`, message: `${ctx.processType}: ${why}`, severity: 'warning'})
    }

    return {
      diagnostics: diagnostics.map((d) => ({...d, processType: ctx.processType})),
      facts: {configFile: doc?.file, groups: groups.map((g) => g.name)},
      language: 'ruby',
      processesPerDyno: sourced(1, fromDefault('one Shoryuken process per command (its groups share its threads)', LOADER)),
      server: 'shoryuken',
      threadsPerProcess: threads,
      ...(version ? {versions: {shoryuken: version}} : {}),
    }
  },
  id: 'shoryuken',
  matches: isShoryuken,
}
