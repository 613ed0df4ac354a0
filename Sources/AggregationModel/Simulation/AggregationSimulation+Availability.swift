import SimCore
internal import DequeModule

/// The remote availability controller of one control-plane instance and its
/// APIServiceRegistrationController (research kube-aggregator.md §1c, §2.2, §4).
///
/// The controller's work queue (`WorkQueue`, `workers` checks at once) holds APIService indices.
/// The registration queue is a 1-worker FIFO, also de-duplicating, that installs the informer's
/// latest status in the proxy's `proxyAvailable`.
struct AvailabilityState {
  var checks: WorkQueue
  /// Per APIService: the generation of its current check, its probes still out, and whether
  /// the check is still waiting for an answer.
  var checkGeneration: [UInt32]
  var probesOut: [Int]
  var checkOpen: [Bool]
  /// The status this instance's informer holds (the last watch event).
  var informerAvailable: [Bool]
  var registrationQueue = Deque<Int32>()
  var registrationQueued: [Bool]
  var registrationBusy = false
  /// Per APIService: the earliest status write the proxy has not installed yet (nil: none).
  var writtenAt: [SimTime?]
  /// Watch events reach the instance in write order: the last one's arrival.
  var lastWatchArrival = SimTime.zero
  let resyncStream: RandomStream

  init(apiServices: Int, workers: Int, available: [Bool], resyncStream: RandomStream) {
    checks = WorkQueue(items: apiServices, workers: workers)
    checkGeneration = Array(repeating: 0, count: apiServices)
    probesOut = Array(repeating: 0, count: apiServices)
    checkOpen = Array(repeating: false, count: apiServices)
    informerAvailable = available
    registrationQueued = checkOpen
    writtenAt = Array(repeating: nil, count: apiServices)
    registrationQueue.reserveCapacity(apiServices)
    self.resyncStream = resyncStream
  }
}

extension AggregationSimulation {
  var availabilitySpec: AvailabilityControllerSpec { spec.controlPlane.availabilityController }

  /// Schedules each instance's start at time 0, after the faults that begin at 0 (so that a
  /// fault in force from the start is seen by the first check).
  mutating func startAvailabilityControllers() {
    guard availabilitySpec.enabled else { return }
    for instance in availability.indices { calendar.schedule(.availabilityStarts(instance: Int32(instance)), at: .zero) }
  }

  /// The instance's informer lists the APIServices (one enqueue each), and its first resync is
  /// scheduled (`firstResync`, or a uniform phase in [0, resync) from the instance's stream).
  mutating func availabilityStarts(instance: Int) {
    let resync = availabilitySpec.resync
    let first = availabilitySpec.firstResync
      ?? SimDuration(nanoseconds: Int64(availability[instance].resyncStream.uniform() * Double(resync.nanoseconds)))
    calendar.schedule(.availabilityResync(instance: Int32(instance)), at: .zero + first)
    enqueueAllServiceBacked(instance: instance)
  }

  mutating func enqueueAllServiceBacked(instance: Int) {
    for apiService in registry.apiServices.indices where registry.apiServices[apiService].service != nil {
      enqueueCheck(instance: instance, apiService: apiService)
    }
  }

  /// The informer's resync: every service-backed APIService is enqueued, every `resync`.
  mutating func availabilityResync(instance: Int) {
    calendar.schedule(.availabilityResync(instance: Int32(instance)), after: availabilitySpec.resync)
    enqueueAllServiceBacked(instance: instance)
  }

  /// An EndpointSlice event of `server`: every instance enqueues the APIServices it backs
  /// (EndpointSlice and informer latency are not modelled: research §4.3 "in ms").
  mutating func endpointsChanged(server: Int) {
    guard availabilitySpec.enabled else { return }
    for instance in availability.indices {
      for apiService in serverOfAPIService.indices where serverOfAPIService[apiService] == Int32(server) {
        enqueueCheck(instance: instance, apiService: apiService)
      }
    }
  }

  mutating func enqueueCheck(instance: Int, apiService: Int) {
    if availability[instance].checks.add(apiService) { startChecks(instance: instance) }
  }

  /// Free workers take APIServices from the queue.
  mutating func startChecks(instance: Int) {
    while let apiService = availability[instance].checks.next() { check(instance: instance, apiService: apiService) }
  }

  /// The rate-limited requeue is due.
  mutating func availabilityRetry(instance: Int, apiService: Int, generation: UInt32) {
    guard availability[instance].checks.timerFired(apiService, generation: generation) else { return }
    enqueueCheck(instance: instance, apiService: apiService)
  }

