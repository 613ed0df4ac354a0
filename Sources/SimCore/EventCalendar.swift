public import HeapModule
public import DequeModule

/// The pending-event set and the clock of one simulation run.
///
/// Events are model-defined values (`Event` is usually a small enum that carries indices into
/// the model's arrays, never objects or closures). They come out in time order, and events
/// scheduled for the same instant come out first-in first-out (a sequence number breaks ties,
/// because `Heap` is not stable). Popping an event advances `now` to its time.
///
/// **Lanes.** Besides the heap, the calendar keeps FIFO lanes for timers a model sets with a
/// constant delay (a request deadline, a discovery cap): their times never decrease, so a lane
/// stays sorted by (time, sequence) at O(1) per event, and only each lane's first entry sits in
/// the heap, which stays small. An event scheduled into a lane at a time earlier than the lane's
/// last goes into the heap instead, so a lane is only a faster place, never a different order:
/// events come out in exactly the same (time, sequence) order whichever lane or the heap holds
/// them.
///
/// Cancellation is lazy: `cancel(_:)` bumps the generation of the event's slot, and the dead
/// entry is skipped when it reaches the top of the heap. When dead entries outnumber live ones
/// in the heap or in a lane (and there are at least `compactionThreshold` of them), it is
/// rebuilt without them, so cancelled timeouts never make the calendar grow without bound.
///
/// The per-event path (`schedule`, `popNext`, `cancel`) is `@inlinable` so that it is
/// specialised for the model's `Event` type across module boundaries and allocates nothing
/// once the heap's, the lanes' and the slot table's capacity are reached.
///
/// - Complexity: `schedule` O(log n) comparisons into the heap, O(1) into a lane; `popNext`
///   O(log n); `cancel` O(1); compaction O(n) amortised over at least n/2 cancellations.
public struct EventCalendar<Event> {
  /// One pending event: its time, its FIFO sequence number and, for cancellable events, the
  /// slot and generation that tell whether it is still live. `slot` is `noSlot` for an event
  /// only the heap holds and that cannot be cancelled (the fast path: no more work than a plain
  /// heap); otherwise its top byte is its lane + 1 (0: the heap) and its low 24 bits its slot
  /// index (`noIndex`: it cannot be cancelled).
  @usableFromInline struct Entry: Comparable {
    @usableFromInline let time: SimTime
    @usableFromInline let sequence: UInt64
    @usableFromInline let slot: UInt32
    @usableFromInline let generation: UInt32
    @usableFromInline let event: Event

    @inlinable init(time: SimTime, sequence: UInt64, slot: UInt32, generation: UInt32, event: Event) {
      self.time = time
      self.sequence = sequence
      self.slot = slot
      self.generation = generation
      self.event = event
    }

    @inlinable static func < (a: Entry, b: Entry) -> Bool {
      a.time.nanoseconds < b.time.nanoseconds
        || (a.time.nanoseconds == b.time.nanoseconds && a.sequence < b.sequence)
    }
    @inlinable static func == (a: Entry, b: Entry) -> Bool { a.sequence == b.sequence }
  }

  /// Slot value of events that cannot be cancelled and that only the heap holds.
  @usableFromInline static var noSlot: UInt32 { .max }
  /// The low 24 bits of the slot of an event that cannot be cancelled.
  @usableFromInline static var noIndex: UInt32 { 0xFF_FFFF }
  /// `slotLane` of a slot whose event only the heap holds.
  @usableFromInline static var noLane: UInt8 { .max }

  /// The `slot` field of an entry in `lane` (nil: the heap) with slot index `index`.
  @inlinable static func tag(_ index: UInt32, lane: Int?) -> UInt32 { (lane.map { UInt32($0 + 1) } ?? 0) << 24 | index }

