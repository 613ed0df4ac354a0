import AggregationModel

extension ScenarioSchema {
  public static let fault = MappingDeclaration("fault", "A fault: a target, a kind that suits it, and a schedule (window or random).",
                                          exactlyOne: ["window", "random"], [
    .required("target", .mapping(faultTarget), "What fails."),
    .required("kind", .anyOf([.oneOf(["crash", "hang", "refuse", "silentConnectionDrop", "partition", "restart", "gracefulRestart"]),
                                  .mapping(faultKind)]),
              "pods: crash, hang, refuse, silentConnectionDrop, {slowDown: factor}; link: partition, {latencySpike: distribution}, "
                + "{lossBurst: probability}; controlPlaneInstance: restart, gracefulRestart, {gracefulRestart: shutdownDelay}."),
    .optional("window", .mapping(faultWindow), "A window (exactly one of window, random)."),
    .optional("random", .mapping(randomSchedule), "Random up and down times (exactly one of window, random)."),
  ])
  static let faultTarget = MappingDeclaration("faultTarget", "A fault's target: exactly one key.",
                                              exactlyOne: .all, [
    .optional("pods", .mapping(podsTarget), "Pods of an extension server."),
    .optional("link", .mapping(linkTarget), "A client's link, or the links to a server's pods."),
    .optional("controlPlaneInstance", .integer(min: 0, max: 999), "A kube-apiserver instance, < controlPlane.instances."),
  ])
  static let podsTarget = MappingDeclaration("podsTarget", "Pods of an extension server.", [
    .required("server", .string(nonEmpty: true), "An extensionServers name."),
    .optional("pods", .list(.integer(min: 0, max: 9_999)), default: "every pod", "Pod indices, < replicas."),
  ])
  static let linkTarget = MappingDeclaration("linkTarget", "A link: exactly one of client, server.", exactlyOne: ["client", "server"], [
    .optional("client", .string(nonEmpty: true), "A clients name."),
    .optional("server", .string(nonEmpty: true), "An extensionServers name."),
    .optional("instance", .integer(min: 0, max: 999), default: "every instance", "With server only: one instance's links."),
  ])
  static let faultKind = MappingDeclaration("faultKind", "A fault kind with a value: exactly one key.",
                                            exactlyOne: .all, [
    .optional("slowDown", .number(min: 0, max: 1e9), "Pods: service times x this factor, > 0."),
    .optional("latencySpike", .distribution, "Link: this latency added."),
    .optional("lossBurst", .number(min: 0, max: NetworkLinkSpec.maximumLoss), "Link: this loss probability."),
    .optional("gracefulRestart", .duration(min: "0s"),
              "Control-plane instance: a graceful restart with this --shutdown-delay-duration, at most \(FaultsSection.maximumShutdownDelay)."),
  ])

  static let faultWindow = window("faultWindow", durationRequired: false)
  static let partition = window("partition", durationRequired: true)

  public static let links = MappingDeclaration("links", "Network links.", [
    .optional("clients", .mapping(link), default: "an ideal link", "Every client's link to the control plane."),
    .optional("backends", .list(.mapping(backendLink)), default: "[]", "Links from the control plane to one server's pods."),
  ])

  static let linkKeys: [KeyDeclaration] = [
    .optional("latency", .distribution, "Both directions (or requestLatency/responseLatency)."),
    .optional("requestLatency", .distribution, default: "latency, else 0s", "Client -> server."),
    .optional("responseLatency", .distribution, default: "latency, else requestLatency", "Server -> client."),
    .optional("loss", .number(min: 0, max: NetworkLinkSpec.maximumLoss), default: "0", "Probability a transmission is lost."),
    .optional("retransmissionDelay", .duration(min: "1ms"), default: "200ms", "After a loss (Linux's minimum RTO)."),
    .optional("bandwidth", .noneOr(.bandwidth), default: "none (unlimited)", "Bytes/s: a number, or with K, M, G, Ki, Mi, Gi."),
    .optional("partitions", .list(.mapping(partition)), default: "[]",
              "Windows during which every message is dropped."),
  ]
  public static let link = MappingDeclaration("link", "A network link.", linkKeys)
  static let backendLink = MappingDeclaration("backendLink", "The links to one extension server's pods.", [
    .required("server", .string(nonEmpty: true), "An extensionServers name."),
    .optional("instance", .integer(min: 0, max: 63), default: "every instance", "One control-plane instance."),
  ] + linkKeys)

  public static let expectation = MappingDeclaration("expectation", "A bound on one metric of summary.csv in one scope.", [
    .required("metric", .oneOf(MetricCatalogue.summary.map(\.name)), "A summary metric."),
    .required("scope", .string(nonEmpty: true), "scope_kind/scope as in summary.csv, or all."),
    .optional("min", .number(min: nil, max: nil), "Inclusive lower bound (min, max or both)."),
    .optional("max", .number(min: nil, max: nil), "Inclusive upper bound, >= min."),
    .optional("over", .pattern("^(mean|max|min|every|quantile\\((0?\\.[0-9]+)\\))$", what: "mean, max, min, every or quantile(q)"),
              default: "mean", "The figure over the replications."),
    .optional("confidence", .noneOr(.number(min: 0.5, max: 0.9999)), default: "0.95",
              "over: mean only: the whole interval must meet the bound; none: the mean alone."),
  ])

  public static let sweepParameter = MappingDeclaration("sweepParameter", "One swept --set path.", [
    .required("path", .pattern("^spec\\.", what: "a --set path under spec"), "Not under spec.sweep or spec.expect."),
    .required("values", .list(.scalar), "Scalars, each applied as --set <path>=<value>."),
  ])
}
