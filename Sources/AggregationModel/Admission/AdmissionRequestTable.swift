import SimCore

/// Per-request admission state, struct-of-arrays indexed by the caller's request id; grown by
/// doubling, so no allocation per request once the largest id has been seen.
struct AdmissionRequestTable {
  enum Phase: UInt8 { case idle, queued, executing }

  var phase: [Phase] = []
  var level: [Int32] = []
  /// Queue index within the level, or -1 (exempt level, reject level, max-in-flight).
  var queue: [Int32] = []
  var seats: [Int32] = []
  var admitted: [SimTime] = []
  var dispatched: [SimTime] = []
  /// The level's virtual time `R` when the request entered its queue (`arrivalR`).
  var arrivalR: [Double] = []

  init(capacity: Int = 1024) { grow(to: capacity) }

  var count: Int { phase.count }

  mutating func ensure(_ request: UInt32) {
    let index = Int(request)
    if index >= phase.count { grow(to: max(2 * phase.count, index + 1)) }
  }

  private mutating func grow(to newCount: Int) {
    let extra = newCount - phase.count
    guard extra > 0 else { return }
    phase.append(contentsOf: repeatElement(.idle, count: extra))
    level.append(contentsOf: repeatElement(-1, count: extra))
    queue.append(contentsOf: repeatElement(-1, count: extra))
    seats.append(contentsOf: repeatElement(0, count: extra))
    admitted.append(contentsOf: repeatElement(.zero, count: extra))
    dispatched.append(contentsOf: repeatElement(.zero, count: extra))
    arrivalR.append(contentsOf: repeatElement(0, count: extra))
  }

  func phase(of request: UInt32) -> Phase {
    Int(request) < phase.count ? phase[Int(request)] : .idle
  }
}
