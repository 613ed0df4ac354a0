import SimCore

/// The FIFO lanes of the model's calendar (`EventCalendar`): one per constant delay the model
/// schedules events with — the request deadline, the discovery cap and the controllers'
/// timeouts, clients' and review clients' timeouts and `?timeout=`s (client-go's 32 s discovery
/// timeout when a client runs discoveries), and constant filter overheads, handler and
/// registration times and link latencies, and APF's queue-wait limits. Events scheduled `d` after now with the same `d` come
/// in time order, so a lane keeps them in order at O(1) and the heap stays small. Which lane (or
/// the heap) holds an event never changes the order in which events come out, so the plan only
/// decides speed: a delay that is not constant after all just falls back to the heap.
struct TimerLanes {
  /// The delay of each lane's events.
  private(set) var delays: [SimDuration] = []
  /// Lanes at most (each lane's first event sits in the heap).
  static let maximum = 32

  /// The lanes of `spec`'s constant delays, in a fixed order.
  init(_ spec: ModelSpec) {
    let plane = spec.controlPlane
    add(plane.requestTimeout)
    add(plane.proxy.discoveryCap.flatMap(\.duration))
    add(spec.discoveryManager.fetchTimeout)
    add(plane.availabilityController.probeTimeout)
    add(plane.openAPIController.timeout)
    for client in spec.clients { add(client.timeout); add(client.requestTimeout) }
    let behaviour = VersionBehaviour(spec.version)
    if spec.clients.contains(where: { $0.workload.discoveryConsumer != nil }) {
      add(behaviour.kubectlDiscoveryTimeout)
      add(behaviour.controllerDiscoveryTimeout)
    }
    for server in spec.extensionServers { add(server.authorization?.clientTimeout) }
    // APF's queue-wait limits, a fraction of the deadline a request brings: the control
    // plane's (`--request-timeout` or a client's `?timeout=`) and each pod's own (60 s).
    if case .priorityAndFairness(let apf) = plane.admission {
      for deadline in [plane.requestTimeout] + spec.clients.compactMap(\.requestTimeout) { add(apf.queueWait(remaining: deadline)) }
    }
    for server in spec.extensionServers {
      if case .priorityAndFairness(let apf)? = server.ownAdmission { add(apf.queueWait(remaining: plane.requestTimeout)) }
    }
    add(plane.filterOverhead.constantValue)
    add(plane.localHandlerTime.constantValue)
    add(plane.availabilityController.registrationTime.constantValue)
    for link in spec.clients.map(\.link) + spec.backendLinks.map(\.link) {
      add(link.constantLatency(isRequest: true))
      add(link.constantLatency(isRequest: false))
    }
  }

  private mutating func add(_ delay: SimDuration?) {
    guard let delay, delay > .zero, delays.count < Self.maximum, !delays.contains(delay) else { return }
    delays.append(delay)
  }

  var count: Int { delays.count }

  /// The lane of events scheduled `delay` after now (nil: the heap).
  func lane(for delay: SimDuration?) -> Int? {
    guard let delay else { return nil }
    return delays.firstIndex(of: delay)
  }
}

extension Distribution {
  /// The value of a constant distribution (nil for any other).
  var constantValue: SimDuration? {
    if case .constant(let value) = self { return value }
    return nil
  }
}

extension NetworkLinkSpec {
  /// The delay of every message in one direction when it is constant: a constant latency with no
  /// loss and no bandwidth limit (nil otherwise).
  func constantLatency(isRequest: Bool) -> SimDuration? {
    guard loss == 0, bandwidthBytesPerSecond == nil else { return nil }
    return (isRequest ? requestLatency : responseLatency).constantValue
  }
}
