/// The method of non-overlapping batch means for one long run: consecutive observations are
/// grouped into batches of `batchSize`, and the batch means, nearly independent when batches are
/// long compared with the output's autocorrelation, give a Student-t confidence interval for the
/// steady-state mean (Law, *Simulation Modeling and Analysis*, §9.5.3).
///
/// Observations are streamed: only the running sum of the open batch and the completed batch
/// means are kept. Units are those of the observations. Non-finite observations are ignored and
/// counted in `nonFiniteCount`. Drop the warm-up first (see `MSER5`).
///
/// - Complexity: `add(_:)` is O(1) amortised; it appends one `Double` per completed batch, so
///   memory is O(number of batches).
public struct BatchMeans: Sendable {
  /// Observations per batch (≥ 1).
  public let batchSize: Int
  @usableFromInline var storedBatchMeans: [Double] = []
  @usableFromInline var storedNonFiniteCount: Int = 0
  @usableFromInline var openSum: Double = 0
  @usableFromInline var openCount: Int = 0
  /// Means of the completed batches, in order. The open, incomplete batch is not included.
  @inlinable public var batchMeans: [Double] { storedBatchMeans }
  /// Number of observations ignored because they were NaN or infinite.
  @inlinable public var nonFiniteCount: Int { storedNonFiniteCount }

  /// Batch means with `batchSize` observations per batch; a size below 1 is taken as 1.
  public init(batchSize: Int) {
    self.batchSize = Swift.max(batchSize, 1)
  }

  /// Adds one observation; closes the open batch when it reaches `batchSize`.
  @inlinable public mutating func add(_ x: Double) {
    guard x.isFinite else {
      storedNonFiniteCount += 1
      return
    }
    openSum += x
    openCount += 1
    if openCount == batchSize {
      storedBatchMeans.append(openSum / Double(batchSize))
      openSum = 0
      openCount = 0
    }
  }

  /// The Student-t interval over the completed batch means; nil with fewer than 2 batches.
  public func confidenceInterval(level: Double = 0.95) -> ConfidenceInterval? {
    ConfidenceInterval.studentT(of: batchMeans, level: level)
  }

  /// The batch-means interval of a stored series, as `batch_means_ci` in
  /// `research/peer-bench/analytic.py`: `batches` equal batches of `observations.count / batches`
  /// consecutive observations from the start, the remainder at the end dropped, then the
  /// Student-t interval of the batch means with `batches − 1` degrees of freedom (the Python code
  /// takes its `z` as that t quantile). Non-finite observations are dropped first.
  /// Nil when `batches < 2` or there are fewer observations than batches.
  public static func confidenceInterval(
    of observations: [Double], batches: Int = 20, level: Double = 0.95
  ) -> ConfidenceInterval? {
    guard batches >= 2 else { return nil }
    let finite = observations.allSatisfy(\.isFinite) ? observations : observations.filter(\.isFinite)
    let size = finite.count / batches
    guard size >= 1 else { return nil }
    var means: [Double] = []
    means.reserveCapacity(batches)
    for b in 0..<batches {
      var sum = 0.0
      for x in finite[(b * size)..<((b + 1) * size)] { sum += x }
      means.append(sum / Double(size))
    }
    return ConfidenceInterval.studentT(of: means, level: level)
  }
}
