import SimCore
public import AggregationModel

/// `spec.discovery`: the aggregated-discovery manager of each control-plane instance (research
/// kube-aggregator.md §3.2).
/// ```yaml
/// discovery:
///   enabled: true      # default: when some kubectl client uses aggregated discovery
///   workers: 2         # fetch workers per instance
///   fetchTimeout: 5s   # the TimeoutHandler around each fetch
///   refresh: 1m        # refetch after success (1.36+) or the loop marking all dirty (before)
/// ```
public struct DiscoverySection: ScenarioSection, Hashable {
  public static let key = "discovery"

  public var spec: DiscoveryManagerSpec
  /// Where `enabled` was written, if it was.
  public var enabledAt: SourceLocation?

  public init?(reading node: NodeReader) {
    guard let m = node.mapping(ScenarioSchema.discovery) else { return nil }
    let defaults = DiscoveryManagerSpec()
    let enabled = m.optionalValue("enabled") { $0.bool() }
    let workers = m.read("workers", default: defaults.workers) { $0.integer(in: 1...1_000) }
    let timeout = m.read("fetchTimeout", default: defaults.fetchTimeout) { $0.positiveDuration() }
    let refresh = m.read("refresh", default: defaults.refresh) { $0.period() }
    guard let enabled, let workers, let timeout, let refresh else { return nil }
    spec = DiscoveryManagerSpec(enabled: enabled, workers: workers, fetchTimeout: timeout, refresh: refresh)
    enabledAt = m.optional("enabled")?.location
  }
}