  /// The check sequence (research §4.2): Service → endpoints → discovery probes.
  mutating func check(instance: Int, apiService: Int) {
    let server = Int(serverOfAPIService[apiService])
    guard server >= 0 else {
      writeStatus(instance: instance, apiService: apiService, .false, .serviceNotFound, "service not found")
      endCheck(instance: instance, apiService: apiService, failed: false)
      return
    }
    guard !servers[server].pods.isEmpty else {
      writeStatus(instance: instance, apiService: apiService, .false, .endpointsNotFound, "cannot find endpoints for service")
      endCheck(instance: instance, apiService: apiService, failed: false)
      return
    }
    guard servers[server].readyCount > 0 else {
      writeStatus(instance: instance, apiService: apiService, .false, .missingEndpoints, "endpoints for service have no addresses")
      endCheck(instance: instance, apiService: apiService, failed: false)
      return
    }
    availability[instance].checkGeneration[apiService] &+= 1
    availability[instance].checkOpen[apiService] = true
    availability[instance].probesOut[apiService] = availabilitySpec.probes
    let generation = availability[instance].checkGeneration[apiService]
    for _ in 0..<availabilitySpec.probes { sendProbe(instance: instance, apiService: apiService, server: server, check: generation) }
  }

  /// One probe: `GET /apis/<g>/<v>` as system:masters (no APF, no authorization callback),
  /// straight into the instance's proxy transport (sharing its connections), with the probe
  /// timeout as its deadline.
  mutating func sendProbe(instance: Int, apiService: Int, server: Int, check: UInt32) {
    let id = internalRequest(kind: .probe, instance: instance, apiService: apiService)
    requests[id].isProbe = true
    requests[id].probeCheck = check
    sendInternalRequest(id, timeout: availabilitySpec.probeTimeout)
  }

  /// A probe ended (from `finishServerSide`): the first success passes the check; the last of
  /// all-failed probes fails it. Later probes of a decided check just end.
  /// (The message is fixed per APIService, built once, so that a failed check allocates nothing;
  /// the real one carries the last probe's error.)
  mutating func probeEnds(_ id: UInt32, _ outcome: Outcome) {
    let record = requests[id]
    requests.release(id)
    let instance = Int(record.instance), apiService = Int(record.apiService)
    guard availability[instance].checkGeneration[apiService] == record.probeCheck, availability[instance].checkOpen[apiService] else { return }
    availability[instance].probesOut[apiService] -= 1
    if outcome == .ok {
      availability[instance].checkOpen[apiService] = false
      writeStatus(instance: instance, apiService: apiService, .true, .passed, "all checks passed")
      endCheck(instance: instance, apiService: apiService, failed: false)
    } else if availability[instance].probesOut[apiService] == 0 {
      availability[instance].checkOpen[apiService] = false
      writeStatus(instance: instance, apiService: apiService, .false, .failedDiscoveryCheck, probeFailureMessages[apiService])
      endCheck(instance: instance, apiService: apiService, failed: true)
    }
  }

  /// The worker is free; a failed check is requeued after `base × 2ⁿ` (capped), a good one forgotten.
  mutating func endCheck(instance: Int, apiService: Int, failed: Bool) {
    let again = availability[instance].checks.done(apiService)
    if failed {
      let failures = availability[instance].checks.failed(apiService)
      let due = calendar.now + availabilitySpec.backoff(afterFailures: failures)
      if let generation = availability[instance].checks.addAfter(apiService, at: due) {
        calendar.schedule(.availabilityRetry(instance: Int32(instance), apiService: Int32(apiService), generation: generation), at: due)
      }
    } else {
      availability[instance].checks.forget(apiService)
    }
    if again { enqueueCheck(instance: instance, apiService: apiService) }
    startChecks(instance: instance)
  }

  /// `UpdateStatus` of the shared APIService status (last writer wins), only when it changes:
  /// logged, measured, and sent to every instance's informer after the propagation delay.
  mutating func writeStatus(instance: Int, apiService: Int, _ status: AvailableCondition.Status,
                            _ reason: AvailableCondition.Reason, _ message: String) {
    let wasAvailable = registry.isAvailable(apiService)
    let oldReason = registry.conditions[apiService]?.reason
    guard registry.setCondition(apiService, status: status, reason: reason, message: message, at: calendar.now) else { return }
    let available = status == .true
    if available != wasAvailable || reason != oldReason {
      modelEvents.append(ModelEventRecord(time: calendar.now, kind: available ? .available : .unavailable,
                                          subject: registry.apiServices[apiService].name,
                                          detail: "\(reason.rawValue) (instance \(instance))"))
    }
    if available != wasAvailable { recordAvailabilityFlip(apiService: apiService, available: available) }
    for target in availability.indices {
      if availability[target].writtenAt[apiService] == nil { availability[target].writtenAt[apiService] = calendar.now }
      let arrival = Swift.max(calendar.now + availabilitySpec.propagationDelay.sample(availability[target].resyncStream),
                              availability[target].lastWatchArrival)
      availability[target].lastWatchArrival = arrival
      calendar.schedule(.statusArrives(instance: Int32(target), apiService: Int32(apiService), available: available), at: arrival)
    }
  }

