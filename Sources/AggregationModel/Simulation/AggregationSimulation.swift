public import SimCore

/// One replication of the aggregation layer: clients, one or more kube-apiserver instances with
/// admission and the aggregator's proxy, extension servers with their pods, and the network
/// links between them, all driven by one `EventCalendar` and the replication's random streams.
///
/// The request path (research §2): client → (token bucket) → link → control-plane instance
/// (deadline 60 s, filter overhead) → admission → route: local handler, or 503 at once when the
/// APIService is not Available, or the proxy (5 s cap on `/apis/<g>/<v>`) → an HTTP/2 stream on
/// a connection to a pod (ClusterIP: one pinned connection; endpoints: a random ready pod) →
/// link → the pod's FIFO queue and workers → back the same way → client (retries on 429).
///
/// Confined to the task that runs it (not `Sendable`); the spec goes in and a
/// `ReplicationResult` comes out.
public struct AggregationSimulation {
  let spec: ModelSpec
  let replication: Int
  var calendar = EventCalendar<ModelEvent>(capacity: 4_096)
  var requests = RequestTable(capacity: 1_024)
  var registry: APIServiceRegistry
  /// The proxy's cached Available flag per (instance, APIService): what each instance's
  /// registration controller last installed.
  var proxyAvailable: [[Bool]]
  /// Extension server serving each APIService index (-1: local or no server).
  var serverOfAPIService: [Int32]
  var servers: [ServerState]
  /// The transport of each (instance, server) pair: `pools[instance][server]`.
  var pools: [[TransportPool]]
  var connections: [Connection] = []
  var backendLinks: [[NetworkLink]]
  var clients: [ClientState]
  let filterStream: RandomStream
  let localHandlerStream: RandomStream
  var admission: [AdmissionState]
  var clientMetrics: [ScopeMetrics]
  var apiServiceMetrics: [ScopeMetrics]
  var measuringSince = SimTime.zero
  var trace: [RequestTraceEntry] = []
  let traceStream: RandomStream
  /// The discovery cap in force (from the proxy spec).
  let discoveryCap: SimDuration?
  /// The control plane's stream of SubjectAccessReview handling times.
  let reviewStream: RandomStream
  /// Client requests between arrival at each instance and the control plane's answer.
  var inFlightAtInstance: [Int]
  /// The time-series bucket in progress: per scope (clients, then APIServices) and outcome, the
  /// requests that ended; per scope, their summed latency in seconds.
  var bucketOutcomes: [Int]
  var bucketLatencySeconds: [Double]
  var timeSeries: [TimeSeriesPoint] = []
  var modelEvents: [ModelEventRecord] = []
  /// Scope names of the time series and events, built once.
  let podNames: [[String]]
  let instanceNames: [String]
  /// Each instance's availability controller and registration queue (research §4).
  var availability: [AvailabilityState]
  /// Per APIService: time with Available=False and transitions, since the warm-up.
  var availabilityMetrics: [AvailabilityMetrics]
  /// Per APIService: whether its shared status is True (1) or not (0), over the current time bucket.
  var availableInBucket: [TimeWeightedStatistic]
  /// Per APIService: since when its status is False (nil while True).
  var unavailableSince: [SimTime?]
  /// Per server: when its first fault began (nil: none yet), for the time to detect.
  var firstFaultAt: [SimTime?]
  /// Per APIService: the message of a failed discovery check (built once).
  let probeFailureMessages: [String]
  /// Each instance's OpenAPI controllers, and the downloads per APIService.
  var openAPI: [OpenAPIState]
  var openAPIMetrics: [OpenAPIMetrics]
  /// Discovery clients (kubectl, garbage collector, namespace controller), their runs, the
  /// namespaces being deleted, and the discovery managers.
  var discovery: DiscoveryState

