import SimCore

/// The metrics of discovery, after the warm-up: what a discovery client saw (`kubectl`,
/// `garbage_collector`, `namespace_controller`), the namespaces a namespace controller deleted
/// (`namespace_controller`), and the discovery manager's view of an APIService, summed over the
/// control-plane instances (`discovery`).
extension SummaryMetric {
  public static let invocations = SummaryMetric(
    "invocations", .count, "invocations (kubectl) or syncs (garbage collector, namespace controller) started",
    .discoveryClient { Double($0.invocations) })
  public static let cacheHits = SummaryMetric(
    "cache_hits", .count, "invocations that skipped discovery because the disk cache was fresh", .discoveryClient { Double($0.cacheHits) })
  public static let discoveryComplete = SummaryMetric(
    "discovery_complete", .count, "discoveries where every group-version answered (aggregated: none was Stale, or kubectl dropped it)",
    .discoveryClient { Double($0.complete) })
  public static let discoveryPartial = SummaryMetric(
    "discovery_partial", .count, "discoveries that ended with \"unable to retrieve the complete list of server APIs\"",
    .discoveryClient { Double($0.partial) })
  public static let discoveryPartialFraction = SummaryMetric(
    "discovery_partial_fraction", .ratio, "partial discoveries over the discoveries that ended",
    .discoveryClient { ratio(Double($0.partial), Double($0.complete + $0.partial)) })
  public static let discoveryStaleDropped = SummaryMetric(
    "discovery_stale_dropped", .count,
    "kubectl: complete discoveries that silently left out a Stale group-version (its disk cache drops it: no warning, exit 0)",
    .discoveryClient { Double($0.staleDropped) })
  public static let resourceTypeUnknown = SummaryMetric(
    "resource_type_unknown", .count,
    "kubectl: invocations that failed with \"the server doesn't have a resource type\" (the target's group-version was left out)",
    .discoveryClient { Double($0.resourceTypeUnknown) })
  public static let discoveryLatencyP50 = SummaryMetric(
    "discovery_latency_p50_s", .seconds, "50th percentile of the time from an invocation's start to its last discovery answer",
    .discoveryClient { seconds($0.latency) { $0.percentile(50) } })
  public static let discoveryLatencyP99 = SummaryMetric(
    "discovery_latency_p99_s", .seconds, "99th percentile of that time", .discoveryClient { seconds($0.latency) { $0.percentile(99) } })
  public static let discoveryLatencyMax = SummaryMetric(
    "discovery_latency_max_s", .seconds, "longest of that time", .discoveryClient { seconds($0.latency, \.max) })

  /// A discovery client's metrics, in the order `expect:` lists them.
  static let discoveryClientFamily: [SummaryMetric] =
    [invocations, cacheHits, discoveryComplete, discoveryPartial, discoveryPartialFraction, discoveryStaleDropped, resourceTypeUnknown,
     discoveryLatencyP50, discoveryLatencyP99, discoveryLatencyMax]

  public static let namespacesDeleted = SummaryMetric(
    "namespaces_deleted", .count, "namespaces deleted (set Terminating)", .namespaces { Double($0.deleted) })
  public static let namespacesFinalized = SummaryMetric(
    "namespaces_finalized", .count, "namespaces whose content was deleted and that are gone", .namespaces { Double($0.finalized) })
  public static let namespaceDiscoveryFailures = SummaryMetric(
    "namespace_discovery_failures", .count, "syncs that ended with `NamespaceDeletionDiscoveryFailure` (partial discovery)",
    .namespaces { Double($0.discoveryFailures) })
  public static let terminatingMean = SummaryMetric(
    "terminating_mean_s", .seconds, "mean time from a namespace's deletion to its finalization",
    .namespaces { seconds($0.terminating, \.mean) })
  public static let terminatingP50 = SummaryMetric(
    "terminating_p50_s", .seconds, "50th percentile of that time", .namespaces { seconds($0.terminating) { $0.percentile(50) } })
  public static let terminatingP99 = SummaryMetric(
    "terminating_p99_s", .seconds, "99th percentile of that time", .namespaces { seconds($0.terminating) { $0.percentile(99) } })
  public static let terminatingMax = SummaryMetric(
    "terminating_max_s", .seconds, "longest of that time", .namespaces { seconds($0.terminating, \.max) })
  public static let stillTerminating = SummaryMetric(
    "still_terminating", .count, "namespaces still Terminating at the end of the run", .namespaces { Double($0.stillTerminating) })
  public static let oldestTerminating = SummaryMetric(
    "oldest_terminating_s", .seconds, "age of the oldest of those at the end of the run", .namespaces { $0.oldestTerminating.seconds })

  /// A namespace controller's namespace metrics, in the order `expect:` lists them.
  static let namespaceFamily: [SummaryMetric] =
    [namespacesDeleted, namespacesFinalized, namespaceDiscoveryFailures, terminatingMean, terminatingP50, terminatingP99,
     terminatingMax, stillTerminating, oldestTerminating]

  public static let staleFraction = SummaryMetric(
    "stale_fraction", .ratio, "time the group-version was published Stale over instances × measured time",
    .discoveryManager(\.staleFraction))
  public static let staleSeconds = SummaryMetric(
    "stale_s", .seconds, "time the group-version was published Stale, summed over instances",
    .discoveryManager { $0.staleTime.seconds })
  public static let staleToCurrent = SummaryMetric(
    "stale_to_current", .count, "Stale → Current transitions, summed over instances", .discoveryManager { Double($0.staleToCurrent) })
  public static let fetches = SummaryMetric(
    "fetches", .count, "syncs that contacted the backend and ended, summed over instances", .discoveryManager { Double($0.fetches) })
  public static let failedFetches = SummaryMetric(
    "failed_fetches", .count, "syncs that published the group-version Stale, summed over instances", .discoveryManager { Double($0.failedFetches) })
  public static let fallbacks = SummaryMetric(
    "fallbacks", .count, "syncs that went on to the legacy fallback `GET /apis/<group>/<version>`, summed over instances",
    .discoveryManager { Double($0.fallbacks) })

  /// The discovery manager's metrics, in the order `expect:` lists them.
  static let discoveryManagerFamily: [SummaryMetric] =
    [staleFraction, staleSeconds, staleToCurrent, fetches, failedFetches, fallbacks]
}
