import AggregationModel

extension ScenarioSchema {
  public static let extensionServer = MappingDeclaration("extensionServer", "An extension API server (its pods behind one Service).", [
    .required("name", .string(nonEmpty: true), "Unique among the extension servers."),
    .required("service", .mapping(service), "The Service; the APIServices whose spec.service equals it are served here."),
    .optional("replicas", .integer(min: 1, max: 10_000), default: "1", "Pods."),
    .optional("workers", .integer(min: 1, max: 1_000_000), default: "100", "Requests served at once per pod."),
    .optional("queueLimit", .noneOr(.integer(min: 0, max: Int(Int32.max))), default: "none", "Waiting requests per pod before 429."),
    .versioned("maxStreamsPerConnection", .noneOr(.integer(min: 1, max: 1_000_000)), VersionDefaults.streamsPerConnection.note { "\($0)" },
               "HTTP/2 streams the server grants per connection."),
    .required("serviceTime", .anyOf([.distribution, .mapping(serviceTimes)]),
              "One distribution for every request kind, or one per kind."),
    .optional("faults", .list(.mapping(podFault)), "Scheduled faults of the pods."),
    .optional("faultProcesses", .list(.mapping(podFaultProcess)), "Random faults: each pod alternates up and down times."),
    .optional("authorization", .noneOr(.mapping(authorization)), default: "none",
              "Delegated authorization: a SubjectAccessReview back into the control plane per uncached client."),
    .optional("ownAdmission", .noneOr(.mapping(admission)), default: "none", "The server's own admission, as controlPlane.admission."),
    .optional("responseBytes", .mapping(responseBytes), "Response body sizes per request kind, for link bandwidth."),
    .optional("readinessProbe", .noneOr(.mapping(readinessProbe)), default: "none", "The kubelet's readiness probe of each pod."),
    .optional("aggregatedDiscovery", .oneOf(AggregatedDiscoverySupport.allCases.map(\.rawValue)), default: "served",
              "How it answers the aggregated GET /apis: served (200), notFound (404), notAcceptable (406), ignoresAccept (200, plain)."),
  ])

  public static let service = MappingDeclaration("service", "A Service reference.", [
    .required("namespace", .string(nonEmpty: false), "The Service's namespace."),
    .required("name", .string(nonEmpty: false), "The Service's name."),
    .optional("port", .integer(min: 1, max: 65535), default: "443", "The Service port."),
  ])

  static let serviceTimes = MappingDeclaration("serviceTimes", "A distribution per request kind; default or get is required.", [
    .optional("default", .distribution, "The kinds not given."),
    .optional("get", .distribution, default: "as default", "GET of a resource."),
    .optional("list", .distribution, default: "default, else get", "LIST."),
    .optional("discovery", .distribution, default: "default, else get", "Discovery (/apis/<g>/<v>, aggregated /apis)."),
    .optional("probe", .distribution, default: "default, else get", "The availability controller's probes."),
    .optional("openAPI", .distribution, default: "default, else get", "OpenAPI downloads."),
  ])

  static let podFaultKinds = ExtensionServersSection.faultKinds

  static let podFault = MappingDeclaration("podFault", "A scheduled fault of the pods.", [
    .required("kind", .oneOf(podFaultKinds), "What goes wrong."),
    .required("start", .duration(min: "0s"), "When it starts."),
    .optional("duration", .noneOr(.duration(min: "> 0s")), default: "none", "How long; none: to the end of the run."),
    .optional("pods", .list(.integer(min: 0, max: nil)), default: "every pod", "Pod indices, < replicas."),
    .optional("factor", .number(min: 0, max: 1e9), "slowDown only (required there): service times x factor, > 0."),
  ])
  static let podFaultProcess = MappingDeclaration("podFaultProcess", "Random faults of the pods.", [
    .required("kind", .oneOf(podFaultKinds), "What goes wrong."),
    .required("timeBetweenFailures", .distribution, "Up time before each fault."),
    .required("timeToRepair", .distribution, "How long each fault lasts."),
    .optional("pods", .list(.integer(min: 0, max: nil)), default: "every pod", "Pod indices, < replicas."),
    .optional("factor", .number(min: 0, max: 1e9), "slowDown only (required there): service times x factor, > 0."),
  ])

