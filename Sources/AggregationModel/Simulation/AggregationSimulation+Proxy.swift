import SimCore
internal import DequeModule

extension AggregationSimulation {
  /// A request the control plane sends on its own behalf to the server of `apiService` (an
  /// availability probe, a discovery fetch, an OpenAPI download): no client, no admission, no
  /// metrics of its own. Its record is filled in; `sendInternalRequest` sends it.
  mutating func internalRequest(kind: RequestKind, instance: Int, apiService: Int) -> UInt32 {
    let id = requests.allocate()
    requests[id].kind = kind
    requests[id].instance = Int32(instance)
    requests[id].apiService = Int32(apiService)
    requests[id].server = serverOfAPIService[apiService]
    requests[id].firstSent = calendar.now
    requests[id].attempt = 1
    return id
  }

  /// Sends an internal request straight into its instance's proxy transport (sharing the proxy's
  /// connections), ended after `timeout` by its deadline, or by the discovery cap (`capped`).
  mutating func sendInternalRequest(_ id: UInt32, timeout: SimDuration, capped: Bool = false) {
    let generation = requests[id].generation
    if capped {
      requests[id].discoveryCap = calendar.scheduleCancellable(.discoveryCapExpires(request: id, generation: generation), after: timeout)
    } else {
      requests[id].deadline = calendar.scheduleCancellable(.deadlineExpires(request: id, generation: generation), after: timeout)
    }
    requests[id].phase = .waitingForConnection
    acquireStream(id, instance: Int(requests[id].instance), server: Int(requests[id].server))
  }

  /// Streams each connection to `server` may carry.
  func streamCap(_ server: Int) -> Int {
    servers[server].spec.maxStreamsPerConnection.resolved
  }

  /// Finds the request an HTTP/2 stream: on an open connection with a free stream, by waiting
  /// for a connection's handshakes, by opening a connection, or (`.queue` rule) by waiting.
  mutating func acquireStream(_ id: UInt32, instance: Int, server: Int) {
    let proxy = spec.controlPlane.proxy
    var pod: Int32 = -1
    if proxy.routing == .endpoints {
      let ready = servers[server].readyCount
      guard ready > 0 else {
        finishServerSide(id, .unavailable)  // 503: no endpoints available for service
        return
      }
      pod = Int32(servers[server].readyPod(pools[instance][server].routingStream.integer(below: ready))!)
    }
    let cap = streamCap(server)
    for c in pools[instance][server].connections {
      let connection = connections[Int(c)]
      if pod >= 0 && connection.pod != pod { continue }
      switch connection.state {
      case .ready, .silent:
        if connection.activeStreams < cap {
          useStream(id, connection: Int(c))
          return
        }
      case .settingUp:
        if connection.activeStreams + connection.waiting.count < cap {
          connections[Int(c)].waiting.append(id)
          requests[id].setupConnection = c
          return
        }
      case .closed:
        continue
      }
    }
    if proxy.atStreamCap == .queue && !pools[instance][server].connections.isEmpty {
      pools[instance][server].waitingForStream.append(id)
      return
    }
    let c = openConnection(instance: instance, server: server, pod: pod)
    connections[c].waiting.append(id)
    requests[id].setupConnection = Int32(c)
  }

  /// The request takes a stream of a ready connection and goes to the connection's pod.
  mutating func useStream(_ id: UInt32, connection c: Int) {
    connections[c].activeStreams += 1
    requests[id].connection = Int32(c)
    requests[id].setupConnection = -1
    requests[id].pod = connections[c].pod
    requests[id].phase = .toPod
    let instance = Int(requests[id].instance), server = Int(requests[id].server)
    // A silent connection swallows the request; a partition drops it. Timers end it then.
    guard connections[c].state == .ready,
          let delay = backendLinks[instance][server].delay(at: calendar.now, isRequest: true) else { return }
    calendar.schedule(.arriveAtPod(request: id, generation: requests[id].generation), after: delay)
  }

  /// Releases the request's stream; a request waiting for a stream (`.queue` rule) takes it.
  mutating func releaseStream(of id: UInt32) {
    let c = Int(requests[id].connection)
    requests[id].connection = -1
    connections[c].activeStreams -= 1
    let instance = Int(connections[c].instance), server = Int(connections[c].server)
    if connections[c].state == .ready, let next = pools[instance][server].waitingForStream.popFirst() {
      useStream(next, connection: c)
    }
  }

  /// Takes a request that waits for a connection out of its wait (it ended first).
  mutating func removeFromConnectionWaits(_ id: UInt32) {
    let c = requests[id].setupConnection
    if c >= 0 {
      connections[Int(c)].waiting.removeAll { $0 == id }
      requests[id].setupConnection = -1
    } else {
      let instance = Int(requests[id].instance), server = Int(requests[id].server)
      if let index = pools[instance][server].waitingForStream.firstIndex(of: id) {
        pools[instance][server].waitingForStream.remove(at: index)
      }
    }
  }

