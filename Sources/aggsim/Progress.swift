import Foundation
import SimCore

/// Progress of a run's replications on standard error, for runs long enough to need it: on a
/// terminal a line rewritten every half second after the first two seconds (replications done,
/// share of the simulated time, events/s, estimated time left); elsewhere (a CI log) a plain
/// line every 30 s (`AGGSIM_PROGRESS_SECONDS` sets another cadence for logs); nothing for a run
/// shorter than that. Replications report each stretch they simulate, from any task.
final class Progress: @unchecked Sendable {
  let label: String
  let replications: Int
  /// Simulated time of all the replications together, in nanoseconds.
  let totalNanoseconds: Double
  let isTerminal = isatty(STDERR_FILENO) != 0
  /// Seconds between two lines, and before the first one.
  let interval: Double
  let firstAfter: Double
  private let started = ContinuousClock.now
  private let lock = NSLock()
  private var done = 0
  private var simulatedNanoseconds = 0.0
  private var events: UInt64 = 0
  private var lastLine: ContinuousClock.Instant?
  private var printedLive = false

  init(label: String, replications: Int, duration: SimDuration) {
    self.label = label
    self.replications = replications
    totalNanoseconds = Double(replications) * Double(duration.nanoseconds)
    let logCadence = ProcessInfo.processInfo.environment["AGGSIM_PROGRESS_SECONDS"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil } ?? 30
    interval = isTerminal ? 0.5 : logCadence
    firstAfter = isTerminal ? 2 : logCadence
  }

  /// A replication simulated `stretch` more, handling `events` events.
  func advanced(by stretch: SimDuration, events count: UInt64) {
    lock.lock()
    simulatedNanoseconds += Double(stretch.nanoseconds)
    events += count
    let now = ContinuousClock.now
    let elapsed = (now - started).seconds
    let due = elapsed >= firstAfter && lastLine.map { (now - $0).seconds >= interval } ?? true
    let line = due ? self.line(elapsed: elapsed) : nil
    if due { lastLine = now }
    if line != nil && isTerminal { printedLive = true }
    lock.unlock()
    if let line { FileHandle.standardError.write(Data((isTerminal ? "\r\(line)\u{1B}[K" : line + "\n").utf8)) }
  }

  /// A replication finished.
  func replicationDone() {
    lock.lock()
    done += 1
    let finished = done == replications && printedLive
    lock.unlock()
    if finished { FileHandle.standardError.write(Data("\r\(label): \(replications)/\(replications) replications\u{1B}[K\n".utf8)) }
  }

  /// `quickstart: 3/10 replications, 45% simulated, 2.91 M events/s, about 1m12s left`.
  private func line(elapsed: Double) -> String {
    let share = totalNanoseconds > 0 ? min(1, simulatedNanoseconds / totalNanoseconds) : 0
    let rate = Double(events) / max(elapsed, 1e-9) / 1e6
    let left = share > 0 ? elapsed * (1 - share) / share : .nan
    return "\(label): \(done)/\(replications) replications, \(Int(share * 100))% simulated, "
      + String(format: "%.2f M events/s", rate) + (left.isFinite ? ", about \(Self.format(seconds: left)) left" : "")
  }

  /// `45s`, `12m05s`, `2h03m`.
  static func format(seconds: Double) -> String {
    let s = Int(seconds.rounded())
    if s < 60 { return "\(s)s" }
    if s < 3_600 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return String(format: "%dh%02dm", s / 3_600, s % 3_600 / 60)
  }
}
