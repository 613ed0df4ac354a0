import SimCore
internal import DequeModule

/// The OpenAPI v2 and v3 aggregation controllers of each control-plane instance
/// (`OpenAPIControllerSpec`, research §4.3, §8): every service-backed APIService is downloaded
/// 1 s after the start, then 1 min after each success, with a 1 min..1 h backoff after failures,
/// each download an in-process call of the proxy handler (no APF, exempt from the server's own
/// admission and authorization) with a 60 s timeout, answered 503 at once while the proxy holds
/// the APIService unavailable. Each version has a single-worker queue; a v2 download holds the v2
/// aggregator's mutex, which the registration worker also takes for its synchronous download,
/// and a v3 download holds the v3 aggregator's lock, which the registration worker takes next
/// (`RegistrationWorkers`, fidelity audit §7). Later downloads of a spec this instance already
/// holds are 304s without a body.
struct OpenAPIControllers {
  enum Event: ComponentEvent {
    /// A controller's `AddAfter` of an APIService is due (stale unless `generation` is current).
    case downloadDue(instance: Int32, version: UInt8, apiService: Int32, generation: UInt32)

    var modelEvent: ModelEvent { .openAPI(self) }
  }

  /// Who takes the v2 aggregator's mutex: the v2 worker, or the registration worker for a status
  /// change it has just installed.
  struct LockWaiter {
    var apiService: Int32
    var fromRegistration: Bool
  }

  /// The controllers of one instance: the v2 and v3 queues, the v2 mutex and who waits for it,
  /// the v3 lock and the APIService the registration worker waits with for it (-1: none; only
  /// the v3 worker and the single registration worker take it).
  struct Instance {
    var v2: WorkQueue
    var v3: WorkQueue
    var v2LockHeld = false
    var v2LockWaiters = Deque<LockWaiter>()
    var v3LockHeld = false
    var v3LockWaiter: Int32 = -1
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

  let spec: OpenAPIControllerSpec
  var instances: [Instance]
  /// Per APIService: downloads summed over instances, after the warm-up.
  var metrics: [OpenAPIMetrics]

  /// 1.28+: the registration worker's update downloads the v2 spec under the v2 mutex
  /// (`VersionBehaviour.registrationUpdateDownloadsOpenAPI`); before, it only merges.
  let registrationUpdateDownloads: Bool

  init(_ spec: OpenAPIControllerSpec, instances: Int, apiServices: Int, version: KubernetesVersion) {
    self.spec = spec
    registrationUpdateDownloads = VersionBehaviour(version).registrationUpdateDownloadsOpenAPI
    self.instances = Array(repeating: Instance(apiServices: apiServices), count: instances)
    metrics = Array(repeating: OpenAPIMetrics(), count: apiServices)
  }

  /// Whether the registration worker downloads the v2 spec after installing a status.
  var registrationDownloads: Bool { spec.enabled && spec.registrationDownloads }

  /// Every service-backed APIService is added to each instance's controllers at time zero: its
  /// first downloads 1 s later.
  mutating func start(_ kernel: inout Kernel) {
    for instance in instances.indices { start(instance: instance, &kernel) }
  }

  /// The instance's controllers start now (at time zero).
  mutating func start(instance: Int, _ kernel: inout Kernel) {
    for apiService in 0..<kernel.registry.count where kernel.registry.isServiceBacked(apiService) {
      apiServiceAdded(instance: instance, apiService, &kernel)
    }
  }

  /// `AddAPIService` of a new proxy handler (at time zero, or the restarted instance's
  /// registration worker creating it): the v2 and v3 controllers download its spec 1 s later
  /// (`queue.AddAfter(name, time.Second)`, v0.28.2 `openapi/controller.go:130-138`,
  /// `openapiv3/controller.go:146-152`).
  mutating func apiServiceAdded(instance: Int, _ apiService: Int, _ kernel: inout Kernel) {
    guard spec.enabled else { return }
    for version: UInt8 in spec.v3 ? [2, 3] : [2] {
      scheduleDownload(instance: instance, version: version, apiService, at: kernel.now + spec.firstDownload, &kernel)
    }
  }

  /// The instance's apiserver died: its queues, the v2 mutex and the specs it held are lost.
  mutating func instanceStopped(_ instance: Int) {
    instances[instance].v2.reset()
    instances[instance].v3.reset()
    instances[instance].v2LockHeld = false
    instances[instance].v2LockWaiters.removeAll()
    instances[instance].v3LockHeld = false
    instances[instance].v3LockWaiter = -1
    for apiService in instances[instance].hasV2Spec.indices { instances[instance].hasV2Spec[apiService] = false }
  }

