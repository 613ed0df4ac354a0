/// Where kube-apiserver's aggregator sends a request path (research kube-aggregator.md §2.2, §3.1).
public enum Route: Hashable, Sendable {
  /// What the aggregator answers itself, in-process, from its APIService lister.
  public enum AggregatorLocalKind: Hashable, Sendable {
    /// `GET /apis`: the legacy group list (`APIServiceRegistry.groupOrder()`).
    case groupList
    /// `GET /apis/<group>`: one group's versions and preferred version.
    case group(String)
    /// `/apis/apiregistration.k8s.io/…`: the aggregator's own API (APIService objects).
    case apiRegistration
  }

  /// Served by the aggregator itself; no delegate, no proxy, no availability gating.
  case aggregatorLocal(AggregatorLocalKind)
  /// Served by the in-process delegate chain (built-in or CRD group, or `/api…` for the core
  /// group) for the APIService at this index of the registry; no availability gating.
  case local(apiService: Int)
  /// Proxied to the extension server of the APIService at this index. When
  /// `isGroupVersionDiscovery` (the path is exactly `/apis/<group>/<version>`), the proxy adds the
  /// 5 s discovery cap (research §1a, §3.3).
  case proxied(apiService: Int, isGroupVersionDiscovery: Bool)
  /// No APIService claims the path (404 from the end of the delegate chain). Non-API paths such as
  /// `/healthz`, `/version` or `/openapi/v2` are outside this model and also land here.
  case notFound
}
