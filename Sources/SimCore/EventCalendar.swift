public import HeapModule
public import DequeModule

/// The pending-event set and the clock of one simulation run.
///
/// Events are model-defined values (`Event` is usually a small enum that carries indices into
/// the model's arrays, never objects or closures). They come out in time order, and events
/// scheduled for the same instant come out first-in first-out (a sequence number breaks ties,
/// because `Heap` is not stable). Popping an event advances `now` to its time.
///
/// **Keys and records.** The heap orders 16-byte keys: an event's time, then its sequence number
/// with the index of its *record* in the low bits. The record (in a table whose free places are
/// reused) holds the event itself, so a sift moves two words whatever the size of `Event`.
///
/// **Lanes.** Besides the heap, the calendar keeps FIFO lanes for timers a model sets with a
/// constant delay (a request deadline, a discovery cap): their times never decrease, so a lane
/// stays sorted by (time, sequence) at O(1) per event, and only each lane's first key sits in
/// the heap (marked with its lane), which stays small. An event scheduled into a lane at a time
/// earlier than the lane's last goes into the heap instead, so a lane is only a faster place,
/// never a different order: events come out in exactly the same (time, sequence) order
/// whichever lane or the heap holds them.
///
/// **Holds.** The key of the event popped last stays on top of the heap until the next
/// operation needs it gone: an event then scheduled into the heap replaces it there (one sift
/// instead of a removal and an insertion), as in the "hold" of a classic event list.
///
/// Cancellation is lazy: `cancel(_:)` frees the event's record at once (its handle is stale from
/// then on), and the dead key is skipped when it reaches the top of the heap (its record no
/// longer carries its order). When dead keys outnumber live ones in the heap or in a
/// lane (and there are at least `compactionThreshold` of them), it is rebuilt without them, so
/// cancelled timeouts never make the calendar grow without bound.
///
/// The per-event path (`schedule`, `popNext`, `cancel`) is `@inlinable` so that it is
/// specialised for the model's `Event` type across module boundaries and allocates nothing
/// once the heap's, the lanes' and the record table's capacity are reached.
///
/// Limits: 2⁴⁰ (about 1.1 × 10¹²) events scheduled in one run, and 2²⁴ − 256 (about 16.7 M)
/// pending at once.
///
/// - Complexity: `schedule` O(log n) comparisons into the heap, O(1) into a lane; `popNext`
///   O(log n); `cancel` O(1); compaction O(n) amortised over at least n/2 cancellations.
public struct EventCalendar<Event> {
  /// A pending event's place in the order: its time, then `order`, whose top 40 bits are its
  /// sequence number (unique, so the order is exactly (time, sequence)) and whose low 24 bits
  /// (`ref`) are the index of its record, or `laneBase + lane` for the heap's copy of a lane's
  /// first key.
  @usableFromInline struct Key: Comparable {
    @usableFromInline let time: Int64
    @usableFromInline let order: UInt64

    @inlinable init(time: Int64, order: UInt64) {
      self.time = time
      self.order = order
    }

    /// The record index, or `laneBase + lane` for a lane's key in the heap.
    @inlinable var ref: UInt32 { UInt32(truncatingIfNeeded: order) & EventCalendar.refMask }

    @inlinable static func < (a: Key, b: Key) -> Bool { a.time < b.time || (a.time == b.time && a.order < b.order) }
    @inlinable static func == (a: Key, b: Key) -> Bool { a.time == b.time && a.order == b.order }
  }

  /// A pending event and what cancels it: the lane holding its key (`noLane`: the heap), the
  /// generation its handle must match (bumped whenever the record is freed) and its key's
  /// `order`, which tells a live key from a dead one. A free record's `order` holds the index
  /// of the next free record (`endOfFreeList` for the last), which no key's order equals: a key
  /// whose order is below 2²⁴ has sequence 0 and its own record's index, never the next one's.
  @usableFromInline struct Record {
    @usableFromInline var event: Event
    @usableFromInline var lane: UInt8
    @usableFromInline var generation: UInt32
    @usableFromInline var order: UInt64

    @inlinable init(event: Event, lane: UInt8, generation: UInt32, order: UInt64) {
      self.event = event
      self.lane = lane
      self.generation = generation
      self.order = order
    }

    /// Frees the record (its handle goes stale) and links it in front of `next` free one.
    @inlinable @inline(__always) mutating func free(next: UInt64) {
      generation &+= 1
      order = next
    }
  }

