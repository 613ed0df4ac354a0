import SimCore

/// The health checks of the load balancer in front of the kube-apiserver instances
/// (`LoadBalancerSpec`): every interval it checks each instance's `/readyz` and keeps the
/// kernel's rotation (`Kernel.inRotation`) that the clients' requests follow. An instance that
/// goes down or fails `/readyz` still gets requests until `unhealthyThreshold` checks in a row
/// have failed (what reaches it while it is down, or no longer listens, is refused), and gets
/// none back until `healthyThreshold` checks in a row have passed. Absent from a spec without
/// `controlPlane.loadBalancer`: the rotation is then `/readyz` itself, at once.
struct LoadBalancer {
  enum Event: ComponentEvent {
    /// The load balancer checks the instance's `/readyz`.
    case check(instance: Int32)

    var modelEvent: ModelEvent { .loadBalancer(self) }
  }

  let spec: LoadBalancerSpec
  /// The phases of the instances' first checks.
  let stream: RandomSource
  /// Per instance: checks in a row that passed, and that failed.
  var passed: [Int]
  var failed: [Int]

  /// The load balancer of `spec` with `instances` instances, all in rotation; nil when the spec
  /// models no health checks.
  init?(_ spec: ControlPlaneSpec, instances: Int, streams: StreamRegistry) {
    guard let lb = spec.loadBalancer else { return nil }
    self.spec = lb
    stream = streams.stream("controlplane/load-balancer").source
    passed = Array(repeating: 0, count: instances)
    failed = Array(repeating: 0, count: instances)
  }

  /// Puts every instance in rotation and schedules its first check at a random phase of the interval.
  mutating func start(_ kernel: inout Kernel) {
    kernel.inRotation = Array(repeating: true, count: passed.count)
    for instance in passed.indices {
      kernel.schedule(Event.check(instance: Int32(instance)), after: spec.interval * stream.uniform())
    }
  }

  /// One check of `instance`: `/readyz` passes when the instance is up and ready; `/healthz` also
  /// while a graceful shutdown has not yet stopped it listening (`shutdown`: its phase).
  mutating func check(_ instance: Int, _ kernel: inout Kernel, shutdown: ControlPlane.ShutdownPhase) {
    let healthy = switch spec.path {
    case .readyz: kernel.takesTraffic(instance)
    case .healthz: kernel.takesTraffic(instance) || kernel.instanceUp[instance] && shutdown == .delaying
    }
    passed[instance] = healthy ? passed[instance] + 1 : 0
    failed[instance] = healthy ? 0 : failed[instance] + 1
    let inRotation = kernel.inRotation![instance]
    if inRotation && failed[instance] >= spec.unhealthyThreshold {
      kernel.inRotation![instance] = false
      kernel.recorder.log(.loadBalancerOut, at: kernel.now, subject: "instance/\(instance)",
                          detail: "\(failed[instance]) failed checks in a row")
    } else if !inRotation && passed[instance] >= spec.healthyThreshold {
      kernel.inRotation![instance] = true
      kernel.recorder.log(.loadBalancerIn, at: kernel.now, subject: "instance/\(instance)",
                          detail: "\(passed[instance]) passed checks in a row")
    }
    kernel.schedule(Event.check(instance: Int32(instance)), after: spec.interval)
  }
}
