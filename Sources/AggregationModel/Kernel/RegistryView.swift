import SimCore

/// The APIServices as the rest of the model sees them: the shared registry (what etcd holds,
/// with each APIService's Available condition), each control-plane instance's proxy view of it
/// (what its registration worker last installed, research §2.2), and the ledger of the shared
/// status over time (how long each APIService was unavailable, how often it flipped, how soon a
/// fault was detected and a status write reached the proxies).
struct RegistryView {
  var registry: APIServiceRegistry
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

  /// `UpdateStatus` of the shared status (last writer wins); returns whether the status flipped
  /// (nil when the write changed nothing). A flip is measured here.
  mutating func write(_ apiService: Int, _ status: AvailableCondition.Status, _ reason: AvailableCondition.Reason,
                      _ message: String, at now: SimTime) -> (available: Bool, flipped: Bool, reasonChanged: Bool)? {
    let wasAvailable = registry.isAvailable(apiService)
    let oldReason = registry.conditions[apiService]?.reason
    guard registry.setCondition(apiService, status: status, reason: reason, message: message, at: now) else { return nil }
    let available = status == .true
    if available != wasAvailable { recordFlip(apiService, available: available, at: now) }
    return (available, available != wasAvailable, reason != oldReason)
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
