internal import Yams

/// Collects the problems of one load, and knows which `--set` assignment put a value without
/// a place in the file (a node without a mark) at a key path.
final class DiagnosticSink {
  let file: String
  private(set) var errors: [ScenarioError] = []
  private(set) var omitted = 0
  /// `(key path, assignment)` for each `--set` that was applied, in order.
  var overrides: [(path: String, assignment: String)] = []

  init(file: String) { self.file = file }

  /// Whether `ScenarioErrors.limit` problems are kept already: later ones are only counted,
  /// and their texts (a key suggestion, a quoted value) are not even built.
  var isFull: Bool { errors.count >= ScenarioErrors.limit }

  func add(_ error: @autoclosure () -> ScenarioError) {
    if isFull { omitted += 1 } else { errors.append(error()) }
  }

  /// A problem at `mark`; without one, at the `--set` assignment that wrote `keyPath` (the
  /// last one whose path is `keyPath`, a prefix of it, or lies under it).
  func report(at mark: Mark?, keyPath: @autoclosure () -> String, expected: @autoclosure () -> String,
              found: @autoclosure () -> String) {
    if isFull {
      omitted += 1
      return
    }
    let keyPath = keyPath(), expected = expected(), found = found()
    if let mark {
      add(ScenarioError(file: file, line: mark.line, column: mark.column, keyPath: keyPath,
                        expected: expected, found: found))
      return
    }
    let owner = overrides.last { Self.isPrefix($0.path, of: keyPath) || Self.isPrefix(keyPath, of: $0.path) }
    add(ScenarioError(file: owner.map { "--set \($0.assignment)" } ?? file, line: 0, column: 0,
                      keyPath: keyPath, expected: expected, found: found))
  }

  var result: ScenarioErrors { ScenarioErrors(errors, omitted: omitted) }

  /// Whether `prefix` is `path` or a parent of it (`a.b` of `a.b.c` and `a.b[0]`, not of `a.bc`).
  static func isPrefix(_ prefix: String, of path: String) -> Bool {
    guard path.hasPrefix(prefix) else { return false }
    if prefix.isEmpty || path.count == prefix.count { return true }
    let next = path[path.index(path.startIndex, offsetBy: prefix.count)]
    return next == "." || next == "["
  }
}
