/**
 * An app without a Procfile still runs: each language buildpack declares a
 * default `web` process (its `default_process_types`), which Heroku starts when
 * the Procfile does not name one. Python's declares none, so such an app runs
 * no web process at all. Pure: the files come through a FileReader.
 */
import type {FileReader} from '../model/files.js'
import type {DetectedLanguage} from '../platform/language.js'

import {parseGemfileLock} from '../languages/ruby/gemfile-lock.js'
import {readPackageJson} from '../languages/node/package-json.js'
import {scalingoSign} from '../platform/scalingo.js'
import {namedBuildpacks} from '../platform/named-buildpacks.js'
import {herokuSign} from '../platform/deploy-platform.js'
import {compareVersions} from '../util/version.js'
import {builtOnLinux} from '../languages/go/build-constraints.js'

export type DefaultWeb =
  | {buildpack: string; command: string; ref: string; why: string}
  | {
      buildpack?: string
      none: string
      /** The buildpack declares it, but it stops at start (a Rack app without config.ru). */
      stops?: boolean
      /** Said as an info line: the platform runs the Procfile as it is (Elastic Beanstalk). */
      said?: boolean
      /** No web, but other types the buildpack writes into the Procfile it creates (heroku/go: one per main package). */
      types?: {command: string; name: string}[]
    }

const RUBY_REF = 'https://github.com/heroku/heroku-buildpack-ruby/blob/main/lib/language_pack/rails4.rb'
const RACK_REF = 'https://github.com/heroku/heroku-buildpack-ruby/blob/main/lib/language_pack/rack.rb'
const RAILS3_REF = 'https://github.com/heroku/heroku-buildpack-ruby/blob/main/lib/language_pack/rails3.rb'

