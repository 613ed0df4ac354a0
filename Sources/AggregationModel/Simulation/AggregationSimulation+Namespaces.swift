import SimCore
internal import DequeModule

/// The namespace controller (research kube-aggregator.md §7, §9 item 4; `NamespaceDeletionSpec`):
/// a deleted namespace is synced `gracePeriod` later; each sync is a discovery run; a complete
/// one finalizes the namespace after its content deletion, a partial one requeues it with the
/// controller's rate limiter. One chain of events per namespace: at most one sync or
/// finalization is pending for it at any time.
extension AggregationSimulation {
  /// The spec of a namespace-deletion client (only such clients have namespaces).
  func namespaceSpec(client: Int) -> NamespaceDeletionSpec {
    guard case .namespaceDeletion(let spec) = clients[client].spec.workload else {
      preconditionFailure("client \(client) deletes no namespaces")
    }
    return spec
  }

  /// A namespace of `client` is deleted: Terminating, first synced after the grace period.
  mutating func namespaceDeleted(client: Int) {
    discovery.namespaceMetrics[client]!.deleted += 1
    discovery.namespacesNamed += 1
    let id = discovery.namespaces.allocate(TerminatingNamespace(client: Int32(client), number: discovery.namespacesNamed,
                                                                deletedAt: calendar.now, live: true))
    logNamespace(id, .namespaceDeleted, detail: "")
    calendar.schedule(.namespaceSyncDue(namespace: id), after: namespaceSpec(client: client).gracePeriod)
  }

  /// The namespace is due for a sync: a free worker starts it, else it waits for one.
  mutating func namespaceSyncDue(namespace id: Int32) {
    let client = Int(discovery.namespaces[id].client)
    guard discovery.namespaceControllers[client]!.busyWorkers < namespaceSpec(client: client).workers else {
      discovery.namespaceControllers[client]!.waiting.append(id)
      return
    }
    discovery.namespaceControllers[client]!.busyWorkers += 1
    let run = startDiscoveryRun(client: client, namespace: id)
    sendDiscoveryRequest(run, apiService: -1, local: true)
  }

  /// A worker is free: the longest-waiting namespace takes it.
  mutating func releaseNamespaceWorker(client: Int) {
    discovery.namespaceControllers[client]!.busyWorkers -= 1
    if let next = discovery.namespaceControllers[client]!.waiting.popFirst() { namespaceSyncDue(namespace: next) }
  }

  /// The sync's discovery ended: finalize after the content deletion, or requeue.
  mutating func namespaceSyncEnded(_ id: Int32, complete: Bool) {
    let client = Int(discovery.namespaces[id].client)
    let spec = namespaceSpec(client: client)
    if complete {
      calendar.schedule(.namespaceFinalized(namespace: id), after: spec.contentDeletion.sample(discovery.clients[client]!.stream))
      return
    }
    discovery.namespaceMetrics[client]!.discoveryFailures += 1
    discovery.namespaces[id].failures += 1
    let failures = discovery.namespaces[id].failures
    if failures == 1 { logNamespace(id, .namespaceDiscoveryFailure, detail: "DiscoveryFailed") }
    let now = calendar.now
    let bucketAt = discovery.namespaceControllers[client]!.requeueBucket.reserve(now: now)
    let due = Swift.max(now + spec.retryBackoff.delay(afterFailures: failures), bucketAt)
    calendar.schedule(.namespaceSyncDue(namespace: id), at: due)
    releaseNamespaceWorker(client: client)
  }

  /// The namespace's content is deleted and its finalizer removed: it is gone.
  mutating func namespaceFinalized(_ id: Int32) {
    let record = discovery.namespaces[id]
    let client = Int(record.client)
    discovery.namespaceMetrics[client]!.finalized += 1
    discovery.namespaceMetrics[client]!.terminating.record(calendar.now - record.deletedAt)
    logNamespace(id, .namespaceFinalized, detail: "")
    discovery.namespaces.release(id)
    releaseNamespaceWorker(client: client)
  }

  mutating func logNamespace(_ id: Int32, _ kind: ModelEventRecord.Kind, detail: String) {
    let record = discovery.namespaces[id]
    modelEvents.append(ModelEventRecord(time: calendar.now, kind: kind,
                                        subject: "\(clients[Int(record.client)].spec.name)/\(record.number)", detail: detail))
  }
}
