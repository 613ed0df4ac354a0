import SimCore

/// The remote availability controller of every control-plane instance (research
/// kube-aggregator.md §1c, §4; fidelity audit §4): a work queue of APIServices (`WorkQueue`,
/// `workers` checks at once) fed by the informer's list at start, a resync every 30 s,
/// EndpointSlice events and every update event of an APIService (`updateAPIService` →
/// `queue.Add`, no backoff: status writes included, this instance's own included). A check
/// (§4.2) reads the instance's informer copy of the APIService, finds the Service, its endpoints
/// and a ready address, then sends `probes` parallel `GET /apis/<g>/<v>` as system:masters
/// (no APF, no authorization callback), each with the probe timeout: the first success makes
/// the condition Available (`Passed`), all failing makes it `FailedDiscoveryCheck` with the last
/// probe's error as its message. The condition is written only when it differs from the copy
/// the check started from, as an optimistic-concurrency update of that copy (`RegistryView
/// .updateStatus`: a 409 Conflict when another write came first); a failed probe or a conflict
/// requeues the APIService with exponential backoff. Every write reaches every running instance's
/// informer as a watch event after the propagation delay (the informer delay), in write order.
///
/// With one instance partitioned from a backend, the partitioned instance writes False at the
/// end of a 5 s probe, the healthy ones re-check at once and write True, and the partitioned one
/// re-checks on each of these events: the status flips about every two probe timeouts, False
/// only for the healthy instances' reaction time (kubernetes/kubernetes#111890).
struct AvailabilityController {
  enum Event: ComponentEvent {
    /// An instance's controller starts: its informer lists every APIService (`epoch`: the
    /// instance's incarnation, `Kernel.instanceEpoch`).
    case starts(instance: Int32, epoch: UInt32)
    /// An instance's controller re-enqueues every service-backed APIService.
    case resync(instance: Int32, epoch: UInt32)
    /// The rate-limited requeue of an APIService whose check failed (stale unless `generation` is current).
    case retry(instance: Int32, apiService: Int32, generation: UInt32)

    var modelEvent: ModelEvent { .availability(self) }
  }

  /// One instance's controller: its queue, and per APIService the generation of its current
  /// check, its probes still out, whether the check still waits for an answer, and the informer
  /// copy the check started from (what it compares with and writes over).
  struct Instance {
    var checks: WorkQueue
    var checkGeneration: [UInt32]
    var probesOut: [Int]
    var checkOpen: [Bool]
    var basedOn: [ConditionVersion]
    /// Status writes of this instance refused with 409 Conflict.
    var conflicts = 0
    /// Watch events reach the instance in write order: the last one's arrival.
    var lastWatchArrival = SimTime.zero
    /// Draws the first resync phase, the watch propagation delays and (shared with the
    /// instance's registration worker) the registration times.
    let stream: RandomSource
  }

  let spec: AvailabilityControllerSpec
  var instances: [Instance]
  /// The condition messages of each APIService (`ConditionMessages`).
  let messages: ConditionMessages

  init(_ spec: AvailabilityControllerSpec, registry: RegistryView, streams: [RandomSource], pods: [Int],
       routing: ProxySpec.Routing) {
    self.spec = spec
    let count = registry.count
    instances = streams.map { stream in
      Instance(checks: WorkQueue(items: count, workers: spec.workers), checkGeneration: Array(repeating: 0, count: count),
               probesOut: Array(repeating: 0, count: count), checkOpen: Array(repeating: false, count: count),
               basedOn: (0..<count).map { registry.storedVersion($0) }, stream: stream)
    }
    messages = ConditionMessages(registry: registry, pods: pods, routing: routing)
  }

  /// Schedules each instance's start at time 0, after the faults that begin at 0 (so that a
  /// fault in force from the start is seen by the first check).
  func start(_ kernel: inout Kernel) {
    guard spec.enabled else { return }
    for instance in instances.indices { start(instance: instance, &kernel) }
  }

  /// The instance's controller starts now (at time 0, or when its restarted apiserver is up).
  func start(instance: Int, _ kernel: inout Kernel) {
    guard spec.enabled else { return }
    kernel.schedule(Event.starts(instance: Int32(instance), epoch: kernel.instanceEpoch[instance]), at: kernel.now)
  }

  /// The instance's apiserver died: its queue, its checks in progress and their probes are lost.
  mutating func instanceStopped(_ instance: Int) {
    instances[instance].checks.reset()
    for apiService in instances[instance].checkOpen.indices {
      instances[instance].checkOpen[apiService] = false
      instances[instance].probesOut[apiService] = 0
    }
    instances[instance].lastWatchArrival = .zero
  }

