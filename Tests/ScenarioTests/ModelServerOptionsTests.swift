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
    "spec.extensionServers[0].aggregatedDiscovery=notFound",
    "spec.run.timeBucket=30s",
  ]

  @Test("authorization, random faults, own admission, response sizes, the aggregated-discovery answer and the time bucket reach the model")
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
    #expect(server.aggregatedDiscovery == .notFound)
    #expect(try model(minimalModel()).extensionServers[0].aggregatedDiscovery == .served)
    #expect(spec.timeBucket == .seconds(30))
  }

  @Test("a bad service account, a factor on a crash process and an unknown aggregated-discovery answer are reported at their nodes")
  func badOptions() {
    let problems = modelProblems(minimalModel(), overrides: [
      "spec.extensionServers[0].authorization={serviceAccount: metrics-server}",
      "spec.extensionServers[0].faultProcesses=[{kind: crash, factor: 2, timeBetweenFailures: 1h, timeToRepair: 1m}]",
      "spec.extensionServers[0].aggregatedDiscovery=notfound",
    ])
    #expect(problems == [
      "--set spec.extensionServers[0].faultProcesses=[{kind: crash, factor: 2, timeBetweenFailures: 1h, timeToRepair: 1m}]: spec.extensionServers[0].faultProcesses[0].factor: expected no factor for a crash fault (only slowDown has one), found \"factor\"",
      "--set spec.extensionServers[0].authorization={serviceAccount: metrics-server}: spec.extensionServers[0].authorization.serviceAccount: expected namespace/name, found \"metrics-server\"",
      "--set spec.extensionServers[0].aggregatedDiscovery=notfound: spec.extensionServers[0].aggregatedDiscovery: expected one of served, notFound, notAcceptable, ignoresAccept (did you mean \"notFound\"?), found \"notfound\"",
    ])
  }

  @Test("an unknown aggregatedDiscovery in the file is reported at its line and column with the four answers")
  func badAggregatedDiscoveryInTheFile() {
    let yaml = document(spec: """
        run: {duration: 10m}
        extensionServers:
          - name: agones
            service: {namespace: agones-system, name: agones-controller-service}
            serviceTime: 5ms
            aggregatedDiscovery: legacy
      """)
    #expect(modelProblems(yaml) == [
      "lab.yaml:11:28: spec.extensionServers[0].aggregatedDiscovery: expected one of served, notFound, notAcceptable, ignoresAccept, found \"legacy\"",
    ])
  }
  @Test("readinessProbe: default none; `{}` takes Kubernetes' defaults; every key reaches the model")
  func readinessProbeReachesTheModel() throws {
    #expect(try model(minimalModel()).extensionServers[0].readinessProbe == nil)
    #expect(try model(minimalModel(), overrides: ["spec.extensionServers[0].readinessProbe={}"]).extensionServers[0].readinessProbe
            == ReadinessProbeSpec(period: .seconds(10), timeout: .seconds(1), failureThreshold: 3, successThreshold: 1))
    let probe = try model(minimalModel(), overrides: [
      "spec.extensionServers[0].readinessProbe={period: 5s, timeout: 2s, failureThreshold: 2, successThreshold: 4, initialDelay: 20s, firstProbe: 1500ms}",
    ]).extensionServers[0].readinessProbe
    #expect(probe == ReadinessProbeSpec(period: .seconds(5), timeout: .seconds(2), failureThreshold: 2, successThreshold: 4,
                                        initialDelay: .seconds(20), firstProbe: .milliseconds(1_500)))
    #expect(try model(minimalModel(), overrides: ["spec.extensionServers[0].readinessProbe=none"]).extensionServers[0].readinessProbe == nil)
  }

  @Test("bad readinessProbe values are reported at their file:line:column, all at once")
  func badReadinessProbe() {
    let yaml = document(spec: """
        run: {duration: 10m}
        extensionServers:
          - name: metrics-server
            service: {namespace: kube-system, name: metrics-server}
            serviceTime: 5ms
            readinessProbe: {period: 0s, timeout: 1, failureThreshold: 0, successThreshold: 1}
          - name: other
            service: {namespace: kube-system, name: other}
            serviceTime: 5ms
            readinessProbe:
              period: 10s
              firstProbe: 10s
              failureTreshold: 3
      """)
    #expect(modelProblems(yaml) == [
      "lab.yaml:11:32: spec.extensionServers[0].readinessProbe.period: expected a period of at least 1ms (a real cluster's fastest loop, client-go's workqueue backoff, starts at 5ms), found \"0s\"",
      "lab.yaml:11:45: spec.extensionServers[0].readinessProbe.timeout: expected a duration with a unit (ns, us, ms, s, m, h), e.g. 250ms or 1m30s, found 1",
      "lab.yaml:11:66: spec.extensionServers[0].readinessProbe.failureThreshold: expected an integer in [1, 1000000], found 0",
      "lab.yaml:17:21: spec.extensionServers[1].readinessProbe.firstProbe: expected a firstProbe < period (10s), found 10s",
      "lab.yaml:18:9: spec.extensionServers[1].readinessProbe.failureTreshold: expected a key of spec.extensionServers[1].readinessProbe (did you mean \"failureThreshold\"?), found \"failureTreshold\"",
    ])
  }
}
