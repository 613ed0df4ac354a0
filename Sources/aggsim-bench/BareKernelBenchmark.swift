import DequeModule
import HeapModule
import SimCore

/// The engine's M/M/1 with nothing but its dependencies: the same exponential draws (GSL's
/// MT19937 and quantile, through `RandomSource`, from the same streams), a swift-collections
/// `Heap` of bare (time, kind) entries, a `Deque` of arrival times and a running sum of waits. No calendar records, FIFO
/// tie-break, lanes or cancellation, no statistics beyond the mean.
///
/// It is printed next to the engine and SimPy so that one run shows how much of the ratio to
/// SimPy the engine could still gain and how much the required dependencies fix: on the machine
/// of 2026-12-01 this kernel ran at about 124x SimPy (38.5 M events/s in peer-bench's native
/// Swift version with a hand-written binary heap), so issue 9's 150x is out of reach there with
/// GSL's generator whatever the engine does.
enum BareKernelBenchmark {
  /// A pending event: when (nanoseconds) and whether it is an arrival (else a departure).
  struct Entry: Comparable {
    var time: Int64
    var isArrival: Bool

    static func < (a: Entry, b: Entry) -> Bool { a.time < b.time }
    static func == (a: Entry, b: Entry) -> Bool { a.time == b.time }
  }

  /// Runs the bare kernel `runs` times on `customers` customers; prints and returns the median.
  static func run(customers: Int, runs: Int) -> EngineBenchmark.Measurement {
    let timed = EngineBenchmark.timedRuns(runs) { measure(customers: customers) }
    let median = timed[timed.count / 2]
    print("bare    events \(median.events)  wall \(median.wallSeconds.fixed(3)) s  events/s \((median.eventsPerSecond / 1e6).fixed(2)) M"
          + "  mean wait \(median.meanWait.fixed(3)) s  (the same draws into a Heap of (time, kind), no engine; median of \(timed.count))")
    return median
  }

  /// One timed run of `customers` customers.
  static func measure(customers: Int) -> EngineBenchmark.Measurement {
    let streams = try! StreamRegistry(runSeed: EngineBenchmark.seed, replication: 0)
    let arrivals = streams.stream("station/arrivals").source, service = streams.stream("station/service").source
    let interarrival = SimDuration.seconds(1 / EngineBenchmark.arrivalRate)
    let serviceMean = SimDuration.seconds(1 / EngineBenchmark.serviceRate)
    let ((events, waitSum, served), wall, allocations) = Probe.timedCountingAllocations { () -> (UInt64, Double, Int) in
      var heap = Heap<Entry>(minimumCapacity: 64)
      var waiting = Deque<Int64>(minimumCapacity: 1_024)
      var arrived = 0, busy = false, events: UInt64 = 0, waitSum = 0.0, served = 0
      heap.insert(Entry(time: arrivals.exponential(mean: interarrival).nanoseconds, isArrival: true))
      while let event = heap.popMin() {
        events &+= 1
        let now = event.time
        if event.isArrival {
          arrived += 1
          if arrived < customers { heap.insert(Entry(time: now + arrivals.exponential(mean: interarrival).nanoseconds, isArrival: true)) }
          if busy {
            waiting.append(now)
          } else {
            busy = true
            served += 1
            heap.insert(Entry(time: now + service.exponential(mean: serviceMean).nanoseconds, isArrival: false))
          }
        } else if let arrival = waiting.popFirst() {
          waitSum += Double(now - arrival) * 1e-9
          served += 1
          heap.insert(Entry(time: now + service.exponential(mean: serviceMean).nanoseconds, isArrival: false))
        } else {
          busy = false
        }
      }
      return (events, waitSum, served)
    }
    return EngineBenchmark.Measurement(events: events, wallSeconds: wall, meanWait: waitSum / Double(Swift.max(served, 1)),
                                       allocations: allocations)
  }
}
