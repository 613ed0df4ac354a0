#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The POSIX calls output needs, each turning a failure into `OutputError.system` with the
/// operation, the path and `errno` (never a trap). Paths are plain strings; no call follows a
/// symbolic link when removing.
enum SystemCalls {
  /// The system's text for `errno` value `code`, e.g. "No such file or directory".
  static func message(_ code: Int32) -> String { String(cString: strerror(code)) }

  /// This process's id, used to name staging directories.
  static var processID: Int32 { getpid() }

  /// True when process `pid` is known not to exist (`kill(pid, 0)` fails with `ESRCH`).
  static func processIsGone(_ pid: Int32) -> Bool {
    pid > 0 && kill(pid, 0) == -1 && errno == ESRCH
  }

  /// Kind of the entry at `path` without following a final symbolic link; nil if none exists.
  enum Kind { case directory, other }
  static func kind(_ path: String) throws(OutputError) -> Kind? {
    var info = stat()
    if lstat(path, &info) == 0 { return (info.st_mode & S_IFMT) == S_IFDIR ? .directory : .other }
    if errno == ENOENT { return nil }
    throw .system(operation: "inspect", path: path, errno: errno)
  }

  /// `renameat2(2)` with `RENAME_EXCHANGE`, looked up in the C library at run time (glibc 2.28+;
  /// Swift's Glibc module does not declare it): swaps the entries `a` and `b` atomically.
  private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
  private static let renameAt2: RenameAt2? = {
    #if canImport(Glibc)
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
    return unsafeBitCast(symbol, to: RenameAt2.self)
    #else
    return nil
    #endif
  }()
  /// `RENAME_EXCHANGE` of linux/fs.h.
  private static let renameExchange: UInt32 = 1 << 1

  /// Swaps the existing entries `a` and `b` in one step, so that no instant sees either name
  /// missing. False when the system or the file system cannot (no `renameat2`, `EINVAL`,
  /// `ENOSYS`): the caller then falls back to two renames.
  static func exchange(_ a: String, _ b: String) throws(OutputError) -> Bool {
    guard let renameAt2 else { return false }
    if renameAt2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0 { return true }
    if errno == EINVAL || errno == ENOSYS { return false }
    throw .system(operation: "exchange '\(a)' with", path: b, errno: errno)
  }

