/** The app's own JS/TS modules reachable from an entry file through relative imports (bounded). */
import type {AnalyzerContext} from '../analyzers/types.js'
import type {Diagnostic} from '../model/diagnostic.js'

import {evaluateJs, type JsModule} from './js.js'
import {walkModules} from '../util/walk.js'

const MAX_FILES = 60
const EXTS = ['', '.ts', '.js', '.mjs', '.cjs', '.tsx', '/index.ts', '/index.js']

function normalize(path: string): string {
  const out: string[] = []
  for (const part of path.split('/')) {
    if (part === '..') out.pop()
    else if (part !== '.' && part !== '') out.push(part)
  }

  return out.join('/')
}

export class NodeProject {
  readonly diagnostics: Diagnostic[] = []
  private readonly cache = new Map<string, Promise<JsModule | undefined>>()

  constructor(private readonly ctx: AnalyzerContext) {}

  load(path: string): Promise<JsModule | undefined> {
    let p = this.cache.get(path)
    if (!p) {
      p = (async () => {
        const file = this.ctx.files.read(path)
        if (!file) return undefined
        const m = await evaluateJs(path, file.text, {env: this.ctx.env, nproc: this.ctx.dyno?.nproc})
        this.diagnostics.push(...m.diagnostics)
        return m
      })()
      this.cache.set(path, p)
    }

    return p
  }

  /** `./db.js` from src/server.ts → src/db.ts (TypeScript ESM imports name the compiled file). */
  resolve(spec: string, from: string): string | undefined {
    if (!spec.startsWith('.')) return undefined
    const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/')) : ''
    const base = normalize(`${dir}/${spec}`)
    const stems = [base, base.replace(/\.([cm]?)js$/, '')]
    for (const stem of stems) for (const ext of EXTS) if (this.ctx.files.exists(stem + ext)) return stem + ext
    return undefined
  }

  async walk(entries: string[]): Promise<JsModule[]> {
    return walkModules(entries, MAX_FILES, (path) => this.load(path), (m, path) => m.imports.map((spec) => this.resolve(spec, path)))
  }
}
