import AggregationModel
import Foundation
import SimCore

/// The full model on a realistic day of traffic: 10 extension servers (2 pods × 50 workers,
/// lognormal service times, median 5 ms, p99 50 ms) behind 10 APIServices, 10 clients of
/// 500 req/s each (Poisson, service accounts, so APF's workload-low level), default APF, links
/// with a lognormal latency (median 0.5 ms, p99 5 ms) and ClusterIP routing.
enum ModelBenchmark {
  static func spec(duration: SimDuration) -> ModelSpec {
    let service = try! Distribution.lognormal(median: .milliseconds(5), p99: .milliseconds(50))
    let latency = try! Distribution.lognormal(median: .microseconds(500), p99: .milliseconds(5))
    var apiServices: [APIServiceSpec] = []
    var servers: [ExtensionServerSpec] = []
    var clients: [ClientSpec] = []
    var links: [BackendLinkSpec] = []
    for index in 0..<10 {
      let group = "custom\(index).example.com"
      let reference = ServiceReference(namespace: "ext", name: "api\(index)")
      apiServices.append(APIServiceSpec(APIService(group: group, version: "v1", service: reference,
                                                   groupPriorityMinimum: 1000, versionPriority: 15)))
      servers.append(ExtensionServerSpec(name: "api\(index)", service: reference, replicas: 2, workers: 50,
                                         serviceTimes: .uniform(service), maxStreamsPerConnection: 1_000))
      links.append(BackendLinkSpec(server: "api\(index)", link: NetworkLinkSpec(requestLatency: latency)))
      clients.append(ClientSpec(name: "controller\(index)", identity: .serviceAccount(namespace: "apps", name: "c\(index)"),
                                target: .resource(apiService: "v1.\(group)", kind: .get),
                                workload: .open(.poisson(.perSecond(500))), rateLimit: nil,
                                link: NetworkLinkSpec(requestLatency: latency)))
    }
    var spec = ModelSpec(duration: duration, apiServices: apiServices, extensionServers: servers, clients: clients)
    spec.backendLinks = links
    spec.controlPlane.filterOverhead = .constant(.microseconds(200))
    // No time series: its points are output that grows with the run by design (one per bucket,
    // scope and metric); what is measured here is the model's own state, bounded by in-flight work.
    spec.timeBucket = .zero
    return spec
  }

  struct Measurement {
    var events: UInt64, wallSeconds: Double, requests: Int, okFraction: Double, p99: SimDuration, allocations: Int
  }

  static func measure(duration: SimDuration) -> Measurement {
    var simulation = try! AggregationSimulation(spec: spec(duration: duration), runSeed: 12_345, replication: 0)
    let (result, wall, allocations) = EngineBenchmark.timedCountingAllocations { simulation.run() }
    let completed = result.clients.reduce(0) { $0 + $1.completed }
    let ok = result.clients.reduce(0) { $0 + $1.count(.ok) }
    var latency = result.clients[0].latency
    for client in result.clients.dropFirst() { latency.merge(client.latency) }
    return Measurement(events: result.eventsHandled, wallSeconds: wall, requests: completed,
                       okFraction: Double(ok) / Double(max(completed, 1)), p99: latency.percentile(99),
                       allocations: allocations)
  }
}
