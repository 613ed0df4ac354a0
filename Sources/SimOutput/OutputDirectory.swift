/// The results directory of one scenario, `<root>/<scenario>/`, replaced as a whole so that a
/// failed or interrupted run never leaves a half-written result in place of a good one.
///
/// `write(_:)` stages every file in the sibling directory `<root>/.<scenario>.partial-<pid>`
/// (each file fsynced, then the directory); `write(streaming:)` does the same with files that a
/// run streams there while it goes on (`StagedWrite`). Before anything runs, the write takes an
/// exclusive lock on `<root>/.<scenario>.lock` (a second run into the same directory fails at
/// once with `OutputError.busy`), refuses a target that is not a directory (never deleting it),
/// checks the free space against the caller's estimate, and removes the staging and old
/// directories of killed runs. The staged directory then takes the previous result's place in
/// one `renameat2(RENAME_EXCHANGE)`, so that at every instant `<root>/<scenario>` holds either
/// the whole previous result or the whole new one; the previous result, now in the staging
/// directory's name, is removed. Where the file system cannot exchange, the previous result is
/// moved aside to `<root>/.<scenario>.old-<pid>` first (a crash between the two renames then
/// leaves it there). On any error before the swap the staging directory is removed and the
/// previous result is untouched.
///
/// The lock file stays (removing a lock file races with a process about to lock it); it is empty.
public struct OutputDirectory: Hashable, Sendable {
  /// Directory holding one subdirectory per scenario, e.g. `notebooks-out`.
  public let root: String
  /// Scenario name: the subdirectory's name.
  public let scenario: String

  /// The results directory of `scenario` under `root`.
  /// - Throws: `OutputError.invalidScenarioName` when `scenario` is empty, starts with `.`, or
  ///   contains `/` or NUL.
  public init(root: String, scenario: String) throws(OutputError) {
    guard !scenario.isEmpty, !scenario.hasPrefix("."), !scenario.contains("/"), !scenario.contains("\0") else {
      throw .invalidScenarioName(scenario)
    }
    self.root = root
    self.scenario = scenario
  }

  /// `<root>/<scenario>`: where the results are.
  public var path: String { "\(root)/\(scenario)" }

  /// `<root>/.<scenario>.partial-<pid>`: where this process stages a write.
  public var stagingPath: String { "\(root)/\(stagingPrefix)\(SystemCalls.processID)" }

  /// `<root>/.<scenario>.lock`: the lock a write holds from its start to its end.
  public var lockPath: String { "\(root)/.\(scenario).lock" }

  private var stagingPrefix: String { ".\(scenario).partial-" }
  private var oldPrefix: String { ".\(scenario).old-" }
  private var oldPath: String { "\(root)/\(oldPrefix)\(SystemCalls.processID)" }

  /// Replaces the scenario's results with exactly `files` (created with mode 0644), creating
  /// `root` if needed.
  /// - Throws: `OutputError` for a bad or repeated file name (before touching the disk) or a
  ///   failed system call (naming the path and the system error); the previous results are then
  ///   unchanged and no staging directory remains.
  public func write(_ files: [OutputFile]) throws(OutputError) {
    try Self.checkNames(files)
    try beginWrite(estimatedBytes: UInt64(files.reduce(0) { $0 + $1.bytes.count })).commit(files)
  }

  /// Replaces the scenario's results with the files `body` streams into the staging directory
  /// (`StagedWrite.openPart(of:key:)`, `StagedWrite.joinParts(of:keys:)`) and the small files it
  /// returns, creating `root` if needed. Nothing is in place until `body` has returned: when it
  /// throws (or the process dies), the previous results are unchanged; the staging directory
  /// is removed at once, or after the next good write when the process died.
  /// - Throws: what `body` throws, or `OutputError` as `write(_:)` does.
  /// `estimatedBytes` is what the files will take; a file system with less free space fails
  /// before `body` runs.
  public func write(estimatedBytes: UInt64 = 0, streaming body: (StagedWrite) async throws -> [OutputFile]) async throws {
    let staged = try beginWrite(estimatedBytes: estimatedBytes)
    let files: [OutputFile]
    do {
      files = try await body(staged)
    } catch {
      staged.discard()
      throw error
    }
    try staged.commit(files)
  }

