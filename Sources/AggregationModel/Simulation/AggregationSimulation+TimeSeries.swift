import SimCore

extension AggregationSimulation {
  /// `completions_<outcome>`, in `Outcome` order.
  static let completionMetricNames = Outcome.allCases.map { "completions_\($0)" }

  /// Counts a request that ended in the current bucket (scope: a client, or clients + APIService).
  mutating func countInBucket(scope: Int, outcome: Outcome, latency: SimDuration) {
    bucketOutcomes[scope * Outcome.allCases.count + outcome.rawValue] += 1
    bucketLatencySeconds[scope] += latency.seconds
  }

  /// A bucket ends: one point per scope and metric is appended, the bucket counters restart and
  /// the next bucket is scheduled (if it ends within the run).
  mutating func timeBucketEnds() {
    let now = calendar.now
    let outcomes = Outcome.allCases.count
    let clientCount = clientMetrics.count
    let clientNames = spec.clients
    for scope in 0..<(clientCount + apiServiceMetrics.count) {
      let kind = scope < clientCount ? "client" : "apiservice"
      let name = scope < clientCount ? clientNames[scope].name : registry.apiServices[scope - clientCount].name
      var completed = 0
      for outcome in 0..<outcomes {
        let count = bucketOutcomes[scope * outcomes + outcome]
        completed += count
        timeSeries.append(TimeSeriesPoint(time: now, scopeKind: kind, scope: name,
                                          metric: Self.completionMetricNames[outcome], value: Double(count)))
        bucketOutcomes[scope * outcomes + outcome] = 0
      }
      let mean = completed > 0 ? bucketLatencySeconds[scope] / Double(completed) : .nan
      timeSeries.append(TimeSeriesPoint(time: now, scopeKind: kind, scope: name, metric: "mean_latency_s", value: mean))
      bucketLatencySeconds[scope] = 0
    }
    for server in servers.indices {
      for pod in servers[server].pods.indices {
        let name = podNames[server][pod]
        timeSeries.append(TimeSeriesPoint(time: now, scopeKind: "pod", scope: name, metric: "busy_workers",
                                          value: servers[server].pods[pod].bucketBusy.mean(upTo: now)))
        timeSeries.append(TimeSeriesPoint(time: now, scopeKind: "pod", scope: name, metric: "queue_length",
                                          value: Double(servers[server].pods[pod].queue.count)))
        servers[server].pods[pod].bucketBusy.reset(at: now)
      }
    }
    for apiService in registry.apiServices.indices where registry.apiServices[apiService].service != nil {
      let name = registry.apiServices[apiService].name
      timeSeries.append(TimeSeriesPoint(time: now, scopeKind: "apiservice", scope: name, metric: "available",
                                        value: availableInBucket[apiService].mean(upTo: now)))
      availableInBucket[apiService].reset(at: now)
      var following = 0
      for instance in proxyAvailable.indices where proxyAvailable[instance][apiService] { following += 1 }
      timeSeries.append(TimeSeriesPoint(time: now, scopeKind: "apiservice", scope: name, metric: "proxies_available",
                                        value: Double(following)))
      if !discovery.managers.isEmpty {
        var stale = 0
        for manager in discovery.managers where manager.stale[apiService] { stale += 1 }
        timeSeries.append(TimeSeriesPoint(time: now, scopeKind: "apiservice", scope: name, metric: "discovery_stale_instances",
                                          value: Double(stale)))
      }
    }
    for client in discovery.namespaceMetrics.indices where discovery.namespaceMetrics[client] != nil {
      var terminating = 0
      for namespace in discovery.namespaces.records where namespace.live && namespace.client == Int32(client) { terminating += 1 }
      timeSeries.append(TimeSeriesPoint(time: now, scopeKind: "client", scope: spec.clients[client].name, metric: "terminating_namespaces",
                                        value: Double(terminating)))
    }
    for instance in inFlightAtInstance.indices {
      timeSeries.append(TimeSeriesPoint(time: now, scopeKind: "instance", scope: instanceNames[instance],
                                        metric: "in_flight", value: Double(inFlightAtInstance[instance])))
    }
    let next = now + spec.timeBucket
    if next <= .zero + spec.duration { calendar.schedule(.timeBucketEnds, at: next) }
  }
}