  /// Builds replication `replication` of `spec`, with streams seeded from `runSeed`.
  public init(spec: ModelSpec, runSeed: UInt32, replication: Int) throws(StreamSeeds.SeedError) {
    let spec = spec.resolved()
    self.spec = spec
    self.replication = replication
    let streams = try StreamRegistry(runSeed: runSeed, replication: replication)
    let instances = Swift.max(spec.controlPlane.instances, 1)

    var registry = APIServiceRegistry(APIService.builtInLocal)
    for entry in spec.apiServices {
      let index = registry.add(entry.apiService, at: .zero)
      if entry.apiService.service != nil {
        _ = registry.setCondition(index, status: entry.initiallyAvailable ? .true : .false,
                                  reason: entry.initiallyAvailable ? .passed : .failedDiscoveryCheck,
                                  message: entry.initiallyAvailable ? "all checks passed" : "initially unavailable", at: .zero)
      }
    }
    self.registry = registry
    proxyAvailable = Array(repeating: registry.apiServices.indices.map { registry.isAvailable($0) }, count: instances)
    serverOfAPIService = registry.apiServices.map { apiService in
      guard let service = apiService.service else { return -1 }
      return Int32(spec.extensionServers.firstIndex { $0.service == service } ?? -1)
    }
    servers = spec.extensionServers.map { ServerState($0, streams: streams, clientCount: spec.clients.count) }
    for server in servers.indices {
      guard let own = spec.extensionServers[server].ownAdmission else { continue }
      let state = AdmissionState(own, subjects: spec.clients.map(\.identity), version: VersionBehaviour(spec.version))
      for pod in servers[server].pods.indices { servers[server].pods[pod].admission = state }
    }
    pools = (0..<instances).map { instance in
      spec.extensionServers.map { TransportPool(routingStream: streams.stream("proxy/\(instance)/\($0.name)/routing")) }
    }
    backendLinks = (0..<instances).map { instance in
      spec.extensionServers.map { server in
        let linkSpec = spec.backendLinks.last { $0.server == server.name && ($0.instance == nil || $0.instance == instance) }?.link
        return NetworkLink(linkSpec ?? .ideal, streams: streams, name: "backend/\(instance)/\(server.name)")
      }
    }
    clients = spec.clients.map { ClientState($0, streams: streams) }
    filterStream = streams.stream("controlplane/filters")
    traceStream = streams.stream("output/trace-sampling")
    localHandlerStream = streams.stream("controlplane/local-handler")
    reviewStream = streams.stream("controlplane/subject-access-review")
    let subjects = spec.clients.map(\.identity)
    let reviewers = spec.extensionServers.map { $0.authorization?.identity ?? .serviceAccount(namespace: $0.service.namespace, name: $0.name) }
    admission = (0..<instances).map { _ in
      AdmissionState(spec.controlPlane.admission, subjects: subjects, reviewers: reviewers, version: VersionBehaviour(spec.version))
    }
    clientMetrics = Array(repeating: ScopeMetrics(), count: spec.clients.count)
    apiServiceMetrics = Array(repeating: ScopeMetrics(), count: registry.apiServices.count)
    discoveryCap = spec.controlPlane.proxy.discoveryTimeout
    inFlightAtInstance = Array(repeating: 0, count: instances)
    let scopes = spec.clients.count + registry.apiServices.count
    bucketOutcomes = Array(repeating: 0, count: scopes * Outcome.allCases.count)
    bucketLatencySeconds = Array(repeating: 0, count: scopes)
    podNames = spec.extensionServers.map { server in (0..<server.replicas).map { "\(server.name)/\($0)" } }
    instanceNames = (0..<instances).map { "\($0)" }
    discovery = DiscoveryState(spec: spec, registry: registry, instances: instances, streams: streams)
    if spec.timeBucket > .zero {
      let buckets = Int(spec.duration.nanoseconds / spec.timeBucket.nanoseconds)
      let pods = spec.extensionServers.reduce(0) { $0 + $1.replicas }
      let serviceBacked = spec.apiServices.filter { $0.apiService.service != nil }.count
      let namespaceClients = spec.clients.filter { if case .namespaceDeletion = $0.workload { true } else { false } }.count
      timeSeries.reserveCapacity(buckets * (scopes * (Outcome.allCases.count + 1) + 2 * pods + instances
                                            + 3 * serviceBacked + namespaceClients))
    }
    modelEvents.reserveCapacity(64)
    availability = (0..<instances).map { instance in
      AvailabilityState(apiServices: registry.apiServices.count, workers: spec.controlPlane.availabilityController.workers, available: registry.apiServices.indices.map { registry.isAvailable($0) },
                        resyncStream: streams.stream("availability/\(instance)/resync"))
    }
    availabilityMetrics = registry.apiServices.map { apiService in
      var metrics = AvailabilityMetrics()
      metrics.serviceBacked = apiService.service != nil
      return metrics
    }
    unavailableSince = registry.apiServices.indices.map { registry.apiServices[$0].service != nil && !registry.isAvailable($0) ? .zero : nil }
    availableInBucket = registry.apiServices.indices.map { TimeWeightedStatistic(initialValue: registry.isAvailable($0) ? 1 : 0) }
    firstFaultAt = Array(repeating: nil, count: spec.extensionServers.count)
    openAPI = Array(repeating: OpenAPIState(apiServices: registry.apiServices.count), count: instances)
    openAPIMetrics = Array(repeating: OpenAPIMetrics(), count: registry.apiServices.count)
    probeFailureMessages = registry.apiServices.map { "failing or missing response from \($0.name)" }
    drawReadinessPhases(streams: streams)
  }

  /// Runs the replication to `spec.duration` and returns what it measured.
  public mutating func run() -> ReplicationResult {
    start()
    let end = SimTime.zero + spec.duration
    runEvents(until: end)
    return result(at: end)
  }