  /// Opens a connection to `pod` (endpoint routing) or to the ClusterIP (`pod` < 0: kube-proxy
  /// picks a ready pod for the connection), and schedules the end of its handshakes.
  mutating func openConnection(instance: Int, server: Int, pod requestedPod: Int32) -> Int {
    var pod = requestedPod
    if pod < 0 {
      let ready = servers[server].readyCount
      if ready > 0 {
        pod = Int32(servers[server].readyPod(pools[instance][server].routingStream.integer(below: ready))!)
      }
    }
    let c = connections.count
    connections.append(Connection(instance: Int32(instance), server: Int32(server), pod: pod))
    pools[instance][server].connections.append(Int32(c))
    let (reply, delay) = handshake(instance: instance, server: server, pod: pod)
    calendar.schedule(.connectionSetupDone(connection: Int32(c), generation: 0, reply: reply), after: delay)
    return c
  }

  /// The outcome and duration of the TCP and TLS handshakes to `pod` (−1: no ready endpoint, so
  /// kube-proxy rejects the connection).
  mutating func handshake(instance: Int, server: Int, pod: Int32) -> (BackendReply, SimDuration) {
    let proxy = spec.controlPlane.proxy
    let link = backendLinks[instance][server]
    guard let tcp = link.roundTrip(at: calendar.now) else { return (.dialTimeout, proxy.dialTimeout) }
    guard pod >= 0, servers[server].pods[Int(pod)].isAcceptingConnections else { return (.connectionRefused, tcp) }
    // A hung pod still completes handshakes (Go's connection goroutine does TLS; its handlers hang).
    guard let tls = link.roundTrip(at: calendar.now + tcp) else { return (.tlsHandshakeTimeout, tcp + proxy.tlsHandshakeTimeout) }
    return (.ok, tcp + tls)
  }

  /// The handshakes ended: the waiting requests take streams, or fail with 503.
  mutating func connectionSetupDone(_ c: Int, generation: UInt32, reply: BackendReply) {
    guard connections[c].generation == generation, connections[c].state == .settingUp else { return }
    let waiting = connections[c].waiting
    connections[c].waiting.removeAll(keepingCapacity: true)
    if reply == .ok {
      connections[c].state = .ready
      connections[c].lastFrame = calendar.now
      for id in waiting { useStream(id, connection: c) }
    } else {
      close(c)
      for id in waiting {
        requests[id].setupConnection = -1
        finishServerSide(id, .unreachable)
      }
    }
  }

  /// Closes a connection: it leaves its pool; requests with a stream on it fail with 503.
  mutating func close(_ c: Int, failing reply: BackendReply = .connectionLost) {
    connections[c].state = .closed
    connections[c].generation &+= 1
    let instance = Int(connections[c].instance), server = Int(connections[c].server)
    pools[instance][server].connections.removeAll { $0 == Int32(c) }
    guard connections[c].activeStreams > 0 else { return }
    for index in requests.records.indices
    where requests.records[index].connection == Int32(c) && requests.records[index].phase != .free {
      finishServerSide(UInt32(index), .unreachable)
    }
  }

  /// A connection to a silent pod goes quiet: the HTTP/2 health check closes it at the first
  /// PING after `readIdleTimeout` without a frame, `pingTimeout` later (research §1a: ≤ 45 s).
  mutating func silence(_ c: Int) {
    guard connections[c].state == .ready else { return }
    connections[c].state = .silent
    let proxy = spec.controlPlane.proxy
    // While healthy, an idle connection was PINGed every readIdleTimeout and answered, so the
    // next PING is the first one at or after now.
    let idle = proxy.readIdleTimeout.nanoseconds
    let sinceFrame = (calendar.now - connections[c].lastFrame).nanoseconds
    let periods = idle > 0 ? Swift.max(1, (sinceFrame + idle - 1) / idle) : 1
    let ping = connections[c].lastFrame + SimDuration(nanoseconds: periods * idle)
    calendar.schedule(.connectionHealthCheck(connection: Int32(c), generation: connections[c].generation),
                      at: Swift.max(ping, calendar.now) + proxy.pingTimeout)
  }

  mutating func connectionHealthCheck(_ c: Int, generation: UInt32) {
    guard connections[c].generation == generation, connections[c].state == .silent else { return }
    recordEvent(.connectionClosedByHealthCheck, server: Int(connections[c].server), pod: Int(connections[c].pod),
                detail: "instance \(connections[c].instance)")
    close(c, failing: .connectionLost)
  }

  /// The pod's answer reached the control plane.
  mutating func backendAnswer(_ id: UInt32, reply: BackendReply) {
    let c = Int(requests[id].connection)
    if c >= 0 { connections[c].lastFrame = calendar.now }
    switch reply {
    case .ok: finishServerSide(id, .ok)
    case .tooManyRequests:
      requests[id].retryAfter = .seconds(1)
      finishServerSide(id, .tooManyRequests)
    case .internalError: finishServerSide(id, .backendError)
    default: finishServerSide(id, .unreachable)
    }
  }
}
