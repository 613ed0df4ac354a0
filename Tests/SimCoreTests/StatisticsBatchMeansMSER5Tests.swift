import Testing
@testable import SimCore

/// 100 observations of 50 (a transient), then 10 000 alternating 1 and 3 (steady mean 2).
private let transientThenAlternating: [Double] = Array(repeating: 50, count: 100) + (0..<10_000).map { $0 % 2 == 0 ? 1 : 3 }

/// An AR(1) series x₀ = 20, xₖ₊₁ = 0.9·xₖ + (uₖ − 0.5), uₖ from the LCG
/// sₖ₊₁ = (1103515245·sₖ + 12345) mod 2³¹, s₀ = 12345, uₖ = sₖ₊₁/2³¹. Every step is exact IEEE
/// arithmetic, so Python builds the bit-identical series (see the generator in the comment below).
private func ar1(count: Int) -> [Double] {
  var state: UInt64 = 12_345
  var x = 20.0
  var xs: [Double] = []
  xs.reserveCapacity(count)
  for _ in 0..<count {
    xs.append(x)
    state = (state &* 1_103_515_245 &+ 12_345) & 0x7fff_ffff
    x = 0.9 * x + (Double(state) / 2_147_483_648.0 - 0.5)
  }
  return xs
}

// Reference numbers below come from /work/shared/research/peer-bench/analytic.py (python3),
// run on the same series, with batch_means_ci's z set to gsl_cdf_tdist_Pinv(0.975, 19) =
// 2.0930240544083096 (its default 2.093 is that value rounded):
//   def ar1(n, x0=20.0, seed=12345):
//       s = seed; x = x0; xs = []
//       for _ in range(n):
//           xs.append(x); s = (s * 1103515245 + 12345) % 2**31; x = 0.9 * x + (s / 2147483648.0 - 0.5)
//       return xs
//   mser5(a)                         -> (100, 2.0)
//   batch_means_ci(a, 20, T19)       -> (2.4752475247524752, 0.994486794780743)
//   batch_means_ci(a[100:], 20, T19) -> (2.0, 0.0)
//   mser5(ar1(10007))                -> (30, 0.016819921708805047)
//   batch_means_ci(ar1(10007), 20, T19)      -> (0.03648048528954177, 0.05060856392120111)
//   batch_means_ci(ar1(10007)[30:], 20, T19) -> (0.01682855493170818, 0.0406325070442923)

@Suite("BatchMeans and MSER-5")
struct StatisticsBatchMeansMSER5Tests {
  @Test("MSER-5 deletes exactly the 100-observation transient and the rest has mean 2")
  func mser5FindsObviousTransient() {
    let result = MSER5.truncatedMean(of: transientThenAlternating)
    #expect(result.deleted == 100)
    #expect(result.mean == 2.0)
    #expect(MSER5.truncationPoint(of: transientThenAlternating) == 100)
  }

  @Test("MSER-5 on an AR(1) series started far from its mean matches analytic.py bit for bit")
  func mser5MatchesPythonOnAR1() {
    let xs = ar1(count: 10_007)
    #expect(xs[1] == 18.155154048465192)   // the series itself matches Python's
    let result = MSER5.truncatedMean(of: xs)
    #expect(result.deleted == 30)
    #expect(result.mean == 0.016819921708805047)
  }

  @Test("MSER-5 deletes nothing from a series of fewer than 4 batches of 5")
  func mser5ShortSeries() {
    let short = MSER5.truncatedMean(of: [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 100, 100, 100, 100])
    #expect(short.deleted == 0)
    #expect(short.mean == 445.0 / 19.0)      // all 19 observations, as analytic.py
    let empty = MSER5.truncatedMean(of: [])
    #expect(empty.deleted == 0 && empty.mean == 0)
  }

  @Test("batch-means interval over 20 equal batches matches analytic.py batch_means_ci bit for bit")
  func staticBatchMeansMatchesPython() throws {
    // Same summation order as Python, so the numbers agree exactly, not just to 1e-12.
    let a = try #require(BatchMeans.confidenceInterval(of: transientThenAlternating))
    #expect(a.count == 20)
    #expect(a.mean == 2.4752475247524752)
    #expect(a.halfWidth == 0.994486794780743)
    let steady = try #require(BatchMeans.confidenceInterval(of: Array(transientThenAlternating[100...])))
    #expect(steady.mean == 2.0 && steady.halfWidth == 0)

    let xs = ar1(count: 10_007)
    let b = try #require(BatchMeans.confidenceInterval(of: xs))
    #expect(b.mean == 0.03648048528954177)
    #expect(b.halfWidth == 0.05060856392120111)
    let truncated = try #require(BatchMeans.confidenceInterval(of: Array(xs[30...])))
    #expect(truncated.mean == 0.01682855493170818)
    #expect(truncated.halfWidth == 0.0406325070442923)
    #expect(truncated.contains(0))              // the AR(1) steady-state mean is 0
  }

  @Test("streamed batch means with the same batch size give the same interval as the stored series")
  func streamedAgreesWithStatic() throws {
    let xs = ar1(count: 10_007)
    var streamed = BatchMeans(batchSize: 10_007 / 20)    // 500; the last 7 never complete a batch
    for x in xs { streamed.add(x) }
    #expect(streamed.batchMeans.count == 20)
    let fromStream = try #require(streamed.confidenceInterval())
    let fromArray = try #require(BatchMeans.confidenceInterval(of: xs, batches: 20))
    #expect(fromStream == fromArray)
  }

  @Test("batch means need at least two batches and one observation per batch")
  func batchMeansTooLittleData() {
    #expect(BatchMeans.confidenceInterval(of: [1, 2, 3], batches: 20) == nil)
    #expect(BatchMeans.confidenceInterval(of: [1, 2, 3], batches: 1) == nil)
    var streamed = BatchMeans(batchSize: 4)
    for x in [1.0, 2, 3, 4, 5, .nan] { streamed.add(x) }
    #expect(streamed.batchMeans == [2.5])
    #expect(streamed.nonFiniteCount == 1)
    #expect(streamed.confidenceInterval() == nil)
  }
}
