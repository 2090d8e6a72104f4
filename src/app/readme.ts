import {dirname, relative, resolve} from 'node:path'

import type {InputFlags} from './request.js'

import {InputError} from '../util/errors.js'
import {readTextFile, whyNotText} from '../io/files.js'
import {writeTextFile} from '../io/write.js'
import {runPlan} from './plan.js'
import {type CheckResult, checkSection, type SectionAction, upsertSection} from './readme-section.js'
import {renderMarkdown} from '../render/markdown.js'
import {escapeReport} from '../render/format.js'
import {resolveRequest} from './request.js'

export interface ReadmeResult {
  action?: SectionAction
  check?: CheckResult
  file: string
  /** The markdown between the markers. */
  markdown: string
}

function readExisting(file: string): null | string {
  const f = readTextFile(file)
  if (f.kind === 'missing') return null
  if (f.kind === 'text') return f.text
  throw new InputError(`cannot use ${file} as the README (${whyNotText(f)})`)
}

/**
 * `conncalc readme`: the budget as markdown between the conncalc markers of a
 * README, or (`check`) whether the README still says what the config gives.
 * Paths in the section are relative to the README, so it reads the same
 * wherever the command runs.
 */
export async function runReadme(flags: InputFlags, options: {check: boolean; file: string}): Promise<ReadmeResult> {
  const request = await resolveRequest(flags)
  const {report, title} = await runPlan(request)
  const readmeDir = dirname(resolve(options.file))
  const shown = request.apps.some((a) => a.name !== null)
    ? relative(readmeDir, resolve(request.config!)) + ` (${request.apps.length} app${request.apps.length === 1 ? '' : 's'})`
    : relative(readmeDir, resolve(request.apps[0].procfile))
  const markdown = renderMarkdown(escapeReport(report), {level: 3, procfile: (shown || title).replaceAll('\\', '/')})
  const existing = readExisting(options.file)
  if (options.check) return {check: checkSection(existing, markdown, options.file), file: options.file, markdown}
  const {action, text} = upsertSection(existing, markdown, options.file)
  if (action !== 'unchanged') writeTextFile(options.file, text)
  return {action, file: options.file, markdown}
}

/** One line (plus the first difference) saying what --check found. */
export function checkMessage(file: string, check: CheckResult): string {
  const fix = 'run `conncalc readme` (with the same flags) to update it'
  if (check.ok) return `${file}: the conncalc section is up to date`
  switch (check.reason) {
    case 'missing-file': {
      return `${file} does not exist; ${fix}`
    }

    case 'missing-section': {
      return `${file} has no conncalc section; ${fix}`
    }

    case 'differs': {
      return `${file}:${check.line}: the conncalc section is out of date; ${fix}\n  expected: ${check.expected}\n  found:    ${check.found}`
    }
  }
}

const VERBS: Record<SectionAction, string> = {
  appended: 'appended the conncalc section to',
  created: 'created',
  replaced: 'updated the conncalc section of',
  unchanged: 'already up to date:',
}

/** What `conncalc readme` says after writing. */
export const writeMessage = (result: ReadmeResult): string => `${VERBS[result.action ?? 'unchanged']} ${result.file}`
