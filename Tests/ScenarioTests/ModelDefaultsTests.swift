import Testing
import Scenario
import SimCore
import AggregationModel

@Suite("Model sections: a minimal scenario and its defaults")
struct ModelDefaultsTests {
  @Test("a minimal scenario gives a ModelSpec with every documented default")
  func minimalScenarioDefaults() throws {
    let spec = try model(minimalModel())
    var expected = ModelSpec(
      duration: .minutes(10),
      apiServices: [APIServiceSpec(APIService(
        name: "v1beta1.metrics.k8s.io", group: "metrics.k8s.io", version: "v1beta1",
        service: ServiceReference(namespace: "kube-system", name: "metrics-server", port: 443),
        groupPriorityMinimum: 100, versionPriority: 100, insecureSkipTLSVerify: false), initiallyAvailable: true)],
      extensionServers: [ExtensionServerSpec(
        name: "metrics-server", service: ServiceReference(namespace: "kube-system", name: "metrics-server", port: 443),
        replicas: 1, workers: 100, queueLimit: nil, serviceTimes: .uniform(.constant(.milliseconds(5))),
        maxStreamsPerConnection: 100, faults: [])],
      clients: [ClientSpec(
        name: "hpa", identity: .user("hpa"), target: .resource(apiService: "v1beta1.metrics.k8s.io", kind: .get),
        workload: .open(.poisson(.perSecond(10))), rateLimit: RateLimitSpec(qps: .perSecond(5), burst: 10),
        retry: RetryPolicy(maxRetries: 10), timeout: nil, link: .ideal)])
    expected.version = KubernetesVersion(major: 1, minor: 36)
    expected.warmup = .zero
    expected.controlPlane.proxy.discoveryCap = .after(.seconds(5))
    expected.controlPlane.proxy.readIdleLimit = .after(.seconds(30))
    var apfDefaults = PriorityAndFairness.Configuration.kubernetesDefaults
    apfDefaults.borrowing = true  // from 1.26
    apfDefaults.estimatedServiceDuration = .milliseconds(3)  // from 1.23
    expected.controlPlane.admission = .priorityAndFairness(apfDefaults)
    expected.controlPlane.openAPIController.v3 = true  // from 1.24
    expected.discoveryManager.enabled = false
    #expect(spec == expected)
    // Pinned one by one, so a changed default names itself.
    let cp = spec.controlPlane
    #expect(cp.instances == 1)
    #expect(cp.requestTimeout == .seconds(60))
    #expect(cp.filterOverhead == .constant(.zero))
    #expect(cp.localHandlerTime == .constant(.milliseconds(1)))
    #expect(cp.admission == .priorityAndFairness(apfDefaults))
    guard case .priorityAndFairness(let apf) = cp.admission else { Issue.record("not APF"); return }
    #expect(apf.serverConcurrencyLimit == 600)
    #expect(apf.borrowing == true)  // 1.36: levels borrow (from 1.26)
    #expect(apf.priorityLevels.map(\.name) == ["exempt", "system", "node-high", "leader-election", "workload-high",
                                               "workload-low", "global-default", "catch-all"])
    #expect(cp.proxy.routing == .clusterIP)
    #expect(cp.proxy.discoveryTimeout == .seconds(5))
    #expect(cp.proxy.dialTimeout == .seconds(30))
    #expect(cp.proxy.tlsHandshakeTimeout == .seconds(10))
    #expect(cp.proxy.readIdleTimeout == .seconds(30))
    #expect(cp.proxy.pingTimeout == .seconds(15))
    #expect(cp.proxy.atStreamCap == .openConnection)
    #expect(spec.backendLinks == [])
    #expect(spec.clients[0].rateLimit == RateLimitSpec(qps: .perSecond(5), burst: 10))
    #expect(spec.clients[0].retry.maxRetries == 10)
  }

  @Test("the Kubernetes version sets the admission filter, the HTTP/2 health check and stream default, with backports")
  func versionDefaults() throws {
    let v136 = try model(minimalModel(version: "1.36"))
    #expect(v136.version == KubernetesVersion(major: 1, minor: 36))
    #expect(v136.controlPlane.proxy.discoveryTimeout == .seconds(5))
    #expect(v136.extensionServers[0].maxStreamsPerConnection == 100)
    let v128 = try model(minimalModel(version: "1.28"))
    #expect(v128.extensionServers[0].maxStreamsPerConnection == 100)  // the newest 1.28 patch has the 1.28.3 backport
    let v1282 = try model(minimalModel(version: "1.28.2"))
    #expect(v1282.extensionServers[0].maxStreamsPerConnection == 250)
    let v119 = try model(minimalModel(version: "1.19.4"))
    #expect(v119.controlPlane.admission == .maxInFlight(readOnly: 400, mutating: 200))
    #expect(v119.controlPlane.proxy.readIdleTimeout == nil)
    #expect(v119.controlPlane.proxy.discoveryTimeout == .seconds(5))
    let v120 = try model(minimalModel(version: "1.20.0"))
    var apf120 = PriorityAndFairness.Configuration.kubernetesDefaults
    apf120.borrowing = false  // before 1.26
    apf120.estimatedServiceDuration = .seconds(60)  // before 1.23
    #expect(v120.controlPlane.admission == .priorityAndFairness(apf120))
    #expect(v120.controlPlane.proxy.readIdleTimeout == .seconds(30))
  }

  @Test("values written in the file win over the version's defaults")
  func explicitOverVersion() throws {
    let spec = try model(minimalModel(version: "1.19"), overrides: [
      "spec.controlPlane.proxy.discoveryTimeout=2s", "spec.extensionServers[0].maxStreamsPerConnection=1000",
      "spec.controlPlane.admission={priorityAndFairness: {}}", "spec.controlPlane.proxy.readIdleTimeout=none",
    ])
    #expect(spec.controlPlane.proxy.discoveryTimeout == .seconds(2))
    #expect(spec.extensionServers[0].maxStreamsPerConnection == 1000)
    var apf119 = PriorityAndFairness.Configuration.kubernetesDefaults
    apf119.borrowing = false  // before 1.26
    apf119.estimatedServiceDuration = .seconds(60)  // before 1.23
    #expect(spec.controlPlane.admission == .priorityAndFairness(apf119))
    #expect(spec.controlPlane.proxy.readIdleTimeout == nil)
    let none = try model(minimalModel(version: "1.36"), overrides: ["spec.controlPlane.proxy.discoveryTimeout=none"])
    #expect(none.controlPlane.proxy.discoveryTimeout == nil)
  }

  @Test("--set spec.extensionServers[0].replicas=3 reaches the ModelSpec")
  func overrideReachesModel() throws {
    let spec = try model(minimalModel(), overrides: ["spec.extensionServers[0].replicas=3"])
    #expect(spec.extensionServers[0].replicas == 3)
  }

  @Test("run warm-up and duration are applied")
  func runApplied() throws {
    let spec = try model(minimalModel(), overrides: ["spec.run.warmup=1m", "spec.run.duration=20m"])
    #expect(spec.duration == .minutes(20))
    #expect(spec.warmup == .minutes(1))
  }

  @Test("a scenario without model sections gives an empty model with the defaults")
  func noModelSections() throws {
    let spec = try model(document(spec: "  run: {duration: 1m}"))
    #expect(spec.apiServices == [] && spec.extensionServers == [] && spec.clients == [])
    #expect(spec.controlPlane.proxy.discoveryTimeout == .seconds(5))
  }
}
