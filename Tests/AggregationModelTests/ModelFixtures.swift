import SimCore
@testable import AggregationModel

/// Small model specs for exact traces: ideal links, no filter overhead, one metrics-server.
enum ModelFixtures {
  static let metricsServerService = ServiceReference(namespace: "kube-system", name: "metrics-server")

  static func metricsServer(replicas: Int = 1, workers: Int = 10, serviceTimes: ServiceTimes = .uniform(.constant(.milliseconds(10))),
                            faults: [FaultSpec] = [], maxStreams: Int? = 1_000) -> ExtensionServerSpec {
    ExtensionServerSpec(name: "metrics-server", service: metricsServerService, replicas: replicas, workers: workers,
                        serviceTimes: serviceTimes, maxStreamsPerConnection: maxStreams, faults: faults)
  }

  static func client(_ name: String = "alice", target: ClientTarget = .resource(apiService: "v1beta1.metrics.k8s.io", kind: .get),
                     workload: Workload, identity: RequestSubject = .user("alice")) -> ClientSpec {
    ClientSpec(name: name, identity: identity, target: target, workload: workload, rateLimit: nil, retry: .none)
  }

  /// A spec with metrics-server, the given clients, unlimited admission and every request traced.
  /// The availability controller is off unless given, so that the Available condition is static,
  /// and so are the OpenAPI controllers unless given (their background downloads would share the
  /// pods' workers with the traced requests).
  static func spec(duration: SimDuration, server: ExtensionServerSpec = metricsServer(), clients: [ClientSpec],
                   available: Bool = true, admission: AdmissionSpec = .unlimited,
                   routing: ProxySpec.Routing = .clusterIP, instances: Int = 1,
                   availabilityController: AvailabilityControllerSpec = .disabled,
                   openAPIController: OpenAPIControllerSpec = .disabled) -> ModelSpec {
    var spec = ModelSpec(duration: duration, apiServices: [APIServiceSpec(.metricsServer, initiallyAvailable: available)],
                         extensionServers: [server], clients: clients)
    spec.controlPlane.admission = admission
    spec.controlPlane.proxy.routing = routing
    spec.controlPlane.instances = instances
    spec.controlPlane.availabilityController = availabilityController
    spec.controlPlane.openAPIController = openAPIController
    spec.requestTraceSampling = 1
    return spec
  }

  static func run(_ spec: ModelSpec, replication: Int = 0) -> ReplicationResult {
    var simulation = try! AggregationSimulation(spec: spec, runSeed: 2026, replication: replication)
    return simulation.run()
  }

  static func at(_ seconds: Double) -> SimTime { .zero + .seconds(seconds) }
}
