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
    initial: .unlimited, changes: [(KubernetesChange(16), .after(.seconds(5)))])

  /// `KubectlSpec.discovery`, `GarbageCollectorSpec.discovery`, `NamespaceDeletionSpec.discovery`.
  public static let discoveryMode = VersionDefault<KubectlSpec.DiscoveryMode>(
    key: "clients[].workload.{kubectl,garbageCollector,namespaceDeletion}.discovery",
    doc: "How a discovery client discovers: aggregated when the control plane serves aggregated discovery (KEP-3352: "
      + "beta and on by default from 1.27, alpha and off in 1.26), legacy before.",
    source: "research §3.2",
    initial: .legacy, changes: [(KubernetesChange(27), .aggregated)])

  /// `KubectlSpec.cacheTTL`.
  public static let kubectlCacheTTL = VersionDefault<SimDuration>(
    key: "clients[].workload.kubectl.cacheTTL",
    doc: "The lifetime of kubectl's disk discovery cache: 6 h from 1.24, 10 min before.",
    source: "research §1e, §7",
    initial: .minutes(10), changes: [(KubernetesChange(24), .hours(6))])

  /// `KubectlSpec.discoveryRateLimit`.
  public static let kubectlDiscoveryRateLimit = VersionDefault<RateLimitSpec>(
    key: "clients[].workload.kubectl.discoveryRateLimit",
    doc: "The token bucket of kubectl's discovery client: QPS 50, burst 300 from 1.23; before, burst 100 and client-go's "
      + "default QPS 5 (kubectl set no discovery QPS, and client-go reads 0 as 5).",
    source: "kubernetes/kubectl pkg/cmd/cmd.go v0.23.0 (`WithDiscoveryBurst(300).WithDiscoveryQPS(50.0)`, not in v0.22.0); "
      + "kubernetes/cli-runtime pkg/genericclioptions/config_flags.go v0.19.0–v0.22.0 (`config.Burst = 100`, "
      + "`discoveryBurst: 100`, no QPS); kubernetes/client-go rest/config.go v0.22.0 (`DefaultQPS = 5`); kubernetes/kubectl#1126",
    initial: RateLimitSpec(qps: .perSecond(5), burst: 100),
    changes: [(KubernetesChange(23), RateLimitSpec(qps: .perSecond(50), burst: 300))])

  /// `ExtensionServerSpec.maxStreamsPerConnection`.
  public static let streamsPerConnection = VersionDefault<Int>(
    key: "extensionServers[].maxStreamsPerConnection",
    doc: "HTTP/2 streams a server built on k8s.io/apiserver grants per connection when its flag is 0 (kube-apiserver, "
      + "metrics-server): 100 from 1.29, Go's default 250 before.",
    source: "research §1b; fidelity-audit §1 item 10, §10 (backported to 1.25.15, 1.26.10, 1.27.7 and 1.28.3)",
    initial: 250, changes: [(KubernetesChange(29, backports: [(25, 15), (26, 10), (27, 7), (28, 3)]), 100)])

  /// `ControlPlaneSpec.admission`.
  public static let admission = VersionDefault<AdmissionSpec>(
    key: "controlPlane.admission",
    doc: "How kube-apiserver admits requests: API Priority and Fairness with its default configuration from 1.20 (beta, "
      + "on by default), the max-in-flight filter (400 read-only, 200 mutating) before (APF alpha and off in 1.18–1.19).",
    source: "kubernetes/apiserver pkg/features/kube_features.go: `APIPriorityAndFairness` Default false Alpha at v0.19.0, "
      + "Default true Beta at v0.20.0; research §1d",
    initial: .maxInFlight(readOnly: AdmissionSpec.defaultReadOnlyInFlight, mutating: AdmissionSpec.defaultMutatingInFlight),
    changes: [(KubernetesChange(20), .kubernetesDefault)])

  /// `ProxySpec.readIdleLimit`.
  public static let readIdleTimeout = VersionDefault<TimeLimit>(
    key: "controlPlane.proxy.readIdleTimeout",
    doc: "The HTTP/2 health check of the proxy's connections: a PING after 30 s without a frame (closed when unanswered "
      + "after the ping timeout) from 1.20, backported to 1.19.5 and 1.18.18; none before, so a silently dropped "
      + "connection is not closed by the client.",
    source: "kubernetes/apimachinery pkg/util/net/http.go, commit f364803c \"configure the ReadIdleTimeout and "
      + "PingTimeout of the h2 transport\" (tags kubernetes-1.20.0, 1.19.5, 1.18.18); research §1a",
    initial: .unlimited, changes: [(KubernetesChange(20, backports: [(18, 18), (19, 5)]), .after(.seconds(30)))])
}

extension VersionDefaults {
  /// `OpenAPIControllerSpec.v3`.
  public static let openAPIV3 = VersionDefault<Bool>(
    key: "controlPlane.openAPIController.v3",
    doc: "Whether each instance runs the OpenAPI v3 aggregation controller besides v2: from 1.24 (OpenAPIV3 beta and on "
      + "by default, GA in 1.27); not before (alpha and off in 1.23, absent earlier).",
    source: "KEP-2896 (OpenAPIV3: alpha 1.23, beta 1.24, GA 1.27); kube-aggregator pkg/apiserver/apiserver.go PrepareRun adds "
      + "the apiservice-openapiv3-controller post-start hook only when the OpenAPIV3 gate is on",
    initial: false, changes: [(KubernetesChange(24), true)])

  /// `PriorityAndFairness.Configuration.borrowing`.
  public static let apfBorrowing = VersionDefault<Bool>(
    key: "controlPlane.admission.priorityAndFairness.borrowing",
    doc: "Whether APF priority levels lend and borrow seats: from 1.26 every level's current concurrency limit is "
      + "re-allocated every 10 s from its seat demand; before, each level keeps its nominal limit.",
    source: "fidelity-audit §2.1; apiserver:pkg/util/flowcontrol/apf_controller.go updateBorrowingLocked (KEP-1040, "
      + "first in v0.26.0 = Kubernetes 1.26)",
    initial: false, changes: [(KubernetesChange(26), true)])
}

extension VersionDefaults {
  /// `PriorityAndFairness.Configuration.estimatedServiceDuration`.
  public static let apfWorkEstimate = VersionDefault<SimDuration>(
    key: "controlPlane.admission.priorityAndFairness (not a scenario key)",
    doc: "G, the fair-queuing work estimate per seat charged at dispatch (the real service time is charged at the end): "
      + "3 ms from 1.23, 60 s before.",
    source: "fidelity-audit §2.4; apiserver:pkg/util/flowcontrol/fairqueuing/queueset/queueset.go:215 "
      + "(`estimatedServiceDuration: 3 * time.Millisecond` from v0.23.0; `estimatedServiceTime: 60` in v0.20.0-v0.22.0)",
    initial: .seconds(60), changes: [(KubernetesChange(23), .milliseconds(3))])
}
