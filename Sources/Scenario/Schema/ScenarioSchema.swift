import AggregationModel
import SimCore

/// The scenario format, declared once: every mapping of a scenario file with its keys, their
/// forms, bounds, defaults (the Kubernetes version's where it has one) and meanings. The readers
/// check keys against these declarations, and `aggsim schema` prints them as a JSON Schema
/// (`JSONSchemaWriter`) or as the key reference of Scenarios/README.md (`SchemaReference`).
public enum ScenarioSchema {
  /// The document: `apiVersion`, `kind`, `metadata`, `spec`.
  public static let document = MappingDeclaration("Scenario", "An aggsim scenario file.", [
    .required("apiVersion", .oneOf([ScenarioLoader<NoSections>.apiVersion]), "The format's version."),
    .required("kind", .oneOf(["Scenario"]), "Always Scenario."),
    .required("metadata", .mapping(metadata), "The scenario's name and description."),
    .required("spec", .mapping(spec), "What is simulated and how it is run."),
  ])

  public static let metadata = MappingDeclaration("metadata", "The scenario's name (the output directory) and description.", [
    .required("name", .pattern(dnsLabelPattern, what: "a DNS-1123 label"),
              "A DNS-1123 label (at most 63 of a-z, 0-9 and '-', starting and ending with a letter or digit)."),
    .optional("description", .string(nonEmpty: false), "Free text, copied to the run's metadata."),
  ])

  /// A DNS-1123 label, as `ScenarioLoader.dnsLabel` checks it.
  static let dnsLabelPattern = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"

  public static let spec = MappingDeclaration("spec", "The model and the run; every section but run is optional.", [
    .required("run", .mapping(run), "How the scenario is run."),
    .optional("apiServices", .anyOf([.list(.mapping(apiService)), .mapping(apiServiceList)]),
              "The APIService objects, as kubectl get apiservices -o yaml prints them; built-in local groups need not be listed."),
    .optional("clients", .list(.mapping(client)), "Who sends requests, to which APIService, how often."),
    .optional("controlPlane", .mapping(controlPlane), "The kube-apiserver instances that run the aggregator."),
    .optional("discovery", .mapping(discovery), "The aggregated-discovery manager of each control-plane instance."),
    .optional("expect", .list(.mapping(expectation)), "Assertions on the output metrics, evaluated by aggsim check."),
    .optional("extensionServers", .list(.mapping(extensionServer)), "The extension API servers behind the remote APIServices."),
    .optional("faults", .list(.mapping(fault)), "Faults of any part of the model: a target, a kind and a schedule."),
    .optional("links", .mapping(links), "Network links."),
    .optional("sweep", .list(.mapping(sweepParameter)), "A grid of --set values; aggsim sweep runs every combination."),
  ])

  public static let run = MappingDeclaration("run", "How a scenario is run; durations are simulated time.", [
    .required("duration", .duration(min: "> 0s"), "Simulated time per replication, warm-up included."),
    .optional("warmup", .duration(min: "0s"), default: "0s", "Left out of the statistics; shorter than duration."),
    .optional("replications", .integer(min: 1, max: 1024), default: "10", "Independent replications."),
    .optional("seed", .integer(min: 0, max: Int(UInt32.max)), default: "1", "The base seed of every random stream."),
    .optional("kubernetesVersion", .kubernetesVersion, default: "\(KubernetesVersion.latest)",
              "The release whose behaviour is simulated (\(KubernetesVersion.oldest) to \(KubernetesVersion.latest))."),
    .optional("timeBucket", .duration(min: "1ms"), default: "10s",
              "The width of a time-series bucket; at most 100000 buckets in duration."),
  ])

  // MARK: Distributions

  /// A distribution as a mapping; a duration alone (`20ms`) is a constant (`ValueForm.distribution`).
  public static let distribution = MappingDeclaration(
    "distribution", "A distribution of durations: a duration alone is a constant, else exactly one kind.",
    exactlyOne: .all, [
      .optional("constant", .duration(min: "0s"), "Always this duration."),
      .optional("exponential", .mapping(exponential), "Exponential."),
      .optional("uniform", .mapping(uniform), "Uniform between min and max."),
      .optional("normal", .mapping(normal), "Normal, truncated at 0."),
      .optional("lognormal", .mapping(lognormal), "Lognormal: {mu, sigma}, {median, p99} or {mean, cv}."),
      .optional("gamma", .mapping(gamma), "Gamma: {shape, scale} or {mean, cv}."),
      .optional("erlang", .mapping(erlang), "Erlang: k exponential phases."),
      .optional("weibull", .mapping(shapeScale("weibull")), "Weibull."),
      .optional("pareto", .mapping(shapeScale("pareto")), "Pareto."),
      .optional("empirical", .mapping(empirical), "Samples, CDF points or Prometheus histogram buckets."),
      .optional("mixture", .list(.mapping(mixtureComponent)), "Components chosen by weight."),
    ])

