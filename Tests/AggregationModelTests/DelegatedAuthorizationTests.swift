import Testing
import SimCore
@testable import AggregationModel

/// SubjectAccessReview callbacks from an extension server into the control plane (research §1b,
/// §2.4), pinned by exact traces on a 1 ms backend link.
@Suite("Delegated authorization: SubjectAccessReview callbacks and their 10 s cache")
struct DelegatedAuthorizationTests {
  typealias F = ModelFixtures

  static func spec(times: [Double], handling: SimDuration = .milliseconds(1), admission: AdmissionSpec = .kubernetesDefault) -> ModelSpec {
    var server = F.metricsServer()
    var authorization = DelegatedAuthorizationSpec.serviceAccount(namespace: "kube-system", name: "metrics-server")
    authorization.handlingTime = .constant(handling)
    server.authorization = authorization
    var spec = F.spec(duration: .seconds(60), server: server, clients: [F.client(workload: .open(.trace(times.map(F.at))))],
                      admission: admission)
    spec.backendLinks = [BackendLinkSpec(server: "metrics-server", link: .constant(.milliseconds(1)))]
    return spec
  }

  @Test("an uncached request pays 2 × link latency + 1 ms review; within 10 s it does not; after 10 s it pays again")
  func reviewCostAndCache() throws {
    // 1 s: handshakes 4 ms, request 1 ms, review 1 + 1 + 1 ms (cached until 11.008 s), service 10 ms, answer 1 ms = 19 ms.
    // 5 s and 11.006 s (at the pod 11.007 s < 11.008 s): 1 + 10 + 1 = 12 ms. 12 s: 12 + 3 = 15 ms.
    let result = F.run(Self.spec(times: [1, 5, 11.006, 12]))
    #expect(result.trace.map(\.outcome) == [.ok, .ok, .ok, .ok])
    #expect(result.trace.map(\.latency) == [19, 12, 12, 15].map { SimDuration.milliseconds($0) })
    // The reviews are admitted as the kube-system service account: workload-high, two of them.
    let high = try #require(result.priorityLevels.first { $0.level == "workload-high" })
    #expect(high.dispatched == 2)
    let global = try #require(result.priorityLevels.first { $0.level == "global-default" })
    #expect(global.dispatched == 4)
  }

  @Test("a review that outlasts the 10 s review timeout makes the pod answer 500 at 10 s")
  func reviewTimeoutGives500() {
    let result = F.run(Self.spec(times: [1], handling: .seconds(20)))
    #expect(result.trace.map(\.outcome) == [.backendError])
    #expect(result.trace.map(\.reason) == [.authorizationFailed])
    // Handshakes 4 ms + request 1 ms, review timeout 10 s, answer 1 ms.
    #expect(result.trace.map(\.latency) == [.seconds(10) + .milliseconds(6)])
    #expect(Outcome.backendError.code == 500 && Outcome.backendError.description == "500")
  }

  @Test("priority inversion: a review queued behind its own request's seat is rejected at a quarter of its ?timeout= (2.5 s or 5 s), retried after Retry-After 1 s, until its own timeout; before 1.29 it waits 15 s, past its 10 s timeout or to a 429", arguments: [
    ("1.36", 10, SimDuration.seconds(10) + .milliseconds(6), 3), ("1.36", 20, SimDuration.seconds(20) + .milliseconds(6), 3),
    ("1.28", 10, SimDuration.seconds(10) + .milliseconds(6), 0), ("1.28", 20, SimDuration.seconds(20) + .milliseconds(6), 1),
  ])
  func reviewQueuedBehindItsOwnRequest(version: String, timeoutSeconds: Int, latency: SimDuration, rejected: Int) throws {
    // One level of one seat for everyone: the user's request holds the seat while its review queues.
    var configuration = PriorityAndFairness.Configuration()
    configuration.serverConcurrencyLimit = 1
    configuration.priorityLevels = [.exempt(), .queued("tiny", shares: 1, lendablePercent: 0, queues: 1, handSize: 1, queueLengthLimit: 2)]
    configuration.flowSchemas = [FlowSchema(name: "everyone", matchingPrecedence: 100, priorityLevel: "tiny",
                                            subjects: [.group("system:authenticated")])]
    var spec = Self.spec(times: [1], admission: .priorityAndFairness(configuration))
    spec.version = try KubernetesVersion(parsing: version)
    spec.extensionServers[0].authorization?.clientTimeout = .seconds(timeoutSeconds)
    let result = F.run(spec)
    // The review leaves at 1.005 s (its call's timeout starts) and queues at 1.006 s.
    // 1.36, 10 s: 429 at 3.506 s, back 3.507, again 4.507 → 4.508, 429 at 7.008, again 8.009 →
    //   8.010, 429 at 10.510, again 11.511, but the timeout ends the call at 11.005: 500, 1 ms.
    // 1.36, 20 s: 429 at 6.006, 12.008 and 18.010 (5 s waits); queued again at 19.012 when the
    //   timeout ends it at 21.005.
    // 1.28: a 15 s wait: the 10 s timeout ends it at 11.005; with 20 s, a 429 at 16.006, again at
    //   17.007 → 17.008, queued when the timeout ends it at 21.005.
    #expect(result.trace.map(\.outcome) == [.backendError])
    #expect(result.trace.map(\.latency) == [latency])
    let tiny = try #require(result.priorityLevels.last)
    #expect(tiny.rejected == rejected)
    #expect(tiny.dispatched == 1)
  }
}
