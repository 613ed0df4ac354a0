public import SimCore

/// A fault of the modelled system: what it breaks (`target`), how (`kind`) and when
/// (`schedule`). One `FaultInjector` runs them all (DESIGN §8, STYLE §4b: "faults attach to what
/// they break"). Extension servers' own `faults` and `faultProcesses` and links' `partitions`
/// are shorthands for pod and link faults; `ModelSpec.faults` holds any fault.
public struct Fault: Hashable, Sendable {
  /// What a fault breaks.
  public enum Target: Hashable, Sendable {
    /// Pods of one extension server (replica indices; nil = every pod, each on its own).
    case pods(server: String, pods: [Int]?)
    /// A network link.
    case link(LinkTarget)
    /// A kube-apiserver instance (0-based).
    case controlPlaneInstance(Int)
  }

  /// Which network link a link fault breaks.
  public enum LinkTarget: Hashable, Sendable {
    /// The link of the client with this name to the control plane.
    case client(String)
    /// The links from control-plane instance `instance` (nil: every instance) to the pods of the
    /// extension server with this name.
    case backend(server: String, instance: Int?)
  }

  /// What goes wrong.
  public enum Kind: Hashable, Sendable, CustomStringConvertible {
    /// A pod fault (crash, hang, slow-down, refusal, silent connection drop).
    case pod(FaultSpec.Kind)
    /// Every message sent on the link is dropped (a black hole: what depends on it ends by a timeout).
    case partition
    /// Each message on the link takes an extra delay drawn from the distribution.
    case latencySpike(Distribution)
    /// Each transmission on the link is lost with this probability (in [0, 1)) and sent again
    /// after the link's retransmission delay, on top of the link's own loss.
    case lossBurst(Double)
    /// The kube-apiserver instance goes down (its process exits): the connections of its
    /// clients, its in-flight requests and their APF seats, its proxy connections to extension
    /// servers and its controllers' state and caches (availability controller, registration
    /// worker and proxy view, discovery manager, OpenAPI controllers) are lost; when the fault
    /// ends it starts again and rebuilds them as at start-up. Clients' load balancer sends no
    /// new request to it while it is down, nor until its `/readyz` passes.
    case restart
    /// The kube-apiserver instance is stopped gracefully (SIGTERM: a rolling upgrade, a static
    /// pod's update) and starts again when the fault ends. Its `/readyz` fails at once, so the
    /// load balancer sends it no new request; it keeps serving for `shutdownDelay`
    /// (`--shutdown-delay-duration`, default 0 s), then stops listening (a request that still
    /// reaches it is refused) and waits for its in-flight requests to end (each within its own
    /// deadline, at most 60 s) before its process exits as `restart`'s does. With
    /// `--shutdown-send-retry-after` false, its default. Source: k8s.io/apiserver
    /// `pkg/server/lifecycle_signals.go` (ShutdownInitiated, AfterShutdownDelayDuration,
    /// InFlightRequestsDrained) and `pkg/server/options/server_run_options.go`.
    case gracefulRestart(shutdownDelay: SimDuration)

    public var description: String {
      switch self {
      case .pod(let kind): kind.description
      case .partition: "partition"
      case .latencySpike: "latency_spike"
      case .lossBurst(let p): "loss_burst \(p)"
      case .restart: "restart"
      case .gracefulRestart(let delay): delay == .zero ? "graceful_restart" : "graceful_restart delay \(delay)"
      }
    }
  }

  /// When a fault is in force.
  public enum Schedule: Hashable, Sendable {
    /// From `start` for `duration` (nil: until the end of the run).
    case window(start: SimTime, duration: SimDuration?)
    /// An alternating renewal process: up for a `timeBetweenFailures` variate, down (the fault in
    /// force) for a `timeToRepair` variate, and so on, drawn from the target's own stream.
    case random(timeBetweenFailures: Distribution, timeToRepair: Distribution)
  }

  public var target: Target
  public var kind: Kind
  public var schedule: Schedule

  public init(target: Target, kind: Kind, schedule: Schedule) {
    self.target = target
    self.kind = kind
    self.schedule = schedule
  }

  /// Whether `kind` can strike `target` (pod kinds pods, link kinds links, a restart an instance).
  public var isConsistent: Bool {
    switch (target, kind) {
    case (.pods, .pod), (.link, .partition), (.link, .latencySpike), (.link, .lossBurst), (.controlPlaneInstance, .restart),
         (.controlPlaneInstance, .gracefulRestart): true
    default: false
    }
  }
}
