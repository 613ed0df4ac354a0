import Testing
import Foundation
import Scenario
import SimCore
import AggregationModel

@Suite("Model sections: clients and workloads")
struct ModelWorkloadTests {
  /// The first client's workload with `workload` set to `value`.
  func workload(_ value: String) throws -> Workload {
    try model(minimalModel(), overrides: ["spec.clients[0].workload=\(value)"]).clients[0].workload
  }

  @Test("every open workload form")
  func openForms() throws {
    #expect(try workload("{poisson: 10/s}") == .open(.poisson(.perSecond(10))))
    #expect(try workload("{constant: 4/min}") == .open(.constant(.perSecond(4.0 / 60))))
    #expect(try workload("{bursts: {size: 20, every: 1m}}") == .open(.bursts(size: 20, period: .minutes(1))))
    #expect(try workload("{timeVarying: [{start: 0s, rate: 5/s}, {start: 1h, rate: 0}, {start: 2h, rate: 50/s}]}")
            == .open(.timeVarying([RateSegment(start: .zero, perSecond: 5), RateSegment(start: SimTime(since: .hours(1)), perSecond: 0),
                                   RateSegment(start: SimTime(since: .hours(2)), perSecond: 50)])))
  }

  @Test("a closed workload")
  func closedForm() throws {
    #expect(try workload("{closed: {users: 20, thinkTime: {exponential: {mean: 5s}}}}")
            == .closed(users: 20, thinkTime: .exponential(mean: .seconds(5))))
  }

  @Test("a trace file relative to the scenario file: seconds or durations, header and comments skipped, sorted")
  func traceForm() throws {
    let dir = try #require(Bundle.module.url(forResource: "trace", withExtension: "csv", subdirectory: "Fixtures"))
      .deletingLastPathComponent()
    let file = dir.appendingPathComponent("lab.yaml").path
    let scenario = try ScenarioLoader.aggsim.load(yaml: minimalModel(), file: file,
                                                  overrides: ["spec.clients[0].workload={trace: {file: trace.csv}}"])
    #expect(scenario.modelSpec().clients[0].workload == .open(.trace([
      SimTime(since: .milliseconds(250)), SimTime(since: .milliseconds(500)), SimTime(since: .milliseconds(1500)),
    ])))
  }

  @Test("identity, target kinds, rate limit, retries, timeout and link of a client")
  func clientFields() throws {
    let spec = try model(minimalModel(extra: "  links: {clients: {latency: 1ms}}"), overrides: [
      "spec.clients[0].identity={serviceAccount: kube-system/horizontal-pod-autoscaler}",
      "spec.clients[0].target.kind=list",
      "spec.clients[0].rateLimit={qps: 20, burst: 40}",
      "spec.clients[0].retries=0",
      "spec.clients[0].timeout=10s",
      "spec.clients[1]={name: alice, identity: {user: alice, groups: [dev]}, target: {apiService: v1beta1.metrics.k8s.io, kind: discovery}, workload: {poisson: 1/s}, rateLimit: none, link: {requestLatency: 2ms, responseLatency: 3ms}}",
      "spec.clients[2]={name: kubelet, identity: {node: n1}, target: {apiService: v1beta1.metrics.k8s.io}, workload: {constant: 1/s}}",
    ])
    let hpa = spec.clients[0], alice = spec.clients[1], kubelet = spec.clients[2]
    #expect(hpa.identity == .serviceAccount(namespace: "kube-system", name: "horizontal-pod-autoscaler"))
    #expect(hpa.target == .resource(apiService: "v1beta1.metrics.k8s.io", kind: .list))
    #expect(hpa.rateLimit == RateLimitSpec(qps: .perSecond(20), burst: 40))
    #expect(hpa.retry == .none)
    #expect(hpa.timeout == .seconds(10))
    #expect(hpa.link == .constant(.milliseconds(1)))
    #expect(alice.identity == .user("alice", groups: ["dev"]))
    #expect(alice.target == .groupVersionDiscovery(apiService: "v1beta1.metrics.k8s.io"))
    #expect(alice.rateLimit == nil)
    #expect(alice.link == NetworkLinkSpec(requestLatency: .constant(.milliseconds(2)), responseLatency: .constant(.milliseconds(3))))
    #expect(kubelet.identity == .node("n1"))
  }

  @Test("requestTimeout is the ?timeout= of a client's requests, apart from its timeout: none by default, a duration in (0s, 24h]")
  func requestTimeoutParameter() throws {
    #expect(try model(minimalModel()).clients[0].requestTimeout == nil)
    let spec = try model(minimalModel(), overrides: ["spec.clients[0].requestTimeout=10s"])
    #expect(spec.clients[0].requestTimeout == .seconds(10) && spec.clients[0].timeout == nil)
    #expect(try model(minimalModel(), overrides: ["spec.clients[0].requestTimeout=none"]).clients[0].requestTimeout == nil)
    #expect(modelProblems(minimalModel(), overrides: ["spec.clients[0].requestTimeout=0s"]) == [
      "--set spec.clients[0].requestTimeout=0s: spec.clients[0].requestTimeout: expected a duration > 0s, found \"0s\"",
    ])
    #expect(modelProblems(minimalModel(), overrides: ["spec.clients[0].requestTimeout=25h"]) == [
      "--set spec.clients[0].requestTimeout=25h: spec.clients[0].requestTimeout: expected a duration in (0s, 24h], found \"25h\"",
    ])
  }

  @Test("workload mistakes, each at its value")
  func workloadMistakes() {
    // Lines 25-38 of the document; the client entries are indented by 6.
    let yaml = minimalModel(extra: """
        - name: a
          target: {apiService: v1beta1.metrics.k8s.io}
          workload: {poisson: 10/s, constant: 5/s}
        - name: b
          target: {apiService: v1beta1.metrics.k8s.io}
          workload: {timeVarying: [{start: 1s, rate: 5/s}]}
        - name: c
          target: {apiService: v1beta1.metrics.k8s.io}
          workload: {bursts: {size: 0, every: 0s}}
        - name: d
          target: {apiService: v1beta1.metrics.k8s.io}
          workload: {trace: {file: missing.csv}}
        - name: e
          identity: {serviceAccount: hpa}
          target: {apiService: v1beta1.metrics.k8s.io}
          workload: {poisson: 10}
    """)
    #expect(modelProblems(yaml) == [
      "lab.yaml:25:17: spec.clients[1].workload: expected exactly one of poisson, constant, bursts, timeVarying, trace, closed, kubectl, hpa, garbageCollector, namespaceDeletion (a workload), found keys poisson, constant",
      "lab.yaml:28:40: spec.clients[2].workload.timeVarying[0].start: expected 0s (the first segment starts at the beginning of the run), found \"1s\"",
      "lab.yaml:31:33: spec.clients[3].workload.bursts.size: expected an integer in [1, 1000000], found 0",
      "lab.yaml:31:43: spec.clients[3].workload.bursts.every: expected a period of at least 1ms (a real cluster's fastest loop, client-go's workqueue backoff, starts at 5ms), found \"0s\"",
      "lab.yaml:34:32: spec.clients[4].workload.trace.file: expected a readable UTF-8 file (looked for missing.csv), found \"missing.csv\"",
      "lab.yaml:36:34: spec.clients[5].identity.serviceAccount: expected <namespace>/<name>, e.g. kube-system/horizontal-pod-autoscaler, found \"hpa\"",
      "lab.yaml:38:27: spec.clients[5].workload.poisson: expected a rate with a unit (/s, /min, /h), e.g. 50/s, found 10",
    ])
  }
}
