/// One field of a CSV row: text, an exact integer, a floating-point number, or nothing.
///
/// Rendering is deterministic and independent of the locale, so the same values give the same
/// bytes on every machine and at every thread count:
/// - `.integer` is written in decimal, e.g. `9223372036854775807`;
/// - `.number` uses Swift's shortest round-trip `description` (`0.1`, `1e-09`,
///   `123456789.125`), so parsing the text gives back the identical `Double`; the exceptions
///   are NaN, written as the **empty field** (pandas and R read an empty field as a missing
///   value), `+∞`/`−∞` written `inf`/`-inf` (understood by pandas, R and Python's `float`), and
///   `-0.0` written `0.0` like `+0.0`, so a sign of zero never distinguishes two runs;
/// - `.text` is written as is, quoted by `CSVTable` when RFC 4180 requires it;
/// - `.empty` is the empty field (a missing value).
public enum CSVValue: Hashable, Sendable {
  /// A string, e.g. a scope name or a status reason.
  case text(String)
  /// An exact integer, e.g. a count or a replication index.
  case integer(Int64)
  /// A floating-point number in the unit its column names (seconds, requests per second …).
  case number(Double)
  /// No value: the empty field.
  case empty

  /// The field before quoting: the text itself, or the number formatted as described above.
  public var unquoted: String {
    switch self {
    case .text(let s): return s
    case .integer(let i): return String(i)
    case .number(let x): return CSVValue.format(x)
    case .empty: return ""
    }
  }

  /// `x` formatted for a CSV field: shortest round-trip decimal; NaN → empty, ±∞ → `inf`/`-inf`,
  /// `-0.0` → `0.0`.
  public static func format(_ x: Double) -> String {
    if x.isNaN { return "" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    if x == 0 { return "0.0" }
    return x.description
  }
}

extension CSVValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
  /// A `.text` field from a literal.
  public init(stringLiteral value: String) { self = .text(value) }
  /// An `.integer` field from a literal.
  public init(integerLiteral value: Int64) { self = .integer(value) }
  /// A `.number` field from a literal.
  public init(floatLiteral value: Double) { self = .number(value) }
}

extension CSVValue {
  /// `.number(x)`, or `.empty` when `x` is nil.
  public static func number(_ x: Double?) -> CSVValue { x.map { .number($0) } ?? .empty }
  /// `.integer` from an `Int` (a count, an index).
  public static func integer(_ i: Int) -> CSVValue { .integer(Int64(i)) }
}

extension CSVValue {
  /// A time or duration of `nanoseconds` as exact decimal seconds, with no floating-point
  /// rounding: the integer seconds, then the fraction without trailing zeros, e.g. 30 s → `30`,
  /// 30.5 s → `30.5`, 1 ns → `0.000000001`, −1.25 s → `-1.25` (never `30.000000000000004`).
  public static func seconds(nanoseconds: Int64) -> CSVValue {
    let magnitude = nanoseconds.magnitude
    let whole = magnitude / 1_000_000_000, fraction = magnitude % 1_000_000_000
    var text = (nanoseconds < 0 ? "-" : "") + String(whole)
    if fraction != 0 {
      var digits = String(fraction)
      digits = String(repeating: "0", count: 9 - digits.count) + digits
      while digits.last == "0" { digits.removeLast() }
      text += "." + digits
    }
    return .text(text)
  }
}
