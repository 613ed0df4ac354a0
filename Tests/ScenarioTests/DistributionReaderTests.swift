import Testing
import Scenario
import SimCore

/// `spec.x.serviceTime`, read as a distribution.
struct Timing: ScenarioSection {
  static let key = "x"
  var serviceTime: Distribution

  init?(reading node: NodeReader) {
    guard let m = node.mapping(knownKeys: ["serviceTime"]),
          let d = m.required("serviceTime")?.distribution() else { return nil }
    serviceTime = d
  }
}

/// A `spec` with only the `Timing` section.
struct TimingSections: ScenarioSections {
  var x: Timing?
  static var fields: [SectionField<Self>] { [.section(\.x)] }
}

/// The distribution written as `serviceTime: <text>` (on line 7, column 18), or the problems.
func readDistribution(_ text: String) -> Result<Distribution, ScenarioErrors> {
  let yaml = document(spec: "  run: {duration: 1m}\n  x:\n    serviceTime: \(text)")
  do {
    let file = try ScenarioLoader<TimingSections>().load(yaml: yaml, file: "lab.yaml")
    return .success(file.sections.x!.serviceTime)
  } catch {
    return .failure(error)
  }
}

func distributionProblems(_ text: String) -> [String] {
  if case .failure(let e) = readDistribution(text) { return e.errors.map(\.description) }
  return []
}

@Suite("Distributions in YAML")
struct DistributionReaderTests {
  static let forms: [(String, Distribution)] = [
    ("20ms", .constant(.milliseconds(20))),
    ("{constant: 20ms}", .constant(.milliseconds(20))),
    ("{exponential: {mean: 20ms}}", .exponential(mean: .milliseconds(20))),
    ("{uniform: {min: 5ms, max: 15ms}}", .uniform(min: .milliseconds(5), max: .milliseconds(15))),
    ("{normal: {mean: 20ms, stddev: 5ms}}", .normal(mean: .milliseconds(20), standardDeviation: .milliseconds(5))),
    ("{lognormal: {mu: -3.9, sigma: 0.5}}", .lognormal(mu: -3.9, sigma: 0.5)),
    ("{lognormal: {median: 20ms, p99: 200ms}}", try! .lognormal(median: .milliseconds(20), p99: .milliseconds(200))),
    ("{lognormal: {mean: 20ms, cv: 1.5}}", try! .lognormal(mean: .milliseconds(20), cv: 1.5)),
    ("{gamma: {shape: 2, scale: 10ms}}", .gamma(shape: 2, scale: .milliseconds(10))),
    ("{gamma: {mean: 20ms, cv: 0.5}}", try! .gamma(mean: .milliseconds(20), cv: 0.5)),
    ("{erlang: {k: 3, mean: 30ms}}", .erlang(k: 3, mean: .milliseconds(30))),
    ("{weibull: {shape: 1.5, scale: 20ms}}", .weibull(shape: 1.5, scale: .milliseconds(20))),
    ("{pareto: {shape: 2.5, scale: 10ms}}", .pareto(shape: 2.5, scale: .milliseconds(10))),
    ("{empirical: {samples: [10ms, 12ms, 30ms]}}",
     .empirical(try! .samples([.milliseconds(10), .milliseconds(12), .milliseconds(30)]))),
    ("{empirical: {cdf: [{value: 10ms, p: 0.5}, {value: 50ms, p: 1}]}}",
     .empirical(try! .cdfPoints([(.milliseconds(10), 0.5), (.milliseconds(50), 1)]))),
    ("{empirical: {prometheusBuckets: [{le: 0.005, count: 100}, {le: 0.01, count: 300}, {le: +Inf, count: 1000}]}}",
     .empirical(try! .prometheusBuckets([(.milliseconds(5), 100), (.milliseconds(10), 300), (nil, 1000)]))),
    ("{mixture: [{weight: 0.99, distribution: {lognormal: {median: 5ms, p99: 50ms}}}, {weight: 0.01, distribution: 2s}]}",
     .mixture([MixtureComponent(weight: 0.99, distribution: try! .lognormal(median: .milliseconds(5), p99: .milliseconds(50))),
               MixtureComponent(weight: 0.01, distribution: .constant(.seconds(2)))])),
  ]

  @Test("every documented form parses to its exact Distribution", arguments: forms)
  func everyForm(text: String, expected: Distribution) throws {
    #expect(try readDistribution(text).get() == expected)
  }

