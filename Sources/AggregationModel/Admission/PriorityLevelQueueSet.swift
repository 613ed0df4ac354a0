internal import DequeModule
import SimCore

/// The state of one priority level of API Priority and Fairness: seats in use, shuffle-sharded
/// queues and the fair-queuing virtual clock (after apiserver:pkg/util/flowcontrol/fairqueuing/
/// queueset/queueset.go), plus the level's metrics.
///
/// Fair queuing: the level keeps a virtual time `R` (seat-seconds per active queue) that advances
/// at `min(seats requested, CL) / active queues` per real second; a queue is active while it has a
/// waiting or executing request. An idle queue that receives a request starts at `R`. The next
/// request to dispatch is the head of the queue with the smallest virtual finish
/// `nextDispatchR + seats × G` (ties: round robin after the last queue served), where `G` is the
/// estimated service duration (3 ms from 1.23, 60 s before: queueset.go:215) because the real one
/// is unknown at dispatch. Dispatch adds `seats × G` to the queue's `nextDispatchR`; finish
/// corrects it by `seats × (G − actual)` (:938), so a long request is charged when it ends. From
/// 1.23 the anti-windup bound (`boundNextDispatchLocked`, :952-964) keeps a queue's
/// `nextDispatchR` at or after the arrival `R` of its oldest waiting request, after every
/// enqueue, dispatch, finish and removal in that queue. A head that does not fit in the free
/// seats blocks the level until enough seats are free.
///
/// - Complexity: dispatch O(queues); enqueue O(handSize²); removing a timed-out request
///   O(queue length). No allocation once the queues' buffers have grown.
struct PriorityLevelQueueSet {
  /// The current concurrency limit (seats), used for dispatch and for the queue-full 429: the
  /// nominal limit, or with borrowing (1.26+) what the last adjustment allocated.
  private(set) var concurrencyLimit: Int
  /// `ceil(server × shares / Σshares)`; 0 for an exempt level.
  let nominalConcurrencyLimit: Int
  /// `nominal − round(nominal × lendablePercent / 100)`: the least borrowing leaves it (`minCL`).
  let minimumConcurrencyLimit: Int
  /// `nominal + serverConcurrencyLimit`: the most it may borrow up to (`maxCL`; no bootstrap
  /// level sets `borrowingLimitPercent`, apf_controller.go:871).
  let maximumConcurrencyLimit: Int
  /// From the nominal limit, also with borrowing (apf_controller.go:892).
  let maxSeats: Int
  /// Whether a request's seats are clamped to `maxSeats` (1.28+, `VersionBehaviour.perLevelMaxSeats`).
  let clampsToMaxSeats: Bool
  let isExempt: Bool
  let queueLengthLimit: Int
  /// nil: no queues (exempt or reject level).
  let dealer: ShuffleShardingDealer?
  /// `G`, in seconds.
  let estimatedServiceSeconds: Double
  /// Whether `boundNextDispatch` applies (1.23+).
  let antiWindup: Bool
  /// Whether the scan of a hand for the queue to join starts at a card that rotates with every
  /// enqueue (1.23+, `VersionBehaviour.fairQueuingRotatingQueueChoice`); before, in dealing order.
  let rotatesQueueChoice: Bool

  var seatsInUse = 0
  var executing = 0
  var waiting = 0
  /// Seats of the waiting requests.
  var waitingSeatsTotal = 0
  /// Seats the cluster's other (not simulated) traffic holds at this level now
  /// (`PriorityLevelConfiguration.background`): they count as in use.
  private(set) var backgroundSeats = 0
  /// Whether the seat demand is integrated (borrowing is on).
  let tracksDemand: Bool
  /// Seats in use plus seats waiting (and the background), over the current borrowing period.
  var demand: SeatDemandIntegrator
  var demandStatistics = SeatDemandStatistics()

  var queues: [Deque<UInt32>]
  /// Hands dealt once per flow (`rememberHand`), `handSize` queue indices each, in dealing order.
  var hands: [Int32] = []
  /// Requests that went through the shuffle sharding (queueset.go `enqueues`, rejected ones
  /// included): with `rotatesQueueChoice`, the next scan starts at card `enqueues % handSize`.
  var enqueues = 0
  var waitingSeats: [Int]
  var executingSeats: [Int]
  var executingCount: [Int]
  var nextDispatchR: [Double]
  var currentR = 0.0
  var lastSync: SimTime
  var activeQueues = 0
  var seatsRequested = 0
  var robinIndex = -1

