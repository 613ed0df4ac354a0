/// What a scope of the outputs is: the `scope_kind` column of `summary.csv` and `timeseries.csv`,
/// plus `all`, the scope of every client's requests together (and of the mean over pods) that
/// `expect:`, `check`, `compare` and `capacity` look metrics up in. A scope is written
/// `<kind>/<name>` (`pattern`); `all` has no name.
public enum ScopeKind: String, CaseIterable, Hashable, Sendable {
  case all
  case client
  case apiService = "apiservice"
  case pod
  case kubectl
  case garbageCollector = "garbage_collector"
  case namespaceController = "namespace_controller"
  /// The discovery manager's view of an APIService.
  case discovery
  /// An APF priority level of one control-plane instance.
  case priorityLevel = "priority_level"
  /// A control-plane instance (time series only).
  case instance

  /// The kind of the summary rows of a discovery client.
  public init(_ consumer: DiscoveryConsumer) {
    switch consumer {
    case .kubectl: self = .kubectl
    case .garbageCollector: self = .garbageCollector
    case .namespaceController: self = .namespaceController
    }
  }

  /// How a scope of this kind is written.
  public var pattern: String {
    switch self {
    case .all: "all"
    case .client: "client/<name>"
    case .apiService: "apiservice/<name>"
    case .pod: "pod/<server>/<index>"
    case .kubectl, .garbageCollector, .namespaceController: "\(rawValue)/<client>"
    case .discovery: "discovery/<apiservice>"
    case .priorityLevel: "priority_level/<instance>/<level>"
    case .instance: "instance/<index>"
    }
  }
}
