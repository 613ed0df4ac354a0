import Testing
import SimCore
@testable import AggregationModel

/// The OpenAPI v2/v3 controllers (research kube-aggregator.md §4.3, §8), pinned by exact traces:
/// ideal links, metrics-server answering in a constant 10 ms.
@Suite("OpenAPI controllers: background downloads and the registration worker")
struct OpenAPIControllerTests {
  typealias F = ModelFixtures

  static func spec(duration: Double, server: ExtensionServerSpec = F.metricsServer(), available: Bool = true) -> ModelSpec {
    F.spec(duration: .seconds(duration), server: server, clients: [], available: available, openAPIController: OpenAPIControllerSpec())
  }

  static func metrics(_ result: ReplicationResult) -> OpenAPIMetrics {
    result.openAPI[result.apiServiceNames.firstIndex(of: "v1beta1.metrics.k8s.io")!]
  }

  @Test("a healthy backend is downloaded (v2 and v3) 1 s after the start, then 1 min after each download ends: at 1, 61.01 and 121.02 s")
  func downloadsEveryMinute() {
    let result = F.run(Self.spec(duration: 130))
    #expect(Self.metrics(result) == OpenAPIMetrics(downloads: 6, failedDownloads: 0))
    #expect(result.pods[0].served == 6)
    #expect(F.run(Self.spec(duration: 121.01)).pods[0].served == 4)
  }

  @Test("while the proxy holds the APIService unavailable, downloads fail at once and back off 1, 2, 4 … minutes: at 1, 61 and 181 s of 300 s")
  func unavailableBacksOffFromOneMinute() {
    let result = F.run(Self.spec(duration: 300, available: false))
    #expect(Self.metrics(result) == OpenAPIMetrics(downloads: 6, failedDownloads: 6))
    #expect(result.pods[0].served == 0)
    #expect((1...8).map { OpenAPIControllerSpec().backoff.delay(afterFailures: $0) }
            == [1, 2, 4, 8, 16, 32, 60, 60].map { SimDuration.minutes($0) })
  }

  @Test("a hung backend holds each download for the 60 s timeout: the first ends at 61 s, the next starts at 121 s and fails at 181 s")
  func hungBackendHoldsDownloadsSixtySeconds() {
    let hang = FaultSpec(kind: .hang, start: .zero)
    let server = F.metricsServer(faults: [hang])
    #expect(Self.metrics(F.run(Self.spec(duration: 180.999, server: server))) == OpenAPIMetrics(downloads: 2, failedDownloads: 2))
    #expect(Self.metrics(F.run(Self.spec(duration: 181, server: server))) == OpenAPIMetrics(downloads: 4, failedDownloads: 4))
  }

  /// metrics-server hung from the start, and a custom API whose pod crashes at 10 s, both
  /// watched by the availability controller (first resync far away).
  static func headOfLineSpec(registrationDownloads: Bool) -> ModelSpec {
    let customService = ServiceReference(namespace: "custom-system", name: "custom-apiserver")
    let custom = APIService(group: "custom.example.com", version: "v1", service: customService,
                            groupPriorityMinimum: 1000, versionPriority: 15)
    var availability = AvailabilityControllerSpec()
    availability.firstResync = .seconds(1_000)
    var spec = F.spec(duration: .seconds(100), server: F.metricsServer(faults: [FaultSpec(kind: .hang, start: .zero)]), clients: [],
                      availabilityController: availability, openAPIController: OpenAPIControllerSpec())
    spec.apiServices.append(APIServiceSpec(custom))
    spec.extensionServers.append(ExtensionServerSpec(
      name: "custom-apiserver", service: customService, replicas: 1, workers: 10, serviceTimes: .uniform(.constant(.milliseconds(10))),
      maxStreamsPerConnection: 1_000, faults: [FaultSpec(kind: .crash, start: .zero + .seconds(10))]))
    spec.controlPlane.openAPIController.registrationDownloads = registrationDownloads
    return spec
  }

  @Test("head-of-line (research §4.3): the v2 download of the hung metrics-server holds the mutex to 61 s, so the registration worker, blocked on it since 5.001 s, installs the custom API's False (written at 11 s) only at 61.001 s")
  func hungDownloadBlocksOtherStatusChanges() {
    // 1 s: the v2 worker takes metrics-server first (registry order) and hangs until 61 s.
    // 5 s: its 5 probes time out: False. 5.001 s: the registration worker installs it, then waits
    // for the mutex to download its v2 spec. 10 s: the custom pod crashes; 11 s: NotReady, an
    // endpoint event, MissingEndpoints written at 11 s; it waits in the registration queue. 61 s:
    // the hung download times out; the registration download of metrics-server gets 503 at
    // once (its proxy now says unavailable); the worker takes the custom API: 61.001 s.
    let blocked = F.run(Self.headOfLineSpec(registrationDownloads: true))
    let custom = blocked.apiServiceNames.firstIndex(of: "v1.custom.example.com")!
    let metrics = blocked.apiServiceNames.firstIndex(of: "v1beta1.metrics.k8s.io")!
    #expect(blocked.availability[custom].propagationMax == .milliseconds(50_001))
    #expect(blocked.availability[metrics].propagationMax == .milliseconds(1))
    // Without the synchronous download the worker only spends its 1 ms per APIService.
    let free = F.run(Self.headOfLineSpec(registrationDownloads: false))
    #expect(free.availability[custom].propagationMax == .milliseconds(1))
  }

  @Test("OpenAPI downloads use their own stream: turning them on leaves every client request's latency as it was (10 workers: no queueing)")
  func ownStream() {
    let client = F.client(workload: .open(.poisson(.perSecond(20))))
    var off = F.spec(duration: .seconds(120), server: F.metricsServer(serviceTimes: .uniform(.exponential(mean: .milliseconds(10)))),
                     clients: [client])
    var on = off
    on.controlPlane.openAPIController = OpenAPIControllerSpec()
    off.requestTraceSampling = 1
    on.requestTraceSampling = 1
    let a = F.run(off), b = F.run(on)
    #expect(a.trace.count > 2_000 && a.trace.map(\.latency) == b.trace.map(\.latency))
    #expect(b.pods[0].served == a.pods[0].served + 4)
  }
}
