/// MSER-5 warm-up truncation (White 1997; White, Cobb & Spratt 2000): how many leading
/// observations of one run to delete so that the rest best represents the steady state.
///
/// The series is averaged in consecutive batches of 5 (a remainder of fewer than 5 at the end
/// is ignored), giving m batch means Y₁…Yₘ. For each d in 0…⌊m/2⌋ the rule computes
/// `Σ_{i>d} (Yᵢ − Ȳ_d)² / (m − d)²`, where Ȳ_d is the mean of the batches after d, and deletes
/// the 5·d observations that minimise it (the smallest such d on ties). With fewer than
/// 4 batches nothing is deleted.
///
/// This is the same computation, in the same floating-point order, as `mser5` in
/// `research/peer-bench/analytic.py` (suffix sums, O(n) time, O(n/5) memory). Non-finite
/// observations are dropped before the analysis, so with them present the counts refer to the
/// finite observations.
public enum MSER5 {
  /// Number of leading observations to delete (a multiple of 5, at most half the series).
  public static func truncationPoint(of observations: [Double]) -> Int {
    truncatedMean(of: observations).deleted
  }

  /// The truncation point and the mean of what remains. The mean is that of the kept batches of 5
  /// (the trailing remainder of fewer than 5 observations is not included, as in `analytic.py`);
  /// with fewer than 4 batches it is the mean of all observations (0 for an empty series).
  public static func truncatedMean(of observations: [Double]) -> (deleted: Int, mean: Double) {
    let xs = observations.allSatisfy(\.isFinite) ? observations : observations.filter(\.isFinite)
    let b = 5
    let m = xs.count / b
    guard m >= 4 else {
      var sum = 0.0
      for x in xs { sum += x }
      return (0, sum / Double(Swift.max(xs.count, 1)))
    }
    var ys = [Double](repeating: 0, count: m)
    for i in 0..<m {
      var sum = 0.0
      for x in xs[(i * b)..<((i + 1) * b)] { sum += x }
      ys[i] = sum / Double(b)
    }
    var s1 = [Double](repeating: 0, count: m + 1)
    var s2 = [Double](repeating: 0, count: m + 1)
    for i in stride(from: m - 1, through: 0, by: -1) {
      s1[i] = s1[i + 1] + ys[i]
      s2[i] = s2[i + 1] + ys[i] * ys[i]
    }
    var bestD = 0
    var best = Double.infinity
    for d in 0...(m / 2) {
      let k = m - d
      let ss = s2[d] - s1[d] * s1[d] / Double(k)
      let value = ss / Double(k * k)
      if value < best {
        best = value
        bestD = d
      }
    }
    return (bestD * b, s1[bestD] / Double(m - bestD))
  }
}
