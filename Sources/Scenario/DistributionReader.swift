internal import Yams
public import SimCore

extension NodeReader {
  /// A `Distribution` as written in a scenario file. A duration alone is a constant; otherwise
  /// a mapping with exactly one kind key. Durations carry units; dimensionless parameters
  /// (`mu`, `sigma`, `shape`, `cv`, `k`, `p`, `weight`) are numbers:
  /// ```yaml
  /// serviceTime: 20ms                                    # constant
  /// serviceTime: {constant: 20ms}
  /// serviceTime: {exponential: {mean: 20ms}}
  /// serviceTime: {uniform: {min: 5ms, max: 15ms}}
  /// serviceTime: {normal: {mean: 20ms, stddev: 5ms}}      # truncated at 0
  /// serviceTime: {lognormal: {mu: -3.9, sigma: 0.5}}      # or {median: 20ms, p99: 200ms} or {mean: 20ms, cv: 1.5}
  /// serviceTime: {gamma: {shape: 2, scale: 10ms}}         # or {mean: 20ms, cv: 0.5}
  /// serviceTime: {erlang: {k: 3, mean: 30ms}}
  /// serviceTime: {weibull: {shape: 1.5, scale: 20ms}}
  /// serviceTime: {pareto: {shape: 2.5, scale: 10ms}}
  /// serviceTime: {empirical: {samples: [10ms, 12ms, 30ms]}}
  /// serviceTime: {empirical: {cdf: [{value: 10ms, p: 0.5}, {value: 50ms, p: 1}]}}
  /// serviceTime: {empirical: {prometheusBuckets: [{le: 0.005, count: 100}, {le: +Inf, count: 1000}]}}
  /// serviceTime: {mixture: [{weight: 0.99, distribution: 5ms}, {weight: 0.01, distribution: 2s}]}
  /// ```
  /// `le` is in seconds, as Prometheus writes it (`+Inf`, `Inf` or `.inf` for the last bucket).
  /// Every range check of `Distribution.validate()` and of the SimCore factories is reported at
  /// the offending parameter, e.g. `spec.x.serviceTime.lognormal.sigma: expected a number > 0, found -1`.
  public func distribution() -> Distribution? { DistributionReader(reader: self).read() }
}

/// Reads one distribution node; remembers which node holds each SimCore parameter, so that a
/// `DistributionError` is reported where the parameter was written.
final class DistributionReader {
  static let kinds = ScenarioSchema.distribution.exactlyOne
  let reader: NodeReader
  /// SimCore parameter name (`sigma`, `points[2].probability`) → the node it was read from.
  var parameters: [String: NodeReader] = [:]

  init(reader: NodeReader) { self.reader = reader }

  func read() -> Distribution? {
    if case .scalar = reader.node {
      return reader.duration().map(Distribution.constant)
    }
    let expected = "a distribution: a duration, or a mapping with one of \(Self.kinds.joined(separator: ", "))"
    guard case .mapping(let raw) = reader.node else { reader.report(expected: expected); return nil }
    guard let map = reader.mapping(ScenarioSchema.distribution) else { return nil }
    let present = Self.kinds.filter(map.contains)
    guard let kind = present.first, let body = map.optional(kind) else {
      if raw.isEmpty { reader.report(expected: expected) }   // otherwise its unknown keys were reported
      return nil
    }
    for extra in present.dropFirst() {
      map.reportKey(extra, expected: "exactly one distribution kind (\(kind) is given)", found: FoundText.quoted(extra))
    }
    guard present.count == 1 else { return nil }
    do {
      guard let result = try build(kind, body) else { return nil }
      try result.validate()
      return result
    } catch {
      let node = parameters[error.parameter] ?? body
      node.report(expected: Self.yamlNames(error.expected))
      return nil
    }
  }

  /// SimCore's parameter names in an expectation, spelled as in the YAML schema.
  static func yamlNames(_ text: String) -> String {
    var text = text
    for (swift, yaml) in [("points[", "cdf["), (".probability", ".p"), ("buckets[", "prometheusBuckets["),
                          (".cumulativeCount", ".count"), (".upperBound", ".le"), ("standardDeviation", "stddev")] {
      text = text.replacingAll(swift, with: yaml)
    }
    return text
  }

