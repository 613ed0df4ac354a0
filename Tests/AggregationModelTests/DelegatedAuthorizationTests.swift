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

  @Test("priority inversion: a review queued behind its own request's seat fails (10 s review timeout, or 429 at the 15 s wait limit when the timeout is 20 s) and the request gets 500", arguments: [
    (10, SimDuration.seconds(10) + .milliseconds(6)), (20, SimDuration.seconds(15) + .milliseconds(8)),
  ])
  func reviewQueuedBehindItsOwnRequest(timeoutSeconds: Int, latency: SimDuration) throws {
    // One level of one seat for everyone: the user's request holds the seat while its review queues.
    var configuration = PriorityAndFairness.Configuration()
    configuration.serverConcurrencyLimit = 1
    configuration.priorityLevels = [.exempt(), .queued("tiny", shares: 1, lendablePercent: 0, queues: 1, handSize: 1, queueLengthLimit: 2)]
    configuration.flowSchemas = [FlowSchema(name: "everyone", matchingPrecedence: 100, priorityLevel: "tiny",
                                            subjects: [.group("system:authenticated")])]
    var spec = Self.spec(times: [1], admission: .priorityAndFairness(configuration))
    spec.extensionServers[0].authorization?.clientTimeout = .seconds(timeoutSeconds)
    let result = F.run(spec)
    // The review queues at 1.006 s. 10 s timeout: the pod gives up at 11.006 s and answers (1 ms).
    // 20 s timeout: 429 at 1.006 + 60/4 = 16.006 s, back to the pod (1 ms), answer (1 ms).
    #expect(result.trace.map(\.outcome) == [.backendError])
    #expect(result.trace.map(\.latency) == [latency])
    let tiny = try #require(result.priorityLevels.last)
    #expect(tiny.rejected == (timeoutSeconds == 20 ? 1 : 0))
    #expect(tiny.dispatched == 1)
  }
}