  /// Every heap-only entry, and the first entry of every non-empty lane.
  @usableFromInline var entries: Heap<Entry>
  /// Each lane's entries in (time, sequence) order; the first is also in the heap.
  @usableFromInline var lanes: [Deque<Entry>]
  /// Dead (cancelled) entries still stored in each lane.
  @usableFromInline var laneDeadEntries: [Int]
  @usableFromInline var nextSequence: UInt64 = 0
  /// Current generation of each cancellation slot; an entry is live while its generation matches.
  @usableFromInline var slotGenerations: [UInt32] = []
  /// The lane holding each slot's event (`noLane`: the heap), for `cancel`'s bookkeeping.
  @usableFromInline var slotLane: [UInt8] = []
  @usableFromInline var freeSlots: [UInt32] = []
  /// Dead heap-only entries.
  @usableFromInline var deadEntries = 0

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
    entries = Heap(minimumCapacity: capacity)
    self.lanes = (0..<lanes).map { _ in Deque(minimumCapacity: capacity) }
    laneDeadEntries = Array(repeating: 0, count: lanes)
  }

  /// Live events still to come.
  @inlinable public var pendingCount: Int { storedCount - deadEntries - laneDeadEntries.reduce(0, +) }
  /// Entries physically stored, including cancelled ones not yet removed.
  @inlinable public var storedCount: Int {
    entries.count + lanes.reduce(0) { $0 + Swift.max($1.count - 1, 0) }
  }

  /// The lane holding an entry (nil: only the heap).
  @inlinable static func lane(of entry: Entry) -> Int? {
    guard entry.slot != noSlot, entry.slot >> 24 != 0 else { return nil }
    return Int(entry.slot >> 24) - 1
  }

  /// The slot index of a cancellable entry (nil: it cannot be cancelled).
  @inlinable static func index(of entry: Entry) -> Int? {
    let index = entry.slot & noIndex
    return entry.slot == noSlot || index == noIndex ? nil : Int(index)
  }

  /// Whether a cancellable entry was cancelled (an entry that cannot be cancelled never is).
  @inlinable func isDead(_ entry: Entry) -> Bool {
    guard let index = Self.index(of: entry) else { return false }
    return slotGenerations[index] != entry.generation
  }

  /// The time of the next live event, if any, without removing it.
  @inlinable @inline(__always) public mutating func peekTime() -> SimTime? {
    skipDeadEntries()
    return entries.min?.time
  }

  /// Schedules `event` at `time`, which must not be in the past.
  @inlinable @inline(__always) public mutating func schedule(_ event: Event, at time: SimTime) {
    precondition(time >= now, "an event cannot be scheduled in the past")
    entries.insert(Entry(time: time, sequence: nextSequence, slot: Self.noSlot, generation: 0, event: event))
    nextSequence &+= 1
  }

  /// Schedules `event` after `delay` from now.
  @inlinable @inline(__always) public mutating func schedule(_ event: Event, after delay: SimDuration) {
    schedule(event, at: now + delay)
  }

  /// Schedules `event` at `time` into FIFO lane `lane` (nil: the heap); an event earlier than
  /// the lane's last goes into the heap.
  @inlinable public mutating func schedule(_ event: Event, at time: SimTime, lane: Int?) {
    guard let lane, lanes[lane].last.map({ $0.time <= time }) ?? true else { return schedule(event, at: time) }
    precondition(time >= now, "an event cannot be scheduled in the past")
    append(Entry(time: time, sequence: nextSequence, slot: Self.tag(Self.noIndex, lane: lane), generation: 0, event: event), to: lane)
    nextSequence &+= 1
  }

  /// Schedules `event` after `delay` into FIFO lane `lane` (nil: the heap).
  @inlinable @inline(__always) public mutating func schedule(_ event: Event, after delay: SimDuration, lane: Int?) {
    schedule(event, at: now + delay, lane: lane)
  }

  /// Schedules `event` at `time` and returns a handle that can cancel it. With `lane`, the event
  /// goes into that FIFO lane if its time is not earlier than the lane's last (else the heap).
  @inlinable @discardableResult
  public mutating func scheduleCancellable(_ event: Event, at time: SimTime, lane: Int? = nil) -> EventHandle {
    precondition(time >= now, "an event cannot be scheduled in the past")
    let slot: UInt32
    if let reused = freeSlots.popLast() {
      slot = reused
    } else {
      slot = UInt32(slotGenerations.count)
      precondition(slot < Self.noIndex, "more than \(Self.noIndex) cancellable events pending at once")
      slotGenerations.append(0)
      slotLane.append(Self.noLane)
    }
    let generation = slotGenerations[Int(slot)]
    let sequence = nextSequence
    nextSequence &+= 1
    if let lane, lanes[lane].last.map({ $0.time <= time }) ?? true {
      slotLane[Int(slot)] = UInt8(lane)
      append(Entry(time: time, sequence: sequence, slot: Self.tag(slot, lane: lane), generation: generation, event: event), to: lane)
    } else {
      slotLane[Int(slot)] = Self.noLane
      entries.insert(Entry(time: time, sequence: sequence, slot: slot, generation: generation, event: event))
    }
    return EventHandle(slot: slot, generation: generation)
  }

  /// Schedules `event` after `delay` (in `lane`, if given) and returns a handle that can cancel it.
  @inlinable @discardableResult
  public mutating func scheduleCancellable(_ event: Event, after delay: SimDuration, lane: Int? = nil) -> EventHandle {
    scheduleCancellable(event, at: now + delay, lane: lane)
  }

  /// Appends to a lane; a lane's first entry also goes into the heap.
  @inlinable mutating func append(_ entry: Entry, to lane: Int) {
    if lanes[lane].isEmpty { entries.insert(entry) }
    lanes[lane].append(entry)
  }

  /// Cancels a pending event. Returns false if it already fired or was cancelled.
  @inlinable @discardableResult
  public mutating func cancel(_ handle: EventHandle) -> Bool {
    let index = Int(handle.slot)
    guard index < slotGenerations.count, slotGenerations[index] == handle.generation else { return false }
    let lane = slotLane[index]
    retire(slot: handle.slot)
    if lane == Self.noLane {
      deadEntries += 1
      if deadEntries >= compactionThreshold && deadEntries * 2 > entries.count { compact() }
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
    while let entry = entries.popMin() {
      if entry.slot != Self.noSlot {
        guard popSlotted(entry) else { continue }
      }
      clock = entry.time
      handledCount &+= 1
      return entry.event
    }
    return nil
  }

  /// Removes and returns the next live event if it is due at or before `end` (advancing `now`);
  /// nil when none is left or the next one lies after `end`. The loop of a model that keeps its
  /// calendar beside its other state: `while let e = calendar.popNext(notAfter: end) { … }`.
  @inlinable @inline(__always) public mutating func popNext(notAfter end: SimTime) -> Event? {
    while let top = entries.min, top.time <= end {
      _ = entries.popMin()
      if top.slot != Self.noSlot {
        guard popSlotted(top) else { continue }
      }
      clock = top.time
      handledCount &+= 1
      return top.event
    }
    return nil
  }

  /// An entry with a slot or a lane left the heap: its lane's next entry takes its place there,
  /// and a cancellable one's slot is retired. False when it was cancelled (skip it).
  @inlinable @inline(never) mutating func popSlotted(_ entry: Entry) -> Bool {
    let lane = Self.lane(of: entry)
    if let lane { advance(lane: lane) }
    guard let index = Self.index(of: entry) else { return true }
    guard slotGenerations[index] == entry.generation else {
      if let lane { laneDeadEntries[lane] -= 1 } else { deadEntries -= 1 }
      return false
    }
    retire(slot: UInt32(index))
    return true
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

  @inlinable mutating func retire(slot: UInt32) {
    slotGenerations[Int(slot)] &+= 1
    freeSlots.append(slot)
  }

  /// The lane's first entry left the heap: its next entry takes its place there.
  @inlinable mutating func advance(lane: Int) {
    lanes[lane].removeFirst()
    if let next = lanes[lane].first { entries.insert(next) }
  }

  @inlinable @inline(__always) mutating func skipDeadEntries() {
    while let top = entries.min, top.slot != Self.noSlot, isDead(top) {
      _ = entries.popMin()
      _ = popSlotted(top)
    }
  }

  /// Rebuilds the heap without its cancelled heap-only entries (a lane's first entry stays, dead
  /// or not, until it is popped).
  @inlinable @inline(never) mutating func compact() {
    // In place and specialised (this function is inlinable, so the partition is compiled for
    // the model's entry type): an unspecialised partition allocated once per element moved.
    let generations = slotGenerations
    entries.removeAll { entry in
      Self.lane(of: entry) == nil && (Self.index(of: entry).map { generations[$0] != entry.generation } ?? false)
    }
    deadEntries = 0
  }

  /// Rebuilds a lane without its cancelled entries (keeping its order), and puts its new first
  /// entry in the heap in place of the old one.
  @inlinable @inline(never) mutating func compact(lane: Int) {
    let generations = slotGenerations
    entries.removeAll { Self.lane(of: $0) == lane }
    lanes[lane].removeAll { entry in Self.index(of: entry).map { generations[$0] != entry.generation } ?? false }
    laneDeadEntries[lane] = 0
    if let first = lanes[lane].first { entries.insert(first) }
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
