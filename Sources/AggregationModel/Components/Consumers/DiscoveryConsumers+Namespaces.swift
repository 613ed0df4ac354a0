import SimCore
internal import DequeModule

/// The namespace controller (research kube-aggregator.md §7, §9 item 4; `NamespaceDeletionSpec`):
/// a deleted namespace is synced `gracePeriod` later by one of `workers` workers; each sync is a
/// discovery run; a complete one finalizes the namespace after its content deletion, a partial
/// one (`NamespaceDeletionDiscoveryFailure`) requeues it with the controller's rate limiter (per
/// item 5 ms doubling to 60 s, max'd with an overall 10/100 bucket). One chain of events per
/// namespace: at most one sync or finalization is pending for it at any time.
extension DiscoveryConsumers {
  /// The spec of a namespace-deletion client (only such clients have namespaces).
  func namespaceSpec(client: Int) -> NamespaceDeletionSpec {
    guard case .namespaceController(let spec) = clients[client]?.role else {
      preconditionFailure("client \(client) deletes no namespaces")
    }
    return spec
  }

  mutating func handle(_ event: Event, _ kernel: inout Kernel, fleet: inout ClientFleet) {
    switch event {
    case .namespaceSyncDue(let namespace): syncDue(namespace, &kernel, fleet: &fleet)
    case .namespaceFinalized(let namespace): finalized(namespace, &kernel, fleet: &fleet)
    }
  }

  /// A namespace of `client` is deleted: Terminating, first synced after the grace period.
  mutating func namespaceDeleted(client: Int, _ kernel: inout Kernel) {
    namespaceMetrics[client]!.deleted += 1
    namespacesNamed += 1
    let id = namespaces.allocate(TerminatingNamespace(client: Int32(client), number: namespacesNamed, deletedAt: kernel.now, live: true))
    log(id, .namespaceDeleted, detail: "", &kernel)
    kernel.schedule(Event.namespaceSyncDue(namespace: id), after: namespaceSpec(client: client).gracePeriod)
  }

  /// The namespace is due for a sync: a free worker starts it, else it waits for one.
  private mutating func syncDue(_ id: Int32, _ kernel: inout Kernel, fleet: inout ClientFleet) {
    let client = Int(namespaces[id].client)
    guard namespaceControllers[client]!.busyWorkers < namespaceSpec(client: client).workers else {
      namespaceControllers[client]!.waiting.append(id)
      return
    }
    namespaceControllers[client]!.busyWorkers += 1
    let run = startRun(client: client, namespace: id, &kernel, fleet: &fleet)
    send(run, apiService: -1, local: true, &kernel, fleet: &fleet)
  }

  /// A worker is free: the longest-waiting namespace takes it.
  private mutating func releaseWorker(client: Int, _ kernel: inout Kernel, fleet: inout ClientFleet) {
    namespaceControllers[client]!.busyWorkers -= 1
    if let next = namespaceControllers[client]!.waiting.popFirst() { syncDue(next, &kernel, fleet: &fleet) }
  }

  /// The sync's discovery ended: finalize after the content deletion, or requeue.
  mutating func namespaceSyncEnded(_ id: Int32, complete: Bool, _ kernel: inout Kernel, fleet: inout ClientFleet) {
    let client = Int(namespaces[id].client)
    let spec = namespaceSpec(client: client)
    if complete {
      kernel.schedule(Event.namespaceFinalized(namespace: id), after: spec.contentDeletion.sample(clients[client]!.stream))
      return
    }
    namespaceMetrics[client]!.discoveryFailures += 1
    namespaces[id].failures += 1
    let failures = namespaces[id].failures
    if failures == 1 { log(id, .namespaceDiscoveryFailure, detail: "DiscoveryFailed", &kernel) }
    let now = kernel.now
    let bucketAt = namespaceControllers[client]!.requeueBucket.reserve(now: now)
    let due = Swift.max(now + spec.retryBackoff.delay(afterFailures: failures), bucketAt)
    kernel.schedule(Event.namespaceSyncDue(namespace: id), at: due)
    releaseWorker(client: client, &kernel, fleet: &fleet)
  }

  /// The namespace's content is deleted and its finalizer removed: it is gone.
  private mutating func finalized(_ id: Int32, _ kernel: inout Kernel, fleet: inout ClientFleet) {
    let record = namespaces[id]
    let client = Int(record.client)
    namespaceMetrics[client]!.finalized += 1
    namespaceMetrics[client]!.terminating.record(kernel.now - record.deletedAt)
    log(id, .namespaceFinalized, detail: "", &kernel)
    namespaces.release(id)
    releaseWorker(client: client, &kernel, fleet: &fleet)
  }

  private func log(_ id: Int32, _ kind: ModelEventRecord.Kind, detail: String, _ kernel: inout Kernel) {
    let record = namespaces[id]
    kernel.recorder.log(kind, at: kernel.now, subject: "\(kernel.spec.clients[Int(record.client)].name)/\(record.number)", detail: detail)
  }

  /// Namespaces of `client` still Terminating.
  func terminating(client: Int) -> Int {
    namespaces.records.reduce(0) { $0 + ($1.live && $1.client == Int32(client) ? 1 : 0) }
  }

  /// The namespace metrics at `end`, with the namespaces still Terminating then.
  func namespaceResult(at end: SimTime) -> [NamespaceMetrics] {
    namespaceMetrics.indices.compactMap { client in
      guard var metrics = namespaceMetrics[client] else { return nil }
      for namespace in namespaces.records where namespace.live && namespace.client == Int32(client) {
        metrics.stillTerminating += 1
        metrics.oldestTerminating = Swift.max(metrics.oldestTerminating, end - namespace.deletedAt)
      }
      return metrics
    }
  }
}
