import SimCore

/// Every fault of a replication, and when it strikes (DESIGN §8, STYLE §4b "faults attach to
/// what they break"): each fault (`Fault`) has a target (pods, a link, a control-plane
/// instance), a kind and a schedule, either a window of simulated time or a random alternating
/// renewal process (up for a time-between-failures variate, down for a time-to-repair variate,
/// each target unit drawing from its own stream). The injector owns the schedules and the draws;
/// what a fault does is its target's (`ExtensionServers+Faults`, `NetworkLink`, the components'
/// instance restarts), applied by the model in `FaultEffects`.
///
/// The servers' shorthand faults come first, in server order (windows, then processes), as they
/// always did; then `ModelSpec.faults` in order. A link fault over a window acts on the messages
/// sent in it (the link checks its windows; the window's events only log it); links'
/// `partitions` shorthand is the link's own and logs nothing.
struct FaultInjector {
  enum Event: ComponentEvent {
    /// A scheduled fault's window begins or ends.
    case windowBegins(fault: Int32)
    case windowEnds(fault: Int32)
    /// A random fault (process `process`) strikes one unit of its target (a pod, a link), or is repaired.
    case randomBegins(process: Int32, unit: Int32)
    case randomEnds(process: Int32, unit: Int32)

    var modelEvent: ModelEvent { .faults(self) }
  }

  /// What a fault strikes, resolved to the model's indices.
  enum Target {
    /// Pods of one server (replica indices).
    case pods(server: Int, pods: [Int])
    /// Links, with the names of their streams.
    case links([(id: LinkID, name: String)])
    /// A control-plane instance.
    case instance(Int)
  }

  /// A fault beginning or ending now on some units of its target (`origin` says how it was
  /// scheduled, for the event log).
  struct Strike {
    let kind: Fault.Kind
    let target: Target
    let begins: Bool
    /// Struck by a random process (else by a window).
    let random: Bool

    /// How the strike was scheduled, as the event log says it.
    var origin: String { random ? "random" : "scheduled" }
  }

  /// A fault of the model with its target resolved.
  struct Scheduled {
    let kind: Fault.Kind
    let target: Target
    let start: SimTime
    let duration: SimDuration?
  }

  /// A random fault process with its target resolved and each unit's stream.
  struct Process {
    let kind: Fault.Kind
    let target: Target
    let timeBetweenFailures: Distribution
    let timeToRepair: Distribution
    let streams: [RandomSource]
  }

  let windows: [Scheduled]
  let processes: [Process]

  init(_ spec: ModelSpec, servers: [ServerRuntime], instances: Int, streams: StreamRegistry) {
    var windows: [Scheduled] = []
    var processes: [Process] = []
    for (s, server) in servers.enumerated() {
      let all = Array(0..<server.spec.replicas)
      for fault in server.spec.faults {
        let pods = (fault.pods ?? all).filter { $0 < server.spec.replicas }
        windows.append(Scheduled(kind: .pod(fault.kind), target: .pods(server: s, pods: pods), start: fault.start, duration: fault.duration))
      }
    }
    for (s, server) in servers.enumerated() {
      for process in server.spec.faultProcesses {
        let pods = (process.pods ?? Array(0..<server.spec.replicas)).filter { $0 < server.spec.replicas }
        processes.append(Process(kind: .pod(process.kind), target: .pods(server: s, pods: pods),
                                 timeBetweenFailures: process.timeBetweenFailures, timeToRepair: process.timeToRepair,
                                 streams: pods.map { server.faultStreams[$0] }))
      }
    }
    for (index, fault) in spec.faults.enumerated() where fault.isConsistent {
      guard let target = Self.resolve(fault.target, spec, instances: instances) else { continue }
      switch fault.schedule {
      case .window(let start, let duration):
        windows.append(Scheduled(kind: fault.kind, target: target, start: start, duration: duration))
      case .random(let up, let down):
        processes.append(Process(kind: fault.kind, target: target, timeBetweenFailures: up, timeToRepair: down,
                                 streams: Self.unitNames(target).map { streams.stream("fault/\(index)/\($0)").source }))
      }
    }
    self.windows = windows
    self.processes = processes
  }

