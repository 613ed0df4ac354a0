internal import Yams
public import AggregationModel

/// `spec.apiServices`: the APIService objects of the cluster, as `kubectl get apiservices -o yaml`
/// prints them, either as a sequence of objects or the whole List pasted (a mapping with
/// `kind: List` or `APIServiceList` and `items:`). Built-in local groups need not be listed.
/// ```yaml
/// apiServices:
///   - apiVersion: apiregistration.k8s.io/v1     # optional; if given, v1 (or v1beta1)
///     kind: APIService                          # optional; if given, APIService
///     metadata: {name: v1beta1.metrics.k8s.io}  # required: <version>.<group>; other metadata ignored
///     spec:
///       group: metrics.k8s.io                   # required ("" only for v1)
///       version: v1beta1                        # required
///       groupPriorityMinimum: 100               # required, 1…20000
///       versionPriority: 100                    # required, 1…1000
///       service: {namespace: kube-system, name: metrics-server, port: 443}   # absent = local; port default 443
///       insecureSkipTLSVerify: true             # default false
///       caBundle: LS0t…                         # accepted and ignored
///     status:                                   # optional; only the Available condition is read
///       conditions: [{type: Available, status: "True"}]   # the initial condition; default True
/// ```
/// Keys other than these are errors, except under `metadata` and `status` (uid, resourceVersion,
/// creationTimestamp, labels, annotations, managedFields, other conditions…), which are ignored.
/// The object is validated as kube-aggregator does (`APIService.validate()`).
public struct APIServicesSection: ScenarioSection, Hashable {
  public static let key = "apiServices"

  /// One APIService of the file, with where its name and service were written.
  public struct Entry: Hashable, Sendable {
    public var spec: APIServiceSpec
    /// `metadata.name`.
    public var name: Located<String>
    /// `spec.service`, if remote.
    public var service: Located<ServiceReference>?
  }

  public var entries: [Entry]

  public init?(reading node: NodeReader) {
    var items = node
    if case .mapping(_) = node.node {
      guard let list = node.mapping(ScenarioSchema.apiServiceList) else { return nil }
      if let kind = list.optional("kind"), kind.oneOf(["List", "APIServiceList"]) == nil { return nil }
      guard let listed = list.required("items") else { return nil }
      items = listed
    } else if case .scalar(_) = node.node {
      node.report(expected: "a sequence of APIService objects, or an APIServiceList (a mapping with items)")
      return nil
    }
    guard let entries = items.array(Self.entry) else { return nil }
    self.entries = entries
  }

  static func entry(_ node: NodeReader) -> Entry? {
    guard let m = node.mapping(ScenarioSchema.apiService) else { return nil }
    var ok = true
    if let v = m.optional("apiVersion"), v.oneOf(["apiregistration.k8s.io/v1", "apiregistration.k8s.io/v1beta1"]) == nil { ok = false }
    if let k = m.optional("kind"), k.oneOf(["APIService"]) == nil { ok = false }
    let name = m.required("metadata").flatMap(Self.name)
    let status = m.read("status", default: true, Self.initiallyAvailable)
    guard let specNode = m.required("spec"),
          let s = specNode.mapping(ScenarioSchema.apiServiceSpec) else { return nil }
    let group = s.required("group")?.string()
    let version = s.required("version")?.string()
    let groupPriority = s.required("groupPriorityMinimum")?.integer()
    let versionPriority = s.required("versionPriority")?.integer()
    let service = s.optionalValue("service") { $0.located(Self.service) }
    let insecure = s.read("insecureSkipTLSVerify", default: false) { $0.bool() }
    if let ca = s.optional("caBundle"), ca.string() == nil { ok = false }
    guard let name, let group, let version, let groupPriority, let versionPriority, let service, let insecure
    else { return nil }
    let object = APIService(name: name.value, group: group, version: version, service: service?.value,
                            groupPriorityMinimum: groupPriority, versionPriority: versionPriority,
                            insecureSkipTLSVerify: insecure)
    let problems = object.validate()
    for problem in problems {
      // `metadata.name` → the name's node; `spec.x.y` → the deepest node written on that path.
      var target = node
      var path = problem.field.split(separator: ".").map(String.init)[...]
      while let key = path.first, let next = target.child(key) { target = next; path = path.dropFirst() }
      target.report(expected: problem.expected, found: problem.found)
    }
    guard problems.isEmpty, ok, let status else { return nil }
    return Entry(spec: APIServiceSpec(object, initiallyAvailable: status), name: name, service: service)
  }

  /// `metadata.name`; every other key of `metadata` is ignored.
  static func name(_ node: NodeReader) -> Located<String>? {
    guard case .mapping(_) = node.node else { node.report(expected: "a mapping"); return nil }
    guard let nameNode = node.child("name") else {
      node.report(expected: "key \"name\"", found: "nothing")
      return nil
    }
    return nameNode.located { $0.name() }
  }

  /// Whether the `Available` condition of `status.conditions` is `True` (default: true). Only
  /// that condition's `status` is read; everything else under `status` is ignored.
  static func initiallyAvailable(_ node: NodeReader) -> Bool? {
    guard !node.isNull else { return true }
    guard case .mapping(_) = node.node else { node.report(expected: "a mapping"); return nil }
    guard let conditions = node.child("conditions") else { return true }
    guard let list = conditions.sequence() else { return nil }
    for condition in list {
      guard case .mapping(_) = condition.node, condition.child("type")?.scalarKind == .string("Available") else { continue }
      guard let status = condition.child("status") else {
        condition.report(expected: "key \"status\"", found: "nothing")
        return nil
      }
      switch status.scalarKind {
      case .string("True"), .bool(true): return true
      case .string("False"), .string("Unknown"), .bool(false): return false
      default: status.report(expected: "one of True, False, Unknown"); return nil
      }
    }
    return true
  }

  /// `spec.service`: namespace and name required, port default 443.
  static func service(_ node: NodeReader) -> ServiceReference? {
    guard let m = node.mapping(ScenarioSchema.service) else { return nil }
    let namespace = m.required("namespace")?.string()
    let name = m.required("name")?.string()
    let port = m.read("port", default: ServiceReference.defaultPort) { $0.integer() }
    guard let namespace, let name, let port else { return nil }
    return ServiceReference(namespace: namespace, name: name, port: port)
  }
}

extension ServiceReference {
  /// `namespace/name:port`.
  var text: String { "\(namespace)/\(name):\(port)" }
}

extension NodeReader {
  /// The value at `key` of this mapping, without checking the other keys (for parts of an
  /// object whose other keys are ignored); nil if absent or this is not a mapping.
  func child(_ key: String) -> NodeReader? {
    guard case .mapping(let mapping) = node else { return nil }
    for (k, v) in mapping where k.string == key { return NodeReader(node: v, keyPath: path(key), sink: sink) }
    return nil
  }
}
