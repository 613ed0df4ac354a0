/// A write of a scenario's results in progress (`OutputDirectory.write(streaming:)`): the staging
/// directory `<root>/.<scenario>.partial-<pid>`, where a run streams its large files while it
/// goes on.
///
/// A large file is written in parts, one per replication, each by the task that runs the
/// replication, at the same time as the others: `openPart(of:key:)` creates
/// `.parts/<file name>.<key>` (rows only). Once every part is written, `joinParts(of:keys:)`
/// writes the file itself, its header then the parts in the order of `keys`, so its bytes do not
/// depend on which part was finished first. Parts are removed as they are joined, and `.parts`
/// is removed before the directory is swapped into place: a result never holds a part.
public struct StagedWrite: Sendable {
  /// The results directory being replaced.
  public let directory: OutputDirectory
  /// The staging directory.
  public let path: String
  /// The descriptor holding the results directory's lock until the write ends.
  let lock: Int32

  /// `<staging>/.parts`: the parts not joined yet.
  var partsPath: String { "\(path)/.parts" }

  /// Where the part `key` of `schema`'s file goes.
  func partPath(of schema: CSVSchema, key: String) -> String { "\(partsPath)/\(schema.fileName).\(key)" }

  /// Creates the part `key` of `schema`'s file, for rows of its columns (no header).
  /// - Precondition: `key` is not empty and holds no `/` (the caller names its parts).
  /// - Throws: `OutputError.system` when the part exists already or cannot be created.
  public func openPart(of schema: CSVSchema, key: String) throws(OutputError) -> CSVFileWriter {
    precondition(!key.isEmpty && !key.contains("/") && !key.contains("\0"), "bad part key '\(key)'")
    return try CSVFileWriter(path: partPath(of: schema, key: key), columns: schema.columnNames, writesHeader: false)
  }

  /// Writes `schema`'s file into the staging directory: its header, then the parts of `keys` in
  /// that order, each removed once copied; the file is fsynced.
  /// - Throws: `OutputError.system` when a part is missing or a system call fails.
  public func joinParts(of schema: CSVSchema, keys: [String]) throws(OutputError) {
    let file = try CSVFileWriter(path: "\(path)/\(schema.fileName)", columns: schema.columnNames)
    for key in keys {
      let part = partPath(of: schema, key: key)
      try file.append(contentsOfFile: part)
      try SystemCalls.removeTree(part)
    }
    try file.close(sync: true)
  }

  /// Writes `schema`'s file into the staging directory from whole files of it, each with its
  /// own header (the shards' of one run, `aggsim merge`): the header once, then each source's
  /// rows in the order of `sources`; the file is fsynced. The sources are left as they are.
  /// - Throws: `OutputError.system` when a source cannot be read or a system call fails.
  public func joinFiles(of schema: CSVSchema, sources: [String]) throws(OutputError) {
    let file = try CSVFileWriter(path: "\(path)/\(schema.fileName)", columns: schema.columnNames)
    for source in sources { try file.append(contentsOfFile: source, skippingHeader: true) }
    try file.close(sync: true)
  }

  /// Writes `files` beside the joined ones, drops `.parts`, and swaps the staging directory into
  /// the results' place; on any error removes it, leaving the previous results as they were.
  func commit(_ files: [OutputFile]) throws(OutputError) {
    do {
      try OutputDirectory.checkNames(files)
      try SystemCalls.removeTree(partsPath)
      for file in files { try SystemCalls.writeNewFile("\(path)/\(file.name)", file.bytes) }
      try SystemCalls.syncDirectory(path)
      try directory.swapIntoPlace(path)
    } catch {
      discard()
      throw error
    }
    directory.removeLeftovers()
    SystemCalls.unlock(lock)
  }

  /// Best effort: removes the staging directory and everything in it, and releases the lock.
  func discard() {
    try? SystemCalls.removeTree(path)
    SystemCalls.unlock(lock)
  }
}