  @Test("a block-style distribution reads like the flow style")
  func blockStyle() throws {
    let text = "\n      gamma:\n        mean: 20ms\n        cv: 0.5"
    #expect(try readDistribution(text).get() == .gamma(mean: .milliseconds(20), cv: 0.5))
  }

  @Test("SimCore's range errors are reported at the parameter's own node, in YAML names", arguments: [
    ("{lognormal: {mu: -3.9, sigma: -1}}",
     "lab.yaml:8:48: spec.x.serviceTime.lognormal.sigma: expected a number > 0, found -1"),
    ("{uniform: {min: 15ms, max: 5ms}}",
     "lab.yaml:8:45: spec.x.serviceTime.uniform.max: expected a duration >= 15ms (min), found \"5ms\""),
    ("{normal: {mean: 20ms, stddev: 0s}}",
     "lab.yaml:8:48: spec.x.serviceTime.normal.stddev: expected a finite duration > 0, found \"0s\""),
    ("{lognormal: {median: 20ms, p99: 10ms}}",
     "lab.yaml:8:50: spec.x.serviceTime.lognormal.p99: expected a duration > 20ms (the median), found \"10ms\""),
    ("{erlang: {k: 0, mean: 30ms}}",
     "lab.yaml:8:31: spec.x.serviceTime.erlang.k: expected an integer >= 1, found 0"),
    ("{empirical: {samples: []}}",
     "lab.yaml:8:40: spec.x.serviceTime.empirical.samples: expected at least 1 sample, found an empty sequence"),
    ("{empirical: {cdf: [{value: 10ms, p: 0.5}, {value: 50ms, p: 0.9}]}}",
     "lab.yaml:8:77: spec.x.serviceTime.empirical.cdf[1].p: expected 1 (the last point's probability), found 0.9"),
    ("{empirical: {prometheusBuckets: [{le: 0.01, count: 300}, {le: 0.005, count: 400}]}}",
     "lab.yaml:8:80: spec.x.serviceTime.empirical.prometheusBuckets[1].le: expected a duration > 10ms (prometheusBuckets[0].le), found 0.005"),
    ("{mixture: [{weight: 0, distribution: 1s}]}",
     "lab.yaml:8:38: spec.x.serviceTime.mixture[0].weight: expected a finite number > 0, found 0"),
    ("{mixture: [{weight: 1, distribution: {exponential: {mean: 0s}}}]}",
     "lab.yaml:8:76: spec.x.serviceTime.mixture[0].distribution.exponential.mean: expected a finite duration > 0, found \"0s\""),
  ])
  func rangeErrorsAtTheParameter(text: String, expected: String) {
    #expect(distributionProblems(text) == [expected])
  }

  @Test("shape errors: two kinds, no kind, an unknown kind, mixed forms, a bare number, a missing parameter", arguments: [
    ("{constant: 1s, exponential: {mean: 1s}}",
     ["lab.yaml:8:33: spec.x.serviceTime.exponential: expected exactly one distribution kind (constant is given), found \"exponential\""]),
    ("{}",
     ["lab.yaml:8:18: spec.x.serviceTime: expected a distribution: a duration, or a mapping with one of constant, exponential, uniform, normal, lognormal, gamma, erlang, weibull, pareto, empirical, mixture, found an empty mapping"]),
    ("{expnential: {mean: 1s}}",
     ["lab.yaml:8:19: spec.x.serviceTime.expnential: expected a key of spec.x.serviceTime (did you mean \"exponential\"?), found \"expnential\""]),
    ("{lognormal: {mu: 1, median: 5ms}}",
     ["lab.yaml:8:30: spec.x.serviceTime.lognormal: expected the parameters of one form of lognormal: {mu, sigma} or {median, p99} or {mean, cv}, found keys median, mu"]),
    ("20",
     ["lab.yaml:8:18: spec.x.serviceTime: expected a duration with a unit (ns, us, ms, s, m, h), e.g. 250ms or 1m30s, found 20"]),
    ("{gamma: {shape: 2}}",
     ["lab.yaml:8:26: spec.x.serviceTime.gamma: expected key \"scale\", found nothing"]),
    ("[1s]",
     ["lab.yaml:8:18: spec.x.serviceTime: expected a distribution: a duration, or a mapping with one of constant, exponential, uniform, normal, lognormal, gamma, erlang, weibull, pareto, empirical, mixture, found a sequence"]),
  ])
  func shapeErrors(text: String, expected: [String]) {
    #expect(distributionProblems(text) == expected)
  }
}
