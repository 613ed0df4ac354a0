/// Reads back the CSV files aggsim writes (RFC 4180: comma-separated, `"`-quoted fields with
/// doubled inner quotes, `\n` or `\r\n` line ends), for `aggsim report`. Every value stays text;
/// an empty field is the empty string (NaN in aggsim's numeric columns).
public struct CSVDocument: Hashable, Sendable {
  /// The header's column names.
  public let columns: [String]
  /// The data rows, each as wide as the header.
  public let rows: [[String]]

  /// Why a text is not a well-formed CSV table: the 1-based line and what is wrong there.
  public struct ReadError: Error, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var problem: String
    public var description: String { "line \(line): \(problem)" }
  }

  /// Parses `text`; the first record is the header. A text with no header is an error.
  public init(parsing text: String) throws(ReadError) {
    var records: [[String]] = []
    var lines: [Int] = []
    var record: [String] = []
    var field = ""
    var quoted = false, afterQuote = false, fieldStarted = false
    var line = 1, recordLine = 1
    func endField() {
      record.append(field)
      field = ""
      afterQuote = false
      fieldStarted = false
    }
    var scalars = text.unicodeScalars.makeIterator()
    var pending: Unicode.Scalar? = scalars.next()
    while let c = pending {
      pending = scalars.next()
      if quoted {
        if c == "\"" {
          if pending == "\"" {
            field.unicodeScalars.append("\"")
            pending = scalars.next()
          } else {
            quoted = false
            afterQuote = true
          }
        } else {
          if c == "\n" { line += 1 }
          field.unicodeScalars.append(c)
        }
        continue
      }
      switch c {
      case "\"":
        guard !fieldStarted else { throw ReadError(line: line, problem: "a quote inside an unquoted field") }
        quoted = true
        fieldStarted = true
      case ",":
        endField()
      case "\r" where pending == "\n":
        continue
      case "\n":
        endField()
        records.append(record)
        lines.append(recordLine)
        record = []
        line += 1
        recordLine = line
      default:
        guard !afterQuote else { throw ReadError(line: line, problem: "text after a closing quote") }
        field.unicodeScalars.append(c)
        fieldStarted = true
      }
    }
    if quoted { throw ReadError(line: recordLine, problem: "a quoted field is not closed") }
    if fieldStarted || !record.isEmpty || afterQuote {
      endField()
      records.append(record)
      lines.append(recordLine)
    }
    guard let header = records.first, !(header.count == 1 && header[0].isEmpty) else {
      throw ReadError(line: 1, problem: "no header line")
    }
    for (index, row) in records.enumerated().dropFirst() where row.count != header.count {
      throw ReadError(line: lines[index], problem: "\(row.count) fields, the header has \(header.count)")
    }
    columns = header
    rows = Array(records.dropFirst())
  }

  /// The index of column `name`, or nil.
  public func column(_ name: String) -> Int? { columns.firstIndex(of: name) }
}
