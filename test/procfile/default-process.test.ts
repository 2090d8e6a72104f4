import {describe, expect, it} from 'vitest'

import {memoryFiles} from '../../src/model/files.js'
import {defaultWebBeside, defaultWebProcess} from '../../src/procfile/default-process.js'
import {detectLanguage} from '../../src/platform/language.js'

const web = async (files: Record<string, string>) => {
  const reader = memoryFiles(files)
  const found = await defaultWebProcess(reader, detectLanguage(reader))
  return 'none' in found ? {none: found.none} : found.command
}

const lock = (gems: Record<string, string>) => `GEM\n  remote: https://rubygems.org/\n  specs:\n${Object.entries(gems).map(([g, v]) => `    ${g} (${v})\n`).join('')}\nPLATFORMS\n  ruby\n`

describe('defaultWebProcess: what each buildpack starts without a Procfile', () => {
  it('Ruby: Rails ≥ 4 bin/rails server; Rails 3 rails server or thin; Rack rackup or thin (heroku-buildpack-ruby language_pack)', async () => {
    expect(await web({Gemfile: '', 'Gemfile.lock': lock({puma: '6.4.3', rack: '3.1.4', railties: '8.0.2'})})).toBe('bin/rails server -p ${PORT:-5000} -e $RAILS_ENV')
    expect(await web({Gemfile: '', 'Gemfile.lock': lock({rack: '1.4.5', railties: '3.2.22'})})).toBe('bundle exec rails server -p ${PORT:-5000}')
    expect(await web({Gemfile: '', 'Gemfile.lock': lock({rack: '1.4.5', railties: '3.2.22', thin: '1.6.4'})})).toBe('bundle exec thin start -R config.ru -e $RAILS_ENV -p ${PORT:-5000}')
    expect(await web({Gemfile: '', 'Gemfile.lock': lock({puma: '6.4.3', rack: '3.1.4', sinatra: '4.0.0'}), 'config.ru': 'run App\n'})).toBe('bundle exec rackup config.ru -p ${PORT:-5000}')
    expect(await web({Gemfile: '', 'Gemfile.lock': lock({rack: '2.2.9', thin: '1.8.2'}), 'config.ru': 'run App\n'})).toBe('bundle exec thin start -R config.ru -e $RACK_ENV -p ${PORT:-5000}')
    // rack.rb declares rackup for any bundle with rack; without a config.ru it stops at start: no web process, said.
    expect(await web({Gemfile: '', 'Gemfile.lock': lock({puma: '6.4.3', rack: '3.1.4'})})).toEqual({none: expect.stringContaining('the app has no config.ru: it would stop at start')})
    expect(await web({Gemfile: '', 'Gemfile.lock': lock({rake: '13.0.0'})})).toEqual({none: expect.stringContaining('only for Rails and Rack apps')})
    expect(await web({Gemfile: ''})).toEqual({none: expect.stringContaining('Gemfile.lock')})
  })

  it('JVM: a Spring Boot jar (Maven target/, Gradle build/libs/); other JVM apps have none', async () => {
    expect(await web({'pom.xml': '<parent><artifactId>spring-boot-starter-parent</artifactId></parent>'})).toBe('java -Dserver.port=$PORT $JAVA_OPTS -jar target/*.jar')
    expect(await web({'build.gradle': "plugins { id 'org.springframework.boot' version '3.3.0' }"})).toBe('java -Dserver.port=$PORT $JAVA_OPTS -jar build/libs/*.jar')
    expect(await web({'pom.xml': '<project><artifactId>batch</artifactId></project>'})).toEqual({none: expect.stringContaining('Spring Boot')})
  })

  it("Scala (sbt): the start script sbt-native-packager stages, named after build.sbt's name (heroku-buildpack-scala lib/common.sh); none when the name is not read", async () => {
    expect(await web({'build.sbt': 'name := "Order_Service 2"\nlazy val root = (project in file(".")).enablePlugins(PlayScala)\n'})).toBe('target/universal/stage/bin/order_service-2 -Dhttp.port=$PORT')
    for (const files of <Record<string, string>[]>[{'build.sbt': 'lazy val root = (project in file(".")).enablePlugins(PlayScala)\n'}, {'project/build.properties': 'sbt.version=1.10.0\n'}]) {
      expect(await web(files)).toEqual({none: expect.stringContaining("the Scala buildpack's default web process is sbt-native-packager's start script built at deploy (target/universal/stage/bin/NAME -Dhttp.port=$PORT")})
    }
  })

  it("Go: the Procfile heroku/go writes from the module's main packages (bin/compile setupProcfile: one gives web, several one type each)", async () => {
    const mod = {'go.mod': 'module github.com/acme/inventory-api\n\ngo 1.22\n'}
    const main = 'package main\n\nfunc main() {}\n'
    // One main package, the module root: `web: bin/` + the import path's last element.
    expect(await web({...mod, 'main.go': main})).toBe('bin/inventory-api')
    // One main package in cmd/server (the root a library): bin/server. A build-ignored main, testdata, _tools and a
    // nested module are not packages of `go list ./...`.
    const one = {...mod, 'cmd/server/main.go': `// Server.\n${main}`, 'inventory.go': 'package inventory\n', 'gen/gen.go': `//go:build ignore\n\n${main}`, 'testdata/app/main.go': main, '_tools/t/main.go': main, 'tools/go.mod': 'module tools\n', 'tools/main.go': main}
    expect(await web(one)).toBe('bin/server')
    // Two: `api: bin/api`, `worker: bin/worker`, no web.
    const two = await defaultWebProcess(memoryFiles({...mod, 'cmd/api/main.go': main, 'cmd/worker/main.go': main}), {all: ['go'], language: 'go'})
    expect(two).toEqual(expect.objectContaining({none: expect.stringContaining('no web type'), types: [{command: 'bin/api', name: 'api'}, {command: 'bin/worker', name: 'worker'}]}))
    // None: no Procfile is written (the app's root is a library package).
    expect(await web({...mod, 'inventory.go': 'package inventory\n'})).toEqual({none: expect.stringContaining('github.com/acme/inventory-api has none')})
  })

  it('.NET: the one web application project, published to <project dir>/bin/publish (heroku/buildpacks-dotnet launch_process.rs)', async () => {
    const webProject = '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup></Project>'
    const worker = '<Project Sdk="Microsoft.NET.Sdk.Worker"><PropertyGroup><TargetFramework>net8.0</TargetFramework><OutputType>Exe</OutputType></PropertyGroup></Project>'
    expect(await web({'TodoApi.csproj': webProject})).toBe('cd bin/publish; ./TodoApi --urls http://*:$PORT')
    const sln = (projects: string[]) => `Microsoft Visual Studio Solution File, Format Version 12.00\n${projects.map((p, i) => `Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "${p.split('/')[0]}", "${p.replaceAll('/', '\\')}", "{0000000${i}-0000-0000-0000-000000000000}"\nEndProject\n`).join('')}`
    expect(await web({'Shop.sln': sln(['Shop.Api/Shop.Api.csproj', 'Shop.Jobs/Shop.Jobs.csproj']), 'Shop.Api/Shop.Api.csproj': webProject, 'Shop.Jobs/Shop.Jobs.csproj': worker})).toBe('cd Shop.Api/bin/publish; ./Shop.Api --urls http://*:$PORT')
    // Two web applications: each process is named after its assembly, none is `web`.
    expect(await web({'Shop.sln': sln(['A/A.csproj', 'B/B.csproj']), 'A/A.csproj': webProject, 'B/B.csproj': webProject})).toEqual({none: expect.stringContaining('has 2 web application projects (A, B)')})
    expect(await web({'Jobs.csproj': worker})).toEqual({none: expect.stringContaining('no web application project')})
  })

  it('Node npm start, PHP heroku-php-apache2, Python none, nothing detected none', async () => {
    expect(await web({'package.json': '{"scripts": {"start": "node index.js"}}'})).toBe('npm start')
    // No start script: npm runs `node server.js` when there is one (@npmcli/run-script is-server-package.js), else it
    // stops at start with `Missing script: "start"` (npm/cli lib/commands/run-script.js): no web process stays up.
    expect(await web({'package.json': '{}', 'server.js': ''})).toBe('npm start')
    expect(await web({'package.json': '{"scripts": {"build": "tsc"}}'})).toEqual({none: expect.stringContaining('`npm start`, stops at start (npm: `Missing script: "start"`)')})
    expect(await web({'composer.json': '{}'})).toBe('heroku-php-apache2')
    expect(await web({'requirements.txt': 'django\n'})).toEqual({none: expect.stringContaining('heroku/python buildpack declares no default web process')})
    expect(await web({})).toEqual({none: expect.stringContaining('no language buildpack was detected')})
  })

  it('Elixir (mix.exs, the community Elixir buildpack): mix run --no-halt, which starts the app and its repos', async () => {
    expect(await web({'elixir_buildpack.config': 'elixir_version=1.8.0\n', 'mix.exs': 'defmodule App.MixProject do\nend\n'})).toBe('mix run --no-halt')
  })

  it('Elixir with the Phoenix static buildpack last (.buildpacks or app.json buildpacks): its bin/release, `elixir --sname server -S mix phx.server`', async () => {
    const app = {'elixir_buildpack.config': 'elixir_version=1.6.3\n', 'mix.exs': 'defmodule App.MixProject do\nend\n'}
    const both = 'https://github.com/HashNuke/heroku-buildpack-elixir\nhttps://github.com/gjaldon/heroku-buildpack-phoenix-static\n'
    expect(await web({...app, '.buildpacks': both})).toBe('elixir --sname server -S mix phx.server')
    expect(await web({...app, 'app.json': JSON.stringify({buildpacks: [{url: 'hashnuke/elixir'}, {url: 'https://github.com/gjaldon/heroku-buildpack-phoenix-static.git'}]})})).toBe('elixir --sname server -S mix phx.server')
    // The Elixir buildpack last: its own default.
    expect(await web({...app, '.buildpacks': 'https://github.com/gjaldon/heroku-buildpack-phoenix-static\nhttps://github.com/HashNuke/heroku-buildpack-elixir\n'})).toBe('mix run --no-halt')
  })
})

