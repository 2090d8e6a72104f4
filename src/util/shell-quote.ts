/** A word as the shell reads it back: bare when it has only characters the shell leaves alone, else single-quoted. */
export const shellQuote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)
