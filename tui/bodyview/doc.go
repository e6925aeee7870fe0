// Package bodyview is the response-body pane of the sigscope TUI: a
// scrollable, searchable, jq-filterable viewer built to stay responsive on
// bodies of tens of megabytes.
//
// Design, and the reasons for it:
//
//   - The body is never turned into one string. SetBody keeps the byte slice
//     and indexes it once (index.go); View renders only the lines on screen
//     and caches them per line, so a frame costs the same for a 1 KB and a
//     50 MB body.
//   - The line index is sparse (a checkpoint every 256 lines or 16 KiB) plus
//     a cursor for neighbouring lines, so it stays under 1% of a typical body
//     and scrolling still finds each new line with one IndexByte.
//   - A line longer than 64 KiB (a minified body is one line) is cut into
//     64 KiB display lines at a UTF-8 boundary while indexing. That bounds the
//     work of horizontal scrolling, wrapping and locating a match to one chunk,
//     and it means bodies above 8 MiB, which are not pretty-printed because
//     json.Indent would double the memory and take hundreds of milliseconds,
//     still open instantly.
//   - JSON is pretty-printed (json.Indent) when it is valid and at most 8 MiB
//     (about 90 ms for 8 MiB; the pretty copy is about 1.5x the body).
//     JSON up to 1 MiB is highlighted by a small per-line lexer run lazily on
//     visible lines (json.go): measured on 1 MiB of JSON, chroma's JSON lexer
//     takes 700 ms and allocates 490 MB, the per-line lexer 75 ns a line.
//     XML and HTML, whose tokens span lines, are classified once per body up
//     to 1 MiB by a small scanner (markup.go; chroma's XML lexer managed
//     2.5 MB/s and its lexers cost start-up time in their init).
//     Anything larger is shown plain.
//   - Bodies over SyncMax (256 KiB) are prepared off the UI loop: Load
//     returns a command that indexes, pretty-prints and highlights, and a
//     LoadedMsg brings the result back, dropped when another body took its
//     place (load.go). A spinner and the size stand in for the body
//     meanwhile, and SetPending shows the same while the root reads a body
//     back from its spool file. Note says what was skipped for size.
//   - Bytes from the network never reach the terminal raw (escape.go): control
//     characters, C1, bidi overrides and invalid UTF-8 are shown escaped, in the
//     Dim style. Bodies that look binary become a lazily rendered hex dump.
//
// The root model owns the text inputs; search and jq are driven through
// Search, NextMatch, PrevMatch, SetFilter and ClearFilter.
package bodyview