/** The default web process of the buildpack that builds the app, or why there is none. */
export async function defaultWebProcess(files: FileReader, detected: DetectedLanguage): Promise<DefaultWeb> {
  switch (detected.language) {
    case 'nodejs': {
      // npm start runs scripts.start, else `node server.js` when server.js is there; with neither it stops at start:
      // `Missing script: "start"` (npm/cli lib/commands/run-script.js, @npmcli/run-script lib/is-server-package.js).
      const pkg = readPackageJson(files).pkg
      if (pkg && pkg.scripts.start === undefined && !files.exists('server.js')) {
        return {buildpack: 'heroku/nodejs', none: 'package.json has no start script and there is no server.js, so the Node.js buildpack\'s default web process, `npm start`, stops at start (npm: `Missing script: "start"`)', stops: true}
      }

      return {
        buildpack: 'heroku/nodejs',
        command: 'npm start',
        ref: 'https://devcenter.heroku.com/articles/nodejs-support#default-web-process-type',
        why: "the Node.js buildpack's default web process",
      }
    }

    case 'ruby': {
      return rubyDefault(files)
    }

    case 'php': {
      const sign = scalingoSign(files)
      if (sign) {
        return {
          buildpack: 'Scalingo/php-buildpack',
          command: 'bin/run',
          ref: 'https://github.com/Scalingo/php-buildpack/blob/master/bin/release',
          why: `Scalingo's PHP buildpack's default web process, bin/run (PHP-FPM beside nginx); the app is on Scalingo: ${sign.what}`,
        }
      }

      return {
        buildpack: 'heroku/php',
        command: 'heroku-php-apache2',
        ref: 'https://devcenter.heroku.com/articles/php-support#default-web-server',
        why: "the PHP buildpack's default web process (Apache 2 with PHP-FPM)",
      }
    }

    case 'java': {
      return jvmDefault(files)
    }

    case 'go': {
      return goDefault(files)
    }

    case 'dotnet': {
      // Loaded only for a .NET app with no Procfile: its project-file parser stays out of start-up.
      return dotnetDefault((await import('../languages/dotnet/project.js')).discoverDotnetApp(files))
    }

    case 'elixir': {
      // The last buildpack's default_process_types are the app's: gjaldon/heroku-buildpack-phoenix-static, named after
      // the Elixir buildpack in .buildpacks or app.json (as its README says), declares `web: elixir --sname server -S mix phx.server`.
      const last = namedBuildpacks(files).at(-1)
      // Gigalixir's releases buildpack last: its bin/compile runs `mix release` and records the release's start command,
      // `start` (its capabilities file), which Gigalixir runs: the web process is the release, `bin/APP start`, and a
      // release reads its runtime config (config/runtime.exs, else config/releases.exs), not only config/prod.exs.
      if (last && /gigalixir-buildpack-releases/i.test(last.url)) {
        const app = /\bapp:\s*:(\w+)/.exec(files.read('mix.exs')?.text ?? '')?.[1] ?? 'app'
        return {
          buildpack: 'gigalixir/releases',
          command: `bin/${app} start`,
          ref: 'https://github.com/gigalixir/gigalixir-buildpack-releases/blob/master/bin/compile',
          why: `the release Gigalixir's releases buildpack builds (${last.file}:${last.line} names it last: its bin/compile runs \`mix release\`, and Gigalixir starts the release with \`start\`)`,
        }
      }

      if (last && /heroku-buildpack-phoenix-static/i.test(last.url)) {
        return {
          buildpack: 'gjaldon/phoenix-static',
          command: 'elixir --sname server -S mix phx.server',
          ref: 'https://github.com/gjaldon/heroku-buildpack-phoenix-static/blob/master/bin/release',
          why: `the last buildpack's default web process (${last.file}:${last.line} names the Phoenix static buildpack after the Elixir one; Heroku takes the last buildpack's default_process_types)`,
        }
      }

      // The community Elixir buildpack (HashNuke, also Gigalixir's base) declares `web: mix run --no-halt`: it starts
      // the application, so its repos (and a Phoenix endpoint configured with server: true) start with it.
      return {
        buildpack: 'hashnuke/elixir',
        command: 'mix run --no-halt',
        ref: 'https://github.com/HashNuke/heroku-buildpack-elixir/blob/master/bin/release',
        why: "the Elixir buildpack's default web process",
      }
    }

    case 'python': {
      return {
        buildpack: 'heroku/python',
        none: 'the heroku/python buildpack declares no default web process (its bin/release has no default_process_types), so without a Procfile Heroku starts none: add one, e.g. `web: gunicorn myproject.wsgi`',
      }
    }

    default: {
      return {none: 'no language buildpack was detected (no Gemfile, package.json, requirements.txt, pom.xml, composer.json, go.mod or mix.exs), so there is no default web process either'}
    }
  }
}

