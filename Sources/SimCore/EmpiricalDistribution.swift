/// A duration distribution read from data, stored as a piecewise-linear CDF.
///
/// The CDF runs through knots (value₀, 0), (value₁, P₁), …, (valueₙ, 1), with values in
/// nanoseconds (non-decreasing, >= 0, finite) and cumulative probabilities non-decreasing.
/// Between two knots the probability is spread uniformly over the values; two knots at the
/// same value make an atom (a jump of the CDF), two knots with the same probability a gap
/// with no mass. This one shape holds all three constructors exactly:
/// - `samples(_:)`: an atom of mass 1/n at each of the n samples (bootstrap resampling);
/// - `cdfPoints(_:)`: linear interpolation between the given points, an atom at the first one;
/// - `prometheusBuckets(_:)`: uniform mass within each histogram bucket.
///
/// Values are only built through these constructors, which validate their input, so every
/// `EmpiricalDistribution` is valid. Sampling inverts the CDF of one uniform variate by
/// binary search over the stored arrays.
/// - Complexity: O(log n) per sample, CDF and quantile; no allocation after construction.
public struct EmpiricalDistribution: Hashable, Sendable {
  /// Knot values in nanoseconds, non-decreasing, each in 0 ..< Int64.max; at least 2 knots.
  let values: [Int64]
  /// Cumulative probability at each knot: non-decreasing, first exactly 0, last exactly 1.
  let cumulative: [Double]

  init(values: [Int64], cumulative: [Double]) {
    self.values = values
    self.cumulative = cumulative
  }

  /// Resampling: each draw is one of `values`, each with probability 1/n (values that occur
  /// several times are proportionally more likely). Order does not matter.
  /// Every value must be a finite duration >= 0; at least one is needed.
  public static func samples(_ values: [SimDuration]) throws(DistributionError) -> EmpiricalDistribution {
    guard !values.isEmpty else {
      throw DistributionError(parameter: "samples", expected: "at least 1 sample", found: "none")
    }
    for (index, value) in values.enumerated() {
      try DistributionError.requireFiniteNonNegative(value, "samples[\(index)]")
    }
    let sorted = values.map(\.nanoseconds).sorted()
    let n = Double(sorted.count)
    var knots: [Int64] = [sorted[0]]
    var probabilities: [Double] = [0]
    var start = 0
    while start < sorted.count {
      var end = start
      while end < sorted.count && sorted[end] == sorted[start] { end += 1 }
      if start > 0 {                 // a gap without mass up to the next distinct value
        knots.append(sorted[start])
        probabilities.append(probabilities[probabilities.count - 1])
      }
      knots.append(sorted[start])    // the atom
      probabilities.append(Double(end) / n)
      start = end
    }
    return EmpiricalDistribution(values: knots, cumulative: probabilities)
  }

  /// A CDF given at points and interpolated linearly between them: P(X <= `value`) =
  /// `probability` at each point. Values are finite durations >= 0 in non-decreasing order;
  /// probabilities are in [0, 1], non-decreasing, and the last is exactly 1. A first
  /// probability above 0 is an atom: that much mass sits exactly at the first value.
  public static func cdfPoints(
    _ points: [(value: SimDuration, probability: Double)]
  ) throws(DistributionError) -> EmpiricalDistribution {
    guard !points.isEmpty else {
      throw DistributionError(parameter: "points", expected: "at least 1 point", found: "none")
    }
    for (index, point) in points.enumerated() {
      try DistributionError.requireFiniteNonNegative(point.value, "points[\(index)].value")
      let p = point.probability
      if index == 0 {
        guard p >= 0 && p <= 1 else {
          throw DistributionError(parameter: "points[0].probability", expected: "a number in [0, 1]", found: "\(p)")
        }
        continue
      }
      let previous = points[index - 1]
      guard point.value >= previous.value else {
        throw DistributionError(parameter: "points[\(index)].value",
                                expected: "a duration >= \(previous.value) (points[\(index - 1)].value)",
                                found: "\(point.value)")
      }
      guard p >= previous.probability && p <= 1 else {
        throw DistributionError(parameter: "points[\(index)].probability",
                                expected: "a number in [\(previous.probability), 1] (points[\(index - 1)].probability or more)",
                                found: "\(p)")
      }
    }
    let last = points[points.count - 1].probability
    guard last == 1 else {
      throw DistributionError(parameter: "points[\(points.count - 1)].probability",
                              expected: "1 (the last point's probability)", found: "\(last)")
    }
    var knots: [Int64] = [points[0].value.nanoseconds]
    var probabilities: [Double] = [0]
    for point in points {
      knots.append(point.value.nanoseconds)
      probabilities.append(point.probability)
    }
    return EmpiricalDistribution(values: knots, cumulative: probabilities)
  }

