internal import CGSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A distribution parameter that is out of range: which parameter, what was expected and
/// what was found. It carries no file location; the scenario layer adds that and the key path
/// of the distribution, e.g. `lab.yaml:7:14: serviceTime.sigma: expected a number > 0, found -1.0`.
///
/// `parameter` is the parameter's name as in the Swift API (`sigma`, `scale`, `min`), with an
/// index for lists (`samples[3]`, `points[2].probability`) and the path through a mixture
/// (`components[1].weight`, `components[0].distribution.mean`).
public struct DistributionError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The offending parameter, e.g. `sigma` or `components[1].weight`.
  public var parameter: String
  /// What a valid value looks like, e.g. `a number > 0`.
  public var expected: String
  /// The value given, as Swift prints it (`-1.0`, `nan`, `inf`, `0s`, `1500ms`).
  public var found: String

  /// An error for `parameter`, which should have been `expected` but was `found`.
  public init(parameter: String, expected: String, found: String) {
    self.parameter = parameter
    self.expected = expected
    self.found = found
  }

  /// `parameter: expected …, found …`.
  public var description: String { "\(parameter): expected \(expected), found \(found)" }

  /// The same error, for a parameter nested under `prefix` (e.g. inside a mixture component).
  func nested(under prefix: String) -> DistributionError {
    DistributionError(parameter: "\(prefix).\(parameter)", expected: expected, found: found)
  }

  static func requireFiniteNonNegative(_ d: SimDuration, _ name: String) throws(DistributionError) {
    guard d.nanoseconds >= 0 && d != .infinity else {
      throw DistributionError(parameter: name, expected: "a finite duration >= 0", found: "\(d)")
    }
  }

  static func requireFinitePositive(_ d: SimDuration, _ name: String) throws(DistributionError) {
    guard d.nanoseconds > 0 && d != .infinity else {
      throw DistributionError(parameter: name, expected: "a finite duration > 0", found: "\(d)")
    }
  }

  /// A dimensionless parameter that must be > 0 (shape, sigma, cv): NaN, zero and negative
  /// values are reported as not > 0, infinity as not finite.
  static func requirePositive(_ x: Double, _ name: String) throws(DistributionError) {
    guard x > 0 else { throw DistributionError(parameter: name, expected: "a number > 0", found: "\(x)") }
    guard x.isFinite else { throw DistributionError(parameter: name, expected: "a finite number", found: "\(x)") }
  }

  static func requireFinite(_ x: Double, _ name: String) throws(DistributionError) {
    guard x.isFinite else { throw DistributionError(parameter: name, expected: "a finite number", found: "\(x)") }
  }
}

extension Distribution {
  /// Checks every parameter against the ranges documented on each case, before any GSL call,
  /// and throws the first one that is out of range. Durations must be finite
  /// (`SimDuration.infinity` is rejected); means and scales > 0; `min <= max`; shapes and
  /// `sigma` > 0 and finite; `mu` finite; `k >= 1`; a mixture needs at least one component,
  /// each with a finite weight > 0 and a valid distribution. Empirical distributions are
  /// validated when they are built, so they always pass.
  ///
  /// Extreme but valid values are accepted: e.g. `pareto(shape: 0.01, …)` samples saturate at
  /// `SimDuration.infinity` rather than trap.
  public func validate() throws(DistributionError) {
    typealias E = DistributionError
    switch self {
    case .constant(let value):
      try E.requireFiniteNonNegative(value, "value")
    case .uniform(let min, let max):
      try E.requireFiniteNonNegative(min, "min")
      try E.requireFiniteNonNegative(max, "max")
      guard max >= min else { throw E(parameter: "max", expected: "a duration >= \(min) (min)", found: "\(max)") }
    case .exponential(let mean):
      try E.requireFinitePositive(mean, "mean")
    case .normal(let mean, let standardDeviation):
      try E.requireFiniteNonNegative(mean, "mean")
      try E.requireFinitePositive(standardDeviation, "standardDeviation")
    case .lognormal(let mu, let sigma):
      try E.requireFinite(mu, "mu")
      try E.requirePositive(sigma, "sigma")
    case .gamma(let shape, let scale), .weibull(let shape, let scale), .pareto(let shape, let scale):
      try E.requirePositive(shape, "shape")
      try E.requireFinitePositive(scale, "scale")
    case .erlang(let k, let mean):
      guard k >= 1 else { throw E(parameter: "k", expected: "an integer >= 1", found: "\(k)") }
      try E.requireFinitePositive(mean, "mean")
    case .empirical:
      return
    case .mixture(let components):
      guard !components.isEmpty else {
        throw E(parameter: "components", expected: "at least 1 component", found: "none")
      }
      for (index, component) in components.enumerated() {
        let w = component.weight
        guard w.isFinite && w > 0 else {
          throw E(parameter: "components[\(index)].weight", expected: "a finite number > 0", found: "\(w)")
        }
        do {
          try component.distribution.validate()
        } catch {
          throw error.nested(under: "components[\(index)].distribution")
        }
      }
    }
  }