  /// The low bits of a key's `order` that hold its `ref`.
  @usableFromInline static var refMask: UInt32 { 0xFF_FFFF }
  /// Refs from here up name a lane (`laneBase + lane`); record indices lie below.
  @usableFromInline static var laneBase: UInt32 { 0xFF_FF00 }
  /// Sequence numbers lie below this.
  @usableFromInline static var sequenceLimit: UInt64 { 1 << 40 }
  /// The `order` of the last free record (no key has it: its ref names no lane).
  @usableFromInline static var endOfFreeList: UInt64 { .max }
  /// `Record.lane` of an event whose key only the heap holds.
  @usableFromInline static var noLane: UInt8 { .max }

  /// Every heap-only key, and the first key of every non-empty lane (marked with its lane).
  @usableFromInline var heap: Heap<Key>
  /// Each lane's keys in (time, sequence) order; the first is also in the heap.
  @usableFromInline var lanes: [Deque<Key>]
  /// Dead (cancelled) keys still stored in each lane.
  @usableFromInline var laneDeadEntries: [Int]
  /// The pending events, by record index; free records form a list from `freeRecord`.
  @usableFromInline var records: [Record] = []
  /// The first free record (`endOfFreeList`: none).
  @usableFromInline var freeRecord = endOfFreeList
  @usableFromInline var nextSequence: UInt64 = 0
  /// Dead heap-only keys.
  @usableFromInline var deadEntries = 0
  /// The heap's top key is that of the event popped last, not yet removed (see `settle`).
  @usableFromInline var topIsPopped = false

  @usableFromInline var clock: SimTime = .zero
  @usableFromInline var handledCount: UInt64 = 0

  /// The simulation clock: the time of the event popped last (zero before the first).
  @inlinable public var now: SimTime { clock }
  /// Events handled so far (cancelled events are not counted).
  @inlinable public var eventsHandled: UInt64 { handledCount }
  /// Dead entries needed before a compaction is considered.
  public var compactionThreshold = 1_024

  /// An empty calendar at time zero, with room for `capacity` pending events in the heap and
  /// `lanes` FIFO lanes (at most 254).
  @inlinable public init(capacity: Int = 64, lanes: Int = 0) {
    precondition((0..<Int(Self.noLane)).contains(lanes), "a calendar has at most 254 lanes")
    heap = Heap(minimumCapacity: capacity)
    self.lanes = (0..<lanes).map { _ in Deque(minimumCapacity: capacity) }
    laneDeadEntries = Array(repeating: 0, count: lanes)
    records.reserveCapacity(capacity)
  }

  /// Live events still to come.
  @inlinable public var pendingCount: Int { storedCount - deadEntries - laneDeadEntries.reduce(0, +) }
  /// Entries physically stored, including cancelled ones not yet removed.
  @inlinable public var storedCount: Int {
    heapCount + lanes.reduce(0) { $0 + Swift.max($1.count - 1, 0) }
  }

  /// Keys in the heap, without the popped one still on top.
  @inlinable var heapCount: Int { heap.count - (topIsPopped ? 1 : 0) }

  /// Removes the popped key still on top of the heap, if any.
  @inlinable @inline(__always) mutating func settle() {
    if topIsPopped {
      topIsPopped = false
      heap.removeMin()
    }
  }

  /// Adds a key to the heap, in place of the popped key still on top if any (it is later than
  /// that one: not earlier in time, and scheduled after it).
  @inlinable @inline(__always) mutating func push(_ key: Key) {
    if topIsPopped {
      topIsPopped = false
      heap.replaceMin(with: key)
    } else {
      heap.insert(key)
    }
  }

  /// The heap's copy of `key`, the first key of `lane`.
  @inlinable static func marker(_ key: Key, lane: Int) -> Key {
    Key(time: key.time, order: key.order & ~UInt64(refMask) | UInt64(laneBase + UInt32(lane)))
  }

  /// The time of the next live event, if any, without removing it.
  @inlinable @inline(__always) public mutating func peekTime() -> SimTime? {
    skipDeadEntries()
    return heap.min.map { SimTime(nanoseconds: $0.time) }
  }

  /// Schedules `event` at `time`, which must not be in the past.
  @inlinable @inline(__always) public mutating func schedule(_ event: Event, at time: SimTime) {
    push(store(event, at: time, lane: Self.noLane))
  }

  /// Schedules `event` after `delay` from now.
  @inlinable @inline(__always) public mutating func schedule(_ event: Event, after delay: SimDuration) {
    schedule(event, at: now + delay)
  }

