import SimCore
internal import DequeModule

/// One single-worker OpenAPI controller queue (v2 or v3) of one control-plane instance: a
/// de-duplicating work queue of APIService indices with client-go's delaying queue (the earliest
/// `AddAfter` of an item stands) and the per-item failure count of its rate limiter.
struct OpenAPIQueue {
  var queue = Deque<Int32>()
  var queued: [Bool]
  /// The item being downloaded (-1: the worker is idle), and whether it was added meanwhile.
  var processing: Int32 = -1
  var dirty = false
  var dueAt: [SimTime?]
  var dueGeneration: [UInt32]
  var failures: [Int]

  init(apiServices: Int) {
    queued = Array(repeating: false, count: apiServices)
    dueAt = Array(repeating: nil, count: apiServices)
    dueGeneration = Array(repeating: 0, count: apiServices)
    failures = Array(repeating: 0, count: apiServices)
  }
}

/// Who takes the v2 aggregator's mutex: the v2 worker, or the registration worker for a status
/// change it has just installed.
struct OpenAPILockWaiter {
  var apiService: Int32
  var fromRegistration: Bool
}

/// The OpenAPI controllers of one control-plane instance (`OpenAPIControllerSpec`).
struct OpenAPIState {
  var v2: OpenAPIQueue
  var v3: OpenAPIQueue
  var v2LockHeld = false
  var v2LockWaiters = Deque<OpenAPILockWaiter>()
  /// Whether this instance already holds the APIService's v2 spec (later downloads are 304).
  var hasV2Spec: [Bool]

  init(apiServices: Int) {
    v2 = OpenAPIQueue(apiServices: apiServices)
    v3 = v2
    hasV2Spec = Array(repeating: false, count: apiServices)
  }

  /// The queue of OpenAPI `version` (2 or 3), modified in place (a get/set pair would copy its
  /// arrays on every change: an allocation per event).
  subscript(version: UInt8) -> OpenAPIQueue {
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
    if let pending = openAPI[instance][version].dueAt[apiService], pending <= due { return }
    openAPI[instance][version].dueAt[apiService] = due
    openAPI[instance][version].dueGeneration[apiService] &+= 1
    calendar.schedule(.openAPIDownloadDue(instance: Int32(instance), version: version, apiService: Int32(apiService),
                                          generation: openAPI[instance][version].dueGeneration[apiService]), at: due)
  }

  /// A waiting addition is due (ignored when a later `scheduleOpenAPIDownload` replaced it).
  mutating func openAPIDownloadDue(instance: Int, version: UInt8, apiService: Int, generation: UInt32) {
    guard openAPI[instance][version].dueGeneration[apiService] == generation,
          openAPI[instance][version].dueAt[apiService] != nil else { return }
    openAPI[instance][version].dueAt[apiService] = nil
    addOpenAPIItem(instance: instance, version: version, apiService: apiService)
  }

  /// `Add`: queued once; while being downloaded, added again when the download ends.
  mutating func addOpenAPIItem(instance: Int, version: UInt8, apiService: Int) {
    if openAPI[instance][version].processing == Int32(apiService) {
      openAPI[instance][version].dirty = true
      return
    }
    guard !openAPI[instance][version].queued[apiService] else { return }
    openAPI[instance][version].queued[apiService] = true
    openAPI[instance][version].queue.append(Int32(apiService))
    startOpenAPIWorker(instance: instance, version: version)
  }

  /// The idle worker takes the next APIService; a v2 download first needs the aggregator's mutex.
  mutating func startOpenAPIWorker(instance: Int, version: UInt8) {
    guard openAPI[instance][version].processing < 0, let next = openAPI[instance][version].queue.popFirst() else { return }
    openAPI[instance][version].queued[Int(next)] = false
    openAPI[instance][version].processing = next
    if version == 2 {
      acquireV2Lock(instance: instance, OpenAPILockWaiter(apiService: next, fromRegistration: false))
    } else {
      startOpenAPIDownload(instance: instance, version: 3, apiService: Int(next), fromRegistration: false)
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
        openAPI[instance].v2.failures[apiService] = 0
        scheduleOpenAPIDownload(instance: instance, version: 2, apiService: apiService, at: now + openAPISpec.firstDownload)
      }
    } else {
      if ok {
        openAPI[instance][version].failures[apiService] = 0
        scheduleOpenAPIDownload(instance: instance, version: version, apiService: apiService, at: now + openAPISpec.interval)
      } else {
        openAPI[instance][version].failures[apiService] += 1
        let delay = openAPISpec.backoff.delay(afterFailures: openAPI[instance][version].failures[apiService])
        scheduleOpenAPIDownload(instance: instance, version: version, apiService: apiService, at: now + delay)
      }
      openAPI[instance][version].processing = -1
      if openAPI[instance][version].dirty {
        openAPI[instance][version].dirty = false
        addOpenAPIItem(instance: instance, version: version, apiService: apiService)
      }
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
