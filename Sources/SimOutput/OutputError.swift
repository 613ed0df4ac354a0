/// Why output could not be written. Thrown (never trapped) by `OutputDirectory` and
/// `AtomicFileWriter`; the message names the path and, for a failed system call, the system's
/// own error text and number.
public enum OutputError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The scenario name cannot be a directory name: empty, `.`, `..`, starts with `.`, or
  /// contains `/` or NUL.
  case invalidScenarioName(String)
  /// An output file name is empty, `.`, `..`, or contains `/` or NUL.
  case invalidFileName(String)
  /// Two output files in one write have the same name.
  case duplicateFileName(String)
  /// A system call failed: what was being done, on which path, and `errno`.
  case system(operation: String, path: String, errno: Int32)
  /// The run metadata could not be encoded as JSON.
  case encoding(String)

  /// One line for the user, e.g. `cannot create file '/out/x/.a.partial-7/s.csv': File name too
  /// long (errno 36)`.
  public var description: String {
    switch self {
    case .invalidScenarioName(let name):
      return "invalid scenario name '\(name)' for an output directory: "
        + "it must be non-empty, not start with '.', and contain no '/'"
    case .invalidFileName(let name):
      return "invalid output file name '\(name)': it must be non-empty, not '.' or '..', and contain no '/'"
    case .duplicateFileName(let name):
      return "output file '\(name)' appears twice in one write"
    case .system(let operation, let path, let code):
      return "cannot \(operation) '\(path)': \(SystemCalls.message(code)) (errno \(code))"
    case .encoding(let message):
      return "cannot encode run metadata as JSON: \(message)"
    }
  }
}
