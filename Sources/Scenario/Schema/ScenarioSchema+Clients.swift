import AggregationModel
import SimCore

extension ScenarioSchema {
  public static let client = MappingDeclaration("client", "A client: who sends requests, to which APIService, how often.", [
    .required("name", .string(nonEmpty: true), "Unique among the clients."),
    .optional("identity", .mapping(identity), default: "{user: <name>}; the controller's service account for hpa, "
                + "garbageCollector and namespaceDeletion", "Who the requests are from (APF flow schemas, authorization)."),
    .optional("target", .mapping(target), "The APIService and request kind; required except for hpa (default the metrics "
                + "API's pod LIST) and the discovery consumers (none allowed)."),
    .required("workload", .mapping(workload), "How requests arrive: exactly one form."),
    .optional("rateLimit", .noneOr(.mapping(rateLimit)), default: "{qps: 5, burst: 10}; {qps: 20, burst: 30} for hpa "
                + "and namespaceDeletion; {qps: 20, burst: 200} for garbageCollector", "client-go's token bucket; none disables it."),
    .optional("retries", .integer(min: 0, max: 1000), default: "\(RetryPolicy.clientGo.maxRetries)",
              "Retries of 429/5xx with Retry-After; 0 disables."),
    .optional("timeout", .noneOr(.duration(min: "> 0s")), default: "none",
              "Client-side timeout from when the first attempt leaves, retries included."),
    .optional("requestTimeout", .noneOr(.duration(min: "> 0s")), default: "none",
              "The ?timeout= its requests carry, at most 24h."),
    .optional("link", .mapping(link), default: "the links.clients link", "The client's own link to the control plane."),
    .optional("maxOutstanding", .integer(min: 1, max: 1_000_000), default: "\(ClientSpec.defaultMaxOutstanding) for an open workload",
              "Open workloads only: requests in progress at most; beyond, an arrival is dropped."),
    .optional("connection", .oneOf(ClientConnection.allCases.map(\.rawValue)), default: ClientSpec.defaultConnection.rawValue,
              "With several kube-apiserver instances: perRequest, each request to the next in turn; pinned, one "
                + "connection as a client-go process holds, every request to the instance it landed on (kubectl: perRequest only)."),
  ])

  static let identity = MappingDeclaration("identity", "A request's subject: exactly one of serviceAccount, user, node.",
                                           exactlyOne: ["serviceAccount", "user", "node"], [
    .optional("serviceAccount", .pattern("^[^/]+/[^/]+$", what: "<namespace>/<name>"), "A service account, namespace/name."),
    .optional("user", .string(nonEmpty: true), "A user name."),
    .optional("groups", .list(.string(nonEmpty: true)), default: "[]", "The user's groups (with user only)."),
    .optional("node", .string(nonEmpty: true), "A node's kubelet (system:node:<name>)."),
  ])

  static let target = MappingDeclaration("target", "What the client requests.", [
    .required("apiService", .string(nonEmpty: true), "The APIService's name."),
    .optional("kind", .oneOf(["get", "list", "discovery"]), default: "get",
              "get or list of a resource; discovery: the legacy /apis/<group>/<version>."),
  ])

  public static let workload = MappingDeclaration("workload", "How a client's requests arrive: exactly one form.",
                                                  exactlyOne: .all, arrivalKeys + [
    .optional("closed", .mapping(closedLoop), "A closed loop of users."),
    .optional("kubectl", .mapping(kubectl), "kubectl invocations."),
    .optional("hpa", .mapping(hpa), "Horizontal pod autoscalers polling the target."),
    .optional("garbageCollector", .mapping(garbageCollector), "The garbage collector's discovery syncs."),
    .optional("namespaceDeletion", .mapping(namespaceDeletion), "Namespaces deleted by the namespace controller."),
  ])

  /// The open arrival forms, shared by `workload` and `arrivals`.
  static let arrivalKeys: [KeyDeclaration] = [
    .optional("poisson", .rate, "Poisson arrivals at this rate."),
    .optional("constant", .rate, "Evenly spaced arrivals at this rate."),
    .optional("bursts", .mapping(bursts), "size requests at once every every."),
    .optional("timeVarying", .list(.mapping(rateSegment)), "Poisson arrivals with a piecewise-constant rate."),
    .optional("trace", .mapping(trace), "One arrival per line of a file."),
  ]

  /// The open arrival forms of kubectl invocations and namespace deletions.
  public static let arrivals = MappingDeclaration("arrivals", "Open arrivals: exactly one form.", exactlyOne: .all,
                                                  arrivalKeys)

