import Testing
@testable import SimCore

@Suite("Event calendar lanes")
struct EventCalendarLaneTests {
  @Test("a lane event comes out between heap events in (time, sequence) order, ties first-in first-out")
  func laneEventsInterleaveWithTheHeap() {
    var calendar = EventCalendar<String>(lanes: 1)
    calendar.scheduleCancellable("deadline 1", at: .zero + .seconds(60), lane: 0)
    calendar.schedule("answer", at: .zero + .seconds(1))
    calendar.scheduleCancellable("deadline 2", at: .zero + .seconds(61), lane: 0)
    calendar.schedule("tie after deadline 1", at: .zero + .seconds(60))
    var trace: [String] = []
    while let event = calendar.popNext() { trace.append("\(calendar.now.nanoseconds / 1_000_000_000) \(event)") }
    #expect(trace == ["1 answer", "60 deadline 1", "60 tie after deadline 1", "61 deadline 2"])
  }

  @Test("an event earlier than its lane's last goes into the heap and still comes out first")
  func anEarlierEventFallsBackToTheHeap() {
    var calendar = EventCalendar<String>(lanes: 1)
    calendar.scheduleCancellable("late", at: .zero + .seconds(10), lane: 0)
    calendar.scheduleCancellable("early", at: .zero + .seconds(5), lane: 0)
    #expect(calendar.lanes[0].count == 1, "the earlier event is not appended to the lane")
    #expect(calendar.popNext() == "early")
    #expect(calendar.popNext() == "late")
    #expect(calendar.popNext() == nil)
  }

  @Test("cancelled lane events never fire, and a compaction keeps the lane's order", arguments: [1, 4, 1_024])
  func cancelledLaneEventsAreCompactedAway(threshold: Int) {
    var calendar = EventCalendar<Int>(lanes: 1)
    calendar.compactionThreshold = threshold
    var handles: [EventHandle] = []
    for i in 0..<100 { handles.append(calendar.scheduleCancellable(i, at: .zero + .milliseconds(Int64(i)), lane: 0)) }
    for i in 0..<100 where i % 3 != 0 { calendar.cancel(handles[i]) }
    #expect(calendar.pendingCount == 34)
    // The 51st cancellation makes the dead a majority of the 100 (102 > 100): with a threshold
    // of at most 51 the lane is rebuilt then (49 left), and the 15 later ones stay a minority.
    #expect(calendar.storedCount == (threshold <= 51 ? 49 : 100))
    var seen: [Int] = []
    while let event = calendar.popNext() { seen.append(event) }
    #expect(seen == (0..<100).filter { $0 % 3 == 0 })
    #expect(calendar.storedCount == 0 && calendar.pendingCount == 0)
  }

  /// A compaction keeps the lane's first key, dead or not, because the heap's marker stands for
  /// it: the heap is not rebuilt, and the dead first key is skipped when its marker comes up.
  @Test("a compaction whose lane starts with a cancelled timer keeps that key, and the events still come out in order")
  func compactionKeepsTheLanesFirstKey() {
    var calendar = EventCalendar<Int>(lanes: 1)
    calendar.compactionThreshold = 4
    var handles: [EventHandle] = []
    for i in 0..<10 { handles.append(calendar.scheduleCancellable(i, at: .zero + .seconds(Int64(i + 1)), lane: 0)) }
    calendar.schedule(100, at: .zero + .milliseconds(500))
    calendar.schedule(101, at: .zero + .milliseconds(2_500))
    // Cancel 0, 1, 2, 3, 4, 5: the 6th cancellation makes the dead a majority (12 > 10).
    for i in 0..<6 { calendar.cancel(handles[i]) }
    // Left: the dead first key (event 0), events 6…9 in the lane, and the two heap events.
    #expect(calendar.storedCount == 7)
    #expect(calendar.pendingCount == 6)
    calendar.schedule(10, at: .zero + .seconds(11), lane: 0)
    var seen: [Int] = []
    while let event = calendar.popNext() { seen.append(event) }
    #expect(seen == [100, 101, 6, 7, 8, 9, 10])
    #expect(calendar.storedCount == 0 && calendar.pendingCount == 0)
  }

  /// A seeded mix of heap events, lane events (constant delays per lane, as a model's timers)
  /// and cancellations, run on a calendar with lanes and on one without: the same order.
  @Test("lanes never change the order of events: the same trace as the heap alone, over 20 000 random operations",
        arguments: [7, 11, 2026])
  func lanesAreOnlyAFasterPlace(seed: UInt32) {
    let stream = RandomStream(seed: seed)
    var withLanes = EventCalendar<Int>(lanes: 3)
    var heapOnly = EventCalendar<Int>()
    withLanes.compactionThreshold = 16
    heapOnly.compactionThreshold = 16
    let laneDelays: [SimDuration] = [.seconds(60), .seconds(5), .milliseconds(300)]
    var handles: [(EventHandle, EventHandle)] = []
    var traceWith: [(Int64, Int)] = [], traceHeap: [(Int64, Int)] = []
    for id in 0..<20_000 {
      switch stream.integer(below: 10) {
      case 0..<4:
        let delay = SimDuration(nanoseconds: Int64(stream.integer(below: 2_000_000_000)))
        withLanes.schedule(id, after: delay)
        heapOnly.schedule(id, after: delay)
      case 4..<7:
        let lane = stream.integer(below: 3)
        // Occasionally a shorter delay into the same lane (a different client's timeout).
        let delay = stream.bernoulli(0.1) ? laneDelays[lane] / 2 : laneDelays[lane]
        handles.append((withLanes.scheduleCancellable(id, after: delay, lane: lane), heapOnly.scheduleCancellable(id, after: delay)))
      case 7..<9:
        if !handles.isEmpty {
          let (a, b) = handles.remove(at: stream.integer(below: handles.count))
          #expect(withLanes.cancel(a) == heapOnly.cancel(b))
        }
      default:
        if let event = withLanes.popNext() { traceWith.append((withLanes.now.nanoseconds, event)) }
        if let event = heapOnly.popNext() { traceHeap.append((heapOnly.now.nanoseconds, event)) }
      }
    }
    while let event = withLanes.popNext() { traceWith.append((withLanes.now.nanoseconds, event)) }
    while let event = heapOnly.popNext() { traceHeap.append((heapOnly.now.nanoseconds, event)) }
    #expect(traceWith.count == traceHeap.count)
    #expect(traceWith.elementsEqual(traceHeap) { $0 == $1 })
    #expect(traceWith.count > 10_000)
  }
}
