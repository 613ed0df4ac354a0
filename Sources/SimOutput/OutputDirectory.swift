/// The results directory of one scenario, `<root>/<scenario>/`, replaced as a whole so that a
/// failed or interrupted run never leaves a half-written result in place of a good one.
///
/// `write(_:)` stages every file in the sibling directory `<root>/.<scenario>.partial-<pid>`
/// (each file fsynced, then the directory); `write(streaming:)` does the same with files that a
/// run streams there while it goes on (`StagedWrite`). Either then moves the previous result aside to
/// `<root>/.<scenario>.old-<pid>`, renames the staged directory to `<root>/<scenario>`, and
/// removes the old one. On any error before the swap the staging directory is removed and the
/// previous result is untouched; if the final rename fails, the previous result is renamed back.
/// A crash between the two renames leaves the previous result intact in `.<scenario>.old-<pid>`.
///
/// Leftovers of killed runs (`.<scenario>.partial-<pid>` and `.<scenario>.old-<pid>` whose
/// process no longer exists, or whose pid is this process's) are ignored while writing and
/// removed after the next successful write. One process should write one scenario directory at a
/// time; different scenarios, or different processes, may write under the same root concurrently.
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
    try beginWrite().commit(files)
  }

  /// Replaces the scenario's results with the files `body` streams into the staging directory
  /// (`StagedWrite.openPart(of:key:)`, `StagedWrite.joinParts(of:keys:)`) and the small files it
  /// returns, creating `root` if needed. Nothing is in place until `body` has returned: when it
  /// throws (or the process dies), the previous results are unchanged; the staging directory
  /// is removed at once, or after the next good write when the process died.
  /// - Throws: what `body` throws, or `OutputError` as `write(_:)` does.
  public func write(streaming body: (StagedWrite) async throws -> [OutputFile]) async throws {
    let staged = try beginWrite()
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

  /// Creates `root` if needed and a fresh, empty staging directory (with its `.parts`).
  func beginWrite() throws(OutputError) -> StagedWrite {
    try SystemCalls.makeDirectory(root, intermediates: true)
    let staged = StagedWrite(directory: self, path: stagingPath)
    do {
      try SystemCalls.removeTree(staged.path)
      try SystemCalls.makeDirectory(staged.path)
      try SystemCalls.makeDirectory(staged.partsPath)
    } catch {
      staged.discard()
      throw error
    }
    return staged
  }

  /// Moves the current results aside and renames `staging` into their place.
  func swapIntoPlace(_ staging: String) throws(OutputError) {
    let target = path, old = oldPath
    try SystemCalls.removeTree(old)
    let hadResults = try SystemCalls.kind(target) != nil
    if hadResults { try SystemCalls.rename(target, old) }
    do {
      try SystemCalls.rename(staging, target)
    } catch {
      if hadResults { try? SystemCalls.rename(old, target) }
      throw error
    }
    try SystemCalls.syncDirectory(root)
  }

  /// Best effort, once the new results are in place: removes the previous ones moved aside,
  /// and this scenario's `.partial-<pid>` and `.old-<pid>` entries whose process is gone.
  /// Failures are ignored (the results are already in place).
  func removeLeftovers() {
    try? SystemCalls.removeTree(oldPath)
    guard let names = try? SystemCalls.list(root) else { return }
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
