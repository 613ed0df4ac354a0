internal import CGSL

/// A two-sided confidence interval for the mean of a quantity: `mean ± halfWidth`, built so that
/// it covers the true mean with probability `level` when its assumptions hold (independent,
/// roughly normal means: replication means or batch means, not raw correlated observations).
///
/// Units are those of the values it was built from.
public struct ConfidenceInterval: Hashable, Sendable {
  /// The point estimate: the sample mean.
  public var mean: Double
  /// Half the width of the interval (≥ 0), in the values' unit.
  public var halfWidth: Double
  /// The confidence level, in (0, 1), e.g. 0.95.
  public var level: Double
  /// Number of values the interval was computed from.
  public var count: Int

  /// An interval `mean ± halfWidth` at `level` from `count` values.
  public init(mean: Double, halfWidth: Double, level: Double, count: Int) {
    self.mean = mean
    self.halfWidth = halfWidth
    self.level = level
    self.count = count
  }

  /// Lower end, `mean − halfWidth`.
  public var low: Double { mean - halfWidth }
  /// Upper end, `mean + halfWidth`.
  public var high: Double { mean + halfWidth }

  /// True when `x` lies in the closed interval `[low, high]`.
  public func contains(_ x: Double) -> Bool { low <= x && x <= high }

  /// The half-width relative to the mean, `halfWidth / |mean|` (∞ when the mean is 0), for
  /// stopping rules such as "run until the 95 % interval is within ±5 %".
  public var relativeHalfWidth: Double { halfWidth / abs(mean) }

  /// The Student-t interval `x̄ ± t(1 − (1 − level)/2, n − 1) · √(s² / n)` for the mean of
  /// independent, roughly normal `values` (s² is the sample variance, divisor n − 1).
  ///
  /// Mean and variance are computed in two passes, left to right, in the same order as
  /// `analytic.py`, so the numbers agree with that reference to the last bit.
  /// Non-finite values are ignored. Returns nil when fewer than 2 finite values remain or when
  /// `level` is not strictly between 0 and 1.
  public static func studentT(of values: [Double], level: Double = 0.95) -> ConfidenceInterval? {
    var n = 0
    var sum = 0.0
    for x in values where x.isFinite {
      sum += x
      n += 1
    }
    guard n >= 2 else { return nil }
    let mean = sum / Double(n)
    var squares = 0.0
    for x in values where x.isFinite {
      squares += (x - mean) * (x - mean)
    }
    let variance = squares / Double(n - 1)
    return make(mean: mean, variance: variance, count: n, level: level)
  }

  /// The Student-t interval for the mean of the observations in `tally` (same formula as
  /// `studentT(of:level:)` on an array; Welford's running variance, so it can differ from the
  /// two-pass result in the last bits). Nil when `tally.count < 2` or `level` is not in (0, 1).
  public static func studentT(of tally: Tally, level: Double = 0.95) -> ConfidenceInterval? {
    guard tally.count >= 2 else { return nil }
    return make(mean: tally.mean, variance: tally.variance, count: tally.count, level: level)
  }

  /// The quantile `t(p, degreesOfFreedom)` of Student's t distribution (GSL
  /// `gsl_cdf_tdist_Pinv`); NaN for p outside (0, 1) or degrees of freedom < 1.
  public static func studentTQuantile(_ p: Double, degreesOfFreedom: Int) -> Double {
    guard p > 0, p < 1, degreesOfFreedom >= 1 else { return .nan }
    GSLErrors.disableAbort()
    return gsl_cdf_tdist_Pinv(p, Double(degreesOfFreedom))
  }

  private static func make(mean: Double, variance: Double, count: Int, level: Double) -> ConfidenceInterval? {
    guard level > 0, level < 1 else { return nil }
    let t = studentTQuantile(1 - (1 - level) / 2, degreesOfFreedom: count - 1)
    let halfWidth = t * (variance / Double(count)).squareRoot()
    return ConfidenceInterval(mean: mean, halfWidth: halfWidth, level: level, count: count)
  }
}
