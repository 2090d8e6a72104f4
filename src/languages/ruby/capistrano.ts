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
import {evaluateRubyConfig, isSymbol} from './evaluate.js'

export interface DeployWritten {
  /** The repository file the deploy puts at the path: a template (rendered as ERB) or the release's own file. */
  file: string
  erb: boolean
  /** Where the deploy says so: the deploy file line naming the template, or Gemfile.lock's capistrano3-puma. */
  by: {file: string; line: number}
  why: string
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
  if (named) return {by: named, erb: template.endsWith('.erb'), file: template, why: `${named.file}:${named.line} writes ${path} at deploy from ${template}`}
  // capistrano3-puma renders its `puma` template to shared/puma.rb (puma_conf's default) with no line of the app naming it.
  const lock = (files.read('Gemfile.lock')?.text ?? '').split(/\r?\n/)
  const gem = lock.findIndex((l) => /^ {4}capistrano3-puma \(/.test(l))
  if (stem === 'puma' && gem !== -1) return {by: {file: 'Gemfile.lock', line: gem + 1}, erb: template.endsWith('.erb'), file: template, why: `capistrano3-puma (Gemfile.lock:${gem + 1}) writes ${path} at deploy from ${template} (https://github.com/seuros/capistrano-puma/blob/master/lib/capistrano/puma.rb, template_puma)`}
  return undefined
}

/**
 * A config the command names outside the app that a deploy (Capistrano) writes there from a file of the repository:
 * read from that file, and said, since a platform that does not run that deploy (a Heroku slug) has no such file and the
 * server would not boot there.
 */
export function deployWrittenConfig(path: string, flag: string, deployed: DeployWritten): Diagnostic {
  return {
    code: 'missing-config',
    file: deployed.by.file,
    fix: `if this Procfile runs where that deploy does not (Heroku), point \`${flag}\` at a config in the app (${deployed.file} rendered)`,
    line: deployed.by.line,
    message: `${path} (from \`${flag}\`) is not in the app: ${deployed.why}; conncalc reads ${deployed.file}${deployed.erb ? ' (its ERB tags evaluated where it can)' : ''}. Where that deploy does not run, the file is missing and the server would fail to boot`,
    severity: 'warning',
  }
}