  /// Reads `key` of `map` with `read`, remembering its node as SimCore's `parameter`.
  func param<T>(_ map: MappingReader, _ key: String, as parameter: String? = nil, _ read: (NodeReader) -> T?) -> T? {
    guard let node = map.required(key) else { return nil }
    parameters[parameter ?? key] = node
    return read(node)
  }

  func build(_ kind: String, _ body: NodeReader) throws(DistributionError) -> Distribution? {
    switch kind {
    case "constant":
      parameters["value"] = body
      return body.duration().map(Distribution.constant)
    case "exponential":
      guard let m = body.mapping(ScenarioSchema.exponential) else { return nil }
      return param(m, "mean") { $0.duration() }.map { .exponential(mean: $0) }
    case "uniform":
      guard let m = body.mapping(ScenarioSchema.uniform) else { return nil }
      let low = param(m, "min") { $0.duration() }, high = param(m, "max") { $0.duration() }
      guard let low, let high else { return nil }
      return .uniform(min: low, max: high)
    case "normal":
      guard let m = body.mapping(ScenarioSchema.normal) else { return nil }
      let mean = param(m, "mean") { $0.duration() }
      let sd = param(m, "stddev", as: "standardDeviation") { $0.duration() }
      guard let mean, let sd else { return nil }
      return .normal(mean: mean, standardDeviation: sd)
    case "lognormal":
      return try lognormal(body)
    case "gamma":
      guard let m = body.mapping(ScenarioSchema.gamma),
            let form = oneForm(m, body, kind, [["shape", "scale"], ["mean", "cv"]]) else { return nil }
      if form == 0 {
        let shape = param(m, "shape") { $0.number() }, scale = param(m, "scale") { $0.duration() }
        guard let shape, let scale else { return nil }
        return .gamma(shape: shape, scale: scale)
      }
      let mean = param(m, "mean") { $0.duration() }, cv = param(m, "cv") { $0.number() }
      guard let mean, let cv else { return nil }
      return try Distribution.gamma(mean: mean, cv: cv)
    case "erlang":
      guard let m = body.mapping(ScenarioSchema.erlang) else { return nil }
      let k = param(m, "k") { $0.integer() }, mean = param(m, "mean") { $0.duration() }
      guard let k, let mean else { return nil }
      return .erlang(k: k, mean: mean)
    case "weibull", "pareto":
      guard let m = body.mapping(ScenarioSchema.shapeScale(kind)) else { return nil }
      let shape = param(m, "shape") { $0.number() }, scale = param(m, "scale") { $0.duration() }
      guard let shape, let scale else { return nil }
      return kind == "weibull" ? .weibull(shape: shape, scale: scale) : .pareto(shape: shape, scale: scale)
    case "empirical":
      return try empirical(body)
    default:
      return mixture(body)
    }
  }

  /// Which of the alternative key sets `forms` the mapping uses; keys from two forms are an
  /// error at the mapping. With no key at all, the first form (whose keys are then required).
  func oneForm(_ m: MappingReader, _ body: NodeReader, _ kind: String, _ forms: [[String]]) -> Int? {
    let used = forms.indices.filter { forms[$0].contains(where: m.contains) }
    guard used.count <= 1 else {
      let alternatives = forms.map { "{\($0.joined(separator: ", "))}" }.joined(separator: " or ")
      body.report(expected: "the parameters of one form of \(kind): \(alternatives)",
                  found: "keys " + m.keys.joined(separator: ", "))
      return nil
    }
    return used.first ?? 0
  }

  func lognormal(_ body: NodeReader) throws(DistributionError) -> Distribution? {
    guard let m = body.mapping(ScenarioSchema.lognormal),
          let form = oneForm(m, body, "lognormal", [["mu", "sigma"], ["median", "p99"], ["mean", "cv"]])
    else { return nil }
    switch form {
    case 0:
      let mu = param(m, "mu") { $0.number() }, sigma = param(m, "sigma") { $0.number() }
      guard let mu, let sigma else { return nil }
      return .lognormal(mu: mu, sigma: sigma)
    case 1:
      let median = param(m, "median") { $0.duration() }, p99 = param(m, "p99") { $0.duration() }
      guard let median, let p99 else { return nil }
      return try Distribution.lognormal(median: median, p99: p99)
    default:
      let mean = param(m, "mean") { $0.duration() }, cv = param(m, "cv") { $0.number() }
      guard let mean, let cv else { return nil }
      return try Distribution.lognormal(mean: mean, cv: cv)
    }
  }

