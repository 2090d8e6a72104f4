/**
 * An entrypoint's file test on a path the image holds, and a shell shim that finds its own folder.
 *
 * - `[ ! -f /app/frankenphp_target ]` (LycheeOrg/Lychee: `RUN touch /app/frankenphp_target`, then the entrypoint starts
 *   PHP-FPM only where the file is missing) and `[ -e ../.use-docker -a ! -e /etc/app-env ]` (TracksApp/tracks: `RUN touch
 *   /etc/app-env`) are decided from what the build put there (model/image-files.ts imageHolds): before, each was an
 *   undecided branch and the larger way was counted, starred (Lychee 21* where it runs 16).
 * - TracksApp/tracks' bin/rails is a sh shim: `SCRIPT=$(readlink -f "$0")`, `SCRIPTPATH=$(dirname "$SCRIPT")`,
 *   `$SCRIPTPATH/run-rails "$@"`, and bin/run-rails is Rails' binstub (`require "rails/commands"`): it runs `rails server`.
 * - Branches that each start a process holding as many connections (`exec gosu www-data "$@"` or `exec su-exec www-data
 *   "$@"`): the count does not rest on which runs; nothing is assumed.
 *
 * Fixture rails-entrypoint-reexec: Rails 7.1, Puma 6.4, config/puma.rb `threads 5, 5` (RAILS_MAX_THREADS unset), pool 5;
 * WORKDIR /app, `COPY . .`. By hand: the CMD's puma, single mode, min(5, 5) = 5; `puma -w 3` is 3 × min(5, 5) = 15.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {isAssumption} from '../../src/model/source.js'
import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rails-entrypoint-reexec')

const dockerfile = (run: string, cmd = '["bundle", "exec", "puma", "-C", "config/puma.rb"]'): string =>
  `FROM ruby:3.3-slim\nWORKDIR /app\nCOPY . .\nRUN bundle install${run}\nENV RAILS_ENV=production\nENTRYPOINT ["/app/bin/docker-entrypoint"]\nCMD ${cmd}\n`
const plan = (files: Record<string, string>) => planJson(join(app(files), 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1'])

describe("a file test on a path the image holds", () => {
  const lychee = '#!/bin/sh\nif [ ! -f "/app/container_target" ]; then\n  exec bundle exec puma -w 3 -C config/puma.rb\nfi\nexec "$@"\n'

  it('a file a RUN touched is there: `[ ! -f … ]` is false, the CMD runs: 5, nothing assumed', () => {
    const r = plan({'Dockerfile': dockerfile(' && touch /app/container_target'), 'bin/docker-entrypoint': lychee})
    expect(r.type('web').connections).toBe(5)
    expect(isAssumption(r.type('web').sources.processesPerDyno as never)).toBe(false)
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('a file the build did not put there (or a RUN removed) stays undecided: the larger way, 15, starred and said', () => {
    for (const run of ['', ' && touch /app/container_target && rm -f /app/container_target']) {
      const r = plan({'Dockerfile': dockerfile(run), 'bin/docker-entrypoint': lychee})
      expect(r.type('web').connections).toBe(15)
      expect(r.codes).toContain('unknown-config-value')
    }
  })

  it('`[ -e ../.use-docker -a ! -e /etc/app-env ]` with /etc/app-env touched, `-d` on a folder COPY filled: decided', () => {
    const tracks = '#!/bin/sh\nif [ -e ../.use-docker -a ! -e /etc/app-env ]; then\n  exec bundle exec puma -w 3 -C config/puma.rb\nfi\nexec "$@"\n'
    const r = plan({'Dockerfile': dockerfile(' && touch /etc/app-env'), 'bin/docker-entrypoint': tracks})
    expect([r.type('web').connections, r.codes.includes('unknown-config-value')]).toEqual([5, false])
    const folder = '#!/bin/sh\nif [ -d /app/config ] && [ -s /app/config/puma.rb ]; then\n  exec "$@"\nfi\nexec bundle exec puma -w 3 -C config/puma.rb\n'
    const d = plan({'bin/docker-entrypoint': folder})
    expect([d.type('web').connections, d.codes.includes('unknown-config-value')]).toEqual([5, false])
  })
})

describe('a shell shim that runs Rails\' binstub from its own folder', () => {
  it('bin/rails: SCRIPTPATH=$(dirname "$(readlink -f "$0")"), then $SCRIPTPATH/run-rails "$@": rails server, Puma 5', () => {
    const shim = '#!/bin/sh\nSCRIPT=$(readlink -f "$0")\nSCRIPTPATH=$(dirname "$SCRIPT")\n\nif [ -e ../.use-docker -a ! -e /etc/app-env ];\nthen\n  $SCRIPTPATH/../script/docker-environment $0 "$@"\nelse\n  $SCRIPTPATH/run-rails "$@"\nfi\n'
    const binstub = "#!/usr/bin/env ruby\n\nAPP_PATH = File.expand_path('../config/application', __dir__)\nrequire_relative '../config/boot'\nrequire 'rails/commands'\n"
    const r = plan({
      'Dockerfile': dockerfile(' && touch /etc/app-env', '["./bin/rails", "server", "-b", "0.0.0.0"]'),
      'bin/docker-entrypoint': '#!/bin/sh\nexec "$@"\n',
      'bin/rails': shim,
      'bin/run-rails': binstub,
    })
    expect(r.type('web').server).toBe('puma')
    expect(r.type('web').connections).toBe(5)
    expect(r.codes).not.toContain('unknown-config-value')
    expect(r.codes).not.toContain('unknown-command')
  })
})

describe('undecided branches whose processes hold as many connections', () => {
  it('`exec gosu app "$@"` or `exec su-exec app "$@"`: 5 either way, nothing assumed, nothing said', () => {
    const entry = '#!/bin/sh\nif command -v gosu >/dev/null 2>&1; then\n  exec gosu app "$@"\nelif command -v su-exec >/dev/null 2>&1; then\n  exec su-exec app "$@"\nelse\n  echo "no gosu" >&2\n  exit 1\nfi\n'
    const r = plan({'bin/docker-entrypoint': entry})
    expect(r.type('web').connections).toBe(5)
    expect(isAssumption(r.type('web').sources.processesPerDyno as never)).toBe(false)
    expect(r.codes).not.toContain('unknown-config-value')
  })
})
