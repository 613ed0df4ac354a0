/// The events of the aggregation model: one case per component, wrapping that component's own
/// `Event`. Events carry indices into the kernel's and the components' tables (and a request's
/// generation, so that a timer or a message of an earlier attempt is recognised as stale and
/// dropped), never objects or closures, so a calendar entry stays small.
///
/// A new component adds its case here and its dispatch in `AggregationSimulation.handle(_:)`.
enum ModelEvent {
  case clients(ClientFleet.Event)
  case controlPlane(ControlPlane.Event)
  case transport(Transport.Event)
  case pods(ExtensionServers.Event)
  case readiness(ReadinessProber.Event)
  case faults(FaultInjector.Event)
  case availability(AvailabilityController.Event)
  case registration(RegistrationWorkers.Event)
  case discoveryManager(DiscoveryManagers.Event)
  case openAPI(OpenAPIControllers.Event)
  case consumers(DiscoveryConsumers.Event)
  case run(TimeSeriesSampler.Event)
  case loadBalancer(LoadBalancer.Event)
}

extension AggregationSimulation {
  /// Hands an event to its component, with the kernel and the other components it may touch.
  mutating func handle(_ event: ModelEvent) {
    switch event {
    case .clients(let e): handleClients(e)
    case .controlPlane(let e): handleControlPlane(e)
    case .transport(let e): handleTransport(e)
    case .pods(let e): handlePods(e)
    case .readiness(let e):
      switch e {
      case .tick(let s, let p):
        prober.tick(server: Int(s), pod: Int(p), &kernel, servers: &pods, availability: &availability, transport: &transport)
      case .timeout(let s, let p, let g):
        prober.timedOut(server: Int(s), pod: Int(p), generation: g, &kernel, servers: &pods, availability: &availability,
                        transport: &transport)
      case .crashSeen(let s, let p, let epoch):
        prober.crashSeen(server: Int(s), pod: Int(p), epoch: epoch, &kernel, servers: &pods, availability: &availability,
                         transport: &transport)
      }
    case .faults(let e):
      applyStrike(faults.strike(e))
      faults.followUp(e, &kernel)
    case .availability(let e): availability.handle(e, &kernel, transport: &transport, pods: pods)
    case .registration(let e):
      switch e {
      case .statusArrives(let i, let a, let version, let epoch):
        // The informer's watch event, to each of its handlers: the availability controller
        // re-checks the APIService and the registration queue takes it (the discovery manager
        // follows when the registration worker is done with it: `synced`).
        guard kernel.isCurrent(instance: Int(i), epoch: epoch) else { return }
        kernel.registry.watchEventArrives(instance: Int(i), Int(a), resourceVersion: version)
        availability.apiServiceUpdated(instance: Int(i), Int(a), &kernel, transport: &transport, pods: pods)
        registration.enqueue(instance: Int(i), Int(a), &kernel)
      case .registrationDone(let i, let a, let epoch):
        guard kernel.isCurrent(instance: Int(i), epoch: epoch) else { return }
        if registration.installed(instance: Int(i), Int(a), downloadsOpenAPI: openAPI.registrationDownloads, &kernel) {
          openAPI.registrationSteps(instance: Int(i), Int(a), &kernel, transport: &transport, pods: pods, registration: &registration)
        }
      case .resync(let i, let epoch):
        guard kernel.isCurrent(instance: Int(i), epoch: epoch) else { return }
        registration.resync(instance: Int(i), &kernel)
      case .synced(let i, let a, let created, let epoch):
        // `AddAPIService` ends with the discovery manager's: the APIService is marked dirty and
        // fetched again (research §3.2; a local one has nothing to fetch). A new proxy handler
        // was added to the OpenAPI controllers just before: their first downloads 1 s later.
        guard kernel.isCurrent(instance: Int(i), epoch: epoch), kernel.registry.isServiceBacked(Int(a)) else { return }
        if created { openAPI.apiServiceAdded(instance: Int(i), Int(a), &kernel) }
        discoveryManagers.apiServiceAdded(instance: Int(i), Int(a), &kernel, transport: &transport, pods: pods)
      case .initialSyncDone(let i, let epoch):
        guard kernel.isCurrent(instance: Int(i), epoch: epoch) else { return }
        registrationInitialSyncDone(Int(i))
      }
    case .discoveryManager(let e): discoveryManagers.handle(e, &kernel, transport: &transport, pods: pods)
    case .openAPI(let e): openAPI.handle(e, &kernel, transport: &transport, pods: pods, registration: &registration)
    case .consumers(let e): consumers.handle(e, &kernel, fleet: &clients)
    case .run(.bucketEnds):
      timeSeries.bucketEnds(&kernel, clients: &clients, pods: &pods, managers: discoveryManagers, consumers: consumers,
                            controlPlane: controlPlane)
    case .run(.warmupEnds): resetStatistics()
    case .loadBalancer(.check(let i)): loadBalancer?.check(Int(i), &kernel, shutdown: controlPlane.shutdown[Int(i)])
    }
  }

