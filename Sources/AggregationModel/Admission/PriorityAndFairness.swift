public import SimCore

/// API Priority and Fairness in one kube-apiserver instance, as a pure event-driven state
/// machine: it owns no calendar; each method takes `now`, changes the state and returns a
/// decision, and the caller schedules the queue-wait timers (research §1d, §6;
/// apiserver:pkg/util/flowcontrol).
///
/// A request (the caller's `UInt32` id, reusable after `finish` or a rejection) is classified by
/// FlowSchema into a priority level and a flow, then executes at once (exempt level, or free seats
/// and nobody queued ahead), waits in a shuffle-sharded queue (for at most
/// `min((deadline − now) / 4, 1 min)`), or is rejected with 429 and the level's dynamic
/// Retry-After. A queuing level rejects only when every seat is in use and the chosen queue
/// already holds `queueLengthLimit` requests (as k8s does); a `.reject` level rejects whenever the
/// request does not fit. Fair queuing between queues is described on `PriorityLevelQueueSet`.
///
/// From 1.26 the levels lend and borrow seats: every 10 s each level's current concurrency limit is
/// re-allocated from its seat demand (`PriorityAndFairness+Borrowing.swift`); before, each level
/// keeps its nominal limit.
///
/// Simplifications versus a real apiserver: the work estimate of a request is `seats × G` (no final-phase
/// seats or extra latency of mutating requests: the caller passes the seat count); FlowSchema rules
/// reduced to `RequestSubject.Purpose`; a request no FlowSchema matches goes to the level named
/// "catch-all" (else the last level), its flow hashed as the catch-all FlowSchema's
/// (apf_controller.go `startRequest`, :1038-1051).
///
/// - Complexity: `admit` O(handSize² + queues), `finish` O(queues) per dispatched request,
///   `queueWaitExpired` O(queue length); no allocation per request once ids and queues have grown.
public struct PriorityAndFairness {
  /// The server-wide settings; every constant is overridable.
  public struct Configuration: Hashable, Sendable {
    /// Seats shared by the non-exempt levels (`--max-requests-inflight` + `--max-mutating-requests-inflight`).
    public var serverConcurrencyLimit = 600
    public var priorityLevels = PriorityLevelConfiguration.kubernetesDefaults
    public var flowSchemas = FlowSchema.kubernetesDefaults
    /// `G`, the fair-queuing work estimate per seat (`VersionDefaults.apfWorkEstimate`: 3 ms from
    /// 1.23, 60 s before); nil: the version's default.
    public var estimatedServiceDuration: SimDuration?
    /// The queue wait is the remaining deadline divided by this...
    public var queueWaitDivisor: Int64 = 4
    /// ...capped at this.
    public var maximumQueueWait: SimDuration = .minutes(1)
    /// Queue wait of a request with no deadline (`SimTime.never`): `--request-timeout` / 4.
    public var defaultQueueWait: SimDuration = .seconds(15)

    /// The queue wait of a request whose deadline is `remaining` away: `min(remaining / divisor, maximum)`.
    public func queueWait(remaining: SimDuration) -> SimDuration {
      min(remaining / queueWaitDivisor, maximumQueueWait)
    }
    /// The largest Retry-After (whole seconds).
    public var maximumRetryAfter: SimDuration = .seconds(32)
    /// Whether levels lend and borrow seats (`VersionDefaults.apfBorrowing`: from 1.26); nil: the
    /// version's default.
    public var borrowing: Bool?
    /// How often the borrowing controller re-allocates the seats (`borrowingAdjustmentPeriod`,
    /// apiserver:pkg/util/flowcontrol/apf_controller.go:79, since 1.26).
    public var borrowingPeriod: SimDuration = .seconds(10)

    public init() {}

    /// Defaults of research §1d at 600 seats.
    public static let kubernetesDefaults = Configuration()
  }

  /// Where a subject's requests go: the level, the FlowSchema and the flow's hash. Classify once
  /// per client and reuse it to avoid string work per request.
  public struct Classification: Hashable, Sendable {
    public var level: Int
    public var flowSchema: Int
    public var flowHash: UInt64
    /// The flow's hand of queues dealt once (`prepareHand`), as an index into its level's table
    /// of hands; -1: dealt per request.
    public var hand: Int32 = -1

    public init(level: Int, flowSchema: Int, flowHash: UInt64) {
      self.level = level
      self.flowSchema = flowSchema
      self.flowHash = flowHash
    }
  }