  /// Schedules `event` at `time` into FIFO lane `lane` (nil: the heap); an event earlier than
  /// the lane's last goes into the heap.
  @inlinable @inline(__always) public mutating func schedule(_ event: Event, at time: SimTime, lane: Int?) {
    scheduleCancellable(event, at: time, lane: lane)
  }

  /// Schedules `event` after `delay` into FIFO lane `lane` (nil: the heap).
  @inlinable @inline(__always) public mutating func schedule(_ event: Event, after delay: SimDuration, lane: Int?) {
    schedule(event, at: now + delay, lane: lane)
  }

  /// Schedules `event` at `time` and returns a handle that can cancel it. With `lane`, the event
  /// goes into that FIFO lane if its time is not earlier than the lane's last (else the heap).
  @inlinable @discardableResult
  public mutating func scheduleCancellable(_ event: Event, at time: SimTime, lane: Int? = nil) -> EventHandle {
    let key: Key
    if let lane, lanes[lane].last.map({ $0.time <= time.nanoseconds }) ?? true {
      key = store(event, at: time, lane: UInt8(lane))
      if lanes[lane].isEmpty { push(Self.marker(key, lane: lane)) }
      lanes[lane].append(key)
    } else {
      key = store(event, at: time, lane: Self.noLane)
      push(key)
    }
    let index = key.ref
    return EventHandle(slot: index, generation: records[Int(index)].generation)
  }

  /// Schedules `event` after `delay` (in `lane`, if given) and returns a handle that can cancel it.
  @inlinable @discardableResult
  public mutating func scheduleCancellable(_ event: Event, after delay: SimDuration, lane: Int? = nil) -> EventHandle {
    scheduleCancellable(event, at: now + delay, lane: lane)
  }

  /// Stores `event` in a free record and returns its key (at `time`, with the next sequence number).
  @inlinable @inline(__always) mutating func store(_ event: Event, at time: SimTime, lane: UInt8) -> Key {
    precondition(time >= now, "an event cannot be scheduled in the past")
    let sequence = nextSequence
    precondition(sequence < Self.sequenceLimit, "more than 2^40 events scheduled in one run")
    nextSequence &+= 1
    if freeRecord != Self.endOfFreeList {
      let index = Int(freeRecord)
      let key = Key(time: time.nanoseconds, order: sequence << 24 | freeRecord)
      freeRecord = records[index].order
      records[index] = Record(event: event, lane: lane, generation: records[index].generation, order: key.order)
      return key
    }
    let index = UInt32(records.count)
    precondition(index < Self.laneBase, "more than \(Self.laneBase) events pending at once")
    let key = Key(time: time.nanoseconds, order: sequence << 24 | UInt64(index))
    records.append(Record(event: event, lane: lane, generation: 0, order: key.order))
    return key
  }

  /// Calls `body` with every pending event, in no particular order: O(records), for diagnostics
  /// (which component holds the calendar), never on the per-event path. A record is pending when
  /// its `order` names itself; a free one's names the next free record.
  public func forEachPending(_ body: (Event) -> Void) {
    for index in records.indices {
      let order = records[index].order
      if order != Self.endOfFreeList && UInt32(truncatingIfNeeded: order) & Self.refMask == UInt32(index) { body(records[index].event) }
    }
  }

  /// Cancels a pending event. Returns false if it already fired or was cancelled.
  @inlinable @discardableResult
  public mutating func cancel(_ handle: EventHandle) -> Bool {
    let index = Int(handle.slot)
    guard index < records.count, records[index].generation == handle.generation else { return false }
    let lane = records[index].lane
    release(index)
    if lane == Self.noLane {
      deadEntries += 1
      if deadEntries >= compactionThreshold && deadEntries * 2 > heapCount { compact() }
    } else {
      laneDeadEntries[Int(lane)] += 1
      if laneDeadEntries[Int(lane)] >= compactionThreshold && laneDeadEntries[Int(lane)] * 2 > lanes[Int(lane)].count {
        compact(lane: Int(lane))
      }
    }
    return true
  }

  /// Removes the next live event, advances `now` to its time and returns it; nil when none is left.
  @inlinable @inline(__always) public mutating func popNext() -> Event? {
    popNext(notAfter: .never)
  }

  /// Removes and returns the next live event if it is due at or before `end` (advancing `now`);
  /// nil when none is left or the next one lies after `end`. The loop of a model that keeps its
  /// calendar beside its other state: `while let e = calendar.popNext(notAfter: end) { … }`.
  @inlinable @inline(__always) public mutating func popNext(notAfter end: SimTime) -> Event? {
    settle()
    while let top = heap.min, top.time <= end.nanoseconds {
      let key = take(top)
      let index = Int(key.ref)
      guard records[index].order == key.order else {
        settle()
        noteDead(top)
        continue
      }
      clock = SimTime(nanoseconds: key.time)
      handledCount &+= 1
      let event = records[index].event
      release(index)
      return event
    }
    return nil
  }

