import Testing
import Scenario
import SimCore
import AggregationModel

@Suite("Model sections: the OpenAPI controllers")
struct ModelOpenAPITests {
  @Test("controlPlane.openAPIController defaults to Kubernetes' controllers and maps every key")
  func openAPIControllerKeys() throws {
    #expect(try model(minimalModel()).controlPlane.openAPIController == OpenAPIControllerSpec())
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
