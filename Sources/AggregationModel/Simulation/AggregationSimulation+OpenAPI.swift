import SimCore
internal import DequeModule

/// Who takes the v2 aggregator's mutex: the v2 worker, or the registration worker for a status
/// change it has just installed.
struct OpenAPILockWaiter {
  var apiService: Int32
  var fromRegistration: Bool
}

/// The OpenAPI controllers of one control-plane instance (`OpenAPIControllerSpec`): the v2 and v3
/// single-worker queues, the v2 aggregator's mutex and who waits for it.
struct OpenAPIState {
  var v2: WorkQueue
  var v3: WorkQueue
  var v2LockHeld = false
  var v2LockWaiters = Deque<OpenAPILockWaiter>()
  /// Whether this instance already holds the APIService's v2 spec (later downloads are 304).
  var hasV2Spec: [Bool]

  init(apiServices: Int) {
    v2 = WorkQueue(items: apiServices, workers: 1)
    v3 = v2
    hasV2Spec = Array(repeating: false, count: apiServices)
  }

  /// The queue of OpenAPI `version` (2 or 3), modified in place (a get/set pair would copy its
  /// arrays on every change: an allocation per event).
  subscript(version: UInt8) -> WorkQueue {
    get { version == 2 ? v2 : v3 }
    _modify {
      if version == 2 { yield &v2 } else { yield &v3 }
    }
  }
}

extension AggregationSimulation {
  var openAPISpec: OpenAPIControllerSpec { spec.controlPlane.openAPIController }

  /// Every service-backed APIService is added to each instance's controllers at time zero: its
  /// first downloads 1 s later.
  mutating func startOpenAPIControllers() {
    guard openAPISpec.enabled else { return }
    for instance in openAPI.indices {
      for apiService in registry.apiServices.indices where registry.apiServices[apiService].service != nil {
        for version: UInt8 in openAPISpec.v3 ? [2, 3] : [2] {
          scheduleOpenAPIDownload(instance: instance, version: version, apiService: apiService, at: .zero + openAPISpec.firstDownload)
        }
      }
    }
  }

  /// `AddAfter`: the item is added at `due` unless an earlier addition is already waiting.
  mutating func scheduleOpenAPIDownload(instance: Int, version: UInt8, apiService: Int, at due: SimTime) {
    guard let generation = openAPI[instance][version].addAfter(apiService, at: due) else { return }
    calendar.schedule(.openAPIDownloadDue(instance: Int32(instance), version: version, apiService: Int32(apiService),
                                          generation: generation), at: due)
  }

  /// A waiting addition is due (ignored when a later `scheduleOpenAPIDownload` replaced it).
  mutating func openAPIDownloadDue(instance: Int, version: UInt8, apiService: Int, generation: UInt32) {
    guard openAPI[instance][version].timerFired(apiService, generation: generation) else { return }
    addOpenAPIItem(instance: instance, version: version, apiService: apiService)
  }

  /// `Add`: queued once; while being downloaded, added again when the download ends.
  mutating func addOpenAPIItem(instance: Int, version: UInt8, apiService: Int) {
    if openAPI[instance][version].add(apiService) { startOpenAPIWorker(instance: instance, version: version) }
  }

  /// The idle worker takes the next APIService; a v2 download first needs the aggregator's mutex.
  mutating func startOpenAPIWorker(instance: Int, version: UInt8) {
    guard let next = openAPI[instance][version].next() else { return }
    if version == 2 {
      acquireV2Lock(instance: instance, OpenAPILockWaiter(apiService: Int32(next), fromRegistration: false))
    } else {
      startOpenAPIDownload(instance: instance, version: 3, apiService: next, fromRegistration: false)
    }
  }

  mutating func acquireV2Lock(instance: Int, _ waiter: OpenAPILockWaiter) {
    if openAPI[instance].v2LockHeld {
      openAPI[instance].v2LockWaiters.append(waiter)
      return
    }
    openAPI[instance].v2LockHeld = true
    startOpenAPIDownload(instance: instance, version: 2, apiService: Int(waiter.apiService), fromRegistration: waiter.fromRegistration)
  }

  /// A download: an in-process call of the proxy handler (no APF, exempt from the server's own
  /// admission and authorization), answered 503 at once while the proxy holds the APIService
  /// unavailable, with `timeout` as its deadline.
  mutating func startOpenAPIDownload(instance: Int, version: UInt8, apiService: Int, fromRegistration: Bool) {
    let id = internalRequest(kind: .openAPI, instance: instance, apiService: apiService)
    requests[id].openAPIVersion = version
    requests[id].openAPIForRegistration = fromRegistration
    requests[id].bodyless = version == 3 || openAPI[instance].hasV2Spec[apiService]
    guard proxyAvailable[instance][apiService], requests[id].server >= 0 else {
      openAPIDownloadEnded(id, .unavailable)
      return
    }
    sendInternalRequest(id, timeout: openAPISpec.timeout)
  }

  /// A download ended (from `finishServerSide`, or at once): count it, requeue the APIService,
  /// hand the v2 mutex on, and free the worker that waited for it.
  mutating func openAPIDownloadEnded(_ id: UInt32, _ outcome: Outcome) {
    let record = requests[id]
    requests.release(id)
    let instance = Int(record.instance), apiService = Int(record.apiService), version = record.openAPIVersion
    let ok = outcome == .ok
    openAPIMetrics[apiService].downloads += 1
    if !ok { openAPIMetrics[apiService].failedDownloads += 1 }
    if ok && version == 2 { openAPI[instance].hasV2Spec[apiService] = true }
    let now = calendar.now
    if record.openAPIForRegistration {
      // `UpdateAPIService`: an APIService that had failed is forgotten and requeued in a second.
      if openAPI[instance].v2.failures[apiService] > 0 {
        openAPI[instance].v2.forget(apiService)
        scheduleOpenAPIDownload(instance: instance, version: 2, apiService: apiService, at: now + openAPISpec.firstDownload)
      }
    } else {
      if ok {
        openAPI[instance][version].forget(apiService)
        scheduleOpenAPIDownload(instance: instance, version: version, apiService: apiService, at: now + openAPISpec.interval)
      } else {
        let failures = openAPI[instance][version].failed(apiService)
        scheduleOpenAPIDownload(instance: instance, version: version, apiService: apiService,
                                at: now + openAPISpec.backoff.delay(afterFailures: failures))
      }
      if openAPI[instance][version].done(apiService) { addOpenAPIItem(instance: instance, version: version, apiService: apiService) }
    }
    if version == 2 { releaseV2Lock(instance: instance) }
    if record.openAPIForRegistration {
      finishRegistration(instance: instance)
    } else {
      startOpenAPIWorker(instance: instance, version: version)
    }
  }

  mutating func releaseV2Lock(instance: Int) {
    openAPI[instance].v2LockHeld = false
    if let next = openAPI[instance].v2LockWaiters.popFirst() { acquireV2Lock(instance: instance, next) }
  }
}
