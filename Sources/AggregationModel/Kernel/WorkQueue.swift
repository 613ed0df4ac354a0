import SimCore
internal import DequeModule

/// client-go's rate-limited work queue of one controller, keyed by item indices `0..<items`
/// (APIServices): the availability controller's, the discovery manager's and each OpenAPI
/// controller's. An item waits at most once (adding a waiting item does nothing); an item added
/// while a worker processes it is processed again afterwards (`done` says so); `addAfter` keeps
/// the earliest pending time of an item (the delaying queue), its timer recognised by a
/// generation; `failures` counts an item's consecutive failures for the rate limiter (`Forget`
/// resets it). At most `workers` items are processed at once. The caller owns the calendar: it
/// schedules the timers `addAfter` asks for and starts the work `next` hands out.
struct WorkQueue {
  /// Items processed at once (a caller may widen it for a pass that runs every item at once).
  var workers: Int
  private var waiting = Deque<Int32>()
  private var queued: [Bool]
  private var processing: [Bool]
  /// Added while being processed: processed again when done.
  private var dirty: [Bool]
  private(set) var busyWorkers = 0
  /// The pending `addAfter` of each item (nil: none) and the generation of its timer.
  private var dueAt: [SimTime?]
  private var dueGeneration: [UInt32]
  /// Consecutive failures per item (the rate limiter's `NumRequeues`).
  private(set) var failures: [Int]

  init(items: Int, workers: Int) {
    self.workers = workers
    queued = Array(repeating: false, count: items)
    processing = queued
    dirty = queued
    dueAt = Array(repeating: nil, count: items)
    dueGeneration = Array(repeating: 0, count: items)
    failures = Array(repeating: 0, count: items)
    waiting.reserveCapacity(items)
  }

  /// `Add`: true when the item now waits (a free worker may take it); false when it already
  /// waits, or is being processed (then it is marked to be processed again).
  mutating func add(_ item: Int) -> Bool {
    if queued[item] { return false }
    if processing[item] {
      dirty[item] = true
      return false
    }
    queued[item] = true
    waiting.append(Int32(item))
    return true
  }

  /// The next waiting item for a free worker (nil: every worker busy, or nothing waits); it is
  /// being processed until `done`.
  mutating func next() -> Int? {
    guard busyWorkers < workers, let item = waiting.popFirst() else { return nil }
    queued[Int(item)] = false
    processing[Int(item)] = true
    busyWorkers += 1
    return Int(item)
  }

  /// The worker is done with `item`: true when it was added meanwhile (the caller adds it again).
  mutating func done(_ item: Int) -> Bool {
    busyWorkers -= 1
    processing[item] = false
    let again = dirty[item]
    dirty[item] = false
    return again
  }

  /// `AddAfter`: the generation of the timer the caller schedules at `due`, or nil when an
  /// earlier (or equal) one is already pending for the item.
  mutating func addAfter(_ item: Int, at due: SimTime) -> UInt32? {
    if let pending = dueAt[item], pending <= due { return nil }
    dueAt[item] = due
    dueGeneration[item] &+= 1
    return dueGeneration[item]
  }

  /// A timer of `item` fired: true when it is the pending one (now cleared: the caller adds the
  /// item), false for one a later `addAfter` replaced.
  mutating func timerFired(_ item: Int, generation: UInt32) -> Bool {
    guard dueGeneration[item] == generation, dueAt[item] != nil else { return false }
    dueAt[item] = nil
    return true
  }

  /// The item failed again: its consecutive failures.
  mutating func failed(_ item: Int) -> Int {
    failures[item] += 1
    return failures[item]
  }

  /// `Forget`: the item's failures are reset.
  mutating func forget(_ item: Int) { failures[item] = 0 }

  /// The controller's process died: nothing waits, is processed or is due any more, and failures
  /// are forgotten. Timer generations keep counting, so a timer set before never fires after.
  mutating func reset() {
    waiting.removeAll(keepingCapacity: true)
    for item in queued.indices {
      queued[item] = false
      processing[item] = false
      dirty[item] = false
      dueAt[item] = nil
      failures[item] = 0
    }
    busyWorkers = 0
  }
}