  public let configuration: Configuration
  /// Level names, in configuration order (a decision's `level` indexes these).
  public let levelNames: [String]
  /// Nominal concurrency limit (seats) per level; 0 for exempt levels.
  public let concurrencyLimits: [Int]
  /// Whether the levels lend and borrow seats (resolved for the version).
  public let borrows: Bool
  /// The version's fair-queuing and seat switches (anti-windup bound, rotating queue choice, max-seats clamp).
  let behaviour: VersionBehaviour
  /// Σ nominal limits (602 with the defaults), the seats the borrowing controller shares out.
  let nominalConcurrencyLimitSum: Int
  /// The borrowing controller's solver, kept so that an adjustment allocates nothing.
  var allocator: ConcurrencyAllocator
  /// Widest request per level (seats); from 1.28 wider requests are clamped.
  public let maxSeats: [Int]

  var levels: [PriorityLevelQueueSet]
  var table = AdmissionRequestTable()
  /// FlowSchema indices, lowest matching precedence first (ties by name).
  private let schemaOrder: [Int]
  private let schemaLevel: [Int]
  private let fallbackLevel: Int

  /// An instance's filter as it starts at `now`, with the defaults of `version` for what the
  /// configuration leaves to it. With borrowing, the first allocation runs at once with zero
  /// demand (apf_controller.go:910).
  public init(configuration: Configuration = .kubernetesDefaults, version: KubernetesVersion = .latest,
              now: SimTime = .zero) throws(AdmissionConfigurationError) {
    let levelConfigs = configuration.priorityLevels
    guard !levelConfigs.isEmpty else { throw AdmissionConfigurationError("at least one priority level is required") }
    guard configuration.serverConcurrencyLimit > 0 else {
      throw AdmissionConfigurationError("serverConcurrencyLimit must be positive, found \(configuration.serverConcurrencyLimit)")
    }
    guard configuration.queueWaitDivisor > 0 else {
      throw AdmissionConfigurationError("queueWaitDivisor must be positive, found \(configuration.queueWaitDivisor)")
    }
    for level in levelConfigs {
      guard level.shares >= 0 else { throw AdmissionConfigurationError("priority level \(level.name): shares must not be negative") }
      if !level.isExempt, case .queuing(let queues, let handSize, let limit) = level.limited {
        guard queues >= 1, handSize >= 1, handSize <= queues, limit >= 1 else {
          throw AdmissionConfigurationError(
            "priority level \(level.name): need queues >= 1, 1 <= handSize <= queues and queueLengthLimit >= 1, found queues \(queues), handSize \(handSize), queueLengthLimit \(limit)")
        }
      }
    }
    let names = levelConfigs.map(\.name)
    var schemaLevel: [Int] = []
    for schema in configuration.flowSchemas {
      guard let index = names.firstIndex(of: schema.priorityLevel) else {
        throw AdmissionConfigurationError("flow schema \(schema.name): no priority level named \(schema.priorityLevel)")
      }
      schemaLevel.append(index)
    }
    let limits = PriorityLevelConfiguration.nominalConcurrencyLimits(levelConfigs, serverConcurrencyLimit: configuration.serverConcurrencyLimit)
    var configuration = configuration
    VersionDefaults.apfBorrowing.fill(&configuration.borrowing, in: version)
    VersionDefaults.apfWorkEstimate.fill(&configuration.estimatedServiceDuration, in: version)
    behaviour = VersionBehaviour(version)
    self.configuration = configuration
    levelNames = names
    concurrencyLimits = limits
    borrows = configuration.borrowing.resolved
    nominalConcurrencyLimitSum = limits.reduce(0, +)
    allocator = ConcurrencyAllocator(capacity: levelConfigs.count)
    levels = Self.freshLevels(configuration, limits: limits, tracksDemand: borrows, behaviour: behaviour, now: now)
    maxSeats = levels.map(\.maxSeats)
    let schemas = configuration.flowSchemas
    schemaOrder = schemas.indices.sorted {
      (schemas[$0].matchingPrecedence, schemas[$0].name) < (schemas[$1].matchingPrecedence, schemas[$1].name)
    }
    self.schemaLevel = schemaLevel
    fallbackLevel = names.firstIndex(of: "catch-all") ?? names.count - 1
    if borrows { allocateSeats(now: now) }
  }

  /// Every level empty, at its nominal limit.
  static func freshLevels(_ configuration: Configuration, limits: [Int], tracksDemand: Bool, behaviour: VersionBehaviour,
                          now: SimTime) -> [PriorityLevelQueueSet] {
    zip(configuration.priorityLevels, limits).map { config, limit in
      PriorityLevelQueueSet(configuration: config, concurrencyLimit: limit, serverConcurrencyLimit: configuration.serverConcurrencyLimit,
                            tracksDemand: tracksDemand, antiWindup: behaviour.fairQueuingAntiWindup,
                            rotatesQueueChoice: behaviour.fairQueuingRotatingQueueChoice,
                            clampsToMaxSeats: behaviour.perLevelMaxSeats,
                            estimatedServiceDuration: configuration.estimatedServiceDuration.resolved,
                            maximumRetryAfter: configuration.maximumRetryAfter, now: now)
    }
  }