/** A Procfile type that serves HTTP itself: it binds $PORT or starts a web server. */
const SERVES_HTTP =
  /\$\{?PORT\b|(^|[\s/;&|(])(puma|pumactl|unicorn|unicorn_rails|pitchfork|passenger|thin|falcon|iodine|rackup|gunicorn|uvicorn|daphne|hypercorn|granian|waitress-serve|uwsgi|heroku-php-apache2|heroku-php-nginx|php-fpm)(\s|$)|\brails\s+s(erver)?\b/

// "Elastic Beanstalk expects processes run from the Procfile to run continuously … and restarts any process that terminates";
// the Procfile names them all (a worker environment's has no web).
const BEANSTALK_PROCFILE_REF = 'https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/platforms-linux-extend.build-proc.html'

/** What says the app deploys on Elastic Beanstalk: its EB CLI config (.elasticbeanstalk/config.yml) or .ebextensions/ config files. */
export function beanstalkSign(files: FileReader): string | undefined {
  if (files.exists('.elasticbeanstalk/config.yml')) return ".elasticbeanstalk/config.yml, the EB CLI's"
  const ext = files.list('.ebextensions').find((f) => f.endsWith('.config'))
  return ext ? `.ebextensions/${ext}` : undefined
}

/** What to do about a Procfile that declares no `web` type. */
export type WebBeside = DefaultWeb | {servedBy: {line: number; name: string}}

/**
 * A Procfile that declares no `web` type still gets the last buildpack's default one: the platform
 * merges a buildpack's `default_process_types` (bin/release) under the Procfile's types, and scales
 * web to 1 dyno on the first deploy (heroku-buildpack-nodejs bin/release declares none when the
 * Procfile has an `mcp` type, which it would not need to if a Procfile replaced the defaults).
 * When another type already serves HTTP (it binds $PORT or starts a web server: `custom_web: puma`,
 * `server: rails server -p $PORT`), the Procfile is one for a platform or a process manager that does
 * not route to `web`, and the default is not counted. Node's `npm start` counts only when it has
 * something to run (a `start` script, or server.js, which npm runs without one).
 */
export async function defaultWebBeside(files: FileReader, detected: DetectedLanguage, types: readonly {command: string; line: number; name: string}[]): Promise<undefined | WebBeside> {
  if (types.some((t) => t.name === 'web')) return undefined
  const serving = types.find((t) => SERVES_HTTP.test(t.command))
  if (serving) return {servedBy: {line: serving.line, name: serving.name}}
  // Elastic Beanstalk runs the Procfile's processes and nothing else: no buildpack merges a default web under them.
  const eb = beanstalkSign(files)
  if (eb && !herokuSign(files)) return {none: `the app deploys on AWS Elastic Beanstalk (${eb}), which runs each process the Procfile lists and adds none of its own (${BEANSTALK_PROCFILE_REF})`, said: true}
  // heroku/go's bin/release declares no default_process_types: it writes a Procfile only for an app with none.
  if (detected.language === 'go') return {buildpack: 'heroku/go', none: `heroku/go declares no default process types (its bin/release prints \`--- {}\`): it writes a Procfile only for an app that has none (${GO_PROCFILE_REF})`}
  if (detected.language === 'nodejs') {
    if (types.some((t) => t.name.startsWith('mcp'))) return {buildpack: 'heroku/nodejs', none: 'heroku/nodejs declares no default web process when the Procfile has an mcp type (bin/release)'}
    const start = readPackageJson(files).pkg?.scripts.start
    if (start === undefined && !files.exists('server.js')) return {buildpack: 'heroku/nodejs', none: 'package.json has no start script and there is no server.js, so `npm start` has nothing to run'}
  }

  return defaultWebProcess(files, detected)
}

/**
 * heroku/ruby (lib/language_pack/rails4.rb, rails3.rb, rack.rb): Rails ≥ 4 runs
 * `bin/rails server`; Rails 3 and plain Rack apps run `rackup` (or `thin start`
 * when Thin is in the bundle). Which one depends on Gemfile.lock, as for the buildpack.
 */
function rubyDefault(files: FileReader): DefaultWeb {
  const lock = files.read('Gemfile.lock')
  if (!lock) return {buildpack: 'heroku/ruby', none: 'heroku/ruby picks its default web process from Gemfile.lock, and there is none (the buildpack requires it)'}
  const gems = parseGemfileLock(lock.text)
  const thin = gems.thin !== undefined
  if (gems.railties) {
    if (compareVersions(gems.railties, '4.0') >= 0) {
      return {buildpack: 'heroku/ruby', command: 'bin/rails server -p ${PORT:-5000} -e $RAILS_ENV', ref: RUBY_REF, why: `the Ruby buildpack's default web process for Rails ${gems.railties}`}
    }

    const command = thin ? 'bundle exec thin start -R config.ru -e $RAILS_ENV -p ${PORT:-5000}' : 'bundle exec rails server -p ${PORT:-5000}'
    return {buildpack: 'heroku/ruby', command, ref: RAILS3_REF, why: `the Ruby buildpack's default web process for Rails ${gems.railties}${thin ? ' with Thin' : ''}`}
  }

  if (gems.rack) {
    // rack.rb declares it whether or not the app has a config.ru; without one, rackup/thin stop at start
    // ("configuration config.ru not found"), so no web process stays up.
    if (!files.exists('config.ru')) {
      return {buildpack: 'heroku/ruby', none: `heroku/ruby's default web process for a Rack app runs \`${thin ? 'thin start -R config.ru' : 'rackup config.ru'}\` (${RACK_REF}), and the app has no config.ru: it would stop at start`, stops: true}
    }

    const command = thin ? 'bundle exec thin start -R config.ru -e $RACK_ENV -p ${PORT:-5000}' : 'bundle exec rackup config.ru -p ${PORT:-5000}'
    return {buildpack: 'heroku/ruby', command, ref: RACK_REF, why: `the Ruby buildpack's default web process for a Rack app${thin ? ' with Thin' : ''}`}
  }

  return {buildpack: 'heroku/ruby', none: 'heroku/ruby declares a default web process only for Rails and Rack apps, and Gemfile.lock has neither railties nor rack'}
}

/**
 * The JVM buildpacks write a Procfile only for apps they recognise: Spring Boot
 * (heroku-buildpack-java and -gradle `bin/release`) runs its fat jar.
 */
function jvmDefault(files: FileReader): DefaultWeb {
  const pom = files.read('pom.xml')
  if (pom && /spring-boot/.test(pom.text)) {
    return {
      buildpack: 'heroku/java',
      command: 'java -Dserver.port=$PORT $JAVA_OPTS -jar target/*.jar',
      ref: 'https://github.com/heroku/heroku-buildpack-java/blob/main/bin/release',
      why: "the Java (Maven) buildpack's default web process for a Spring Boot app",
    }
  }

  const gradle = files.read('build.gradle') ?? files.read('build.gradle.kts')
  if (gradle && /org\.springframework\.boot/.test(gradle.text)) {
    return {
      buildpack: 'heroku/gradle',
      command: 'java -Dserver.port=$PORT $JAVA_OPTS -jar build/libs/*.jar',
      ref: 'https://github.com/heroku/heroku-buildpack-gradle/blob/main/bin/release',
      why: "the Gradle buildpack's default web process for a Spring Boot app",
    }
  }

  // heroku-buildpack-scala bin/release: with no Procfile, the one executable sbt-native-packager staged in
  // target/universal/stage/bin (lib/common.sh universal_packaging_default_web_proc), `-Dhttp.port=$PORT`. The script
  // is named after the project (executableScriptName = normalizedName).
  if (files.exists('build.sbt') || files.exists('project/build.properties')) {
    const name = /^\s*name\s*:=\s*"{1,3}([^"]+)"{1,3}/m.exec(files.read('build.sbt')?.text ?? '')?.[1]
    if (!name) {
      return {
        buildpack: 'heroku/scala',
        none: "the Scala buildpack's default web process is sbt-native-packager's start script built at deploy (target/universal/stage/bin/NAME -Dhttp.port=$PORT, https://github.com/heroku/heroku-buildpack-scala/blob/main/bin/release), and build.sbt sets no `name :=` conncalc can read to know NAME; add a Procfile line",
      }
    }

    return {
      buildpack: 'heroku/scala',
      // sbt's normalizeName: lower-cased, each run of non-word characters (\W+) → '-'.
      command: `target/universal/stage/bin/${name.toLowerCase().replaceAll(/\W+/g, '-')} -Dhttp.port=$PORT`,
      ref: 'https://github.com/heroku/heroku-buildpack-scala/blob/main/lib/common.sh',
      why: "the Scala buildpack's default web process: the start script sbt-native-packager stages (named after build.sbt's `name`)",
    }
  }

  return {buildpack: 'heroku/java', none: 'the JVM buildpacks declare a default web process only for Spring Boot apps (and this one is not, by pom.xml/build.gradle)'}
}

