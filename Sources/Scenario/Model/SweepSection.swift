/// `spec.sweep`: a grid of parameter values. Each parameter is a `--set` path and the raw YAML
/// scalars it takes; the CLI runs the scenario once per combination (the Cartesian product,
/// the first parameter varying slowest), applying each value as `--set <path>=<value>`.
/// ```yaml
/// sweep:
///   - {path: spec.clients[0].workload.poisson, values: [10/s, 50/s, 100/s]}
///   - {path: spec.controlPlane.proxy.discoveryTimeout, values: [5s, none]}
/// ```
/// Here only the form is checked: the path is a `--set` path under `spec` (not under `sweep`
/// or `expect`), each path is swept once, and `values` is a non-empty sequence of scalars. Whether each value is valid at its path is checked when the CLI loads
/// the scenario with it.
public struct SweepSection: ScenarioSection, Hashable {
  public static let key = "sweep"
  public var parameters: [SweepParameter]

  public init?(reading node: NodeReader) {
    guard let parameters = node.array(Self.parameter) else { return nil }
    var seen: [String: SourceLocation] = [:]
    var ok = true
    for p in parameters {
      if let earlier = seen[p.path] {
        p.location.error(expected: "a path not swept before (it is at \(earlier))", found: FoundText.quoted(p.path)).report(to: node)
        ok = false
      }
      seen[p.path] = p.location
    }
    guard ok else { return nil }
    self.parameters = parameters
  }

  static func parameter(_ node: NodeReader) -> SweepParameter? {
    guard let m = node.mapping(ScenarioSchema.sweepParameter) else { return nil }
    let path = m.required("path").flatMap { n -> Located<String>? in
      guard let text = n.string() else { return nil }
      guard let parsed = ScenarioOverrides.parse(text + "="), case .key("spec") = parsed.path.first, parsed.path.count > 1,
            parsed.path[1] != .key("sweep"), parsed.path[1] != .key("expect") else {
        n.report(expected: "a key path under spec such as spec.clients[0].workload.poisson (not under spec.sweep or spec.expect)")
        return nil
      }
      return Located(text, at: n.location)
    }
    let values = m.required("values").flatMap { n -> [String]? in
      guard let list = n.array({ e -> String? in
        guard let text = e.scalarText else { e.report(expected: "a scalar value"); return nil }
        return text
      }) else { return nil }
      guard !list.isEmpty else { n.report(expected: "at least one value"); return nil }
      return list
    }
    guard let path, let values else { return nil }
    return SweepParameter(path: path.value, values: values, location: path.location)
  }
}

/// One swept parameter: a `--set` key path and the values it takes, as written (raw YAML scalars).
public struct SweepParameter: Hashable, Sendable {
  public var path: String
  public var values: [String]
  /// Where `path` was written.
  public var location: SourceLocation

  public init(path: String, values: [String], location: SourceLocation) {
    self.path = path
    self.values = values
    self.location = location
  }

  /// The `--set` assignments of this parameter, one per value.
  public var assignments: [String] { values.map { "\(path)=\($0)" } }
}

extension ScenarioError {
  /// Adds this problem to the problems of the load `node` belongs to.
  func report(to node: NodeReader) { node.sink.add(self) }
}