  /// A watch event reached the instance: its registration queue takes the APIService, and its
  /// discovery manager (if it runs) marks it dirty and fetches it again (research §3.2: every
  /// APIService update does).
  mutating func statusArrives(instance: Int, apiService: Int, available: Bool) {
    availability[instance].informerAvailable[apiService] = available
    enqueueDiscoveryFetch(instance: instance, apiService: apiService)
    guard !availability[instance].registrationQueued[apiService] else { return }
    availability[instance].registrationQueued[apiService] = true
    availability[instance].registrationQueue.append(Int32(apiService))
    startRegistration(instance: instance)
  }

  mutating func startRegistration(instance: Int) {
    guard !availability[instance].registrationBusy, let next = availability[instance].registrationQueue.popFirst() else { return }
    availability[instance].registrationQueued[Int(next)] = false
    availability[instance].registrationBusy = true
    calendar.schedule(.registrationDone(instance: Int32(instance), apiService: next),
                      after: availabilitySpec.registrationTime.sample(availability[instance].resyncStream))
  }

  /// The single registration worker swapped the proxy's cached `serviceAvailable` (research
  /// §2.2); then, for a service-backed APIService, it downloads its OpenAPI v2 spec synchronously
  /// (research §4.3) before it takes the next APIService.
  mutating func registrationDone(instance: Int, apiService: Int) {
    proxyAvailable[instance][apiService] = availability[instance].informerAvailable[apiService]
    if let written = availability[instance].writtenAt[apiService] {
      availability[instance].writtenAt[apiService] = nil
      availabilityMetrics[apiService].propagationMax = Swift.max(availabilityMetrics[apiService].propagationMax, calendar.now - written)
    }
    if openAPISpec.enabled && openAPISpec.registrationDownloads && registry.apiServices[apiService].service != nil {
      acquireV2Lock(instance: instance, OpenAPILockWaiter(apiService: Int32(apiService), fromRegistration: true))
      return
    }
    finishRegistration(instance: instance)
  }

  /// The registration worker is free for the next APIService.
  mutating func finishRegistration(instance: Int) {
    availability[instance].registrationBusy = false
    startRegistration(instance: instance)
  }

  // MARK: Metrics

  mutating func recordAvailabilityFlip(apiService: Int, available: Bool) {
    let now = calendar.now
    availabilityMetrics[apiService].transitions += 1
    availableInBucket[apiService].record(available ? 1 : 0, at: now)
    if available {
      if let since = unavailableSince[apiService] { availabilityMetrics[apiService].unavailableTime = availabilityMetrics[apiService].unavailableTime + (now - since) }
      unavailableSince[apiService] = nil
    } else {
      unavailableSince[apiService] = now
      let server = Int(serverOfAPIService[apiService])
      if availabilityMetrics[apiService].timeToDetect == nil, server >= 0, let fault = firstFaultAt[server] {
        availabilityMetrics[apiService].timeToDetect = now - fault
      }
    }
  }

  /// Statistics restart at the end of the warm-up (the time to detect spans the whole run).
  mutating func resetAvailabilityStatistics() {
    for index in availabilityMetrics.indices {
      availabilityMetrics[index].unavailableTime = .zero
      availabilityMetrics[index].transitions = 0
      availabilityMetrics[index].propagationMax = .zero
      if unavailableSince[index] != nil { unavailableSince[index] = calendar.now }
    }
  }

  func availabilityResult(at end: SimTime) -> [AvailabilityMetrics] {
    let measured = (end - measuringSince).seconds
    return availabilityMetrics.indices.map { index in
      var metrics = availabilityMetrics[index]
      if let since = unavailableSince[index] { metrics.unavailableTime = metrics.unavailableTime + (end - since) }
      metrics.unavailableFraction = measured > 0 ? metrics.unavailableTime.seconds / measured : 0
      return metrics
    }
  }
}
