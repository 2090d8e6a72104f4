/**
 * The programs that make a process type a Node one, as plain data: the
 * registry's cheap `matches()` reads this without loading the Node analyzer
 * (which is a chunk of its own, loaded only for Node process types).
 */

export interface Packaged {
  bin: string
  dependency: string
  /** Env vars that set the pool, first wins. */
  env: string[]
  max: number
  what: string
  ref: string
}

/** Packaged servers started by their CLI (`n8n start`, `directus start`); frameworks.ts reads their pools. */
export const PACKAGED: Packaged[] = [
  {bin: 'n8n', dependency: 'n8n', env: ['DB_POSTGRESDB_POOL_SIZE'], max: 2, ref: 'https://docs.n8n.io/hosting/configuration/environment-variables/database/', what: 'n8n DB_POSTGRESDB_POOL_SIZE (TypeORM poolSize) default'},
  {bin: 'directus', dependency: 'directus', env: ['DB_POOL__MAX', 'DB_POOL_MAX'], max: 10, ref: 'https://docs.directus.io/self-hosted/config-options.html#database', what: "Directus passes DB_POOL__* to knex; knex's default max"},
]

/** Servers started by a framework's CLI rather than a file of the app. */
export const FRAMEWORKS = new Set(['next', 'nest', 'remix-serve', 'react-router-serve', 'nuxt', 'astro', 'strapi', 'rw', 'redwood', 'graphile-worker', ...PACKAGED.map((p) => p.bin)])

/** Programs whose process type the Node analyzer reads. */
export const NODE_PROGRAMS = new Set(['npm', 'npx', 'cross-env', 'yarn', 'pnpm', 'bun', 'node', 'nodejs', 'ts-node', 'ts-node-esm', 'tsx', 'pm2-runtime', 'pm2', 'nx', 'nodemon', 'node-dev', 'babel-node', ...FRAMEWORKS])

/** Packages that open PostgreSQL connections (pools.ts reads each): a workspace package that depends on none, even through its workspace dependencies, opens no pool. */
export const DATABASE_PACKAGES = new Set(['pg', 'pg-pool', 'postgres', 'knex', 'sequelize', 'sequelize-typescript', 'typeorm', '@nestjs/typeorm', '@prisma/client', 'prisma', '@prisma/adapter-pg', '@prisma/adapter-neon', '@neondatabase/serverless', '@fastify/postgres', 'pg-boss', 'graphile-worker', 'drizzle-orm', '@payloadcms/db-postgres', 'pg-listen', 'pg-promise', 'pogi', 'connect-pg-simple', 'slonik', '@silverhand/slonik', 'kysely', '@mikro-orm/postgresql', 'objection', 'bookshelf', 'massive', 'loopback-connector-postgresql'])

/** PostgreSQL clients beyond the ones pools.ts reads a pool from (DATABASE_PACKAGES). */
export const OTHER_POSTGRES_PACKAGES = new Set(['pg-native', '@vercel/postgres', '@databases/pg', 'postgraphile', 'zapatos', '@electric-sql/pglite', 'pgwire'])

/** The drivers Sequelize, TypeORM, knex and MikroORM load for PostgreSQL: one of them must be installed for their postgres dialect. */
export const POSTGRES_DRIVERS = ['pg', 'pg-native', '@mikro-orm/postgresql']

/** Clients and drivers of databases that are not PostgreSQL. */
export const OTHER_DATABASE_PACKAGES = new Set(['mongodb', 'mongoose', 'mysql', 'mysql2', 'mariadb', 'sqlite3', 'better-sqlite3', '@libsql/client', 'firebase-admin', '@google-cloud/firestore', '@aws-sdk/client-dynamodb', 'dynamoose', 'nano', 'couchbase', 'cassandra-driver', 'rethinkdb', '@planetscale/database', 'oracledb', 'mssql', 'tedious'])

/**
 * Search engines an app may keep all its data in (an OpenSearch/Elasticsearch-backed API): their clients talk HTTP to the
 * search cluster and open no database connection. Not a dialect's driver (otherDialect does not read them).
 */
export const SEARCH_ENGINE_PACKAGES = new Set(['@elastic/elasticsearch', 'elasticsearch', '@opensearch-project/opensearch', 'meilisearch', 'typesense'])