  /// Time-weighted seats in use, the background's included.
  var seatsInUseStatistic: TimeWeightedStatistic
  var queueLengthStatistic: TimeWeightedStatistic
  /// Time-weighted current concurrency limit.
  var concurrencyLimitStatistic: TimeWeightedStatistic
  var rejected = 0
  var queueWait = Tally()
  var dropTracker: DroppedRequestsTracker

  init(configuration: PriorityLevelConfiguration, concurrencyLimit: Int, serverConcurrencyLimit: Int, tracksDemand: Bool,
       antiWindup: Bool, rotatesQueueChoice: Bool, clampsToMaxSeats: Bool, estimatedServiceDuration: SimDuration,
       maximumRetryAfter: SimDuration, now: SimTime) {
    self.antiWindup = antiWindup
    self.clampsToMaxSeats = clampsToMaxSeats
    self.rotatesQueueChoice = rotatesQueueChoice
    self.concurrencyLimit = concurrencyLimit
    nominalConcurrencyLimit = concurrencyLimit
    let lendable = (Double(concurrencyLimit * configuration.lendablePercent) / 100).rounded()
    minimumConcurrencyLimit = concurrencyLimit - Int(lendable)
    maximumConcurrencyLimit = concurrencyLimit + serverConcurrencyLimit
    self.tracksDemand = tracksDemand
    demand = SeatDemandIntegrator(at: now)
    concurrencyLimitStatistic = TimeWeightedStatistic(at: now)
    concurrencyLimitStatistic.record(Double(concurrencyLimit), at: now)
    maxSeats = configuration.maxSeats(concurrencyLimit: concurrencyLimit)
    isExempt = configuration.isExempt
    estimatedServiceSeconds = estimatedServiceDuration.seconds
    var queueCount = 0
    if !configuration.isExempt, case .queuing(let queues, let handSize, let limit) = configuration.limited {
      queueCount = queues
      queueLengthLimit = limit
      dealer = ShuffleShardingDealer(deckSize: queues, handSize: handSize)
    } else {
      queueLengthLimit = 0
      dealer = nil
    }
    queues = (0..<queueCount).map { _ in
      var queue = Deque<UInt32>()
      queue.reserveCapacity(8)
      return queue
    }
    waitingSeats = Array(repeating: 0, count: queueCount)
    executingSeats = Array(repeating: 0, count: queueCount)
    executingCount = Array(repeating: 0, count: queueCount)
    nextDispatchR = Array(repeating: 0, count: queueCount)
    lastSync = now
    seatsInUseStatistic = TimeWeightedStatistic(at: now)
    queueLengthStatistic = TimeWeightedStatistic(at: now)
    dropTracker = DroppedRequestsTracker(maximumSeconds: max(1, maximumRetryAfter.nanoseconds / 1_000_000_000))
  }

  /// Forgets the statistics gathered before `now` (the end of a warm-up); the state is kept.
  /// Takes over the statistics of the level it replaces after a restart: they go on, with no
  /// seat in use and nothing queued from `now`.
  mutating func carryStatistics(from old: PriorityLevelQueueSet, at now: SimTime) {
    hands = old.hands  // the flows' hands: dealt by their hash, the same after a restart
    seatsInUseStatistic = old.seatsInUseStatistic
    queueLengthStatistic = old.queueLengthStatistic
    concurrencyLimitStatistic = old.concurrencyLimitStatistic
    concurrencyLimitStatistic.record(Double(concurrencyLimit), at: now)
    seatsInUseStatistic.record(0, at: now)
    queueLengthStatistic.record(0, at: now)
    rejected = old.rejected
    queueWait = old.queueWait
    dropTracker = old.dropTracker
  }

  mutating func resetStatistics(at now: SimTime) {
    seatsInUseStatistic.reset(at: now)
    queueLengthStatistic.reset(at: now)
    concurrencyLimitStatistic.reset(at: now)
    rejected = 0
    queueWait.reset()
  }

  /// A request's width: at least 1, and from 1.28 at most `maxSeats` or, for a level without
  /// (`maxSeats` 0) and above 10, the estimators' 10 (before, the caller's seats, at most 10 by the
  /// estimators).
  func clampSeats(_ seats: Int) -> Int {
    guard !isExempt, clampsToMaxSeats else { return max(1, seats) }
    let limit = PriorityLevelConfiguration.estimatorSeatsLimit
    return min(max(1, seats), maxSeats == 0 ? limit : min(maxSeats, limit))
  }