  private mutating func handleClients(_ event: ClientFleet.Event) {
    switch event {
    case .fires(let client, let user):
      switch clients.fires(Int(client), user: Int(user), &kernel) {
      case .requestsSent: break
      case .discoveryInvocations(let count):
        for _ in 0..<count { consumers.invocationStarts(client: Int(client), &kernel, fleet: &clients) }
      case .namespaceDeletions(let count):
        for _ in 0..<count { consumers.namespaceDeleted(client: Int(client), &kernel) }
      }
    case .retry(let id, let generation):
      if kernel.requests.isCurrent(id, generation) { clients.sendAttempt(id, &kernel) }
    case .send(let id, let generation):
      if kernel.requests.isCurrent(id, generation) { clients.send(id, &kernel) }
    case .answer(let id, let generation):
      guard kernel.requests.isCurrent(id, generation) else { return }
      switch clients.answerArrived(id, &kernel) {
      case .retrying: return
      case .abandoned: break
      case .completed(let run, let outcome):
        if run >= 0 { consumers.requestEnded(run: run, apiService: kernel.requests[id].apiService, outcome, &kernel, fleet: &clients) }
        clients.continueUser(of: id, &kernel)
      }
      kernel.requests.release(id)
    case .timeout(let id, let incarnation):
      clientTimedOut(id, incarnation: incarnation)
    }
  }

  private mutating func handleControlPlane(_ event: ControlPlane.Event) {
    switch event {
    case .arrive(let id, let g): if kernel.requests.isCurrent(id, g) { controlPlane.arrive(id, &kernel) }
    case .filtersDone(let id, let g):
      guard kernel.requests.isCurrent(id, g) else { return }
      switch controlPlane.admit(id, &kernel) {
      case .route: route(id)
      case .queued: break
      case .rejected: finishServerSide(id, .admissionRejected)
      }
    case .queueWaitExpires(let id, let g):
      guard kernel.requests.isCurrent(id, g) else { return }
      var dispatched: [UInt32] = []
      if controlPlane.queueWaitExpired(id, &kernel, dispatched: &dispatched), kernel.requests[id].origin.isReview == false {
        finishServerSide(id, .queueWaitExpired)
      }
      runDispatched(dispatched)
    case .localHandlerDone(let id, let g): if kernel.requests.isCurrent(id, g) { finishServerSide(id, .ok) }
    case .deadlineExpires(let id, let g): if kernel.requests.isCurrent(id, g) { finishServerSide(id, .deadline) }
    case .discoveryCapExpires(let id, let g): if kernel.requests.isCurrent(id, g) { finishServerSide(id, .discoveryTimeout) }
    case .reviewArrives(let id, let g):
      guard kernel.requests.isCurrent(id, g) else { return }
      let reviewer = kernel.spec.extensionServers[Int(kernel.requests[id].server)].authorization!.identity
      controlPlane.reviewArrives(id, reviewer: reviewer, &kernel)
    case .reviewHandled(let id, let g):
      guard kernel.requests.isCurrent(id, g) else { return }
      releaseAdmission(id)
      controlPlane.answerReview(id, .allowed, &kernel)
    case .adjustConcurrency(let i, let epoch):
      guard kernel.isCurrent(instance: Int(i), epoch: epoch) else { return }
      var dispatched: [UInt32] = []
      controlPlane.adjustConcurrency(instance: Int(i), &kernel, dispatched: &dispatched)
      runDispatched(dispatched)
    case .backgroundStep(let level, let step):
      var dispatched: [UInt32] = []
      controlPlane.backgroundStep(level: Int(level), step: Int(step), &kernel, dispatched: &dispatched)
      runDispatched(dispatched)
    case .stopListening(let i, let epoch):
      guard kernel.isCurrent(instance: Int(i), epoch: epoch) else { return }
      if controlPlane.stopListening(Int(i)) { instanceStops(Int(i), because: "nothing in flight") }
    case .drained(let i, let epoch):
      guard kernel.isCurrent(instance: Int(i), epoch: epoch), controlPlane.shutdown[Int(i)] == .draining else { return }
      instanceStops(Int(i), because: "in-flight requests drained")
    }
  }

