public import SimCore

/// client-go's client-side rate limiter (`flowcontrol.NewTokenBucketRateLimiter`, i.e.
/// `golang.org/x/time/rate`) in simulated time: a bucket of `burst` tokens refilled at `qps`
/// tokens per second, starting full. Each request takes one token; when none is left it waits
/// for the refill, and later requests queue behind it (research kube-aggregator.md §1e, §7).
///
/// N requests at t = 0 with burst B and rate q go out at 0 (B of them), then 1/q, 2/q, …
/// after 0. Idle time refills at most `burst` tokens.
///
/// Kept exactly in integer nanoseconds as the instant `fullAt` at which the bucket would be full
/// again; the refill interval 1/qps is rounded to the nearest nanosecond (exact for 5, 50 and any
/// rate dividing 10^9). Each operation is O(1).
public struct TokenBucket: Hashable, Sendable {
  /// Tokens added per second of simulated time.
  public let qps: Rate
  /// Bucket size: requests that may go out back to back after a long idle period.
  public let burst: Int
  /// Time to refill one token, 1/qps, in whole nanoseconds.
  public let interval: SimDuration
  /// The instant at which the bucket is (or would again be) full, given the tokens taken so far.
  public private(set) var fullAt: SimTime

  /// A full bucket at `start`. Requires `qps > 0` and `burst >= 1` (a scenario validates these
  /// first; client-go disables its limiter for negative QPS, which is modelled as no bucket).
  public init(qps: Rate, burst: Int, start: SimTime = .zero) {
    precondition(qps.perSecond > 0 && qps.perSecond.isFinite, "token bucket QPS must be positive, got \(qps)")
    precondition(burst >= 1, "token bucket burst must be at least 1, got \(burst)")
    self.qps = qps
    self.burst = burst
    // Capped at 10¹⁵ ns (11.6 days per token): a scenario's rates are at least 0.001/s, and an
    // absurd rate must not overflow the conversion.
    self.interval = .nanoseconds(Int64(min(1e15, max(1, (1e9 / qps.perSecond).rounded()))))
    self.fullAt = start
  }

  /// client-go's default for every client built from a `rest.Config`: 5 QPS, burst 10
  /// (client-go rest/config.go, research §1e).
  public static func clientGoDefault(start: SimTime = .zero) -> TokenBucket { TokenBucket(qps: .perSecond(5), burst: 10, start: start) }

  /// A client-go discovery client whose config leaves burst unset: QPS stays 5, burst 300
  /// (client-go discovery `setDiscoveryDefaults`, research §1e).
  public static func discoveryClientDefault(start: SimTime = .zero) -> TokenBucket { TokenBucket(qps: .perSecond(5), burst: 300, start: start) }

  /// kubectl's discovery client: 50 QPS, burst 300 since 1.23 (research §1e; 5 QPS and burst
  /// 100 before, `VersionDefaults.kubectlDiscoveryRateLimit`).
  public static func kubectlDiscovery(burst: Int = 300, start: SimTime = .zero) -> TokenBucket { TokenBucket(qps: .perSecond(50), burst: burst, start: start) }

  /// Takes one token for a request that wants to go at `now` and returns when it may be sent
  /// (≥ `now`): `now` while tokens remain, otherwise when the refill reaches this request's turn.
  /// Calls must come in nondecreasing `now`, as from an event loop.
  public mutating func reserve(now: SimTime) -> SimTime {
    fullAt = max(fullAt, now) + interval
    return max(now, fullAt - interval * Int64(burst))
  }

  /// As `reserve(now:)`, but for a request with a deadline (client-go `Wait(ctx)`): if the send
  /// time would be after `deadline`, nothing is taken and the result is nil (client-go fails at
  /// once with "would exceed context deadline").
  public mutating func reserve(now: SimTime, deadline: SimTime) -> SimTime? {
    let saved = fullAt
    let send = reserve(now: now)
    if send > deadline {
      fullAt = saved
      return nil
    }
    return send
  }

  /// Tokens in the bucket at `now` (negative while requests are queued for the refill).
  public func tokens(at now: SimTime) -> Double {
    Double(burst) - Double(max(.zero, fullAt - now).nanoseconds) / Double(interval.nanoseconds)
  }
}
