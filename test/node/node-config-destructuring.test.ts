/**
 * node-config's `config.get('database')` destructured with nested patterns and a rest element
 * (`const {connection: {url, ...conf}, pool} = config.get('database')`), as bgoldman/todo-backend-restify
 * writes it: each name is the merged config's entry (config/default.json, then config/<NODE_ENV>.js).
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const files = {
  'config/default.json': JSON.stringify({db: {connection: {dialect: 'postgres', host: null, name: 'dev'}, pool: {max: 2, min: 0}}}, null, 2),
  'config/production.js': "module.exports = {db: {connection: {url: process.env.DATABASE_URL}, pool: {max: 7}}}\n",
  'db.js': [
    "const config = require('config')",
    "const Sequelize = require('sequelize')",
    "const {connection: {url, ...rest}, pool: {max = 1} = {}} = config.get('db')",
    'const sequelize = url',
    '  ? new Sequelize(url, {pool: {max}})',
    '  : new Sequelize(rest.name, null, null, {dialect: rest.dialect, pool: {max: 3}})',
    'module.exports = sequelize',
  ].join('\n'),
  'package.json': JSON.stringify({dependencies: {config: '^3.3.0', pg: '^8.13.0', sequelize: '^6.37.0'}}, null, 2),
  'server.js': "require('./db')\n",
}

describe('node-config with nested destructuring', () => {
  it('{connection: {url, ...rest}, pool: {max}} = config.get(…): url and max are the merged production values', async () => {
    const a = await analyzeWith(node, 'node server.js', files, {DATABASE_URL: 'postgres://u:p@db.example.com:5432/app'}, 'standard-2x')
    // NODE_ENV unset → production (Heroku's Node buildpack); production.js pool.max 7 over default.json's 2; url = DATABASE_URL,
    // so the `? new Sequelize(url, {pool: {max}})` arm: 7. Before: both names unknown, the larger arm's Sequelize default 5, assumed.
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['sequelize db.js:5', 7]])
    expect(a.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
  })

  it('the rest element is the other entries: rest.name is read when url is not set', async () => {
    const dev = {...files, 'db.js': files['db.js'].replace('new Sequelize(rest.name, null, null, {dialect: rest.dialect, pool: {max: 3}})', "new Sequelize(rest.name, null, null, {dialect: rest.dialect, pool: {max: rest.name === 'dev' ? 3 : 9}})")}
    const a = await analyzeWith(node, 'node server.js', dev, {NODE_ENV: 'development'}, 'standard-2x')
    // NODE_ENV development: no config/development.*, so default.json alone: no url → the else arm; rest = {dialect, host, name: 'dev'} → max 3.
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['sequelize db.js:6', 3]])
  })
})
