import AggregationModel

extension ScenarioSchema {
  public static let controlPlane = MappingDeclaration("controlPlane", "The kube-apiserver instances that run the aggregator.", [
    .optional("instances", .integer(min: 1, max: 64), default: "1", "HA instances behind one load balancer."),
    .optional("requestTimeout", .duration(min: "> 0s"), default: "60s", "--request-timeout: 504 after it."),
    .optional("filterOverhead", .distribution, default: "0s", "Authentication, audit and authorization before admission."),
    .optional("localHandlerTime", .distribution, default: "1ms", "The in-process handler of a local group."),
    .versioned("admission", .mapping(admission), VersionDefaults.admission.note(DefaultText.admission), "How kube-apiserver admits requests."),
    .optional("proxy", .mapping(proxy), "The aggregator's proxy to the extension servers."),
    .optional("availabilityController", .mapping(availabilityController), "Each instance's remote availability controller."),
    .optional("openAPIController", .mapping(openAPIController), "Each instance's OpenAPI v2/v3 aggregation."),
    .optional("loadBalancer", .noneOr(.mapping(loadBalancer)), default: "none",
              "Health checks of the load balancer in front of the instances; none: it follows each instance's /readyz at once."),
  ])
  static let loadBalancer = MappingDeclaration("loadBalancer", "The load balancer's health checks of each instance's /readyz.", [
    .optional("interval", .duration(min: "\(LoadBalancerSpec.intervalRange.lowerBound)"), default: "\(LoadBalancerSpec.defaultInterval)",
              "Between checks, at most \(LoadBalancerSpec.intervalRange.upperBound) (HAProxy's inter)."),
    .optional("unhealthyThreshold", .integer(min: LoadBalancerSpec.thresholdRange.lowerBound, max: LoadBalancerSpec.thresholdRange.upperBound),
              default: "\(LoadBalancerSpec.defaultUnhealthyThreshold)", "Failed checks in a row that take an instance out (fall)."),
    .optional("healthyThreshold", .integer(min: LoadBalancerSpec.thresholdRange.lowerBound, max: LoadBalancerSpec.thresholdRange.upperBound),
              default: "\(LoadBalancerSpec.defaultHealthyThreshold)", "Passed checks in a row that put it back (rise)."),
    .optional("redispatch", .boolean, default: "\(LoadBalancerSpec.defaultRedispatch)",
              "A request an instance refuses goes once more to another instance (HAProxy's option redispatch, retries 1)."),
    .optional("path", .oneOf(LoadBalancerSpec.HealthPath.allCases.map(\.rawValue)), default: LoadBalancerSpec.defaultPath.rawValue,
              "What a check asks: readyz fails from a graceful shutdown's start, healthz only once the instance stops listening."),
  ])

  public static let admission = MappingDeclaration("admission", "An admission mode: exactly one key.",
                                                   exactlyOne: .all, [
    .optional("priorityAndFairness", .noneOr(.mapping(priorityAndFairness)), "API Priority and Fairness ({} or null: Kubernetes' defaults)."),
    .optional("maxInFlight", .mapping(maxInFlight), "The max-in-flight filter."),
    .optional("unlimited", .noneOr(.mapping(unlimited)), "No admission limit ({} or null)."),
  ])
  static let unlimited = MappingDeclaration("unlimited", "No admission limit: no keys.", [])
  static let maxInFlight = MappingDeclaration("maxInFlight", "The max-in-flight filter's limits.", [
    .optional("readOnly", .integer(min: 1, max: Int(Int32.max)), default: "\(AdmissionSpec.defaultReadOnlyInFlight)",
              "--max-requests-inflight."),
    .optional("mutating", .integer(min: 1, max: Int(Int32.max)), default: "\(AdmissionSpec.defaultMutatingInFlight)",
              "--max-mutating-requests-inflight."),
  ])
  static let priorityAndFairness = MappingDeclaration("priorityAndFairness", "APF with the Kubernetes priority levels and flow schemas.", [
    .optional("serverConcurrencyLimit", .integer(min: 1, max: Int(Int32.max)),
              default: "\(PriorityAndFairness.Configuration.kubernetesDefaults.serverConcurrencyLimit)",
              "Seats: --max-requests-inflight + --max-mutating-requests-inflight."),
    .versioned("borrowing", .boolean, VersionDefaults.apfBorrowing.note { "\($0)" }, "Whether levels lend and borrow seats every 10 s."),
    .optional("levels", .list(.mapping(priorityLevel)), "Overrides of default priority levels, by name."),
  ])
  static let priorityLevel = MappingDeclaration("priorityLevel", "An override of a default priority level; keys left out keep its values.", [
    .required("name", .oneOf(PriorityAndFairness.Configuration.kubernetesDefaults.priorityLevels.map(\.name)),
              "The default priority level."),
    .optional("shares", .integer(min: 0, max: 10_000), "nominalConcurrencyShares (0 for exempt)."),
    .optional("lendablePercent", .integer(min: 0, max: 100), "The share of its seats it may lend."),
    .optional("queues", .integer(min: 1, max: 10_000), "Queues (queuing levels only)."),
    .optional("handSize", .integer(min: 1, max: 10_000), "Shuffle-sharding hand size, <= queues."),
    .optional("queueLengthLimit", .integer(min: 1, max: 1_000_000), "Requests per queue."),
    .optional("background", .anyOf([.integer(min: 0, max: ControlPlaneSection.maximumBackgroundSeats), .list(.mapping(backgroundStep))]),
              "Seats the cluster's other traffic holds at the level (every instance): a number, or steps; none by default."),
  ])
  static let backgroundStep = MappingDeclaration("backgroundStep", "Background seats from a start time (starts increasing).", [
    .required("start", .duration(min: "0s"), "From when."),
    .required("seats", .integer(min: 0, max: ControlPlaneSection.maximumBackgroundSeats), "Seats held."),
  ])

