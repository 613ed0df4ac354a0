import SimCore

/// The APIServices as the rest of the model sees them: the shared registry (what etcd holds,
/// with each APIService's Available condition and its resourceVersion), each control-plane
/// instance's informer view of it (the version its last watch event carried, fidelity audit §4),
/// each instance's proxy view (what its registration worker last installed, research §2.2), and
/// the ledger of the shared status over time (how long each APIService was unavailable, how often
/// it flipped, how soon a fault was detected and a status write reached the proxies).
///
/// Status writes are optimistic-concurrency updates (`UpdateStatus` of the informer's copy; the
/// status strategy refuses unconditional updates, kube-aggregator
/// `pkg/registry/apiservice/strategy.go` `AllowUnconditionalUpdate` false): a write based on a
/// version older than the stored one is a 409 Conflict and changes nothing. The resourceVersion is
/// a per-APIService counter (the real one is etcd's global revision; only equality matters here).
struct RegistryView {
  var registry: APIServiceRegistry
  /// Per APIService: the stored version of its Available condition.
  private var stored: [ConditionVersion]
  /// Per APIService, the last `historyDepth` stored versions by `resourceVersion % historyDepth`:
  /// what a watch event sent at a write carries when it reaches an instance.
  private var history: [ConditionVersion]
  /// Instance-major: the version of APIService `a` that instance `i`'s informer holds.
  private var informers: [ConditionVersion]
  /// Extension server serving each APIService (-1: local, or no server has its Service).
  let serverOf: [Int32]
  let instances: Int
  /// Instance-major: whether instance `i`'s proxy holds APIService `a` available.
  private var proxyAvailable: [Bool]
  /// Per APIService: its condition over the measured time.
  var metrics: [AvailabilityMetrics]
  /// Per APIService: since when its status is False (nil while True).
  private var unavailableSince: [SimTime?]
  /// Per APIService: whether its status is True (1) or not (0), over the current time bucket.
  var availableInBucket: [TimeWeightedStatistic]
  /// Instance-major: the earliest status write of APIService `a` that instance `i`'s proxy has
  /// not installed yet (nil: none).
  private var writtenAt: [SimTime?]
  /// Per server: when its first fault began (nil: none yet), for the time to detect.
  var firstFaultAt: [SimTime?]

  init(_ spec: ModelSpec, instances: Int) {
    var registry = APIServiceRegistry(APIService.builtInLocal(in: spec.version))
    for entry in spec.apiServices {
      let index = registry.add(entry.apiService, at: .zero)
      if entry.apiService.service != nil {
        _ = registry.setCondition(index, status: entry.initiallyAvailable ? .true : .false,
                                  reason: entry.initiallyAvailable ? .passed : .failedDiscoveryCheck,
                                  message: entry.initiallyAvailable ? "all checks passed" : "initially unavailable", at: .zero)
      }
    }
    self.registry = registry
    self.instances = instances
    serverOf = registry.apiServices.map { apiService in
      guard let service = apiService.service else { return -1 }
      return Int32(spec.extensionServers.firstIndex { $0.service == service } ?? -1)
    }
    let available = registry.apiServices.indices.map { registry.isAvailable($0) }
    let versions = registry.conditions.map { condition in
      ConditionVersion(status: condition?.status ?? .unknown, reason: condition?.reason ?? .failedDiscoveryCheck,
                       message: condition?.status == .true ? ConditionVersion.passedMessage : ConditionVersion.initialMessage,
                       resourceVersion: 1)
    }
    stored = versions
    history = versions.flatMap { Array(repeating: $0, count: Self.historyDepth) }
    informers = Array((0..<instances).map { _ in versions }.joined())
    proxyAvailable = Array((0..<instances).map { _ in available }.joined())
    metrics = registry.apiServices.map { apiService in
      var metrics = AvailabilityMetrics()
      metrics.serviceBacked = apiService.service != nil
      return metrics
    }
    unavailableSince = registry.apiServices.indices.map { registry.apiServices[$0].service != nil && !available[$0] ? .zero : nil }
    availableInBucket = available.map { TimeWeightedStatistic(initialValue: $0 ? 1 : 0) }
    writtenAt = Array(repeating: nil, count: instances * registry.apiServices.count)
    firstFaultAt = Array(repeating: nil, count: spec.extensionServers.count)
  }

  var count: Int { registry.apiServices.count }
  var apiServices: [APIService] { registry.apiServices }
  func isServiceBacked(_ apiService: Int) -> Bool { registry.apiServices[apiService].service != nil }

  /// Whether `instance`'s proxy holds `apiService` available (else it answers 503 at once).
  func proxyHolds(instance: Int, _ apiService: Int) -> Bool { proxyAvailable[instance * count + apiService] }

  /// How many instances' proxies hold `apiService` available.
  func proxiesHolding(_ apiService: Int) -> Int {
    (0..<instances).reduce(0) { $0 + (proxyAvailable[$1 * count + apiService] ? 1 : 0) }
  }

  /// Stored versions kept per APIService for watch events still on their way.
  static let historyDepth = 8

  /// The version of `apiService` that `instance`'s informer holds (its lister's copy).
  func informer(_ instance: Int, _ apiService: Int) -> ConditionVersion { informers[instance * count + apiService] }

  /// The stored version of `apiService`.
  func storedVersion(_ apiService: Int) -> ConditionVersion { stored[apiService] }

  /// The watch event of the write that made `resourceVersion` reached `instance`'s informer.
  /// Events reach an instance in write order; should more than `historyDepth` later writes of
  /// the APIService have happened meanwhile, the informer takes the stored version.
  mutating func watchEventArrives(instance: Int, _ apiService: Int, resourceVersion: UInt32) {
    let sent = history[apiService * Self.historyDepth + Int(resourceVersion % UInt32(Self.historyDepth))]
    informers[instance * count + apiService] = sent.resourceVersion == resourceVersion ? sent : stored[apiService]
  }

