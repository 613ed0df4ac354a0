import CGSL
import Glibc
import Testing
@testable import SimCore

/// Goodness of fit: n = 100 000 draws at one fixed seed, binned, and Pearson's chi-squared
/// statistic compared with GSL's 99th percentile of χ²(bins − 1). Bin edges come from GSL's
/// quantile functions called here directly (parametric kinds) or from hand-written CDFs
/// (empirical and mixture kinds), never from the code under test.
let fitSeed: UInt32 = 20261124
let fitDraws = 100_000

/// A bin of the chi-squared test: the half-open interval [lower, upper) in seconds, or the
/// single value `lower` when `atom` (exact match of the nanosecond value).
struct FitBin {
  var lower: Double
  var upper: Double
  var probability: Double
  var atom = false
}

/// Pearson's statistic Σ (observed − expected)² / expected of `samples` over `bins`.
func chiSquared(_ samples: [SimDuration], _ bins: [FitBin]) -> Double {
  var counts = [Int](repeating: 0, count: bins.count)
  let atoms = bins.indices.filter { bins[$0].atom }
  let intervals = bins.indices.filter { !bins[$0].atom }.sorted { bins[$0].lower < bins[$1].lower }
  next: for sample in samples {
    for a in atoms where SimDuration.seconds(bins[a].lower) == sample { counts[a] += 1; continue next }
    let x = sample.seconds
    var low = 0, high = intervals.count                     // last interval with lower <= x
    while low < high {
      let mid = (low + high) / 2
      if bins[intervals[mid]].lower <= x { low = mid + 1 } else { high = mid }
    }
    let bin = intervals[Swift.max(low - 1, 0)]
    #expect(x >= bins[bin].lower && x < bins[bin].upper, "sample \(sample) falls in no bin")
    counts[bin] += 1
  }
  let n = Double(samples.count)
  return zip(counts, bins).reduce(0) { sum, pair in
    let expected = n * pair.1.probability
    return sum + (Double(pair.0) - expected) * (Double(pair.0) - expected) / expected
  }
}

/// 50 equiprobable bins whose 49 inner edges are `quantile(i/50)` in seconds.
func equiprobableBins(_ quantile: (Double) -> Double, count: Int = 50) -> [FitBin] {
  let edges = [-Double.infinity] + (1..<count).map { quantile(Double($0) / Double(count)) } + [.infinity]
  return (0..<count).map { FitBin(lower: edges[$0], upper: edges[$0 + 1], probability: 1 / Double(count)) }
}

func draws(_ d: Distribution, seed: UInt32 = fitSeed, count: Int = fitDraws) -> [SimDuration] {
  let stream = RandomStream(seed: seed)
  return (0..<count).map { _ in d.sample(stream) }
}

/// Asserts the statistic is below the 99% critical value and prints both for the record.
func expectFit(_ name: String, _ d: Distribution, _ bins: [FitBin]) {
  #expect(abs(bins.reduce(0) { $0 + $1.probability } - 1) < 1e-12, "bin probabilities of \(name) must sum to 1")
  let statistic = chiSquared(draws(d), bins)
  let critical = gsl_cdf_chisq_Pinv(0.99, Double(bins.count - 1))
  print("chi-squared \(name): \(statistic) (critical \(critical), \(bins.count) bins)")
  #expect(statistic < critical, "\(name): χ² = \(statistic) ≥ \(critical)")
}

/// A parametric kind and GSL's own quantile function for it (p ↦ seconds).
struct ParametricCase: Sendable, CustomTestStringConvertible {
  var name: String
  var distribution: Distribution
  var gslQuantile: @Sendable (Double) -> Double
  var testDescription: String { name }
}

/// One case per parametric kind (and per GSL code path: gamma shape < 1 and >= 1, normal with
/// heavy and negligible truncation).
let parametricCases: [ParametricCase] = [
  ParametricCase(name: "uniform(5ms, 15ms)", distribution: .uniform(min: .milliseconds(5), max: .milliseconds(15)),
                 gslQuantile: { gsl_cdf_flat_Pinv($0, 0.005, 0.015) }),
  ParametricCase(name: "exponential(20ms)", distribution: .exponential(mean: .milliseconds(20)),
                 gslQuantile: { gsl_cdf_exponential_Pinv($0, 0.020) }),
  ParametricCase(name: "normal(10ms, 10ms) truncated at 0",
                 distribution: .normal(mean: .milliseconds(10), standardDeviation: .milliseconds(10)),
                 gslQuantile: { p in
                   let below = gsl_cdf_gaussian_P(-0.010, 0.010)          // F(0), mass cut off
                   return 0.010 + gsl_cdf_gaussian_Pinv(below + p * (1 - below), 0.010)
                 }),
  ParametricCase(name: "normal(100ms, 10ms)",
                 distribution: .normal(mean: .milliseconds(100), standardDeviation: .milliseconds(10)),
                 gslQuantile: { 0.100 + gsl_cdf_gaussian_Pinv($0, 0.010) }),
  ParametricCase(name: "lognormal(ln 0.05, 0.8)", distribution: .lognormal(mu: -2.995732273553991, sigma: 0.8),
                 gslQuantile: { gsl_cdf_lognormal_Pinv($0, -2.995732273553991, 0.8) }),
  ParametricCase(name: "gamma(2.5, 4ms)", distribution: .gamma(shape: 2.5, scale: .milliseconds(4)),
                 gslQuantile: { gsl_cdf_gamma_Pinv($0, 2.5, 0.004) }),
  ParametricCase(name: "gamma(0.5, 10ms)", distribution: .gamma(shape: 0.5, scale: .milliseconds(10)),
                 gslQuantile: { gsl_cdf_gamma_Pinv($0, 0.5, 0.010) }),
  ParametricCase(name: "erlang(3, 30ms)", distribution: .erlang(k: 3, mean: .milliseconds(30)),
                 gslQuantile: { gsl_cdf_gamma_Pinv($0, 3, 0.010) }),
  ParametricCase(name: "weibull(1.5, 20ms)", distribution: .weibull(shape: 1.5, scale: .milliseconds(20)),
                 gslQuantile: { gsl_cdf_weibull_Pinv($0, 0.020, 1.5) }),
  ParametricCase(name: "pareto(2.5, 10ms)", distribution: .pareto(shape: 2.5, scale: .milliseconds(10)),
                 gslQuantile: { gsl_cdf_pareto_Pinv($0, 2.5, 0.010) }),
]

