/**
 * `bundle exec PROGRAM` in an app with no Gemfile: Bundler looks for the Gemfile from the folder it runs in upwards
 * (BUNDLE_GEMFILE first) and stops with "Could not locate Gemfile or .bundle/ directory" when there is none
 * (rubygems/rubygems bundler/lib/bundler/shared_helpers.rb default_gemfile: GemfileNotFound); on Heroku the Ruby
 * buildpack only builds an app that has a Gemfile (heroku-buildpack-ruby bin/detect), so there may be no `bundle` at all.
 * Either way the program never starts: said as an error, the numbers left as if it ran (as for a server that is not
 * in the bundle).
 */
import type {AnalyzerContext} from '../languages/common/types.js'
import type {Diagnostic} from '../model/diagnostic.js'

import {programName} from '../languages/common/setting.js'
import {gemGroups} from '../languages/ruby/unicorn.js'
import {rakeTasks} from '../languages/ruby/rails-process-command.js'
import {filesUnder} from '../model/files.js'

/** Dependency files of apps in other languages (the buildpack that builds the app detects it by one). */
const OTHER_LANGUAGE_FILES = ['requirements.txt', 'Pipfile', 'pyproject.toml', 'setup.py', 'package.json', 'go.mod', 'composer.json', 'mix.exs', 'pom.xml', 'build.gradle', 'build.gradle.kts', 'Cargo.toml']

/** Files of a Ruby app: with one, the app is Ruby's too (only its Gemfile missing here), not judged. */
const RUBY_APP_FILES = ['config.ru', 'Rakefile', 'config/application.rb', 'config/environment.rb', 'config/database.yml', 'config/puma.rb', 'config/unicorn.rb', 'config/sidekiq.yml']

/** The error for a `bundle exec` command run where no Gemfile can be found; undefined when there is one (or may be). */
export function bundlerWithoutGemfile(ctx: AnalyzerContext): Diagnostic | undefined {
  if (!ctx.command.wrappers.includes('bundle exec')) return undefined
  // From a subfolder (`cd api && bundle exec …`) Bundler also finds a Gemfile in the folders above: not judged here.
  if (ctx.files.within || ctx.env.get('BUNDLE_GEMFILE')) return undefined
  // A lock file says a Gemfile is part of the app too (Bundler writes it beside one).
  if (['Gemfile', 'gems.rb', 'Gemfile.lock', 'gems.locked'].some((f) => ctx.files.exists(f))) return undefined
  // Said only for an app that is evidently another language's (its dependency file is there): a folder with nothing to
  // say what it is may be missing files conncalc was not given.
  const other = OTHER_LANGUAGE_FILES.find((f) => ctx.files.exists(f))
  if (other === undefined || RUBY_APP_FILES.some((f) => ctx.files.exists(f))) return undefined
  const program = programName(ctx.command.argv[0] ?? '') || 'the program'
  return {
    code: 'missing-config',
    file: ctx.origin?.file,
    fix: 'add the Gemfile and Gemfile.lock the command needs, or start the program without `bundle exec`',
    line: ctx.origin?.line,
    message: `${ctx.processType}: \`bundle exec ${program}\` in an app with ${other} and no Gemfile (nor gems.rb, nor a lock file) and no BUNDLE_GEMFILE: Bundler stops with "Could not locate Gemfile or .bundle/ directory" (and the Ruby buildpack builds only an app with a Gemfile), so ${program} never starts and the process exits at start; conncalc counts it as if it ran`,
    processType: ctx.processType,
    severity: 'error',
  }
}

/**
 * The gem whose executable a `bundle exec` program is, for the programs conncalc counts as servers and workers
 * (each gem's gemspec `executables`). `rackup` is the webrick analyzer's (Rack 3 moved it to the rackup gem).
 */
const PROGRAM_GEMS: Record<string, string> = {
  clockwork: 'clockwork',
  falcon: 'falcon',
  good_job: 'good_job',
  hanami: 'hanami',
  iodine: 'iodine',
  passenger: 'passenger',
  pitchfork: 'pitchfork',
  puma: 'puma',
  que: 'que',
  rails: 'railties',
  rainbows: 'rainbows',
  resque: 'resque',
  'resque-pool': 'resque-pool',
  rpush: 'rpush',
  shoryuken: 'shoryuken',
  sidekiq: 'sidekiq',
  sneakers: 'sneakers',
  thin: 'thin',
  unicorn: 'unicorn',
  unicorn_rails: 'unicorn',
}

/**
 * `bundle exec unicorn` with a Gemfile.lock that has no unicorn gem: Bundler finds no such executable in the bundle
 * ("bundler: command not found: unicorn"), and a copy installed outside it cannot load under bundler/setup
 * ("unicorn is not part of the bundle"; rubygems/rubygems bundler/lib/bundler/cli/exec.rb, rubygems_integration.rb),
 * so the process exits at start. Said as an error, the numbers left as if it ran, and starred. Undefined when the
 * program is one of the app's own files (bin/unicorn), is run from a subfolder or another Gemfile, or has no lock file.
 */
