public import SimCore

/// Borrowing between priority levels (KEP-1040; apiserver:pkg/util/flowcontrol/apf_controller.go
/// `updateBorrowingLocked` :399-495, since 1.26; fidelity audit §2.1).
///
/// Every `borrowingPeriod` (10 s) each level's seat demand over the period (seats in use plus
/// seats waiting, and the scenario's background seats: `SeatDemandIntegrator`) becomes a high
/// watermark and a smoothed envelope (`SeatDemandStatistics`). A non-exempt level then gets
/// a lower bound `max(minCL, min(nominalCL, highWatermark))`, the upper bound `maxCL` and the
/// target `max(lower bound, smoothed)`, and `ConcurrencyAllocator` shares the Σ nominal limits
/// (602 seats with the defaults) among them; the rounded allocation is the level's current
/// concurrency limit until the next period. An exempt level takes `max(minCL, highWatermark)`
/// off the seats to share; when that leaves no more than the levels' lower bounds, every level
/// gets its `minCL`, or its `minCL` plus a share of what its lower bound adds (the two
/// degenerate branches of :447-476).
///
/// With the defaults an idle server runs workload-low at 56 seats (not its nominal 245) and
/// global-default at 56; a lone saturated global-default or workload-low grows to 368 seats
/// (the audit's borrow.py).
///
/// Versions: the exempt level takes part as modelled from 1.31 (kubernetes/kubernetes "More
/// assertive borrowing by exempt"); in 1.26–1.27 it took no part and in 1.28–1.30 it was one
/// more item of the allocation. The two differ only when the exempt level carries demand, which
/// aggsim's default clients never do.
extension PriorityAndFairness {
  /// The borrowing controller's periodic adjustment at `now`: re-allocates every level's current
  /// limit, then dispatches what a higher limit lets start (queueset.go `setConfiguration` →
  /// `dispatchAsMuchAsPossibleLocked`), appending the ids to `dispatched`. Without borrowing,
  /// nothing happens.
  public mutating func adjustConcurrencyLimits(now: SimTime, dispatched: inout [UInt32]) {
    guard borrows else { return }
    allocateSeats(now: now)
    for l in levels.indices where !levels[l].isExempt {
      while let next = levels[l].dispatchOne(now: now, table: &table) { dispatched.append(next) }
    }
  }

  /// The cluster's other (not simulated) traffic holds `seats` seats of `level` from `now` on:
  /// they count as in use and as demand. Fewer seats may let queued requests start (appended to
  /// `dispatched`).
  public mutating func setBackgroundSeats(_ seats: Int, level: Int, now: SimTime, dispatched: inout [UInt32]) {
    levels[level].sync(now: now)
    levels[level].setBackgroundSeats(seats, now: now)
    while let next = levels[level].dispatchOne(now: now, table: &table) { dispatched.append(next) }
  }

  /// Reads and restarts every level's demand integrator and sets every level's current limit.
  mutating func allocateSeats(now: SimTime) {
    var remaining = nominalConcurrencyLimitSum
    var minimumSum = 0, lowerBoundSum = 0
    allocator.removeAll()
    for l in levels.indices {
      levels[l].sync(now: now)
      let period = levels[l].demand.reset(at: now)
      levels[l].demandStatistics.update(period)
      let highWatermark = levels[l].demandStatistics.highWatermark
      let minimum = levels[l].minimumConcurrencyLimit
      if levels[l].isExempt {
        remaining -= max(minimum, highWatermark)
        continue
      }
      let lowerBound = max(minimum, min(levels[l].nominalConcurrencyLimit, highWatermark))
      allocator.append(target: max(Double(lowerBound), levels[l].demandStatistics.smoothed), lower: Double(lowerBound),
                       upper: Double(levels[l].maximumConcurrencyLimit))
      minimumSum += minimum
      lowerBoundSum += lowerBound
    }
    let shareOfLowerBounds = lowerBoundSum > minimumSum ? Double(remaining - minimumSum) / Double(lowerBoundSum - minimumSum) : 0
    if remaining > lowerBoundSum { allocator.solve(requiredSum: nominalConcurrencyLimitSum) }
    var item = 0
    for l in levels.indices where !levels[l].isExempt {
      let minimum = levels[l].minimumConcurrencyLimit
      let limit: Int
      if remaining <= minimumSum {
        limit = minimum
      } else if remaining <= lowerBoundSum {
        limit = minimum + Int(((allocator.lower[item] - Double(minimum)) * shareOfLowerBounds).rounded())
      } else {
        limit = Int(allocator.allocations[item].rounded())
      }
      levels[l].setConcurrencyLimit(limit, now: now)
      item += 1
    }
  }
}
