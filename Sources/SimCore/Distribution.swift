internal import CGSL

/// A latency, service-time or think-time distribution as written in a scenario file.
///
/// Every value it produces is a `SimDuration` (integer nanoseconds, never negative for a valid
/// distribution); parameters that are times are `SimDuration`s too, and dimensionless
/// parameters (shapes, `mu`, `sigma`) are `Double`s. The set of kinds is closed, so a scenario
/// is validated once at load time (`validate()`) and then sampled with a `switch`.
///
/// Invariant expected by `sample`, `mean`, `cdf` and `quantile`: the distribution passed
/// `validate()`. For one that did not, the results are unspecified, but never a trap or a hang.
///
/// Each kind maps to GSL in one place: variates from `gsl_ran_*`, CDFs from `gsl_cdf_*_P`,
/// quantiles from `gsl_cdf_*_Pinv` (see `Distribution+Moments.swift`).
public enum Distribution: Hashable, Sendable {
  /// Always the same duration (>= 0).
  case constant(SimDuration)
  /// Uniform on `[min, max]`, 0 <= `min` <= `max`; `min == max` is the constant `min`.
  case uniform(min: SimDuration, max: SimDuration)
  /// Exponential with the given mean (> 0): memoryless, standard deviation = mean.
  case exponential(mean: SimDuration)
  /// A normal distribution N(`mean`, `standardDeviation`²) truncated at 0: negative draws are
  /// impossible, and the probability they would have had is spread over [0, ∞) in proportion
  /// to the density. `mean` (>= 0) is therefore the *location* of the untruncated normal; the
  /// distribution's actual mean (`Distribution.mean`) is larger when the truncation matters.
  /// Sampled with GSL's Gaussian tail method (`gsl_ran_gaussian_tail` at -`mean`), which
  /// resamples below the bound when it is not far out and uses Marsaglia's tail method otherwise.
  case normal(mean: SimDuration, standardDeviation: SimDuration)
  /// Lognormal: ln(X in seconds) ~ N(`mu`, `sigma`²); `mu` finite, `sigma` > 0 and finite.
  /// The median is e^`mu` seconds. See also `lognormal(median:p99:)` and `lognormal(mean:cv:)`.
  case lognormal(mu: Double, sigma: Double)
  /// Gamma with `shape` k > 0 and `scale` θ > 0: mean kθ, standard deviation √k·θ.
  case gamma(shape: Double, scale: SimDuration)
  /// Erlang: the sum of `k` >= 1 independent exponentials whose total mean is `mean`
  /// (each stage has mean `mean`/k), i.e. gamma(shape: k, scale: mean/k).
  case erlang(k: Int, mean: SimDuration)
  /// Weibull with `shape` k > 0 and `scale` λ > 0: P(X > x) = exp(-(x/λ)^k).
  case weibull(shape: Double, scale: SimDuration)
  /// Pareto (type I) with `shape` α > 0 and `scale` x_m > 0, the minimum value:
  /// P(X > x) = (x_m/x)^α for x >= x_m. The mean is infinite for α <= 1 and the standard
  /// deviation for α <= 2; very small shapes saturate at `SimDuration.infinity`.
  case pareto(shape: Double, scale: SimDuration)
  /// A distribution read from data: samples, CDF points or Prometheus histogram buckets.
  case empirical(EmpiricalDistribution)
  /// A finite mixture: each draw first picks a component with probability proportional to its
  /// weight, then samples it (e.g. 99% fast responses and 1% garbage-collection pauses).
  /// Weights need not sum to 1; they are normalised.
  indirect case mixture([MixtureComponent])

  /// One variate, drawn from `stream`. GSL works in seconds; the result is rounded to the
  /// nearest nanosecond by `SimDuration.seconds(_:)`, which saturates at `.infinity`.
  ///
  /// Draws a fixed number of variates per kind except `.normal` (rejection) and `.gamma`
  /// (Marsaglia–Tsang rejection); a mixture draws one uniform variate, then its component's.
  /// - Complexity: O(1), without allocation, for the parametric kinds; O(log n) for an
  ///   empirical distribution of n points; O(components) plus the component's cost for a mixture.
  public func sample(_ stream: RandomStream) -> SimDuration { sample(stream.source) }

