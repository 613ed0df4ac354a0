import SimCore

/// What every component of one replication shares, and nothing else: the clock and the event
/// calendar, the table of requests in flight, the APIServices with each instance's proxy view of
/// them, the network links, and the recorder. Components own all other state and get the kernel
/// passed in (`inout Kernel`) when they handle an event.
struct Kernel {
  /// The resolved scenario (`ModelSpec.resolved()`): every version default filled in.
  let spec: ModelSpec
  /// Control-plane instances (at least 1).
  let instances: Int
  /// The calendar's lanes: one per constant delay the model sets timers with.
  let lanes: TimerLanes
  var calendar: EventCalendar<ModelEvent>
  var requests = RequestTable(capacity: 1_024)
  var registry: RegistryView
  var links: Links
  var recorder: Recorder
  /// Statistics are kept from here on (the end of the warm-up).
  var measuringSince = SimTime.zero
  /// Owns every random stream of the replication: components hold `RandomSource` values, which
  /// are valid while it lives.
  let streams: StreamRegistry
  /// Whether each control-plane instance is running, and its incarnation: a restart starts a
  /// new one, and the per-instance events of an earlier one (tagged with its epoch) are stale.
  var instanceUp: [Bool] = []
  var instanceEpoch: [UInt32] = []
  /// Whether each instance's `/readyz` passes: false from a restart until its start-up work
  /// (`AggregationSimulation.instanceRestarts`) is done. A load balancer that probes `/readyz`
  /// sends it nothing until then.
  var instanceReady: [Bool] = []

  /// Per instance, whether the load balancer's health checks keep it in rotation
  /// (`LoadBalancer`); nil when they are not modelled and it follows `/readyz` at once.
  var inRotation: [Bool]?

  /// Whether `instance` is up and its `/readyz` passes: the `kubernetes` Service's endpoints
  /// follow this, and so does the load balancer when its health checks are not modelled.
  func takesTraffic(_ instance: Int) -> Bool { instanceUp[instance] && instanceReady[instance] }

  /// Whether the load balancer in front of the instances sends `instance` new requests.
  @inline(__always) func balancerSends(_ instance: Int) -> Bool { inRotation?[instance] ?? takesTraffic(instance) }

  /// The instance a load balancer in front of the instances picks, trying them in turn from
  /// `first`: the first it sends traffic to (`balancerSends`; `byHealthChecks` false: the first
  /// that takes traffic, as the `kubernetes` Service's endpoints), else the first that is up (none
  /// is ready), else `first`.
  /// Inlined: called on an `inout` kernel, a call copied the whole kernel (its `ModelSpec` too).
  @inline(__always) func loadBalanced(from first: Int, byHealthChecks: Bool = true) -> Int {
    var up = -1
    for step in 0..<instances {
      let instance = (first + step) % instances
      if byHealthChecks ? balancerSends(instance) : takesTraffic(instance) { return instance }
      if up < 0 && instanceUp[instance] { up = instance }
    }
    return up >= 0 ? up : first
  }

  /// The restarted instance's `/readyz` passes now (`after`: what it waited for last, for
  /// `events.csv`).
  mutating func instanceBecomesReady(_ instance: Int, after what: String) {
    instanceReady[instance] = true
    recorder.log(.instanceReady, at: now, subject: "instance/\(instance)", detail: what)
  }

  /// Whether an event of `instance` tagged with `epoch` belongs to its running incarnation.
  func isCurrent(instance: Int, epoch: UInt32) -> Bool { instanceUp[instance] && instanceEpoch[instance] == epoch }

  /// The simulation clock.
  var now: SimTime { calendar.now }

  /// Schedules a component's event at `time`.
  @inline(__always) mutating func schedule<E: ComponentEvent>(_ event: E, at time: SimTime) {
    calendar.schedule(event.modelEvent, at: time)
  }

  /// Schedules a component's timer at `time`: into the lane of its delay from now when there is
  /// one (`TimerLanes`), else into the heap.
  @inline(__always) mutating func scheduleTimer<E: ComponentEvent>(_ event: E, at time: SimTime) {
    calendar.schedule(event.modelEvent, at: time, lane: lanes.lane(for: time - now))
  }

  /// Schedules a component's event `delay` from now.
  @inline(__always) mutating func schedule<E: ComponentEvent>(_ event: E, after delay: SimDuration) {
    calendar.schedule(event.modelEvent, after: delay)
  }

  /// Schedules a component's event `delay` from now into `lane` (the calendar's FIFO lane of
  /// that constant delay, `TimerLanes`; nil: the heap).
  @inline(__always) mutating func schedule<E: ComponentEvent>(_ event: E, after delay: SimDuration, lane: Int?) {
    calendar.schedule(event.modelEvent, after: delay, lane: lane)
  }

  /// Schedules a component's event `delay` from now, cancellable with the returned handle; a
  /// timer with a constant delay names its `lane` (`TimerLanes`).
  @inline(__always) mutating func scheduleCancellable<E: ComponentEvent>(_ event: E, after delay: SimDuration,
                                                                        lane: Int? = nil) -> EventHandle {
    calendar.scheduleCancellable(event.modelEvent, after: delay, lane: lane)
  }

  /// Schedules a component's event at `time`, cancellable with the returned handle.
  @inline(__always) mutating func scheduleCancellable<E: ComponentEvent>(_ event: E, at time: SimTime) -> EventHandle {
    calendar.scheduleCancellable(event.modelEvent, at: time)
  }

  /// Cancels a pending event (nothing happens if it already fired).
  @inline(__always) mutating func cancel(_ handle: EventHandle?) {
    if let handle { calendar.cancel(handle) }
  }

  /// A request the control plane sends on its own behalf (`origin`: a probe, a discovery fetch,
  /// an OpenAPI download) to the server of `apiService` from `instance`: no client, no admission,
  /// no metrics of its own. `Transport.sendInternal` sends it.
  mutating func newInternalRequest(_ origin: RequestOrigin, kind: RequestKind, instance: Int, apiService: Int) -> UInt32 {
    let id = requests.allocate()
    requests[id].origin = origin
    requests[id].kind = kind
    requests[id].instance = Int32(instance)
    requests[id].apiService = Int32(apiService)
    requests[id].server = registry.serverOf[apiService]
    requests[id].firstSent = now
    requests[id].attempt = 1
    return id
  }

  /// An internal request that ended as soon as it was sent (no ready endpoint): its timers stop,
  /// as when the control plane finishes any request; it holds nothing else yet.
  mutating func endInternalRequestAtOnce(_ id: UInt32) {
    cancelTimers(of: id)
  }

  /// Stops the request's deadline and discovery cap.
  mutating func cancelTimers(of id: UInt32) {
    cancel(requests[id].deadline)
    cancel(requests[id].discoveryCap)
    requests[id].deadline = nil
    requests[id].discoveryCap = nil
  }
}

/// An event of one component, as the model's calendar holds it (`ModelEvent` has one case per
/// component, wrapping that component's own `Event`).
protocol ComponentEvent {
  var modelEvent: ModelEvent { get }
}