  private mutating func handleTransport(_ event: Transport.Event) {
    switch event {
    case .setupDone(let c, let generation, let reply):
      guard let failed = transport.setupDone(Int(c), generation: generation, reply: reply, &kernel) else { return }
      for id in failed {
        kernel.requests[id].setupConnection = -1
        finishServerSide(id, EndReason(reply))
      }
    case .healthCheck(let c, let generation):
      guard transport.healthCheckFails(Int(c), generation: generation) else { return }
      let connection = transport.connections[Int(c)]
      pods.log(.connectionClosedByHealthCheck, server: Int(connection.server), pod: Int(connection.pod),
               detail: "instance \(connection.instance)", &kernel)
      closeConnection(Int(c), .connectionLost)
    case .answer(let id, let g, let reply):
      guard kernel.requests.isCurrent(id, g) else { return }
      _ = transport.answerArrived(id, reply: reply, &kernel)
      finishServerSide(id, EndReason(reply))
    }
  }

  private mutating func handlePods(_ event: ExtensionServers.Event) {
    switch event {
    case .arrive(let id, let g): if kernel.requests.isCurrent(id, g) { pods.arrive(id, &kernel, transport: transport) }
    case .serviceDone(let id, let g, let server, let pod):
      pods.serviceDone(PodJob(request: id, generation: g), server: Int(server), pod: Int(pod), &kernel, transport: transport)
    case .queueWaitExpires(let id, let g): if kernel.requests.isCurrent(id, g) { pods.queueWaitExpired(id, &kernel, transport: transport) }
    case .reviewAnswer(let id, let g, let verdict):
      if kernel.requests.isCurrent(id, g) { pods.reviewAnswered(id, verdict, &kernel, transport: transport) }
    case .reviewTimeout(let id, let incarnation):
      // The review client gave up on the call: the control plane forgets the review, the pod
      // fails the request (a timeout is not retried).
      guard kernel.requests[id].incarnation == incarnation, kernel.requests[id].phase != .free, kernel.requests[id].origin.isReview
      else { return }
      kernel.requests[id].senderTimeout = nil
      releaseAdmission(id)
      pods.reviewAnswered(id, .timedOut, &kernel, transport: transport)
    case .reviewResend(let id, let g, let newCall):
      if kernel.requests.isCurrent(id, g) { pods.resendReview(id, newCall: newCall, &kernel, transport: transport) }
    }
  }
}

extension RequestOrigin {
  /// A SubjectAccessReview (it ends at its pod, not at a client).
  var isReview: Bool {
    if case .review = self { return true }
    return false
  }
}
