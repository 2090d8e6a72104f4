import {describe, expect, it} from 'vitest'

import {memoryFiles} from '../../src/model/files.js'
import {defaultWebProcess} from '../../src/procfile/default-process.js'
import {detectLanguage} from '../../src/platform/language.js'

const web = (files: Record<string, string>) => {
  const reader = memoryFiles(files)
  const found = defaultWebProcess(reader, detectLanguage(reader))
  return 'none' in found ? {none: found.none} : found.command
}

const lock = (gems: Record<string, string>) => `GEM\n  remote: https://rubygems.org/\n  specs:\n${Object.entries(gems).map(([g, v]) => `    ${g} (${v})\n`).join('')}\nPLATFORMS\n  ruby\n`

describe('defaultWebProcess: what each buildpack starts without a Procfile', () => {
  it('Ruby: Rails ≥ 4 bin/rails server; Rails 3 rails server or thin; Rack rackup or thin (heroku-buildpack-ruby language_pack)', () => {
    expect(web({Gemfile: '', 'Gemfile.lock': lock({puma: '6.4.3', rack: '3.1.4', railties: '8.0.2'})})).toBe('bin/rails server -p ${PORT:-5000} -e $RAILS_ENV')
    expect(web({Gemfile: '', 'Gemfile.lock': lock({rack: '1.4.5', railties: '3.2.22'})})).toBe('bundle exec rails server -p ${PORT:-5000}')
    expect(web({Gemfile: '', 'Gemfile.lock': lock({rack: '1.4.5', railties: '3.2.22', thin: '1.6.4'})})).toBe('bundle exec thin start -R config.ru -e $RAILS_ENV -p ${PORT:-5000}')
    expect(web({Gemfile: '', 'Gemfile.lock': lock({puma: '6.4.3', rack: '3.1.4', sinatra: '4.0.0'})})).toBe('bundle exec rackup config.ru -p ${PORT:-5000}')
    expect(web({Gemfile: '', 'Gemfile.lock': lock({rack: '2.2.9', thin: '1.8.2'})})).toBe('bundle exec thin start -R config.ru -e $RACK_ENV -p ${PORT:-5000}')
    expect(web({Gemfile: '', 'Gemfile.lock': lock({rake: '13.0.0'})})).toEqual({none: expect.stringContaining('only for Rails and Rack apps')})
    expect(web({Gemfile: ''})).toEqual({none: expect.stringContaining('Gemfile.lock')})
  })

  it('JVM: a Spring Boot jar (Maven target/, Gradle build/libs/); other JVM apps have none', () => {
    expect(web({'pom.xml': '<parent><artifactId>spring-boot-starter-parent</artifactId></parent>'})).toBe('java -Dserver.port=$PORT $JAVA_OPTS -jar target/*.jar')
    expect(web({'build.gradle': "plugins { id 'org.springframework.boot' version '3.3.0' }"})).toBe('java -Dserver.port=$PORT $JAVA_OPTS -jar build/libs/*.jar')
    expect(web({'pom.xml': '<project><artifactId>batch</artifactId></project>'})).toEqual({none: expect.stringContaining('Spring Boot')})
  })

  it('Go: the binary named after the module path', () => {
    expect(web({'go.mod': 'module github.com/acme/inventory-api\n\ngo 1.22\n'})).toBe('inventory-api')
  })

  it('Node npm start, PHP heroku-php-apache2, Python none, nothing detected none', () => {
    expect(web({'package.json': '{}'})).toBe('npm start')
    expect(web({'composer.json': '{}'})).toBe('heroku-php-apache2')
    expect(web({'requirements.txt': 'django\n'})).toEqual({none: expect.stringContaining('heroku/python buildpack declares no default web process')})
    expect(web({})).toEqual({none: expect.stringContaining('no language buildpack was detected')})
  })
})
