import SimCore
internal import DequeModule

/// The aggregator's proxy transport (research §1a, §2.2, §2.4): per control-plane instance and
/// extension server, pooled HTTP/2 connections with a cap on concurrent streams. A request takes
/// a free stream of a ready connection; at the cap the transport opens another connection (Go's
/// default) or queues the request (`atStreamCap: queue`). A new connection costs a TCP and a TLS
/// handshake over the backend link (dial 30 s, TLS 10 s), and is refused at once by a crashed or
/// refusing pod. Routing: ClusterIP pins each connection to the pod kube-proxy picked for it;
/// endpoint routing picks a random ready pod per request. A silently dead connection keeps
/// swallowing requests until the HTTP/2 health check closes it (ReadIdle 30 s + ping 15 s).
///
/// Before 1.36 the availability probes have a transport of their own (`VersionBehaviour
/// .probesShareProxyTransport`): a second set of pools, with their own connections and their own
/// pod choice (kube-proxy's for a new connection, the resolver's under endpoint routing).
struct Transport {
  enum Event: ComponentEvent {
    /// A connection finished its TCP and TLS handshakes, or failed them.
    case setupDone(connection: Int32, generation: UInt32, reply: BackendReply)
    /// The HTTP/2 health check of a silent connection closes it.
    case healthCheck(connection: Int32, generation: UInt32)
    /// The backend's answer (or a transport error) reached the control plane.
    case answer(request: UInt32, generation: UInt32, reply: BackendReply)

    var modelEvent: ModelEvent { .transport(self) }
  }

  let proxy: ProxySpec
  /// Instance-major: the pool of instance `i` to server `s` is `pools[i * servers + s]`; before
  /// 1.36 the probes' pools follow, from `probePools` on (0: the probes use the proxy's).
  var pools: [TransportPool]
  let probePools: Int
  var connections: [Connection] = []
  /// Streams each connection to a server may carry (the server's, or the version's default).
  let streamCaps: [Int]
  let servers: Int

  /// The transport of `spec`; creates each pool's routing stream, instance by instance.
  init(_ spec: ModelSpec, instances: Int, streams: StreamRegistry) {
    proxy = spec.controlPlane.proxy
    servers = spec.extensionServers.count
    pools = (0..<instances).flatMap { instance in
      spec.extensionServers.map { TransportPool(routingStream: streams.stream("proxy/\(instance)/\($0.name)/routing").source) }
    }
    if VersionBehaviour(spec.version).probesShareProxyTransport {
      probePools = 0
    } else {
      probePools = pools.count
      pools += (0..<instances).flatMap { instance in
        spec.extensionServers.map { TransportPool(routingStream: streams.stream("probes/\(instance)/\($0.name)/routing").source) }
      }
    }
    streamCaps = spec.extensionServers.map { $0.maxStreamsPerConnection.resolved }
  }

  private func pool(_ instance: Int, _ server: Int) -> Int { instance * servers + server }

  /// The pool a request goes through: its instance's to its server, the probes' own before 1.36.
  private func pool(of record: RequestRecord) -> Int {
    let p = pool(Int(record.instance), Int(record.server))
    return probePools > 0 && record.origin.isProbe ? probePools + p : p
  }

  /// Sends a request the control plane makes on its own behalf (a probe, a discovery fetch, an
  /// OpenAPI download) straight into its instance's transport, ended after `timeout` by its
  /// deadline, or by the discovery cap (`capped`). Returns the outcome if it ended at once.
  mutating func sendInternal(_ id: UInt32, timeout: SimDuration, capped: Bool = false, _ kernel: inout Kernel,
                             pods: ExtensionServers) -> Outcome? {
    let generation = kernel.requests[id].generation
    if capped {
      kernel.requests[id].discoveryCap = kernel.scheduleCancellable(
        ControlPlane.Event.discoveryCapExpires(request: id, generation: generation), after: timeout, lane: kernel.lanes.lane(for: timeout))
    } else {
      kernel.requests[id].deadline = kernel.scheduleCancellable(
        ControlPlane.Event.deadlineExpires(request: id, generation: generation), after: timeout, lane: kernel.lanes.lane(for: timeout))
    }
    kernel.requests.setPhase(id, .waitingForConnection, at: kernel.now)
    return acquireStream(id, _: &kernel, pods: pods)
  }