  static let bursts = MappingDeclaration("bursts", "Bursts of requests.", [
    .required("size", .integer(min: 1, max: 1_000_000), "Requests at once."),
    .required("every", .duration(min: "1ms"), "The period (the first burst at every); size/every <= 1000000/s."),
  ])
  static let rateSegment = MappingDeclaration("rateSegment", "A segment of a time-varying rate.", [
    .required("start", .duration(min: "0s"), "From when (the first 0s, increasing)."),
    .required("rate", .anyOf([.rate, .integer(min: 0, max: 0), .pattern("^0/(ms|s|sec|m|min|h)$", what: "a zero rate")]),
              "The rate; 0 pauses."),
  ])
  static let trace = MappingDeclaration("trace", "A trace file of arrival times.", [
    .required("file", .string(nonEmpty: true), "Relative to the scenario file; a time per line, in seconds or with a unit."),
  ])
  static let closedLoop = MappingDeclaration("closed", "A closed loop.", [
    .required("users", .integer(min: 1, max: 1_000_000), "Users, each waiting for its response."),
    .required("thinkTime", .distribution, "Between a response and the user's next request."),
  ])

  static let discoveryMode = ValueForm.oneOf(KubectlSpec.DiscoveryMode.allCases.map(\.rawValue))
  static let extraGroupVersions = KeyDeclaration.optional("extraLocalGroupVersions", .integer(min: 0, max: 10_000), default: "0",
                                                          "CRD group-versions besides the built-ins (legacy: a request each).")

  static let kubectl = MappingDeclaration("kubectl", "kubectl invocations, each a discovery and optionally a GET.", [
    .required("invocations", .mapping(arrivals), "An open arrival form, at most 1000/s."),
    .versioned("discovery", discoveryMode, VersionDefaults.discoveryMode.note(\.rawValue), "legacy or aggregated discovery."),
    .versioned("cacheTTL", .duration(min: "> 0s"), VersionDefaults.kubectlCacheTTL.note(DurationFormat.format), "The disk discovery cache's lifetime."),
    extraGroupVersions,
    .optional("resource", .oneOf(KubectlSpec.ResourceRequest.allCases.map(\.rawValue)), default: "none",
              "none (`kubectl api-resources`: it invalidates the disk cache, so every invocation discovers), or get: one GET of the client's target after discovery (a target whose group has a dot is rediscovered even with a fresh cache)."),
    .versioned("discoveryRateLimit", .mapping(rateLimit), VersionDefaults.kubectlDiscoveryRateLimit.note(DefaultText.rateLimit),
               "The discovery client's token bucket."),
  ])
  static let hpa = MappingDeclaration("hpa", "Autoscalers, each a LIST of pod metrics per period.", [
    .required("autoscalers", .integer(min: 1, max: 1_000_000), "HPAs."),
    .optional("period", .duration(min: "1ms"), default: "15s", "--horizontal-pod-autoscaler-sync-period."),
  ])
  static let garbageCollector = MappingDeclaration("garbageCollector", "The garbage collector's discovery syncs.", [
    .optional("period", .duration(min: "1ms"), default: "30s", "Between the end of a sync and the next."),
    .optional("firstSync", .duration(min: "0s"), default: "a random phase in [0, period)", "The first sync."),
    .versioned("discovery", discoveryMode, VersionDefaults.discoveryMode.note(\.rawValue), "legacy or aggregated discovery."),
    extraGroupVersions,
  ])
  static let namespaceDeletion = MappingDeclaration("namespaceDeletion", "Namespaces deleted; each needs complete discovery.", [
    .required("deletions", .mapping(arrivals), "An open arrival form, one namespace each, at most 1000/s."),
    .optional("workers", .integer(min: 1, max: 10_000), default: "10", "--concurrent-namespace-syncs."),
    .optional("gracePeriod", .duration(min: "0s"), default: "5s", "Before the first sync."),
    .optional("contentDeletion", .distribution, default: "0s", "Complete discovery -> finalized."),
    .optional("retryBase", .duration(min: "1ms"), default: "5ms", "Requeue after a partial discovery: retryBase x 2^n ..."),
    .optional("retryMax", .duration(min: "1ms"), default: "60s", "... capped at retryMax."),
    .optional("requeueRateLimit", .mapping(rateLimit), default: "{qps: 10, burst: 100}", "Shared by all namespaces."),
    .versioned("discovery", discoveryMode, VersionDefaults.discoveryMode.note(\.rawValue), "legacy or aggregated discovery."),
    extraGroupVersions,
  ])
}
