/**
 * A server config a command names by an absolute path outside the app (`puma -C /srv/www/app/shared/puma.rb`) that a
 * Capistrano deploy puts there. Capistrano lays a server out as `deploy_to/current` (the release: this repository's
 * checkout) and `deploy_to/shared` (files kept across releases, https://capistranorb.com/documentation/getting-started/structure/).
 * Into shared/ the deploy writes a server config from an ERB template of the repository: capistrano3-puma's
 * `puma:config` renders `puma` to `#{shared_path}/puma.rb` from the first of lib/capistrano/templates/puma.rb.erb,
 * puma.rb, puma.erb, config/deploy/templates/puma.rb.erb, puma.rb, puma.erb (lib/capistrano/puma.rb, template_puma;
 * its own template when the app has none), and apps' own tasks do the same by hand
 * (`upload! StringIO.new(ERB.new(File.read("config/deploy/templates/puma.erb")).result(binding)), File.join(shared_path, 'puma.rb')`).
 * Pure but for the Ruby evaluator: the deploy files are read through the reader.
 */
import {basename} from 'node:path/posix'

import type {Diagnostic} from '../../model/diagnostic.js'
import type {Env} from '../../model/env.js'
import type {FileReader} from '../../model/files.js'
import {fromDefault, fromFile, sourced, type Sourced} from '../../model/source.js'
import {compareVersions} from '../../util/version.js'
import {evaluateRubyConfig, isSymbol, type RubyValue} from './evaluate.js'

/**
 * What the deploy `set`s (`set :puma_workers, 2`) for a template to `fetch`: config/deploy.rb, then the stage file
 * (config/deploy/STAGE.rb, loaded after it, so its values win; the stage named as the app's environment, else the only
 * one), as known calls for the ERB: `fetch(:key)`. A value the evaluator cannot read, or one set under an undecided
 * condition, is left out (the template's tag stays unknown). capistrano3-puma's defaults before 6.0 (lib/capistrano/puma.rb
 * set_defaults: `set_if_empty :puma_workers, 0`, `:puma_threads, [0, 16]`, `:puma_preload_app, false`,
 * `:puma_init_active_record, false`) and its helpers `puma_workers` (`fetch(:puma_workers, 0)`) and `puma_preload_app?`
 * stand where the deploy sets none.
 */
async function deploySettings(files: FileReader, deploy: string[], env: Env, appEnv: string): Promise<Map<string, Sourced<RubyValue>>> {
  const stages = deploy.filter((f) => f.startsWith('config/deploy/'))
  const stage = stages.find((f) => f === `config/deploy/${appEnv}.rb`) ?? (stages.length === 1 ? stages[0] : undefined)
  const out = new Map<string, Sourced<RubyValue>>()
  const lock = (files.read('Gemfile.lock')?.text ?? '').split(/\r?\n/)
  const gemAt = lock.findIndex((l) => /^ {4}capistrano3-puma \(/.test(l))
  const gemVersion = gemAt === -1 ? undefined : /\(([^)]+)\)/.exec(lock[gemAt])?.[1]
  if (gemVersion && compareVersions(gemVersion, '6.0.0') < 0) {
    const ref = 'https://github.com/seuros/capistrano-puma/blob/v5.2.0/lib/capistrano/puma.rb'
    const gem = fromFile('Gemfile.lock', gemAt + 1)
    out.set('fetch(:puma_workers)', sourced(0, fromDefault(`capistrano3-puma ${gemVersion} set_if_empty :puma_workers, 0`, ref), [gem]))
    out.set('fetch(:puma_threads)', sourced([0, 16], fromDefault(`capistrano3-puma ${gemVersion} set_if_empty :puma_threads, [0, 16]`, ref), [gem]))
    out.set('fetch(:puma_preload_app)', sourced(false, fromDefault(`capistrano3-puma ${gemVersion} set_if_empty :puma_preload_app, false`, ref), [gem]))
    out.set('fetch(:puma_init_active_record)', sourced(false, fromDefault(`capistrano3-puma ${gemVersion} set_if_empty :puma_init_active_record, false`, ref), [gem]))
  }

  for (const file of ['config/deploy.rb', ...(stage ? [stage] : [])]) {
    const text = files.read(file)
    if (!text) continue
    const config = await evaluateRubyConfig(text, env, appEnv)
    for (const c of config.calls) {
      const [key, value] = c.args
      if (c.name !== 'set' || c.receiver !== undefined || key?.kind !== 'known' || !isSymbol(key.value)) continue
      const name = `fetch(:${key.value.symbol})`
      if (value?.kind === 'known' && !c.conditional) out.set(name, sourced(value.value, fromFile(file, c.line), value.via))
      else out.delete(name)
    }
  }

  // The plugin's helpers the template calls: `puma_workers` is fetch(:puma_workers, 0), `puma_preload_app?` fetch(:puma_preload_app).
  const workers = out.get('fetch(:puma_workers)')
  if (gemVersion && workers) out.set('puma_workers', workers)
  const preload = out.get('fetch(:puma_preload_app)')
  if (gemVersion && preload) out.set('puma_preload_app?', preload)
  return out
}

