internal import Yams
import SimCore

/// Where a value was written: file (or `--set <assignment>` with line 0), line and column,
/// and its key path. Sections keep one for each name and reference, so that the checks across
/// sections (an APIService naming an unknown Service, a duplicate name…) point at the value.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
  public var file: String
  /// 1-based; 0 when the value came from a `--set` assignment.
  public var line: Int
  public var column: Int
  /// E.g. `spec.clients[0].target.apiService`.
  public var keyPath: String

  public init(file: String, line: Int, column: Int, keyPath: String) {
    self.file = file
    self.line = line
    self.column = column
    self.keyPath = keyPath
  }

  /// `file:line:column` (or the `--set` assignment).
  public var description: String { line > 0 ? "\(file):\(line):\(column)" : file }

  /// A problem at this place, in the loader's form.
  func error(expected: String, found: String) -> ScenarioError {
    ScenarioError(file: file, line: line, column: column, keyPath: keyPath, expected: expected, found: found)
  }
}

/// A value read together with where it was written.
public struct Located<Value: Hashable & Sendable>: Hashable, Sendable {
  public var value: Value
  public var location: SourceLocation

  public init(_ value: Value, at location: SourceLocation) {
    self.value = value
    self.location = location
  }
}

extension DiagnosticSink {
  /// The place a problem at `mark`/`keyPath` is reported at (see `report(at:keyPath:expected:found:)`).
  func location(at mark: Mark?, keyPath: String) -> SourceLocation {
    if let mark { return SourceLocation(file: file, line: mark.line, column: mark.column, keyPath: keyPath) }
    let owner = overrides.last { Self.isPrefix($0.path, of: keyPath) || Self.isPrefix(keyPath, of: $0.path) }
    return SourceLocation(file: owner.map { "--set \($0.assignment)" } ?? file, line: 0, column: 0, keyPath: keyPath)
  }
}

extension NodeReader {
  /// Where this value was written.
  public var location: SourceLocation { sink.location(at: node.mark, keyPath: keyPath) }

  /// The file this value was read from, as named to the loader.
  var fileName: String { sink.file }

  /// `read`'s value located here.
  func located<T>(_ read: (NodeReader) -> T?) -> Located<T>? { read(self).map { Located($0, at: location) } }

  /// The literal `none` (or YAML null): nil inside; otherwise `read`'s value. `none` means
  /// "no limit / disabled" wherever the schema allows it.
  func noneOr<T>(_ read: (NodeReader) -> T?) -> T?? {
    if isNull || scalarKind == .string("none") { return .some(nil) }
    return read(self).map { .some($0) }
  }

  /// A duration > 0.
  func positiveDuration() -> SimDuration? {
    guard let value = duration() else { return nil }
    guard value > .zero else { report(expected: "a duration > 0s"); return nil }
    return value
  }

  /// The shortest period a scenario may give a control loop, a backoff, a retry or a
  /// retransmission: 1 ms. A real cluster's fastest loops are far slower (client-go's workqueue
  /// backoff starts at 5 ms, the 1.36 discovery manager retries after 500 ms, Linux's minimum
  /// TCP retransmission timeout is 200 ms); below a millisecond a loop only multiplies events
  /// (a 1 ns resync would be 10⁹ events per simulated second and never finish).
  static let shortestPeriod = SimDuration.milliseconds(1)

  /// The period of a loop, a backoff, a retry or a retransmission: at least `shortestPeriod`.
  func period() -> SimDuration? {
    guard let value = duration() else { return nil }
    guard value >= Self.shortestPeriod else {
      report(expected: "a period of at least 1ms (a real cluster's fastest loop, client-go's workqueue backoff, starts at 5ms)")
      return nil
    }
    return value
  }

  /// A duration within `range`; outside it, `expected` is the error's expectation.
  func duration(in range: ClosedRange<SimDuration>, expected: String) -> SimDuration? {
    guard let value = duration() else { return nil }
    guard range.contains(value) else { report(expected: expected); return nil }
    return value
  }

  /// A non-empty string.
  func name() -> String? {
    guard let text = string() else { return nil }
    guard !text.isEmpty else { report(expected: "a non-empty string"); return nil }
    return text
  }
}

extension MappingReader {
  /// The keys of `alternatives` present; reports at the mapping unless exactly one is.
  func exactlyOne(of alternatives: [String], what: String) -> String? {
    let used = alternatives.filter(contains)
    guard used.count == 1 else {
      reader.report(expected: "exactly one of \(alternatives.joined(separator: ", ")) (\(what))",
                    found: used.isEmpty ? (keys.isEmpty ? reader.found : "none") : "keys " + used.joined(separator: ", "))
      return nil
    }
    return used[0]
  }
}

/// Reports each name given more than once, at every later occurrence.
func duplicates(_ names: [Located<String>], what: String) -> [ScenarioError] {
  var first: [String: SourceLocation] = [:]
  var errors: [ScenarioError] = []
  for name in names {
    if let earlier = first[name.value] {
      errors.append(name.location.error(expected: "a \(what) not used before (it is at \(earlier))",
                                        found: FoundText.quoted(name.value)))
    } else {
      first[name.value] = name.location
    }
  }
  return errors
}

extension MappingReader {
  /// `read`'s value at `key`: `.some(nil)` if the key is absent, nil if its value could not be read.
  func optionalValue<T>(_ key: String, _ read: (NodeReader) -> T?) -> T?? {
    guard let value = optional(key) else { return .some(nil) }
    return read(value).map { .some($0) }
  }
}
