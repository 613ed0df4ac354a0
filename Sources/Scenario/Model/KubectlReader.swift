import SimCore
import AggregationModel

extension NodeReader {
  /// The open arrival forms of `workload()`, for kubectl invocations.
  static let arrivalKinds = ScenarioSchema.arrivals.exactlyOne

  /// A client's `workload: {kubectl: …}` (research kube-aggregator.md §3, §7):
  /// ```yaml
  /// kubectl:
  ///   invocations: {poisson: 1/min}     # required: an open arrival form of `workload`
  ///   discovery: aggregated             # legacy or aggregated; default aggregated from 1.27, legacy before
  ///   cacheTTL: 6h                      # disk cache lifetime; default 6h (10m before 1.24)
  ///   extraLocalGroupVersions: 0        # CRD group-versions besides the built-ins (legacy: one request each)
  ///   resource: none                    # none (api-resources: no cache hit), or get: one GET of the client's target after discovery
  ///   discoveryRateLimit: {qps: 50, burst: 300}   # default kubectl's 50/300 (burst 100 before 1.23)
  /// ```
  func kubectlWorkload() -> KubectlSpec? {
    guard let m = mapping(ScenarioSchema.kubectl) else { return nil }
    let defaults = KubectlSpec(invocations: .trace([]))
    let invocations = m.required("invocations").flatMap { $0.openArrivals() }
    let mode = m.optionalValue("discovery") { $0.oneOf(KubectlSpec.DiscoveryMode.self) }
    let ttl = m.optionalValue("cacheTTL") { $0.positiveDuration() }
    let extra = m.read("extraLocalGroupVersions", default: defaults.extraLocalGroupVersions) { $0.extraGroupVersions() }
    let resource = m.read("resource", default: defaults.resource) { $0.oneOf(KubectlSpec.ResourceRequest.self) }
    let limit = m.optionalValue("discoveryRateLimit") { ClientsSection.rateLimit($0) }
    guard let invocations, let mode, let ttl, let extra, let resource, let limit else { return nil }
    return KubectlSpec(invocations: invocations, discovery: mode, cacheTTL: ttl, extraLocalGroupVersions: extra,
                       resource: resource, discoveryRateLimit: limit)
  }
}
