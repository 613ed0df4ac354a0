internal import DequeModule
public import SimCore

/// The dynamic `Retry-After` of one priority level, after apiserver:pkg/util/flowcontrol/
/// dropped_requests_tracker.go (since 1.27; fidelity audit §2.8): the value `r` (whole seconds)
/// starts at 1 and moves with the drops (429s) the level has made recently.
///
/// Drops are counted per whole simulated second. The value is re-evaluated only when a drop falls
/// in a new second (`recordDroppedRequest`, :81-103; with no drops the value stays put, it does
/// not decay on its own). The second just closed goes into the history, which keeps the seconds
/// within `min(2r, 32)` of it (`updateHistory`, :105-121); then (`updateRetryAfterIfNeededLocked`,
/// :135-172) the drops of the closed seconds `s` with `now − s <= r` are summed, and
/// - drops `>= 3r` and at least `r` seconds since the last *increase* → `r` doubles (at most
///   `maximum`, 32 s, `maxRetryAfter` :29) and the time of the last increase is now;
/// - otherwise drops `< r` and `r > 1` → `r` decreases by 1, with no time gate (a decrease does
///   not move the time of the last increase);
/// - otherwise it holds (`r <= drops < 3r`, or `>= 3r` within `r` s of the last increase).
/// So after an overload `r` falls by 1 at every second that has a drop and few drops before it:
/// from 32 back to 1 in about 62 s of one drop every 2 s (retry.py of the audit: 133 s after
/// the start of a 40 s overload, where a time gate on decreases too would take 607 s).
///
/// - Complexity: O(1) amortized per drop; at most 33 history entries, no allocation once warmed up.
public struct DroppedRequestsTracker: Hashable, Sendable {
  private struct Second: Hashable, Sendable { var second: Int64; var drops: Int64 }

  /// The largest Retry-After, in seconds.
  public let maximum: Int64
  /// The current Retry-After, in seconds.
  public private(set) var retryAfterSeconds: Int64 = 1
  private var history = Deque<Second>()
  private var currentSecond: Int64 = 0
  private var currentCount: Int64 = 0
  /// The second of the last increase (`retryAfterUpdateUnix`, 0 at start as in k8s).
  private var lastIncreaseSecond: Int64 = 0

  public init(maximumSeconds: Int64 = 32) {
    maximum = maximumSeconds
    history.reserveCapacity(Int(maximumSeconds) + 2)
  }

  /// The current Retry-After.
  public var retryAfter: SimDuration { .seconds(retryAfterSeconds) }

  /// Records one dropped request at `now` and returns the Retry-After to send with it.
  @discardableResult
  public mutating func recordDrop(now: SimTime) -> SimDuration {
    let second = now.nanoseconds / 1_000_000_000
    if second == currentSecond {
      currentCount += 1
      return retryAfter
    }
    history.append(Second(second: currentSecond, drops: currentCount))
    let keep = min(2 * retryAfterSeconds, maximum)
    while let first = history.first, currentSecond - first.second > keep { history.removeFirst() }
    var drops: Int64 = 0
    for entry in history.reversed() {
      guard second - entry.second <= retryAfterSeconds else { break }
      drops += entry.drops
    }
    if second - lastIncreaseSecond >= retryAfterSeconds && drops >= 3 * retryAfterSeconds {
      retryAfterSeconds = min(2 * retryAfterSeconds, maximum)
      lastIncreaseSecond = second
    } else if drops < retryAfterSeconds && retryAfterSeconds > 1 {
      retryAfterSeconds -= 1
    }
    currentSecond = second
    currentCount = 1
    return retryAfter
  }
}