  /// Throws for a file name that is empty, `.`, `..`, or holds `/` or NUL, and for a name given twice.
  static func checkNames(_ files: [OutputFile]) throws(OutputError) {
    var seen: Set<String> = []
    for file in files {
      let name = file.name
      guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.contains("\0") else {
        throw .invalidFileName(name)
      }
      guard seen.insert(name).inserted else { throw .duplicateFileName(name) }
    }
  }

  /// Creates `root` if needed, takes the lock, checks the target and the free space, removes
  /// killed runs' leftovers, and creates a fresh, empty staging directory (with its `.parts`).
  func beginWrite(estimatedBytes: UInt64 = 0) throws(OutputError) -> StagedWrite {
    try SystemCalls.makeDirectory(root, intermediates: true)
    guard let lock = try SystemCalls.tryLock(lockPath) else { throw .busy(path: path, lockFile: lockPath) }
    let staged = StagedWrite(directory: self, path: stagingPath, lock: lock)
    do throws(OutputError) {
      if try SystemCalls.kind(path) == .other { throw OutputError.notADirectory(path) }
      if let free = SystemCalls.freeBytes(root), free < estimatedBytes {
        throw OutputError.insufficientSpace(path: path, needed: estimatedBytes, available: free)
      }
      removeLeftovers()
      try SystemCalls.removeTree(staged.path)
      try SystemCalls.makeDirectory(staged.path)
      try SystemCalls.makeDirectory(staged.partsPath)
    } catch {
      staged.discard()
      throw error
    }
    return staged
  }

  /// Puts `staging` in the results' place: exchanged with the previous results in one step
  /// (then removed, holding them), or renamed when there were none or the file system cannot
  /// exchange (then with the previous results moved aside first, and back on failure).
  func swapIntoPlace(_ staging: String) throws(OutputError) {
    let target = path, old = oldPath
    switch try SystemCalls.kind(target) {
    case .other:
      throw .notADirectory(target)
    case .directory:
      if try SystemCalls.exchange(staging, target) {
        try SystemCalls.syncDirectory(root)
        try? SystemCalls.removeTree(staging)
        return
      }
      try SystemCalls.removeTree(old)
      try SystemCalls.rename(target, old)
      do {
        try SystemCalls.rename(staging, target)
      } catch {
        try? SystemCalls.rename(old, target)
        throw error
      }
    case nil:
      try SystemCalls.rename(staging, target)
    }
    try SystemCalls.syncDirectory(root)
  }

  /// Best effort, under the lock: removes the previous results moved aside, and this scenario's
  /// `.partial-<pid>` and `.old-<pid>` entries whose process is gone. A previous result that a
  /// killed run had moved aside while the results' place is empty (a kill between the two
  /// renames of the fallback) is first put back. Failures are ignored.
  func removeLeftovers() {
    try? SystemCalls.removeTree(oldPath)
    guard let names = try? SystemCalls.list(root) else { return }
    if (try? SystemCalls.kind(path)) == .some(nil),
       let movedAside = names.filter({ $0.hasPrefix(oldPrefix) }).sorted().last {
      try? SystemCalls.rename("\(root)/\(movedAside)", path)
    }
    for name in names {
      let suffix: Substring
      if name.hasPrefix(stagingPrefix) {
        suffix = name.dropFirst(stagingPrefix.count)
      } else if name.hasPrefix(oldPrefix) {
        suffix = name.dropFirst(oldPrefix.count)
      } else {
        continue
      }
      guard let pid = Int32(suffix), pid == SystemCalls.processID || SystemCalls.processIsGone(pid) else { continue }
      try? SystemCalls.removeTree("\(root)/\(name)")
    }
  }
}
