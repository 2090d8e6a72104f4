/**
 * An entrypoint that, started as root, fixes its volume's ownership and runs itself again as the app user
 * (`exec gosu app "$0" "$@"`, as the official postgres and redis images' docker-entrypoint.sh do; 0din-ai/ai-scanner's
 * bin/docker-entrypoint, mealie's docker/entry.sh with "$BASH_SOURCE", memos' `su-exec "$UID:$GID" "$0" "$@"`). The
 * re-run goes through the script again and past the `id -u` check, to `exec "$@"`: that way starts no process of its
 * own. Before, it was read as a way of its own running an empty program (`` (1)) beside the real one, and the count
 * rested on an undecided `if [ "$(id -u)" = '0' ]`: starred, warned.
 *
 * Fixture rails-entrypoint-reexec: Rails 7.1, Puma 6.4 single mode, `threads 5, 5` (RAILS_MAX_THREADS unset), pool 5;
 * Dockerfile ENTRYPOINT bin/docker-entrypoint, CMD `bundle exec puma -C config/puma.rb`. By hand: min(5, 5) = 5.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {isAssumption} from '../../src/model/source.js'
import {fixture, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rails-entrypoint-reexec')

describe('an entrypoint that re-runs itself as another user', () => {
  it('is not a way of its own: web 5, nothing assumed or undecided', () => {
    const r = planJson(join(fixture('rails-entrypoint-reexec'), 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web').connections).toBe(5)
    expect(isAssumption(r.type('web').sources.processesPerDyno as never)).toBe(false)
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('with "$BASH_SOURCE" and su-exec too; what ran before it on that way is not the process', () => {
    const entry = '#!/bin/bash\nif [ "$(id -u)" = "0" ]; then\n  usermod -o -u "$PUID" app\n  exec su-exec app "${BASH_SOURCE[0]}" "$@"\nfi\nexec "$@"\n'
    const r = planJson(join(app({'bin/docker-entrypoint': entry}), 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web').connections).toBe(5)
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('a user switch that runs another program is still that program', () => {
    const entry = '#!/bin/bash\nif [ "$(id -u)" = "0" ]; then\n  exec gosu app bundle exec puma -t 2:2\nfi\nexec "$@"\n'
    const r = planJson(join(app({'bin/docker-entrypoint': entry}), 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1'])
    // The undecided `id -u` check: puma -t 2:2 (2) or the CMD's puma (5); the larger counted, said.
    expect(r.type('web').connections).toBe(5)
    expect(r.codes).toContain('unknown-config-value')
  })
})
