internal import Yams
import SimCore
public import AggregationModel

/// `spec.faults`: faults of any part of the model (`Fault`), each a target, a kind and a
/// schedule. The pods' `faults`/`faultProcesses` of `extensionServers` and the links'
/// `partitions` stay as shorthands for the commonest ones.
/// ```yaml
/// faults:
///   - target: {pods: {server: metrics-server, pods: [0]}}   # pods: default every pod
///     kind: crash            # crash | hang | refuse | silentConnectionDrop | {slowDown: 5}
///     window: {start: 2m, duration: 30s}                     # duration: default to the end
///   - target: {link: {client: hpa}}                         # or {link: {server: metrics-server, instance: 1}}
///     kind: partition        # partition | {latencySpike: <distribution>} | {lossBurst: 0.3}
///     random: {timeBetweenFailures: {exponential: {mean: 1h}}, timeToRepair: 20s}
///   - target: {controlPlaneInstance: 1}                      # 0-based, < controlPlane.instances
///     kind: restart          # the kube-apiserver goes down, and starts again when the fault ends
///     window: {start: 5m, duration: 45s}   # or gracefulRestart | {gracefulRestart: 70s}: SIGTERM,
///                                          # drain its requests (after the shutdown delay), then down
/// ```
/// A link target's `instance` defaults to every instance. The names a target gives are checked
/// against the other sections (`FaultsSection.check`).
public struct FaultsSection: ScenarioSection, Hashable {
  public static let key = "faults"

  /// One fault, with where the names of its target were written.
  public struct Entry: Hashable, Sendable {
    public var fault: Fault
    public var server: Located<String>?
    public var client: Located<String>?
    public var instance: Located<Int>?
  }

  public var entries: [Entry]

  public init?(reading node: NodeReader) {
    guard let entries = node.array(Self.entry) else { return nil }
    self.entries = entries
  }

  static let podKinds = ["crash", "hang", "refuse", "silentConnectionDrop", "slowDown"]
  static let linkKinds = ["partition", "latencySpike", "lossBurst"]

  static func entry(_ node: NodeReader) -> Entry? {
    guard let m = node.mapping(ScenarioSchema.fault) else { return nil }
    let target = m.required("target").flatMap(Self.target)
    let schedule = m.exactlyOne(of: ScenarioSchema.fault.exactlyOne, what: "a schedule").flatMap { key in
      m.optional(key).flatMap { key == "window" ? Self.window($0) : Self.random($0) }
    }
    guard let target, let kindNode = m.required("kind"), let kind = Self.kind(kindNode, for: target.value), let schedule else {
      return nil
    }
    return Entry(fault: Fault(target: target.value, kind: kind, schedule: schedule),
                 server: target.server, client: target.client, instance: target.instance)
  }

  /// A target and where its names were written.
  struct Target {
    var value: Fault.Target
    var server: Located<String>?
    var client: Located<String>?
    var instance: Located<Int>?
  }

  static func target(_ node: NodeReader) -> Target? {
    guard let m = node.mapping(ScenarioSchema.faultTarget),
          let key = m.exactlyOne(of: ScenarioSchema.faultTarget.exactlyOne, what: "a fault target"),
          let body = m.optional(key) else { return nil }
    switch key {
    case "pods":
      guard let p = body.mapping(ScenarioSchema.podsTarget), let serverNode = p.required("server"),
            let server = serverNode.name() else { return nil }
      let pods = p.read("pods", default: nil) { list -> [Int]?? in list.array { $0.integer(in: 0...9_999) }.map { .some($0) } }
      guard let pods else { return nil }
      return Target(value: .pods(server: server, pods: pods), server: Located(server, at: serverNode.location))
    case "link":
      guard let l = body.mapping(ScenarioSchema.linkTarget),
            let side = l.exactlyOne(of: ScenarioSchema.linkTarget.exactlyOne, what: "a link: a client's, or to a server's pods") else { return nil }
      if side == "client" {
        if l.contains("instance") { l.reportKey("instance", expected: "no instance for a client's link", found: "\"instance\"") }
        guard !l.contains("instance"), let nameNode = l.optional("client"), let name = nameNode.name() else { return nil }
        return Target(value: .link(.client(name)), client: Located(name, at: nameNode.location))
      }
      guard let serverNode = l.optional("server"), let server = serverNode.name() else { return nil }
      let instanceNode = l.optional("instance")
      let instance: Int?? = l.read("instance", default: nil) { node -> Int?? in node.integer(in: 0...999).map { .some($0) } }
      guard let instance else { return nil }
      return Target(value: .link(.backend(server: server, instance: instance)), server: Located(server, at: serverNode.location),
                    instance: instance.flatMap { value in instanceNode.map { Located(value, at: $0.location) } })
    default:
      guard let i = body.integer(in: 0...999) else { return nil }
      return Target(value: .controlPlaneInstance(i), instance: Located(i, at: body.location))
    }
  }