  /// Pops `top`, the heap's first key (it stays there, popped, until `settle` or `push`), and
  /// returns the key it stands for: itself, or for a lane's marker the lane's first key (the
  /// lane's next key, if any, takes its place in the heap at once).
  @inlinable @inline(__always) mutating func take(_ top: Key) -> Key {
    guard top.ref >= Self.laneBase else {
      topIsPopped = true
      return top
    }
    let lane = Int(top.ref - Self.laneBase)
    let key = lanes[lane].removeFirst()
    if let next = lanes[lane].first {
      heap.replaceMin(with: Self.marker(next, lane: lane))
    } else {
      topIsPopped = true
    }
    return key
  }

  /// A dead key (of the heap, or of the lane `top` marks) was taken out.
  @inlinable @inline(never) mutating func noteDead(_ top: Key) {
    if top.ref >= Self.laneBase { laneDeadEntries[Int(top.ref - Self.laneBase)] -= 1 } else { deadEntries -= 1 }
  }

  /// Frees a record: its handle is stale from now on, its key is dead, and its place is reused.
  @inlinable @inline(__always) mutating func release(_ index: Int) {
    records[index].free(next: freeRecord)
    freeRecord = UInt64(index)
  }

  /// Pops and handles events in order until none is left or the next one lies after `end`;
  /// the clock then stands at `end` (or at the last event, if the calendar ran dry first).
  @inlinable public mutating func run(until end: SimTime, _ handle: (Event, inout EventCalendar<Event>) -> Void) {
    while let next = peekTime(), next <= end {
      let event = popNext()!
      handle(event, &self)
    }
    if clock < end && end != .never { clock = end }
  }

  /// Advances the clock to `time` without handling events; used to close statistics at the end
  /// of a run. `time` must not lie before now or after the next pending event.
  @inlinable public mutating func advance(to time: SimTime) {
    precondition(time >= clock, "the clock cannot go backwards")
    clock = time
  }

  /// Whether `key` (a record's key, not a lane's marker) is still pending.
  @inlinable func isLive(_ key: Key) -> Bool { records[Int(key.ref)].order == key.order }

  @inlinable @inline(__always) mutating func skipDeadEntries() {
    settle()
    while let top = heap.min {
      let key = top.ref >= Self.laneBase ? lanes[Int(top.ref - Self.laneBase)].first! : top
      if isLive(key) { return }
      _ = take(top)
      settle()
      noteDead(top)
    }
  }

  /// Rebuilds the heap without its cancelled heap-only keys (a lane's marker stays, dead or
  /// not, until it is popped).
  @inlinable @inline(never) mutating func compact() {
    // In place and specialised (this function is inlinable, so the partition is compiled for
    // the model's key type): an unspecialised partition allocated once per element moved.
    settle()
    let records = self.records
    heap.removeAll { key in key.ref < Self.laneBase && records[Int(key.ref)].order != key.order }
    deadEntries = 0
  }

  /// Rebuilds a lane without its cancelled keys (keeping its order), except its first key,
  /// dead or not: the heap's marker stands for that key, so the heap is left as it is (removing
  /// the marker rebuilt the whole heap, O(heap) at every compaction of a lane of timers that are
  /// nearly all cancelled, such as request deadlines). The first key, if dead, is skipped when
  /// its marker reaches the top, like any dead key.
  @inlinable @inline(never) mutating func compact(lane: Int) {
    let records = self.records
    guard let first = lanes[lane].popFirst() else { return }
    lanes[lane].removeAll { key in records[Int(key.ref)].order != key.order }
    lanes[lane].prepend(first)
    laneDeadEntries[lane] = records[Int(first.ref)].order == first.order ? 0 : 1
  }
}

/// Identifies one cancellable event of an `EventCalendar`: the slot it occupies and the
/// generation of that slot when it was scheduled. Stale once the event fires or is cancelled.
public struct EventHandle: Hashable, Sendable {
  @usableFromInline let slot: UInt32
  @usableFromInline let generation: UInt32
  @inlinable init(slot: UInt32, generation: UInt32) {
    self.slot = slot
    self.generation = generation
  }
}

@available(*, unavailable) extension EventCalendar: Sendable {}
