import SimCore
internal import DequeModule

/// The APIServiceRegistrationController of each control-plane instance (research §1c, §2.2,
/// §4.3): the instance's informer receives every status write as a watch event
/// (`RegistryView.watchEventArrives`), and a single worker, fed by a de-duplicating FIFO,
/// installs the informer's latest status in the instance's proxy (`RegistryView.install`),
/// taking `registrationTime` per APIService. For a service-backed
/// APIService the worker then downloads its OpenAPI v2 spec synchronously under the v2
/// aggregator's mutex before it takes the next one (`OpenAPIControllers`), so a hung download
/// holds up every later status change of the instance, and then takes the v3 aggregator's lock,
/// held by the v3 worker during its download. Every `registrationResync` (5 min) after the
/// instance starts, its informer's resync puts every APIService into the queue again (an
/// update event: the same install, download and lock; fidelity audit §7).
///
/// After a restart the informer's list goes through the worker first: its initial sync, which
/// `/readyz` waits for (the `apiservice-registration-controller` post-start hook returns once
/// `handlerSyncedCh` is closed, kube-aggregator v0.28.2 `apiservice_controller.go:104-124`). An
/// APIService's first install there creates its proxy handler (`AddAPIService`'s add path), which
/// downloads the OpenAPI v2 spec synchronously only in 1.28.0–1.28.2
/// (`VersionBehaviour.firstRegistrationDownloadsOpenAPI`, kubernetes/kubernetes#120739); later
/// installs take the update path with its download in every version.
struct RegistrationWorkers {
  enum Event: ComponentEvent {
    /// The watch event of the status write that made `resourceVersion` reached an instance's
    /// informer (`epoch`: the instance's incarnation it was sent to).
    case statusArrives(instance: Int32, apiService: Int32, resourceVersion: UInt32, epoch: UInt32)
    /// The instance's registration worker installed the APIService's status in its proxy.
    case registrationDone(instance: Int32, apiService: Int32, epoch: UInt32)
    /// The resync of the instance's informer handler is due.
    case resync(instance: Int32, epoch: UInt32)
    /// The worker is done with the APIService (`AddAPIService` returns): the discovery manager
    /// is handed it last (`discoveryAggregationController.AddAPIService`, fidelity audit §5);
    /// `created`: it created the proxy handler (the OpenAPI controllers' `AddAPIService`).
    case synced(instance: Int32, apiService: Int32, created: Bool, epoch: UInt32)
    /// The restarted instance's initial sync ended: every APIService of the informer's list is
    /// installed (`close(handlerSyncedCh)`).
    case initialSyncDone(instance: Int32, epoch: UInt32)

    var modelEvent: ModelEvent { .registration(self) }
  }

  struct Instance {
    var queue = Deque<Int32>()
    var queued: [Bool]
    var busy = false
    /// The APIService the worker is on (-1: none), and whether it creates its proxy handler.
    var current: Int32 = -1
    var creating = false
    /// Per APIService: whether the instance's proxy has its handler (all at time zero; none
    /// after a restart until the initial sync installs it).
    var hasHandler: [Bool]
    /// Installs of the initial sync still to end (0: no initial sync in progress).
    var initialSyncPending = 0
    /// Shared with the instance's availability controller (see `AvailabilityController.Instance`).
    let stream: RandomSource
  }

  let registrationTime: Distribution
  let resync: SimDuration
  /// 1.28.0–1.28.2: a proxy handler's first install downloads the v2 spec too.
  let firstInstallDownloads: Bool
  var instances: [Instance]

  init(_ spec: AvailabilityControllerSpec, registry: RegistryView, streams: [RandomSource], version: KubernetesVersion) {
    registrationTime = spec.registrationTime
    resync = spec.registrationResync
    firstInstallDownloads = VersionBehaviour(version).firstRegistrationDownloadsOpenAPI
    instances = streams.map { stream in
      var instance = Instance(queued: Array(repeating: false, count: registry.count),
                              hasHandler: Array(repeating: true, count: registry.count), stream: stream)
      instance.queue.reserveCapacity(registry.count)
      return instance
    }
  }