  /// Handles one of the controller's own events.
  mutating func handle(_ event: Event, _ kernel: inout Kernel, transport: inout Transport, pods: ExtensionServers) {
    switch event {
    case .starts(let i, let epoch):
      guard kernel.isCurrent(instance: Int(i), epoch: epoch) else { return }
      // The first resync: `firstResync`, or a uniform phase in [0, resync) from the instance's stream.
      let first = spec.firstResync
        ?? SimDuration(nanoseconds: Int64(instances[Int(i)].stream.uniform() * Double(spec.resync.nanoseconds)))
      kernel.schedule(Event.resync(instance: i, epoch: epoch), at: kernel.now + first)
      enqueueAllServiceBacked(instance: Int(i), &kernel, transport: &transport, pods: pods)
    case .resync(let i, let epoch):
      guard kernel.isCurrent(instance: Int(i), epoch: epoch) else { return }
      kernel.schedule(Event.resync(instance: i, epoch: epoch), after: spec.resync)
      enqueueAllServiceBacked(instance: Int(i), &kernel, transport: &transport, pods: pods)
    case .retry(let i, let apiService, let generation):
      guard instances[Int(i)].checks.timerFired(Int(apiService), generation: generation) else { return }
      enqueue(instance: Int(i), Int(apiService), &kernel, transport: &transport, pods: pods)
    }
  }

  private mutating func enqueueAllServiceBacked(instance: Int, _ kernel: inout Kernel, transport: inout Transport, pods: ExtensionServers) {
    for apiService in 0..<kernel.registry.count where kernel.registry.isServiceBacked(apiService) {
      enqueue(instance: instance, apiService, &kernel, transport: &transport, pods: pods)
    }
  }

  /// An update event of the APIService reached `instance`'s informer (`updateAPIService`): its
  /// controller re-checks it (`queue.Add`: at once if no check of it waits or runs; after the
  /// running one otherwise), bypassing any backoff.
  mutating func apiServiceUpdated(instance: Int, _ apiService: Int, _ kernel: inout Kernel, transport: inout Transport,
                                  pods: ExtensionServers) {
    guard spec.enabled, kernel.registry.isServiceBacked(apiService) else { return }
    enqueue(instance: instance, apiService, &kernel, transport: &transport, pods: pods)
  }

  /// An EndpointSlice event of `server`: every instance enqueues the APIServices it backs
  /// (EndpointSlice and informer latency are not modelled: research §4.3 "in ms").
  mutating func endpointsChanged(server: Int, _ kernel: inout Kernel, transport: inout Transport, pods: ExtensionServers) {
    guard spec.enabled else { return }
    for instance in instances.indices where kernel.instanceUp[instance] {
      for apiService in kernel.registry.serverOf.indices where kernel.registry.serverOf[apiService] == Int32(server) {
        enqueue(instance: instance, apiService, &kernel, transport: &transport, pods: pods)
      }
    }
  }

  private mutating func enqueue(instance: Int, _ apiService: Int, _ kernel: inout Kernel, transport: inout Transport, pods: ExtensionServers) {
    if instances[instance].checks.add(apiService) { runChecks(instance: instance, &kernel, transport: &transport, pods: pods) }
  }

  /// Free workers take APIServices from the queue.
  private mutating func runChecks(instance: Int, _ kernel: inout Kernel, transport: inout Transport, pods: ExtensionServers) {
    while let apiService = instances[instance].checks.next() {
      check(instance: instance, apiService, &kernel, transport: &transport, pods: pods)
    }
  }

  /// The check sequence (research §4.2): the informer's copy, then Service → endpoints →
  /// discovery probes.
  private mutating func check(instance: Int, _ apiService: Int, _ kernel: inout Kernel, transport: inout Transport, pods: ExtensionServers) {
    instances[instance].basedOn[apiService] = kernel.registry.informer(instance, apiService)
    let server = Int(kernel.registry.serverOf[apiService])
    let found: AvailableCondition.Reason? =
      server < 0 ? .serviceNotFound
      : pods.podCount(server) == 0 ? .endpointsNotFound
      : pods.readyCount(server) == 0 ? .missingEndpoints : nil
    if let reason = found {
      let conflict = writeStatus(instance: instance, apiService, .false, reason, messages.code(reason), &kernel)
      endCheck(instance: instance, apiService, failed: conflict, &kernel, transport: &transport, pods: pods)
      return
    }
    instances[instance].checkGeneration[apiService] &+= 1
    instances[instance].checkOpen[apiService] = true
    instances[instance].probesOut[apiService] = spec.probes
    let generation = instances[instance].checkGeneration[apiService]
    for _ in 0..<spec.probes {
      let id = kernel.newInternalRequest(.probe(check: generation), kind: .probe, instance: instance, apiService: apiService)
      if let failure = transport.sendInternal(id, timeout: spec.probeTimeout, &kernel, pods: pods) {
        kernel.endInternalRequestAtOnce(id)
        probeEnded(id, failure, &kernel, transport: &transport, pods: pods)
      }
    }
  }