@Test("samples of each parametric kind fit GSL's quantiles (χ² over 50 equiprobable bins)",
      arguments: parametricCases)
func parametricGoodnessOfFit(_ c: ParametricCase) throws {
  try c.distribution.validate()
  expectFit(c.name, c.distribution, equiprobableBins(c.gslQuantile))
}

@Test("a constant distribution returns exactly its value every time")
func constantAlwaysReturnsItsValue() {
  let samples = draws(.constant(.microseconds(1_250)), count: 1_000)
  #expect(Set(samples) == [.microseconds(1_250)])
}

@Test("resampling picks each sample with probability 1/n, duplicates proportionally more often")
func empiricalSamplesFit() throws {
  let ms: [Int64] = [8, 1, 2, 21, 3, 5, 8, 2, 13, 8]
  let d = Distribution.empirical(try .samples(ms.map { .milliseconds($0) }))
  let atoms: [(Double, Double)] = [(0.001, 0.1), (0.002, 0.2), (0.003, 0.1), (0.005, 0.1), (0.008, 0.3),
                                   (0.013, 0.1), (0.021, 0.1)]
  expectFit("empirical samples", d, atoms.map { FitBin(lower: $0.0, upper: $0.0, probability: $0.1, atom: true) })
}

/// Bins for pieces of uniform density: each piece [a, b] (seconds) with mass m, cut into 5
/// equal-width bins of mass m/5.
func uniformPieceBins(_ pieces: [(Double, Double, Double)]) -> [FitBin] {
  pieces.flatMap { a, b, m in
    (0..<5).map { i in
      FitBin(lower: a + (b - a) * Double(i) / 5, upper: i == 4 ? b : a + (b - a) * Double(i + 1) / 5, probability: m / 5)
    }
  }
}

@Test("CDF points give an atom at the first value and uniform mass between points")
func empiricalCDFPointsFit() throws {
  let d = Distribution.empirical(try .cdfPoints([
    (.milliseconds(10), 0.2), (.milliseconds(20), 0.5), (.milliseconds(50), 0.9), (.milliseconds(100), 1),
  ]))
  var bins = [FitBin(lower: 0.010, upper: 0.010, probability: 0.2, atom: true)]
  bins += uniformPieceBins([(0.010, 0.020, 0.3), (0.020, 0.050, 0.4), (0.050, 0.100, 0.1)])
  bins[bins.count - 1].upper = .infinity
  expectFit("empirical cdfPoints", d, bins)
}

@Test("Prometheus buckets are uniform within each bucket, with the +Inf mass at the last bound")
func empiricalPrometheusFit() throws {
  let d = Distribution.empirical(try .prometheusBuckets([
    (.milliseconds(5), 100), (.milliseconds(10), 300), (.milliseconds(25), 700),
    (.milliseconds(50), 900), (.milliseconds(100), 980), (nil, 1000),
  ]))
  var bins = [FitBin(lower: 0.100, upper: 0.100, probability: 0.02, atom: true)]
  bins += uniformPieceBins([(0.0, 0.005, 0.1), (0.005, 0.010, 0.2), (0.010, 0.025, 0.4), (0.025, 0.050, 0.2),
                            (0.050, 0.100, 0.08)])
  bins[bins.count - 1].upper = .infinity
  expectFit("empirical prometheusBuckets", d, bins)
}

@Test("a mixture picks components by normalised weight: 60 exponential, 39 uniform, 1 constant pause")
func mixtureFit() {
  let d = Distribution.mixture([
    MixtureComponent(weight: 60, distribution: .exponential(mean: .milliseconds(10))),
    MixtureComponent(weight: 39, distribution: .uniform(min: .milliseconds(50), max: .milliseconds(100))),
    MixtureComponent(weight: 1, distribution: .constant(.milliseconds(250))),
  ])
  // Hand-written CDF of the continuous part: 0.6·(1 − e^(−x/10ms)) + 0.39·clamp((x − 50ms)/50ms).
  func continuous(_ x: Double) -> Double {
    let e = x <= 0 ? 0 : 0.6 * (1 - exp(-x / 0.010))
    return e + 0.39 * Swift.min(Swift.max((x - 0.050) / 0.050, 0), 1)
  }
  // Edges: 40 equiprobable exponential quantiles (all below 37ms), then every 5ms to 95ms.
  var edges = (0..<40).map { -0.010 * log(1 - Double($0) / 40) }
  edges += (0..<10).map { 0.050 + 0.005 * Double($0) }
  edges.append(.infinity)
  var bins = [FitBin(lower: 0.250, upper: 0.250, probability: 0.01, atom: true)]   // the pause
  for i in 0..<(edges.count - 1) {
    bins.append(FitBin(lower: edges[i], upper: edges[i + 1],
                       probability: continuous(edges[i + 1]) - continuous(edges[i])))
  }
  expectFit("mixture", d, bins)
}
