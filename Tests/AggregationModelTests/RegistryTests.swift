import Testing
import SimCore
@testable import AggregationModel

@Suite("APIService registry: discovery order, routing, validation, conditions")
struct RegistryTests {
  static let crdGroups = [APIService.crd(group: "widgets.example.com", version: "v1"), APIService.crd(group: "acme.io", version: "v1")]
  static let cluster = APIServiceRegistry(APIService.builtInLocal + [APIService.metricsServer] + crdGroups)

  @Test("/apis lists apiregistration first, built-ins by priority, CRD groups by name, metrics.k8s.io last")
  func discoveryGroupOrder() {
    let groups = Self.cluster.groupOrder().map(\.group)
    #expect(groups == [
      "apiregistration.k8s.io", "apps", "events.k8s.io", "authentication.k8s.io", "authorization.k8s.io",
      "autoscaling", "batch", "certificates.k8s.io", "networking.k8s.io", "policy", "rbac.authorization.k8s.io",
      "storage.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io", "scheduling.k8s.io",
      "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io", "flowcontrol.apiserver.k8s.io",
      "acme.io", "widgets.example.com", "metrics.k8s.io",
    ])
    #expect(Self.cluster.groupOrder().first { $0.group == "autoscaling" }?.versions == ["v2", "v1"])
  }

  @Test("an unavailable APIService is still listed in /apis")
  func unavailableStillListed() {
    var registry = Self.cluster
    let metrics = registry.index(named: "v1beta1.metrics.k8s.io")!
    registry.setCondition(metrics, status: .false, reason: .failedDiscoveryCheck, message: "timed out", at: .zero + .seconds(40))
    #expect(registry.groupOrder().last! == (group: "metrics.k8s.io", versions: ["v1beta1"]))
  }

  @Test("versions of equal priority follow kube-aware order; the preferred version is first")
  func versionOrderWithinGroup() {
    let registry = APIServiceRegistry(["v1", "v1beta1", "v2alpha1", "v1beta2", "foo"].map {
      APIService(group: "example.io", version: $0, groupPriorityMinimum: 1000, versionPriority: 100)
    })
    let order = registry.groupOrder()
    #expect(order.map(\.group) == ["apiregistration.k8s.io", "example.io"])
    #expect(order.map(\.versions) == [["v1"], ["v1", "v1beta2", "v1beta1", "v2alpha1", "foo"]])
  }

  @Test("a higher versionPriority beats kube-aware order, and the group's highest priority places the group")
  func versionPriorityWins() {
    let registry = APIServiceRegistry([
      APIService(group: "b.io", version: "v1", groupPriorityMinimum: 500, versionPriority: 10),
      APIService(group: "b.io", version: "v1beta1", groupPriorityMinimum: 1500, versionPriority: 20),
      APIService(group: "a.io", version: "v1", groupPriorityMinimum: 1000, versionPriority: 10),
    ])
    #expect(registry.groupOrder().map(\.group) == ["apiregistration.k8s.io", "b.io", "a.io"])
    #expect(registry.groupOrder()[1].versions == ["v1beta1", "v1"])
  }

  @Test("kube-aware version order matches apimachinery's documented examples")
  func kubeAwareVersionOrder() {
    let documented = ["v12alpha1", "v10", "v11beta2", "v10beta3", "v3beta1", "v2", "v11alpha2", "foo1", "v1", "foo10"]
    #expect(documented.map(KubeAwareVersion.init).sorted().map(\.text)
      == ["v10", "v2", "v1", "v11beta2", "v10beta3", "v3beta1", "v12alpha1", "v11alpha2", "foo1", "foo10"])
    let mixed = ["v1", "v2", "test", "foo10", "final", "foo2", "foo1"]
    #expect(mixed.map(KubeAwareVersion.init).sorted().map(\.text) == ["v2", "v1", "final", "foo1", "foo10", "foo2", "test"])
    #expect(KubeAwareVersion("v1beta").parsed == nil && KubeAwareVersion("v1gamma1").parsed == nil && KubeAwareVersion("1").parsed == nil)
  }

  @Test("paths route to the aggregator, the local delegate, the proxy or nowhere", arguments: [
    ("/apis/metrics.k8s.io/v1beta1/nodes", "proxied"),
    ("/apis/metrics.k8s.io/v1beta1", "proxied-discovery"),
    ("/apis/metrics.k8s.io/v1beta1/?timeout=32s", "proxied-discovery"),
    ("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?limit=500", "proxied"),
    ("/apis/apps/v1/deployments", "local:apps"),
    ("/apis/apps/v1", "local:apps"),
    ("/apis/acme.io/v1/things", "local:acme.io"),
    ("/api/v1/pods", "local:"),
    ("/api", "local:"),
    ("/apis", "aggregator:/apis"),
    ("/apis/metrics.k8s.io", "aggregator:metrics.k8s.io"),
    ("/apis/apiregistration.k8s.io/v1/apiservices", "aggregator:apiregistration"),
    ("/apis/unknown.io/v1/x", "notFound"),
    ("/apis/unknown.io", "notFound"),
    ("/apis/apps/v2/deployments", "notFound"),
    ("/api/v2/pods", "notFound"),
    ("/healthz", "notFound"),
  ])
  func routing(path: String, expected: String) {
    let registry = Self.cluster
    let found: String = switch registry.route(path: path) {
    case .aggregatorLocal(.groupList): "aggregator:/apis"
    case .aggregatorLocal(.group(let g)): "aggregator:\(g)"
    case .aggregatorLocal(.apiRegistration): "aggregator:apiregistration"
    case .local(let i): "local:\(registry.apiServices[i].group)"
    case .proxied(let i, let discovery):
      registry.apiServices[i].name == "v1beta1.metrics.k8s.io" ? (discovery ? "proxied-discovery" : "proxied") : "wrong APIService"
    case .notFound: "notFound"
    }
    #expect(found == expected)
  }

  @Test("presets and built-ins are valid; a CRD group gets 1000/100 and metrics-server 100/100 on kube-system/metrics-server:443")
  func presetsValid() {
    for s in APIService.builtInLocal + [APIService.metricsServer, APIService.crd(group: "acme.io", version: "v1")] {
      #expect(s.validate().isEmpty, "\(s.name)")
    }
    #expect(APIService.builtInLocal[0].name == "v1." && APIService.builtInLocal[0].groupPriorityMinimum == 18000)
    let crd = APIService.crd(group: "acme.io", version: "v1")
    #expect((crd.name, crd.groupPriorityMinimum, crd.versionPriority, crd.isLocal) == ("v1.acme.io", 1000, 100, true))
    let m = APIService.metricsServer
    #expect((m.name, m.groupPriorityMinimum, m.versionPriority, m.insecureSkipTLSVerify) == ("v1beta1.metrics.k8s.io", 100, 100, true))
    #expect(m.service == ServiceReference(namespace: "kube-system", name: "metrics-server", port: 443))
  }

  @Test("a name that is not <version>.<group> is refused with the required name")
  func badName() {
    let s = APIService(name: "metrics", group: "metrics.k8s.io", version: "v1beta1", groupPriorityMinimum: 100, versionPriority: 100)
    #expect(s.validate().map(\.description) == [
      "metadata.name: expected \"v1beta1.metrics.k8s.io\" (spec.version + \".\" + spec.group), found \"metrics\"",
    ])
  }

  @Test("priorities out of range and port 0 are all reported, in field order")
  func rangesReported() {
    let s = APIService(
      group: "metrics.k8s.io", version: "v1beta1", service: ServiceReference(namespace: "kube-system", name: "metrics-server", port: 0),
      groupPriorityMinimum: 20001, versionPriority: 0)
    #expect(s.validate().map(\.description) == [
      "spec.groupPriorityMinimum: expected an integer in 1...20000, found 20001",
      "spec.versionPriority: expected an integer in 1...1000, found 0",
      "spec.service.port: expected an integer in 1...65535, found 0",
    ])
  }

  @Test("only v1 may have an empty group; a local APIService may not skip TLS verification")
  func coreAndLocalRules() {
    let core2 = APIService(group: "", version: "v2", groupPriorityMinimum: 18000, versionPriority: 1, insecureSkipTLSVerify: true)
    #expect(core2.validate().map(\.description) == [
      "spec.group: expected a non-empty group (only v1 may have an empty group), found \"\"",
      "spec.insecureSkipTLSVerify: expected false for a local APIService (no spec.service), found true",
    ])
    let badVersion = APIService(group: "Acme.io", version: "1beta", groupPriorityMinimum: 1, versionPriority: 1)
    #expect(badVersion.validate().map(\.field) == ["spec.version", "spec.group"])
  }

  @Test("lastTransitionTime moves only when the status flips")
  func conditionTransitions() {
    var registry = APIServiceRegistry(APIService.builtInLocal + [APIService.metricsServer], at: .zero + .seconds(1))
    let apps = registry.index(group: "apps", version: "v1")!
    #expect(registry.conditions[apps] == AvailableCondition.local(at: .zero + .seconds(1)))
    let metrics = registry.index(named: "v1beta1.metrics.k8s.io")!
    #expect(registry.conditions[metrics] == nil && !registry.isAvailable(metrics))

    let firstWrite = registry.setCondition(metrics, status: .true, reason: .passed, message: "all checks passed", at: .zero + .seconds(5))
    #expect(firstWrite)
    #expect(registry.conditions[metrics] == AvailableCondition.passed(at: .zero + .seconds(5)))
    let sameWrite = registry.setCondition(metrics, status: .true, reason: .passed, message: "all checks passed", at: .zero + .seconds(35))
    #expect(!sameWrite)
    #expect(registry.conditions[metrics]!.lastTransitionTime == .zero + .seconds(5))

    let flipWrite = registry.setCondition(metrics, status: .false, reason: .failedDiscoveryCheck, message: "timed out", at: .zero + .seconds(41))
    #expect(flipWrite)
    let reasonWrite = registry.setCondition(metrics, status: .false, reason: .missingEndpoints, message: "no ready endpoints", at: .zero + .seconds(50))
    #expect(reasonWrite)
    #expect(registry.conditions[metrics] == AvailableCondition(
      status: .false, reason: .missingEndpoints, message: "no ready endpoints", lastTransitionTime: .zero + .seconds(41)))
    #expect(!registry.isAvailable(metrics))

    registry.setCondition(metrics, status: .unknown, reason: .endpointsAccessError, message: "lister error", at: .zero + .seconds(60))
    #expect(registry.conditions[metrics]!.lastTransitionTime == .zero + .seconds(60))
    #expect(AvailableCondition.Reason.allCases.map(\.rawValue) == [
      "Local", "Passed", "ServiceNotFound", "ServicePortError", "EndpointsNotFound", "MissingEndpoints",
      "FailedDiscoveryCheck", "ServiceAccessError", "EndpointsAccessError",
    ])
  }

  @Test("re-adding an APIService by name replaces it in place and keeps its condition")
  func replaceByName() {
    var registry = APIServiceRegistry([APIService.metricsServer])
    registry.setCondition(0, status: .true, reason: .passed, message: "all checks passed", at: .zero + .seconds(3))
    var moved = APIService.metricsServer
    moved.service = ServiceReference(namespace: "monitoring", name: "metrics-server")
    #expect(registry.add(moved, at: .zero + .seconds(9)) == 0)
    #expect(registry.apiServices.count == 1 && registry.apiServices[0].service?.namespace == "monitoring")
    #expect(registry.conditions[0]!.lastTransitionTime == .zero + .seconds(3))
  }

  @Test("the built-in group-versions follow the release: 30 in 1.16, 27 in 1.22 (the v1beta1 removals of 1.22), 23 in 1.25, 20 in 1.36", arguments: [
    ("1.16", 30), ("1.22", 27), ("1.25", 23), ("1.36", 20),
  ])
  func builtInGroupVersionsByRelease(version: String, count: Int) throws {
    let local = APIService.builtInLocal(in: try KubernetesVersion(parsing: version))
    #expect(local.count == count)
    #expect(Set(local.map(\.name)).count == count)
  }

  @Test("1.22 still serves flowcontrol v1beta1 and discovery v1beta1, but no longer extensions/v1beta1; 1.36 is the newest list")
  func builtInGroupVersionNames() throws {
    let names = Set(APIService.builtInLocal(in: try KubernetesVersion(parsing: "1.22")).map(\.name))
    #expect(names.contains("v1beta1.flowcontrol.apiserver.k8s.io") && names.contains("v1beta1.discovery.k8s.io"))
    #expect(!names.contains("v1beta1.extensions") && names.contains("v1.policy"))
    #expect(APIService.builtInLocal(in: .latest) == APIService.builtInLocal)
  }
}