  /// `AddAfter`: the item is added at `due` unless an earlier addition is already waiting.
  private mutating func scheduleDownload(instance: Int, version: UInt8, _ apiService: Int, at due: SimTime, _ kernel: inout Kernel) {
    guard let generation = instances[instance][version].addAfter(apiService, at: due) else { return }
    kernel.schedule(Event.downloadDue(instance: Int32(instance), version: version, apiService: Int32(apiService),
                                      generation: generation), at: due)
  }

  /// A waiting addition is due (ignored when a later `scheduleDownload` replaced it).
  mutating func handle(_ event: Event, _ kernel: inout Kernel, transport: inout Transport, pods: ExtensionServers,
                       registration: inout RegistrationWorkers) {
    switch event {
    case .downloadDue(let i, let version, let apiService, let generation):
      guard kernel.instanceUp[Int(i)], instances[Int(i)][version].timerFired(Int(apiService), generation: generation) else { return }
      add(instance: Int(i), version: version, Int(apiService), &kernel, transport: &transport, pods: pods, registration: &registration)
    }
  }

  /// `Add`: queued once; while being downloaded, added again when the download ends.
  private mutating func add(instance: Int, version: UInt8, _ apiService: Int, _ kernel: inout Kernel, transport: inout Transport,
                            pods: ExtensionServers, registration: inout RegistrationWorkers) {
    if instances[instance][version].add(apiService) {
      startWorker(instance: instance, version: version, &kernel, transport: &transport, pods: pods, registration: &registration)
    }
  }

  /// The idle worker takes the next APIService; a v2 download first needs the aggregator's mutex.
  private mutating func startWorker(instance: Int, version: UInt8, _ kernel: inout Kernel, transport: inout Transport,
                                    pods: ExtensionServers, registration: inout RegistrationWorkers) {
    guard let next = instances[instance][version].next() else { return }
    if version == 2 {
      acquireV2Lock(instance: instance, LockWaiter(apiService: Int32(next), fromRegistration: false), &kernel,
                    transport: &transport, pods: pods, registration: &registration)
    } else {
      instances[instance].v3LockHeld = true
      download(instance: instance, version: 3, next, fromRegistration: false, &kernel, transport: &transport, pods: pods,
               registration: &registration)
    }
  }

  /// The registration worker's v3 step, after its v2 download (`UpdateAPIService` of the v3
  /// controller: `AddUpdateAPIService` under the v3 aggregator's lock, kube-aggregator
  /// `pkg/controllers/openapiv3/controller.go:165-177` and `openapiv3/aggregator/aggregator.go`
  /// `AddUpdateAPIService`, the same since the v3 controller's first release, 1.23): it waits
  /// while the v3 worker downloads (up to the 60 s timeout), then an APIService whose v3 download
  /// had failed is forgotten and requeued in a second, and the worker is free.
  private mutating func registrationV3Step(instance: Int, _ apiService: Int, _ kernel: inout Kernel,
                                           registration: inout RegistrationWorkers) {
    guard spec.v3 else {
      registration.finish(instance: instance, &kernel)
      return
    }
    if instances[instance].v3LockHeld {
      instances[instance].v3LockWaiter = Int32(apiService)
      return
    }
    if instances[instance].v3.failures[apiService] > 0 {
      instances[instance].v3.forget(apiService)
      scheduleDownload(instance: instance, version: 3, apiService, at: kernel.now + spec.firstDownload, &kernel)
    }
    registration.finish(instance: instance, &kernel)
  }

  /// The registration worker's OpenAPI steps for an APIService whose status it installed (an
  /// update, or a first install in 1.28.0–1.28.2): from 1.28 the v2 download under the v2 mutex,
  /// then the v3 step; before 1.28 `UpdateAPIService` merges the spec it has without a download
  /// (`VersionBehaviour.registrationUpdateDownloadsOpenAPI`): the requeue of a failed v2 download
  /// and the v3 step at once.
  mutating func registrationSteps(instance: Int, _ apiService: Int, _ kernel: inout Kernel, transport: inout Transport,
                                  pods: ExtensionServers, registration: inout RegistrationWorkers) {
    guard registrationUpdateDownloads else {
      requeueFailedV2(instance: instance, apiService, &kernel)
      registrationV3Step(instance: instance, apiService, &kernel, registration: &registration)
      return
    }
    acquireV2Lock(instance: instance, .init(apiService: Int32(apiService), fromRegistration: true), &kernel, transport: &transport,
                  pods: pods, registration: &registration)
  }

