/// The default of one model parameter that changed between Kubernetes releases, declared once:
/// where the parameter is written in a scenario, its value in each release, where that comes
/// from and what it means. `ModelSpec.resolved()` fills every parameter left to its version's
/// default (nil in the spec) from the declarations in `VersionDefaults`; nothing else knows the
/// values.
public struct VersionDefault<Value: Hashable & Sendable>: Sendable {
  /// The scenario key path of the parameter under `spec`, e.g. `controlPlane.proxy.discoveryTimeout`.
  public let key: String
  /// What the parameter is.
  public let doc: String
  /// The research section and upstream change the values come from.
  public let source: String
  /// The default in the releases before the first change.
  public let initial: Value
  /// Each change of the default, oldest release first, with the default from that release on
  /// (and from the patch releases it was backported to).
  public let changes: [(change: KubernetesChange, value: Value)]

  public init(key: String, doc: String, source: String, initial: Value, changes: [(change: KubernetesChange, value: Value)]) {
    precondition(zip(changes, changes.dropFirst()).allSatisfy { $0.change.since < $1.change.since }, "changes of \(key) out of order")
    self.key = key
    self.doc = doc
    self.source = source
    self.initial = initial
    self.changes = changes
  }

  /// The default in `version`.
  public func value(in version: KubernetesVersion) -> Value {
    changes.last { $0.change.isIn(version) }?.value ?? initial
  }

  /// Sets `parameter` to the default in `version` if it was left to it (nil); a given value stays.
  public func fill(_ parameter: inout Value?, in version: KubernetesVersion) {
    if parameter == nil { parameter = value(in: version) }
  }
}

extension Optional {
  /// A parameter left to its version's default, read after `ModelSpec.resolved()` filled it in
  /// (the simulation resolves its spec before it reads one). Reading it before is a programming
  /// error, not a scenario error.
  var resolved: Wrapped {
    guard let self else { preconditionFailure("a parameter left to its version's default was read before ModelSpec.resolved()") }
    return self
  }
}
