/**
 * The colours of conncalc's views: chalk's API, the part of it the views use. Output that is not
 * a terminal (a pipe, a file, CI, NO_COLOR) gets PLAIN, which is what chalk is at level 0,
 * without loading chalk: chalk's start-up (its style tables, supports-color's checks of the
 * terminal) was ~6 M of the ~240 M instructions of a piped `conncalc plan` (valgrind). A colour
 * level above 0 loads chalk (colours()).
 */

/** A style: called, it styles its arguments joined with a space; its properties add a style. */
export interface Colours {
  (...text: unknown[]): string
  blue: Colours
  bold: Colours
  cyan: Colours
  dim: Colours
  green: Colours
  level: number
  magenta: Colours
  red: Colours
  yellow: Colours
}

const STYLES = ['blue', 'bold', 'cyan', 'dim', 'green', 'magenta', 'red', 'yellow'] as const

/**
 * chalk at level 0 (chalk 5's source/index.js): chalk itself joins its arguments with a space;
 * a style does the same, except that one argument is made a string with `'' + argument` (so
 * undefined is "undefined"), and returns that string unstyled, as does every chained style.
 */
function plain(): Colours {
  const style = ((...text: unknown[]) => (text.length === 1 ? '' + (text[0] as string) : text.join(' '))) as Colours
  const base = ((...text: unknown[]) => text.join(' ')) as Colours
  for (const colours of [style, base]) {
    for (const name of STYLES) colours[name] = style
    colours.level = 0
  }

  return base
}

export const PLAIN: Colours = plain()

/** The colours for a level: PLAIN at 0, else chalk's (loaded now). */
export async function colours(level: number): Promise<Colours> {
  if (level <= 0) return PLAIN
  const {Chalk} = await import('chalk')
  return new Chalk({level: level as 1 | 2 | 3})
}
