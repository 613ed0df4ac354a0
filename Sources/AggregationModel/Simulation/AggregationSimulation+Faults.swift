import SimCore
internal import DequeModule

extension AggregationSimulation {
  /// A crashed container is seen by the kubelet within about a second (PLEG relist) and its
  /// pod leaves the ready endpoints (with or without a readiness probe; a probe also decides
  /// when the restarted pod is Ready again: `ReadinessProbeSpec`).
  static let crashDetection: SimDuration = .seconds(1)

  /// The pods a fault of `server` affects.
  func faultPods(server: Int, fault: Int) -> [Int] {
    servers[server].spec.faults[fault].pods ?? Array(servers[server].pods.indices)
  }

  mutating func faultBegins(server: Int, fault: Int) {
    let kind = servers[server].spec.faults[fault].kind
    for pod in faultPods(server: server, fault: fault) where pod < servers[server].pods.count {
      applyFault(kind, server: server, pod: pod, origin: "scheduled")
    }
  }

  mutating func faultEnds(server: Int, fault: Int) {
    let kind = servers[server].spec.faults[fault].kind
    for pod in faultPods(server: server, fault: fault) where pod < servers[server].pods.count {
      clearFault(kind, server: server, pod: pod, origin: "scheduled")
    }
  }

  /// A random fault strikes `pod`; its repair is drawn from the pod's fault stream.
  mutating func randomFaultBegins(server: Int, process: Int, pod: Int) {
    let spec = servers[server].spec.faultProcesses[process]
    applyFault(spec.kind, server: server, pod: pod, origin: "random")
    let down = spec.timeToRepair.sample(servers[server].faultStreams[pod])
    calendar.schedule(.randomFaultEnds(server: Int32(server), process: Int32(process), pod: Int32(pod)), after: down)
  }

  /// A random fault of `pod` is repaired; the next failure is drawn.
  mutating func randomFaultEnds(server: Int, process: Int, pod: Int) {
    let spec = servers[server].spec.faultProcesses[process]
    clearFault(spec.kind, server: server, pod: pod, origin: "random")
    let up = spec.timeBetweenFailures.sample(servers[server].faultStreams[pod])
    calendar.schedule(.randomFaultBegins(server: Int32(server), process: Int32(process), pod: Int32(pod)), after: up)
  }

  /// Records a system event (rare: faults, readiness, connection closures).
  mutating func recordEvent(_ kind: ModelEventRecord.Kind, server: Int, pod: Int, detail: String) {
    let subject = pod >= 0 && pod < podNames[server].count ? podNames[server][pod] : spec.extensionServers[server].name
    modelEvents.append(ModelEventRecord(time: calendar.now, kind: kind, subject: subject, detail: detail))
  }

  /// The kubelet sees the crash: the pod leaves the ready endpoints, unless it has restarted (or
  /// crashed again) since.
  mutating func crashSeen(server: Int, pod: Int, epoch: UInt32) {
    guard servers[server].pods[pod].crashed, servers[server].pods[pod].epoch == epoch else { return }
    setReady(server: server, pod: pod, false)
  }

  /// Sets the pod's readiness, recording a change.
  mutating func setReady(server: Int, pod: Int, _ ready: Bool) {
    guard servers[server].pods[pod].ready != ready else { return }
    servers[server].pods[pod].ready = ready
    recordEvent(.podReadinessChanged, server: server, pod: pod, detail: ready ? "ready" : "not_ready")
    endpointsChanged(server: server)
  }

  /// Puts fault `kind` in force on one pod.
  mutating func applyFault(_ kind: FaultSpec.Kind, server: Int, pod: Int, origin: String) {
    recordEvent(.faultBegins, server: server, pod: pod, detail: "\(kind) (\(origin))")
    if firstFaultAt[server] == nil { firstFaultAt[server] = calendar.now }
    switch kind {
    case .crash:
      crash(server: server, pod: pod)
      failOutstandingReadinessProbe(server: server, pod: pod)
      calendar.schedule(.crashSeen(server: Int32(server), pod: Int32(pod), epoch: servers[server].pods[pod].epoch),
                        after: Self.crashDetection)
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

  /// Ends fault `kind` on one pod.
  mutating func clearFault(_ kind: FaultSpec.Kind, server: Int, pod: Int, origin: String) {
    recordEvent(.faultEnds, server: server, pod: pod, detail: "\(kind) (\(origin))")
    let now = calendar.now
    switch kind {
    case .crash:
      servers[server].pods[pod].crashed = false
      if servers[server].spec.readinessProbe != nil {
        containerRestarted(server: server, pod: pod)  // Ready when its probes succeed
      } else {
        setReady(server: server, pod: pod, true)
      }
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
      answerOutstandingReadinessProbe(server: server, pod: pod)
    case .slowDown:
      servers[server].pods[pod].slowFactor = 1
      answerOutstandingReadinessProbe(server: server, pod: pod)
    case .refuse:
      servers[server].pods[pod].refusing = false
    case .silentConnectionDrop:
      break  // only connections open when it began were affected; new ones work
    }
  }

  /// The pod's process dies: its work (and its authorization cache) is lost and its connections
  /// are reset, failing every request on them with 503.
  mutating func crash(server: Int, pod: Int) {
    for entry in servers[server].pods[pod].inService { calendar.cancel(entry.completion) }
    servers[server].pods[pod].inService.removeAll(keepingCapacity: true)
    servers[server].pods[pod].stalled.removeAll(keepingCapacity: true)
    servers[server].pods[pod].queue.removeAll(keepingCapacity: true)
    recordQueueLength(server: server, pod: pod)
    servers[server].pods[pod].busyWorkers = 0
    recordBusy(server: server, pod: pod)
    servers[server].pods[pod].crashed = true
    servers[server].pods[pod].epoch &+= 1
    for index in servers[server].pods[pod].authorizedUntil.indices { servers[server].pods[pod].authorizedUntil[index] = .zero }
    for c in connections.indices
    where connections[c].server == Int32(server) && connections[c].pod == Int32(pod) && connections[c].state != .closed {
      recordEvent(.connectionResetByCrash, server: server, pod: pod, detail: "instance \(connections[c].instance)")
      close(c, failing: .connectionReset)
    }
  }
}