export function bundledProgramMissing(ctx: AnalyzerContext): {diagnostic: Diagnostic; gem: string; program: string; why?: string} | undefined {
  if (!ctx.command.wrappers.includes('bundle exec')) return undefined
  if (ctx.files.within || ctx.env.get('BUNDLE_GEMFILE')) return undefined
  const word = ctx.command.argv[0] ?? ''
  if (word.includes('/')) return undefined
  const lock = ['Gemfile.lock', 'gems.locked'].find((f) => ctx.files.exists(f))
  if (!lock || Object.keys(ctx.versions).length === 0) return undefined
  // In the lock but only in groups the buildpack leaves out (`bundle exec guard`, a development tool in the Procfile).
  const devOnly = groupsLeftOut(ctx, PROGRAM_GEMS[word] ?? word)
  if (devOnly) return devOnly
  const gem = PROGRAM_GEMS[word]
  // `rails` is railties' executable, and every bundle with the rails gem has railties (rails depends on it).
  if (!gem || ctx.versions[gem] !== undefined || (gem === 'railties' && ctx.versions.rails !== undefined)) return undefined
  return {
    diagnostic: {
      code: 'missing-config',
      file: ctx.origin?.file,
      fix: `add gem "${gem}" to the Gemfile (and bundle), or start the server the bundle has`,
      line: ctx.origin?.line,
      message: `${ctx.processType}: \`bundle exec ${word}\`, but ${lock} has no ${gem} gem: Bundler stops with "bundler: command not found: ${word}", so the process exits at start; conncalc counts it as if it ran (starred)`,
      processType: ctx.processType,
      severity: 'error',
    },
    gem,
    program: word,
  }
}

/** Groups Heroku's Ruby buildpack installs without (BUNDLE_WITHOUT, default "development:test": heroku-buildpack-ruby lib/language_pack/ruby.rb). */
const BUNDLE_WITHOUT_DEFAULT = 'development:test'
const RUBY_BUILDPACK = 'https://github.com/heroku/heroku-buildpack-ruby/blob/main/lib/language_pack/ruby.rb'

