import SimCore

/// The network links of one replication: each client's link to the control plane, and each
/// control-plane instance's link to the pods of each extension server (research §2, DESIGN §3).
/// Links are shared infrastructure: the clients, the proxy, the pods and their review callbacks
/// all send over them.
struct Links {
  var clients: [NetworkLink]
  /// Instance-major: the link of instance `i` to server `s` is `backends[i * servers + s]`.
  var backends: [NetworkLink]
  let servers: Int

  /// The links of `spec`, with their streams created in the order the model always created them
  /// (backends instance by instance, then clients), so that their seeds never change.
  static func backendLinks(_ spec: ModelSpec, instances: Int, streams: StreamRegistry, lanes: TimerLanes) -> [NetworkLink] {
    (0..<instances).flatMap { instance in
      spec.extensionServers.map { server in
        let linkSpec = spec.backendLinks.last { $0.server == server.name && ($0.instance == nil || $0.instance == instance) }?.link
        return NetworkLink(linkSpec ?? .ideal, streams: streams, name: "backend/\(instance)/\(server.name)", lanes: lanes)
      }
    }
  }

  /// The delay of one message on the link between `instance` and the pods of `server` (toward
  /// the pod if `isRequest`), or nil when a partition drops it.
  mutating func backendDelay(instance: Int32, server: Int32, at time: SimTime, isRequest: Bool, bytes: Int = 0) -> SimDuration? {
    backends[Int(instance) * servers + Int(server)].delay(at: time, isRequest: isRequest, bytes: bytes)
  }

  /// One round trip on the link between `instance` and the pods of `server`, or nil when a
  /// partition drops it.
  mutating func backendRoundTrip(instance: Int, server: Int, at time: SimTime) -> SimDuration? {
    backends[instance * servers + server].roundTrip(at: time)
  }

  /// The calendar lane of a message's arrival on the link between `instance` and `server`'s pods.
  func backendLane(instance: Int32, server: Int32, isRequest: Bool) -> Int? {
    let link = Int(instance) * servers + Int(server)
    return isRequest ? backends[link].requestLane : backends[link].responseLane
  }

  /// The calendar lane of a message's arrival on `client`'s link.
  func clientLane(_ client: Int, isRequest: Bool) -> Int? {
    isRequest ? clients[client].requestLane : clients[client].responseLane
  }

  /// The delay of one message on `client`'s link (toward the control plane if `isRequest`).
  mutating func clientDelay(_ client: Int, at time: SimTime, isRequest: Bool) -> SimDuration? {
    clients[client].delay(at: time, isRequest: isRequest)
  }
}

/// One link of `Links`: a client's, or an instance's to a server's pods (instance-major index).
enum LinkID: Hashable {
  case client(Int)
  case backend(Int)
}

extension Links {
  /// The links a fault's link target names (in client, then instance order), with each one's
  /// stream name (`link/client/<name>`, `link/backend/<instance>/<server>`).
  static func ids(of target: Fault.LinkTarget, in spec: ModelSpec, instances: Int) -> [(id: LinkID, name: String)] {
    switch target {
    case .client(let name):
      return spec.clients.indices.filter { spec.clients[$0].name == name }.map { (.client($0), "client/\(name)") }
    case .backend(let server, let instance):
      guard let s = spec.extensionServers.firstIndex(where: { $0.name == server }) else { return [] }
      return (0..<instances).filter { instance == nil || $0 == instance }
        .map { (.backend($0 * spec.extensionServers.count + s), "backend/\($0)/\(server)") }
    }
  }

  /// Applies `change` to one link in place.
  mutating func update(_ id: LinkID, _ change: (inout NetworkLink) -> Void) {
    switch id {
    case .client(let c): change(&clients[c])
    case .backend(let b): change(&backends[b])
    }
  }
}
