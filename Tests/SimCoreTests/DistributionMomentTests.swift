import Glibc
import Testing
@testable import SimCore

/// The mean-test cases: the goodness-of-fit cases, except that the Pareto shape is 4.5, so
/// that the fourth moment is finite and the normal 99% interval of the sample mean holds at n = 10⁵.
let meanCases: [ParametricCase] = parametricCases.map { c in
  guard case .pareto = c.distribution else { return c }
  return ParametricCase(name: "pareto(4.5, 10ms)", distribution: .pareto(shape: 4.5, scale: .milliseconds(10)),
                        gslQuantile: c.gslQuantile)
} + [
  ParametricCase(name: "empirical prometheusBuckets", distribution: .empirical(try! .prometheusBuckets([
    (.milliseconds(5), 100), (.milliseconds(10), 300), (.milliseconds(25), 700),
    (.milliseconds(50), 900), (.milliseconds(100), 980), (nil, 1000),
  ])), gslQuantile: { $0 }),
  ParametricCase(name: "mixture 99% exponential(10ms) + 1% constant(1s)", distribution: .mixture([
    MixtureComponent(weight: 0.99, distribution: .exponential(mean: .milliseconds(10))),
    MixtureComponent(weight: 0.01, distribution: .constant(.milliseconds(1000))),
  ]), gslQuantile: { $0 }),
]

@Test("the sample mean lies within the 99% confidence interval of the analytic mean", arguments: meanCases)
func sampleMeanWithinConfidenceInterval(_ c: ParametricCase) {
  let samples = draws(c.distribution)
  let n = Double(samples.count)
  let sampleMean = samples.reduce(0.0) { $0 + $1.seconds } / n
  let halfWidth = 2.576 * c.distribution.standardDeviation.seconds / n.squareRoot()
  #expect(abs(sampleMean - c.distribution.mean.seconds) < halfWidth,
          "\(c.name): sample mean \(sampleMean) vs \(c.distribution.mean.seconds) ± \(halfWidth)")
}

@Test("means and standard deviations match hand-computed closed forms to the nanosecond",
      arguments: [
        // lognormal(0, 1): e^½ s and √((e − 1)e) s
        (Distribution.lognormal(mu: 0, sigma: 1), Int64(1_648_721_271), Int64(2_161_197_416)),
        // erlang(3, 3s): 3 s and √3 s
        (.erlang(k: 3, mean: .milliseconds(3_000)), 3_000_000_000, 1_732_050_808),
        // pareto(3, 1s): 3/2 s and √(3/4) s
        (.pareto(shape: 3, scale: .milliseconds(1_000)), 1_500_000_000, 866_025_404),
        // gamma(2, 3ms): 6 ms and √2·3 ms
        (.gamma(shape: 2, scale: .milliseconds(3)), 6_000_000, 4_242_641),
        // weibull(2, 1s): Γ(3/2) = √π/2 s and √(1 − π/4) s
        (.weibull(shape: 2, scale: .milliseconds(1_000)), 886_226_925, 463_251_375),
        // uniform(10ms, 20ms): 15 ms and 10 ms/√12
        (.uniform(min: .milliseconds(10), max: .milliseconds(20)), 15_000_000, 2_886_751),
        // normal(0, 1s) truncated at 0 is half-normal: √(2/π) s and √(1 − 2/π) s
        (.normal(mean: .zero, standardDeviation: .milliseconds(1_000)), 797_884_561, 602_810_275),
        // exponential(7ms): sd = mean
        (.exponential(mean: .milliseconds(7)), 7_000_000, 7_000_000),
        (.constant(.microseconds(42)), 42_000, 0),
        // 99% 10 ms + 1% 1 s: mean 19.9 ms; law of total variance gives 0.99·√0.0099 s
        (.mixture([MixtureComponent(weight: 99, distribution: .constant(.milliseconds(10))),
                   MixtureComponent(weight: 1, distribution: .constant(.milliseconds(1_000)))]),
         19_900_000, 98_503_756),
      ])
func closedFormMoments(_ d: Distribution, meanNanoseconds: Int64, standardDeviationNanoseconds: Int64) {
  #expect(d.mean == .nanoseconds(meanNanoseconds))
  #expect(d.standardDeviation == .nanoseconds(standardDeviationNanoseconds))
}

@Test("empirical means and standard deviations are exact for their piecewise-uniform shapes")
func empiricalMoments() throws {
  let samples = Distribution.empirical(try .samples([4, 1, 3, 2].map { .milliseconds($0) }))
  #expect(samples.mean == .microseconds(2_500))
  #expect(samples.standardDeviation == .nanoseconds(1_118_034))   // √1.25 ms
  // 0.1·2.5 + 0.2·7.5 + 0.4·17.5 + 0.2·37.5 + 0.08·75 + 0.02·100 (atom) = 24.25 ms
  let buckets = Distribution.empirical(try .prometheusBuckets([
    (.milliseconds(5), 100), (.milliseconds(10), 300), (.milliseconds(25), 700),
    (.milliseconds(50), 900), (.milliseconds(100), 980), (nil, 1000),
  ]))
  #expect(buckets.mean == .microseconds(24_250))
  // A single uniform piece from 10 ms to 20 ms: sd = 10 ms/√12, as for .uniform.
  let piece = Distribution.empirical(try .cdfPoints([(.milliseconds(10), 0), (.milliseconds(20), 1)]))
  #expect(piece.mean == .milliseconds(15))
  #expect(piece.standardDeviation == .nanoseconds(2_886_751))
}

@Test("undefined moments are infinite: pareto mean for shape <= 1, standard deviation for shape <= 2")
func undefinedMomentsAreInfinite() {
  #expect(Distribution.pareto(shape: 1, scale: .milliseconds(1_000)).mean == .infinity)
  #expect(Distribution.pareto(shape: 0.5, scale: .milliseconds(1_000)).standardDeviation == .infinity)
  let shape2 = Distribution.pareto(shape: 2, scale: .milliseconds(1_000))
  #expect(shape2.mean == .milliseconds(2_000))
  #expect(shape2.standardDeviation == .infinity)
  // A mixture with one heavy component has an infinite mean too.
  let heavy = Distribution.mixture([
    MixtureComponent(weight: 1, distribution: .constant(.milliseconds(1))),
    MixtureComponent(weight: 1, distribution: .pareto(shape: 0.9, scale: .milliseconds(1))),
  ])
  #expect(heavy.mean == .infinity)
  #expect(heavy.standardDeviation == .infinity)
  // Weibull with a tiny shape: Γ(1 + 1/k) overflows a duration, it saturates.
  #expect(Distribution.weibull(shape: 0.01, scale: .milliseconds(1)).mean == .infinity)
}

@Test("alternative constructors reproduce the requested mean and coefficient of variation")
func alternativeConstructorsKeepMeanAndCV() throws {
  let lognormal = try Distribution.lognormal(mean: .milliseconds(50), cv: 0.5)
  #expect(abs(lognormal.mean.nanoseconds - 50_000_000) <= 1)
  #expect(abs(lognormal.standardDeviation.nanoseconds - 25_000_000) <= 1)
  #expect(try Distribution.gamma(mean: .milliseconds(40), cv: 0.5) == .gamma(shape: 4, scale: .milliseconds(10)))
  let gamma = try Distribution.gamma(mean: .milliseconds(30), cv: 0.3)   // scale 2.7 ms, shape 1/0.09
  #expect(gamma.mean == .milliseconds(30))
  #expect(gamma.standardDeviation == .milliseconds(9))
}