  /// The instance's informer starts (at time 0, or when its restarted apiserver is up): its
  /// first resync is `resync` later.
  func start(instance: Int, _ kernel: inout Kernel) {
    kernel.schedule(Event.resync(instance: Int32(instance), epoch: kernel.instanceEpoch[instance]), after: resync)
  }

  /// The informer's resync: every APIService is queued again, and the next resync scheduled.
  mutating func resync(instance: Int, _ kernel: inout Kernel) {
    start(instance: instance, &kernel)
    for apiService in 0..<kernel.registry.count { enqueue(instance: instance, apiService, &kernel) }
  }

  /// The registration queue takes the APIService (once), and the worker starts if idle.
  mutating func enqueue(instance: Int, _ apiService: Int, _ kernel: inout Kernel) {
    guard !instances[instance].queued[apiService] else { return }
    instances[instance].queued[apiService] = true
    instances[instance].queue.append(Int32(apiService))
    startNext(instance: instance, &kernel)
  }

  private mutating func startNext(instance: Int, _ kernel: inout Kernel) {
    guard !instances[instance].busy, let next = instances[instance].queue.popFirst() else { return }
    instances[instance].queued[Int(next)] = false
    instances[instance].busy = true
    instances[instance].current = next
    let time = registrationTime.sample(instances[instance].stream)
    kernel.schedule(Event.registrationDone(instance: Int32(instance), apiService: next, epoch: kernel.instanceEpoch[instance]),
                    after: time, lane: kernel.lanes.lane(for: registrationTime.constantValue))
  }

  /// The worker swapped the proxy's cached `serviceAvailable` (research §2.2), or created the
  /// proxy handler. Returns whether it now downloads the APIService's OpenAPI v2 spec (a
  /// service-backed APIService while the OpenAPI controllers run with registration downloads,
  /// on a handler's first install only in 1.28.0–1.28.2); otherwise it is free already.
  mutating func installed(instance: Int, _ apiService: Int, downloadsOpenAPI: Bool, _ kernel: inout Kernel) -> Bool {
    kernel.registry.install(apiService, instance: instance, available: kernel.registry.informer(instance, apiService).status == .true,
                            at: kernel.now)
    let update = instances[instance].hasHandler[apiService]
    instances[instance].hasHandler[apiService] = true
    instances[instance].creating = !update
    if downloadsOpenAPI && kernel.registry.isServiceBacked(apiService) && (update || firstInstallDownloads) { return true }
    finish(instance: instance, &kernel)
    return false
  }

  /// The worker is done with its APIService (`synced` now) and free for the next one.
  mutating func finish(instance: Int, _ kernel: inout Kernel) {
    let done = instances[instance].current
    if done >= 0 {
      kernel.schedule(Event.synced(instance: Int32(instance), apiService: done, created: instances[instance].creating,
                                   epoch: kernel.instanceEpoch[instance]), at: kernel.now)
    }
    instances[instance].current = -1
    instances[instance].busy = false
    if instances[instance].initialSyncPending > 0 {
      instances[instance].initialSyncPending -= 1
      if instances[instance].initialSyncPending == 0 {
        kernel.schedule(Event.initialSyncDone(instance: Int32(instance), epoch: kernel.instanceEpoch[instance]), at: kernel.now)
      }
    }
    startNext(instance: instance, &kernel)
  }

  /// The instance's apiserver died: its queue and the work of its worker are lost.
  mutating func instanceStopped(_ instance: Int) {
    instances[instance].queue.removeAll(keepingCapacity: true)
    for apiService in instances[instance].queued.indices { instances[instance].queued[apiService] = false }
    instances[instance].busy = false
    instances[instance].current = -1
    instances[instance].initialSyncPending = 0
    for apiService in instances[instance].hasHandler.indices { instances[instance].hasHandler[apiService] = false }
  }

  /// The instance's apiserver started again: its informer lists every APIService (with the
  /// shared status as it is now) and the worker installs them one by one in the new proxy, its
  /// initial sync (its queue was empty: these are the first `registry.count` installs to end).
  mutating func relist(instance: Int, _ kernel: inout Kernel) {
    kernel.registry.informerRelists(instance: instance)
    instances[instance].initialSyncPending = kernel.registry.count
    for apiService in 0..<kernel.registry.count { enqueue(instance: instance, apiService, &kernel) }
  }
}
