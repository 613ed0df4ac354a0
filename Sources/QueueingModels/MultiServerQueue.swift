public import SimCore
internal import DequeModule

/// The reference queueing station of the engine's proofs and benchmarks: G/G/c/K.
///
/// Customers arrive with inter-arrival times drawn from `interarrival`, are served first-come
/// first-served by `servers` identical servers with service times drawn from `service`, and
/// wait in an unbounded FIFO queue, or are turned away when `capacity` customers (in queue and
/// in service together) are already present. With exponential inter-arrivals this is M/G/c/K;
/// M/M/1, M/M/c (Erlang C), M/D/1, M/G/1 (Pollaczek–Khinchine) and M/M/c/c (Erlang B) are
/// special cases.
///
/// Written on the SimCore API the way every model is: a small event enum, an `EventCalendar`,
/// one `RandomStream` per purpose (arrivals, service) and SimCore statistics. The first
/// `warmupCustomers` arrivals are left out of the wait and blocking statistics.
public struct StationConfiguration: Hashable, Sendable {
  public var interarrival: Distribution
  public var service: Distribution
  public var servers: Int
  /// Most customers present at once (queue and service); nil = unbounded.
  public var capacity: Int?
  /// Arrivals after which no new customer arrives; the run ends when the last one leaves.
  public var customers: Int
  /// Leading arrivals excluded from the statistics.
  public var warmupCustomers: Int
  /// Customers per batch of the within-run batch-means interval.
  public var batchSize: Int

  public init(interarrival: Distribution, service: Distribution, servers: Int = 1, capacity: Int? = nil,
              customers: Int, warmupCustomers: Int = 0, batchSize: Int = 10_000) {
    self.interarrival = interarrival
    self.service = service
    self.servers = servers
    self.capacity = capacity
    self.customers = customers
    self.warmupCustomers = warmupCustomers
    self.batchSize = batchSize
  }
}

/// What one run of a `MultiServerQueue` measured (after warm-up).
public struct StationResult: Sendable {
  /// Waits in queue, seconds, of admitted customers.
  public var wait: Tally
  /// Batch means of the waits, for a within-run confidence interval.
  public var waitBatches: BatchMeans
  /// Arrivals counted (after warm-up) and those turned away because the station was full.
  public var arrivals: Int
  public var blocked: Int
  /// Time-weighted number of busy servers over the run, divided by the server count.
  public var utilisation: Double
  /// Events handled and the simulated time the run covered.
  public var events: UInt64
  public var duration: SimDuration

  public var blockingProbability: Double { arrivals > 0 ? Double(blocked) / Double(arrivals) : 0 }
}

/// One replication of a `StationConfiguration`; see there for the model.
public struct MultiServerQueue {
  enum Event { case arrival, departure }
  /// A customer in the queue: when it arrived and whether it counts (arrived after warm-up).
  struct Customer {
    let arrival: SimTime
    let counted: Bool
  }

  let configuration: StationConfiguration
  /// The run's streams (kept alive: the sources below draw from them).
  let streams: StreamRegistry
  let arrivalStream: RandomSource
  let serviceStream: RandomSource
  var calendar = EventCalendar<Event>(capacity: 64)
  var waiting = Deque<Customer>()
  var busyServers = 0
  var arrived = 0
  var result: StationResult
  var busy = TimeWeightedStatistic()

  /// A station whose streams `arrivals` and `service` come from `streams`.
  public init(_ configuration: StationConfiguration, streams: StreamRegistry) {
    self.configuration = configuration
    self.streams = streams
    arrivalStream = streams.stream("station/arrivals").source
    serviceStream = streams.stream("station/service").source
    result = StationResult(wait: Tally(), waitBatches: BatchMeans(batchSize: configuration.batchSize),
                           arrivals: 0, blocked: 0, utilisation: 0, events: 0, duration: .zero)
    waiting.reserveCapacity(1_024)
  }

  /// Runs until every customer has arrived and left, and returns the measurements.
  public mutating func run() -> StationResult {
    calendar.schedule(.arrival, after: configuration.interarrival.sample(arrivalStream))
    while let event = calendar.popNext() {
      switch event {
      case .arrival: arrive()
      case .departure: depart()
      }
    }
    result.events = calendar.eventsHandled
    result.duration = calendar.now.sinceStart
    result.utilisation = busy.mean(upTo: calendar.now) / Double(configuration.servers)
    return result
  }

  @inline(__always) mutating func arrive() {
    let now = calendar.now
    arrived += 1
    if arrived < configuration.customers {
      calendar.schedule(.arrival, after: configuration.interarrival.sample(arrivalStream))
    }
    let customer = Customer(arrival: now, counted: arrived > configuration.warmupCustomers)
    if customer.counted { result.arrivals += 1 }
    if let capacity = configuration.capacity, busyServers + waiting.count >= capacity {
      if customer.counted { result.blocked += 1 }
      return
    }
    guard busyServers < configuration.servers else {
      waiting.append(customer)
      return
    }
    busyServers += 1
    busy.record(Double(busyServers), at: now)
    serve(customer)
  }

  @inline(__always) mutating func depart() {
    guard let next = waiting.popFirst() else {
      busyServers -= 1
      busy.record(Double(busyServers), at: calendar.now)
      return
    }
    serve(next)  // the server that just finished takes the head of the queue
  }

  @inline(__always) mutating func serve(_ customer: Customer) {
    if customer.counted {
      let wait = (calendar.now - customer.arrival).seconds
      result.wait.add(wait)
      result.waitBatches.add(wait)
    }
    calendar.schedule(.departure, after: configuration.service.sample(serviceStream))
  }
}
