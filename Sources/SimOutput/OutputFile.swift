/// One file of a scenario's results: its name inside the scenario's directory and its exact
/// bytes (UTF-8 text for CSV and JSON).
public struct OutputFile: Hashable, Sendable {
  /// File name, without any directory part, e.g. `summary.csv`.
  public let name: String
  /// The whole content.
  public let bytes: [UInt8]

  /// A file called `name` holding `bytes`.
  public init(name: String, bytes: [UInt8]) {
    self.name = name
    self.bytes = bytes
  }

  /// A file called `name` holding `text` as UTF-8.
  public init(name: String, text: String) {
    self.init(name: name, bytes: Array(text.utf8))
  }

  /// The rendered `table`, named after `schema` (e.g. `summary.csv`).
  /// - Precondition: the table's columns are the schema's.
  public init(schema: CSVSchema, table: CSVTable) {
    precondition(
      table.columns == schema.columnNames, "table columns \(table.columns) are not those of \(schema.fileName)")
    self.init(name: schema.fileName, bytes: table.renderedBytes())
  }
}
