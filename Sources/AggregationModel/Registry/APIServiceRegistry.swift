public import SimCore

/// The aggregator's view of the registered APIServices: each APIService with its `Available`
/// condition, request routing by path, and the legacy discovery order of `GET /apis`
/// (research kube-aggregator.md §2.2, §3.1, §4.2, §5).
///
/// APIServices are addressed by a stable index (the order they were added); adding an APIService
/// whose name is already registered replaces it in place. Routing is O(1) dictionary lookups
/// plus splitting the path; `groupOrder()` is O(n log n) in the number of APIServices.
public struct APIServiceRegistry: Sendable {
  /// The registered APIServices, by index.
  public private(set) var apiServices: [APIService] = []
  /// The `Available` condition of each APIService (same index); nil until a controller writes one.
  /// Local APIServices get `AvailableCondition.local` when added.
  public private(set) var conditions: [AvailableCondition?] = []

  private var indexByName: [String: Int] = [:]
  private var indexByGroupVersion: [GroupVersion: Int] = [:]
  private var groups: Set<String> = []

  private struct GroupVersion: Hashable { var group: String, version: String }

  /// The group the aggregator serves itself and always lists first in `/apis` (research §3.1, §5).
  public static let apiRegistrationGroup = "apiregistration.k8s.io"

  /// An empty registry.
  public init() {}

  /// A registry holding `apiServices`, added at `now` in order.
  public init(_ apiServices: [APIService], at now: SimTime = .zero) {
    for s in apiServices { add(s, at: now) }
  }

  /// Registers `apiService` (or replaces the one with the same name) and returns its index.
  /// A local APIService is Available with reason `Local` from `now`; a remote one keeps its
  /// previous condition on replacement and has none when new (the proxy treats it as unavailable).
  @discardableResult
  public mutating func add(_ apiService: APIService, at now: SimTime) -> Int {
    let index: Int
    if let existing = indexByName[apiService.name] {
      index = existing
      let old = apiServices[existing]
      indexByGroupVersion[GroupVersion(group: old.group, version: old.version)] = nil
      apiServices[existing] = apiService
      groups = Set(apiServices.map(\.group))
    } else {
      index = apiServices.count
      apiServices.append(apiService)
      conditions.append(nil)
      indexByName[apiService.name] = index
      groups.insert(apiService.group)
    }
    indexByGroupVersion[GroupVersion(group: apiService.group, version: apiService.version)] = index
    if apiService.isLocal {
      conditions[index] = AvailableCondition.updating(
        conditions[index], status: .true, reason: .local, message: "Local APIServices are always available", at: now)
    }
    return index
  }

  /// The index of the APIService named `name` (e.g. `v1beta1.metrics.k8s.io`).
  public func index(named name: String) -> Int? { indexByName[name] }

  /// The index of the APIService claiming `group/version` (empty group for core).
  public func index(group: String, version: String) -> Int? { indexByGroupVersion[GroupVersion(group: group, version: version)] }

  /// True when the APIService's condition is `Available=True`, the proxy's `serviceAvailable`
  /// (research §2.2 step 2). Local APIServices are always available.
  public func isAvailable(_ index: Int) -> Bool { conditions[index]?.status == .true }

  /// Writes the `Available` condition of the APIService at `index` at `now`, keeping
  /// `lastTransitionTime` unless the status flips. Returns true when anything changed, i.e. when
  /// the real controller would issue an `UpdateStatus` write (research §4.2).
  @discardableResult
  public mutating func setCondition(
    _ index: Int, status: AvailableCondition.Status, reason: AvailableCondition.Reason, message: String, at now: SimTime
  ) -> Bool {
    let old = conditions[index]
    let new = AvailableCondition.updating(old, status: status, reason: reason, message: message, at: now)
    conditions[index] = new
    return new != old
  }

  /// Where the aggregator sends a request for `path` (a query string is ignored; empty segments,
  /// e.g. from a trailing slash, do not count), research §2.2:
  /// - `/apis` → aggregator (group list); `/apis/<g>` → aggregator (group document) when `g` has an APIService;
  /// - `/apis/apiregistration.k8s.io/…` → aggregator (its own API);
  /// - `/apis/<g>/<v>[/…]` → the APIService claiming `g/v`: local delegate or proxied, the exact
  ///   3-segment path `/apis/<g>/<v>` marked as per-group-version discovery (5 s cap);
  /// - `/api` and `/api/v1/…` → the core APIService `v1.` (registered at `/api`, research §2.2);
  /// - anything else → `.notFound`.
  public func route(path: String) -> Route {
    let pathOnly = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    let segments = pathOnly.split(separator: "/")
    guard let root = segments.first else { return .notFound }
    switch root {
    case "apis":
      guard segments.count >= 2 else { return .aggregatorLocal(.groupList) }
      let group = String(segments[1])
      if group == APIServiceRegistry.apiRegistrationGroup { return .aggregatorLocal(.apiRegistration) }
      guard segments.count >= 3 else { return groups.contains(group) && !group.isEmpty ? .aggregatorLocal(.group(group)) : .notFound }
      guard !group.isEmpty, let index = index(group: group, version: String(segments[2])) else { return .notFound }
      return routeTo(index, isGroupVersionDiscovery: segments.count == 3)
    case "api":
      guard let core = index(group: "", version: "v1") else { return .notFound }
      if segments.count >= 2 && segments[1] != "v1" { return .notFound }
      return routeTo(core, isGroupVersionDiscovery: false)
    default:
      return .notFound
    }
  }

  private func routeTo(_ index: Int, isGroupVersionDiscovery: Bool) -> Route {
    apiServices[index].isLocal ? .local(apiService: index) : .proxied(apiService: index, isGroupVersionDiscovery: isGroupVersionDiscovery)
  }

  /// The groups of `GET /apis` in legacy discovery order, each with its versions in order (the
  /// first is the preferred version), research §3.1 and §5 (kube-aggregator `handler_apis.go`,
  /// `SortedByGroupAndVersion`):
  /// `apiregistration.k8s.io` (`v1`) first; then APIServices sorted by `groupPriorityMinimum`
  /// descending, ties by APIService name ascending, each group placed where its first APIService
  /// falls (so a group's priority is the maximum over its versions); within a group, versions by
  /// `versionPriority` descending, then `KubeAwareVersion` order. The core group (served at `/api`)
  /// is not listed. Unavailable APIServices are listed too (since 1.12).
  public func groupOrder() -> [(group: String, versions: [String])] {
    let sorted = apiServices.sorted { a, b in
      a.groupPriorityMinimum != b.groupPriorityMinimum ? a.groupPriorityMinimum > b.groupPriorityMinimum : a.name < b.name
    }
    var order: [String] = []
    var members: [String: [APIService]] = [:]
    for s in sorted where !s.isCore && s.group != APIServiceRegistry.apiRegistrationGroup {
      if members[s.group] == nil { order.append(s.group) }
      members[s.group, default: []].append(s)
    }
    let rest = order.map { group in
      let versions = members[group]!.sorted { a, b in
        a.versionPriority != b.versionPriority
          ? a.versionPriority > b.versionPriority
          : KubeAwareVersion(a.version) < KubeAwareVersion(b.version)
      }
      return (group: group, versions: versions.map(\.version))
    }
    return [(group: APIServiceRegistry.apiRegistrationGroup, versions: ["v1"])] + rest
  }
}