// heroku/buildpacks-dotnet detect_solution_processes: a process per console, web and worker project,
// `cd <project dir>/bin/publish; ./<AssemblyName>` (+ ` --urls http://*:$PORT` for a web app); when the
// solution has exactly one web application its process is typed `web` and is the default; the others are
// named after their assemblies, which Heroku does not scale up by itself.
const DOTNET_REF = 'https://github.com/heroku/buildpacks-dotnet/blob/d99b5ff6ea69a96d5f2f4debf13243af1d5638cf/buildpacks/dotnet/src/launch_process.rs'

function dotnetDefault(app: {projects: {assembly: string; dir: string; file: string; web: boolean}[]; source?: string}): DefaultWeb {
  const webs = app.projects.filter((p) => p.web)
  if (webs.length !== 1) {
    const why = webs.length === 0 ? `${app.source ?? 'the app'} has no web application project (Microsoft.NET.Sdk.Web)` : `${app.source ?? 'the solution'} has ${webs.length} web application projects (${webs.map((w) => w.assembly).join(', ')})`
    return {buildpack: 'heroku/dotnet', none: `heroku/dotnet types a process \`web\` only when the solution has exactly one web application, and ${why}; its processes are named after their assemblies (${DOTNET_REF})`}
  }

  const p = webs[0]
  const dir = p.dir === '' ? 'bin/publish' : `${p.dir}/bin/publish`
  return {
    buildpack: 'heroku/dotnet',
    command: `cd ${dir}; ./${p.assembly} --urls http://*:$PORT`,
    ref: DOTNET_REF,
    why: `the .NET buildpack's default web process, the published ${p.assembly} of ${p.file}`,
  }
}

