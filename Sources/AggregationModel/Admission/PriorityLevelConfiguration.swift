public import SimCore

/// One API Priority and Fairness priority level of a kube-apiserver, as in a
/// `PriorityLevelConfiguration` object: its share of the server's seats and how requests wait
/// for them.
///
/// The nominal concurrency limit (seats) is `ceil(serverConcurrencyLimit × shares / Σshares)`, the
/// sum running over the non-exempt levels (`nominalConcurrencyLimits(serverConcurrencyLimit:)`).
///
/// From 1.26 a level lends up to `lendablePercent` of its nominal limit and may borrow up to the
/// server's limit (no bootstrap level sets `borrowingLimitPercent`): see
/// `PriorityAndFairness+Borrowing.swift`.
///
/// `background` is not part of the Kubernetes object: it stands for the cluster's other traffic
/// at this level, which aggsim does not simulate request by request.
public struct PriorityLevelConfiguration: Hashable, Sendable {
  /// From `start` (since the start of the run) on, the cluster's other traffic holds `seats`
  /// seats of the level at every instance, until the next step.
  public struct BackgroundStep: Hashable, Sendable {
    public var start: SimDuration
    public var seats: Int

    public init(start: SimDuration, seats: Int) {
      self.start = start
      self.seats = seats
    }
  }

  /// How a limited level holds requests that find no free seat.
  public enum Limited: Hashable, Sendable {
    /// Shuffle-sharded queues: `queues` queues, a flow is dealt `handSize` of them, each queue
    /// holds at most `queueLengthLimit` waiting requests.
    case queuing(queues: Int, handSize: Int, queueLengthLimit: Int)
    /// No queues: a request that finds no free seat is rejected at once (the catch-all level).
    case reject
  }

  public var name: String
  /// Nominal concurrency shares (0 for the exempt level).
  public var shares: Int
  /// Percentage of the nominal limit other levels may borrow (from 1.26).
  public var lendablePercent: Int
  /// What happens to a request that must wait; ignored when `isExempt`.
  public var limited: Limited
  /// An exempt level has no limit: its requests always execute at once.
  public var isExempt: Bool
  /// Seats held by the cluster's other traffic, in steps by increasing `start` (empty: none).
  /// They count as in use: the scenario's requests get what they leave of the current limit,
  /// and as seat demand for borrowing.
  public var background: [BackgroundStep] = []

  public init(name: String, shares: Int, lendablePercent: Int = 0, limited: Limited, isExempt: Bool = false) {
    self.name = name
    self.shares = shares
    self.lendablePercent = lendablePercent
    self.limited = limited
    self.isExempt = isExempt
  }

  /// The exempt level.
  public static func exempt(name: String = "exempt") -> Self {
    Self(name: name, shares: 0, limited: .reject, isExempt: true)
  }

  /// The default queuing shape of most levels: 50 waiting requests per queue.
  public static func queued(_ name: String, shares: Int, lendablePercent: Int, queues: Int, handSize: Int,
                            queueLengthLimit: Int = 50) -> Self {
    Self(name: name, shares: shares, lendablePercent: lendablePercent,
         limited: .queuing(queues: queues, handSize: handSize, queueLengthLimit: queueLengthLimit))
  }

  /// The bootstrap levels of kube-apiserver (research §1d; apiserver:pkg/apis/flowcontrol/bootstrap/default.go),
  /// in this order: exempt, system, node-high, leader-election, workload-high, workload-low,
  /// global-default, catch-all.
  public static let kubernetesDefaults: [PriorityLevelConfiguration] = [
    .exempt(),
    .queued("system", shares: 30, lendablePercent: 33, queues: 64, handSize: 6),
    .queued("node-high", shares: 40, lendablePercent: 25, queues: 64, handSize: 6),
    .queued("leader-election", shares: 10, lendablePercent: 0, queues: 16, handSize: 4),
    .queued("workload-high", shares: 40, lendablePercent: 50, queues: 128, handSize: 6),
    .queued("workload-low", shares: 100, lendablePercent: 90, queues: 128, handSize: 6),
    .queued("global-default", shares: 20, lendablePercent: 50, queues: 128, handSize: 6),
    PriorityLevelConfiguration(name: "catch-all", shares: 5, lendablePercent: 0, limited: .reject),
  ]

  /// Nominal concurrency limit of every level, in the order given: `ceil(server × shares / Σshares)`
  /// (integer arithmetic, so exact), Σ over non-exempt levels; 0 for exempt levels (unlimited).
  /// With the defaults at 600 seats: 0, 74, 98, 25, 98, 245, 49, 13.
  public static func nominalConcurrencyLimits(_ levels: [PriorityLevelConfiguration], serverConcurrencyLimit: Int) -> [Int] {
    let total = levels.reduce(0) { $0 + ($1.isExempt ? 0 : $1.shares) }
    return levels.map { level in
      guard !level.isExempt, total > 0 else { return 0 }
      return (serverConcurrencyLimit * level.shares + total - 1) / total
    }
  }

  /// The widest request (in seats) this level admits from 1.28 (`MaxSeatsTracker`), from its
  /// nominal limit `concurrencyLimit`: `max(1, min(ceil(0.15 × CL), CL / handSize))` for a level with
  /// queues (integer arithmetic; apiserver pkg/util/flowcontrol/apf_controller.go :880-894 at HEAD,
  /// from v0.28.0). A level without queues (exempt, catch-all) gets none: 0, and its requests keep
  /// the estimators' global cap (`maximumSeatsLimit`, 10). Defaults: 12, 15, 4, 15, 37, 8 (exempt
  /// and catch-all: 0). Fidelity audit §2.3.
  public func maxSeats(concurrencyLimit: Int) -> Int {
    guard !isExempt, case .queuing(_, let handSize, _) = limited, handSize > 0 else { return 0 }
    return max(1, min((15 * concurrencyLimit + 99) / 100, concurrencyLimit / handSize))
  }

  /// The work estimators' cap on a request's seats when its level has no max seats, and above
  /// them (`maximumSeatsLimit` = 10: apiserver pkg/util/flowcontrol/request/config.go, from
  /// v0.28.0; list_work_estimator.go `if maxSeats == 0 || maxSeats > MaximumSeatsLimit`).
  public static let estimatorSeatsLimit = 10
}

/// Why an API Priority and Fairness configuration cannot be used.
public struct AdmissionConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