  func empirical(_ body: NodeReader) throws(DistributionError) -> Distribution? {
    let forms = ScenarioSchema.empirical.exactlyOne
    guard let m = body.mapping(ScenarioSchema.empirical) else { return nil }
    let used = forms.filter(m.contains)
    guard used.count == 1, let list = m.optional(used[0]) else {
      body.report(expected: "exactly one of samples, cdf, prometheusBuckets",
                  found: used.isEmpty ? "none" : "keys " + used.joined(separator: ", "))
      return nil
    }
    switch used[0] {
    case "samples":
      parameters["samples"] = list
      guard let elements = list.sequence() else { return nil }
      for (i, e) in elements.enumerated() { parameters["samples[\(i)]"] = e }
      guard let values = list.array({ $0.duration() }) else { return nil }
      return .empirical(try EmpiricalDistribution.samples(values))
    case "cdf":
      parameters["points"] = list
      guard let elements = list.sequence() else { return nil }
      let points = elements.enumerated().map { i, e -> (value: SimDuration, probability: Double)? in
        guard let p = e.mapping(ScenarioSchema.cdfPoint) else { return nil }
        let value = param(p, "value", as: "points[\(i)].value") { $0.duration() }
        let probability = param(p, "p", as: "points[\(i)].probability") { $0.number() }
        guard let value, let probability else { return nil }
        return (value, probability)
      }
      guard !points.contains(where: { $0 == nil }) else { return nil }
      return .empirical(try EmpiricalDistribution.cdfPoints(points.map { $0! }))
    default:
      parameters["buckets"] = list
      guard let elements = list.sequence() else { return nil }
      let buckets = elements.enumerated().map { i, e -> (upperBound: SimDuration?, cumulativeCount: Double)? in
        guard let b = e.mapping(ScenarioSchema.prometheusBucket) else { return nil }
        let le = param(b, "le", as: "buckets[\(i)].upperBound") { Self.upperBound($0) }
        let count = param(b, "count", as: "buckets[\(i)].cumulativeCount") { $0.number() }
        guard let le, let count else { return nil }
        return (le, count)
      }
      guard !buckets.contains(where: { $0 == nil }) else { return nil }
      return .empirical(try EmpiricalDistribution.prometheusBuckets(buckets.map { $0! }))
    }
  }

  /// A bucket bound in seconds: a finite number >= 0, or `+Inf` (also `Inf`, `.inf`) as nil.
  static func upperBound(_ node: NodeReader) -> SimDuration?? {
    switch node.scalarKind {
    case .string("+Inf"), .string("Inf"), .string("+inf"), .string("inf"), .float(.infinity): return .some(nil)
    default:
      guard let seconds = node.number(in: 0...Double.greatestFiniteMagnitude) else { return nil }
      return .some(SimDuration.seconds(seconds))
    }
  }

  func mixture(_ body: NodeReader) -> Distribution? {
    parameters["components"] = body
    guard let elements = body.sequence() else { return nil }
    let components = elements.enumerated().map { i, e -> MixtureComponent? in
      guard let c = e.mapping(ScenarioSchema.mixtureComponent) else { return nil }
      let weight = param(c, "weight", as: "components[\(i)].weight") { $0.number() }
      let distribution = c.required("distribution")?.distribution()
      guard let weight, let distribution else { return nil }
      return MixtureComponent(weight: weight, distribution: distribution)
    }
    guard !components.contains(where: { $0 == nil }) else { return nil }
    return .mixture(components.map { $0! })
  }
}

extension String {
  /// Every occurrence of `target` replaced by `replacement` (without Foundation).
  func replacingAll(_ target: String, with replacement: String) -> String {
    guard !target.isEmpty else { return self }
    var result = "", rest = Substring(self)
    while let range = rest.firstRange(of: target) {
      result += rest[..<range.lowerBound] + replacement
      rest = rest[range.upperBound...]
    }
    return result + rest
  }
}