  /// Finds the request an HTTP/2 stream: on an open connection with a free stream, by waiting
  /// for a connection's handshakes, by opening a connection, or (`.queue` rule) by waiting.
  /// Returns `.unavailable` (503: no endpoints available for service) when endpoint routing
  /// finds no ready pod; nil otherwise.
  mutating func acquireStream(_ id: UInt32, _ kernel: inout Kernel, pods: ExtensionServers) -> Outcome? {
    let instance = Int(kernel.requests[id].instance), server = Int(kernel.requests[id].server)
    let p = pool(of: kernel.requests[id])
    var pod: Int32 = -1
    if proxy.routing == .endpoints {
      let ready = pods.readyCount(server)
      guard ready > 0 else { return .unavailable }
      pod = Int32(pods.readyPod(server, pools[p].routingStream.integer(below: ready))!)
      kernel.requests[id].pod = pod
    }
    let cap = streamCaps[server]
    var atCap = false
    for c in pools[p].connections {
      let connection = connections[Int(c)]
      if pod >= 0 && connection.pod != pod { continue }
      switch connection.state {
      case .ready, .silent:
        if connection.activeStreams < cap {
          useStream(id, connection: Int(c), &kernel)
          return nil
        }
        atCap = true
      case .settingUp:
        if connection.activeStreams + connection.waiting.count < cap {
          connections[Int(c)].waiting.append(id)
          kernel.requests[id].setupConnection = c
          return nil
        }
        atCap = true
      case .closed:
        continue
      }
    }
    if atCap { kernel.requests[id].metStreamCap = true }
    if proxy.atStreamCap == .queue && !pools[p].connections.isEmpty {
      pools[p].waitingForStream.append(id)
      return nil
    }
    let c = openConnection(instance: instance, server: server, pool: p, pod: pod, &kernel, pods: pods)
    connections[c].waiting.append(id)
    kernel.requests[id].setupConnection = Int32(c)
    return nil
  }

  /// The request takes a stream of a ready connection and goes to the connection's pod. A
  /// silent connection swallows it and a partition drops it: timers end it then.
  private mutating func useStream(_ id: UInt32, connection c: Int, _ kernel: inout Kernel) {
    connections[c].activeStreams += 1
    kernel.requests[id].connection = Int32(c)
    kernel.requests[id].setupConnection = -1
    kernel.requests[id].pod = connections[c].pod
    kernel.requests.setPhase(id, .toPod, at: kernel.now)
    let record = kernel.requests[id]
    guard connections[c].state == .ready,
          let delay = kernel.links.backendDelay(instance: record.instance, server: record.server, at: kernel.now, isRequest: true)
    else { return }
    kernel.schedule(ExtensionServers.Event.arrive(request: id, generation: record.generation), after: delay,
                    lane: kernel.links.backendLane(instance: record.instance, server: record.server, isRequest: true))
  }

  /// Releases whatever the request holds or waits for in the transport (its stream, which a
  /// request waiting under the `.queue` rule takes; its place in a wait), when the control
  /// plane is done with it.
  mutating func release(_ id: UInt32, _ kernel: inout Kernel) {
    let record = kernel.requests[id]
    if record.connection >= 0 {
      let c = Int(record.connection)
      kernel.requests[id].connection = -1
      connections[c].activeStreams -= 1
      let p = Int(connections[c].pool)
      if connections[c].state == .ready, let next = pools[p].waitingForStream.popFirst() {
        useStream(next, connection: c, &kernel)
      }
    }
    guard record.phase == .waitingForConnection else { return }
    let c = record.setupConnection
    if c >= 0 {
      connections[Int(c)].waiting.removeAll { $0 == id }
      kernel.requests[id].setupConnection = -1
    } else {
      let p = pool(of: record)
      if let index = pools[p].waitingForStream.firstIndex(of: id) { pools[p].waitingForStream.remove(at: index) }
    }
  }

  /// Opens a connection to `pod` (endpoint routing) or to the ClusterIP (`pod` < 0: kube-proxy
  /// picks a ready pod for the connection), and schedules the end of its handshakes.
  private mutating func openConnection(instance: Int, server: Int, pool p: Int, pod requestedPod: Int32, _ kernel: inout Kernel,
                                       pods: ExtensionServers) -> Int {
    var pod = requestedPod
    if pod < 0 {
      let ready = pods.readyCount(server)
      if ready > 0 { pod = Int32(pods.readyPod(server, pools[p].routingStream.integer(below: ready))!) }
    }
    let c = connections.count
    connections.append(Connection(instance: Int32(instance), server: Int32(server), pod: pod, pool: Int32(p)))
    pools[p].connections.append(Int32(c))
    let (reply, delay) = handshake(instance: instance, server: server, pod: pod, &kernel, pods: pods)
    kernel.schedule(Event.setupDone(connection: Int32(c), generation: 0, reply: reply), after: delay)
    return c
  }

  /// The outcome and duration of the TCP and TLS handshakes to `pod` (−1: no ready endpoint, so
  /// kube-proxy rejects the connection). A hung pod still completes them (Go's connection
  /// goroutine does TLS; its handlers hang).
  private func handshake(instance: Int, server: Int, pod: Int32, _ kernel: inout Kernel, pods: ExtensionServers) -> (BackendReply, SimDuration) {
    guard let tcp = kernel.links.backendRoundTrip(instance: instance, server: server, at: kernel.now) else {
      return (.dialTimeout, proxy.dialTimeout)
    }
    guard pod >= 0, pods.isAcceptingConnections(server, Int(pod)) else { return (.connectionRefused, tcp) }
    guard let tls = kernel.links.backendRoundTrip(instance: instance, server: server, at: kernel.now + tcp) else { return (.tlsHandshakeTimeout, tcp + proxy.tlsHandshakeTimeout) }
    return (.ok, tcp + tls)
  }