  /// Advances the virtual clock to `now`.
  mutating func sync(now: SimTime) {
    guard now > lastSync else { return }
    if activeQueues > 0 {
      let ratio = Double(min(seatsRequested, concurrencyLimit)) / Double(activeQueues)
      currentR += ratio * (now - lastSync).seconds
    }
    lastSync = now
  }

  /// Whether a request of `seats` seats may start now (queueset.go `canAccommodateSeatsLocked`):
  /// a request wider than the limit starts only when nothing else executes.
  func canAccommodate(_ seats: Int) -> Bool {
    if isExempt { return true }
    if seats > concurrencyLimit { return executing == 0 && backgroundSeats == 0 }
    return seatsInUse + backgroundSeats + seats <= concurrencyLimit
  }

  /// Records the seats in use, the queue length and the seat demand after a change.
  mutating func recordStatistics(now: SimTime) {
    seatsInUseStatistic.record(Double(seatsInUse + backgroundSeats), at: now)
    queueLengthStatistic.record(Double(waiting), at: now)
    if tracksDemand { demand.set(Double(seatsInUse + waitingSeatsTotal + backgroundSeats), at: now) }
  }

  /// The borrowing controller set the level's limit (the caller dispatches what it lets start).
  mutating func setConcurrencyLimit(_ limit: Int, now: SimTime) {
    guard limit != concurrencyLimit else { return }
    concurrencyLimit = limit
    concurrencyLimitStatistic.record(Double(limit), at: now)
  }

  /// The cluster's other traffic holds `seats` seats at this level from `now` on.
  mutating func setBackgroundSeats(_ seats: Int, now: SimTime) {
    backgroundSeats = seats
    recordStatistics(now: now)
  }

  /// Starts a request outside any queue (exempt level, or a reject level with room).
  mutating func startUnqueued(_ request: UInt32, seats: Int, now: SimTime, table: inout AdmissionRequestTable) {
    seatsInUse += seats
    executing += 1
    let i = Int(request)
    table.phase[i] = .executing
    table.queue[i] = -1
    table.dispatched[i] = now
    recordStatistics(now: now)
  }

  /// Counts a 429 and returns its Retry-After.
  mutating func reject(now: SimTime) -> SimDuration {
    rejected += 1
    return dropTracker.recordDrop(now: now)
  }

  /// Deals the hand of the flow with this hash once; its index for `enqueue` (-1: not a queued level).
  mutating func rememberHand(of hash: UInt64) -> Int32 {
    guard let dealer else { return -1 }
    let index = Int32(hands.count / dealer.handSize)
    dealer.deal(hash) { hands.append(Int32($0)) }
    return index
  }

  /// Puts `request` into the best queue of its hand; false if that queue is full (and every seat
  /// is in use, as in k8s `rejectOrEnqueueToBoundLocked`).
  mutating func enqueue(_ request: UInt32, seats: Int, hash: UInt64, hand: Int = -1, now: SimTime,
                        table: inout AdmissionRequestTable) -> Bool {
    guard let dealer else { return false }
    let handSize = dealer.handSize
    var first = hand * handSize
    if hand < 0 {
      // Dealt now, into the scratch cards after the remembered hands.
      first = hands.count
      dealer.deal(hash) { hands.append(Int32($0)) }
    }
    // The queue of the hand with the fewest waiting seats, the first found on a tie. From 1.23
    // (queueset.go `shuffleShardLocked`, :583-611) the least waiting work `TotalWorkSum` (seats × G
    // here, so seats decide), scanned from card `enqueues % handSize`; in 1.22 (`chooseQueueIndexLocked`)
    // the least waiting seats in dealing order, in 1.20–1.21 the fewest waiting requests, the same
    // when every request takes one seat, as it does before 1.23 (`VersionBehaviour.aggregatedListSeats`).
    let offset = rotatesQueueChoice ? enqueues % handSize : 0
    enqueues += 1
    var best = -1
    var bestSeats = Int.max
    for i in 0..<handSize {
      let q = Int(hands[first + (offset + i) % handSize])
      if waitingSeats[q] < bestSeats {
        bestSeats = waitingSeats[q]
        best = q
      }
    }
    if hand < 0 { hands.removeLast(handSize) }
    if seatsInUse + backgroundSeats >= concurrencyLimit && queues[best].count >= queueLengthLimit { return false }
    if queues[best].isEmpty && executingCount[best] == 0 {
      nextDispatchR[best] = currentR
      activeQueues += 1
    }
    queues[best].append(request)
    waitingSeats[best] += seats
    waiting += 1
    waitingSeatsTotal += seats
    seatsRequested += seats
    let i = Int(request)
    table.phase[i] = .queued
    table.queue[i] = Int32(best)
    table.arrivalR[i] = currentR
    boundNextDispatch(best, table: table)
    recordStatistics(now: now)
    return true
  }

