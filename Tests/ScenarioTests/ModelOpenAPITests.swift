import Testing
import Scenario
import SimCore
import AggregationModel

@Suite("Model sections: the OpenAPI controllers")
struct ModelOpenAPITests {
  @Test("controlPlane.openAPIController defaults to Kubernetes' controllers and maps every key")
  func openAPIControllerKeys() throws {
    var defaults = OpenAPIControllerSpec()
    defaults.v3 = true  // the version's (1.36) default
    #expect(try model(minimalModel()).controlPlane.openAPIController == defaults)
    // The OpenAPIV3 feature is on by default from 1.24 only (VersionDefaults.openAPIV3).
    for (version, v3) in [("1.23", false), ("1.24", true)] {
      let old = try model(minimalModel(), overrides: ["spec.run.kubernetesVersion=\"\(version)\""])
      #expect(old.controlPlane.openAPIController.v3 == v3, "\(version)")
    }
    let explicit = try model(minimalModel(), overrides: ["spec.run.kubernetesVersion=\"1.22\"",
                                                         "spec.controlPlane.openAPIController={v3: true}"])
    #expect(explicit.controlPlane.openAPIController.v3)
    let spec = try model(minimalModel(), overrides: [
      "spec.controlPlane.openAPIController={enabled: true, v3: false, interval: 30s, backoffMax: 10m, timeout: 20s, firstDownload: 0s, registrationDownloads: false}",
    ]).controlPlane.openAPIController
    var expected = OpenAPIControllerSpec()
    expected.v3 = false
    expected.interval = .seconds(30)
    expected.backoffMax = .minutes(10)
    expected.timeout = .seconds(20)
    expected.firstDownload = .zero
    expected.registrationDownloads = false
    #expect(spec == expected)
  }

  @Test("a backoffMax below the interval and a zero timeout are refused at their values")
  func openAPIControllerMistakes() {
    let at = "--set spec.controlPlane.openAPIController={backoffMax: 10s, timeout: 0s}: spec.controlPlane.openAPIController."
    #expect(modelProblems(minimalModel(), overrides: ["spec.controlPlane.openAPIController={backoffMax: 10s, timeout: 0s}"]) == [
      at + "timeout: expected a duration > 0s, found \"0s\"",
    ])
    #expect(modelProblems(minimalModel(), overrides: ["spec.controlPlane.openAPIController={backoffMax: 10s}"]) == [
      "--set spec.controlPlane.openAPIController={backoffMax: 10s}: spec.controlPlane.openAPIController.backoffMax: expected a backoffMax >= interval (1m), found 10s",
    ])
  }
}