  /// The instance's informer lists every APIService anew (its apiserver started again).
  mutating func informerRelists(instance: Int) {
    for apiService in 0..<count { informers[instance * count + apiService] = stored[apiService] }
  }

  /// `UpdateStatus` of the condition `new` (its `resourceVersion` ignored), computed from the
  /// informer's copy `basedOn`: nothing is sent when `new` equals that copy (the controller's
  /// `equality.Semantic.DeepEqual`); a write based on an outdated version is a 409 Conflict;
  /// otherwise the condition is stored with the next resourceVersion, and a flip is measured.
  mutating func updateStatus(_ apiService: Int, _ new: ConditionVersion, text: String, basedOn: ConditionVersion,
                             at now: SimTime) -> StatusWrite {
    guard !new.sameCondition(as: basedOn) else { return .unchanged }
    guard basedOn.resourceVersion == stored[apiService].resourceVersion else { return .conflict }
    let old = stored[apiService]
    var written = new
    written.resourceVersion = old.resourceVersion &+ 1
    stored[apiService] = written
    history[apiService * Self.historyDepth + Int(written.resourceVersion % UInt32(Self.historyDepth))] = written
    registry.setCondition(apiService, status: new.status, reason: new.reason, message: text, at: now)
    let available = new.status == .true, wasAvailable = old.status == .true
    if available != wasAvailable { recordFlip(apiService, available: available, at: now) }
    return .written(available: available, flipped: available != wasAvailable, reasonChanged: new.reason != old.reason,
                    resourceVersion: written.resourceVersion)
  }

  /// A status write is on its way to `instance`'s proxy (the first pending one is measured).
  mutating func writeSent(_ apiService: Int, to instance: Int, at now: SimTime) {
    if writtenAt[instance * count + apiService] == nil { writtenAt[instance * count + apiService] = now }
  }

  /// `instance`'s registration worker installed `available` in its proxy.
  mutating func install(_ apiService: Int, instance: Int, available: Bool, at now: SimTime) {
    proxyAvailable[instance * count + apiService] = available
    if let written = writtenAt[instance * count + apiService] {
      writtenAt[instance * count + apiService] = nil
      metrics[apiService].propagationMax = Swift.max(metrics[apiService].propagationMax, now - written)
    }
  }

  /// The instance's apiserver died: its proxy holds nothing (a restarted proxy serves an
  /// APIService once its registration worker installed it), and no write is on its way to it.
  mutating func proxyViewLost(instance: Int) {
    for apiService in 0..<count {
      proxyAvailable[instance * count + apiService] = !isServiceBacked(apiService) && registry.isAvailable(apiService)
      writtenAt[instance * count + apiService] = nil
    }
  }

  private mutating func recordFlip(_ apiService: Int, available: Bool, at now: SimTime) {
    metrics[apiService].transitions += 1
    availableInBucket[apiService].record(available ? 1 : 0, at: now)
    if available {
      if let since = unavailableSince[apiService] { metrics[apiService].unavailableTime = metrics[apiService].unavailableTime + (now - since) }
      unavailableSince[apiService] = nil
    } else {
      unavailableSince[apiService] = now
      let server = Int(serverOf[apiService])
      if metrics[apiService].timeToDetect == nil, server >= 0, let fault = firstFaultAt[server] {
        metrics[apiService].timeToDetect = now - fault
      }
    }
  }

  /// Statistics restart at the end of the warm-up (the time to detect spans the whole run).
  mutating func resetStatistics(at now: SimTime) {
    for index in metrics.indices {
      metrics[index].unavailableTime = .zero
      metrics[index].transitions = 0
      metrics[index].propagationMax = .zero
      if unavailableSince[index] != nil { unavailableSince[index] = now }
    }
  }

  /// Each APIService's condition over `[measuringSince, end)`.
  func availabilityResult(at end: SimTime, measuringSince: SimTime) -> [AvailabilityMetrics] {
    let measured = (end - measuringSince).seconds
    return metrics.indices.map { index in
      var metrics = metrics[index]
      if let since = unavailableSince[index] { metrics.unavailableTime = metrics.unavailableTime + (end - since) }
      metrics.unavailableFraction = measured > 0 ? metrics.unavailableTime.seconds / measured : 0
      return metrics
    }
  }
}

/// One version of an APIService's Available condition, as stored and as an informer holds it:
/// status, reason, message (a code; its text is the availability controller's) and the
/// resourceVersion of the object it belongs to.
struct ConditionVersion: Hashable {
  var status: AvailableCondition.Status
  var reason: AvailableCondition.Reason
  var message: Int32
  var resourceVersion: UInt32

  /// `all checks passed` (and the local controller's message).
  static let passedMessage: Int32 = 0
  /// The message of a condition a scenario sets False at the start.
  static let initialMessage: Int32 = 1

  /// Whether the two conditions are the same but for the object's version.
  func sameCondition(as other: ConditionVersion) -> Bool {
    status == other.status && reason == other.reason && message == other.message
  }
}

/// What became of an `UpdateStatus`.
enum StatusWrite: Equatable {
  /// The condition equals the informer's copy: nothing was sent.
  case unchanged
  /// 409: the informer's copy was outdated; nothing was stored (the sync fails and is requeued).
  case conflict
  /// Stored as `resourceVersion`; `flipped` when the status changed True ↔ not True.
  case written(available: Bool, flipped: Bool, reasonChanged: Bool, resourceVersion: UInt32)
}