describe('defaultWebBeside: a Procfile without a web type', () => {
  const beside = async (files: Record<string, string>, types: {command: string; name: string}[]) => {
    const reader = memoryFiles(files)
    const found = await defaultWebBeside(reader, detectLanguage(reader), types.map((t, i) => ({...t, line: i + 1})))
    return found && ('command' in found ? found.command : 'servedBy' in found ? {servedBy: found.servedBy.name} : {none: found.none})
  }

  it('a web type: nothing to add', async () => {
    expect(await beside({Gemfile: '', 'Gemfile.lock': lock({railties: '8.0.2'})}, [{command: 'bundle exec puma', name: 'web'}])).toBeUndefined()
  })

  it('another type binds $PORT or starts a web server: served by it', async () => {
    const rails = {Gemfile: '', 'Gemfile.lock': lock({railties: '8.0.2'})}
    expect(await beside(rails, [{command: 'bundle exec rails server -p $PORT', name: 'rails'}])).toEqual({servedBy: 'rails'})
    expect(await beside(rails, [{command: 'bin/rails s', name: 'server'}])).toEqual({servedBy: 'server'})
    expect(await beside({'requirements.txt': ''}, [{command: 'gunicorn app:app', name: 'api'}])).toEqual({servedBy: 'api'})
    expect(await beside({'package.json': '{"scripts":{"start":"node a.js"}}'}, [{command: 'node api.js --port ${PORT}', name: 'api'}])).toEqual({servedBy: 'api'})
    // A worker that only mentions a server's name in an argument is not one.
    expect(await beside(rails, [{command: 'bundle exec sidekiq -q puma_jobs', name: 'worker'}])).toBe('bin/rails server -p ${PORT:-5000} -e $RAILS_ENV')
  })

  it("Node: npm start when there is a start script or a server.js; none for an mcp type (heroku-buildpack-nodejs bin/release)", async () => {
    const worker = [{command: 'node worker.js', name: 'worker'}]
    expect(await beside({'package.json': '{"scripts":{"start":"node index.js"}}'}, worker)).toBe('npm start')
    expect(await beside({'package.json': '{}', 'server.js': ''}, worker)).toBe('npm start')
    expect(await beside({'package.json': '{}'}, worker)).toEqual({none: expect.stringContaining('no start script')})
    expect(await beside({'package.json': '{"scripts":{"start":"node index.js"}}'}, [{command: 'node mcp.js', name: 'mcp'}])).toEqual({none: expect.stringContaining('mcp')})
  })

  it("PHP: heroku-php-apache2 on Heroku; Scalingo's bin/run when scalingo.json, cron.json or a postdeploy type says the app is there", async () => {
    const worker = [{command: 'php artisan queue:work', name: 'worker'}]
    expect(await beside({'composer.json': '{}'}, worker)).toBe('heroku-php-apache2')
    expect(await beside({'composer.json': '{}', 'scalingo.json': '{}'}, worker)).toBe('bin/run')
    expect(await beside({'composer.json': '{}', 'cron.json': '{"jobs": []}'}, worker)).toBe('bin/run')
    expect(await beside({'composer.json': '{}', Procfile: 'postdeploy: php artisan migrate --force\n'}, worker)).toBe('bin/run')
  })

  it('Go declares none (heroku/go bin/release prints `--- {}`; it writes a Procfile only when there is none), main package or not', async () => {
    const files = {'go.mod': 'module github.com/acme/shop\n', 'main.go': 'package main\n\nfunc main() {}\n'}
    expect(await beside(files, [{command: 'bin/worker', name: 'worker'}])).toEqual({none: expect.stringContaining('declares no default process types')})
  })

  it('Python declares none', async () => {
    expect(await beside({'requirements.txt': ''}, [{command: 'celery -A app worker', name: 'worker'}])).toEqual({none: expect.stringContaining('no default web process')})
  })
})

describe('an Elixir app that ships elixir_buildpack.config', () => {
  it('is built by the Elixir buildpack even with a requirements.txt in the root: its default web, not Python\'s "none"', async () => {
    const files = {'elixir_buildpack.config': 'elixir_version=1.9.1\n', 'mix.exs': 'defmodule Board.MixProject do\nend\n', 'requirements.txt': 'pandas==2.2.0\n'}
    // Before: heroku/python (requirements.txt comes first in Heroku's detection order), which declares no default web → none.
    expect(await web(files)).toBe('mix run --no-halt')
    const detected = detectLanguage(memoryFiles(files))
    expect(detected.language).toBe('elixir')
    expect(detected.source).toEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('elixir_buildpack.config is there')}))
    // Without the config file, Heroku's detection order stands: Python, which starts no web process.
    const {'elixir_buildpack.config': _unused, ...plain} = files
    expect(await web(plain)).toEqual({none: expect.stringContaining('heroku/python')})
  })
})