  /// Dispatches the fair-queuing choice if it fits; returns its id, or nil (nothing waiting, or
  /// the chosen head needs more seats than are free, or `only` is given and the choice is another
  /// request).
  mutating func dispatchOne(now: SimTime, table: inout AdmissionRequestTable, only: UInt32? = nil) -> UInt32? {
    guard waiting > 0 else { return nil }
    var minIndex = -1
    if waiting == 1, let only {
      // The request just enqueued is the only one waiting: its queue is the choice (the scan
      // below would find the same), which spares an uncontended level a scan of every queue.
      minIndex = Int(table.queue[Int(only)])
    } else {
      let n = queues.count
      var minFinish = Double.infinity
      var index = robinIndex
      for _ in 0..<n {
        index += 1
        if index == n { index = 0 }
        guard let head = queues[index].first else { continue }
        let finish = nextDispatchR[index] + Double(table.seats[Int(head)]) * estimatedServiceSeconds
        if finish < minFinish {
          minFinish = finish
          minIndex = index
        }
      }
    }
    guard minIndex >= 0, let head = queues[minIndex].first else { return nil }
    let seats = Int(table.seats[Int(head)])
    guard canAccommodate(seats), only == nil || only == head else { return nil }
    robinIndex = minIndex
    queues[minIndex].removeFirst()
    waitingSeats[minIndex] -= seats
    waiting -= 1
    waitingSeatsTotal -= seats
    executingSeats[minIndex] += seats
    executingCount[minIndex] += 1
    seatsInUse += seats
    executing += 1
    nextDispatchR[minIndex] += Double(seats) * estimatedServiceSeconds
    boundNextDispatch(minIndex, table: table)
    let i = Int(head)
    table.phase[i] = .executing
    table.dispatched[i] = now
    queueWait.add((now - table.admitted[i]).seconds)
    recordStatistics(now: now)
    return head
  }

  /// Releases an executing request's seats (no dispatching).
  mutating func release(_ request: UInt32, now: SimTime, table: inout AdmissionRequestTable) {
    let i = Int(request)
    let seats = Int(table.seats[i])
    seatsInUse -= seats
    executing -= 1
    let q = Int(table.queue[i])
    if q >= 0 {
      executingSeats[q] -= seats
      executingCount[q] -= 1
      seatsRequested -= seats
      let actual = (now - table.dispatched[i]).seconds
      nextDispatchR[q] -= Double(seats) * (estimatedServiceSeconds - actual)
      boundNextDispatch(q, table: table)
      if queues[q].isEmpty && executingCount[q] == 0 { activeQueues -= 1 }
    }
    table.phase[i] = .idle
    recordStatistics(now: now)
  }

  /// Takes a waiting request out of its queue (timed out or abandoned).
  mutating func removeWaiting(_ request: UInt32, now: SimTime, table: inout AdmissionRequestTable) {
    let i = Int(request)
    let q = Int(table.queue[i])
    let seats = Int(table.seats[i])
    if let position = queues[q].firstIndex(of: request) { queues[q].remove(at: position) }
    waitingSeats[q] -= seats
    waiting -= 1
    waitingSeatsTotal -= seats
    seatsRequested -= seats
    if queues[q].isEmpty && executingCount[q] == 0 { activeQueues -= 1 }
    boundNextDispatch(q, table: table)
    table.phase[i] = .idle
    recordStatistics(now: now)
  }

  /// The anti-windup bound: the queue's next dispatch is not before its oldest waiting request's
  /// arrival `R`.
  mutating func boundNextDispatch(_ q: Int, table: AdmissionRequestTable) {
    guard antiWindup, let head = queues[q].first else { return }
    let arrival = table.arrivalR[Int(head)]
    if nextDispatchR[q] < arrival { nextDispatchR[q] = arrival }
  }
}
