public import HeapModule

/// The pending-event set and the clock of one simulation run.
///
/// Events are model-defined values (`Event` is usually a small enum that carries indices into
/// the model's arrays, never objects or closures). They come out in time order, and events
/// scheduled for the same instant come out first-in first-out (a sequence number breaks ties,
/// because `Heap` is not stable). Popping an event advances `now` to its time.
///
/// Cancellation is lazy: `cancel(_:)` bumps the generation of the event's slot, and the dead
/// entry is skipped when it reaches the top. When dead entries outnumber live ones (and there
/// are at least `compactionThreshold` of them), the heap is rebuilt without them, so cancelled
/// timeouts never make the calendar grow without bound.
///
/// The per-event path (`schedule`, `popNext`, `cancel`) is `@inlinable` so that it is
/// specialised for the model's `Event` type across module boundaries and allocates nothing
/// once the heap's and the slot table's capacity are reached.
///
/// - Complexity: `schedule` and `popNext` O(log n) comparisons, `cancel` O(1), compaction O(n)
///   amortised over at least n/2 cancellations.
public struct EventCalendar<Event> {
  /// One pending event: its time, its FIFO sequence number and, for cancellable events, the
  /// slot and generation that tell whether it is still live.
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

  /// Slot value of events that cannot be cancelled.
  @usableFromInline static var noSlot: UInt32 { .max }

  @usableFromInline var entries: Heap<Entry>
  @usableFromInline var nextSequence: UInt64 = 0
  /// Current generation of each cancellation slot; an entry is live while its generation matches.
  @usableFromInline var slotGenerations: [UInt32] = []
  @usableFromInline var freeSlots: [UInt32] = []
  @usableFromInline var deadEntries = 0

  @usableFromInline var clock: SimTime = .zero
  @usableFromInline var handledCount: UInt64 = 0

  /// The simulation clock: the time of the event popped last (zero before the first).
  @inlinable public var now: SimTime { clock }
  /// Events handled so far (cancelled events are not counted).
  @inlinable public var eventsHandled: UInt64 { handledCount }
  /// Dead entries needed before a compaction is considered.
  public var compactionThreshold = 1_024

  /// An empty calendar at time zero, with room for `capacity` pending events.
  @inlinable public init(capacity: Int = 64) {
    entries = Heap(minimumCapacity: capacity)
  }

  /// Live events still to come.
  @inlinable public var pendingCount: Int { entries.count - deadEntries }
  /// Entries physically in the heap, including cancelled ones not yet removed.
  @inlinable public var storedCount: Int { entries.count }
  /// The time of the next live event, if any, without removing it.
  @inlinable public mutating func peekTime() -> SimTime? {
    skipDeadEntries()
    return entries.min?.time
  }

  /// Schedules `event` at `time`, which must not be in the past.
  @inlinable public mutating func schedule(_ event: Event, at time: SimTime) {
    precondition(time >= now, "an event cannot be scheduled in the past")
    entries.insert(Entry(time: time, sequence: nextSequence, slot: Self.noSlot, generation: 0, event: event))
    nextSequence &+= 1
  }

  /// Schedules `event` after `delay` from now.
  @inlinable public mutating func schedule(_ event: Event, after delay: SimDuration) {
    schedule(event, at: now + delay)
  }

  /// Schedules `event` at `time` and returns a handle that can cancel it.
  @inlinable @discardableResult
  public mutating func scheduleCancellable(_ event: Event, at time: SimTime) -> EventHandle {
    precondition(time >= now, "an event cannot be scheduled in the past")
    let slot: UInt32
    if let reused = freeSlots.popLast() {
      slot = reused
    } else {
      slot = UInt32(slotGenerations.count)
      slotGenerations.append(0)
    }
    let generation = slotGenerations[Int(slot)]
    entries.insert(Entry(time: time, sequence: nextSequence, slot: slot, generation: generation, event: event))
    nextSequence &+= 1
    return EventHandle(slot: slot, generation: generation)
  }

  /// Schedules `event` after `delay` and returns a handle that can cancel it.
  @inlinable @discardableResult
  public mutating func scheduleCancellable(_ event: Event, after delay: SimDuration) -> EventHandle {
    scheduleCancellable(event, at: now + delay)
  }

  /// Cancels a pending event. Returns false if it already fired or was cancelled.
  @inlinable @discardableResult
  public mutating func cancel(_ handle: EventHandle) -> Bool {
    let index = Int(handle.slot)
    guard index < slotGenerations.count, slotGenerations[index] == handle.generation else { return false }
    retire(slot: handle.slot)
    deadEntries += 1
    if deadEntries >= compactionThreshold && deadEntries * 2 > entries.count { compact() }
    return true
  }

  /// Removes the next live event, advances `now` to its time and returns it; nil when none is left.
  @inlinable public mutating func popNext() -> Event? {
    while let entry = entries.popMin() {
      if entry.slot != Self.noSlot {
        guard slotGenerations[Int(entry.slot)] == entry.generation else {
          deadEntries -= 1
          continue
        }
        retire(slot: entry.slot)
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
  @inlinable public mutating func popNext(notAfter end: SimTime) -> Event? {
    guard let next = peekTime(), next <= end else { return nil }
    return popNext()
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

  @inlinable mutating func skipDeadEntries() {
    while let top = entries.min, top.slot != Self.noSlot, slotGenerations[Int(top.slot)] != top.generation {
      _ = entries.popMin()
      deadEntries -= 1
    }
  }

  /// Rebuilds the heap without cancelled entries.
  @inlinable mutating func compact() {
    // In place and specialised (this function is inlinable, so the partition is compiled for
    // the model's entry type): an unspecialised partition allocated once per element moved.
    let generations = slotGenerations
    entries.removeAll { $0.slot != Self.noSlot && generations[Int($0.slot)] != $0.generation }
    deadEntries = 0
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
