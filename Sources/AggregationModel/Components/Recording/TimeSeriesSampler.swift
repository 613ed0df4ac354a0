import SimCore

/// The time series of a replication (`timeseries.csv`, DESIGN §5): at the end of every
/// `timeBucket` from the start (warm-up included), one point per scope and metric, in a fixed
/// order (clients, then APIServices, pods, service-backed APIServices' availability, namespace
/// controllers, instances, APF levels). Every metric is declared once in the catalogue (`TimeSeriesMetric`).
struct TimeSeriesSampler {
  enum Event: ComponentEvent {
    /// A time-series bucket ends.
    case bucketEnds
    /// The warm-up ends: statistics start here.
    case warmupEnds

    var modelEvent: ModelEvent { .run(self) }
  }

  let bucket: SimDuration
  let end: SimTime
  let instanceNames: [String]

  init(bucket: SimDuration, duration: SimDuration, instances: Int) {
    self.bucket = bucket
    end = .zero + duration
    instanceNames = (0..<instances).map { "\($0)" }
  }

  /// Schedules the first bucket's end (if it ends within the run) and the end of the warm-up.
  func start(warmup: SimDuration, _ kernel: inout Kernel) {
    if bucket > .zero && .zero + bucket <= end { kernel.schedule(Event.bucketEnds, at: .zero + bucket) }
    if warmup > .zero { kernel.schedule(Event.warmupEnds, at: .zero + warmup) }
  }

  /// A bucket ends: one point per scope and metric is recorded, the bucket accumulators restart
  /// and the next bucket is scheduled (if it ends within the run).
  func bucketEnds(_ kernel: inout Kernel, clients: inout ClientFleet, pods: inout ExtensionServers,
                  managers: DiscoveryManagers, consumers: DiscoveryConsumers, controlPlane: ControlPlane) {
    let now = kernel.now
    let outcomes = Outcome.allCases.count
    let clientCount = clients.clients.count
    for scope in 0..<(clientCount + kernel.registry.count) {
      let kind: ScopeKind = scope < clientCount ? .client : .apiService
      let name = scope < clientCount ? kernel.spec.clients[scope].name : kernel.registry.apiServices[scope - clientCount].name
      var completed = 0
      for outcome in 0..<outcomes {
        let count = clients.bucketOutcomes[scope * outcomes + outcome]
        completed += count
        kernel.recorder.point(now, kind, name, TimeSeriesMetric.completions(Outcome.allCases[outcome]), Double(count))
        clients.bucketOutcomes[scope * outcomes + outcome] = 0
      }
      let mean = completed > 0 ? clients.bucketLatencySeconds[scope] / Double(completed) : .nan
      kernel.recorder.point(now, kind, name, .meanLatency, mean)
      clients.bucketLatencySeconds[scope] = 0
    }
    for server in pods.servers.indices {
      for pod in 0..<pods.podCount(server) {
        let p = pods.index(server, pod)
        let name = pods.servers[server].podNames[pod]
        kernel.recorder.point(now, .pod, name, .busyWorkers, pods.pods[p].bucketBusy.mean(upTo: now))
        kernel.recorder.point(now, .pod, name, .queueLength, Double(pods.pods[p].queue.count))
        pods.pods[p].bucketBusy.reset(at: now)
      }
    }
    for apiService in 0..<kernel.registry.count where kernel.registry.isServiceBacked(apiService) {
      let name = kernel.registry.apiServices[apiService].name
      kernel.recorder.point(now, .apiService, name, .available, kernel.registry.availableInBucket[apiService].mean(upTo: now))
      kernel.registry.availableInBucket[apiService].reset(at: now)
      kernel.recorder.point(now, .apiService, name, .proxiesAvailable, Double(kernel.registry.proxiesHolding(apiService)))
      if !managers.managers.isEmpty {
        kernel.recorder.point(now, .apiService, name, .discoveryStaleInstances, Double(managers.staleInstances(apiService)))
      }
    }
    for client in consumers.namespaceMetrics.indices where consumers.namespaceMetrics[client] != nil {
      kernel.recorder.point(now, .client, kernel.spec.clients[client].name, .terminatingNamespaces,
                            Double(consumers.terminating(client: client)))
    }
    for instance in controlPlane.inFlight.indices {
      kernel.recorder.point(now, .instance, instanceNames[instance], .inFlight, Double(controlPlane.inFlight[instance]))
    }
    for instance in controlPlane.admission.indices {
      guard let apf = controlPlane.admission[instance].apf else { continue }
      for level in apf.levelNames.indices where apf.concurrencyLimits[level] > 0 {
        kernel.recorder.point(now, .priorityLevel, controlPlane.levelScopes[instance][level], .concurrencyLimit,
                              Double(apf.currentConcurrencyLimit(level: level)))
      }
      for level in apf.levelNames.indices where apf.concurrencyLimits[level] > 0 {
        kernel.recorder.point(now, .priorityLevel, controlPlane.levelScopes[instance][level], .seatsInUse, Double(apf.seatsInUse(level: level)))
      }
    }
    let next = now + bucket
    if next <= end { kernel.schedule(Event.bucketEnds, at: next) }
  }
}