  /// The index of the level named `name`.
  public func levelIndex(named name: String) -> Int? { levelNames.firstIndex(of: name) }

  /// FlowSchema matching: the lowest matching precedence wins (ties: smaller name).
  public func classify(_ subject: RequestSubject) -> Classification {
    for index in schemaOrder where configuration.flowSchemas[index].matches(subject) {
      let schema = configuration.flowSchemas[index]
      return Classification(level: schemaLevel[index], flowSchema: index,
                            flowHash: flowHash(flowSchema: schema.name, distinguisher: schema.distinguisher(of: subject)))
    }
    return Classification(level: fallbackLevel, flowSchema: -1,
                          flowHash: flowHash(flowSchema: "catch-all", distinguisher: subject.userName))
  }

  /// Deals the classification's hand of queues once, so that its requests skip the dealing:
  /// the hand depends only on the flow's hash (shuffle sharding), and the same cards are tried
  /// in the same order.
  public mutating func prepareHand(_ classification: inout Classification) {
    classification.hand = levels[classification.level].rememberHand(of: classification.flowHash)
  }

  /// Admits a request from `subject` needing `seats` seats, whose deadline is `deadline`
  /// (`SimTime.never` if none).
  public mutating func admit(_ request: UInt32, subject: RequestSubject, seats: Int, now: SimTime, deadline: SimTime) -> AdmissionDecision {
    admit(request, classification: classify(subject), seats: seats, now: now, deadline: deadline)
  }

  /// Admits an already classified request.
  ///
  /// - Precondition: `request` is not queued or executing.
  public mutating func admit(_ request: UInt32, classification: Classification, seats: Int, now: SimTime,
                             deadline: SimTime) -> AdmissionDecision {
    table.ensure(request)
    let i = Int(request)
    precondition(table.phase[i] == .idle, "request \(request) admitted while still \(table.phase[i])")
    let l = classification.level
    levels[l].sync(now: now)
    let width = levels[l].clampSeats(seats)
    table.level[i] = Int32(l)
    table.seats[i] = Int32(width)
    table.admitted[i] = now
    table.queue[i] = -1
    if levels[l].isExempt || levels[l].dealer == nil {
      if levels[l].canAccommodate(width) {
        levels[l].startUnqueued(request, seats: width, now: now, table: &table)
        levels[l].queueWait.add(0)
        return .execute(level: l)
      }
      return .rejected(level: l, retryAfter: levels[l].reject(now: now))
    }
    guard levels[l].enqueue(request, seats: width, hash: classification.flowHash, hand: Int(classification.hand), now: now,
                            table: &table) else {
      return .rejected(level: l, retryAfter: levels[l].reject(now: now))
    }
    // One fair-queuing choice, taken only if it is this request: only its queue changed, so nothing
    // else became dispatchable (save exact virtual-time ties, which the next finish resolves).
    if levels[l].dispatchOne(now: now, table: &table, only: request) == request { return .execute(level: l) }
    return .queued(level: l, queueWaitDeadline: now + queueWait(now: now, deadline: deadline))
  }

  /// `min((deadline − now) / divisor, maximum)`, or the default for a request without deadline.
  public func queueWait(now: SimTime, deadline: SimTime) -> SimDuration {
    guard deadline != .never else { return configuration.defaultQueueWait }
    return configuration.queueWait(remaining: max(deadline - now, .zero))
  }

  /// The queue-wait timer of `request` fired. True: it was still waiting and is now rejected with
  /// 429 (counted as a drop of its level). False: a stale timer (dispatched or finished).
  ///
  /// Taking a request out of its queue can unblock the level when it was a wide head that did not
  /// fit; the requests that then start are appended to `dispatched`.
  public mutating func queueWaitExpired(_ request: UInt32, now: SimTime, dispatched: inout [UInt32]) -> Bool {
    guard table.phase(of: request) == .queued else { return false }
    let l = Int(table.level[Int(request)])
    levels[l].sync(now: now)
    levels[l].removeWaiting(request, now: now, table: &table)
    _ = levels[l].reject(now: now)
    while let next = levels[l].dispatchOne(now: now, table: &table) { dispatched.append(next) }
    return true
  }

