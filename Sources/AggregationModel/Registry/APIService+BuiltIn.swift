extension APIService {
  /// The local APIServices kube-apiserver registers for its built-in groups in the newest modelled
  /// release (`builtInLocal(in:)` gives any release's), with their real priorities.
  ///
  /// Research kube-aggregator.md §5 gives: core `v1` 18000/1, events 17750, authentication 17700,
  /// authorization 17600, certificates 17300, rbac 17000, apiextensions and admissionregistration
  /// 16700, coordination 16500, discovery 16200, flowcontrol 16100 — from
  /// kubernetes:pkg/controlplane/apiserver/aggregator.go (`DefaultGenericAPIServicePriorities`).
  /// The version priorities (15; flowcontrol v1 21) and the kube-apiserver-only groups (apps
  /// 17800, autoscaling 17500 with v2 30 / v1 15, batch 17400, networking 17200, policy 17100,
  /// storage 16800, scheduling 16600, node 16300) come from the same table and its kube-apiserver
  /// counterpart `apiVersionPriorities` (cmd/kube-apiserver/app/aggregator.go), read in the code
  /// index, not in the research. `resource.k8s.io` is left out: the priority of its GA `v1` was
  /// not confirmed. Alpha versions, and betas introduced from 1.24 (off by default), are left out.
  ///
  /// `apiregistration.k8s.io` is not an APIService here: the aggregator serves it itself and lists
  /// it first in `/apis` (kube-aggregator handler_apis.go).
  public static let builtInLocal = builtInLocal(in: .latest)

  /// The local APIServices of `version`: every built-in group-version kube-apiserver serves by
  /// default in that release (GA versions, and beta versions introduced before 1.24, which were on
  /// by default), in the order of `builtInGroupVersions`.
  public static func builtInLocal(in version: KubernetesVersion) -> [APIService] {
    builtInGroupVersions.filter { $0.isServed(in: version) }
      .map { local($0.group, $0.version, $0.groupPriority, $0.versionPriority) }
  }

  /// A built-in group-version and the minor releases that serve it by default: from `since`
  /// (the modelled range starts at 1.16: older ones say 16) until `removedIn` (nil: still served).
  ///
  /// Removals from the Kubernetes deprecated-API migration guide
  /// (kubernetes.io/docs/reference/using-api/deprecation-guide: 1.22, 1.25, 1.26, 1.27, 1.29,
  /// 1.32); additions from the release in which each version became GA or (before 1.24) beta.
  /// The beta versions' priorities are `apiVersionPriorities` of cmd/kube-apiserver/app/aggregator.go
  /// (read in a 1.14-era copy in the code index; 9 for a version it does not list); they only
  /// order `/apis`.
  struct BuiltInGroupVersion {
    let group: String
    let version: String
    let groupPriority: Int
    let versionPriority: Int
    let since: Int
    let removedIn: Int?

    func isServed(in release: KubernetesVersion) -> Bool {
      release.minor >= since && removedIn.map { release.minor < $0 } ?? true
    }
  }

  static let builtInGroupVersions: [BuiltInGroupVersion] = [
    gv("", "v1", 18000, 1),
    gv("extensions", "v1beta1", 17900, 1, removedIn: 22),
    gv("apps", "v1", 17800, 15),
    gv("events.k8s.io", "v1", 17750, 15, since: 19),
    gv("events.k8s.io", "v1beta1", 17750, 5, removedIn: 25),
    gv("authentication.k8s.io", "v1", 17700, 15),
    gv("authentication.k8s.io", "v1beta1", 17700, 9, removedIn: 22),
    gv("authorization.k8s.io", "v1", 17600, 15),
    gv("authorization.k8s.io", "v1beta1", 17600, 9, removedIn: 22),
    gv("autoscaling", "v2", 17500, 30, since: 23),
    gv("autoscaling", "v1", 17500, 15),
    gv("autoscaling", "v2beta1", 17500, 9, removedIn: 25),
    gv("autoscaling", "v2beta2", 17500, 1, removedIn: 26),
    gv("batch", "v1", 17400, 15),
    gv("batch", "v1beta1", 17400, 9, removedIn: 25),
    gv("certificates.k8s.io", "v1", 17300, 15, since: 19),
    gv("certificates.k8s.io", "v1beta1", 17300, 9, removedIn: 22),
    gv("networking.k8s.io", "v1", 17200, 15),
    gv("networking.k8s.io", "v1beta1", 17200, 9, removedIn: 22),
    gv("policy", "v1", 17100, 15, since: 21),
    gv("policy", "v1beta1", 17100, 9, removedIn: 25),
    gv("rbac.authorization.k8s.io", "v1", 17000, 15),
    gv("rbac.authorization.k8s.io", "v1beta1", 17000, 12, removedIn: 22),
    gv("storage.k8s.io", "v1", 16800, 15),
    gv("storage.k8s.io", "v1beta1", 16800, 9, removedIn: 27),
    gv("apiextensions.k8s.io", "v1", 16700, 15),
    gv("apiextensions.k8s.io", "v1beta1", 16700, 9, removedIn: 22),
    gv("admissionregistration.k8s.io", "v1", 16700, 15),
    gv("admissionregistration.k8s.io", "v1beta1", 16700, 12, removedIn: 22),
    gv("scheduling.k8s.io", "v1", 16600, 15),
    gv("scheduling.k8s.io", "v1beta1", 16600, 12, removedIn: 22),
    gv("coordination.k8s.io", "v1", 16500, 15),
    gv("coordination.k8s.io", "v1beta1", 16500, 9, removedIn: 22),
    gv("node.k8s.io", "v1", 16300, 15, since: 20),
    gv("node.k8s.io", "v1beta1", 16300, 9, removedIn: 25),
    gv("discovery.k8s.io", "v1", 16200, 15, since: 21),
    gv("discovery.k8s.io", "v1beta1", 16200, 9, since: 17, removedIn: 25),
    gv("flowcontrol.apiserver.k8s.io", "v1", 16100, 21, since: 29),
    gv("flowcontrol.apiserver.k8s.io", "v1beta3", 16100, 9, since: 26, removedIn: 32),
    gv("flowcontrol.apiserver.k8s.io", "v1beta2", 16100, 9, since: 23, removedIn: 29),
    gv("flowcontrol.apiserver.k8s.io", "v1beta1", 16100, 9, since: 20, removedIn: 26),
  ]

  private static func gv(_ group: String, _ version: String, _ groupPriority: Int, _ versionPriority: Int,
                         since: Int = 16, removedIn: Int? = nil) -> BuiltInGroupVersion {
    BuiltInGroupVersion(group: group, version: version, groupPriority: groupPriority, versionPriority: versionPriority,
                        since: since, removedIn: removedIn)
  }

  private static func local(_ group: String, _ version: String, _ groupPriority: Int, _ versionPriority: Int) -> APIService {
    APIService(group: group, version: version, groupPriorityMinimum: groupPriority, versionPriority: versionPriority)
  }
}
