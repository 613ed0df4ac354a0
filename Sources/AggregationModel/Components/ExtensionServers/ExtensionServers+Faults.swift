import SimCore

/// What faults and the kubelet do to pods: a crash loses the pod's work and its authorization
/// cache (its connections are reset by the transport), a hang keeps work that would have ended,
/// a slow-down scales service times, a refusal turns connections away; readiness takes a pod in
/// or out of the Service's ready endpoints. The `FaultInjector` decides when; this is what.
extension ExtensionServers {
  /// The pod's process dies: its work in progress, its queue and its authorization cache are
  /// lost (the caller resets its connections).
  mutating func crash(server: Int, pod: Int, _ kernel: inout Kernel) {
    let p = index(server, pod)
    for entry in pods[p].inService { kernel.cancel(entry.completion) }
    pods[p].inService.removeAll(keepingCapacity: true)
    pods[p].stalled.removeAll(keepingCapacity: true)
    pods[p].queue.removeAll(keepingCapacity: true)
    recordQueueLength(p, at: kernel.now)
    pods[p].busyWorkers = 0
    pods[p].busy.record(0, at: kernel.now)
    pods[p].bucketBusy.record(0, at: kernel.now)
    pods[p].crashed = true
    pods[p].epoch &+= 1
    for slot in pods[p].authorizedUntil.indices { pods[p].authorizedUntil[slot] = .zero }
  }

  /// The hang ended: work that would have ended during it ends now.
  mutating func endHang(server: Int, pod: Int, _ kernel: inout Kernel) {
    let p = index(server, pod)
    pods[p].hung = false
    let stalled = pods[p].stalled
    pods[p].stalled.removeAll(keepingCapacity: true)
    for job in stalled {
      let completion = kernel.scheduleCancellable(
        Event.serviceDone(request: job.request, generation: job.generation, server: Int32(server), pod: Int32(pod)), at: kernel.now)
      pods[p].inService.append((job, completion))
    }
  }

  /// Sets a fault flag of the pod (`crashed` is set by `crash`).
  mutating func setFlags(server: Int, pod: Int, hung: Bool? = nil, refusing: Bool? = nil, crashed: Bool? = nil, slowFactor: Double? = nil) {
    let p = index(server, pod)
    if let hung { pods[p].hung = hung }
    if let refusing { pods[p].refusing = refusing }
    if let crashed { pods[p].crashed = crashed }
    if let slowFactor { pods[p].slowFactor = slowFactor }
  }

  /// Sets the pod's readiness; returns true when it changed (logged: the caller tells the
  /// availability controller, an EndpointSlice event).
  mutating func setReady(server: Int, pod: Int, _ ready: Bool, _ kernel: inout Kernel) -> Bool {
    let p = index(server, pod)
    guard pods[p].ready != ready else { return false }
    pods[p].ready = ready
    log(.podReadinessChanged, server: server, pod: pod, detail: ready ? "ready" : "not_ready", &kernel)
    return true
  }

  /// Logs a system event of a pod (or of the server, for `pod` -1).
  func log(_ kind: ModelEventRecord.Kind, server: Int, pod: Int, detail: String, _ kernel: inout Kernel) {
    let names = servers[server].podNames
    let subject = pod >= 0 && pod < names.count ? names[pod] : servers[server].spec.name
    kernel.recorder.log(kind, at: kernel.now, subject: subject, detail: detail)
  }
}
