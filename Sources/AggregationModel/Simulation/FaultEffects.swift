/// What a fault does when it strikes, applied to the components it breaks: the `FaultInjector`
/// decides when and what (`Strike`), each target component knows how (`ExtensionServers+Faults`,
/// `ReadinessProber`, `Transport`), and this wires them in the order the kubelet, the proxy and
/// the availability controller see it.
extension AggregationSimulation {
  mutating func applyStrike(_ strike: FaultInjector.Strike) {
    let detail = "\(strike.kind) (\(strike.origin))"
    switch (strike.target, strike.kind) {
    case (.pods(let server, let pods), .pod(let kind)):
      for pod in pods {
        if strike.begins {
          podFaultBegins(kind, server: server, pod: pod, origin: strike.origin)
        } else {
          podFaultEnds(kind, server: server, pod: pod, origin: strike.origin)
        }
      }
    case (.links(let links), let kind):
      for (id, name) in links {
        kernel.recorder.log(strike.begins ? .faultBegins : .faultEnds, at: kernel.now, subject: "link/\(name)", detail: detail)
        // A window's effect is in the link already (it judges each message by its time).
        guard strike.random, let effect = LinkEffect(kind) else { continue }
        kernel.links.update(id) { link in
          if strike.begins {
            link.active.append(effect)
          } else if let index = link.active.firstIndex(of: effect) {
            link.active.remove(at: index)
          }
        }
      }
    case (.instance(let instance), let kind):
      kernel.recorder.log(strike.begins ? .faultBegins : .faultEnds, at: kernel.now, subject: "instance/\(instance)", detail: detail)
      if strike.begins {
        if case .gracefulRestart(let delay) = kind { instanceShutdownInitiated(instance, delay: delay) } else { instanceGoesDown(instance) }
      } else {
        // A graceful shutdown still under way when its window ends is cut short.
        if kernel.instanceUp[instance] { instanceStops(instance, because: "the fault's window ended first") }
        instanceRestarts(instance)
      }
    case (.pods, _):
      break  // not a pod kind: refused by `Fault.isConsistent`
    }
  }

  /// Puts fault `kind` in force on one pod.
  private mutating func podFaultBegins(_ kind: FaultSpec.Kind, server: Int, pod: Int, origin: String) {
    pods.log(.faultBegins, server: server, pod: pod, detail: "\(kind) (\(origin))", &kernel)
    if kernel.registry.firstFaultAt[server] == nil { kernel.registry.firstFaultAt[server] = kernel.now }
    switch kind {
    case .crash:
      // The process dies: its work is lost and its connections are reset, failing every request
      // on them with 503; a readiness probe still out fails; the kubelet notices within 1 s.
      pods.crash(server: server, pod: pod, &kernel)
      for c in transport.connections.indices {
        let connection = transport.connections[c]
        guard connection.server == Int32(server), connection.pod == Int32(pod), connection.state != .closed else { continue }
        pods.log(.connectionResetByCrash, server: server, pod: pod, detail: "instance \(connection.instance)", &kernel)
        closeConnection(c, .connectionReset)
      }
      prober.podCrashed(server: server, pod: pod, &kernel, servers: &pods, availability: &availability, transport: &transport)
      kernel.schedule(ReadinessProber.Event.crashSeen(server: Int32(server), pod: Int32(pod), epoch: pods.pod(server, pod).epoch),
                      after: ReadinessProber.crashDetection)
    case .hang:
      pods.setFlags(server: server, pod: pod, hung: true)
    case .slowDown(let factor):
      pods.setFlags(server: server, pod: pod, slowFactor: factor)
    case .refuse:
      pods.setFlags(server: server, pod: pod, refusing: true)
    case .silentConnectionDrop:
      for c in transport.connections.indices
      where transport.connections[c].server == Int32(server) && transport.connections[c].pod == Int32(pod) {
        transport.silence(c, &kernel)
      }
    }
  }

  /// Ends fault `kind` on one pod.
  private mutating func podFaultEnds(_ kind: FaultSpec.Kind, server: Int, pod: Int, origin: String) {
    pods.log(.faultEnds, server: server, pod: pod, detail: "\(kind) (\(origin))", &kernel)
    switch kind {
    case .crash:
      // The container restarts: Ready at once, or when its readiness probes succeed.
      pods.setFlags(server: server, pod: pod, crashed: false)
      prober.containerRestarted(server: server, pod: pod, &kernel, servers: &pods, availability: &availability, transport: &transport)
    case .hang:
      pods.endHang(server: server, pod: pod, &kernel)
      prober.podRecovered(server: server, pod: pod, &kernel, servers: &pods, availability: &availability, transport: &transport)
    case .slowDown:
      pods.setFlags(server: server, pod: pod, slowFactor: 1)
      prober.podRecovered(server: server, pod: pod, &kernel, servers: &pods, availability: &availability, transport: &transport)
    case .refuse:
      pods.setFlags(server: server, pod: pod, refusing: false)
    case .silentConnectionDrop:
      break  // only connections open when it began were affected; new ones work
    }
  }
}
