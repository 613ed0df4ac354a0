public import SimCore

/// The model parameters whose Kubernetes default changed between releases, each declared once
/// with its default per release, its source and its meaning (research kube-aggregator.md §10
/// lists the changes). A spec leaves such a parameter nil for "the version's default";
/// `ModelSpec.resolved()` fills it from here. Behaviours that are not parameters (the discovery
/// manager's retry, the width of its legacy fallback, LIST seats) are `VersionBehaviour`'s.
public enum VersionDefaults {
  /// `ProxySpec.discoveryCap`.
  public static let discoveryTimeout = VersionDefault<TimeLimit>(
    key: "controlPlane.proxy.discoveryTimeout",
    doc: "The cap on a proxied legacy discovery request `/apis/<group>/<version>`: 503 after it. Before 1.16 there was "
      + "none, and such a request waited for the dial or the client's timeout.",
    source: "research §3.3; kubernetes/kubernetes#82146 (1.16), fixing #82172",
    initial: .unlimited, changes: [(KubernetesVersion(major: 1, minor: 16), .after(.seconds(5)))])

  /// `KubectlSpec.discovery`, `GarbageCollectorSpec.discovery`, `NamespaceDeletionSpec.discovery`.
  public static let discoveryMode = VersionDefault<KubectlSpec.DiscoveryMode>(
    key: "clients[].workload.{kubectl,garbageCollector,namespaceDeletion}.discovery",
    doc: "How a discovery client discovers: aggregated when the control plane serves aggregated discovery (KEP-3352: "
      + "beta and on by default from 1.27, alpha and off in 1.26), legacy before.",
    source: "research §3.2",
    initial: .legacy, changes: [(KubernetesVersion(major: 1, minor: 27), .aggregated)])

  /// `KubectlSpec.cacheTTL`.
  public static let kubectlCacheTTL = VersionDefault<SimDuration>(
    key: "clients[].workload.kubectl.cacheTTL",
    doc: "The lifetime of kubectl's disk discovery cache: 6 h from 1.24, 10 min before.",
    source: "research §1e, §7",
    initial: .minutes(10), changes: [(KubernetesVersion(major: 1, minor: 24), .hours(6))])

  /// `KubectlSpec.discoveryRateLimit`.
  public static let kubectlDiscoveryRateLimit = VersionDefault<RateLimitSpec>(
    key: "clients[].workload.kubectl.discoveryRateLimit",
    doc: "The token bucket of kubectl's discovery client: QPS 50, burst 300 from 1.23, 100 before.",
    source: "research §1e; kubernetes/kubectl#1126",
    initial: RateLimitSpec(qps: .perSecond(50), burst: 100),
    changes: [(KubernetesVersion(major: 1, minor: 23), RateLimitSpec(qps: .perSecond(50), burst: 300))])

  /// `ExtensionServerSpec.maxStreamsPerConnection`.
  public static let streamsPerConnection = VersionDefault<Int>(
    key: "extensionServers[].maxStreamsPerConnection",
    doc: "HTTP/2 streams a server built on k8s.io/apiserver grants per connection when its flag is 0 (kube-apiserver, "
      + "metrics-server): 100 from 1.29, Go's default 250 before.",
    source: "research §1b; fidelity-audit §10 (also in the patch releases 1.25.15, 1.26.10, 1.27.7 and 1.28.3, "
      + "which aggsim does not model)",
    initial: 250, changes: [(KubernetesVersion(major: 1, minor: 29), 100)])
}
