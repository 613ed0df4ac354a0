public import SimCore
#if canImport(Glibc)
import Glibc
#endif

/// What one run may spend (`--max-events`, `--max-memory`): a replication that handles more
/// events than `maxEvents`, or a process whose resident memory passes `maxMemoryBytes`, stops
/// with a `BudgetOverrun` naming what produced the events or holds the memory. Checked every
/// `checkInterval` events, outside the handlers: the per-event cost is one comparison.
public struct RunBudget: Hashable, Sendable {
  /// Events one replication may handle.
  public var maxEvents: UInt64
  /// Peak resident memory of the process, in bytes.
  public var maxMemoryBytes: UInt64

  public init(maxEvents: UInt64 = RunBudget.defaultMaxEvents, maxMemoryBytes: UInt64 = RunBudget.defaultMaxMemoryBytes) {
    self.maxEvents = maxEvents
    self.maxMemoryBytes = maxMemoryBytes
  }

  /// No limit (tests and benchmarks).
  public static let unlimited = RunBudget(maxEvents: .max, maxMemoryBytes: .max)

  /// 2 × 10⁹ events per replication: 10–15 minutes of wall time at this machine's 2–3 M
  /// events/s, and 5× a simulated hour at 10,000 requests/s (about 4 × 10⁸ events).
  public static let defaultMaxEvents: UInt64 = 2_000_000_000

  /// Half the machine's physical memory, at most 8 GiB: a laptop keeps working.
  public static let defaultMaxMemoryBytes: UInt64 = {
    let pages = UInt64(max(0, sysconf(Int32(_SC_PHYS_PAGES)))), pageSize = UInt64(max(0, sysconf(Int32(_SC_PAGESIZE))))
    let half = pages * pageSize / 2
    return half == 0 ? 8 << 30 : min(half, 8 << 30)
  }()

  /// Events between two checks of the budget.
  static let checkInterval: UInt64 = 4_096
  /// Events handled after an event overrun to see which components produce them.
  static let sampleSize = 65_536

  /// The process's peak resident memory so far, in bytes (`getrusage`: no allocation).
  public static func peakResidentBytes() -> UInt64 {
    var usage = rusage()
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
    return UInt64(max(0, usage.ru_maxrss)) * 1_024  // kilobytes on Linux
  }
}

/// A replication stopped by its `RunBudget`: what was exceeded, when, and who is responsible.
public struct BudgetOverrun: Error, Sendable, CustomStringConvertible {
  public enum Limit: Sendable { case events, memory }
  public var limit: Limit
  public var replication: Int
  /// Simulated time when the run stopped.
  public var at: SimTime
  /// Events handled, or peak resident bytes.
  public var used: UInt64
  public var allowed: UInt64
  /// The components (or clients) producing the events or holding the memory, largest first,
  /// each with its share, e.g. `availability controller 97%`.
  public var culprits: [String]

  public var description: String {
    let milliseconds = at.sinceStart.nanoseconds / 1_000_000
    let when = "at \(milliseconds / 1_000).\(String(milliseconds % 1_000 + 1_000).dropFirst()) s of simulated time"
    let who = culprits.isEmpty ? "" : "; " + culprits.joined(separator: ", ")
    switch limit {
    case .events:
      return "replication \(replication) stopped \(when): it handled \(used) events, more than --max-events \(allowed)"
        + " (events from\(who.dropFirst()))"
        + ". Raise --max-events, or shorten the run or the loop that produces them."
    case .memory:
      return "replication \(replication) stopped \(when): the process reached \(used >> 20) MiB, more than --max-memory \(allowed >> 20) MiB"
        + " (held by\(who.dropFirst()))"
        + ". Raise --max-memory, or lower the load, maxOutstanding or the run's length."
    }
  }
}