/** Gems of the lock that depend on `gem` (the specs under which it is listed as a dependency). */
function lockParents(lock: string, gem: string): string[] {
  const parents: string[] = []
  let current: string | undefined
  for (const line of lock.split(/\r?\n/)) {
    const spec = /^ {4}([\w.-]+) \(/.exec(line)
    if (spec) current = spec[1]
    else if (current && new RegExp(`^ {6}${gem.replaceAll(/[.-]/g, (c) => `\\${c}`)}( |$)`).test(line)) parents.push(current)
    else if (!/^ {6}/.test(line)) current = undefined
  }

  return parents
}

/**
 * `bundle exec X` where X's gem is in the lock but the Gemfile declares it only in groups Bundler installs without on
 * the platform (a development tool such as guard in a Procfile): Bundler stops with "bundler: command not found: X"
 * (the gem is not installed), unless a gem that is installed depends on it. Undefined when it is installed, or when
 * conncalc cannot tell.
 */
function groupsLeftOut(ctx: AnalyzerContext, gem: string): {diagnostic: Diagnostic; gem: string; program: string; why: string} | undefined {
  if (ctx.versions[gem] === undefined) return undefined
  // An image built from a Dockerfile (heroku.yml, Fly) installs the groups its Dockerfile says: not judged. A Dockerfile
  // beside a Procfile alone is not what Heroku builds (its buildpacks are).
  if (['heroku.yml', 'heroku.yaml', 'fly.toml'].some((f) => ctx.files.exists(f))) return undefined
  // So does a type run in an image (`--procfile Dockerfile`, Kamal): Bundler installs every group unless BUNDLE_WITHOUT
  // (the image's ENV, as Rails' generated Dockerfile sets it) or a `bundle config set without` says otherwise; judged
  // only by an env value (sul-dlss/sdr-api's `bundle config set without 'production'` installs its development puma).
  const configured = ctx.env.get('BUNDLE_WITHOUT')?.value
  if (ctx.image && configured === undefined) return undefined
  const gemfile = ctx.files.read('Gemfile')?.text
  const lock = ctx.files.read('Gemfile.lock')?.text
  if (!gemfile || !lock) return undefined
  const without = new Set((configured ?? BUNDLE_WITHOUT_DEFAULT).split(/[:\s,]+/).filter((g) => g !== ''))
  // Left out when the Gemfile declares it only in such groups (or not at all) and every gem that depends on it is left out
  // too: Bundler installs a gem an installed gem needs, whatever its own group.
  const leftOut = (name: string, depth: number): boolean => {
    const groups = gemGroups(gemfile, name)
    if (groups !== undefined && !(groups.length > 0 && groups.every((g) => without.has(g)))) return false
    const parents = lockParents(lock, name)
    if (groups === undefined && parents.length === 0) return false
    return depth < 4 && parents.every((p) => leftOut(p, depth + 1))
  }

  if (!leftOut(gem, 0)) return undefined
  const word = ctx.command.argv[0] ?? gem
  const groups = [...new Set(gemGroups(gemfile, gem) ?? [])]
  const where = groups.length > 0 ? `the Gemfile puts ${gem} only in the ${groups.join(', ')} group${groups.length === 1 ? '' : 's'}` : `${gem} comes only with gems the Gemfile puts in groups left out`
  const why = `${where}, which Bundler installs without ${ctx.image ? 'in the image' : 'on the platform'} (BUNDLE_WITHOUT "${[...without].join(':')}")`
  return {
    diagnostic: {
      code: 'missing-config',
      file: ctx.origin?.file,
      fix: `move gem "${gem}" out of the ${groups.join('/') || 'development/test'} group, or drop this process type from the Procfile (it is a development tool)`,
      line: ctx.origin?.line,
      message: `${ctx.processType}: \`bundle exec ${word}\`, but ${why}${ctx.image ? '' : ` (${RUBY_BUILDPACK})`}: Bundler stops with "bundler: command not found: ${word}", so the process exits at start; conncalc counts it as if it ran (starred)`,
      processType: ctx.processType,
      severity: 'error',
    },
    gem,
    program: word,
    why,
  }
}

/**
 * Rake tasks a job system's gem defines (its railtie loads them into the app's Rakefile): Delayed Job's `jobs:work`
 * (delayed_job lib/delayed/tasks.rb; Betterment's `delayed` fork defines the same), Resque's `resque:work`
 * (resque lib/resque/tasks.rb), Solid Queue's `solid_queue:start` (solid_queue lib/tasks/solid_queue_tasks.rake),
 * Sneakers' `sneakers:run` (sneakers lib/sneakers/tasks.rb).
 */
const GEM_RAKE_TASKS: Record<string, {gems: string[]; namespace: string}> = {
  'jobs:work': {gems: ['delayed_job', 'delayed'], namespace: 'jobs'},
  'jobs:workoff': {gems: ['delayed_job', 'delayed'], namespace: 'jobs'},
  'resque:work': {gems: ['resque'], namespace: 'resque'},
  'resque:workers': {gems: ['resque'], namespace: 'resque'},
  'sneakers:run': {gems: ['sneakers'], namespace: 'sneakers'},
  'solid_queue:start': {gems: ['solid_queue'], namespace: 'solid_queue'},
}
const RAKE_TASK_MANAGER = 'https://github.com/ruby/rake/blob/v13.2.1/lib/rake/task_manager.rb'

/**
 * `rake jobs:work` in an app whose Gemfile.lock has no gem that defines the task (a Procfile line left from before the
 * app moved from Delayed Job to Solid Queue): Rake stops with "Don't know how to build task 'jobs:work'"
 * (rake lib/rake/task_manager.rb `[]`), so the process exits at start. Said as an error, counted as if it ran, starred
 * (as a `bundle exec` program the bundle lacks). Not judged when the app's Rakefile or lib/tasks name the task's
 * namespace (it may define the task itself), or when there is no lock file to tell.
 */
export function gemRakeTaskMissing(ctx: AnalyzerContext): {diagnostic: Diagnostic; gem: string; program: string; why: string} | undefined {
  const task = rakeTasks(ctx.command.argv)?.find((t) => Object.hasOwn(GEM_RAKE_TASKS, t))
  if (task === undefined || ctx.files.within || ctx.env.get('BUNDLE_GEMFILE')) return undefined
  const lock = ['Gemfile.lock', 'gems.locked'].find((f) => ctx.files.exists(f))
  if (!lock || Object.keys(ctx.versions).length === 0) return undefined
  const {gems, namespace} = GEM_RAKE_TASKS[task]
  if (gems.some((g) => ctx.versions[g] !== undefined)) return undefined
  const named = new RegExp(`\\b${namespace}\\b`)
  const rakefiles = ['Rakefile', 'rakefile', 'Rakefile.rb', ...filesUnder(ctx.files, 'lib/tasks', (p) => p.endsWith('.rake') || p.endsWith('.rb'), {maxDepth: 3}).paths]
  if (rakefiles.some((f) => named.test(ctx.files.read(f)?.text ?? ''))) return undefined
  const program = programName(ctx.command.argv[0] ?? '')
  const why = `${lock} has no ${gems[0]} gem, which defines \`${task}\`, and the app's Rakefile and lib/tasks do not define it: Rake stops with "Don't know how to build task '${task}'" (${RAKE_TASK_MANAGER})`
  return {
    diagnostic: {
      code: 'missing-config',
      file: ctx.origin?.file,
      fix: `run the job system the bundle has (the app's queue adapter), or add gem "${gems[0]}" back`,
      line: ctx.origin?.line,
      message: `${ctx.processType}: \`${program} ${task}\`, but ${why}, so the process exits at start; conncalc counts it as if it ran (starred)`,
      processType: ctx.processType,
      severity: 'error',
    },
    gem: gems[0],
    program: `${program} ${task}`,
    why,
  }
}
