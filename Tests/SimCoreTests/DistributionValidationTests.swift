import Testing
@testable import SimCore

let ms1 = SimDuration.milliseconds(1)
let ms10 = SimDuration.milliseconds(10)

@Test("each out-of-range parameter is reported with its name, what was expected and what was found",
      arguments: [
        (Distribution.lognormal(mu: 0, sigma: -1), "sigma: expected a number > 0, found -1.0"),
        (.lognormal(mu: 0, sigma: 0), "sigma: expected a number > 0, found 0.0"),
        (.lognormal(mu: 0, sigma: .nan), "sigma: expected a number > 0, found nan"),
        (.lognormal(mu: 0, sigma: .infinity), "sigma: expected a finite number, found inf"),
        (.lognormal(mu: .nan, sigma: 1), "mu: expected a finite number, found nan"),
        (.lognormal(mu: -.infinity, sigma: 1), "mu: expected a finite number, found -inf"),
        (.constant(.nanoseconds(-1)), "value: expected a finite duration >= 0, found -1ns"),
        (.constant(.infinity), "value: expected a finite duration >= 0, found inf"),
        (.uniform(min: ms10, max: ms1), "max: expected a duration >= 10ms (min), found 1ms"),
        (.uniform(min: .nanoseconds(-5), max: ms1), "min: expected a finite duration >= 0, found -5ns"),
        (.exponential(mean: .zero), "mean: expected a finite duration > 0, found 0s"),
        (.exponential(mean: .infinity), "mean: expected a finite duration > 0, found inf"),
        (.normal(mean: ms10, standardDeviation: .zero), "standardDeviation: expected a finite duration > 0, found 0s"),
        (.normal(mean: .milliseconds(-2), standardDeviation: ms1), "mean: expected a finite duration >= 0, found -2ms"),
        (.gamma(shape: 0, scale: ms1), "shape: expected a number > 0, found 0.0"),
        (.gamma(shape: 2, scale: .zero), "scale: expected a finite duration > 0, found 0s"),
        (.erlang(k: 0, mean: ms1), "k: expected an integer >= 1, found 0"),
        (.erlang(k: 2, mean: .milliseconds(-3)), "mean: expected a finite duration > 0, found -3ms"),
        (.weibull(shape: -0.5, scale: ms1), "shape: expected a number > 0, found -0.5"),
        (.weibull(shape: .infinity, scale: ms1), "shape: expected a finite number, found inf"),
        (.pareto(shape: 2, scale: .infinity), "scale: expected a finite duration > 0, found inf"),
        (.pareto(shape: .nan, scale: ms1), "shape: expected a number > 0, found nan"),
        (.mixture([]), "components: expected at least 1 component, found none"),
        (.mixture([MixtureComponent(weight: 1, distribution: .constant(ms1)),
                   MixtureComponent(weight: .nan, distribution: .constant(ms10))]),
         "components[1].weight: expected a finite number > 0, found nan"),
        (.mixture([MixtureComponent(weight: .infinity, distribution: .constant(ms1))]),
         "components[0].weight: expected a finite number > 0, found inf"),
        (.mixture([MixtureComponent(weight: 0, distribution: .constant(ms1))]),
         "components[0].weight: expected a finite number > 0, found 0.0"),
        (.mixture([MixtureComponent(weight: 1, distribution: .constant(ms1)),
                   MixtureComponent(weight: 1, distribution: .mixture([
                     MixtureComponent(weight: 1, distribution: .exponential(mean: .zero))]))]),
         "components[1].distribution.components[0].distribution.mean: expected a finite duration > 0, found 0s"),
      ])
func invalidParameterMessages(_ d: Distribution, message: String) {
  #expect(throws: DistributionError.self) { try d.validate() }
  do {
    try d.validate()
  } catch {
    #expect(error.description == message)
  }
}

@Test("valid distributions, including boundary values, pass validation")
func validDistributionsPass() throws {
  try Distribution.constant(.zero).validate()
  try Distribution.uniform(min: ms1, max: ms1).validate()
  try Distribution.normal(mean: .zero, standardDeviation: .nanoseconds(1)).validate()
  try Distribution.lognormal(mu: -50, sigma: 1e-9).validate()
  try Distribution.erlang(k: 1, mean: .nanoseconds(1)).validate()
  try Distribution.pareto(shape: 0.01, scale: .nanoseconds(1)).validate()
  try Distribution.mixture([MixtureComponent(weight: 1e-300, distribution: .constant(ms1))]).validate()
}

/// The description of the `DistributionError` thrown by `body`; nil when nothing (or another error) is thrown.
func thrown(_ body: () throws -> Any) -> String? {
  do { _ = try body(); return nil } catch { return (error as? DistributionError)?.description }
}