  /// The kind, which must suit the target: a pod kind for pods, a link kind for a link,
  /// `restart` or `gracefulRestart` for an instance. A scalar name, or a one-key mapping for the kinds with a value.
  static func kind(_ node: NodeReader, for target: Fault.Target) -> Fault.Kind? {
    let names: [String]
    switch target {
    case .pods: names = podKinds
    case .link: names = linkKinds
    case .controlPlaneInstance: names = ["restart", "gracefulRestart"]
    }
    let what = "a fault kind for this target: " + names.joined(separator: ", ")
    if case .mapping = node.node {
      let valued = ScenarioSchema.faultKind.exactlyOne
      guard let m = node.mapping(ScenarioSchema.faultKind), let key = m.exactlyOne(of: valued, what: what), let value = m.optional(key) else {
        return nil
      }
      guard names.contains(key) else {
        m.reportKey(key, expected: what, found: FoundText.quoted(key))
        return nil
      }
      switch key {
      case "slowDown": return value.number(in: Double.leastNonzeroMagnitude...1e9).map { .pod(.slowDown(factor: $0)) }
      case "latencySpike": return value.distribution().map { .latencySpike($0) }
      case "gracefulRestart": return shutdownDelay(value).map { .gracefulRestart(shutdownDelay: $0) }
      default: return value.number(in: 0...NetworkLinkSpec.maximumLoss).map { .lossBurst($0) }   // lossBurst
      }
    }
    guard let name = node.oneOf(names) else { return nil }
    switch name {
    case "crash": return .pod(.crash)
    case "hang": return .pod(.hang)
    case "refuse": return .pod(.refuse)
    case "silentConnectionDrop": return .pod(.silentConnectionDrop)
    case "partition": return .partition
    case "restart": return .restart
    case "gracefulRestart": return .gracefulRestart(shutdownDelay: .zero)
    default:
      node.report(expected: "{\(name): <value>}")
      return nil
    }
  }

  /// The longest `--shutdown-delay-duration` read: OpenShift runs 70 s (its load balancers' health
  /// checks), far above the upstream default of 0 s.
  static let maximumShutdownDelay = SimDuration.minutes(10)

  /// A graceful restart's shutdown delay, 0s…10m.
  static func shutdownDelay(_ node: NodeReader) -> SimDuration? {
    node.duration(in: .zero...maximumShutdownDelay,
                  expected: "a shutdown delay of at most \(maximumShutdownDelay) (--shutdown-delay-duration; OpenShift uses 70s)")
  }

  static func window(_ node: NodeReader) -> Fault.Schedule? {
    guard let m = node.mapping(ScenarioSchema.faultWindow) else { return nil }
    let start = m.required("start")?.duration()
    let duration = m.read("duration", default: nil) { $0.noneOr { $0.positiveDuration() } }
    guard let start, let duration else { return nil }
    return .window(start: SimTime(since: start), duration: duration)
  }

  static func random(_ node: NodeReader) -> Fault.Schedule? {
    guard let m = node.mapping(ScenarioSchema.randomSchedule) else { return nil }
    let up = m.required("timeBetweenFailures")?.distribution()
    let down = m.required("timeToRepair")?.distribution()
    guard let up, let down else { return nil }
    return .random(timeBetweenFailures: up, timeToRepair: down)
  }
}

extension FaultsSection {
  /// The names a fault's target gives: an extension server (and pod indices below its replicas),
  /// a client, a control-plane instance below `controlPlane.instances`.
  static func check(_ read: SectionsRead<ModelSections>) -> [ScenarioError] {
    guard let faults = read.sections.faults else { return [] }
    var errors: [ScenarioError] = []
    let servers = read.sections.extensionServers?.entries ?? []
    let serverNames = servers.map(\.name.value)
    let clientNames = (read.sections.clients?.entries ?? []).map(\.name.value)
    let instances = read.sections.controlPlane?.spec.instances ?? 1
    for entry in faults.entries {
      if let server = entry.server, read.checkable(ExtensionServersSection.self) {
        if let spec = servers.first(where: { $0.name.value == server.value })?.spec {
          if case .pods(_, let pods?) = entry.fault.target, let pod = pods.first(where: { $0 >= spec.replicas }) {
            errors.append(server.location.error(expected: "pods below \(spec.replicas) (the replicas of \(server.value))",
                                                found: "pod \(pod)"))
          }
        } else {
          errors.append(ModelChecks.unknown(server, what: "an extension server", among: serverNames))
        }
      }
      if let client = entry.client, read.checkable(ClientsSection.self), !clientNames.contains(client.value) {
        errors.append(ModelChecks.unknown(client, what: "a client", among: clientNames))
      }
      if let instance = entry.instance, read.checkable(ControlPlaneSection.self), instance.value >= instances {
        errors.append(instance.location.error(
          expected: "a control-plane instance index < \(instances) (controlPlane.instances)", found: "\(instance.value)"))
      }
    }
    return errors
  }
}
