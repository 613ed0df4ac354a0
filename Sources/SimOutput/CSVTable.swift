/// A tidy table for one CSV file: a header of column names (units in the names, e.g.
/// `latency_p99_s`) and rows of `CSVValue`s, each row exactly as wide as the header.
///
/// `rendered()` gives RFC 4180 text: fields separated by commas, a field quoted with `"` when it
/// contains a comma, a quote, CR or LF (quotes inside doubled), every line (header included) ended
/// by `\n`. Numbers are formatted by `CSVValue.format(_:)`: deterministic, round-trippable and
/// locale-free. A table never reads the wall clock; CSVs are byte-identical across runs and
/// thread counts when their rows are (only `RunMetadata` may hold wall-clock values).
///
/// - Complexity: `append(_:)` amortised O(columns); `rendered()` O(total field length).
public struct CSVTable: Hashable, Sendable {
  /// Column names, in output order.
  public let columns: [String]
  /// Rows in output order; each has `columns.count` values.
  public private(set) var rows: [[CSVValue]] = []

  /// An empty table with the given column names.
  public init(columns: [String]) { self.columns = columns }

  /// An empty table with the columns of `schema`.
  public init(schema: CSVSchema) { self.columns = schema.columnNames }

  /// Appends one row.
  /// - Precondition: `row.count == columns.count` (a row of the wrong width is a programming
  ///   error in the writer, not bad input).
  public mutating func append(_ row: [CSVValue]) {
    precondition(
      row.count == columns.count, "CSV row has \(row.count) fields, header has \(columns.count): \(row)")
    rows.append(row)
  }

  /// Appends rows in order (same precondition as `append(_:)`).
  public mutating func append(contentsOf newRows: [[CSVValue]]) {
    for row in newRows { append(row) }
  }

  /// The whole table as CSV text: header line, then one line per row, each ended by `\n`.
  public func rendered() -> String {
    var out = ""
    CSVTable.appendHeader(columns, to: &out)
    for row in rows { CSVTable.appendRow(row, to: &out) }
    return out
  }

  /// Appends the header line of `columns` to `out`, as `rendered()` writes it.
  static func appendHeader(_ columns: [String], to out: inout String) {
    appendLine(columns.lazy.map(quoted), to: &out)
  }

  /// Appends `row` as one line to `out`, as `rendered()` writes it (`CSVFileWriter` writes the
  /// same bytes row by row).
  static func appendRow(_ row: [CSVValue], to out: inout String) {
    appendLine(row.lazy.map { quoted($0.unquoted) }, to: &out)
  }

  /// The rendered text as UTF-8 bytes, ready for `OutputDirectory`.
  public func renderedBytes() -> [UInt8] { Array(rendered().utf8) }

  /// `field` quoted per RFC 4180 when it contains `,`, `"`, CR or LF (inner quotes doubled);
  /// otherwise unchanged.
  public static func quoted(_ field: String) -> String {
    let needsQuotes = field.utf8.contains { byte in
      byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0D || byte == 0x0A
    }
    guard needsQuotes else { return field }
    var out = "\""
    for scalar in field.unicodeScalars {
      if scalar == "\"" { out.append("\"\"") } else { out.unicodeScalars.append(scalar) }
    }
    out.append("\"")
    return out
  }

  private static func appendLine(_ fields: some Sequence<String>, to out: inout String) {
    var first = true
    for field in fields {
      if !first { out.append(",") }
      out.append(field)
      first = false
    }
    out.append("\n")
  }
}
