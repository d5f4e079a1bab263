// RoostSQL's API speaks SQLKit (`SQLQueryString` with `\(bind:)`, `SQLDatabase` and its
// query builders), so importing RoostSQL brings SQLKit along.
@_exported import SQLKit
