/**
 * Go source as tree-sitter-go can read it. Go 1.26 lets the builtin new take an expression as well as a type
 * (`p := new(ztime.Now(ctx))`, `new(42)`: "new(expr) allocates a variable initialised to the value of expr", the Go 1.26
 * release notes, https://go.dev/doc/go1.26#language), but tree-sitter-go 0.25 still reads new's argument as a type only
 * (grammar.js: `new`/`make` take a special_argument_list whose first item is a _type), so such a call is a syntax error
 * and the statement around it is lost. Each `new(` whose argument cannot be a type (a call `f(…)`/`pkg.F(…)`, a number,
 * string or rune literal, `&x`, `-x`, `!x`) is renamed to the same-length `neW(`: an ordinary call the grammar reads,
 * with every offset and line where it was. `new(T)`, `new(pkg.T)`, `new([]T)`, `new(map[K]V)`, `new(func())` are types
 * and stay as written. The caller applies it only to a file that does not parse as written.
 */
export function withNewExpressions(text: string): string {
  return text.replaceAll(/(?<![\w.])new\((?=\s*(?:[\d"'`&!-]|(?!(?:func|map|chan|struct|interface)\b)[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\s*\())/g, 'neW(')
}
