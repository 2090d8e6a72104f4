/**
 * npm static file servers a process type reaches through a package.json script, npx or yarn's binary lookup
 * (`"start": "serve -s build"`, create-react-app's deploy advice; hoppscotch/hoppscotch's root `http-server
 * packages/hoppscotch-selfhost-web/dist -p 3000`): they serve a build folder's files and load none of the app's code, so
 * they hold no connection. Before: the package's main file was read as what runs, and its pool counted (5 here).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = (procfile: string) => ({
  'Procfile': procfile,
  'index.js': "const {Pool} = require('pg')\nnew Pool({max: 5})\n",
  'package.json': JSON.stringify({dependencies: {'http-server': '^14.1.1', pg: '^8.13.1', serve: '^14.2.4'}, main: 'index.js', name: 'shop', scripts: {api: 'node index.js', start: 'serve -s build', static: 'npx http-server build -p $PORT'}}),
})

describe('npm static file servers hold no connection', () => {
  it('npm start → serve -s build: 0; npm run static → npx http-server: 0; the API beside them keeps its pool 5', () => {
    const r = planJson(join(app(files('web: npm start\nassets: npm run static\napi: npm run api\n')), 'Procfile'), ['--limit', '20', '--scale', 'web=1', 'assets=1', 'api=1'])
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 0, server: 'serve'})
    expect(r.type('assets')).toMatchObject({connections: 0, server: 'http-server'})
    expect(r.type('api')).toMatchObject({connections: 5, server: 'node'})
    expect(r.total).toBe(5)
  })

  it('npx serve and yarn serve (no "serve" script: yarn runs the binary): 0', () => {
    const r = planJson(join(app(files('web: npx serve -s build -l $PORT\nother: yarn serve build\n')), 'Procfile'), ['--limit', '20', '--scale', 'web=1', 'other=1'])
    expect(r.type('web').connections).toBe(0)
    expect(r.type('other').connections).toBe(0)
  })
})