  /// Opens (creating it if needed) the lock file `path` and takes an exclusive `flock` on it
  /// without waiting. Returns the descriptor that holds the lock, or nil when another process
  /// holds it. The lock goes with the descriptor (`unlock`) or with the process.
  static func tryLock(_ path: String) throws(OutputError) -> Int32? {
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .system(operation: "open lock file", path: path, errno: errno) }
    while flock(fd, LOCK_EX | LOCK_NB) != 0 {
      if errno == EINTR { continue }
      let code = errno
      close(fd)
      if code == EWOULDBLOCK { return nil }
      throw .system(operation: "lock", path: path, errno: code)
    }
    return fd
  }

  /// Releases a lock taken by `tryLock` (closing its descriptor).
  static func unlock(_ fd: Int32) { close(fd) }

  /// Bytes free for an unprivileged user on the file system holding `path`; nil when unknown.
  static func freeBytes(_ path: String) -> UInt64? {
    var info = statvfs()
    guard statvfs(path, &info) == 0 else { return nil }
    return UInt64(info.f_bavail) &* UInt64(info.f_frsize)
  }

  /// Creates directory `path` (mode 0755); with `intermediates`, its missing parents too.
  static func makeDirectory(_ path: String, intermediates: Bool = false) throws(OutputError) {
    if intermediates {
      if try kind(path) == .directory { return }
      let parent = parentPath(path)
      if parent != path, !parent.isEmpty { try makeDirectory(parent, intermediates: true) }
    }
    if mkdir(path, 0o755) == 0 { return }
    if intermediates, errno == EEXIST, try kind(path) == .directory { return }
    throw .system(operation: "create directory", path: path, errno: errno)
  }

  /// Creates the new file `path` (it must not exist), writes `bytes`, fsyncs and closes it.
  /// On failure the partly written file is unlinked.
  static func writeNewFile(_ path: String, _ bytes: [UInt8]) throws(OutputError) {
    let fd = try createFile(path)
    var failure = bytes.withUnsafeBytes { buffer in writeAllOrError(fd, buffer, path: path) }
    do { try closeFile(fd, path: path, sync: failure == nil) } catch { failure = failure ?? error }
    if let failure {
      unlink(path)
      throw failure
    }
  }

  /// Creates the new file `path` (mode 0644; it must not exist) and opens it for writing.
  static func createFile(_ path: String) throws(OutputError) -> Int32 {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw .system(operation: "create file", path: path, errno: errno) }
    return fd
  }

  /// Opens the existing file `path` for reading.
  static func openForReading(_ path: String) throws(OutputError) -> Int32 {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .system(operation: "open file", path: path, errno: errno) }
    return fd
  }

  /// Writes all of `bytes` to `fd` (the file at `path`), retrying interrupted and short writes.
  static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(OutputError) {
    var offset = 0
    while offset < bytes.count {
      let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        throw .system(operation: "write file", path: path, errno: errno)
      }
      offset += written
    }
  }

  /// `writeAll`, giving its error back instead of throwing it (for `withUnsafeBytes` and
  /// `withUTF8`, whose closures do not throw typed errors).
  static func writeAllOrError(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) -> OutputError? {
    do {
      try writeAll(fd, bytes, path: path)
      return nil
    } catch {
      return error
    }
  }

  /// Reads up to `buffer.count` bytes of `fd` (the file at `path`) into `buffer`; 0 at the end.
  static func readSome(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(OutputError) -> Int {
    while true {
      let count = read(fd, buffer.baseAddress!, buffer.count)
      if count >= 0 { return count }
      if errno != EINTR { throw .system(operation: "read file", path: path, errno: errno) }
    }
  }

  /// Closes `fd` (the file at `path`), first flushing it to stable storage when `sync` is set.
  /// The descriptor is closed even when the flush fails.
  static func closeFile(_ fd: Int32, path: String, sync: Bool) throws(OutputError) {
    var failure: OutputError? = nil
    if sync, fsync(fd) != 0 { failure = .system(operation: "fsync file", path: path, errno: errno) }
    if close(fd) != 0, failure == nil { failure = .system(operation: "close file", path: path, errno: errno) }
    if let failure { throw failure }
  }

  /// Flushes directory `path`'s entries (new names, renames) to stable storage.
  static func syncDirectory(_ path: String) throws(OutputError) {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw .system(operation: "open directory", path: path, errno: errno) }
    defer { close(fd) }
    if fsync(fd) != 0, errno != EINVAL {  // some file systems cannot fsync a directory
      throw .system(operation: "fsync directory", path: path, errno: errno)
    }
  }

  /// Renames `from` to `to` (atomic within one file system).
  static func rename(_ from: String, _ to: String) throws(OutputError) {
    #if canImport(Glibc)
    let result = Glibc.rename(from, to)
    #else
    let result = Darwin.rename(from, to)
    #endif
    if result != 0 { throw .system(operation: "rename '\(from)' to", path: to, errno: errno) }
  }

  /// Names in directory `path` other than `.` and `..`, sorted.
  static func list(_ path: String) throws(OutputError) -> [String] {
    guard let dir = opendir(path) else { throw .system(operation: "list directory", path: path, errno: errno) }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafePointer(to: &entry.pointee.d_name) {
        String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
  }

  /// Removes `path` and, if it is a directory, everything under it; nothing if it is absent.
  /// Symbolic links are removed, never followed.
  static func removeTree(_ path: String) throws(OutputError) {
    switch try kind(path) {
    case nil: return
    case .other:
      if unlink(path) != 0, errno != ENOENT { throw .system(operation: "remove", path: path, errno: errno) }
    case .directory:
      for name in try list(path) { try removeTree(path + "/" + name) }
      if rmdir(path) != 0, errno != ENOENT { throw .system(operation: "remove directory", path: path, errno: errno) }
    }
  }

  /// The directory part of `path` (`.` for a bare name, `/` for a top-level entry).
  static func parentPath(_ path: String) -> String {
    var trimmed = Substring(path)
    while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
    guard let slash = trimmed.lastIndex(of: "/") else { return "." }
    return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
  }
}
