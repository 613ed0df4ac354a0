import Testing
import Scenario
import SimCore
@testable import AggregationModel

@Suite("Model sections: extension server options")
struct ModelServerOptionsTests {
  static let overrides = [
    "spec.extensionServers[0].authorization={serviceAccount: kube-system/metrics-server, cacheTTL: 30s, timeout: 5s, handlingTime: 2ms}",
    "spec.extensionServers[0].faultProcesses=[{kind: crash, timeBetweenFailures: {exponential: {mean: 6h}}, timeToRepair: 2m}]",
    "spec.extensionServers[0].ownAdmission={maxInFlight: {readOnly: 40, mutating: 20}}",
    "spec.extensionServers[0].responseBytes={list: 1048576}",
    "spec.run.timeBucket=30s",
  ]

  @Test("authorization, random faults, own admission, response sizes and the time bucket reach the model")
  func optionsReachTheModel() throws {
    let spec = try model(minimalModel(), overrides: Self.overrides)
    let server = spec.extensionServers[0]
    let authorization = try #require(server.authorization)
    #expect(authorization.identity.userName == "system:serviceaccount:kube-system:metrics-server")
    #expect(authorization.allowCacheTTL == .seconds(30) && authorization.denyCacheTTL == .seconds(30))
    #expect(authorization.clientTimeout == .seconds(5) && authorization.handlingTime == .constant(.milliseconds(2)))
    #expect(server.faultProcesses == [FaultProcessSpec(kind: .crash, timeBetweenFailures: .exponential(mean: .hours(6)),
                                                       timeToRepair: .constant(.minutes(2)))])
    #expect(server.ownAdmission == .maxInFlight(readOnly: 40, mutating: 20))
    #expect(server.responseBytes.list == 1_048_576 && server.responseBytes.get == 2_048)
    #expect(spec.timeBucket == .seconds(30))
  }

  @Test("a bad service account and a factor on a crash process are reported at their nodes")
  func badOptions() {
    let problems = modelProblems(minimalModel(), overrides: [
      "spec.extensionServers[0].authorization={serviceAccount: metrics-server}",
      "spec.extensionServers[0].faultProcesses=[{kind: crash, factor: 2, timeBetweenFailures: 1h, timeToRepair: 1m}]",
    ])
    #expect(problems == [
      "--set spec.extensionServers[0].faultProcesses=[{kind: crash, factor: 2, timeBetweenFailures: 1h, timeToRepair: 1m}]: spec.extensionServers[0].faultProcesses[0].factor: expected no factor for a crash fault (only slowDown has one), found \"factor\"",
      "--set spec.extensionServers[0].authorization={serviceAccount: metrics-server}: spec.extensionServers[0].authorization.serviceAccount: expected namespace/name, found \"metrics-server\"",
    ])
  }
}
