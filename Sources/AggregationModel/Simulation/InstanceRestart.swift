import SimCore

/// A kube-apiserver instance goes down and starts again (`Fault.Kind.restart`; `gracefulRestart`
/// first drains its requests, see `instanceShutdownInitiated`): every component
/// drops what it held for the instance, and rebuilds it when the instance is up again, as at
/// start-up. While it is down, clients' load balancer sends no new request to it and what was on
/// its way to it is refused; once up, it sends it nothing until its `/readyz` passes: after the
/// registration controller's initial sync and, from 1.30, the discovery manager's start-up pass
/// (`registrationInitialSyncDone`).
extension AggregationSimulation {
  /// The instance's process exits: its connections to extension servers close, the requests it
  /// was working on end (clients see their connection reset; reviews fail back to their pods;
  /// its own probes, fetches and downloads are dropped), and its controllers' state and caches
  /// are lost. Events of this incarnation are stale from now on.
  mutating func instanceGoesDown(_ instance: Int) {
    guard kernel.instanceUp[instance] else { return }
    kernel.instanceUp[instance] = false
    kernel.instanceReady[instance] = false
    kernel.instanceEpoch[instance] &+= 1
    transport.dropConnections(instance: instance)
    for index in kernel.requests.records.indices where Self.isHeldBy(instance, kernel.requests.records[index]) {
      let id = UInt32(index)
      kernel.cancelTimers(of: id)
      transport.release(id, &kernel)
      pods.releaseOwnAdmission(id, &kernel, transport: transport)
      kernel.requests[id].holdsAdmission = false  // the instance's seats are gone with it
      switch kernel.requests[id].origin {
      case .client, .discoveryRun: controlPlane.respond(id, .apiserverConnectionReset, &kernel)
      case .review: pods.reviewAnswered(id, .reset, &kernel, transport: transport)
      case .probe, .discoveryFetch, .openAPI: kernel.requests.release(id)
      }
    }
    controlPlane.instanceStopped(instance, at: kernel.now)
    availability.instanceStopped(instance)
    registration.instanceStopped(instance)
    discoveryManagers.instanceStopped(instance, at: kernel.now, measuringSince: kernel.measuringSince)
    openAPI.instanceStopped(instance)
    kernel.registry.proxyViewLost(instance: instance)
  }

  /// ShutdownInitiated of a graceful stop (`Fault.Kind.gracefulRestart`): the instance's
  /// `/readyz` fails at once, so the load balancer (and the `kubernetes` Service's endpoints) send
  /// it nothing new; it serves what it has (`ControlPlane+Shutdown`) and its process exits when
  /// that has drained (`instanceStops`).
  mutating func instanceShutdownInitiated(_ instance: Int, delay: SimDuration) {
    guard kernel.instanceUp[instance] else { return }
    kernel.instanceReady[instance] = false
    controlPlane.shutdownInitiated(instance, delay: delay, &kernel)
  }

  /// A gracefully stopping instance's process exits (`why`: what it waited for), as `restart`'s does.
  mutating func instanceStops(_ instance: Int, because why: String) {
    kernel.recorder.log(.instanceStopped, at: kernel.now, subject: "instance/\(instance)", detail: why)
    instanceGoesDown(instance)
  }

  /// Whether the request is in the hands of `instance`: past its filters' start and before its
  /// answer leaves for the client (a review: while the instance admits or evaluates it).
  static func isHeldBy(_ instance: Int, _ record: RequestRecord) -> Bool {
    guard record.instance == Int32(instance) else { return false }
    switch record.phase {
    case .inFilters, .queuedForAdmission, .inLocalHandler:
      return true
    case .waitingForConnection, .toPod, .inPod, .toControlPlaneFromPod:
      return !record.origin.isReview
    case .free, .waitingForToken, .toControlPlane, .toClient, .waitingForRetry:
      return false
    }
  }

  /// The instance's process starts again: its informers list the APIServices, so its
  /// registration worker installs each in the new proxy (its initial sync; each new handler is
  /// added to the OpenAPI controllers then), and its availability controller and discovery
  /// manager start (the discovery manager as `DiscoveryManagers.restarted` says).
  mutating func instanceRestarts(_ instance: Int) {
    guard !kernel.instanceUp[instance] else { return }
    kernel.instanceUp[instance] = true
    controlPlane.instanceStarted(instance, &kernel)
    registration.relist(instance: instance, &kernel)
    registration.start(instance: instance, &kernel)
    availability.start(instance: instance, &kernel)
    discoveryManagers.restarted(instance: instance, &kernel)
  }

  /// The restarted instance's registration controller ended its initial sync (the
  /// `apiservice-registration-controller` post-start hook returns). From 1.30 the discovery
  /// manager's start-up pass starts now and `/readyz` waits for it
  /// (`VersionBehaviour.discoveryStartupPassBeforeReady`); before, `/readyz` passes now.
  mutating func registrationInitialSyncDone(_ instance: Int) {
    if !discoveryManagers.startupPass(instance: instance, &kernel, transport: &transport, pods: pods) {
      kernel.instanceBecomesReady(instance, after: "registration initial sync")
    }
  }
}
