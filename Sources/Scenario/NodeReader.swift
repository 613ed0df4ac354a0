internal import Yams
public import SimCore
public import AggregationModel

/// One value of a scenario file, with its place in the file and its key path, read into typed
/// values. Each reader method returns the value, or nil after reporting why it could not be
/// read (every problem of a file is collected, none is thrown), so a section reader reads all
/// its fields and gives up at the end if any was nil.
///
/// Scalars follow the YAML 1.2 core schema: `5` is an integer, `"5"` a string, `true` a
/// boolean, `.inf` and `.nan` floats. Found values are shown as written (`found "abc"`,
/// `found 1.5`, `found a mapping`, `found nothing` for an empty value).
public struct NodeReader {
  let node: Node
  /// The value's path from the document root, e.g. `spec.extensionServers[0].workers`.
  public let keyPath: String
  let sink: DiagnosticSink

  init(node: Node, keyPath: String, sink: DiagnosticSink) {
    self.node = node
    self.keyPath = keyPath
    self.sink = sink
  }

  /// The value as `found` shows it: `"abc"`, `1.5`, `a mapping`, `nothing`.
  public var found: String { FoundText.of(node) }

  /// Whether the value is an empty scalar or `null`.
  public var isNull: Bool {
    if case .scalar(let s) = node, ScalarKind(s) == .null { return true }
    return false
  }

  /// Reports a problem with this value; `found` defaults to the value as written.
  public func report(expected: String, found: String? = nil) {
    sink.report(at: node.mark, keyPath: keyPath, expected: expected, found: found ?? self.found)
  }

  /// Whether this value is a mapping with the string key `key` (nothing is reported).
  public func hasKey(_ key: String) -> Bool {
    guard case .mapping(let mapping) = node else { return false }
    return mapping.contains { pair in
      if case .scalar(let k) = pair.key, case .string(let name) = ScalarKind(k) { return name == key }
      return false
    }
  }

  /// The path of a key under this value (`spec` + `run` = `spec.run`).
  public func path(_ key: String) -> String { keyPath.isEmpty ? key : "\(keyPath).\(key)" }

  /// This value as a mapping of the declared form: its keys must be among the declaration's.
  public func mapping(_ declaration: MappingDeclaration) -> MappingReader? { mapping(knownKeys: declaration.names) }

  /// This value as a mapping whose keys must be among `knownKeys`: each other key is reported
  /// (with a did-you-mean). Nil, after a report, if the value is not a mapping.
  public func mapping(knownKeys: [String]) -> MappingReader? {
    KeyUseLog.current?.record(keyPath, knownKeys)
    guard case .mapping(let mapping) = node else {
      report(expected: "a mapping")
      return nil
    }
    var entries: [String: (key: Node, value: Node)] = [:]
    for (key, value) in mapping {
      guard case .scalar(let k) = key, case .string(let name) = ScalarKind(k) else {
        sink.report(at: key.mark, keyPath: keyPath, expected: "a string key", found: FoundText.of(key))
        continue
      }
      guard knownKeys.contains(name) else {
        sink.report(at: key.mark, keyPath: path(name),
                    expected: KeySuggestion.expectedKey(of: keyPath, given: name, known: knownKeys),
                    found: FoundText.quoted(name))
        continue
      }
      entries[name] = (key, value)
    }
    return MappingReader(reader: self, entries: entries)
  }

  /// The elements of this sequence, each with its indexed key path. Nil, after a report, if
  /// the value is not a sequence.
  public func sequence() -> [NodeReader]? {
    guard case .sequence(let sequence) = node else {
      report(expected: "a sequence")
      return nil
    }
    return sequence.enumerated().map { NodeReader(node: $0.element, keyPath: "\(keyPath)[\($0.offset)]", sink: sink) }
  }

  /// Each element of this sequence read by `read`; nil if the value is not a sequence or any
  /// element could not be read (every element is read, so all their problems are reported).
  public func array<T>(_ read: (NodeReader) -> T?) -> [T]? {
    guard let elements = sequence() else { return nil }
    let values = elements.map(read)
    return values.contains { $0 == nil } ? nil : values.map { $0! }
  }

  var scalarKind: ScalarKind? {
    if case .scalar(let s) = node { return ScalarKind(s) }
    return nil
  }

  /// The scalar's text as written, if this value is a scalar other than null.
  var scalarText: String? {
    if case .scalar(let s) = node, ScalarKind(s) != .null { return s.string }
    return nil
  }

