/**
 * A stand-in for the Heroku Platform API on loopback, answering the five GETs
 * conncalc makes with the response shapes of the Platform API Reference
 * (devcenter.heroku.com/articles/platform-api-reference, the version "Last updated
 * September 27, 2024": Formation List, Config Vars Info for App, Add-on List By
 * App, App Feature Info, Buildpack Installations List). Fields conncalc does not
 * read are kept, so a reader that trips on them fails here first.
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

export const TOKEN = 'hk-test-token-0123456789abcdef'

const ID = '01234567-89ab-cdef-0123-456789abcdef'
const AT = '2012-01-01T12:00:00Z'

export const formation = (app: string, type: string, quantity: number, size: string, command: string) => ({
  app: {id: ID, name: app},
  command,
  created_at: AT,
  dyno_size: {id: ID, name: size},
  id: ID,
  quantity,
  size,
  type,
  updated_at: AT,
})

export const addon = (app: string, name: string, plan: string, configVars: string[], owner = app) => ({
  actions: [],
  addon_service: {id: ID, name: plan.split(':')[0]},
  app: {id: ID, name: owner},
  billed_price: {cents: 0, contract: false, unit: 'month'},
  billing_entity: {id: ID, name: owner, type: 'app'},
  config_vars: configVars,
  created_at: AT,
  id: ID,
  name,
  plan: {id: ID, name: plan},
  provider_id: 'abcd1234',
  provision_message: null,
  state: 'provisioned',
  updated_at: AT,
  web_url: `https://postgres.heroku.com/databases/${name}`,
})

export const feature = (name: string, enabled: boolean) => ({
  created_at: AT,
  description: 'Provide seamless web dyno deploys',
  display_name: 'Preboot',
  doc_url: 'https://devcenter.heroku.com/articles/preboot',
  enabled,
  feedback_email: '',
  id: ID,
  name,
  state: 'general',
  updated_at: AT,
})

export const buildpack = (ordinal: number, url: string, name: string) => ({buildpack: {name, url}, ordinal})

export interface Answer {
  body?: unknown
  headers?: Record<string, string>
  /** Never answer (for timeouts). */
  hang?: boolean
  /** Raw text instead of JSON. */
  raw?: string
  status?: number
}

export interface FakeApi {
  close: () => Promise<void>
  /** Requests seen: method, path and the headers conncalc sent. */
  requests: {accept?: string; authorization?: string; method: string; path: string; range?: string}[]
  url: string
}

/** Serve `routes` (path → answer, or a function of the request); anything else is the API's 404. */
export async function fakeHerokuApi(routes: Record<string, ((req: IncomingMessage) => Answer) | Answer>): Promise<FakeApi> {
  const requests: FakeApi['requests'] = []
  const hanging: ServerResponse[] = []
  const server: Server = createServer((req, res) => {
    requests.push({accept: req.headers.accept, authorization: req.headers.authorization, method: req.method ?? '', path: req.url ?? '', range: req.headers.range as string | undefined})
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      send(res, {body: {id: 'unauthorized', message: 'Invalid credentials provided.'}, status: 401})
      return
    }

    const route = routes[req.url ?? '']
    const answer = typeof route === 'function' ? route(req) : route
    if (!answer) {
      send(res, {body: {id: 'not_found', message: "Couldn't find that app.", resource: 'app'}, status: 404})
      return
    }

    if (answer.hang) {
      hanging.push(res)
      return
    }

    send(res, answer)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    async close() {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
    requests,
    url: `http://127.0.0.1:${port}`,
  }
}

function send(res: ServerResponse, answer: Answer): void {
  const text = answer.raw ?? JSON.stringify(answer.body)
  res.writeHead(answer.status ?? 200, {
    'Content-Type': answer.raw === undefined ? 'application/json' : 'text/html',
    'RateLimit-Remaining': '4499',
    'Request-Id': ID,
    ...answer.headers,
  })
  res.end(text)
}

/** The five routes of one app, each answer replaceable. */
export function appRoutes(app: string, parts: {addons?: unknown; buildpacks?: unknown; configVars?: unknown; formation?: unknown; preboot?: unknown}): Record<string, Answer> {
  return {
    [`/apps/${app}/addons`]: {body: parts.addons ?? []},
    [`/apps/${app}/buildpack-installations`]: {body: parts.buildpacks ?? []},
    [`/apps/${app}/config-vars`]: {body: parts.configVars ?? {}},
    [`/apps/${app}/features/preboot`]: {body: parts.preboot ?? feature('preboot', false)},
    [`/apps/${app}/formation`]: {body: parts.formation ?? []},
  }
}