  /// Handles every event due at or before `end`, then sets the clock to `end`.
  mutating func runEvents(until end: SimTime) {
    while let event = calendar.popNext(notAfter: end) { handle(event) }
    calendar.advance(to: end)
  }

  /// Schedules the first events: client arrivals, faults, the end of the warm-up, the
  /// availability controllers, the discovery managers and the kubelets' readiness probes.
  mutating func start() {
    for index in clients.indices { startClient(index) }
    for (serverIndex, server) in servers.enumerated() {
      for (faultIndex, fault) in server.spec.faults.enumerated() {
        calendar.schedule(.faultBegins(server: Int32(serverIndex), fault: Int32(faultIndex)), at: fault.start)
        if let duration = fault.duration {
          calendar.schedule(.faultEnds(server: Int32(serverIndex), fault: Int32(faultIndex)), at: fault.start + duration)
        }
      }
    }
    for (serverIndex, server) in servers.enumerated() {
      for (processIndex, process) in server.spec.faultProcesses.enumerated() {
        for pod in process.pods ?? Array(server.pods.indices) where pod < server.pods.count {
          let up = process.timeBetweenFailures.sample(server.faultStreams[pod])
          calendar.schedule(.randomFaultBegins(server: Int32(serverIndex), process: Int32(processIndex), pod: Int32(pod)),
                            after: up)
        }
      }
    }
    if spec.timeBucket > .zero && spec.timeBucket <= spec.duration {
      calendar.schedule(.timeBucketEnds, at: .zero + spec.timeBucket)
    }
    if spec.warmup > .zero { calendar.schedule(.warmupEnds, at: .zero + spec.warmup) }
    startAvailabilityControllers()
    startDiscoveryManagers()
    startOpenAPIControllers()
    startReadinessProbes()
  }

  mutating func handle(_ event: ModelEvent) {
    switch event {
    case .clientFires(let client, let user): clientFires(Int(client), user: Int(user))
    case .retryRequest(let id, let generation): if requests.isCurrent(id, generation) { sendAttempt(id) }
    case .sendRequest(let id, let generation): if requests.isCurrent(id, generation) { sendRequest(id) }
    case .arriveAtControlPlane(let id, let generation): if requests.isCurrent(id, generation) { arriveAtControlPlane(id) }
    case .filtersDone(let id, let generation): if requests.isCurrent(id, generation) { filtersDone(id) }
    case .queueWaitExpires(let id, let generation):
      if requests.isCurrent(id, generation) { queueWaitExpires(id) }
    case .localHandlerDone(let id, let generation):
      if requests.isCurrent(id, generation) { finishServerSide(id, .ok) }
    case .arriveAtPod(let id, let generation): if requests.isCurrent(id, generation) { arriveAtPod(id) }
    case .serviceDone(let id, let generation, let server, let pod):
      serviceDone(PodJob(request: id, generation: generation), server: Int(server), pod: Int(pod))
    case .backendAnswer(let id, let generation, let reply):
      if requests.isCurrent(id, generation) { backendAnswer(id, reply: reply) }
    case .arriveAtClient(let id, let generation): if requests.isCurrent(id, generation) { arriveAtClient(id) }
    case .deadlineExpires(let id, let generation):
      if requests.isCurrent(id, generation) { finishServerSide(id, .deadlineExceeded) }
    case .discoveryCapExpires(let id, let generation):
      if requests.isCurrent(id, generation) { finishServerSide(id, .discoveryTimeout) }
    case .clientTimeoutExpires(let id, let incarnation): clientTimeoutExpires(id, incarnation: incarnation)
    case .connectionSetupDone(let connection, let generation, let reply):
      connectionSetupDone(Int(connection), generation: generation, reply: reply)
    case .connectionHealthCheck(let connection, let generation): connectionHealthCheck(Int(connection), generation: generation)
    case .faultBegins(let server, let fault): faultBegins(server: Int(server), fault: Int(fault))
    case .faultEnds(let server, let fault): faultEnds(server: Int(server), fault: Int(fault))
    case .crashSeen(let server, let pod, let epoch): crashSeen(server: Int(server), pod: Int(pod), epoch: epoch)
    case .readinessProbeTick(let server, let pod): readinessProbeTick(server: Int(server), pod: Int(pod))
    case .readinessProbeTimeout(let server, let pod, let generation):
      readinessProbeTimesOut(server: Int(server), pod: Int(pod), generation: generation)
    case .randomFaultBegins(let server, let process, let pod):
      randomFaultBegins(server: Int(server), process: Int(process), pod: Int(pod))
    case .randomFaultEnds(let server, let process, let pod):
      randomFaultEnds(server: Int(server), process: Int(process), pod: Int(pod))
    case .reviewArrives(let id, let generation): if requests.isCurrent(id, generation) { reviewArrives(id) }
    case .reviewHandled(let id, let generation): if requests.isCurrent(id, generation) { reviewHandled(id) }
    case .reviewAnswer(let id, let generation, let allowed):
      if requests.isCurrent(id, generation) { reviewEnds(id, allowed: allowed) }
    case .reviewTimeout(let id, let generation): if requests.isCurrent(id, generation) { reviewTimesOut(id) }
    case .podQueueWaitExpires(let id, let generation): if requests.isCurrent(id, generation) { podQueueWaitExpires(id) }
    case .availabilityStarts(let instance): availabilityStarts(instance: Int(instance))
    case .availabilityResync(let instance): availabilityResync(instance: Int(instance))
    case .availabilityRetry(let instance, let apiService, let generation):
      availabilityRetry(instance: Int(instance), apiService: Int(apiService), generation: generation)
    case .statusArrives(let instance, let apiService, let available):
      statusArrives(instance: Int(instance), apiService: Int(apiService), available: available)
    case .registrationDone(let instance, let apiService): registrationDone(instance: Int(instance), apiService: Int(apiService))
    case .discoveryFetchDue(let instance, let apiService, let generation):
      discoveryFetchDue(instance: Int(instance), apiService: Int(apiService), generation: generation)
    case .discoveryResync(let instance): discoveryResync(instance: Int(instance))
    case .namespaceSyncDue(let namespace): namespaceSyncDue(namespace: namespace)
    case .namespaceFinalized(let namespace): namespaceFinalized(namespace)
    case .openAPIDownloadDue(let instance, let version, let apiService, let generation):
      openAPIDownloadDue(instance: Int(instance), version: version, apiService: Int(apiService), generation: generation)
    case .timeBucketEnds: timeBucketEnds()
    case .warmupEnds: resetStatistics()
    }
  }

