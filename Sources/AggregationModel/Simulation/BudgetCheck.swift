import SimCore

extension AggregationSimulation {
  /// Throws when `budget` is exceeded, naming what is responsible: for events, the components
  /// (and clients) whose events the next `RunBudget.sampleSize` events are; for memory, the
  /// components holding the pending events and the clients holding requests in progress.
  mutating func check(_ budget: RunBudget, until end: SimTime) throws(BudgetOverrun) {
    let handled = kernel.calendar.eventsHandled
    if handled > budget.maxEvents {
      var counts: [String: Int] = [:]
      var sampled = 0
      while sampled < RunBudget.sampleSize, let event = kernel.calendar.popNext(notAfter: end) {
        counts[culprit(of: event), default: 0] += 1
        handle(event)
        sampled += 1
      }
      throw BudgetOverrun(limit: .events, replication: replication, at: kernel.now, used: handled, allowed: budget.maxEvents,
                          culprits: Self.shares(counts))
    }
    let resident = RunBudget.peakResidentBytes()
    if resident > budget.maxMemoryBytes {
      var pending: [String: Int] = [:]
      kernel.calendar.forEachPending { pending[culprit(of: $0), default: 0] += 1 }
      var requests: [String: Int] = [:]
      for record in kernel.requests.records where record.phase != .free {
        requests[record.client >= 0 ? "client/\(kernel.spec.clients[Int(record.client)].name)" : "the control plane's own", default: 0] += 1
      }
      let total = { (counts: [String: Int]) in counts.values.reduce(0, +) }
      throw BudgetOverrun(limit: .memory, replication: replication, at: kernel.now, used: resident, allowed: budget.maxMemoryBytes,
                          culprits: ["\(total(pending)) pending events (\(Self.shares(pending).joined(separator: ", ")))",
                                     "\(total(requests)) requests in progress (\(Self.shares(requests).joined(separator: ", ")))"])
    }
  }

  /// The three largest counts of at least 1% as `name NN%`, largest first (ties by name).
  static func shares(_ counts: [String: Int]) -> [String] {
    let total = max(1, counts.values.reduce(0, +))
    return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3)
      .filter { $0.value * 100 >= total }.map { "\($0.key) \($0.value * 100 / total)%" }
  }

  /// The component an event belongs to, as the metric catalogue names its scopes where it can:
  /// a client's own events by `client/<name>`.
  func culprit(of event: ModelEvent) -> String {
    switch event {
    case .clients(let e):
      let client: Int
      switch e {
      case .fires(let c, _): client = Int(c)
      case .retry(let id, _), .send(let id, _), .answer(let id, _), .timeout(let id, _): client = Int(kernel.requests[id].client)
      }
      return client >= 0 && client < kernel.spec.clients.count ? "client/\(kernel.spec.clients[client].name)" : "clients"
    case .controlPlane: return "control plane (filters, admission)"
    case .transport: return "proxy transport"
    case .pods: return "extension-server pods"
    case .readiness: return "readiness probes"
    case .faults: return "faults"
    case .availability: return "availability controller"
    case .registration: return "registration workers"
    case .discoveryManager: return "discovery manager"
    case .openAPI: return "OpenAPI controllers"
    case .consumers: return "discovery consumers"
    case .run: return "time series"
    case .loadBalancer: return "load balancer health checks"
    }
  }
}