  /// The model's indices of a fault's target (nil when it names nothing of the model).
  static func resolve(_ target: Fault.Target, _ spec: ModelSpec, instances: Int) -> Target? {
    switch target {
    case .pods(let name, let pods):
      guard let s = spec.extensionServers.firstIndex(where: { $0.name == name }) else { return nil }
      let replicas = spec.extensionServers[s].replicas
      return .pods(server: s, pods: (pods ?? Array(0..<replicas)).filter { $0 < replicas })
    case .link(let link):
      let ids = Links.ids(of: link, in: spec, instances: instances)
      return ids.isEmpty ? nil : .links(ids)
    case .controlPlaneInstance(let i):
      return i < instances ? .instance(i) : nil
    }
  }

  /// The units of a target that fail on their own under a random process, named for their streams.
  static func unitNames(_ target: Target) -> [String] {
    switch target {
    case .pods(let server, let pods): pods.map { "server\(server)/pod\($0)" }
    case .links(let links): links.map(\.name)
    case .instance(let i): ["instance/\(i)"]
    }
  }

  /// Schedules every window's begin and end, then every process's first failure of each unit.
  func start(_ kernel: inout Kernel) {
    for (index, window) in windows.enumerated() {
      kernel.schedule(Event.windowBegins(fault: Int32(index)), at: window.start)
      if let duration = window.duration { kernel.schedule(Event.windowEnds(fault: Int32(index)), at: window.start + duration) }
    }
    for (index, process) in processes.enumerated() {
      for unit in process.streams.indices {
        kernel.schedule(Event.randomBegins(process: Int32(index), unit: Int32(unit)),
                        after: process.timeBetweenFailures.sample(process.streams[unit]))
      }
    }
  }

  /// Puts the windows of link faults into their links (a message sent in a window suffers it).
  func installLinkWindows(_ links: inout Links, streams: StreamRegistry) {
    for window in windows {
      guard case .links(let ids) = window.target, let effect = LinkEffect(window.kind) else { continue }
      let end = window.duration.map { window.start + $0 } ?? .never
      for (id, name) in ids {
        links.update(id) { link in
          link.windows.append((effect, window.start...end))
          link.faultStream = link.faultStream ?? streams.stream("link/\(name)/faults").source
        }
      }
    }
  }

  /// Each random link fault's links get their fault streams.
  func prepareRandomLinkFaults(_ links: inout Links, streams: StreamRegistry) {
    for process in processes {
      guard case .links(let ids) = process.target else { continue }
      for (id, name) in ids {
        links.update(id) { $0.faultStream = $0.faultStream ?? streams.stream("link/\(name)/faults").source }
      }
    }
  }

  /// What the event strikes (the model applies it, then calls `followUp`).
  func strike(_ event: Event) -> Strike {
    switch event {
    case .windowBegins(let f), .windowEnds(let f):
      var begins = false
      if case .windowBegins = event { begins = true }
      return Strike(kind: windows[Int(f)].kind, target: windows[Int(f)].target, begins: begins, random: false)
    case .randomBegins(let p, let unit), .randomEnds(let p, let unit):
      var begins = false
      if case .randomBegins = event { begins = true }
      let process = processes[Int(p)]
      return Strike(kind: process.kind, target: Self.unit(Int(unit), of: process.target), begins: begins, random: true)
    }
  }

  /// One unit of a target (a random process strikes each on its own).
  static func unit(_ unit: Int, of target: Target) -> Target {
    switch target {
    case .pods(let server, let pods): .pods(server: server, pods: [pods[unit]])
    case .links(let links): .links([links[unit]])
    case .instance: target
    }
  }

  /// After a random fault struck or was repaired: the next transition of that unit is drawn.
  func followUp(_ event: Event, _ kernel: inout Kernel) {
    switch event {
    case .windowBegins, .windowEnds: break
    case .randomBegins(let p, let unit):
      let process = processes[Int(p)]
      kernel.schedule(Event.randomEnds(process: p, unit: unit), after: process.timeToRepair.sample(process.streams[Int(unit)]))
    case .randomEnds(let p, let unit):
      let process = processes[Int(p)]
      kernel.schedule(Event.randomBegins(process: p, unit: unit), after: process.timeBetweenFailures.sample(process.streams[Int(unit)]))
    }
  }
}
