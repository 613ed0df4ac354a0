internal import Yams

/// What a scalar is under the YAML 1.2 core schema, decided from its text and style: only
/// plain (unquoted) scalars can be null, booleans or numbers; quoted and block scalars are strings.
enum ScalarKind: Equatable {
  case null
  case bool(Bool)
  /// An integer as written (decimal, `0x…` or `0o…`), which may not fit in `Int`.
  case integer(String)
  /// A float (may be ±infinity or NaN, as `.inf`, `.nan` or `1e400`).
  case float(Double)
  case string(String)

  init(_ scalar: Node.Scalar) {
    let text = scalar.string
    guard scalar.style == .plain || scalar.style == .any else { self = .string(text); return }
    switch text {
    case "", "~", "null", "Null", "NULL": self = .null
    case "true", "True", "TRUE": self = .bool(true)
    case "false", "False", "FALSE": self = .bool(false)
    case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": self = .float(.infinity)
    case "-.inf", "-.Inf", "-.INF": self = .float(-.infinity)
    case ".nan", ".NaN", ".NAN": self = .float(.nan)
    default:
      if ScalarKind.isInteger(text) {
        self = .integer(text)
      } else if ScalarKind.isFloat(text), let value = Double(text) {
        self = .float(value)
      } else {
        self = .string(text)
      }
    }
  }

  /// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`.
  static func isInteger(_ text: String) -> Bool {
    let u = Array(text.utf8)
    if u.count > 2 && u[0] == UInt8(ascii: "0") && (u[1] == UInt8(ascii: "x") || u[1] == UInt8(ascii: "o")) {
      return u[2...].allSatisfy { u[1] == UInt8(ascii: "x") ? $0.isHexDigit : (UInt8(ascii: "0")...UInt8(ascii: "7")).contains($0) }
    }
    let digits = (u.first == UInt8(ascii: "-") || u.first == UInt8(ascii: "+")) ? u.dropFirst() : u[...]
    return !digits.isEmpty && digits.allSatisfy(\.isDecimalDigit)
  }

  /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
  static func isFloat(_ text: String) -> Bool {
    var u = Array(text.utf8)[...]
    if u.first == UInt8(ascii: "-") || u.first == UInt8(ascii: "+") { u = u.dropFirst() }
    let whole = u.prefix(while: \.isDecimalDigit)
    u = u.dropFirst(whole.count)
    var fraction = 0
    if u.first == UInt8(ascii: ".") {
      u = u.dropFirst()
      fraction = u.prefix(while: \.isDecimalDigit).count
      u = u.dropFirst(fraction)
    }
    guard whole.count + fraction > 0 else { return false }
    if u.first == UInt8(ascii: "e") || u.first == UInt8(ascii: "E") {
      u = u.dropFirst()
      if u.first == UInt8(ascii: "-") || u.first == UInt8(ascii: "+") { u = u.dropFirst() }
      guard !u.isEmpty && u.allSatisfy(\.isDecimalDigit) else { return false }
      return true
    }
    return u.isEmpty
  }

  /// The integer value, if it fits in `Int`.
  static func integerValue(_ text: String) -> Int? {
    if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
    if text.hasPrefix("0o") { return Int(text.dropFirst(2), radix: 8) }
    return Int(text.hasPrefix("+") ? String(text.dropFirst()) : text)
  }
}

extension UInt8 {
  var isDecimalDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
  var isHexDigit: Bool {
    isDecimalDigit || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
      || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
  }
}

/// How a value is shown after `found`: scalars as written (strings quoted, control characters
/// escaped, long text cut at 60 characters), other nodes by their kind.
enum FoundText {
  static func of(_ node: Node) -> String {
    switch node {
    case .mapping(let m): return m.isEmpty ? "an empty mapping" : "a mapping"
    case .sequence(let s): return s.isEmpty ? "an empty sequence" : "a sequence"
    case .alias: return "an alias"
    case .scalar(let scalar):
      switch ScalarKind(scalar) {
      case .null: return scalar.string.isEmpty ? "nothing" : scalar.string
      case .string(let text): return quoted(text)
      default: return scalar.string
      }
    }
  }

  /// `text` in double quotes, with `"`, `\` and control characters escaped.
  static func quoted(_ text: String) -> String {
    var out = "\""
    for (count, scalar) in text.unicodeScalars.enumerated() {
      if count == 60 { out += "…"; break }
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
          out += "\\u{\(String(scalar.value, radix: 16))}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
