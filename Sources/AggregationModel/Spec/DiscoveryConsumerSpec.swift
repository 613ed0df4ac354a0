public import SimCore

/// kube-controller-manager's garbage collector as a consumer of discovery (research
/// kube-aggregator.md §7, §9 item 3): `garbageCollector.Sync(ctx, discoveryClient, 30*time.Second)`
/// runs a full discovery (`ServerPreferredResources`) `period` after the previous one ended
/// (`wait.Until`). A partial discovery is tolerated (the controller logs `failed to discover some
/// groups` and keeps its monitors for the failed groups), so the model counts complete and partial
/// syncs and their latency; it sends no other requests.
public struct GarbageCollectorSpec: Hashable, Sendable {
  /// Between the end of one sync and the start of the next (30 s in kube-controller-manager).
  public var period: SimDuration
  /// When the first sync starts; nil: a uniform phase in [0, `period`) drawn per replication
  /// (the controller manager started at some moment unrelated to the run's faults).
  public var firstSync: SimDuration?
  /// nil: the version's, `VersionDefaults.discoveryMode` (aggregated from 1.27, legacy before).
  public var discovery: KubectlSpec.DiscoveryMode?
  /// CRD (and other local) group-versions besides the built-in ones (legacy: one request each).
  public var extraLocalGroupVersions: Int

  public init(period: SimDuration = .seconds(30), firstSync: SimDuration? = nil, discovery: KubectlSpec.DiscoveryMode? = nil,
              extraLocalGroupVersions: Int = 0) {
    self.period = period
    self.firstSync = firstSync
    self.discovery = discovery
    self.extraLocalGroupVersions = extraLocalGroupVersions
  }
}

/// The namespace controller of kube-controller-manager deleting namespaces (research §7, §9
/// item 4; kubernetes/kubernetes#75788, pkg/controller/namespace): a deleted namespace is
/// processed `gracePeriod` after its deletion (`namespaceDeletionGracePeriod`, 5 s); each sync
/// runs a full discovery (`ServerPreferredNamespacedResources`). Only a complete discovery lets
/// the deletion finish: after `contentDeletion` the namespace is finalized and gone. A partial
/// one sets the condition `NamespaceDeletionDiscoveryFailure` and the namespace is requeued with
/// `nsControllerRateLimiter`: the larger of 5 ms × 2ⁿ (capped at 60 s) and a 10 QPS / burst 100
/// bucket shared by all namespaces. So a namespace stays Terminating while any group-version's
/// discovery fails, and for up to a minute (plus a discovery) after it recovers.
///
/// At most `workers` namespaces are synced at once (`--concurrent-namespace-syncs`, 10): a worker
/// is held for the sync's discovery and, when it is complete, the content deletion; a namespace
/// due while every worker is busy waits for one (FIFO).
///
/// Not modelled: the 5-minute informer resync, and the requests of the content deletion itself
/// (a delay instead).
public struct NamespaceDeletionSpec: Hashable, Sendable {
  /// When namespaces are deleted (one namespace per arrival).
  public var deletions: ArrivalProcess
  /// Namespaces synced at once (`--concurrent-namespace-syncs`).
  public var workers: Int
  public var gracePeriod: SimDuration
  /// From a complete discovery to the namespace's finalization (deleting its content).
  public var contentDeletion: Distribution
  /// The per-namespace exponential requeue: `retryBase` × 2ⁿ, capped at `retryCap`.
  public var retryBase: SimDuration
  public var retryCap: SimDuration
  /// The overall requeue bucket shared by all namespaces (10 QPS, burst 100).
  public var requeueRateLimit: RateLimitSpec
  /// nil: the version's, `VersionDefaults.discoveryMode` (aggregated from 1.27, legacy before).
  public var discovery: KubectlSpec.DiscoveryMode?
  public var extraLocalGroupVersions: Int

  public init(deletions: ArrivalProcess, workers: Int = 10, gracePeriod: SimDuration = .seconds(5), contentDeletion: Distribution = .constant(.zero),
              retryBase: SimDuration = .milliseconds(5), retryCap: SimDuration = .seconds(60),
              requeueRateLimit: RateLimitSpec = RateLimitSpec(qps: .perSecond(10), burst: 100),
              discovery: KubectlSpec.DiscoveryMode? = nil, extraLocalGroupVersions: Int = 0) {
    self.deletions = deletions
    self.workers = workers
    self.gracePeriod = gracePeriod
    self.contentDeletion = contentDeletion
    self.retryBase = retryBase
    self.retryCap = retryCap
    self.requeueRateLimit = requeueRateLimit
    self.discovery = discovery
    self.extraLocalGroupVersions = extraLocalGroupVersions
  }

  /// The exponential part of the requeue after the n-th consecutive failed sync (n ≥ 1).
  public var retryBackoff: ExponentialBackoff { ExponentialBackoff(base: retryBase, cap: retryCap) }
}

public extension RateLimitSpec {
  /// kube-controller-manager's client rate limit (`--kube-api-qps` 20, `--kube-api-burst` 30):
  /// the clients of the horizontal pod autoscaler and of the namespace controller, whose
  /// discovery goes through its clientset's own discovery client (research §7).
  static let controllerManager = RateLimitSpec(qps: .perSecond(20), burst: 30)

  /// The discovery clients kube-controller-manager builds with its client builder's
  /// `DiscoveryClient`, which sets `Burst = 200` and `QPS = 20` whatever the flags ("Discovery
  /// makes a lot of requests infrequently"): k8s.io/controller-manager
  /// `pkg/clientbuilder/client_builder.go` (`SimpleControllerClientBuilder` and
  /// `DynamicControllerClientBuilder`; before the staging repository, kubernetes/kubernetes
  /// `pkg/controller/client_builder.go`, already in 1.16). The garbage collector's discovery client
  /// is one (`DiscoveryClientOrDie("generic-garbage-collector")` in kube-controller-manager's
  /// `startGarbageCollectorController`), with its own token bucket.
  static let controllerManagerDiscovery = RateLimitSpec(qps: .perSecond(20), burst: 200)
}