  /// A probe ended (the control plane is done with it): the first success passes the check; the
  /// last of all-failed probes fails it. Later probes of a decided check just end.
  mutating func probeEnded(_ id: UInt32, _ outcome: Outcome, _ kernel: inout Kernel, transport: inout Transport, pods: ExtensionServers) {
    let record = kernel.requests[id]
    kernel.requests.release(id)
    guard case .probe(let check) = record.origin else { return }
    let instance = Int(record.instance), apiService = Int(record.apiService)
    guard instances[instance].checkGeneration[apiService] == check, instances[instance].checkOpen[apiService] else { return }
    instances[instance].probesOut[apiService] -= 1
    if outcome == .ok {
      instances[instance].checkOpen[apiService] = false
      let conflict = writeStatus(instance: instance, apiService, .true, .passed, ConditionVersion.passedMessage, &kernel)
      endCheck(instance: instance, apiService, failed: conflict, &kernel, transport: &transport, pods: pods)
    } else if instances[instance].probesOut[apiService] == 0 {
      // `lastError`: the error of the probe that failed last names the check's failure.
      instances[instance].checkOpen[apiService] = false
      let message = messages.probeFailure(apiService, outcome, pod: Int(record.pod))
      _ = writeStatus(instance: instance, apiService, .false, .failedDiscoveryCheck, message, &kernel)
      endCheck(instance: instance, apiService, failed: true, &kernel, transport: &transport, pods: pods)
    }
  }

  /// The worker is free; a failed check is requeued after `base × 2ⁿ` (capped), a good one forgotten.
  private mutating func endCheck(instance: Int, _ apiService: Int, failed: Bool, _ kernel: inout Kernel,
                                 transport: inout Transport, pods: ExtensionServers) {
    let again = instances[instance].checks.done(apiService)
    if failed {
      let failures = instances[instance].checks.failed(apiService)
      let due = kernel.now + spec.backoff(afterFailures: failures)
      if let generation = instances[instance].checks.addAfter(apiService, at: due) {
        kernel.schedule(Event.retry(instance: Int32(instance), apiService: Int32(apiService), generation: generation), at: due)
      }
    } else {
      instances[instance].checks.forget(apiService)
    }
    if again { enqueue(instance: instance, apiService, &kernel, transport: &transport, pods: pods) }
    runChecks(instance: instance, &kernel, transport: &transport, pods: pods)
  }

  /// `UpdateStatus` of the condition over the informer copy the check started from
  /// (`RegistryView.updateStatus`). A stored write is logged when the status or reason changes
  /// and reaches every running instance's informer as a watch event after the propagation delay
  /// (in write order). Returns whether it was a 409 Conflict (the sync then fails).
  private mutating func writeStatus(instance: Int, _ apiService: Int, _ status: AvailableCondition.Status,
                                    _ reason: AvailableCondition.Reason, _ message: Int32, _ kernel: inout Kernel) -> Bool {
    let now = kernel.now
    let new = ConditionVersion(status: status, reason: reason, message: message, resourceVersion: 0)
    let basedOn = instances[instance].basedOn[apiService]
    guard !new.sameCondition(as: basedOn) else { return false }
    let write = kernel.registry.updateStatus(apiService, new, text: messages.text(apiService, message), basedOn: basedOn, at: now)
    guard case .written(let available, let flipped, let reasonChanged, let version) = write else {
      if write == .conflict { instances[instance].conflicts += 1 }
      return write == .conflict
    }
    if flipped || reasonChanged {
      kernel.recorder.log(available ? .available : .unavailable, at: now, subject: kernel.registry.apiServices[apiService].name,
                          detail: "\(reason.rawValue) (instance \(instance))")
    }
    // A watch event reaches only running instances (a restarted one lists the APIServices anew).
    for target in instances.indices where kernel.instanceUp[target] {
      kernel.registry.writeSent(apiService, to: target, at: now)
      let arrival = Swift.max(now + spec.propagationDelay.sample(instances[target].stream), instances[target].lastWatchArrival)
      instances[target].lastWatchArrival = arrival
      kernel.schedule(RegistrationWorkers.Event.statusArrives(instance: Int32(target), apiService: Int32(apiService),
                                                              resourceVersion: version, epoch: kernel.instanceEpoch[target]),
                      at: arrival)
    }
    return false
  }
}
