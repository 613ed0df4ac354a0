import Foundation

/// A YAML value as `aggsim job` writes Kubernetes manifests: maps keep their keys' order,
/// strings are written as JSON strings (YAML 1.2 reads every JSON string the same way, so no
/// value is ever taken for a number, a boolean or null), and a long text can be a literal block.
indirect enum YAMLValue {
  case map([(String, YAMLValue)])
  case list([YAMLValue])
  case string(String)
  case int(Int)
  case bool(Bool)
  /// A multi-line text as a literal block (`|`) when it can be one exactly, else a JSON string.
  case text(String)

  /// The documents, each after a `---` line.
  static func stream(_ documents: [YAMLValue]) -> String {
    documents.map { "---\n" + $0.rendered(indent: 0) }.joined()
  }

  /// The value as block YAML whose lines start at `indent` spaces (a map or list), ending with a
  /// newline.
  func rendered(indent: Int) -> String {
    let pad = String(repeating: " ", count: indent)
    switch self {
    case .map(let pairs):
      return pairs.map { key, value in pad + Self.key(key) + ":" + value.afterKey(indent: indent) }.joined()
    case .list(let items):
      return items.map { item -> String in
        switch item {
        case .map, .list:
          // The item's first line goes after "- ", the others under it.
          let body = item.rendered(indent: indent + 2)
          return pad + "- " + body.dropFirst(indent + 2)
        default:
          return pad + "- " + item.scalar(indent: indent + 2) + "\n"
        }
      }.joined()
    default:
      return pad + scalar(indent: indent) + "\n"
    }
  }

  /// What follows `key:`: a scalar on the same line, or a nested block on the next lines.
  private func afterKey(indent: Int) -> String {
    switch self {
    case .map(let pairs) where pairs.isEmpty: return " {}\n"
    case .list(let items) where items.isEmpty: return " []\n"
    case .map, .list: return "\n" + rendered(indent: indent + 2)
    default: return " " + scalar(indent: indent + 2) + "\n"
    }
  }

  /// A scalar (a literal block's lines at `indent`).
  private func scalar(indent: Int) -> String {
    switch self {
    case .string(let s): return Self.quote(s)
    case .int(let i): return String(i)
    case .bool(let b): return b ? "true" : "false"
    case .text(let s):
      guard Self.fitsLiteralBlock(s) else { return Self.quote(s) }
      let pad = String(repeating: " ", count: indent)
      return "|\n" + s.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        .map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
    case .map, .list: return ""
    }
  }

  /// Whether `s` reads back exactly from a literal block with clip chomping: it ends with one
  /// newline, its first line is not indented, and it holds no tab, carriage return or other
  /// control character and no line ending in a space.
  static func fitsLiteralBlock(_ s: String) -> Bool {
    guard s.hasSuffix("\n"), !s.hasSuffix("\n\n"), !s.hasPrefix(" "), !s.hasPrefix("\n") else { return false }
    guard !s.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7f }) else { return false }
    return !s.contains(" \n")
  }

  /// A map key: plain when it is a name (letters, digits, `-_./`), else a JSON string.
  static func key(_ s: String) -> String {
    let plain = !s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || ("a"..."z").contains($0)
      || ("A"..."Z").contains($0) || "-_./".unicodeScalars.contains($0) }
    return plain ? s : quote(s)
  }

  /// `s` as a JSON string.
  static func quote(_ s: String) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    return (try? String(decoding: encoder.encode(s), as: UTF8.self)) ?? "\"\""
  }
}
