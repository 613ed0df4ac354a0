/// The fair allocation of a server's seats among priority levels that borrow from each other
/// (apiserver:pkg/util/flowcontrol/conc_alloc.go `computeConcurrencyAllocation`, since 1.26).
///
/// Each level `i` has a target `t_i` (its smoothed seat demand, at least 0.001) and bounds
/// `[lower_i, upper_i]` (seats). The allocation is `clamp(p × t_i, lower_i, upper_i)` for the one
/// proportion `p` that makes the allocations sum to `requiredSum`: every level gets the same
/// share of its demand unless a bound stops it. When the lower bounds already reach the sum every
/// level gets its lower bound; when the upper bounds do not, its upper bound.
///
/// `Σ clamp(p × t_i)` is piecewise linear and non-decreasing in `p`, with a corner at each
/// `lower_i / t_i` and `upper_i / t_i`; the solver walks the corners in increasing order (the
/// same search as conc_alloc.go). It keeps its buffers between calls: the borrowing controller
/// calls it every 10 s without allocating.
///
/// - Complexity: O(n²) for n levels (insertion sort of the 2n corners; n is 7 by default).
struct ConcurrencyAllocator {
  /// The smallest target (`MinTarget`): a level with no demand still gets a proportional share.
  static let minimumTarget = 0.001
  /// Slack in comparing sums of bounds with the required sum (`epsilon`).
  static let epsilon = 0.000_000_1

  var targets: [Double] = []
  var lower: [Double] = []
  var upper: [Double] = []
  /// The solution, one per level (seats, not rounded).
  private(set) var allocations: [Double] = []
  /// Corners as `2i` (lower bound of level i) or `2i + 1` (upper bound), sorted by proportion.
  private var corners: [Int] = []

  init(capacity: Int) {
    targets.reserveCapacity(capacity)
    lower.reserveCapacity(capacity)
    upper.reserveCapacity(capacity)
    allocations.reserveCapacity(capacity)
    corners.reserveCapacity(2 * capacity)
  }

  /// Forgets the levels of the last problem (keeps the buffers).
  mutating func removeAll() {
    targets.removeAll(keepingCapacity: true)
    lower.removeAll(keepingCapacity: true)
    upper.removeAll(keepingCapacity: true)
  }

  /// Adds a level. - Precondition: `0 <= lower <= target` and `lower <= upper`.
  mutating func append(target: Double, lower lowerBound: Double, upper upperBound: Double) {
    targets.append(max(target, Self.minimumTarget))
    lower.append(lowerBound)
    upper.append(upperBound)
  }

  /// Solves for `requiredSum` seats: fills `allocations` and returns the proportion `p`
  /// (`fairFrac`).
  @discardableResult
  mutating func solve(requiredSum: Int) -> Double {
    let n = targets.count
    let required = Double(requiredSum)
    allocations.removeAll(keepingCapacity: true)
    var lowSum = 0.0, highSum = 0.0, targetSum = 0.0
    var lowestLower = Double.infinity, highestLower = -Double.infinity
    var lowestUpper = Double.infinity, highestUpper = -Double.infinity
    for i in 0..<n {
      lowSum += lower[i]
      highSum += upper[i]
      targetSum += targets[i]
      lowestLower = min(lowestLower, lower[i] / targets[i])
      highestLower = max(highestLower, lower[i] / targets[i])
      lowestUpper = min(lowestUpper, upper[i] / targets[i])
      highestUpper = max(highestUpper, upper[i] / targets[i])
    }
    if requiredSum == 0 {
      for _ in 0..<n { allocations.append(0) }
      return 0
    }
    if lowSum - required > -Self.epsilon {
      allocations.append(contentsOf: lower)
      return lowestLower
    }
    if required - highSum > -Self.epsilon {
      allocations.append(contentsOf: upper)
      return highestUpper
    }
    var proportion = required / targetSum
    if !(highestLower <= proportion && proportion <= lowestUpper) {
      proportion = walkCorners(required: required, lowSum: lowSum, from: lowestLower)
    }
    for i in 0..<n { allocations.append(max(lower[i], min(upper[i], proportion * targets[i]))) }
    return proportion
  }

  /// The proportion where the piecewise-linear sum reaches `required`, found by raising it from
  /// the lowest corner (where every level sits at its lower bound) through the corners in order.
  private mutating func walkCorners(required: Double, lowSum: Double, from start: Double) -> Double {
    corners.removeAll(keepingCapacity: true)
    for corner in 0..<(2 * targets.count) {
      let value = proportion(ofCorner: corner)
      var at = corners.count
      while at > 0 && proportion(ofCorner: corners[at - 1]) > value { at -= 1 }
      corners.insert(corner, at: at)
    }
    var proportion = start
    var sum = lowSum
    // Σ of the targets of the levels between their bounds at the current proportion.
    var slope = 0.0
    for corner in corners {
      let next = self.proportion(ofCorner: corner)
      if next > proportion {
        if slope > 0 {
          let reach = proportion + (required - sum) / slope
          if reach <= next { return reach }
        }
        sum += (next - proportion) * slope
        proportion = next
      }
      slope += corner % 2 == 0 ? targets[corner / 2] : -targets[corner / 2]
    }
    return slope > 0 ? proportion + (required - sum) / slope : proportion
  }

  private func proportion(ofCorner corner: Int) -> Double {
    let i = corner / 2
    return (corner % 2 == 0 ? lower[i] : upper[i]) / targets[i]
  }
}
