public import SimCore
internal import DequeModule

extension AggregationSimulation {
  /// A crashed container is seen by the kubelet within about a second (PLEG relist) and its
  /// pod leaves the ready endpoints.
  static let crashDetection: SimDuration = .seconds(1)

  /// The pods a fault of `server` affects.
  func faultPods(server: Int, fault: Int) -> [Int] {
    servers[server].spec.faults[fault].pods ?? Array(servers[server].pods.indices)
  }

  mutating func faultBegins(server: Int, fault: Int) {
    let kind = servers[server].spec.faults[fault].kind
    for pod in faultPods(server: server, fault: fault) where pod < servers[server].pods.count {
      switch kind {
      case .crash:
        crash(server: server, pod: pod)
        calendar.schedule(.readinessChanges(server: Int32(server), pod: Int32(pod), ready: false), after: Self.crashDetection)
      case .hang:
        servers[server].pods[pod].hung = true
      case .slowDown(let factor):
        servers[server].pods[pod].slowFactor = factor
      case .refuse:
        servers[server].pods[pod].refusing = true
      case .silentConnectionDrop:
        for c in connections.indices where connections[c].server == Int32(server) && connections[c].pod == Int32(pod) {
          silence(c)
        }
      }
    }
  }

  mutating func faultEnds(server: Int, fault: Int) {
    let kind = servers[server].spec.faults[fault].kind
    let now = calendar.now
    for pod in faultPods(server: server, fault: fault) where pod < servers[server].pods.count {
      switch kind {
      case .crash:
        servers[server].pods[pod].crashed = false
        servers[server].pods[pod].ready = true
      case .hang:
        servers[server].pods[pod].hung = false
        // Work that would have ended during the hang ends now.
        let stalled = servers[server].pods[pod].stalled
        servers[server].pods[pod].stalled.removeAll(keepingCapacity: true)
        for job in stalled {
          let completion = calendar.scheduleCancellable(
            .serviceDone(request: job.request, generation: job.generation, server: Int32(server), pod: Int32(pod)), at: now)
          servers[server].pods[pod].inService.append((job, completion))
        }
      case .slowDown:
        servers[server].pods[pod].slowFactor = 1
      case .refuse:
        servers[server].pods[pod].refusing = false
      case .silentConnectionDrop:
        break  // only connections open when it began were affected; new ones work
      }
    }
  }

  /// The pod's process dies: its work is lost and its connections are reset, failing every
  /// request on them with 503.
  mutating func crash(server: Int, pod: Int) {
    for entry in servers[server].pods[pod].inService { calendar.cancel(entry.completion) }
    servers[server].pods[pod].inService.removeAll(keepingCapacity: true)
    servers[server].pods[pod].stalled.removeAll(keepingCapacity: true)
    servers[server].pods[pod].queue.removeAll(keepingCapacity: true)
    servers[server].pods[pod].busyWorkers = 0
    servers[server].pods[pod].busy.record(0, at: calendar.now)
    servers[server].pods[pod].crashed = true
    for c in connections.indices
    where connections[c].server == Int32(server) && connections[c].pod == Int32(pod) && connections[c].state != .closed {
      close(c, failing: .connectionReset)
    }
  }
}
