public import SimCore

/// One replication of the aggregation layer: a small kernel (calendar, request table, registry
/// view, links, recorder) and the components that own the rest of the state and their events
/// (DESIGN §8, STYLE §4b): clients, control plane, proxy transport, extension-server pods, the
/// kubelet's readiness prober, the fault injector, the availability controller, the registration
/// workers, the discovery managers, the OpenAPI controllers, the discovery consumers and the time
/// series. The model's event is an enum of the components' events (`ModelEvent`); this type only
/// dispatches them and wires the request path (`RequestPath.swift`) and fault effects
/// (`FaultEffects.swift`) between components.
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
  let replication: Int
  var kernel: Kernel
  var clients: ClientFleet
  var controlPlane: ControlPlane
  var transport: Transport
  var pods: ExtensionServers
  var prober: ReadinessProber
  var faults: FaultInjector
  var availability: AvailabilityController
  var registration: RegistrationWorkers
  var discoveryManagers: DiscoveryManagers
  var openAPI: OpenAPIControllers
  var consumers: DiscoveryConsumers
  var timeSeries: TimeSeriesSampler
  /// The load balancer's health checks, when the spec models them.
  var loadBalancer: LoadBalancer?

  /// Builds replication `replication` of `spec`, with streams seeded from `runSeed`. Streams are
  /// created in the same order as they always were, so that their seeds never change.
  public init(spec: ModelSpec, runSeed: UInt32, replication: Int) throws(StreamSeeds.SeedError) {
    let spec = spec.resolved()
    self.replication = replication
    let streams = try StreamRegistry(runSeed: runSeed, replication: replication)
    let instances = Swift.max(spec.controlPlane.instances, 1)
    let lanes = TimerLanes(spec)
    let registry = RegistryView(spec, instances: instances)
    let servers = spec.extensionServers.map { ServerRuntime($0, streams: streams, clientCount: spec.clients.count) }
    transport = Transport(spec, instances: instances, streams: streams)
    let backendLinks = Links.backendLinks(spec, instances: instances, streams: streams, lanes: lanes)
    var clientStates: [ClientState] = []
    var clientLinks: [NetworkLink] = []
    for client in spec.clients {
      clientStates.append(ClientState(client, streams: streams))
      clientLinks.append(NetworkLink(client.link, streams: streams, name: "client/\(client.name)", lanes: lanes))
    }
    let filterStream = streams.stream("controlplane/filters").source
    let traceStream = streams.stream("output/trace-sampling").source
    controlPlane = ControlPlane(spec, instances: instances, streams: streams, filterStream: filterStream, lanes: lanes)
    kernel = Kernel(spec: spec, instances: instances, lanes: lanes, calendar: EventCalendar(capacity: 4_096, lanes: lanes.count),
                    registry: registry,
                    links: Links(clients: clientLinks, backends: backendLinks, servers: servers.count),
                    recorder: Recorder(traceSampling: spec.requestTraceSampling, traceStream: traceStream, warmup: spec.warmup),
                    streams: streams)
    kernel.instanceUp = Array(repeating: true, count: instances)
    kernel.instanceEpoch = Array(repeating: 0, count: instances)
    kernel.instanceReady = kernel.instanceUp
    clients = ClientFleet(clients: clientStates, apiServices: registry.count, dialTimeout: spec.controlPlane.proxy.dialTimeout)
    consumers = DiscoveryConsumers(spec, registry: registry, streams: streams)
    let instanceStreams = (0..<instances).map { streams.stream("availability/\($0)/resync").source }
    availability = AvailabilityController(spec.controlPlane.availabilityController, registry: registry, streams: instanceStreams,
                                          pods: spec.extensionServers.map(\.replicas), routing: spec.controlPlane.proxy.routing)
    registration = RegistrationWorkers(spec.controlPlane.availabilityController, registry: registry, streams: instanceStreams,
                                       version: spec.version)
    discoveryManagers = DiscoveryManagers(spec.discoveryManager, runs: spec.discoveryManager.enabled.resolved,
                                          instances: instances, registry: registry, version: spec.version)
    openAPI = OpenAPIControllers(spec.controlPlane.openAPIController, instances: instances, apiServices: registry.count,
                                 version: spec.version)
    pods = ExtensionServers(servers: servers, clients: spec.clients, version: spec.version,
                            requestTimeout: spec.controlPlane.requestTimeout)
    faults = FaultInjector(spec, servers: servers, instances: instances, streams: streams)
    faults.installLinkWindows(&kernel.links, streams: streams)
    faults.prepareRandomLinkFaults(&kernel.links, streams: streams)
    timeSeries = TimeSeriesSampler(bucket: spec.timeBucket, duration: spec.duration, instances: instances)
    prober = ReadinessProber(pods, streams: streams)
    loadBalancer = LoadBalancer(spec.controlPlane, instances: instances, streams: streams)
  }

  /// Runs the replication to `spec.duration` and returns what it measured, with everything it
  /// recorded.
  public mutating func run() -> ReplicationResult {
    start()
    let end = SimTime.zero + kernel.spec.duration
    runEvents(until: end)
    return result(at: end)
  }

  /// Events handled so far.
  public var eventsHandled: UInt64 { kernel.calendar.eventsHandled }

  /// The end of the run (`spec.duration` from the start).
  public var end: SimTime { .zero + kernel.spec.duration }

  /// The clients' names, by the index a `RequestTraceEntry` holds.
  public var clientNames: [String] { kernel.spec.clients.map(\.name) }

  /// The APIServices' names (built-in local ones first), by the index a `RequestTraceEntry` holds.
  public var apiServiceNames: [String] { kernel.registry.apiServices.map(\.name) }

  /// Runs the replication in stretches, for a runner that streams what it records to files:
  /// `start()` once, then `advance(to:)` up to `end` and `takeRecords()` after each stretch,
  /// and `finish()`. The records come out in the same order and with the same values as from
  /// `run()`; memory then grows with a stretch's records, not with the simulated time.
  public mutating func advance(to time: SimTime) {
    runEvents(until: Swift.min(time, end))
  }

  /// As `advance(to:)`, checking `budget` every `RunBudget.checkInterval` events.
  /// - Throws: `BudgetOverrun` when the replication handled more events than the budget's, or
  ///   the process holds more memory; the replication is then unusable.
  public mutating func advance(to time: SimTime, within budget: RunBudget) throws(BudgetOverrun) {
    let end = Swift.min(time, self.end)
    var nextCheck = kernel.calendar.eventsHandled &+ RunBudget.checkInterval
    while let event = kernel.calendar.popNext(notAfter: end) {
      handle(event)
      if kernel.calendar.eventsHandled >= nextCheck {
        try check(budget, until: end)
        nextCheck = kernel.calendar.eventsHandled &+ RunBudget.checkInterval
      }
    }
    kernel.calendar.advance(to: end)
  }

  /// Runs the replication from its start to its end in stretches of `stretch` within `budget`,
  /// dropping its records (for a caller that needs only what it measured).
  /// - Throws: `BudgetOverrun` as `advance(to:within:)`.
  public mutating func runDroppingRecords(within budget: RunBudget, stretch: SimDuration = .seconds(1)) throws(BudgetOverrun)
    -> ReplicationResult {
    start()
    var time = SimTime.zero
    repeat {
      time = time + stretch
      try advance(to: time, within: budget)
      _ = takeRecords()
    } while time < end
    return finish()
  }

  /// Hands over the events, sampled requests and time-series points recorded since the last call.
  public mutating func takeRecords() -> ReplicationRecords { kernel.recorder.take() }

  /// What the replication measured once `advance(to: end)` has run; its records are only those
  /// not taken yet.
  public mutating func finish() -> ReplicationResult { result(at: end) }

  /// Handles every event due at or before `end`, then sets the clock to `end`.
  mutating func runEvents(until end: SimTime) {
    while let event = kernel.calendar.popNext(notAfter: end) { handle(event) }
    kernel.calendar.advance(to: end)
  }

  /// Schedules the first events: client arrivals, faults, APF borrowing and background demand,
  /// the time series and the end of the warm-up, the availability controllers, the discovery
  /// managers, the OpenAPI controllers and the kubelets' readiness probes (in this order: events at one instant run first-in first-out).
  public mutating func start() {
    for client in clients.clients.indices {
      clients.start(client, &kernel)
      consumers.scheduleFirstSync(client: client, &kernel)
    }
    faults.start(&kernel)
    controlPlane.start(&kernel)
    timeSeries.start(warmup: kernel.spec.warmup, &kernel)
    availability.start(&kernel)
    discoveryManagers.start(&kernel)
    openAPI.start(&kernel)
    for instance in 0..<kernel.spec.controlPlane.instances { registration.start(instance: instance, &kernel) }
    prober.start(&kernel, servers: pods)
    loadBalancer?.start(&kernel)
  }

  /// Forgets everything measured so far: statistics start at the end of the warm-up.
  mutating func resetStatistics() {
    let now = kernel.now
    kernel.measuringSince = now
    clients.resetStatistics()
    kernel.recorder.tracing = true
    kernel.registry.resetStatistics(at: now)
    openAPI.resetStatistics()
    consumers.resetStatistics()
    discoveryManagers.resetStatistics()
    controlPlane.resetStatistics(at: now)
    pods.resetStatistics(at: now)
  }

  /// What the replication measured, over `[measuringSince, end)`.
  mutating func result(at end: SimTime) -> ReplicationResult {
    clients.flushHistograms()
    let since = kernel.measuringSince
    let names = kernel.registry.apiServices.map(\.name)
    return ReplicationResult(
      replication: replication, clientNames: kernel.spec.clients.map(\.name), clients: clients.metrics,
      apiServiceNames: names, apiServices: clients.apiServiceScopes(), pods: pods.podMetrics(at: end),
      trace: kernel.recorder.trace, priorityLevels: controlPlane.priorityLevels(at: end), timeSeries: kernel.recorder.timeSeries,
      events: kernel.recorder.events, availability: kernel.registry.availabilityResult(at: end, measuringSince: since),
      eventsHandled: kernel.calendar.eventsHandled, measuredDuration: end - since,
      discovery: consumers.clientMetrics, namespaces: consumers.namespaceResult(at: end), openAPI: openAPI.metrics,
      discoveryManager: discoveryManagers.metrics(names: names, at: end, since: since))
  }
}

@available(*, unavailable) extension AggregationSimulation: Sendable {}
