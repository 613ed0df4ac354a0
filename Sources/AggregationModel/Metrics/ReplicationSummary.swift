/// The summary metrics of every scope of one replication, each computed once from its
/// `ReplicationResult` by the catalogue's formulas: the rows `summary.csv` writes, and the
/// values `expect:`, `check`, `compare` and `capacity` look up by scope.
///
/// - Complexity: building it reads each scope's histograms once per percentile metric (merging
///   every client's for `all`); a lookup is O(scopes + metrics of the scope).
public struct ReplicationSummary: Sendable {
  /// The summary metrics of one scope, in catalogue order, with their values.
  public struct Scope: Sendable {
    public var kind: ScopeKind
    /// As `summary.csv`'s `scope` column writes it: the client, the APIService, `<server>/<pod>`,
    /// `<instance>/<level>` …; empty for `all`.
    public var name: String
    /// The scope's index in its array of the `ReplicationResult` (`clients`, `apiServices`,
    /// `pods`, `priorityLevels`, `discovery`, `discoveryManager`); 0 for `all`.
    public var index: Int
    public var metrics: [SummaryMetric]
    /// `values[i]` is the value of `metrics[i]`.
    public var values: [Double]

    /// The value of `metric` in this scope, or nil when the scope does not have it.
    public func value(of metric: SummaryMetric) -> Double? {
      metrics.firstIndex(of: metric).map { values[$0] }
    }

    /// A scope whose values were computed before and read back (a shard's `shard-units.csv`).
    public init(kind: ScopeKind, name: String, index: Int, metrics: [SummaryMetric], values: [Double]) {
      self.kind = kind
      self.name = name
      self.index = index
      self.metrics = metrics
      self.values = values
    }

    init(_ kind: ScopeKind, _ name: String, index: Int, _ sources: SummaryMetric.Sources) {
      self.kind = kind
      self.name = name
      self.index = index
      metrics = []
      values = []
      for metric in MetricCatalogue.summaryMetrics(of: kind) {
        guard let value = metric.value(in: sources) else { continue }
        metrics.append(metric)
        values.append(value)
      }
    }
  }

  public var replication: Int
  /// Clients, then APIServices, pods, priority levels, discovery clients and the discovery
  /// manager's APIServices, each in the order of the `ReplicationResult`.
  public var scopes: [Scope]
  /// Every client's requests together, and the mean over pods of each pod metric.
  public var all: Scope

  /// A replication's summary read back from its scopes (a shard's `shard-units.csv`).
  public init(replication: Int, scopes: [Scope], all: Scope) {
    self.replication = replication
    self.scopes = scopes
    self.all = all
  }

  public init(_ result: ReplicationResult) {
    replication = result.replication
    let duration = result.measuredDuration
    var scopes: [Scope] = []
    for (index, name) in result.clientNames.enumerated() {
      scopes.append(Scope(.client, name, index: index, .init(duration: duration, requests: result.clients[index])))
    }
    for (index, name) in result.apiServiceNames.enumerated() {
      let openAPI = result.openAPI.isEmpty ? OpenAPIMetrics() : result.openAPI[index]
      scopes.append(Scope(.apiService, name, index: index, .init(duration: duration, requests: result.apiServices[index],
                                                                 availability: (result.availability[index], openAPI))))
    }
    for (index, pod) in result.pods.enumerated() {
      scopes.append(Scope(.pod, "\(pod.server)/\(pod.pod)", index: index, .init(duration: duration, pods: [pod])))
    }
    for (index, level) in result.priorityLevels.enumerated() {
      scopes.append(Scope(.priorityLevel, level.scope, index: index, .init(duration: duration, priorityLevel: level)))
    }
    for (index, d) in result.discovery.enumerated() {
      let namespaces = result.namespaces.first { $0.client == d.client }
      scopes.append(Scope(ScopeKind(d.consumer), d.client, index: index,
                          .init(duration: duration, discoveryClient: d, namespaces: namespaces)))
    }
    for (index, m) in result.discoveryManager.enumerated() {
      scopes.append(Scope(.discovery, m.apiService, index: index, .init(duration: duration, discoveryManager: m)))
    }
    self.scopes = scopes
    var merged = ScopeMetrics()
    for client in result.clients { merged.merge(client) }
    all = Scope(.all, "", index: 0, .init(duration: duration, requests: merged, pods: result.pods))
  }

  /// The scopes of one kind, in order.
  public func scopes(of kind: ScopeKind) -> [Scope] { scopes.filter { $0.kind == kind } }

  /// The scope written `all`, `client/<name>`, `pod/<server>/<index>`, `priority_level/<instance>/<level>` …
  /// (`ScopeKind.pattern`), or nil when the replication has no such scope.
  public func scope(_ text: String) -> Scope? {
    if text == ScopeKind.all.rawValue { return all }
    guard let slash = text.firstIndex(of: "/"), let kind = ScopeKind(rawValue: String(text[..<slash])) else { return nil }
    let name = text[text.index(after: slash)...]
    return scopes.first { $0.kind == kind && $0.name == name }
  }
}
