import SimCore

/// A kube-apiserver instance's graceful shutdown (`Fault.Kind.gracefulRestart`, k8s.io/apiserver
/// `pkg/server/lifecycle_signals.go` with `--shutdown-send-retry-after` false): at
/// ShutdownInitiated its `/readyz` fails (the caller takes it out of the load balancer), it keeps
/// serving for the shutdown delay, then at AfterShutdownDelayDuration it stops listening (what
/// still reaches it is refused, like a new TCP connection to a closed listener) and waits for its
/// in-flight requests (InFlightRequestsDrained) before its process exits. Every request has a
/// deadline of at most 60 s, so the wait ends within 60 s (the server's own ShutdownTimeout).
extension ControlPlane {
  /// Where an instance is in a graceful shutdown.
  enum ShutdownPhase: Hashable {
    /// Running normally (or down: `Kernel.instanceUp` says which).
    case serving
    /// ShutdownInitiated: `/readyz` fails, the server still accepts requests.
    case delaying
    /// AfterShutdownDelayDuration: it no longer listens, and exits when its last in-flight
    /// client request is answered.
    case draining
  }

  /// ShutdownInitiated: the instance keeps serving for `delay`, then stops listening.
  mutating func shutdownInitiated(_ instance: Int, delay: SimDuration, _ kernel: inout Kernel) {
    shutdown[instance] = .delaying
    kernel.schedule(Event.stopListening(instance: Int32(instance), epoch: kernel.instanceEpoch[instance]), after: delay)
  }

  /// Whether `instance` accepts a connection: it is up and still listens.
  @inline(__always) func accepts(_ instance: Int, _ kernel: Kernel) -> Bool {
    kernel.instanceUp[instance] && shutdown[instance] != .draining
  }

  /// Where the load balancer sends a client request that `instance` refused, when it redispatches
  /// (`LoadBalancerSpec.redispatch`): the next instance in its rotation that accepts it, or nil.
  func redispatchTarget(from instance: Int, _ kernel: Kernel) -> Int? {
    guard kernel.spec.controlPlane.loadBalancer?.redispatch == true, kernel.instances > 1 else { return nil }
    let other = kernel.loadBalanced(from: (instance + 1) % kernel.instances)
    return other != instance && accepts(other, kernel) ? other : nil
  }

  /// AfterShutdownDelayDuration: the instance stops listening; true when nothing is in flight
  /// (its process exits now), else it exits when its last request is answered (`drained`).
  mutating func stopListening(_ instance: Int) -> Bool {
    shutdown[instance] = .draining
    return inFlight[instance] == 0
  }
}
