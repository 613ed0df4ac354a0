import Testing
import Foundation
import Scenario
import SimCore
import AggregationModel

@Suite("Model sections: references across sections")
struct ModelCrossReferenceTests {
  @Test("an APIService whose service matches no extension server")
  func unknownService() {
    // The port set by --set lies inside a mapping written in the file: reported at the mapping.
    #expect(modelProblems(minimalModel(), overrides: ["spec.apiServices[0].spec.service.port=8443"]) == [
      "lab.yaml:18:18: spec.apiServices[0].spec.service: expected the service of an extension server (one of kube-system/metrics-server:443), found \"kube-system/metrics-server:8443\"",
    ])
    let yaml = minimalModel().replacingOccurrences(of: "service: {namespace: kube-system, name: metrics-server}\n  clients",
                                                   with: "service: {namespace: kube-system, name: metric-server}\n  clients")
    #expect(modelProblems(yaml) == [
      "lab.yaml:18:18: spec.apiServices[0].spec.service: expected the service of an extension server (one of kube-system/metrics-server:443), found \"kube-system/metric-server:443\"",
    ])
  }

  @Test("a client whose target APIService does not exist")
  func unknownAPIService() {
    let yaml = minimalModel().replacingOccurrences(of: "target: {apiService: v1beta1.metrics.k8s.io}",
                                                   with: "target: {apiService: v1beta1.metric.k8s.io}")
    #expect(modelProblems(yaml) == [
      "lab.yaml:21:28: spec.clients[0].target.apiService: expected the name of an APIService (did you mean \"v1beta1.metrics.k8s.io\"?), found \"v1beta1.metric.k8s.io\"",
    ])
  }

  @Test("a backend link naming an unknown server or control-plane instance")
  func unknownLinkServer() {
    let yaml = minimalModel(extra: """
      links:
        backends:
          - {server: metrics-server, instance: 1, latency: 1ms}
          - {server: metricserver, latency: 1ms}
    """)
    #expect(modelProblems(yaml) == [
      "lab.yaml:25:44: spec.links.backends[0].instance: expected a control-plane instance index < 1 (controlPlane.instances), found 1",
      "lab.yaml:26:18: spec.links.backends[1].server: expected the name of an extension server (did you mean \"metrics-server\"?), found \"metricserver\"",
    ])
    #expect(modelProblems(yaml, overrides: ["spec.controlPlane.instances=2", "spec.links.backends[1].server=metrics-server"]) == [])
  }

  @Test("duplicate names of APIServices, servers, Services and clients")
  func duplicates() {
    let yaml = minimalModel(extra: """
        - name: hpa
          target: {apiService: v1beta1.metrics.k8s.io}
          workload: {poisson: 1/s}
    """)
    #expect(modelProblems(yaml, overrides: [
      "spec.extensionServers[1]={name: metrics-server, service: {namespace: kube-system, name: metrics-server}, serviceTime: 1ms}",
    ]) == [
      "--set spec.extensionServers[1]={name: metrics-server, service: {namespace: kube-system, name: metrics-server}, serviceTime: 1ms}: spec.extensionServers[1].name: expected a name of an extension server not used before (it is at lab.yaml:8:13), found \"metrics-server\"",
      "--set spec.extensionServers[1]={name: metrics-server, service: {namespace: kube-system, name: metrics-server}, serviceTime: 1ms}: spec.extensionServers[1].service: expected a Service of an extension server not used before (it is at lab.yaml:9:16), found \"kube-system/metrics-server:443\"",
      "lab.yaml:23:13: spec.clients[1].name: expected a name of a client not used before (it is at lab.yaml:20:13), found \"hpa\"",
    ])
  }

  @Test("a reference into a section with problems of its own is not checked")
  func brokenSectionNotChecked() {
    #expect(modelProblems(minimalModel(), overrides: ["spec.extensionServers[0].replicas=0"]) == [
      "--set spec.extensionServers[0].replicas=0: spec.extensionServers[0].replicas: expected an integer in [1, 10000], found 0",
    ])
  }

  @Test("expectation scopes name existing clients, APIServices and pods")
  func expectationScopes() {
    let yaml = minimalModel(extra: """
      expect:
        - {metric: latency_p99_s, scope: client/hpa, max: 1.0}
        - {metric: latency_p99_s, scope: client/hpb, max: 1.0}
        - {metric: fraction_504, scope: apiservice/v1.nothing.io, max: 0}
        - {metric: pod_utilisation, scope: pod/metrics-server/1, max: 0.8}
    """)
    #expect(modelProblems(yaml) == [
      "lab.yaml:25:38: spec.expect[1].scope: expected client/<name> of a client (did you mean \"hpa\"?), found \"client/hpb\"",
      "lab.yaml:26:37: spec.expect[2].scope: expected apiservice/<name> of an APIService (one of v1beta1.metrics.k8s.io), found \"apiservice/v1.nothing.io\"",
      "lab.yaml:27:40: spec.expect[3].scope: expected a pod index < 1 (the replicas of metrics-server), found \"pod/metrics-server/1\"",
    ])
  }

  @Test("discovery-client, discovery-manager and priority-level scopes name a client of that kind, an APIService, an instance and a level")
  func summaryScopes() {
    let yaml = ModelDiscoveryConsumerTests.withController("workload: {garbageCollector: {}}") + """
      expect:
        - {metric: discovery_partial_fraction, scope: garbage_collector/controller, max: 0}
        - {metric: terminating_max_s, scope: namespace_controller/controller, max: 60}
        - {metric: invocations, scope: kubectl/hpa, min: 1}
        - {metric: stale_s, scope: discovery/v1beta1.metrics.k8s.io, max: 1}
        - {metric: stale_s, scope: discovery/v1.metrics.k8s.io, max: 1}
        - {metric: seat_utilisation, scope: priority_level/0/global-default, max: 0.5}
        - {metric: rejected, scope: priority_level/1/global-default, max: 0}
        - {metric: rejected, scope: priority_level/0/global, max: 0}
    """
    let problems = modelProblems(yaml)
    #expect(problems.count == 5)
    #expect(problems.contains { $0.hasSuffix("spec.expect[1].scope: expected namespace_controller/<client> of a client with a namespaceDeletion workload (none is defined), found \"namespace_controller/controller\"") })
    #expect(problems.contains { $0.hasSuffix("spec.expect[2].scope: expected kubectl/<client> of a client with a kubectl workload (none is defined), found \"kubectl/hpa\"") })
    #expect(problems.contains { $0.hasSuffix("spec.expect[4].scope: expected discovery/<apiservice> of an APIService (one of v1beta1.metrics.k8s.io), found \"discovery/v1.metrics.k8s.io\"") })
    #expect(problems.contains { $0.hasSuffix("spec.expect[6].scope: expected a control-plane instance index < 1 (controlPlane.instances), found \"priority_level/1/global-default\"") })
    #expect(problems.contains { $0.hasSuffix("spec.expect[7].scope: expected priority_level/<instance>/<level> of an APF priority level (did you mean \"global-default\"?), found \"priority_level/0/global\"") })
    let mismatch = ModelDiscoveryConsumerTests.withController("workload: {garbageCollector: {}}")
      + "\n  expect: [{metric: time_to_detect_s, scope: client/hpa, max: 36}]"
    #expect(modelProblems(mismatch).map { String($0.drop { $0 != " " }) } == [
      " spec.expect[0].scope: expected a scope of the form apiservice/<name> for time_to_detect_s, found \"client/hpa\"",
    ])
  }
}
