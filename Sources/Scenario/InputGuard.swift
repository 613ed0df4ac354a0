internal import Foundation

/// Checks on the raw bytes of a scenario file before Yams sees them, so that no input can
/// exhaust memory or the stack: a size limit, UTF-8, and a nesting limit (libyaml's composer
/// and Yams recurse once per level, so 100,000 nested `[` would overflow the stack).
enum InputGuard {
  /// The largest scenario file accepted: 16 MiB.
  static let maximumBytes = 16 << 20
  /// The deepest nesting accepted, counting block indentation levels, `- `/`? ` entries that
  /// open a level on the same line, and flow `[`/`{` levels.
  static let maximumDepth = 64

  /// The bytes of the file at `path`, read up to one byte past `limit` whatever the file is (a
  /// regular file, a pipe such as `<(…)`, or a device such as /dev/zero, which would otherwise
  /// be read forever); nil when it cannot be opened or read.
  static func read(path: String, limit: Int = maximumBytes) -> [UInt8]? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    guard let data = try? handle.read(upToCount: limit + 1) else { return nil }
    return [UInt8](data)
  }

  /// A problem with the raw text: position (1-based) and the error's `expected`/`found`.
  struct Problem: Error, Equatable {
    var line: Int, column: Int, expected: String, found: String
  }

  /// The text, or the first problem with the bytes.
  static func check(_ bytes: [UInt8]) -> Result<String, Problem> {
    guard bytes.count <= maximumBytes else {
      return .failure(Problem(line: 1, column: 1, expected: "a file of at most 16 MiB",
                              found: "\(bytes.count) bytes"))
    }
    if let offset = firstInvalidUTF8(bytes) {
      let (line, column) = position(of: offset, in: bytes)
      return .failure(Problem(line: line, column: column, expected: "UTF-8 text",
                              found: "the byte 0x\(String(bytes[offset], radix: 16, uppercase: true))"))
    }
    if let problem = nestingProblem(bytes) { return .failure(problem) }
    return .success(String(decoding: bytes, as: UTF8.self))
  }

  /// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
  static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
    var decoder = UTF8()
    var iterator = bytes.makeIterator()
    var offset = 0
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar): offset += UTF8.width(scalar)
      case .emptyInput: return nil
      case .error: return offset
      }
    }
  }

  /// 1-based line and column (in Unicode scalars) of a byte offset.
  static func position(of offset: Int, in bytes: [UInt8]) -> (Int, Int) {
    var line = 1, column = 1
    for byte in bytes[..<offset] {
      if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
    }
    return (line, column)
  }

  /// The first place where nesting exceeds `maximumDepth`, by a conservative scan that knows
  /// quotes and comments but not block scalars (`|`, `>`), whose text is scanned like the rest.
  static func nestingProblem(_ bytes: [UInt8]) -> Problem? {
    var indents: [Int] = []        // indentation of the open block levels
    var flow = 0                   // open [ and {
    var quote: UInt8? = nil        // inside a quoted scalar that may span lines
    var line = 1
    var start = 0
    let space = UInt8(ascii: " ")
    while start < bytes.count {
      var end = start
      while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
      var i = start
      while i < end && bytes[i] == space { i += 1 }
      var depth = 0
      let blank = i == end || bytes[i] == UInt8(ascii: "#") || bytes[i] == UInt8(ascii: "\r")
      if flow == 0 && quote == nil && !blank {
        let indent = i - start
        while let last = indents.last, last > indent { indents.removeLast() }
        if indents.last != indent { indents.append(indent) }
        depth = indents.count
        // `- - - x` and `? ` open one level each on the same line.
        while i + 1 < end && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "?")) && bytes[i + 1] == space {
          depth += 1
          if depth > maximumDepth {
            return Problem(line: line, column: i - start + 1, expected: "nesting at most \(maximumDepth) levels deep",
                           found: "more than \(maximumDepth) levels")
          }
          i += 2
          while i < end && bytes[i] == space { i += 1 }
        }
      } else {
        depth = indents.count
      }
      if depth + flow > maximumDepth {
        return Problem(line: line, column: i - start + 1, expected: "nesting at most \(maximumDepth) levels deep",
                       found: "more than \(maximumDepth) levels")
      }
      var previous: UInt8 = space
      while i < end {
        let byte = bytes[i]
        if let q = quote {
          if byte == q {
            if q == UInt8(ascii: "'") && i + 1 < end && bytes[i + 1] == q { i += 1 } else { quote = nil }
          } else if q == UInt8(ascii: "\"") && byte == UInt8(ascii: "\\") {
            i += 1
          }
        } else {
          switch byte {
          case UInt8(ascii: "#") where previous == space || previous == UInt8(ascii: "\t"):
            i = end
            continue
          case UInt8(ascii: "'"), UInt8(ascii: "\""):
            if [space, UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ","), UInt8(ascii: ":"),
                UInt8(ascii: "\t")].contains(previous) { quote = byte }
          case UInt8(ascii: "["), UInt8(ascii: "{"):
            flow += 1
            if depth + flow > maximumDepth {
              return Problem(line: line, column: column(start, i, bytes),
                             expected: "nesting at most \(maximumDepth) levels deep",
                             found: "more than \(maximumDepth) levels")
            }
          case UInt8(ascii: "]"), UInt8(ascii: "}"):
            flow = max(0, flow - 1)
          default: break
          }
        }
        previous = byte
        i += 1
      }
      line += 1
      start = end + 1
    }
    return nil
  }

  static func column(_ start: Int, _ i: Int, _ bytes: [UInt8]) -> Int {
    1 + bytes[start..<i].filter { $0 & 0xC0 != 0x80 }.count
  }
}
