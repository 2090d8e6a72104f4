/**
 * Local AWS stand-ins on a Procfile line (fake_sqs, fakes3: Ruby gems that serve the SQS or S3 API from memory or files)
 * open no PostgreSQL connection: 0, not an unknown command's 1*; nor does whacamole (a Heroku dyno memory watchdog gem:
 * the Heroku API and log stream). The app: test/fixtures/rake-loop-parent.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rake-loop-parent')

describe('local AWS stand-ins', () => {
  it('`bundle exec fake_sqs` and `fakes3 -r tmp/s3 -p 4567` hold 0, and are not unknown commands', () => {
    const p = planJson(`${app({Procfile: 'queue: bundle exec fake_sqs\ns3: fakes3 -r tmp/s3 -p 4567\n'})}/Procfile`, ['--scale', 'queue=1', '--scale', 's3=1'])
    expect(p.type('queue').connections).toBe(0)
    expect(p.type('s3').connections).toBe(0)
    expect(p.codes).not.toContain('unknown-command')
  })

  it('`bundle exec whacamole -c ./config/whacamole.rb` holds 0, not an unknown command', () => {
    const p = planJson(`${app({Procfile: 'web: bundle exec puma -t 5:5\nwhacamole: bundle exec whacamole -c ./config/whacamole.rb\n'})}/Procfile`, ['--scale', 'web=1', '--scale', 'whacamole=1'])
    expect([p.type('whacamole').connections, p.total]).toEqual([0, 5])
    expect(p.codes).not.toContain('unknown-command')
  })
})
