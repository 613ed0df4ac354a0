/// The rows of the CSV files aggsim wrote, as the end-to-end tests read them (no field these
/// tests look at is quoted). `perReplication` reads `summary.csv` (columns of
/// `OutputSchema.summary`: sweep_point, replication, scope_kind, scope, metric, unit, value, …).
enum OutputRows {
  /// The fields of the CSV rows of `text` (header dropped), empty fields kept.
  static func rows(_ text: String) -> [[Substring]] {
    text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
  }

  /// The per-replication values of `metric` in scopes of `kind` (and `scope`, when given), in
  /// row order (replication order); nil where the value is empty (NaN).
  static func perReplication(_ rows: [[Substring]], kind: String, scope: String? = nil, metric: String) -> [Double?] {
    rows.filter { row in
      row[1] != "all" && row[2] == Substring(kind) && row[4] == Substring(metric) && (scope == nil || row[3] == Substring(scope!))
    }.map { Double($0[6]) }
  }
}
