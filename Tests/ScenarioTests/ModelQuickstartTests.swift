import Testing
import Scenario
import SimCore
import AggregationModel

@Suite("Model sections: Scenarios/quickstart.yaml")
struct ModelQuickstartTests {
  /// `Scenarios/quickstart.yaml` of this package.
  static var path: String {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)   // Tests/ScenarioTests/<this file>
    return parts.joined(separator: "/") + "/Scenarios/quickstart.yaml"
  }

  @Test("the quickstart scenario loads without errors and describes the documented day")
  func quickstartLoads() throws {
    let file = try ScenarioLoader.aggsim.load(path: Self.path)
    #expect(file.name == "quickstart")
    #expect(file.run.duration == .minutes(10) && file.run.warmup == .minutes(1) && file.run.replications == 10)
    let spec = file.modelSpec()
    #expect(spec.extensionServers.map(\.name) == ["metrics-server", "custom-apiserver"])
    #expect(spec.extensionServers.map(\.replicas) == [1, 2])
    #expect(spec.apiServices.map(\.apiService.name) == ["v1beta1.metrics.k8s.io", "v1alpha1.custom.example.com"])
    #expect(spec.clients.map(\.name) == ["hpa", "controller-a", "controller-b", "controller-c", "kubectl"])
    #expect(spec.clients[0].workload == .open(.constant(.perMinute(80))))
    #expect(spec.clients[1].workload == .open(.poisson(.perSecond(20))))
    #expect(spec.clients[4].target == .groupVersionDiscovery(apiService: "v1alpha1.custom.example.com"))
    #expect(spec.clients[4].workload == .open(.poisson(.perSecond(0.5))))
    #expect(file.expectations.count == 3)
  }
}
