/// One problem in a scenario: where it is (file, 1-based line and column), which value
/// (`keyPath`, e.g. `spec.extensionServers[0].workers`), what was expected and what was found.
///
/// `description` is `<file>:<line>:<column>: <keyPath>: expected <expected>, found <found>`.
/// Two cases shorten it: a problem with the document as a whole has an empty `keyPath`, and
/// its segment is left out (`lab.yaml:1:1: expected a Scenario document, found an empty file`);
/// a problem that is not at a place in the file (a `--set` assignment, an unreadable file) has
/// `line` 0, and the position is left out (`--set spec.run.seed=x: spec.run.seed: expected …`).
public struct ScenarioError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The file as named to the loader, or `--set <assignment>` for an override.
  public var file: String
  /// 1-based line, or 0 when the problem is not at a place in the file.
  public var line: Int
  /// 1-based column in Unicode scalars (as libyaml counts), or 0 with `line` 0.
  public var column: Int
  /// The value's path from the document root, e.g. `spec.run.seed`; empty for the document.
  public var keyPath: String
  /// What a valid value looks like, e.g. `an integer in [1, 1024]`.
  public var expected: String
  /// The value as written: quoted for strings (`"abc"`), bare for numbers, `a mapping` etc.
  public var found: String

  /// A problem at `file`:`line`:`column` with the value at `keyPath`.
  public init(file: String, line: Int, column: Int, keyPath: String, expected: String, found: String) {
    self.file = file
    self.line = line
    self.column = column
    self.keyPath = keyPath
    self.expected = expected
    self.found = found
  }

  /// `<file>:<line>:<column>: <keyPath>: expected <expected>, found <found>`.
  public var description: String {
    let position = line > 0 ? "\(file):\(line):\(column)" : file
    let path = keyPath.isEmpty ? "" : " \(keyPath):"
    return "\(position):\(path) expected \(expected), found \(found)"
  }
}

/// Every problem found in one scenario, reported together: sorted by line, then column
/// (problems outside the file, such as bad `--set` assignments, come first).
/// `description` has one problem per line.
public struct ScenarioErrors: Error, Hashable, Sendable, CustomStringConvertible {
  /// The problems, sorted by line then column; never empty when thrown.
  public var errors: [ScenarioError]
  /// Problems found but not kept, once `ScenarioErrors.limit` were collected.
  public var omitted: Int

  /// At most this many problems are kept, so that a file with a million bad values stays cheap.
  public static let limit = 200

  /// The given problems, sorted by line then column (stable for equal positions).
  public init(_ errors: [ScenarioError], omitted: Int = 0) {
    self.errors = errors.enumerated().sorted {
      ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
    }.map(\.element)
    self.omitted = omitted
  }

  /// One problem per line; a last line counts the problems left out, if any.
  public var description: String {
    var lines = errors.map(\.description)
    if omitted > 0 { lines.append("… and \(omitted) more problems") }
    return lines.joined(separator: "\n")
  }
}