  public static let proxy = MappingDeclaration("proxy", "The aggregator's proxy.", [
    .optional("routing", .oneOf(["clusterIP", "endpoints"]), default: "clusterIP",
              "endpoints: --enable-aggregator-routing (pods directly); clusterIP: through the Service."),
    .versioned("discoveryTimeout", .noneOr(.duration(min: "> 0s")), VersionDefaults.discoveryTimeout.note(DefaultText.limit),
               "The cap on a proxied legacy discovery request; none: no cap."),
    .optional("dialTimeout", .duration(min: "> 0s"), default: "30s", "TCP dial timeout."),
    .optional("tlsHandshakeTimeout", .duration(min: "> 0s"), default: "10s", "TLS handshake timeout."),
    .versioned("readIdleTimeout", .noneOr(.duration(min: "> 0s")), VersionDefaults.readIdleTimeout.note(DefaultText.limit),
               "HTTP/2 health check: a PING after this long without a frame; none: no health check."),
    .optional("pingTimeout", .duration(min: "> 0s"), default: "15s", "Close the connection if the PING is not answered."),
    .optional("atStreamCap", .oneOf(["openConnection", "queue"]), default: "openConnection",
              "When a connection has no free stream: open another connection, or queue for a stream."),
  ])

  public static let availabilityController = MappingDeclaration("availabilityController",
                                                                "Each instance's remote availability controller.", [
    .optional("enabled", .boolean, default: "true", "false: every Available condition stays as apiServices set it."),
    .optional("resync", .duration(min: "1ms"), default: "30s", "Every APIService re-checked this often."),
    .optional("firstResync", .duration(min: "0s"), default: "a random phase per instance", "< resync."),
    .optional("workers", .integer(min: 1, max: 1_000), default: "5", "Checks at once per instance."),
    .optional("probes", .integer(min: 1, max: 1_000), default: "5", "Parallel discovery probes; one success = Available."),
    .optional("probeTimeout", .duration(min: "> 0s"), default: "5s", "A probe's deadline."),
    .optional("backoff", .mapping(backoff), "Requeue after a failed check: base x 2^n, capped at max."),
    .optional("propagationDelay", .distribution, default: "0s", "Status write -> watch -> each instance's informer."),
    .optional("registrationTime", .distribution, default: "1ms", "The 1-worker registration queue, per APIService."),
    .optional("registrationResync", .duration(min: "1ms"), default: "5m", "Every APIService re-enters the registration queue."),
  ])
  static let backoff = MappingDeclaration("backoff", "An exponential backoff.", [
    .optional("base", .duration(min: "1ms"), default: "5ms", "The first delay."),
    .optional("max", .duration(min: "1ms"), default: "30s", "The cap, >= base."),
  ])

  public static let openAPIController = MappingDeclaration("openAPIController", "Each instance's OpenAPI v2/v3 aggregation.", [
    .optional("enabled", .boolean, default: "true", "false: no background downloads."),
    .versioned("v3", .boolean, VersionDefaults.openAPIV3.note { "\($0)" }, "Also the v3 controller."),
    .optional("interval", .duration(min: "1ms"), default: "1m", "After a successful download; failures back off interval x 2^n."),
    .optional("backoffMax", .duration(min: "1ms"), default: "1h", "The backoff's cap."),
    .optional("timeout", .duration(min: "> 0s"), default: "60s", "A download's deadline."),
    .optional("firstDownload", .duration(min: "0s"), default: "1s", "After the start."),
    .optional("registrationDownloads", .boolean, default: "true",
              "The registration worker downloads v2 after each status change."),
  ])

  public static let discovery = MappingDeclaration("discovery", "The aggregated-discovery manager of each instance.", [
    .optional("enabled", .boolean, default: "when some client uses aggregated discovery", "Whether the manager runs."),
    .optional("workers", .integer(min: 1, max: 1_000), default: "2", "Fetch workers per instance."),
    .optional("fetchTimeout", .duration(min: "> 0s"), default: "5s", "The TimeoutHandler around each fetch."),
    .optional("refresh", .duration(min: "1ms"), default: "1m", "Refetch after success (1.36+) or the loop marking all dirty (before)."),
  ])
}
