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
  static func backendLinks(_ spec: ModelSpec, instances: Int, streams: StreamRegistry) -> [NetworkLink] {
    (0..<instances).flatMap { instance in
      spec.extensionServers.map { server in
        let linkSpec = spec.backendLinks.last { $0.server == server.name && ($0.instance == nil || $0.instance == instance) }?.link
        return NetworkLink(linkSpec ?? .ideal, streams: streams, name: "backend/\(instance)/\(server.name)")
      }
    }
  }

  /// The link between `instance` and the pods of `server`.
  func backend(instance: Int32, server: Int32) -> NetworkLink { backends[Int(instance) * servers + Int(server)] }
}
