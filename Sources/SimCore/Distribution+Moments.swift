internal import CGSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Closed-form moments, CDFs (GSL `gsl_cdf_*_P`) and quantiles (GSL `gsl_cdf_*_Pinv`), for
/// tests, reports and analytic reference models. All of them are computed in `Double` seconds
/// and rounded to the nanosecond only at the end.
extension Distribution {
  /// The expected value, rounded to the nanosecond; `SimDuration.infinity` when it is infinite
  /// or too large to represent (e.g. `pareto` with shape <= 1).
  ///
  /// For `.normal` this is the mean of the distribution truncated at 0,
  /// μ + σ·φ(α)/Q(α) with α = −μ/σ, which is larger than the `mean` parameter μ. A mixture's
  /// mean is the weighted mean of its components'; an empirical one is exact for its
  /// piecewise-uniform shape.
  public var mean: SimDuration { .seconds(meanSeconds) }

  /// The standard deviation, rounded to the nanosecond; `SimDuration.infinity` when it is
  /// infinite (e.g. `pareto` with shape <= 2) or too large to represent.
  ///
  /// `.normal` uses the truncated variance σ²·(1 + α·λ − λ²), λ = φ(α)/Q(α); a mixture the law
  /// of total variance, Σ wᵢ(σᵢ² + (μᵢ − μ)²) / Σ wᵢ.
  public var standardDeviation: SimDuration { .seconds(varianceSeconds.squareRoot()) }

  /// The mean in seconds, `+infinity` when undefined.
  var meanSeconds: Double {
    switch self {
    case .constant(let value): return value.seconds
    case .uniform(let min, let max): return (min.seconds + max.seconds) / 2
    case .exponential(let mean): return mean.seconds
    case .normal(let mean, let standardDeviation):
      let (mu, sigma) = (mean.seconds, standardDeviation.seconds)
      guard sigma > 0 else { return mu }
      let alpha = -mu / sigma
      return mu + sigma * gsl_ran_ugaussian_pdf(alpha) / gsl_cdf_ugaussian_Q(alpha)
    case .lognormal(let mu, let sigma): return exp(mu + sigma * sigma / 2)
    case .gamma(let shape, let scale): return shape * scale.seconds
    case .erlang(_, let mean): return mean.seconds
    case .weibull(let shape, let scale):
      let lnGamma1 = gsl_sf_lngamma(1 + 1 / shape)
      return lnGamma1 < .infinity ? scale.seconds * exp(lnGamma1) : .infinity
    case .pareto(let shape, let scale):
      return shape > 1 ? shape * scale.seconds / (shape - 1) : .infinity
    case .empirical(let empirical): return empirical.meanSeconds
    case .mixture(let components):
      var total = 0.0, sum = 0.0
      for component in components {
        total += component.weight
        sum += component.weight * component.distribution.meanSeconds
      }
      return sum / total
    }
  }

  /// The variance in seconds², `+infinity` when undefined.
  var varianceSeconds: Double {
    switch self {
    case .constant: return 0
    case .uniform(let min, let max):
      let width = max.seconds - min.seconds
      return width * width / 12
    case .exponential(let mean): return mean.seconds * mean.seconds
    case .normal(let mean, let standardDeviation):
      let (mu, sigma) = (mean.seconds, standardDeviation.seconds)
      guard sigma > 0 else { return 0 }
      let alpha = -mu / sigma
      let lambda = gsl_ran_ugaussian_pdf(alpha) / gsl_cdf_ugaussian_Q(alpha)
      return sigma * sigma * (1 + alpha * lambda - lambda * lambda)
    case .lognormal(let mu, let sigma):
      return expm1(sigma * sigma) * exp(2 * mu + sigma * sigma)
    case .gamma(let shape, let scale): return shape * scale.seconds * scale.seconds
    case .erlang(let k, let mean): return mean.seconds * mean.seconds / Double(k)
    case .weibull(let shape, let scale):
      // λ²·(Γ(1+2/k) − Γ(1+1/k)²), written as a ratio so that huge gammas do not give ∞ − ∞.
      let lnGamma1 = gsl_sf_lngamma(1 + 1 / shape), lnGamma2 = gsl_sf_lngamma(1 + 2 / shape)
      guard lnGamma1 < .infinity && lnGamma2 < .infinity else { return .infinity }
      let s = scale.seconds
      return s * s * exp(2 * lnGamma1) * expm1(lnGamma2 - 2 * lnGamma1)
    case .pareto(let shape, let scale):
      guard shape > 2 else { return .infinity }
      let s = scale.seconds
      return s * s * shape / ((shape - 1) * (shape - 1) * (shape - 2))
    case .empirical(let empirical): return empirical.varianceSeconds
    case .mixture(let components):
      let mixtureMean = meanSeconds
      guard mixtureMean < .infinity else { return .infinity }
      var total = 0.0, sum = 0.0
      for component in components {
        let deviation = component.distribution.meanSeconds - mixtureMean
        total += component.weight
        sum += component.weight * (component.distribution.varianceSeconds + deviation * deviation)
      }
      return sum / total
    }
  }

