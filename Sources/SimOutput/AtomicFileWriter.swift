/// Writes one file so that readers see either the previous content or the new one, never a
/// part: the bytes go to `<path>.partial-<pid>` in the same directory, are fsynced, and the
/// file is renamed over `path` (`rename(2)` is atomic within a file system); the directory is
/// then fsynced so the rename survives a crash. On any error the partial file is removed and
/// `path` is left untouched.
///
/// For a whole scenario's set of files use `OutputDirectory`, which swaps the directory.
public enum AtomicFileWriter {
  /// Replaces (or creates) the file at `path` with `bytes`, atomically.
  /// - Throws: `OutputError.system` naming the path and the system error.
  public static func write(_ bytes: [UInt8], to path: String) throws(OutputError) {
    let partial = "\(path).partial-\(SystemCalls.processID)"
    do {
      try SystemCalls.removeTree(partial)  // a leftover of a killed run with our pid
      try SystemCalls.writeNewFile(partial, bytes)
      try SystemCalls.rename(partial, path)
    } catch {
      try? SystemCalls.removeTree(partial)
      throw error
    }
    try SystemCalls.syncDirectory(SystemCalls.parentPath(path))
  }

  /// Replaces (or creates) the file at `path` with `text` as UTF-8, atomically.
  public static func write(_ text: String, to path: String) throws(OutputError) {
    try write(Array(text.utf8), to: path)
  }
}
