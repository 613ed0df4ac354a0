import SimCore

/// Every fault of a replication, and when it strikes (DESIGN §3, STYLE §4b "faults attach to
/// what they break"): each fault has a target, a kind and a schedule, either a window of
/// simulated time or a random alternating renewal process (up for a time-between-failures
/// variate, down for a time-to-repair variate, each target drawing from its own stream). The
/// injector owns the schedules and the draws; what a fault does to its target is the target
/// component's (`ExtensionServers+Faults`, …), applied by the model in `FaultEffects`.
struct FaultInjector {
  enum Event: ComponentEvent {
    /// A scheduled fault's window begins or ends.
    case windowBegins(fault: Int32)
    case windowEnds(fault: Int32)
    /// A random fault (process `process`) strikes one pod, or is repaired.
    case randomBegins(process: Int32, pod: Int32)
    case randomEnds(process: Int32, pod: Int32)

    var modelEvent: ModelEvent { .faults(self) }
  }

  /// A fault of some pods of one extension server over a window.
  struct PodWindow {
    let server: Int
    let spec: FaultSpec
  }

  /// A random fault process of some pods of one extension server (each pod on its own).
  struct PodProcess {
    let server: Int
    let spec: FaultProcessSpec
  }

  /// A fault beginning or ending now on some pods of one server (`origin` says how it was
  /// scheduled, for the event log).
  struct Strike {
    let kind: FaultSpec.Kind
    let server: Int
    let pods: [Int]
    let begins: Bool
    let origin: String
  }

  let windows: [PodWindow]
  let processes: [PodProcess]
  /// Per server, per pod: the stream of its random faults.
  let podStreams: [[RandomSource]]
  /// Pods per server.
  let replicas: [Int]

  init(servers: [ServerRuntime]) {
    windows = servers.indices.flatMap { server in servers[server].spec.faults.map { PodWindow(server: server, spec: $0) } }
    processes = servers.indices.flatMap { server in servers[server].spec.faultProcesses.map { PodProcess(server: server, spec: $0) } }
    podStreams = servers.map(\.faultStreams)
    replicas = servers.map(\.spec.replicas)
  }

  /// Schedules every window's begin and end, then every process's first failure of each of its
  /// pods (drawn from the pod's stream).
  func start(_ kernel: inout Kernel) {
    for (index, window) in windows.enumerated() {
      kernel.schedule(Event.windowBegins(fault: Int32(index)), at: window.spec.start)
      if let duration = window.spec.duration { kernel.schedule(Event.windowEnds(fault: Int32(index)), at: window.spec.start + duration) }
    }
    for (index, process) in processes.enumerated() {
      for pod in process.spec.pods ?? Array(0..<replicas[process.server]) where pod < replicas[process.server] {
        let up = process.spec.timeBetweenFailures.sample(podStreams[process.server][pod])
        kernel.schedule(Event.randomBegins(process: Int32(index), pod: Int32(pod)), after: up)
      }
    }
  }

  /// What the event strikes (the model applies it, then calls `followUp`).
  func strike(_ event: Event) -> Strike {
    switch event {
    case .windowBegins(let f), .windowEnds(let f):
      let window = windows[Int(f)]
      let pods = (window.spec.pods ?? Array(0..<replicas[window.server])).filter { $0 < replicas[window.server] }
      if case .windowBegins = event { return Strike(kind: window.spec.kind, server: window.server, pods: pods, begins: true, origin: "scheduled") }
      return Strike(kind: window.spec.kind, server: window.server, pods: pods, begins: false, origin: "scheduled")
    case .randomBegins(let p, let pod), .randomEnds(let p, let pod):
      let process = processes[Int(p)]
      var begins = false
      if case .randomBegins = event { begins = true }
      return Strike(kind: process.spec.kind, server: process.server, pods: [Int(pod)], begins: begins, origin: "random")
    }
  }

  /// After a random fault struck or was repaired: the next transition of that pod is drawn.
  func followUp(_ event: Event, _ kernel: inout Kernel) {
    switch event {
    case .windowBegins, .windowEnds: break
    case .randomBegins(let p, let pod):
      let process = processes[Int(p)]
      let down = process.spec.timeToRepair.sample(podStreams[process.server][Int(pod)])
      kernel.schedule(Event.randomEnds(process: p, pod: pod), after: down)
    case .randomEnds(let p, let pod):
      let process = processes[Int(p)]
      let up = process.spec.timeBetweenFailures.sample(podStreams[process.server][Int(pod)])
      kernel.schedule(Event.randomBegins(process: p, pod: pod), after: up)
    }
  }
}