  /// The handshakes ended: on success the waiting requests take streams and nil is returned; on
  /// failure the connection closes and the waiting requests are returned (the caller fails each
  /// with 503, in order).
  mutating func setupDone(_ c: Int, generation: UInt32, reply: BackendReply, _ kernel: inout Kernel) -> [UInt32]? {
    guard connections[c].generation == generation, connections[c].state == .settingUp else { return nil }
    let waiting = connections[c].waiting
    connections[c].waiting.removeAll(keepingCapacity: true)
    if reply == .ok {
      connections[c].state = .ready
      connections[c].lastFrame = kernel.now
      for id in waiting { useStream(id, connection: c, &kernel) }
      return nil
    }
    _ = close(c)  // nothing holds a stream on a connection still setting up
    return waiting
  }

  /// Closes a connection: it leaves its pool. Returns whether requests still hold streams on it
  /// (the caller fails them with 503).
  mutating func close(_ c: Int) -> Bool {
    connections[c].state = .closed
    connections[c].generation &+= 1
    let p = Int(connections[c].pool)
    pools[p].connections.removeAll { $0 == Int32(c) }
    return connections[c].activeStreams > 0
  }

  /// The instance's apiserver died: every connection it held is gone (closed without failing
  /// their requests, which the caller answers), and nothing waits for a stream.
  mutating func dropConnections(instance: Int) {
    for s in 0..<servers {
      dropConnections(pool: pool(instance, s))
      if probePools > 0 { dropConnections(pool: probePools + pool(instance, s)) }
    }
  }

  private mutating func dropConnections(pool p: Int) {
    for c in pools[p].connections {
      connections[Int(c)].state = .closed
      connections[Int(c)].generation &+= 1
      connections[Int(c)].waiting.removeAll()
    }
    pools[p].connections.removeAll()
    pools[p].waitingForStream.removeAll()
  }

  /// A connection to a silent pod goes quiet: the HTTP/2 health check closes it at the first
  /// PING after `readIdleTimeout` without a frame, `pingTimeout` later (research §1a: ≤ 45 s).
  /// Without a health check (before 1.20), it stays silent.
  mutating func silence(_ c: Int, _ kernel: inout Kernel) {
    guard connections[c].state == .ready else { return }
    connections[c].state = .silent
    guard let readIdleTimeout = proxy.readIdleTimeout else { return }
    // While healthy, an idle connection was PINGed every readIdleTimeout and answered, so the
    // next PING is the first one at or after now.
    let idle = readIdleTimeout.nanoseconds
    let sinceFrame = (kernel.now - connections[c].lastFrame).nanoseconds
    let periods = idle > 0 ? Swift.max(1, (sinceFrame + idle - 1) / idle) : 1
    let ping = connections[c].lastFrame + SimDuration(nanoseconds: periods * idle)
    kernel.schedule(Event.healthCheck(connection: Int32(c), generation: connections[c].generation),
                    at: Swift.max(ping, kernel.now) + proxy.pingTimeout)
  }

  /// Whether a health check is still due (the connection is still silent and the same).
  func healthCheckFails(_ c: Int, generation: UInt32) -> Bool {
    connections[c].generation == generation && connections[c].state == .silent
  }

  /// The pod's answer reached the control plane: what the attempt's outcome is.
  mutating func answerArrived(_ id: UInt32, reply: BackendReply, _ kernel: inout Kernel) -> Outcome {
    let c = Int(kernel.requests[id].connection)
    if c >= 0 { connections[c].lastFrame = kernel.now }
    switch reply {
    case .ok: return .ok
    case .tooManyRequests:
      kernel.requests[id].retryAfter = .seconds(1)
      return .tooManyRequests
    case .internalError: return .backendError
    default: return .unreachable
    }
  }

  /// Whether an answer sent now on the request's connection can travel (a silent or closed
  /// connection delivers nothing).
  /// Takes the table, not the kernel: a `Kernel` (with its `ModelSpec`) passed by value from an
  /// `inout` one was copied whole at every call (a 3 kB memcpy per answer).
  func canAnswer(_ id: UInt32, _ requests: RequestTable) -> Bool {
    let c = Int(requests[id].connection)
    return c >= 0 && connections[c].state == .ready
  }
}

/// What came back from a backend exchange: an answer, a 429 from the pod's own limit, or a
/// transport error, whose Go text the aggregator's 503 carries (`error trying to reach service:
/// <detail>`, research §2.3).
enum BackendReply: UInt8 {
  case ok
  case tooManyRequests
  case connectionRefused
  case dialTimeout
  case tlsHandshakeTimeout
  case connectionLost
  case connectionReset
  /// 500 from the pod (its authorization failed).
  case internalError

  var detail: String {
    switch self {
    case .ok, .tooManyRequests, .internalError: ""
    case .connectionRefused: "dial tcp: connect: connection refused"
    case .dialTimeout: "dial tcp: i/o timeout"
    case .tlsHandshakeTimeout: "net/http: TLS handshake timeout"
    case .connectionLost: "http2: client connection lost"
    case .connectionReset: "read: connection reset by peer"
    }
  }
}