  /// A Prometheus histogram such as `apiserver_request_duration_seconds_bucket`: one entry per
  /// `le` label with its cumulative count. `upperBound` nil is `le="+Inf"`, allowed only last.
  ///
  /// Within each bucket the mass is uniform from the previous bound (0 for the first bucket)
  /// to its upper bound. Observations above the last finite bound (the `+Inf` bucket's extra
  /// count) have no known size: they are placed *at* the last finite bound, an atom, so the
  /// tail beyond it is underestimated, never invented. Finite bounds are strictly increasing
  /// durations >= 0; counts are finite, >= 0, non-decreasing, and the total is > 0.
  public static func prometheusBuckets(
    _ buckets: [(upperBound: SimDuration?, cumulativeCount: Double)]
  ) throws(DistributionError) -> EmpiricalDistribution {
    guard !buckets.isEmpty else {
      throw DistributionError(parameter: "buckets", expected: "at least 1 bucket", found: "none")
    }
    var knots: [Int64] = [0]
    var counts: [Double] = [0]
    for (index, bucket) in buckets.enumerated() {
      let count = bucket.cumulativeCount
      guard count.isFinite && count >= 0 else {
        throw DistributionError(parameter: "buckets[\(index)].cumulativeCount",
                                expected: "a finite number >= 0", found: "\(count)")
      }
      if index > 0 && count < buckets[index - 1].cumulativeCount {
        throw DistributionError(parameter: "buckets[\(index)].cumulativeCount",
                                expected: "a number >= \(buckets[index - 1].cumulativeCount) (buckets[\(index - 1)].cumulativeCount)",
                                found: "\(count)")
      }
      guard let bound = bucket.upperBound else {
        guard index == buckets.count - 1 else {
          throw DistributionError(parameter: "buckets[\(index)].upperBound",
                                  expected: "a finite duration (only the last bucket may be +Inf)", found: "+Inf")
        }
        guard index > 0 else {
          throw DistributionError(parameter: "buckets", expected: "at least 1 bucket with a finite upperBound",
                                  found: "only +Inf")
        }
        knots.append(knots[knots.count - 1])   // the +Inf bucket's mass, at the last finite bound
        counts.append(count)
        continue
      }
      try DistributionError.requireFiniteNonNegative(bound, "buckets[\(index)].upperBound")
      if index > 0, let previous = buckets[index - 1].upperBound, bound <= previous {
        throw DistributionError(parameter: "buckets[\(index)].upperBound",
                                expected: "a duration > \(previous) (buckets[\(index - 1)].upperBound)",
                                found: "\(bound)")
      }
      knots.append(bound.nanoseconds)
      counts.append(count)
    }
    let total = counts[counts.count - 1]
    guard total > 0 else {
      throw DistributionError(parameter: "buckets[\(buckets.count - 1)].cumulativeCount",
                              expected: "a number > 0 (the total count)", found: "\(total)")
    }
    var probabilities = counts.map { $0 / total }
    probabilities[probabilities.count - 1] = 1
    return EmpiricalDistribution(values: knots, cumulative: probabilities)
  }

  // MARK: Inversion and moments (used by `Distribution`)

  /// The first knot index i >= 1 with cumulative[i] > p (`strict`) or >= p; the last when none.
  func segment(above p: Double, strict: Bool) -> Int {
    var low = 1, high = cumulative.count - 1          // answer in low...high
    while low < high {
      let mid = low + (high - low) / 2
      let c = cumulative[mid]
      if strict ? c > p : c >= p { high = mid } else { low = mid + 1 }
    }
    return low
  }

  /// The value on segment `i` (from knot i-1 to knot i) at cumulative probability `p`.
  func interpolate(segment i: Int, at p: Double) -> SimDuration {
    let a = values[i - 1], b = values[i]
    let low = cumulative[i - 1], high = cumulative[i]
    guard high > low, b > a else { return SimDuration(nanoseconds: a) }   // an atom
    let t = Swift.min(Swift.max((p - low) / (high - low), 0), 1)
    let offset = (Double(b - a) * t).rounded()
    guard offset < Double(b - a) else { return SimDuration(nanoseconds: b) }
    return SimDuration(nanoseconds: a + Int64(offset))
  }

  /// The sample that the uniform variate `u` in [0, 1) maps to by inverting the CDF.
  func value(atUniform u: Double) -> SimDuration {
    interpolate(segment: segment(above: u, strict: true), at: u)
  }

  /// P(X <= x).
  func cdf(_ x: SimDuration) -> Double {
    let ns = x.nanoseconds
    // The last knot with value <= x: the top of any jump at x, so atoms at x are included.
    var low = 0, high = values.count                 // first index with value > x
    while low < high {
      let mid = low + (high - low) / 2
      if values[mid] > ns { high = mid } else { low = mid + 1 }
    }
    if low == 0 { return 0 }
    let i = low - 1
    if i == values.count - 1 { return 1 }
    let fraction = Double(ns - values[i]) / Double(values[i + 1] - values[i])
    return cumulative[i] + (cumulative[i + 1] - cumulative[i]) * fraction
  }

  /// The smallest x with P(X <= x) >= p (for p = 0, the lower end of the support).
  func quantile(_ p: Double) -> SimDuration {
    guard p > 0 else { return value(atUniform: 0) }
    guard p < 1 else { return SimDuration(nanoseconds: values[values.count - 1]) }
    return interpolate(segment: segment(above: p, strict: false), at: p)
  }

  /// The exact mean in seconds: each segment is uniform, contributing mass × midpoint.
  var meanSeconds: Double {
    var sum = 0.0
    for i in 1..<values.count {
      sum += (cumulative[i] - cumulative[i - 1]) * (Double(values[i - 1]) + Double(values[i])) * 0.5e-9
    }
    return sum
  }

  /// The exact variance in seconds², taken about the mean for accuracy: a uniform segment on
  /// [a, b] contributes mass × ((a-m)² + (a-m)(b-m) + (b-m)²) / 3.
  var varianceSeconds: Double {
    let m = meanSeconds
    var sum = 0.0
    for i in 1..<values.count {
      let a = Double(values[i - 1]) * 1e-9 - m, b = Double(values[i]) * 1e-9 - m
      sum += (cumulative[i] - cumulative[i - 1]) * (a * a + a * b + b * b) / 3
    }
    return sum
  }
}