  static let exponential = MappingDeclaration("exponential", "An exponential distribution.", [
    .required("mean", .duration(min: "0s"), "The mean."),
  ])
  static let uniform = MappingDeclaration("uniform", "A uniform distribution.", [
    .required("min", .duration(min: "0s"), "The smallest value."),
    .required("max", .duration(min: "0s"), "The largest value."),
  ])
  static let normal = MappingDeclaration("normal", "A normal distribution truncated at 0.", [
    .required("mean", .duration(min: "0s"), "The mean."),
    .required("stddev", .duration(min: "0s"), "The standard deviation."),
  ])
  static let lognormal = MappingDeclaration("lognormal", "A lognormal distribution, in one of three forms.", [
    .optional("mu", .number(min: nil, max: nil), "Form 1: the mean of the log (of seconds)."),
    .optional("sigma", .number(min: nil, max: nil), "Form 1: the standard deviation of the log, > 0."),
    .optional("median", .duration(min: "0s"), "Form 2: the median."),
    .optional("p99", .duration(min: "0s"), "Form 2: the 99th percentile, above the median."),
    .optional("mean", .duration(min: "0s"), "Form 3: the mean."),
    .optional("cv", .number(min: nil, max: nil), "Form 3: the coefficient of variation, > 0."),
  ])
  static let gamma = MappingDeclaration("gamma", "A gamma distribution, in one of two forms.", [
    .optional("shape", .number(min: nil, max: nil), "Form 1: the shape, > 0."),
    .optional("scale", .duration(min: "0s"), "Form 1: the scale."),
    .optional("mean", .duration(min: "0s"), "Form 2: the mean."),
    .optional("cv", .number(min: nil, max: nil), "Form 2: the coefficient of variation, > 0."),
  ])
  static let erlang = MappingDeclaration("erlang", "An Erlang distribution.", [
    .required("k", .integer(min: nil, max: nil), "The number of phases, >= 1."),
    .required("mean", .duration(min: "0s"), "The mean of the sum."),
  ])
  static func shapeScale(_ kind: String) -> MappingDeclaration {
    MappingDeclaration(kind, "A \(kind) distribution.", [
      .required("shape", .number(min: nil, max: nil), "The shape, > 0."),
      .required("scale", .duration(min: "0s"), "The scale."),
    ])
  }
  static let empirical = MappingDeclaration("empirical", "An empirical distribution, in exactly one form.",
                                            exactlyOne: ["samples", "cdf", "prometheusBuckets"], [
    .optional("samples", .list(.duration(min: "0s")), "Observed durations, each equally likely."),
    .optional("cdf", .list(.mapping(cdfPoint)), "Points of the cumulative distribution, increasing, the last p = 1."),
    .optional("prometheusBuckets", .list(.mapping(prometheusBucket)), "A Prometheus histogram's cumulative buckets."),
  ])
  static let cdfPoint = MappingDeclaration("cdfPoint", "A point of a cumulative distribution.", [
    .required("value", .duration(min: "0s"), "The duration."),
    .required("p", .number(min: 0, max: 1), "The probability of a value at most this."),
  ])
  static let prometheusBucket = MappingDeclaration("prometheusBucket", "A cumulative Prometheus bucket.", [
    .required("le", .anyOf([.number(min: 0, max: nil), .oneOf(["+Inf", "Inf", "+inf", "inf"])]),
              "The bucket's upper bound in seconds, as Prometheus writes it (+Inf for the last)."),
    .required("count", .number(min: 0, max: nil), "Observations at most le (cumulative)."),
  ])
  static let mixtureComponent = MappingDeclaration("mixtureComponent", "A component of a mixture.", [
    .required("weight", .number(min: nil, max: nil), "The relative weight, > 0."),
    .required("distribution", .distribution, "The component's distribution."),
  ])

  // MARK: Shared forms

  /// client-go's token bucket.
  public static let rateLimit = MappingDeclaration("rateLimit", "A client-go token bucket.", [
    .optional("qps", .rateOrNumber(min: ClientsSection.minimumQPS, max: NodeReader.maximumRate), default: "5",
              "Tokens per second (a number), or a rate such as 3/min; at least 0.001/s."),
    .optional("burst", .integer(min: 1, max: 1_000_000), default: "10", "The bucket's size."),
  ])

  /// A start and an optional duration in simulated time.
  static func window(_ id: String, durationRequired: Bool) -> MappingDeclaration {
    MappingDeclaration(id, "A window of simulated time.", [
      .required("start", .duration(min: "0s"), "When it starts."),
      durationRequired ? .required("duration", .duration(min: "> 0s"), "How long it lasts.")
        : .optional("duration", .noneOr(.duration(min: "> 0s")), default: "none", "How long it lasts; none: to the end of the run."),
    ])
  }

  /// Random up and down times.
  public static let randomSchedule = MappingDeclaration("random", "Alternating up and down times, drawn at random.", [
    .required("timeBetweenFailures", .distribution, "Up time before each fault."),
    .required("timeToRepair", .distribution, "How long each fault lasts."),
  ])
}

extension VersionDefault {
  /// The declaration without its value type; `yaml` writes a value as a scenario would.
  func note(_ yaml: @escaping @Sendable (Value) -> String) -> VersionDefaultNote {
    VersionDefaultNote(key: key, doc: doc, source: source) { yaml(self.value(in: $0)) }
  }
}

/// Version defaults as a scenario writes them.
enum DefaultText {
  static func limit(_ limit: TimeLimit) -> String { limit.duration.map(DurationFormat.format) ?? "none" }
  static func rateLimit(_ r: RateLimitSpec) -> String { "{qps: \(NodeReader.format(r.qps.perSecond)), burst: \(r.burst)}" }
  static func admission(_ a: AdmissionSpec) -> String {
    switch a {
    case .unlimited: "{unlimited: {}}"
    case .priorityAndFairness: "{priorityAndFairness: {}}"
    case .maxInFlight(let readOnly, let mutating): "{maxInFlight: {readOnly: \(readOnly), mutating: \(mutating)}}"
    }
  }
}
