/// Where a request crosses from one component to the next (research §2): the aggregator's
/// routing of an admitted request, the end of the control plane's work on an attempt (which
/// releases what the transport, the pods and admission hold for it and tells its sender), and
/// the failure of every request on a closed connection.
extension AggregationSimulation {
  /// Admitted: a discovery run's aggregated `/apis` notes Stale group-versions, then the
  /// aggregator answers, serves locally, or proxies.
  mutating func route(_ id: UInt32) {
    let run = kernel.requests[id].discoveryRun
    if run >= 0 {
      consumers.documentServed(run: run, instance: Int(kernel.requests[id].instance), managers: discoveryManagers,
                               target: clients.clients[Int(kernel.requests[id].client)].apiService)
    }
    switch controlPlane.routeDecision(id, &kernel) {
    case .finish(let reason): finishServerSide(id, reason)
    case .local: break
    case .proxy:
      // The transport's only failure at this point: endpoint routing found no ready pod.
      if transport.acquireStream(id, &kernel, pods: pods) != nil { finishServerSide(id, .noEndpoints) }
    }
  }

  /// The control plane is done with the attempt: timers stop, the stream and the seats are
  /// released (the stream reset cancels the request's context in the pod, which releases its
  /// own seat), and the sender hears the outcome. Later events of the attempt are stale.
  mutating func finishServerSide(_ id: UInt32, _ reason: EndReason) {
    let outcome = reason.outcome
    kernel.cancelTimers(of: id)
    transport.release(id, &kernel)
    pods.releaseOwnAdmission(id, &kernel, transport: transport)
    releaseAdmission(id)
    switch kernel.requests[id].origin {
    case .probe: availability.probeEnded(id, outcome, &kernel, transport: &transport, pods: pods)
    case .discoveryFetch: discoveryManagers.fetchEnded(id, outcome, &kernel, transport: &transport, pods: pods)
    case .openAPI: openAPI.downloadEnded(id, outcome, &kernel, transport: &transport, pods: pods, registration: &registration)
    case .client, .discoveryRun, .review: controlPlane.respond(id, reason, &kernel)
    }
  }

  /// Frees the request's admission seat (or queue place) and routes the queued requests it lets run.
  mutating func releaseAdmission(_ id: UInt32) {
    var dispatched: [UInt32] = []
    controlPlane.releaseAdmission(id, &kernel, dispatched: &dispatched)
    runDispatched(dispatched)
  }

  /// Routes the requests (or evaluates the reviews) that admission let out of their queues.
  mutating func runDispatched(_ dispatched: [UInt32]) {
    for next in dispatched where kernel.requests[next].phase == .queuedForAdmission {
      if kernel.requests[next].origin.isReview {
        controlPlane.reviewExecutes(next, handlingTime: controlPlane.handlingTime(of: next, kernel), &kernel)
      } else {
        route(next)
      }
    }
  }

  /// Closes a connection; every request with a stream on it fails with 503 (`reason`: the pod's
  /// crash reset it, or the health check found it dead).
  mutating func closeConnection(_ c: Int, _ reason: EndReason) {
    guard transport.close(c) else { return }
    for index in kernel.requests.records.indices
    where kernel.requests.records[index].connection == Int32(c) && kernel.requests.records[index].phase != .free {
      finishServerSide(UInt32(index), reason)
    }
  }

  /// The client stopped waiting: it records a timeout now and resets its stream. A request the
  /// control plane is working on is cancelled there as at its own deadline (its context ends:
  /// the APF seat or queue place is freed, the proxied stream to the pod is reset); one still on
  /// the wire is dropped when it arrives; an answer already on its way back is ignored.
  mutating func clientTimedOut(_ id: UInt32, incarnation: UInt32) {
    guard let run = clients.timeoutExpired(id, incarnation: incarnation, &kernel) else { return }
    if run >= 0 { consumers.requestEnded(run: run, apiService: kernel.requests[id].apiService, .clientTimeout, &kernel, fleet: &clients) }
    clients.continueUser(of: id, &kernel)
    switch kernel.requests[id].phase {
    case .waitingForRetry, .waitingForToken:
      kernel.requests.release(id)
    case .inFilters, .queuedForAdmission, .inLocalHandler, .waitingForConnection, .toPod, .inPod, .toControlPlaneFromPod:
      finishServerSide(id, .clientTimeout)
    case .free, .toControlPlane, .toClient:
      break
    }
  }
}
