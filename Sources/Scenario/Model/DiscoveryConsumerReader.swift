import SimCore
import AggregationModel

extension NodeReader {
  /// A client's `workload: {garbageCollector: …}` (research kube-aggregator.md §7):
  /// ```yaml
  /// garbageCollector:
  ///   period: 30s                       # between the end of a sync and the next; default 30s
  ///   firstSync: 10s                    # default: a random phase in [0, period) per replication
  ///   discovery: aggregated             # legacy or aggregated; default aggregated from 1.27
  ///   extraLocalGroupVersions: 0        # CRD group-versions besides the built-ins (legacy: a request each)
  /// ```
  func garbageCollectorWorkload() -> GarbageCollectorSpec? {
    guard let m = mapping(ScenarioSchema.garbageCollector) else { return nil }
    let defaults = GarbageCollectorSpec()
    let period = m.read("period", default: defaults.period) { $0.period() }
    let first = m.optionalValue("firstSync") { $0.duration() }
    let mode = m.optionalValue("discovery") { $0.oneOf(KubectlSpec.DiscoveryMode.self) }
    let extra = m.read("extraLocalGroupVersions", default: defaults.extraLocalGroupVersions) { $0.extraGroupVersions() }
    guard let period, let first, let mode, let extra else { return nil }
    return GarbageCollectorSpec(period: period, firstSync: first, discovery: mode, extraLocalGroupVersions: extra)
  }

  /// A client's `workload: {namespaceDeletion: …}`: namespaces deleted by the namespace
  /// controller, which needs complete discovery (research §7, §9 item 4):
  /// ```yaml
  /// namespaceDeletion:
  ///   deletions: {poisson: 1/min}       # required: an open arrival form of `workload`, one namespace each
  ///   workers: 10                       # namespaces synced at once (--concurrent-namespace-syncs)
  ///   gracePeriod: 5s                   # before the first sync; default 5s
  ///   contentDeletion: 0s               # a distribution: complete discovery → finalized; default 0s
  ///   retryBase: 5ms                    # requeue after a partial discovery: retryBase × 2ⁿ …
  ///   retryMax: 60s                     # … capped at retryMax
  ///   requeueRateLimit: {qps: 10, burst: 100}   # shared by all namespaces
  ///   discovery: aggregated             # legacy or aggregated; default aggregated from 1.27
  ///   extraLocalGroupVersions: 0
  /// ```
  func namespaceDeletionWorkload() -> NamespaceDeletionSpec? {
    guard let m = mapping(ScenarioSchema.namespaceDeletion) else { return nil }
    let defaults = NamespaceDeletionSpec(deletions: .trace([]))
    let deletions = m.required("deletions").flatMap { $0.openArrivals() }
    let workers = m.read("workers", default: defaults.workers) { $0.integer(in: 1...10_000) }
    let grace = m.read("gracePeriod", default: defaults.gracePeriod) { $0.duration() }
    let content = m.read("contentDeletion", default: defaults.contentDeletion) { $0.distribution() }
    let base = m.read("retryBase", default: defaults.retryBase) { $0.period() }
    let cap = m.read("retryMax", default: defaults.retryCap) { $0.period() }
    let bucket = m.read("requeueRateLimit", default: defaults.requeueRateLimit) { ClientsSection.rateLimit($0) }
    let mode = m.optionalValue("discovery") { $0.oneOf(KubectlSpec.DiscoveryMode.self) }
    let extra = m.read("extraLocalGroupVersions", default: defaults.extraLocalGroupVersions) { $0.extraGroupVersions() }
    guard let deletions, let workers, let grace, let content, let base, let cap, let bucket, let mode, let extra else { return nil }
    return NamespaceDeletionSpec(deletions: deletions, workers: workers, gracePeriod: grace, contentDeletion: content, retryBase: base, retryCap: cap,
                                 requeueRateLimit: bucket, discovery: mode, extraLocalGroupVersions: extra)
  }

  /// A client's `workload: {hpa: …}`: horizontal pod autoscalers polling the metrics API
  /// (research §7: one LIST of pod metrics per autoscaler per sync, every 15 s). `autoscalers`
  /// HPAs every `period` are evenly spaced arrivals at autoscalers / period.
  /// ```yaml
  /// hpa: {autoscalers: 40, period: 15s}   # period default 15s (--horizontal-pod-autoscaler-sync-period)
  /// ```
  func hpaWorkload() -> Workload? {
    guard let m = mapping(ScenarioSchema.hpa) else { return nil }
    let count = m.required("autoscalers")?.integer(in: 1...1_000_000)
    let period = m.read("period", default: SimDuration.seconds(15)) { $0.period() }
    guard let count, let period else { return nil }
    let rate = Double(count) * 1e9 / Double(period.nanoseconds)
    guard rate <= NodeReader.maximumRate else {
      report(expected: "at most 1000000 polls per second (autoscalers / period)", found: "\(count) per \(period)")
      return nil
    }
    return .open(.constant(Rate(perSecond: rate)))
  }

  /// One of the open arrival forms of `workload()` (kubectl invocations, namespace deletions).
  func openArrivals() -> ArrivalProcess? {
    guard let kinds = mapping(ScenarioSchema.arrivals),
          kinds.exactlyOne(of: Self.arrivalKinds, what: "an arrival process") != nil,
          let arrivals = workload()?.arrivals else { return nil }
    let peak: Double
    switch arrivals {
    case .poisson(let rate), .constant(let rate): peak = rate.perSecond
    case .bursts(let size, let period): peak = Double(size) * 1e9 / Double(period.nanoseconds)
    case .timeVarying(let segments): peak = segments.map(\.perSecond).max() ?? 0
    case .trace: peak = 0  // bounded by the trace file's size
    }
    guard peak <= Self.maximumInvocationRate else {
      report(expected: "at most 1000 invocations/s (each one is a kubectl process or a namespace deletion, walking every group-version)")
      return nil
    }
    return arrivals
  }

  /// The largest rate of kubectl invocations or namespace deletions, per second: each one walks
  /// discovery (tens of requests, thousands with many CRDs), and 1000 a second is beyond any
  /// real fleet of users, CI jobs or namespace churn.
  static let maximumInvocationRate = 1_000.0

  /// `extraLocalGroupVersions`: CRD group-versions besides the built-ins, at most 10,000 (the
  /// largest clusters reported hold a few thousand CRDs: #106016 has 1,900).
  func extraGroupVersions() -> Int? { integer(in: 0...10_000) }
}