  /// One variate drawn from `source` (a stream's plain-value handle, for a model's hot path).
  /// A constant is answered inline (the model's filter, local-serve and registration times
  /// usually are), an exponential or a lognormal (Poisson arrivals, M/M/c service, links and
  /// service times) calls GSL directly; every other case draws through GSL in `sampleGeneral`.
  @inlinable public func sample(_ source: RandomSource) -> SimDuration {
    switch self {
    case .constant(let value): return value
    case .exponential(let mean): return .seconds(source.exponentialSeconds(mean: mean.seconds))
    case .lognormal(let mu, let sigma): return .seconds(source.lognormalSeconds(mu: mu, sigma: sigma))
    default: return sampleGeneral(source)
    }
  }

  /// One variate of any distribution, drawn through GSL.
  @usableFromInline func sampleGeneral(_ source: RandomSource) -> SimDuration {
    let g = source.generator
    switch self {
    case .constant(let value):
      return value
    case .uniform(let min, let max):
      return .seconds(gsl_ran_flat(g, min.seconds, max.seconds))
    case .exponential(let mean):
      return .seconds(source.exponentialSeconds(mean: mean.seconds))
    case .normal(let mean, let standardDeviation):
      // X = mean + Z with Z ~ N(0, sd²) conditioned on Z >= -mean.
      guard standardDeviation.nanoseconds > 0 else { return mean }
      let mu = mean.seconds
      return .seconds(mu + gsl_ran_gaussian_tail(g, -mu, standardDeviation.seconds))
    case .lognormal(let mu, let sigma):
      return .seconds(source.lognormalSeconds(mu: mu, sigma: sigma))
    case .gamma(let shape, let scale):
      // GSL recurses once per unit below shape 1; a non-positive or NaN shape could recurse without end.
      guard shape > 0 else { return .zero }
      return .seconds(gsl_ran_gamma(g, shape, scale.seconds))
    case .erlang(let k, let mean):
      guard k >= 1 else { return .zero }
      return .seconds(gsl_ran_gamma(g, Double(k), mean.seconds / Double(k)))
    case .weibull(let shape, let scale):
      return .seconds(gsl_ran_weibull(g, scale.seconds, shape))  // GSL: (a = scale, b = shape)
    case .pareto(let shape, let scale):
      return .seconds(gsl_ran_pareto(g, shape, scale.seconds))   // GSL: (a = shape, b = x_m)
    case .empirical(let empirical):
      return empirical.value(atUniform: gsl_rng_uniform(g))
    case .mixture(let components):
      guard let index = Self.componentIndex(components, uniform: gsl_rng_uniform(g)) else { return .zero }
      return components[index].distribution.sample(source)
    }
  }

  /// The component a uniform variate `u` in [0, 1) selects: the first whose cumulative
  /// normalised weight exceeds `u` (the last one when rounding leaves `u` beyond all of them).
  /// Nil only for an empty mixture. Allocates nothing: cumulative weights are summed on the fly.
  static func componentIndex(_ components: [MixtureComponent], uniform u: Double) -> Int? {
    guard !components.isEmpty else { return nil }
    var total = 0.0
    for component in components { total += component.weight }
    let target = u * total
    var running = 0.0
    for index in components.indices {
      running += components[index].weight
      if target < running { return index }
    }
    return components.count - 1
  }
}

/// One weighted component of a `Distribution.mixture`.
///
/// `weight` is a relative probability: finite and > 0 in a valid mixture; the weights of a
/// mixture are divided by their sum, so `[99, 1]` and `[0.99, 0.01]` mean the same.
public struct MixtureComponent: Hashable, Sendable {
  /// Relative probability of this component (finite, > 0).
  public var weight: Double
  /// What is drawn when this component is picked.
  public var distribution: Distribution

  /// A component drawn with relative probability `weight`.
  public init(weight: Double, distribution: Distribution) {
    self.weight = weight
    self.distribution = distribution
  }
}
