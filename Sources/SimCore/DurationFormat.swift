/// Parsing and printing of durations and rates written with units, as in scenario files:
/// durations `250us`, `5ms`, `1.5s`, `2m`, `1h`, `1m30s` (Go style; `µs` is accepted for `us`)
/// and rates `50/s`, `3/min`, `100/h`.
///
/// A bare number is rejected: a duration always carries its unit.
public enum DurationFormat {
  /// Why a duration or rate could not be read. The message says what was expected and what
  /// was found, ready to be placed after a file location and key path.
  public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public var expected: String
    public var found: String
    public var description: String { "expected \(expected), found \(found)" }
  }

  static let durationExpectation = "a duration with a unit (ns, us, ms, s, m, h), e.g. 250ms or 1m30s"

  /// Nanoseconds per unit, longest spelling first so that `ms` is not read as `m`.
  static let units: [(name: String, nanoseconds: Int64)] = [
    ("min", 60_000_000_000), ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000),
    ("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000),
  ]

  /// Reads a non-negative duration such as `1.5s` or `1m30s`.
  public static func parseDuration(_ text: String) throws(ParseError) -> SimDuration {
    let trimmed = text.trimmingWhitespace
    let fail = ParseError(expected: durationExpectation, found: quoted(text))
    guard !trimmed.isEmpty else { throw fail }
    if trimmed.hasPrefix("-") {
      throw ParseError(expected: "a non-negative duration", found: quoted(text))
    }
    var rest = Substring(trimmed)
    var totalNanoseconds = 0.0
    while !rest.isEmpty {
      let number = rest.prefix { $0.isNumber || $0 == "." }
      guard !number.isEmpty, let value = Double(number), value.isFinite else { throw fail }
      rest = rest.dropFirst(number.count)
      guard let unit = units.first(where: { rest.hasPrefix($0.name) }) else { throw fail }
      rest = rest.dropFirst(unit.name.count)
      totalNanoseconds += value * Double(unit.nanoseconds)
    }
    guard totalNanoseconds < 9.2e18 else {
      throw ParseError(expected: "a duration shorter than 292 years", found: quoted(text))
    }
    return SimDuration(nanoseconds: Int64(totalNanoseconds.rounded()))
  }

  /// Reads a positive rate such as `50/s`, `3/min` or `100/h`.
  public static func parseRate(_ text: String) throws(ParseError) -> Rate {
    let trimmed = text.trimmingWhitespace
    let fail = ParseError(expected: "a rate with a unit (/s, /min, /h), e.g. 50/s", found: quoted(text))
    let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let count = Double(parts[0].trimmingWhitespace), count.isFinite else { throw fail }
    guard count > 0 else { throw ParseError(expected: "a positive rate", found: quoted(text)) }
    let per: Double
    switch parts[1].trimmingWhitespace {
    case "ms": per = 1e-3
    case "s", "sec": per = 1
    case "m", "min": per = 60
    case "h": per = 3600
    default: throw fail
    }
    return Rate(perSecond: count / per)
  }

  /// The longest unit that represents `d` exactly, e.g. `2m`, `1500ms`, `250us`.
  public static func format(_ d: SimDuration) -> String {
    if d == .infinity { return "inf" }
    let ns = d.nanoseconds
    if ns == 0 { return "0s" }
    for (name, size) in [("h", Int64(3_600_000_000_000)), ("m", 60_000_000_000), ("s", 1_000_000_000),
                         ("ms", 1_000_000), ("us", 1_000)] where ns % size == 0 {
      return "\(ns / size)\(name)"
    }
    return "\(ns)ns"
  }

  static func quoted(_ text: String) -> String { "\"\(text)\"" }
}

extension StringProtocol {
  var trimmingWhitespace: String {
    String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
  }
}
