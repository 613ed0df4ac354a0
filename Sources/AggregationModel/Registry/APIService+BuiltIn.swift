extension APIService {
  /// The local APIServices kube-apiserver registers for its built-in groups (GA versions served by
  /// default in current releases), with their real priorities.
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
  /// not confirmed. Beta and alpha versions (off by default) are left out as well.
  ///
  /// `apiregistration.k8s.io` is not an APIService here: the aggregator serves it itself and lists
  /// it first in `/apis` (kube-aggregator handler_apis.go).
  public static let builtInLocal: [APIService] = [
    local("", "v1", 18000, 1),
    local("apps", "v1", 17800, 15),
    local("events.k8s.io", "v1", 17750, 15),
    local("authentication.k8s.io", "v1", 17700, 15),
    local("authorization.k8s.io", "v1", 17600, 15),
    local("autoscaling", "v2", 17500, 30),
    local("autoscaling", "v1", 17500, 15),
    local("batch", "v1", 17400, 15),
    local("certificates.k8s.io", "v1", 17300, 15),
    local("networking.k8s.io", "v1", 17200, 15),
    local("policy", "v1", 17100, 15),
    local("rbac.authorization.k8s.io", "v1", 17000, 15),
    local("storage.k8s.io", "v1", 16800, 15),
    local("apiextensions.k8s.io", "v1", 16700, 15),
    local("admissionregistration.k8s.io", "v1", 16700, 15),
    local("scheduling.k8s.io", "v1", 16600, 15),
    local("coordination.k8s.io", "v1", 16500, 15),
    local("node.k8s.io", "v1", 16300, 15),
    local("discovery.k8s.io", "v1", 16200, 15),
    local("flowcontrol.apiserver.k8s.io", "v1", 16100, 21),
  ]

  private static func local(_ group: String, _ version: String, _ groupPriority: Int, _ versionPriority: Int) -> APIService {
    APIService(group: group, version: version, groupPriorityMinimum: groupPriority, versionPriority: versionPriority)
  }
}
