import ArgumentParser
import Foundation

/// How `check`, `compare` and `capacity` report: `table` for people (stdout), `json` for
/// programs (one JSON document on stdout; the human lines then go to stderr).
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, json
}

/// Where a command's lines go under its `--format`.
struct CommandOutput {
  let format: OutputFormat

  /// A human line: stdout for `table`, stderr for `json` (so stdout holds only the document).
  func say(_ text: String) {
    if format == .table {
      print(text)
    } else {
      FileHandle.standardError.write(Data((text + "\n").utf8))
    }
  }

  /// The machine-readable result, for `json` only: pretty-printed with sorted keys, so the same
  /// run prints the same bytes. Non-finite numbers are written as null.
  func emit(_ value: some Encodable) throws {
    guard format == .json else { return }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
  }
}

/// A finite number, or nil (JSON null) for NaN and infinities.
func finite(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }
