/// A CSV file written row by row while a run produces its rows, so that memory holds one block
/// of text rather than the whole file. The file is created new (never over an existing one);
/// the header and rows are rendered exactly as `CSVTable.rendered()` renders them, so a file
/// written here has the bytes of the table holding the same rows. Text goes to disk whenever
/// `blockSize` bytes have gathered; `append(contentsOfFile:)` copies another file's bytes in
/// (that is how the parts of a file, written separately, are joined).
///
/// Confined to the task that writes it (not `Sendable`). Call `close(sync:)` once at the end; a
/// writer dropped without it (after an error) closes its descriptor and leaves the file as is,
/// for the staging directory's cleanup.
///
/// - Complexity: `append(_:)` amortised O(row's rendered length); memory O(`blockSize`).
public final class CSVFileWriter {
  /// Where the file is.
  public let path: String
  /// Columns of every row (the header's, whether or not it is written).
  public let columnCount: Int
  /// Bytes gathered before they are written out (64 KiB).
  static let blockSize = 1 << 16
  private var fd: Int32
  private var pending = ""

  /// Creates the new file `path` for rows of `columns`, starting with their header line when
  /// `writesHeader` is set (a part of a file has none).
  /// - Throws: `OutputError.system` when the file exists or cannot be created.
  public init(path: String, columns: [String], writesHeader: Bool = true) throws(OutputError) {
    self.path = path
    columnCount = columns.count
    fd = try SystemCalls.createFile(path)
    pending.reserveCapacity(Self.blockSize + 1_024)
    if writesHeader { CSVTable.appendHeader(columns, to: &pending) }
  }

  deinit {
    if fd >= 0 { try? SystemCalls.closeFile(fd, path: path, sync: false) }
  }

  /// Appends one row.
  /// - Precondition: `row.count == columnCount` (as for `CSVTable.append(_:)`).
  public func append(_ row: [CSVValue]) throws(OutputError) {
    precondition(row.count == columnCount, "CSV row has \(row.count) fields, header has \(columnCount): \(row)")
    CSVTable.appendRow(row, to: &pending)
    if pending.utf8.count >= Self.blockSize { try flush() }
  }

  /// Appends every byte of the file at `source` (rows written by another writer), after the
  /// rows appended so far.
  /// With `skippingHeader`, the source's first line (its header: a whole file of the same
  /// columns, e.g. a shard's) is left out.
  public func append(contentsOfFile source: String, skippingHeader: Bool = false) throws(OutputError) {
    try flush()
    let input = try SystemCalls.openForReading(source)
    defer { try? SystemCalls.closeFile(input, path: source, sync: false) }
    let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { block.deallocate() }
    var skipping = skippingHeader
    while true {
      let count = try SystemCalls.readSome(input, into: block, path: source)
      if count == 0 { return }
      var start = 0
      if skipping {
        guard let newline = block[..<count].firstIndex(of: UInt8(ascii: "\n")) else { continue }
        start = newline + 1
        skipping = false
      }
      try SystemCalls.writeAll(fd, UnsafeRawBufferPointer(rebasing: block[start..<count]), path: path)
    }
  }

  /// Writes what is pending and closes the file, first flushing it to stable storage when `sync`
  /// is set (a file of the result; a part that is joined and removed needs no flush).
  public func close(sync: Bool) throws(OutputError) {
    precondition(fd >= 0, "\(path) is already closed")
    defer { fd = -1 }
    do {
      try flush()
    } catch {
      try? SystemCalls.closeFile(fd, path: path, sync: false)
      throw error
    }
    try SystemCalls.closeFile(fd, path: path, sync: sync)
  }

  /// Writes the gathered text out.
  private func flush() throws(OutputError) {
    guard !pending.isEmpty else { return }
    let fd = fd, path = path
    if let failure = pending.withUTF8({ SystemCalls.writeAllOrError(fd, UnsafeRawBufferPointer($0), path: path) }) {
      throw failure
    }
    pending.removeAll(keepingCapacity: true)
  }
}

@available(*, unavailable) extension CSVFileWriter: Sendable {}
