import Testing
import Foundation
import Scenario
import SimCore
import AggregationModel

@Suite("Model sections: apiServices")
struct ModelAPIServicesTests {
  @Test("a pasted `kubectl get apiservices -o yaml` List with metadata noise and status conditions")
  func pastedList() throws {
    let url = try #require(Bundle.module.url(forResource: "apiservices-list", withExtension: "yaml", subdirectory: "Fixtures"))
    let spec = try ScenarioLoader.aggsim.load(path: url.path).modelSpec()
    #expect(spec.apiServices == [
      APIServiceSpec(.metricsServer, initiallyAvailable: false),
      APIServiceSpec(APIService(group: "apps", version: "v1", groupPriorityMinimum: 17800, versionPriority: 15),
                     initiallyAvailable: true),
    ])
  }

  @Test("a plain sequence of APIService objects; caBundle is accepted; status Unknown is not Available")
  func sequenceForm() throws {
    let spec = try model(minimalModel(), overrides: [
      "spec.apiServices[0].spec.caBundle=LS0tLS1CRUdJTg==",
      "spec.apiServices[0].status={conditions: [{type: Degraded, status: \"True\"}, {type: Available, status: Unknown}]}",
    ])
    #expect(spec.apiServices.map(\.initiallyAvailable) == [false])
  }

  @Test("unknown keys outside metadata and status are errors; kube-aggregator validation at the field")
  func validation() {
    let yaml = document(spec: """
        run: {duration: 1m}
        apiServices:
          - apiVersion: apiregistration.k8s.io/v1
            kind: APIServce
            metadata: {name: v1beta1.metrics.k8s.io, uid: x}
            spec:
              group: metrics.k8s.io
              version: v1beta1
              groupPriorityMinimum: 0
              versionPriority: 100
              insecureSkipTLSverify: true
          - metadata: {name: v1.wrong}
            spec: {group: other.io, version: v1, groupPriorityMinimum: 100, versionPriority: 100}
            status: {conditions: [{type: Available, status: maybe}]}
      """)
    #expect(modelProblems(yaml) == [
      "lab.yaml:9:13: spec.apiServices[0].kind: expected one of APIService (did you mean \"APIService\"?), found \"APIServce\"",
      "lab.yaml:14:31: spec.apiServices[0].spec.groupPriorityMinimum: expected an integer in 1...20000, found 0",
      "lab.yaml:16:9: spec.apiServices[0].spec.insecureSkipTLSverify: expected a key of spec.apiServices[0].spec (did you mean \"insecureSkipTLSVerify\"?), found \"insecureSkipTLSverify\"",
      "lab.yaml:17:24: spec.apiServices[1].metadata.name: expected \"v1.other.io\" (spec.version + \".\" + spec.group), found \"v1.wrong\"",
      "lab.yaml:19:55: spec.apiServices[1].status.conditions[0].status: expected one of True, False, Unknown, found \"maybe\"",
    ])
  }
}
