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

  /// Issue 9's "capacity hour" (run for one simulated hour): 10,000 req/s over 50 APIServices
  /// on 25 extension servers, each serving two, as a custom-metrics adapter serves
  /// `custom.metrics.k8s.io` and `external.metrics.k8s.io` from one Service; 50 clients × 200 req/s.
  ///
  /// The load is served with room to spare. A request holds a workload-low seat for about
  /// 10 ms (two link legs of mean 0.8 ms, a service time of mean 8.2 ms), so 10,000 req/s keep
  /// about 100 of the level's 245 seats (600 × 100 / 245 shares) busy on average. ClusterIP pins
  /// each server's 400 req/s to one pod: 400 × 8.2 ms ≈ 3.3 of its 50 workers busy.
  static func capacityHour(duration: SimDuration) -> ModelSpec {
    spec(servers: 25, apiServicesPerServer: 2, requestsPerClient: 200, duration: duration)
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
