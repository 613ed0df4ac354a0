public import SimCore

/// client-go's `ItemExponentialFailureRateLimiter`: after the n-th consecutive failure of an item
/// (n ≥ 1) it is requeued `base` × 2ⁿ⁻¹ later, never more than `cap`. Used by the availability
/// controller (5 ms..30 s), the discovery manager from 1.36 (500 ms..60 s) and the namespace
/// controller (5 ms..60 s).
public struct ExponentialBackoff: Hashable, Sendable {
  public var base: SimDuration
  public var cap: SimDuration

  public init(base: SimDuration, cap: SimDuration) {
    self.base = base
    self.cap = cap
  }

  /// The delay after `failures` consecutive failures (at least one; fewer count as one).
  public func delay(afterFailures failures: Int) -> SimDuration {
    var delay = base
    var n = 1
    while n < failures && delay < cap {
      delay = delay * Int64(2)
      n += 1
    }
    return Swift.min(delay, cap)
  }
}
