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
  /// Something that is not a directory stands where the results directory goes; it is left alone.
  case notADirectory(String)
  /// Another process is writing the same results directory (it holds its lock file).
  case busy(path: String, lockFile: String)
  /// The file system holding the results has less free space than the run's estimate.
  case insufficientSpace(path: String, needed: UInt64, available: UInt64)

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
    case .notADirectory(let path):
      return "'\(path)' exists and is not a directory: aggsim writes a directory there and does not replace other "
        + "files; move it away or choose another --out"
    case .busy(let path, let lockFile):
      return "another aggsim run is writing '\(path)' (it holds '\(lockFile)'): wait for it to finish or choose another --out"
    case .insufficientSpace(let path, let needed, let available):
      return "not enough free space for '\(path)': the run's outputs need about \(Self.megabytes(needed)) and "
        + "\(Self.megabytes(available)) are free"
    }
  }

  /// `n` bytes in MB with one decimal, e.g. `12.5 MB`.
  static func megabytes(_ n: UInt64) -> String {
    let tenths = (n + 50_000) / 100_000
    return "\(tenths / 10).\(tenths % 10) MB"
  }
}