/**
 * heroku/go (heroku-buildpack-go@1bc788f bin/compile setupProcfile; bin/release prints `--- {}`, no default_process_types):
 * only an app with no Procfile gets one, written from the module's main packages (`go list -f '{{ if eq .Name "main" }}
 * {{.ImportPath}} {{ end }}' ./...`): one main package gives `web: bin/NAME`, several give one type per binary, each
 * named after it (`NAME: bin/NAME`, no web), none gives no Procfile. NAME is the package path's last element.
 */
export const GO_PROCFILE_REF = 'https://github.com/heroku/heroku-buildpack-go/blob/main/bin/compile'

/** The module's main packages as `go list ./...` finds them (folders from the app root, '' for the root), up to 50. */
export function goMainPackages(files: FileReader): string[] {
  const out: string[] = []
  const stack = ['']
  let seen = 0
  while (stack.length > 0 && seen < 2000 && out.length < 50) {
    const dir = stack.shift()!
    seen++
    // The package clause is the first statement after comments; a file `go build` leaves out (a build constraint) is not read.
    const main = files.list(dir).some((f) => {
      if (!f.endsWith('.go') || f.endsWith('_test.go') || f.startsWith('_') || f.startsWith('.')) return false
      const text = files.read(dir ? `${dir}/${f}` : f)?.text ?? ''
      return /^package\s+main\b/m.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '')) && builtOnLinux(f, text).built
    })
    if (main) out.push(dir)
    // `./...` leaves out vendor, testdata, folders starting with . or _, and nested modules (a folder with its own go.mod).
    for (const d of files.folders(dir)) {
      const path = dir ? `${dir}/${d}` : d
      if (!/^(vendor|testdata|node_modules)$|^[._]/.test(d) && !files.exists(`${path}/go.mod`)) stack.push(path)
    }
  }

  return out
}

function goDefault(files: FileReader): DefaultWeb {
  const mod = files.read('go.mod')
  const module = mod && /^module\s+("?)(\S+)\1\s*$/m.exec(mod.text)?.[2]
  if (!module) return {buildpack: 'heroku/go', none: 'heroku/go writes a Procfile from the main packages of the module in go.mod, and none is declared there'}
  const mains = goMainPackages(files)
  if (mains.length === 0) return {buildpack: 'heroku/go', none: `heroku/go writes a Procfile only from the module's main packages, and ${module} has none (no folder's Go files are \`package main\`), so it writes none (${GO_PROCFILE_REF})`}
  const names = mains.map((d) => (d === '' ? module : `${module}/${d}`).split('/').pop()!)
  if (mains.length === 1) {
    return {
      buildpack: 'heroku/go',
      command: `bin/${names[0]}`,
      ref: GO_PROCFILE_REF,
      why: `the Procfile the Go buildpack writes for the module's one main package (${mains[0] === '' ? 'the module root' : mains[0]}): \`web: bin/${names[0]}\``,
    }
  }

  return {buildpack: 'heroku/go', none: `heroku/go writes a Procfile with one type per main package of ${module} (${names.map((n) => `\`${n}: bin/${n}\``).join(', ')}), and no web type: Heroku starts none of them until they are scaled (${GO_PROCFILE_REF})`, types: names.map((n) => ({command: `bin/${n}`, name: n}))}
}