  /// P(X <= `x`), in [0, 1]: 0 below the support, 1 above it.
  /// `.normal` is the truncated CDF (F(x) − F(0)) / (1 − F(0)) of the untruncated normal F.
  public func cdf(_ x: SimDuration) -> Double {
    GSLErrors.disableAbort()
    let s = x.seconds
    switch self {
    case .constant(let value):
      return x >= value ? 1 : 0
    case .uniform(let min, let max):
      guard max > min else { return x >= min ? 1 : 0 }
      return gsl_cdf_flat_P(s, min.seconds, max.seconds)
    case .exponential(let mean):
      return gsl_cdf_exponential_P(s, mean.seconds)
    case .normal(let mean, let standardDeviation):
      guard x.nanoseconds >= 0 else { return 0 }
      let (mu, sigma) = (mean.seconds, standardDeviation.seconds)
      guard sigma > 0 else { return x >= mean ? 1 : 0 }
      let alpha = -mu / sigma, z = (s - mu) / sigma, kept = gsl_cdf_ugaussian_Q(alpha)
      // Lower half from P differences, upper half from Q, so neither tail loses digits.
      let p = z <= 0 ? (gsl_cdf_ugaussian_P(z) - gsl_cdf_ugaussian_P(alpha)) / kept
                     : 1 - gsl_cdf_ugaussian_Q(z) / kept
      return Swift.min(Swift.max(p, 0), 1)
    case .lognormal(let mu, let sigma):
      return gsl_cdf_lognormal_P(s, mu, sigma)
    case .gamma(let shape, let scale):
      return gsl_cdf_gamma_P(s, shape, scale.seconds)
    case .erlang(let k, let mean):
      return gsl_cdf_gamma_P(s, Double(k), mean.seconds / Double(k))
    case .weibull(let shape, let scale):
      return gsl_cdf_weibull_P(s, scale.seconds, shape)
    case .pareto(let shape, let scale):
      return gsl_cdf_pareto_P(s, shape, scale.seconds)
    case .empirical(let empirical):
      return empirical.cdf(x)
    case .mixture(let components):
      var total = 0.0, sum = 0.0
      for component in components {
        total += component.weight
        sum += component.weight * component.distribution.cdf(x)
      }
      return sum / total
    }
  }