  /// `UpdateAPIService`: an APIService whose v2 download had failed is forgotten and requeued in
  /// a second (`controller.go:170-186` at v0.27.6, the same at v0.36.0).
  private mutating func requeueFailedV2(instance: Int, _ apiService: Int, _ kernel: inout Kernel) {
    guard instances[instance].v2.failures[apiService] > 0 else { return }
    instances[instance].v2.forget(apiService)
    scheduleDownload(instance: instance, version: 2, apiService, at: kernel.now + spec.firstDownload, &kernel)
  }

  /// Takes the v2 mutex for `waiter` (or queues it behind the holder), then downloads.
  mutating func acquireV2Lock(instance: Int, _ waiter: LockWaiter, _ kernel: inout Kernel, transport: inout Transport,
                              pods: ExtensionServers, registration: inout RegistrationWorkers) {
    if instances[instance].v2LockHeld {
      instances[instance].v2LockWaiters.append(waiter)
      return
    }
    instances[instance].v2LockHeld = true
    download(instance: instance, version: 2, Int(waiter.apiService), fromRegistration: waiter.fromRegistration, &kernel,
             transport: &transport, pods: pods, registration: &registration)
  }

  /// A download: answered 503 at once while the proxy holds the APIService unavailable.
  private mutating func download(instance: Int, version: UInt8, _ apiService: Int, fromRegistration: Bool, _ kernel: inout Kernel,
                                 transport: inout Transport, pods: ExtensionServers, registration: inout RegistrationWorkers) {
    let id = kernel.newInternalRequest(.openAPI(version: version, forRegistration: fromRegistration), kind: .openAPI,
                                       instance: instance, apiService: apiService)
    kernel.requests[id].bodyless = version == 3 || instances[instance].hasV2Spec[apiService]
    guard kernel.registry.proxyHolds(instance: instance, apiService), kernel.requests[id].server >= 0 else {
      downloadEnded(id, .unavailable, &kernel, transport: &transport, pods: pods, registration: &registration)
      return
    }
    if let failure = transport.sendInternal(id, timeout: spec.timeout, &kernel, pods: pods) {
      kernel.endInternalRequestAtOnce(id)
      downloadEnded(id, failure, &kernel, transport: &transport, pods: pods, registration: &registration)
    }
  }

  /// A download ended (the control plane is done with it, or at once): count it, requeue the
  /// APIService, hand the v2 mutex on, and free the worker that waited for it.
  mutating func downloadEnded(_ id: UInt32, _ outcome: Outcome, _ kernel: inout Kernel, transport: inout Transport,
                              pods: ExtensionServers, registration: inout RegistrationWorkers) {
    let record = kernel.requests[id]
    kernel.requests.release(id)
    guard case .openAPI(let version, let forRegistration) = record.origin else { return }
    let instance = Int(record.instance), apiService = Int(record.apiService)
    let ok = outcome == .ok
    metrics[apiService].downloads += 1
    if !ok { metrics[apiService].failedDownloads += 1 }
    if ok && version == 2 { instances[instance].hasV2Spec[apiService] = true }
    let now = kernel.now
    if version == 3 {
      // The v3 lock goes to the registration worker waiting for it (a waiter blocked for over a
      // millisecond is handed a Go mutex directly) before the v3 worker's next download.
      instances[instance].v3LockHeld = false
      let waiter = instances[instance].v3LockWaiter
      if waiter >= 0 {
        instances[instance].v3LockWaiter = -1
        registrationV3Step(instance: instance, Int(waiter), &kernel, registration: &registration)
      }
    }
    if forRegistration {
      requeueFailedV2(instance: instance, apiService, &kernel)
    } else {
      if ok {
        instances[instance][version].forget(apiService)
        scheduleDownload(instance: instance, version: version, apiService, at: now + spec.interval, &kernel)
      } else {
        let failures = instances[instance][version].failed(apiService)
        scheduleDownload(instance: instance, version: version, apiService, at: now + spec.backoff.delay(afterFailures: failures), &kernel)
      }
      if instances[instance][version].done(apiService) {
        add(instance: instance, version: version, apiService, &kernel, transport: &transport, pods: pods, registration: &registration)
      }
    }
    if version == 2 {
      instances[instance].v2LockHeld = false
      if let next = instances[instance].v2LockWaiters.popFirst() {
        acquireV2Lock(instance: instance, next, &kernel, transport: &transport, pods: pods, registration: &registration)
      }
    }
    if forRegistration {
      registrationV3Step(instance: instance, apiService, &kernel, registration: &registration)
    } else {
      startWorker(instance: instance, version: version, &kernel, transport: &transport, pods: pods, registration: &registration)
    }
  }

  mutating func resetStatistics() {
    for index in metrics.indices { metrics[index] = OpenAPIMetrics() }
  }
}