  /// `queueWaitExpired(_:now:dispatched:)` for callers whose requests all take one seat, where an
  /// expiry never lets another request start.
  ///
  /// - Precondition: the expiry dispatched nothing (else use the `dispatched:` form).
  public mutating func queueWaitExpired(_ request: UInt32, now: SimTime) -> Bool {
    var dispatched: [UInt32] = []
    let expired = queueWaitExpired(request, now: now, dispatched: &dispatched)
    precondition(dispatched.isEmpty, "queueWaitExpired(\(request)) started \(dispatched); use queueWaitExpired(_:now:dispatched:)")
    return expired
  }

  /// `request` completed (or its client gave up while it waited): releases its seats and appends
  /// to `dispatched` the ids of the queued requests this lets start, in dispatch order.
  public mutating func finish(_ request: UInt32, now: SimTime, dispatched: inout [UInt32]) {
    let phase = table.phase(of: request)
    guard phase != .idle else { return }
    let l = Int(table.level[Int(request)])
    levels[l].sync(now: now)
    if phase == .queued {
      levels[l].removeWaiting(request, now: now, table: &table)
    } else {
      levels[l].release(request, now: now, table: &table)
    }
    while let next = levels[l].dispatchOne(now: now, table: &table) { dispatched.append(next) }
  }

  /// `finish(_:now:dispatched:)` returning a new array (allocates; convenient in tests).
  public mutating func finish(_ request: UInt32, now: SimTime) -> [UInt32] {
    var dispatched: [UInt32] = []
    finish(request, now: now, dispatched: &dispatched)
    return dispatched
  }

  /// Forgets every level's statistics (seats in use, queue length, queue waits, 429 count)
  /// gathered before `now`, the end of a warm-up; seats and queues are kept.
  /// The apiserver process restarted at `now`: every seat and queue is empty again, as in a new
  /// filter, while the statistics go on (seats in use and queue lengths drop to 0 at `now`;
  /// rejections and queue waits counted so far stay).
  /// With borrowing, the new process allocates with zero demand again; the cluster's background
  /// traffic comes back at once.
  public mutating func restarted(at now: SimTime) {
    let old = levels
    levels = Self.freshLevels(configuration, limits: concurrencyLimits, tracksDemand: borrows, behaviour: behaviour, now: now)
    if borrows { allocateSeats(now: now) }
    for index in levels.indices {
      levels[index].carryStatistics(from: old[index], at: now)
      if old[index].backgroundSeats > 0 { levels[index].setBackgroundSeats(old[index].backgroundSeats, now: now) }
    }
    table = AdmissionRequestTable()
  }

  public mutating func resetStatistics(at now: SimTime) {
    for index in levels.indices { levels[index].resetStatistics(at: now) }
  }

  // MARK: Introspection

  public func seatsInUse(level: Int) -> Int { levels[level].seatsInUse }
  /// The level's current concurrency limit (seats): nominal, or as the last borrowing adjustment set it.
  public func currentConcurrencyLimit(level: Int) -> Int { levels[level].concurrencyLimit }
  /// Time-weighted current concurrency limit.
  public func concurrencyLimitStatistic(level: Int) -> TimeWeightedStatistic { levels[level].concurrencyLimitStatistic }
  /// Seats the cluster's other traffic holds at the level.
  public func backgroundSeats(level: Int) -> Int { levels[level].backgroundSeats }
  public func executingRequests(level: Int) -> Int { levels[level].executing }
  public func queuedRequests(level: Int) -> Int { levels[level].waiting }
  /// Time-weighted seats in use, the background's included (recorded at each change).
  public func seatsInUseStatistic(level: Int) -> TimeWeightedStatistic { levels[level].seatsInUseStatistic }
  /// Time-weighted number of waiting requests.
  public func queueLengthStatistic(level: Int) -> TimeWeightedStatistic { levels[level].queueLengthStatistic }
  /// 429s so far: queue full, reject level full, queue wait expired.
  public func rejectedCount(level: Int) -> Int { levels[level].rejected }
  /// Queue wait in seconds of every request that started executing (0 for those that never queued).
  public func queueWaitTally(level: Int) -> Tally { levels[level].queueWait }
  /// The Retry-After a 429 of this level would carry now (before counting it).
  public func retryAfter(level: Int) -> SimDuration { levels[level].dropTracker.retryAfter }
  /// How long `request` waited before it started executing (its latest admission).
  public func queueWait(of request: UInt32) -> SimDuration {
    let i = Int(request)
    return table.dispatched[i] - table.admitted[i]
  }
  /// The queue `request` waits or waited in, if it went through a queue.
  public func queueIndex(of request: UInt32) -> Int? {
    Int(request) < table.count && table.queue[Int(request)] >= 0 ? Int(table.queue[Int(request)]) : nil
  }
}