  /// The smallest duration x with P(X <= x) >= `p`, for `p` in [0, 1); `quantile(1)` is the
  /// upper end of the support (`SimDuration.infinity` for unbounded kinds). `p` outside
  /// [0, 1] is clamped into it and NaN is read as 0.
  ///
  /// Parametric kinds use GSL's `gsl_cdf_*_Pinv` (falling back to bisection on `cdf` if GSL
  /// does not converge); `.normal` maps p into [F(0), 1] of the untruncated normal F; a
  /// mixture bisects its CDF to 1 ns between its components' quantiles; an empirical
  /// distribution inverts its piecewise-linear CDF.
  public func quantile(_ p: Double) -> SimDuration {
    GSLErrors.disableAbort()
    let p = p.isNaN ? 0 : Swift.min(Swift.max(p, 0), 1)
    switch self {
    case .constant(let value):
      return value
    case .uniform(let min, let max):
      return checked(gsl_cdf_flat_Pinv(p, min.seconds, max.seconds), p)
    case .exponential(let mean):
      return checked(gsl_cdf_exponential_Pinv(p, mean.seconds), p)
    case .normal(let mean, let standardDeviation):
      let (mu, sigma) = (mean.seconds, standardDeviation.seconds)
      guard sigma > 0 else { return mean }
      guard p < 1 else { return .infinity }
      let alpha = -mu / sigma, below = gsl_cdf_ugaussian_P(alpha), kept = gsl_cdf_ugaussian_Q(alpha)
      let mapped = below + p * kept
      // Upper half through Qinv of the upper-tail probability, which keeps its digits.
      let z = mapped <= 0.5 ? gsl_cdf_ugaussian_Pinv(mapped) : gsl_cdf_ugaussian_Qinv(kept * (1 - p))
      return checked(Swift.max(mu + sigma * z, 0), p)
    case .lognormal(let mu, let sigma):
      return checked(gsl_cdf_lognormal_Pinv(p, mu, sigma), p)
    case .gamma(let shape, let scale):
      return checked(gsl_cdf_gamma_Pinv(p, shape, scale.seconds), p)
    case .erlang(let k, let mean):
      return checked(gsl_cdf_gamma_Pinv(p, Double(k), mean.seconds / Double(k)), p)
    case .weibull(let shape, let scale):
      return checked(gsl_cdf_weibull_Pinv(p, scale.seconds, shape), p)
    case .pareto(let shape, let scale):
      return checked(gsl_cdf_pareto_Pinv(p, shape, scale.seconds), p)
    case .empirical(let empirical):
      return empirical.quantile(p)
    case .mixture(let components):
      guard let first = components.first else { return .zero }
      var low = first.distribution.quantile(p), high = low
      for component in components.dropFirst() {
        let q = component.distribution.quantile(p)
        low = Swift.min(low, q)
        high = Swift.max(high, q)
      }
      // F(x) is a weighted average of the components' CDFs, so its p-quantile lies between
      // theirs; at p = 0 and p = 1 the support ends are the extreme component quantiles.
      guard p > 0 else { return low }
      guard p < 1 else { return high }
      return searchQuantile(p, low: low, high: high)
    }
  }

  /// GSL's quantile in seconds as a duration; if GSL failed (NaN), bisection on `cdf` instead.
  private func checked(_ seconds: Double, _ p: Double) -> SimDuration {
    guard seconds.isNaN else { return .seconds(seconds) }
    return p > 0 ? searchQuantile(p, low: .zero, high: .infinity) : .zero
  }

  /// The smallest whole number of nanoseconds x with cdf(x) >= p (0 < p), by bisection, given
  /// guesses that usually bracket it; the bracket is widened to [0, ∞) when they do not.
  /// - Complexity: at most 64 evaluations of `cdf`.
  func searchQuantile(_ p: Double, low: SimDuration, high: SimDuration) -> SimDuration {
    // Invariant: cdf(lo) < p <= cdf(hi), where lo = -1 stands for "below the support".
    var lo = Swift.max(low.nanoseconds, 0) - 1
    if lo >= 0 && cdf(SimDuration(nanoseconds: lo)) >= p { lo = -1 }
    var hi = Swift.min(Swift.max(high.nanoseconds, 0), Int64.max - 1)
    if cdf(SimDuration(nanoseconds: hi)) < p {
      hi = Int64.max - 1
      if cdf(SimDuration(nanoseconds: hi)) < p { return .infinity }
    }
    while hi - lo > 1 {
      let mid = lo + (hi - lo) / 2
      if cdf(SimDuration(nanoseconds: mid)) >= p { hi = mid } else { lo = mid }
    }
    return SimDuration(nanoseconds: hi)
  }
}
