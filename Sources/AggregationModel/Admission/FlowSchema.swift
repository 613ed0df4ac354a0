/// Who sends a request and what for, as far as FlowSchema matching needs it: the authenticated
/// user, its groups, the service account it is (if any), the request's namespace and a coarse
/// purpose standing in for the resource rules of the default FlowSchemas.
public struct RequestSubject: Hashable, Sendable {
  /// What a request does, where a default FlowSchema's resource rules care.
  public enum Purpose: Hashable, Sendable {
    /// Any other request.
    case ordinary
    /// `/healthz`, `/readyz`, `/livez` (the `probes` FlowSchema).
    case probe
    /// Leader-election traffic on leases/endpoints/configmaps (the `system-leader-election` FlowSchema).
    case leaderElection
    /// A kubelet's node status or lease update (the `system-node-high` FlowSchema).
    case nodeHeartbeat
  }

  public var userName: String
  public var groups: [String]
  /// Namespace of the service account when the user is `system:serviceaccount:<ns>:<name>`.
  public var serviceAccountNamespace: String?
  /// Namespace of the requested object ("" for cluster-scoped requests).
  public var namespace: String
  public var purpose: Purpose

  public init(userName: String, groups: [String], serviceAccountNamespace: String? = nil, namespace: String = "",
              purpose: Purpose = .ordinary) {
    self.userName = userName
    self.groups = groups
    self.serviceAccountNamespace = serviceAccountNamespace
    self.namespace = namespace
    self.purpose = purpose
  }

  /// An ordinary authenticated user (groups `system:authenticated` plus `extraGroups`).
  public static func user(_ name: String, groups extraGroups: [String] = [], purpose: Purpose = .ordinary) -> Self {
    Self(userName: name, groups: extraGroups + ["system:authenticated"], purpose: purpose)
  }

  /// The service account `system:serviceaccount:<namespace>:<name>` with the groups the token
  /// authenticator gives it.
  public static func serviceAccount(namespace: String, name: String, purpose: Purpose = .ordinary) -> Self {
    Self(userName: "system:serviceaccount:\(namespace):\(name)",
         groups: ["system:serviceaccounts", "system:serviceaccounts:\(namespace)", "system:authenticated"],
         serviceAccountNamespace: namespace, namespace: namespace, purpose: purpose)
  }

  /// The kubelet of node `name` (user `system:node:<name>`, group `system:nodes`).
  public static func node(_ name: String, purpose: Purpose = .ordinary) -> Self {
    user("system:node:\(name)", groups: ["system:nodes"], purpose: purpose)
  }
}

/// A FlowSchema: requests whose subject matches go to `priorityLevel`, in flows told apart by
/// `distinguisher`. Classification takes the matching schema with the lowest
/// `matchingPrecedence` (ties: the lexically smaller name), as k8s does.
public struct FlowSchema: Hashable, Sendable {
  /// One way a subject can match (any one of a schema's subjects suffices).
  public enum Subject: Hashable, Sendable {
    case user(String)
    case group(String)
    /// A service account in the namespace (`"*"`: any namespace).
    case serviceAccount(namespace: String)
  }

  /// How requests of one schema are split into flows (each flow is shuffle-sharded on its own).
  public enum Distinguisher: Hashable, Sendable {
    /// One flow for the whole schema.
    case none
    case byUser
    /// By the requested object's namespace.
    case byNamespace
  }

  public var name: String
  public var matchingPrecedence: Int
  public var priorityLevel: String
  public var subjects: [Subject]
  /// The purpose the request must have; nil matches every purpose.
  public var purpose: RequestSubject.Purpose?
  public var distinguisher: Distinguisher

  public init(name: String, matchingPrecedence: Int, priorityLevel: String, subjects: [Subject],
              purpose: RequestSubject.Purpose? = nil, distinguisher: Distinguisher = .byUser) {
    self.name = name
    self.matchingPrecedence = matchingPrecedence
    self.priorityLevel = priorityLevel
    self.subjects = subjects
    self.purpose = purpose
    self.distinguisher = distinguisher
  }

  /// Whether a request from `subject` matches this schema.
  public func matches(_ subject: RequestSubject) -> Bool {
    if let purpose, purpose != subject.purpose { return false }
    for s in subjects {
      switch s {
      case .user(let name): if subject.userName == name { return true }
      case .group(let group): if subject.groups.contains(group) { return true }
      case .serviceAccount(let namespace):
        if let ns = subject.serviceAccountNamespace, namespace == "*" || namespace == ns { return true }
      }
    }
    return false
  }

  /// The flow distinguisher string of a request from `subject`.
  public func distinguisher(of subject: RequestSubject) -> String {
    switch distinguisher {
    case .none: ""
    case .byUser: subject.userName
    case .byNamespace: subject.namespace
    }
  }

  /// The bootstrap FlowSchemas listed in research §1d (apiserver:pkg/apis/flowcontrol/bootstrap/default.go),
  /// with the resource rules reduced to `RequestSubject.Purpose`. Omitted from the real set:
  /// workload-leader-election, endpoint-controller, system-node-high's extra node groups and any
  /// per-verb/resource distinction beyond `Purpose`. Distinguishers as in k8s: by namespace for
  /// kube-system-service-accounts, none for exempt and probes, by user otherwise.
  public static let kubernetesDefaults: [FlowSchema] = [
    FlowSchema(name: "exempt", matchingPrecedence: 1, priorityLevel: "exempt",
               subjects: [.group("system:masters")], distinguisher: .none),
    FlowSchema(name: "probes", matchingPrecedence: 2, priorityLevel: "exempt",
               subjects: [.group("system:unauthenticated"), .group("system:authenticated")],
               purpose: .probe, distinguisher: .none),
    FlowSchema(name: "system-leader-election", matchingPrecedence: 100, priorityLevel: "leader-election",
               subjects: [.user("system:kube-controller-manager"), .user("system:kube-scheduler"),
                          .serviceAccount(namespace: "kube-system")],
               purpose: .leaderElection),
    FlowSchema(name: "system-node-high", matchingPrecedence: 400, priorityLevel: "node-high",
               subjects: [.group("system:nodes")], purpose: .nodeHeartbeat),
    FlowSchema(name: "system-nodes", matchingPrecedence: 500, priorityLevel: "system",
               subjects: [.group("system:nodes")]),
    FlowSchema(name: "kube-controller-manager", matchingPrecedence: 800, priorityLevel: "workload-high",
               subjects: [.user("system:kube-controller-manager")], distinguisher: .byNamespace),
    FlowSchema(name: "kube-scheduler", matchingPrecedence: 800, priorityLevel: "workload-high",
               subjects: [.user("system:kube-scheduler")], distinguisher: .byNamespace),
    FlowSchema(name: "kube-system-service-accounts", matchingPrecedence: 900, priorityLevel: "workload-high",
               subjects: [.serviceAccount(namespace: "kube-system")], distinguisher: .byNamespace),
    FlowSchema(name: "service-accounts", matchingPrecedence: 9000, priorityLevel: "workload-low",
               subjects: [.group("system:serviceaccounts")]),
    FlowSchema(name: "global-default", matchingPrecedence: 9900, priorityLevel: "global-default",
               subjects: [.group("system:serviceaccounts"), .group("system:authenticated")]),
    FlowSchema(name: "catch-all", matchingPrecedence: 10000, priorityLevel: "catch-all",
               subjects: [.group("system:unauthenticated"), .group("system:authenticated")]),
  ]
}
