import Foundation
import Testing
import Scenario
import SimCore
import AggregationModel

@Suite("Model sections: HPA, garbage-collector and namespace-deletion workloads")
struct ModelDiscoveryConsumerTests {
  /// The minimal model with a second client `controller` written as `client` (flow mappings).
  static func withController(_ client: String) -> String {
    minimalModel().replacingOccurrences(of: "      workload: {poisson: 10/s}\n",
                                        with: "      workload: {poisson: 10/s}\n    - {name: controller, \(client)}\n")
  }

  func controller(_ client: String) throws -> ClientSpec {
    try model(Self.withController(client)).clients[1]
  }

  @Test("hpa: 40 autoscalers every 15 s are evenly spaced LISTs of metrics.k8s.io at 40/15 per second, as the HPA controller with kube-controller-manager's 20/30")
  func hpaDefaults() throws {
    let hpa = try controller("workload: {hpa: {autoscalers: 40}}")
    #expect(hpa.workload == .open(.constant(.perSecond(40.0 / 15))))
    #expect(hpa.target == .resource(apiService: "v1beta1.metrics.k8s.io", kind: .list))
    #expect(hpa.identity == .serviceAccount(namespace: "kube-system", name: "horizontal-pod-autoscaler"))
    #expect(hpa.rateLimit == RateLimitSpec(qps: .perSecond(20), burst: 30))
  }

  @Test("hpa keeps a target, identity and rate limit written in the file")
  func hpaOverrides() throws {
    let hpa = try controller("target: {apiService: v1beta1.metrics.k8s.io, kind: get}, identity: {user: hpa}, rateLimit: none, workload: {hpa: {autoscalers: 3, period: 30s}}")
    #expect(hpa.workload == .open(.constant(.perSecond(0.1))))
    #expect(hpa.target == .resource(apiService: "v1beta1.metrics.k8s.io", kind: .get))
    #expect(hpa.identity == .user("hpa"))
    #expect(hpa.rateLimit == nil)
  }

  @Test("garbageCollector: {} is a sync every 30 s with a random first phase and the version's discovery, no target, as generic-garbage-collector, 20 QPS / burst 200")
  func garbageCollectorDefaults() throws {
    let gc = try controller("workload: {garbageCollector: {}}")
    #expect(gc.workload == .garbageCollector(GarbageCollectorSpec(discovery: .aggregated)))
    #expect(gc.target == ClientTarget.none)
    #expect(gc.identity == .serviceAccount(namespace: "kube-system", name: "generic-garbage-collector"))
    // Its discovery client's own bucket: the client builder's 20 QPS / burst 200, not the flags' 30.
    #expect(gc.rateLimit == RateLimitSpec(qps: .perSecond(20), burst: 200))
    let fields = try controller("workload: {garbageCollector: {period: 1m, firstSync: 0s, discovery: legacy, extraLocalGroupVersions: 40}}")
    #expect(fields.workload == .garbageCollector(GarbageCollectorSpec(period: .minutes(1), firstSync: .zero, discovery: .legacy,
                                                                      extraLocalGroupVersions: 40)))
  }

  @Test("namespaceDeletion maps every field and defaults to the namespace controller's constants (5 s grace, 5 ms..60 s, 10/100)")
  func namespaceDeletionFields() throws {
    let defaults = try controller("workload: {namespaceDeletion: {deletions: {poisson: 1/min}}}")
    #expect(defaults.workload == .namespaceDeletion(NamespaceDeletionSpec(deletions: .poisson(.perSecond(1.0 / 60)), discovery: .aggregated)))
    #expect(defaults.identity == .serviceAccount(namespace: "kube-system", name: "namespace-controller"))
    let all = try controller("""
      workload: {namespaceDeletion: {deletions: {constant: 1/h}, workers: 2, gracePeriod: 0s, contentDeletion: {exponential: {mean: 2s}}, \
      retryBase: 10ms, retryMax: 2m, requeueRateLimit: {qps: 1, burst: 5}, discovery: legacy, extraLocalGroupVersions: 3}}
      """)
    #expect(all.workload == .namespaceDeletion(NamespaceDeletionSpec(
      deletions: .constant(.perSecond(1.0 / 3_600)), workers: 2, gracePeriod: .zero, contentDeletion: .exponential(mean: .seconds(2)),
      retryBase: .milliseconds(10), retryCap: .minutes(2), requeueRateLimit: RateLimitSpec(qps: .perSecond(1), burst: 5),
      discovery: .legacy, extraLocalGroupVersions: 3)))
  }

  @Test("consumer mistakes, each at its value: a target on a garbage collector, a zero period, a missing deletions")
  func consumerMistakes() {
    let yaml = Self.withController("target: {apiService: v1beta1.metrics.k8s.io}, workload: {garbageCollector: {period: 0s}}")
    #expect(modelProblems(yaml).map { $0.replacingOccurrences(of: #"^lab\.yaml:\d+:\d+: "#, with: "", options: .regularExpression) } == [
      "spec.clients[1].target: expected no target: a garbage collector or namespace controller sends only discovery requests, found \"target\"",
      "spec.clients[1].workload.garbageCollector.period: expected a period of at least 1ms (a real cluster's fastest loop, client-go's workqueue backoff, starts at 5ms), found \"0s\"",
    ])
    let deletions = Self.withController("workload: {namespaceDeletion: {gracePeriod: 1s}}")
    #expect(modelProblems(deletions) == ["lab.yaml:23:56: spec.clients[1].workload.namespaceDeletion: expected key \"deletions\", found nothing"])
  }

  @Test("rates beyond 1,000,000 per second are refused (a run would never end): a Poisson rate, and autoscalers / period")
  func absurdRatesRefused() {
    #expect(modelProblems(minimalModel(), overrides: ["spec.clients[0].workload={constant: 10000000000/s}"]) == [
      "--set spec.clients[0].workload={constant: 10000000000/s}: spec.clients[0].workload.constant: expected a rate of at most 1000000/s (one client; the model would need years of wall time beyond), found \"10000000000/s\"",
    ])
    #expect(modelProblems(minimalModel(), overrides: ["spec.clients[0].workload={hpa: {autoscalers: 1000000, period: 1ms}}"]) == [
      "--set spec.clients[0].workload={hpa: {autoscalers: 1000000, period: 1ms}}: spec.clients[0].workload.hpa: expected at most 1000000 polls per second (autoscalers / period), found 1000000 per 1ms",
    ])
  }
}