  /// The lognormal with the given median and 99th percentile, as latency SLOs are often
  /// stated: mu = ln(median in s), sigma = ln(p99 / median) / z₀.₉₉ (z₀.₉₉ = Φ⁻¹(0.99) ≈ 2.326).
  /// Both durations finite and > 0; `p99 > median`.
  public static func lognormal(median: SimDuration, p99: SimDuration) throws(DistributionError) -> Distribution {
    try DistributionError.requireFinitePositive(median, "median")
    try DistributionError.requireFinitePositive(p99, "p99")
    guard p99 > median else {
      throw DistributionError(parameter: "p99", expected: "a duration > \(median) (the median)", found: "\(p99)")
    }
    GSLErrors.disableAbort()
    let z99 = gsl_cdf_ugaussian_Pinv(0.99)
    let result = Distribution.lognormal(mu: log(median.seconds), sigma: log(p99.seconds / median.seconds) / z99)
    try result.validate()
    return result
  }

  /// The lognormal with the given mean and coefficient of variation cv = sd / mean:
  /// sigma² = ln(1 + cv²), mu = ln(mean in s) − sigma²/2. `mean` finite and > 0, `cv` > 0
  /// and finite (and below about 1e154, beyond which cv² overflows).
  public static func lognormal(mean: SimDuration, cv: Double) throws(DistributionError) -> Distribution {
    try DistributionError.requireFinitePositive(mean, "mean")
    try DistributionError.requirePositive(cv, "cv")
    let sigmaSquared = log1p(cv * cv)
    guard sigmaSquared.isFinite else {
      throw DistributionError(parameter: "cv", expected: "a number whose square is finite", found: "\(cv)")
    }
    let result = Distribution.lognormal(mu: log(mean.seconds) - sigmaSquared / 2, sigma: sigmaSquared.squareRoot())
    try result.validate()
    return result
  }

  /// The gamma with the given mean and coefficient of variation cv = sd / mean:
  /// scale = mean·cv², rounded to the nanosecond, then shape = mean / scale, so that the
  /// mean is kept exactly (cv is exact whenever mean·cv² is a whole number of nanoseconds).
  /// `mean` finite and > 0; `cv` > 0 and finite, large enough that mean·cv² >= 0.5 ns.
  public static func gamma(mean: SimDuration, cv: Double) throws(DistributionError) -> Distribution {
    try DistributionError.requireFinitePositive(mean, "mean")
    try DistributionError.requirePositive(cv, "cv")
    let scale = SimDuration.seconds(mean.seconds * cv * cv)
    guard scale.nanoseconds > 0 else {
      throw DistributionError(parameter: "cv", expected: "a number large enough that mean·cv² is at least 1ns",
                              found: "\(cv)")
    }
    guard scale != .infinity else {
      throw DistributionError(parameter: "cv", expected: "a number small enough that mean·cv² is a finite duration",
                              found: "\(cv)")
    }
    let result = Distribution.gamma(shape: mean.seconds / scale.seconds, scale: scale)
    try result.validate()
    return result
  }
}
