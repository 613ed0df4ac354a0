import Testing
@testable import SimCore

@Suite("Event calendar")
struct EventCalendarTests {
  /// Runs the calendar dry and returns the trace of (time in ms, event).
  func drain(_ calendar: inout EventCalendar<String>) -> [(Int64, String)] {
    var trace: [(Int64, String)] = []
    while let event = calendar.popNext() { trace.append((calendar.now.nanoseconds / 1_000_000, event)) }
    return trace
  }

  @Test("events come out in time order and events at the same instant first-in first-out")
  func simultaneousEventsAreFIFO() {
    var calendar = EventCalendar<String>()
    calendar.schedule("c", at: .zero + .milliseconds(5))
    calendar.schedule("a", at: .zero + .milliseconds(1))
    calendar.schedule("d", at: .zero + .milliseconds(5))
    calendar.schedule("b", at: .zero + .milliseconds(1))
    calendar.schedule("e", at: .zero + .milliseconds(5))
    let trace = drain(&calendar)
    #expect(trace.map(\.1) == ["a", "b", "c", "d", "e"])
    #expect(trace.map(\.0) == [1, 1, 5, 5, 5])
    #expect(calendar.eventsHandled == 5)
  }

  @Test("FIFO order holds among thousands of ties, across heap reorganisations")
  func manyTiesStayFIFO() {
    var calendar = EventCalendar<Int>()
    for i in 0..<5_000 { calendar.schedule(i, at: .zero + .seconds(Int64(i % 3))) }
    var seen: [Int] = []
    while let e = calendar.popNext() { seen.append(e) }
    let expected = (0..<5_000).filter { $0 % 3 == 0 } + (0..<5_000).filter { $0 % 3 == 1 } + (0..<5_000).filter { $0 % 3 == 2 }
    #expect(seen == expected)
  }

  @Test("a cancelled event never fires and a stale handle cancels nothing")
  func cancellation() {
    var calendar = EventCalendar<String>()
    calendar.schedule("request arrives", at: .zero + .milliseconds(10))
    let timeout = calendar.scheduleCancellable("timeout fires", at: .zero + .seconds(5))
    let reply = calendar.scheduleCancellable("backend responds", at: .zero + .milliseconds(40))
    #expect(calendar.pendingCount == 3)
    let cancelledOnce = calendar.cancel(timeout)
    let cancelledTwice = calendar.cancel(timeout)
    #expect(cancelledOnce && !cancelledTwice)
    #expect(calendar.pendingCount == 2)
    let trace = drain(&calendar)
    #expect(trace.map(\.1) == ["request arrives", "backend responds"])
    #expect(trace.map(\.0) == [10, 40])
    let cancelledAfterFiring = calendar.cancel(reply)
    #expect(!cancelledAfterFiring, "a handle of an event that fired is stale")
    #expect(calendar.storedCount == 0)
  }

  @Test("a reused slot does not resurrect the cancelled event that held it")
  func slotReuse() {
    var calendar = EventCalendar<String>()
    let first = calendar.scheduleCancellable("old timeout", at: .zero + .seconds(9))
    calendar.cancel(first)
    let second = calendar.scheduleCancellable("new timeout", at: .zero + .seconds(1))
    #expect(second.slot == first.slot && second.generation != first.generation)
    let cancelledAgain = calendar.cancel(first)
    #expect(!cancelledAgain)
    #expect(drain(&calendar).map(\.1) == ["new timeout"])
  }

  @Test("compaction removes dead entries once they outnumber live ones, keeping order")
  func compaction() {
    var calendar = EventCalendar<Int>()
    calendar.compactionThreshold = 100
    var handles: [EventHandle] = []
    for i in 0..<300 { handles.append(calendar.scheduleCancellable(i, at: .zero + .milliseconds(Int64(300 - i)))) }
    for i in 0..<300 where i % 4 != 0 { calendar.cancel(handles[i]) }
    // 225 cancelled: compaction ran when dead entries first exceeded half of the stored ones.
    #expect(calendar.storedCount < 300)
    #expect(calendar.pendingCount == 75)
    var seen: [Int] = []
    while let e = calendar.popNext() { seen.append(e) }
    #expect(seen == stride(from: 296, through: 0, by: -4).map { $0 })
  }

  @Test("run(until:) handles events up to the end time and leaves the clock there")
  func runUntil() {
    var calendar = EventCalendar<Int>()
    calendar.schedule(0, at: .zero + .seconds(1))
    var fired: [(Int64, Int)] = []
    calendar.run(until: .zero + .seconds(10)) { event, cal in
      fired.append((cal.now.nanoseconds / 1_000_000_000, event))
      cal.schedule(event + 1, after: .seconds(3))
    }
    #expect(fired.map(\.0) == [1, 4, 7, 10])
    #expect(fired.map(\.1) == [0, 1, 2, 3])
    #expect(calendar.now == .zero + .seconds(10))
    #expect(calendar.pendingCount == 1)
    let next = calendar.peekTime()
    #expect(next == .zero + .seconds(13))
  }

  @Test("an event a handler schedules for the current instant comes after those already due then")
  func handlerSchedulesAtSameInstant() {
    var calendar = EventCalendar<String>()
    calendar.schedule("a", at: .zero + .seconds(1))
    calendar.schedule("b", at: .zero + .seconds(1))
    calendar.schedule("z", at: .zero + .seconds(2))
    var trace: [String] = []
    calendar.run(until: .never) { event, cal in
      trace.append(event)
      if event == "a" { cal.schedule("c", after: .zero) }      // takes a's place in the heap
      if event == "b" { cal.schedule("d", after: .seconds(5)) }
    }
    #expect(trace == ["a", "b", "c", "z", "d"])
    #expect(calendar.now == .zero + .seconds(6))
    #expect(calendar.pendingCount == 0 && calendar.storedCount == 0)
  }
}
