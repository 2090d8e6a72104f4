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