  /// An integer in `range`, e.g. `expected an integer in [1, 1024]` or `an integer >= 1`.
  public func integer(in range: ClosedRange<Int> = Int.min...Int.max) -> Int? {
    let expected: String
    switch (range.lowerBound, range.upperBound) {
    case (Int.min, Int.max): expected = "an integer"
    case (let low, Int.max): expected = "an integer >= \(low)"
    case (Int.min, let high): expected = "an integer <= \(high)"
    case (let low, let high): expected = "an integer in [\(low), \(high)]"
    }
    guard case .integer(let text) = scalarKind, let value = ScalarKind.integerValue(text),
          range.contains(value) else {
      report(expected: expected)
      return nil
    }
    return value
  }

  /// A finite number (an integer or a float) in `range`: `.nan`, `.inf` and values too large
  /// for a `Double` such as `1e400` are rejected.
  public func number(in range: ClosedRange<Double>? = nil) -> Double? {
    let expected: String
    let big = Double.greatestFiniteMagnitude
    if let range, range.lowerBound > -big {
      expected = range.upperBound < big ? "a finite number in [\(Self.format(range.lowerBound)), \(Self.format(range.upperBound))]"
        : "a finite number >= \(Self.format(range.lowerBound))"
    } else if let range, range.upperBound < big {
      expected = "a finite number <= \(Self.format(range.upperBound))"
    } else {
      expected = "a finite number"
    }
    let value: Double?
    switch scalarKind {
    case .integer(let text): value = ScalarKind.integerValue(text).map(Double.init) ?? Double(text)
    case .float(let x): value = x
    default: value = nil
    }
    guard let value, value.isFinite, range?.contains(value) ?? true else {
      report(expected: expected)
      return nil
    }
    return value
  }

  static func format(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
  }

  /// `true` or `false`.
  public func bool() -> Bool? {
    guard case .bool(let value) = scalarKind else {
      report(expected: "true or false")
      return nil
    }
    return value
  }

  /// A string (quoted, or plain text that is not a number, boolean or null).
  public func string() -> String? {
    guard case .string(let value) = scalarKind else {
      report(expected: "a string")
      return nil
    }
    return value
  }

  /// One of `names` (case-sensitive), with a did-you-mean when the value is close to one.
  public func oneOf(_ names: [String]) -> String? {
    guard case .string(let value) = scalarKind, names.contains(value) else {
      let hint = scalarText.flatMap { KeySuggestion.suggest($0, among: names) }.map { " (did you mean \"\($0)\"?)" } ?? ""
      report(expected: "one of \(names.joined(separator: ", "))\(hint)")
      return nil
    }
    return value
  }

  /// A case of a string-backed enumeration, by its raw value.
  public func oneOf<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> E? where E.RawValue == String {
    oneOf(E.allCases.map(\.rawValue)).flatMap(E.init(rawValue:))
  }

  /// A duration with a unit (`250ms`, `1.5s`, `1m30s`), through `DurationFormat.parseDuration`:
  /// a bare number such as `5` is an error, and so is a negative duration.
  public func duration() -> SimDuration? {
    guard case .string(let text) = scalarKind else {
      report(expected: "a duration with a unit (ns, us, ms, s, m, h), e.g. 250ms or 1m30s")
      return nil
    }
    do {
      return try DurationFormat.parseDuration(text)
    } catch {
      report(expected: error.expected)
      return nil
    }
  }

  /// A rate with a unit (`50/s`, `3/min`, `100/h`), through `DurationFormat.parseRate`.
  public func rate() -> Rate? {
    guard case .string(let text) = scalarKind else {
      report(expected: "a rate with a unit (/s, /min, /h), e.g. 50/s")
      return nil
    }
    do {
      let rate = try DurationFormat.parseRate(text)
      guard rate.perSecond <= Self.maximumRate else {
        report(expected: "a rate of at most 1000000/s (one client; the model would need years of wall time beyond)")
        return nil
      }
      guard rate.perSecond >= Self.minimumRate else {
        report(expected: "a rate of at least 0.000001/s (one in 11.6 days; longer gaps exceed any run)")
        return nil
      }
      return rate
    } catch {
      report(expected: error.expected)
      return nil
    }
  }

  /// The largest rate a scenario may give one client or process, per second.
  static let maximumRate = 1e6
  /// The smallest rate a scenario may give, per second: one event in 10⁶ s (11.6 days), so
  /// that a mean gap always fits the simulated clock.
  static let minimumRate = 1e-6

  /// A Kubernetes minor release: `1.35`, `v1.35` or `v1.35.2` (a plain `1.35` is read as written).
  public func kubernetesVersion() -> KubernetesVersion? {
    guard let text = scalarText, let version = try? KubernetesVersion(parsing: text) else {
      report(expected: "a Kubernetes version such as 1.35 or v1.35.2")
      return nil
    }
    return version
  }
}