@Test("the alternative constructors check their arguments before any GSL call")
func alternativeConstructorErrors() {
  #expect(thrown { try Distribution.lognormal(median: ms10, p99: ms10) }
    == "p99: expected a duration > 10ms (the median), found 10ms")
  #expect(thrown { try Distribution.lognormal(median: .zero, p99: ms10) }
    == "median: expected a finite duration > 0, found 0s")
  #expect(thrown { try Distribution.lognormal(median: ms1, p99: .infinity) }
    == "p99: expected a finite duration > 0, found inf")
  #expect(thrown { try Distribution.lognormal(mean: ms10, cv: 0) } == "cv: expected a number > 0, found 0.0")
  #expect(thrown { try Distribution.lognormal(mean: ms10, cv: .nan) } == "cv: expected a number > 0, found nan")
  #expect(thrown { try Distribution.lognormal(mean: ms10, cv: 1e200) }
    == "cv: expected a number whose square is finite, found 1e+200")
  #expect(thrown { try Distribution.lognormal(mean: .nanoseconds(-1), cv: 1) }
    == "mean: expected a finite duration > 0, found -1ns")
  #expect(thrown { try Distribution.gamma(mean: ms10, cv: -0.5) } == "cv: expected a number > 0, found -0.5")
  #expect(thrown { try Distribution.gamma(mean: ms10, cv: .infinity) } == "cv: expected a finite number, found inf")
  #expect(thrown { try Distribution.gamma(mean: ms1, cv: 1e-4) }
    == "cv: expected a number large enough that mean·cv² is at least 1ns, found 0.0001")
  #expect(thrown { try Distribution.gamma(mean: .infinity, cv: 1) } == "mean: expected a finite duration > 0, found inf")
}

@Test("empirical inputs must be non-empty, non-negative and monotone")
func empiricalInputErrors() {
  #expect(thrown { try EmpiricalDistribution.samples([]) } == "samples: expected at least 1 sample, found none")
  #expect(thrown { try EmpiricalDistribution.samples([ms1, .nanoseconds(-7)]) }
    == "samples[1]: expected a finite duration >= 0, found -7ns")
  #expect(thrown { try EmpiricalDistribution.samples([.infinity]) }
    == "samples[0]: expected a finite duration >= 0, found inf")
  #expect(thrown { try EmpiricalDistribution.cdfPoints([]) } == "points: expected at least 1 point, found none")
  #expect(thrown { try EmpiricalDistribution.cdfPoints([(ms10, 0.5), (ms1, 1)]) }
    == "points[1].value: expected a duration >= 10ms (points[0].value), found 1ms")
  #expect(thrown { try EmpiricalDistribution.cdfPoints([(ms1, 0.5), (ms10, 0.4), (ms10, 1)]) }
    == "points[1].probability: expected a number in [0.5, 1] (points[0].probability or more), found 0.4")
  #expect(thrown { try EmpiricalDistribution.cdfPoints([(ms1, .nan), (ms10, 1)]) }
    == "points[0].probability: expected a number in [0, 1], found nan")
  #expect(thrown { try EmpiricalDistribution.cdfPoints([(ms1, 0.5), (ms10, 0.99)]) }
    == "points[1].probability: expected 1 (the last point's probability), found 0.99")
  #expect(thrown { try EmpiricalDistribution.prometheusBuckets([]) } == "buckets: expected at least 1 bucket, found none")
  #expect(thrown { try EmpiricalDistribution.prometheusBuckets([(nil, 5)]) }
    == "buckets: expected at least 1 bucket with a finite upperBound, found only +Inf")
  #expect(thrown { try EmpiricalDistribution.prometheusBuckets([(ms1, 1), (nil, 2), (ms10, 3)]) }
    == "buckets[1].upperBound: expected a finite duration (only the last bucket may be +Inf), found +Inf")
  #expect(thrown { try EmpiricalDistribution.prometheusBuckets([(ms10, 1), (ms10, 2)]) }
    == "buckets[1].upperBound: expected a duration > 10ms (buckets[0].upperBound), found 10ms")
  #expect(thrown { try EmpiricalDistribution.prometheusBuckets([(ms1, 300), (ms10, 200)]) }
    == "buckets[1].cumulativeCount: expected a number >= 300.0 (buckets[0].cumulativeCount), found 200.0")
  #expect(thrown { try EmpiricalDistribution.prometheusBuckets([(ms1, .nan)]) }
    == "buckets[0].cumulativeCount: expected a finite number >= 0, found nan")
  #expect(thrown { try EmpiricalDistribution.prometheusBuckets([(ms1, 0), (nil, 0)]) }
    == "buckets[1].cumulativeCount: expected a number > 0 (the total count), found 0.0")
}
