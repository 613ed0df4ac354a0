import Testing
import Scenario
import AggregationModel

@Suite("Model sections: a client's connection")
struct ModelClientConnectionTests {
  @Test("connection is perRequest by default, pinned when written; a pinned kubectl and unknown values are errors at the value")
  func connection() throws {
    #expect(try model(minimalModel()).clients[0].connection == .perRequest)
    #expect(try model(minimalModel(), overrides: ["spec.clients[0].connection=pinned"]).clients[0].connection == .pinned)
    #expect(modelProblems(minimalModel(), overrides: ["spec.clients[0].connection=sticky"]) == [
      "--set spec.clients[0].connection=sticky: spec.clients[0].connection: expected one of perRequest, pinned, found \"sticky\"",
    ])
    let perRequestKubectl = try model(minimalModel(), overrides: [
      "spec.clients[0].workload={kubectl: {invocations: {poisson: 1/min}}}", "spec.clients[0].connection=perRequest",
    ])
    #expect(perRequestKubectl.clients[0].connection == .perRequest)
    let kubectl = modelProblems(minimalModel(), overrides: [
      "spec.clients[0].workload={kubectl: {invocations: {poisson: 1/min}}}", "spec.clients[0].connection=pinned",
    ])
    #expect(kubectl == ["--set spec.clients[0].connection=pinned: spec.clients[0].connection: "
                          + "expected perRequest for kubectl: each invocation opens a connection of its own, found \"pinned\""])
  }
}
