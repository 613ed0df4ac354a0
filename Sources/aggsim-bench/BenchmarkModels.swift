import AggregationModel
import SimCore

/// The model specs `make bench` runs, built in code: extension servers of 2 pods × 50 workers
/// (lognormal service times, median 5 ms, p99 50 ms), each behind one or more APIServices, one
/// client per APIService (Poisson GETs as a service account, so APF's workload-low level; no
/// client-side rate limit), default APF, a 200 µs filter overhead, links with a lognormal
/// latency (median 0.5 ms, p99 5 ms) and ClusterIP routing; no time series.
enum BenchmarkModels {
  /// Issue 9's "full model": 10 extension servers × 2 pods, 10 clients × 500 req/s (5,000 req/s).
  static func fullModel(duration: SimDuration) -> ModelSpec {
    spec(servers: 10, apiServicesPerServer: 1, requestsPerClient: 500, duration: duration)
  }

  /// `servers` extension servers `api<s>`, each behind `apiServicesPerServer` APIServices
  /// `v1.custom<k>.example.com`, each APIService with one client `controller<k>` sending
  /// `requestsPerClient` GETs per second. With one APIService per server, server, APIService and
  /// client `k` share their index: the names the full model has always had, and so its random
  /// streams and its events.
  static func spec(servers: Int, apiServicesPerServer: Int, requestsPerClient: Double,
                   duration: SimDuration) -> ModelSpec {
    let service = try! Distribution.lognormal(median: .milliseconds(5), p99: .milliseconds(50))
    let latency = try! Distribution.lognormal(median: .microseconds(500), p99: .milliseconds(5))
    var apiServices: [APIServiceSpec] = []
    var extensionServers: [ExtensionServerSpec] = []
    var clients: [ClientSpec] = []
    var links: [BackendLinkSpec] = []
    for server in 0..<servers {
      let reference = ServiceReference(namespace: "ext", name: "api\(server)")
      extensionServers.append(ExtensionServerSpec(name: "api\(server)", service: reference, replicas: 2, workers: 50,
                                                  serviceTimes: .uniform(service), maxStreamsPerConnection: 1_000))
      links.append(BackendLinkSpec(server: "api\(server)", link: NetworkLinkSpec(requestLatency: latency)))
      for offset in 0..<apiServicesPerServer {
        let index = server * apiServicesPerServer + offset
        let group = "custom\(index).example.com"
        apiServices.append(APIServiceSpec(APIService(group: group, version: "v1", service: reference,
                                                     groupPriorityMinimum: 1000, versionPriority: 15)))
        clients.append(ClientSpec(name: "controller\(index)",
                                  identity: .serviceAccount(namespace: "apps", name: "c\(index)"),
                                  target: .resource(apiService: "v1.\(group)", kind: .get),
                                  workload: .open(.poisson(.perSecond(requestsPerClient))), rateLimit: nil,
                                  link: NetworkLinkSpec(requestLatency: latency)))
      }
    }
    var spec = ModelSpec(duration: duration, apiServices: apiServices, extensionServers: extensionServers,
                         clients: clients)
    spec.backendLinks = links
    spec.controlPlane.filterOverhead = .constant(.microseconds(200))
    // No time series: its points are output that grows with the run by design (one per bucket,
    // scope and metric); what is measured here is the model's own state, bounded by in-flight work.
    spec.timeBucket = .zero
    return spec
  }
}