  static let authorization = MappingDeclaration("authorization", "Delegated authorization.", [
    .required("serviceAccount", .pattern("^[^/]+/[^/]+$", what: "<namespace>/<name>"), "The server's identity."),
    .optional("cacheTTL", .duration(min: "> 0s"), default: "10s", "The allow/deny cache's lifetime."),
    .optional("timeout", .duration(min: "> 0s"), default: "10s", "A review's timeout."),
    .optional("handlingTime", .distribution, default: "1ms", "The server's own time per review."),
  ])

  static let responseBytes = MappingDeclaration("responseBytes", "Response body sizes in bytes.", [
    .optional("get", .integer(min: 0, max: 1 << 40), default: "2048", "GET."),
    .optional("list", .integer(min: 0, max: 1 << 40), default: "65536", "LIST."),
    .optional("discovery", .integer(min: 0, max: 1 << 40), default: "8192", "Discovery."),
    .optional("probe", .integer(min: 0, max: 1 << 40), default: "1024", "Probes."),
    .optional("openAPI", .integer(min: 0, max: 1 << 40), default: "1048576", "OpenAPI documents."),
  ])

  static let readinessProbe = MappingDeclaration("readinessProbe", "The kubelet's readiness probe (Kubernetes' defaults).", [
    .optional("period", .duration(min: "1ms"), default: "10s", "periodSeconds."),
    .optional("timeout", .duration(min: "> 0s"), default: "1s", "timeoutSeconds."),
    .optional("failureThreshold", .integer(min: 1, max: 1_000_000), default: "3", "Failures in a row that make the pod unready."),
    .optional("successThreshold", .integer(min: 1, max: 1_000_000), default: "1", "Successes in a row that make it ready again."),
    .optional("initialDelay", .duration(min: "0s"), default: "0s", "initialDelaySeconds, after a crash's restart."),
    .optional("firstProbe", .duration(min: "0s"), default: "a random phase per pod", "< period."),
  ])

  // MARK: APIServices

  public static let apiService = MappingDeclaration("apiService", "An APIService object, as kubectl prints it.", [
    .optional("apiVersion", .oneOf(["apiregistration.k8s.io/v1", "apiregistration.k8s.io/v1beta1"]), "The object's apiVersion."),
    .optional("kind", .oneOf(["APIService"]), "The object's kind."),
    .required("metadata", .mapping(apiServiceMetadata), "name: <version>.<group>; other metadata ignored."),
    .required("spec", .mapping(apiServiceSpec), "The APIService's spec."),
    .optional("status", .mapping(apiServiceStatus), "Only the Available condition is read."),
  ])
  static let apiServiceList = MappingDeclaration("apiServiceList", "A List of APIServices, as kubectl get -o yaml prints it.", [
    .optional("apiVersion", .string(nonEmpty: false), "Ignored."),
    .optional("kind", .oneOf(["List", "APIServiceList"]), "List or APIServiceList."),
    .optional("metadata", .mapping(ignored), "Ignored."),
    .required("items", .list(.mapping(apiService)), "The APIServices."),
  ])
  static let ignored = MappingDeclaration("ignored", "Ignored.", open: true, [])
  static let apiServiceMetadata = MappingDeclaration("apiServiceMetadata", "An APIService's metadata; keys other than name ignored.",
                                                     open: true, [
    .required("name", .string(nonEmpty: true), "<version>.<group>."),
  ])
  static let apiServiceStatus = MappingDeclaration("apiServiceStatus", "An APIService's status; keys other than conditions ignored.",
                                                   open: true, [
    .optional("conditions", .list(.mapping(condition)), default: "Available True", "The initial Available condition."),
  ])
  static let condition = MappingDeclaration("condition", "A status condition; only type Available is read.", open: true, [
    .optional("type", .string(nonEmpty: false), "Available (others ignored)."),
    .optional("status", .anyOf([.oneOf(["True", "False", "Unknown"]), .boolean]), "The condition's status."),
  ])
  static let apiServiceSpec = MappingDeclaration("apiServiceSpec", "An APIService's spec, validated as kube-aggregator does.", [
    .required("group", .string(nonEmpty: false), "The API group (\"\" only for v1)."),
    .required("version", .string(nonEmpty: true), "The version."),
    .required("groupPriorityMinimum", .integer(min: 1, max: 20_000), "The group's priority."),
    .required("versionPriority", .integer(min: 1, max: 1_000), "The version's priority within its group."),
    .optional("service", .mapping(service), default: "none (local)", "The backing Service; absent = a local group."),
    .optional("insecureSkipTLSVerify", .boolean, default: "false", "Skip TLS verification."),
    .optional("caBundle", .string(nonEmpty: false), "Accepted and ignored."),
  ])
}
