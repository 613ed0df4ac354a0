public import SimCore

/// The request deadlines that changed between releases: how kube-apiserver derives a request's
/// deadline and APF queue-wait limit from its `?timeout=`, and which client-go discovery clients
/// send one (fidelity audit §2.9b, §8).
extension VersionBehaviour {
  /// The server's deadline is the request's `?timeout=` when it is positive and below
  /// `--request-timeout` (60 s), else `--request-timeout`: kubernetes/apiserver
  /// `pkg/endpoints/filters/request_deadline.go:81-88` (`withRequestDeadline`, commit 026eb846a
  /// "apiserver: plumb context with request deadline", first in kubernetes-1.21.0). Before, the
  /// timeout filter gave every non-long-running request `--request-timeout`.
  public var deadlineFromTimeoutParameter: Bool { KubernetesChange(21).isIn(version) }

  /// APF's queue-wait limit is a quarter of the request's own deadline, measured from its arrival,
  /// capped at 1 min: kubernetes/apiserver `pkg/server/filters/priority-and-fairness.go:396-426`
  /// `getRequestWaitContext` (commit a2e63604f "apf: use context for queue wait", first in
  /// kubernetes-1.29.0). Before, every queued request waited at most `--request-timeout` / 4
  /// (`pkg/server/options/recommended.go:157` at kubernetes-1.28.0: `config.RequestTimeout/4`).
  public var queueWaitFromRequestDeadline: Bool { KubernetesChange(29).isIn(version) }

  /// The `?timeout=` and client-side timeout of kubectl's discovery requests when
  /// `--request-timeout` is not given: client-go's `NewDiscoveryClientForConfig` sets
  /// `config.Timeout = 32s` when it is 0 before it builds its HTTP client
  /// (`discovery/discovery_client.go:56` `defaultTimeout`, `:1249` `setDiscoveryDefaults`; commit
  /// d1f4ecc28 "Set a default request timeout for discovery client", first in kubernetes-1.11.0),
  /// and `rest.Request` takes the HTTP client's timeout (`rest/request.go:153`) and sends it as
  /// `?timeout=` (`:580`) and as its context deadline after the first throttle (`:1060`).
  /// kubectl's disk-cached client is built by `NewDiscoveryClientForConfig`
  /// (`discovery/cached/disk/cached_discovery.go:418`) in every modelled release (1.16 on).
  public var kubectlDiscoveryTimeout: SimDuration { .seconds(32) }

  /// The same for kube-controller-manager's discovery clients (the garbage collector's and the
  /// namespace controller's, each a clientset's embedded discovery client: k8s.io/controller-manager
  /// `pkg/clientbuilder/client_builder.go` `DiscoveryClient` returns `clientset.NewForConfig` of a
  /// config without `Timeout`, the namespace controller uses its clientset's `Discovery()`): 32 s while the
  /// clientset built its discovery client with `NewDiscoveryClientForConfig` (its own HTTP client,
  /// after the 32 s default); from 1.23 the clientset shares one HTTP client built from the
  /// controller manager's config, whose `Timeout` is 0, and `rest.NewRequest` takes the timeout from
  /// that client (client-go `kubernetes/clientset.go` `NewForConfig` → `NewForConfigAndClient` →
  /// `NewDiscoveryClientForConfigAndClient`, commit 4d53a8ddb, first in kubernetes-1.23.0): no
  /// `?timeout=` and no client-side timeout. nil: none.
  public var controllerDiscoveryTimeout: SimDuration? {
    KubernetesChange(23).isIn(version) ? nil : .seconds(32)
  }
}
