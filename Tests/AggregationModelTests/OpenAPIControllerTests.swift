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

  @Test("before 1.28 the registration worker merges the v2 spec without a download: in 1.27 without v3 it installs the custom API's False 1 ms after its write; with v3 it waits for the hung v3 download's lock to 61.001 s; in 1.28 for the hung v2 download's mutex")
  func registrationDownloadsFromOneTwentyEight() {
    func propagation(minor: Int, v3: Bool) -> SimDuration {
      var spec = Self.headOfLineSpec(registrationDownloads: true)
      spec.version = KubernetesVersion(major: 1, minor: minor)
      spec.controlPlane.openAPIController.v3 = v3
      let result = F.run(spec)
      return result.availability[result.apiServiceNames.firstIndex(of: "v1.custom.example.com")!].propagationMax
    }
    #expect(propagation(minor: 27, v3: false) == .milliseconds(1))
    // `UpdateAPIService` of the v3 aggregator takes the lock the v3 worker holds while it
    // downloads (kube-aggregator v0.27.6 openapiv3/aggregator/aggregator.go:135-147, :159-185).
    #expect(propagation(minor: 27, v3: true) == .milliseconds(50_001))
    #expect(propagation(minor: 28, v3: false) == .milliseconds(50_001))
  }

  @Test("every 5 minutes the informer's resync puts each APIService into the registration queue again: one more (304) v2 download at 300 s, none with a 1-hour resync")
  func resyncReentersRegistration() {
    // Background v2 and v3 downloads at 1, 61.01, 121.02, 181.03, 241.04 s (10 ms each; the
    // next are due at 301.05 s). 300 s: the resync; the worker installs the (unchanged) status
    // at 300.001 s and downloads the v2 spec, answered at 300.011 s.
    var spec = Self.spec(duration: 300.5)
    #expect(Self.metrics(F.run(spec)) == OpenAPIMetrics(downloads: 11, failedDownloads: 0))
    #expect(F.run(spec).pods[0].served == 11)
    spec.controlPlane.availabilityController.registrationResync = .hours(1)
    #expect(Self.metrics(F.run(spec)) == OpenAPIMetrics(downloads: 10, failedDownloads: 0))
    // 1.27: the resync's update merges without a download.
    spec.controlPlane.availabilityController.registrationResync = .minutes(5)
    spec.version = KubernetesVersion(major: 1, minor: 27)
    #expect(Self.metrics(F.run(spec)) == OpenAPIMetrics(downloads: 10, failedDownloads: 0))
  }

  /// metrics-server Available, its OpenAPI answered in 10 s, the rest in 10 ms, over a link that
  /// carries the first v2 spec (1 MiB; nothing else has a body) in 25 s; a custom API whose pod
  /// crashes at 144 s for 2 s (the availability controller's first resync far away).
  static func v3LockSpec(v3: Bool) -> ModelSpec {
    var spec = Self.headOfLineSpec(registrationDownloads: true)
    let fast = Distribution.constant(.milliseconds(10))
    spec.extensionServers[0] = F.metricsServer(serviceTimes: ServiceTimes(get: fast, list: fast, discovery: fast, probe: fast,
                                                                         openAPI: .constant(.seconds(10))))
    spec.extensionServers[0].responseBytes = ResponseSizes()
    spec.extensionServers[0].responseBytes.probe = 0
    spec.extensionServers[0].responseBytes.discovery = 0
    spec.backendLinks = [BackendLinkSpec(server: "metrics-server", link: NetworkLinkSpec(
      requestLatency: .constant(.zero), bandwidthBytesPerSecond: Double(ResponseSizes().openAPI) / 25))]
    spec.extensionServers[1].faults = [FaultSpec(kind: .crash, start: .zero + .seconds(144), duration: .seconds(2))]
    spec.controlPlane.openAPIController.v3 = v3
    spec.duration = .seconds(160)
    return spec
  }

  @Test("the registration worker takes the v3 lock after its v2 download (audit §7): with metrics-server's v3 download holding it from 141 to 151 s, the custom API's recovery (Passed at 146.010 s) reaches the proxy at 151.001 s, 1 ms after it without v3")
  func registrationWaitsForTheV3Lock() {
    // metrics-server: v2 at 1 s takes 10 s + 25 s (the spec's bytes): 1–36 s, then 304s: 96–106,
    // 166–176 s; v3 (no body): 1–11, 71–81, 141–151 s. 144 s: the custom pod crashes; 145 s:
    // NotReady, MissingEndpoints written and installed at 145.001 s; the v2 mutex is free, the
    // registration download is answered 503 at once (False), then the worker waits for the v3
    // lock. 146 s: the pod is back, its probes pass at 146.010 s: Passed written; the worker,
    // free at 151 s, installs it at 151.001 s: 4.991 s after the write.
    let locked = F.run(Self.v3LockSpec(v3: true))
    let custom = locked.apiServiceNames.firstIndex(of: "v1.custom.example.com")!
    #expect(locked.availability[custom].propagationMax == .milliseconds(4_991))
    #expect(F.run(Self.v3LockSpec(v3: false)).availability[custom].propagationMax == .milliseconds(1))
    // 1.27: no v2 download, but `UpdateAPIService` of the v3 aggregator still takes its lock.
    var old = Self.v3LockSpec(v3: true)
    old.version = KubernetesVersion(major: 1, minor: 27)
    let merged = F.run(old)
    #expect(merged.availability[merged.apiServiceNames.firstIndex(of: "v1.custom.example.com")!].propagationMax == .milliseconds(4_991))
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