export interface DeployWritten {
  /** The repository file the deploy puts at the path: a template (rendered as ERB) or the release's own file. */
  file: string
  erb: boolean
  /** Where the deploy says so: the deploy file line naming the template, or Gemfile.lock's capistrano3-puma. */
  by: {file: string; line: number}
  why: string
  /** The deploy's settings a template fetches (`fetch(:puma_workers)`), as known calls for its ERB. */
  settings?: Map<string, Sourced<RubyValue>>
}

/** Where the deploy puts `path` from, or undefined when no Capistrano deploy of the app writes it. */
export async function capistranoWritten(files: FileReader, path: string, env: Env, appEnv: string): Promise<DeployWritten | undefined> {
  if (!path.startsWith('/') || !(files.exists('Capfile') || files.exists('config/deploy.rb'))) return undefined
  // The deploy files: config/deploy.rb and the stage files config/deploy/*.rb.
  const deploy = ['config/deploy.rb', ...files.list('config/deploy').filter((f) => f.endsWith('.rb')).map((f) => `config/deploy/${f}`)].filter((f) => files.exists(f))
  /** The first line of a deploy file whose text names `name` (a template's path or file name), or undefined. */
  const namedAt = (name: string): {file: string; line: number} | undefined => {
    for (const file of deploy) {
      const lines = (files.read(file)?.text ?? '').split(/\r?\n/)
      const at = lines.findIndex((l) => !/^\s*#/.test(l) && l.includes(name))
      if (at !== -1) return {file, line: at + 1}
    }

    return undefined
  }

  // `set :deploy_to, "/srv/www/app"` (literal, or built from values the evaluator reads): the path must be under one.
  const roots: string[] = []
  for (const file of deploy) {
    const text = files.read(file)
    if (!text) continue
    const config = await evaluateRubyConfig(text, env, appEnv)
    for (const c of config.calls) {
      const [key, value] = c.args
      if (c.name === 'set' && c.receiver === undefined && key?.kind === 'known' && isSymbol(key.value) && key.value.symbol === 'deploy_to' && value?.kind === 'known' && typeof value.value === 'string') roots.push(value.value.replace(/\/+$/, ''))
    }
  }

  const root = roots.find((r) => path.startsWith(`${r}/`))
  if (roots.length > 0 && !root) return undefined
  // deploy_to unread (a value from the env or from `fetch`): the path's last current/ or shared/ folder stands for it.
  const rest = root ? path.slice(root.length + 1) : /\/((?:current|shared)\/.+)$/.exec(path)?.[1]
  if (!rest) return undefined
  if (rest.startsWith('current/')) {
    const file = rest.slice('current/'.length)
    const by = namedAt('deploy_to') ?? {file: deploy[0] ?? 'Capfile', line: 1}
    return files.exists(file) ? {by, erb: false, file, why: `Capistrano's current/ is the release, this repository's checkout: ${path} is its ${file}`} : undefined
  }

  if (!rest.startsWith('shared/')) return undefined
  const stem = basename(rest).replace(/\.rb$/, '')
  // capistrano3-puma's template_puma search, for a template named `stem` (host- and stage-specific names left out).
  const template = ['lib/capistrano/templates', 'config/deploy/templates'].flatMap((dir) => [`${dir}/${stem}.rb.erb`, `${dir}/${stem}.rb`, `${dir}/${stem}.erb`]).find((t) => files.exists(t))
  if (!template) return undefined
  const named = namedAt(template) ?? namedAt(basename(template))
  // Only what the template asks for, and only numbers, booleans and lists of numbers (never a deploy's text: hosts, keys).
  const text = files.read(template)?.text ?? ''
  // `fetch(:x)` is asked for by `:x` or by a helper named after it (`puma_workers`, `puma_preload_app?`).
  const asked = (k: string): boolean => new RegExp(`(?<!\\w)${k.replace(/^fetch\(:(\w+)\)$/, '$1').replace(/[?]/g, '\\?')}(?!\\w)`).test(text)
  const plain = (v: RubyValue): boolean => typeof v === 'number' || typeof v === 'boolean' || v === null || (Array.isArray(v) && v.every((x) => typeof x === 'number'))
  const all = template.endsWith('.erb') ? await deploySettings(files, deploy, env, appEnv) : undefined
  const settings = all ? new Map([...all].filter(([k, v]) => asked(k) && plain(v.value))) : undefined
  const withSettings = settings && settings.size > 0 ? {settings} : {}
  if (named) return {by: named, erb: template.endsWith('.erb'), file: template, why: `${named.file}:${named.line} writes ${path} at deploy from ${template}`, ...withSettings}
  // capistrano3-puma renders its `puma` template to shared/puma.rb (puma_conf's default) with no line of the app naming it.
  const lock = (files.read('Gemfile.lock')?.text ?? '').split(/\r?\n/)
  const gem = lock.findIndex((l) => /^ {4}capistrano3-puma \(/.test(l))
  if (stem === 'puma' && gem !== -1) return {...withSettings, by: {file: 'Gemfile.lock', line: gem + 1}, erb: template.endsWith('.erb'), file: template, why: `capistrano3-puma (Gemfile.lock:${gem + 1}) writes ${path} at deploy from ${template} (https://github.com/seuros/capistrano-puma/blob/master/lib/capistrano/puma.rb, template_puma)`}
  return undefined
}

/**
 * A config the command names outside the app that a deploy (Capistrano) writes there from a file of the repository:
 * read from that file, and said, since a platform that does not run that deploy (a Heroku slug) has no such file and the
 * server would not boot there.
 */
export function deployWrittenConfig(path: string, flag: string, deployed: DeployWritten): Diagnostic {
  // The deploy's own settings the template fetches, where they are set (the plugin's defaults are said by their values).
  const set = [...(deployed.settings ?? [])].filter(([k, v]) => k.startsWith('fetch(') && v.source.kind === 'file' && v.source.file.startsWith('config/deploy'))
  const settings = set.length === 0 ? '' : `, with the deploy's ${set.map(([k, v]) => `${k.replace(/^fetch\((.*)\)$/, '$1')} ${JSON.stringify(v.value)} (${v.source.kind === 'file' ? `${v.source.file}:${v.source.line}` : ''})`).join(', ')}`
  return {
    code: 'missing-config',
    file: deployed.by.file,
    fix: `if this Procfile runs where that deploy does not (Heroku), point \`${flag}\` at a config in the app (${deployed.file} rendered)`,
    line: deployed.by.line,
    message: `${path} (from \`${flag}\`) is not in the app: ${deployed.why}; conncalc reads ${deployed.file}${deployed.erb ? ` (its ERB tags evaluated where it can${settings})` : ''}. Where that deploy does not run, the file is missing and the server would fail to boot`,
    severity: 'warning',
  }
}