  /// Forgets everything measured so far: statistics start at the end of the warm-up.
  mutating func resetStatistics() {
    let now = calendar.now
    measuringSince = now
    for index in clientMetrics.indices { clientMetrics[index].reset() }
    for index in apiServiceMetrics.indices { apiServiceMetrics[index].reset() }
    trace.removeAll()
    resetAvailabilityStatistics()
    for index in openAPIMetrics.indices { openAPIMetrics[index] = OpenAPIMetrics() }
    discovery.resetStatistics(at: now)
    for instance in admission.indices { admission[instance].apf?.resetStatistics(at: now) }
    for server in servers.indices {
      for pod in servers[server].pods.indices {
        servers[server].pods[pod].busy.reset(at: now)
        servers[server].pods[pod].queueLength.reset(at: now)
        servers[server].pods[pod].served = 0
      }
    }
  }

  func result(at end: SimTime) -> ReplicationResult {
    var pods: [PodMetrics] = []
    for server in servers {
      for (index, pod) in server.pods.enumerated() {
        pods.append(PodMetrics(server: server.spec.name, pod: index,
                               utilisation: pod.busy.mean(upTo: end) / Double(server.spec.workers), served: pod.served,
                               meanQueueLength: pod.queueLength.mean(upTo: end)))
      }
    }
    var levels: [PriorityLevelMetrics] = []
    for (instance, state) in admission.enumerated() {
      guard let apf = state.apf else { continue }
      for (level, name) in apf.levelNames.enumerated() {
        let limit = apf.concurrencyLimits[level]
        let waits = apf.queueWaitTally(level: level)
        levels.append(PriorityLevelMetrics(
          instance: instance, level: name, concurrencyLimit: limit,
          seatUtilisation: limit > 0 ? apf.seatsInUseStatistic(level: level).mean(upTo: end) / Double(limit) : 0,
          meanQueueLength: apf.queueLengthStatistic(level: level).mean(upTo: end),
          meanQueueWaitSeconds: waits.count > 0 ? waits.mean : 0,
          rejected: apf.rejectedCount(level: level), dispatched: waits.count))
      }
    }
    return ReplicationResult(
      replication: replication, clientNames: spec.clients.map(\.name), clients: clientMetrics,
      apiServiceNames: registry.apiServices.map(\.name), apiServices: apiServiceMetrics, pods: pods, trace: trace,
      priorityLevels: levels, timeSeries: timeSeries, events: modelEvents, availability: availabilityResult(at: end),
      eventsHandled: calendar.eventsHandled, measuredDuration: end - measuringSince,
      discovery: discovery.clientMetrics, namespaces: discovery.namespaceResult(at: end), openAPI: openAPIMetrics,
      discoveryManager: discovery.apiServiceMetrics(names: registry.apiServices.map(\.name), at: end, since: measuringSince))
  }
}

@available(*, unavailable) extension AggregationSimulation: Sendable {}
